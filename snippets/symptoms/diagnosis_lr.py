"""A learning rate above 2 / curvature diverges with no deep chain at all: a linear model, full batch."""
import numpy as np

SEED = 0
ROWS, FEATURES = 256, 4
LEARNING_RATE = 2.5  # too high; LEARNING_RATE / 10 is fine
STEPS = 60

rng = np.random.default_rng(SEED)
X = rng.normal(size=(ROWS, FEATURES))
y = X @ np.array([1.0, -2.0, 0.5, 1.0]) + 0.1 * rng.normal(size=ROWS)

# The loss mean((X w - y)^2) / 2 has the constant Hessian X^T X / ROWS; its largest eigenvalue is the
# curvature along the steepest direction. Gradient descent is stable only if lr * curvature < 2.
curvature = np.linalg.eigvalsh(X.T @ X / ROWS).max()
print(f"largest curvature = {curvature:.4f}")
print(f"stable if lr < 2 / curvature = {2 / curvature:.4f}")


def gradient_norms(lr):
    w = np.zeros(FEATURES)
    norms = []
    for _ in range(STEPS):
        grad = X.T @ (X @ w - y) / ROWS
        norms.append(np.linalg.norm(grad))
        w = w - lr * grad
    return np.array(norms)


norms = {lr: gradient_norms(lr) for lr in [LEARNING_RATE, LEARNING_RATE / 10]}
for lr, history in norms.items():
    print(f"lr {lr:g}: gradient norm at step 0 = {history[0]:.4f}")
    print(f"lr {lr:g}: gradient norm at step {STEPS - 1} = {history[-1]:.3g}")
high = norms[LEARNING_RATE]
print(f"lr {LEARNING_RATE:g}: growth per step at the end = {high[-1] / high[-2]:.4f}")

# "Gradients above 1.0" is no criterion: summing the loss over the batch instead of averaging it
# multiplies every gradient by the batch size, and nothing else changes.
print(f"gradient norm at step 0, loss summed over the batch = {np.linalg.norm(X.T @ y):.1f}")
