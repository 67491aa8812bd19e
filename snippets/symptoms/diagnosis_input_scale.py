"""A feature in the thousands makes the curvature a million times larger: an ordinary lr diverges."""
import numpy as np

SEED = 0
ROWS = 256
LEARNING_RATE = 0.1  # comfortable for standardised inputs
STEPS = 10

rng = np.random.default_rng(SEED)
X = rng.normal(size=(ROWS, 3))
X[:, 0] = 1000 + 300 * X[:, 0]  # say, a floor area in square feet, beside features of order 1
y = (X[:, 0] - 1000) / 300 - 2 * X[:, 1] + 0.5 * X[:, 2] + 0.1 * rng.normal(size=ROWS)
standardised = (X - X.mean(axis=0)) / X.std(axis=0)

for name, inputs in [("raw", X), ("standardised", standardised)]:
    curvature = np.linalg.eigvalsh(inputs.T @ inputs / ROWS).max()  # Hessian of mean((X w - y)^2) / 2
    print(f"{name}: largest curvature = {curvature:.4g}")
    print(f"{name}: largest stable lr, 2 / curvature = {2 / curvature:.3g}")
    print(f"{name}: gradient norm at step 0 = {np.linalg.norm(inputs.T @ y / ROWS):.3g}")
    w = np.zeros(3)
    for _ in range(STEPS):
        grad = inputs.T @ (inputs @ w - y) / ROWS
        w = w - LEARNING_RATE * grad
    loss = np.mean((inputs @ w - y) ** 2) / 2
    print(f"{name}: loss after {STEPS} steps at lr {LEARNING_RATE:g} = {loss:.3g}")
