"""One NaN in the data: the loss is ordinary until the batch that holds it, then NaN for good."""
import numpy as np

SEED = 0
ROWS, FEATURES, BATCH = 256, 4, 32
BAD_ROW, BAD_FEATURE = 165, 2  # one missing value, stored as NaN
LEARNING_RATE = 0.1
STEPS = 8

rng = np.random.default_rng(SEED)
X = rng.normal(size=(ROWS, FEATURES))
y = X @ np.array([1.0, -2.0, 0.5, 1.0]) + 0.1 * rng.normal(size=ROWS)
X[BAD_ROW, BAD_FEATURE] = np.nan


def train(lr):
    """Minibatch gradient descent on a linear model; the loss and gradient norm of every step."""
    w = np.zeros(FEATURES)
    losses, norms = [], []
    for step in range(STEPS):
        batch = slice(step * BATCH % ROWS, step * BATCH % ROWS + BATCH)
        error = X[batch] @ w - y[batch]
        grad = X[batch].T @ error / BATCH
        losses.append(np.mean(error**2) / 2)
        norms.append(np.linalg.norm(grad))
        w = w - lr * grad
    return np.array(losses), np.array(norms)


for lr in [LEARNING_RATE, LEARNING_RATE / 10]:
    losses, norms = train(lr)
    first = np.flatnonzero(~np.isfinite(losses))[0]
    print(f"first non-finite loss at step, lr {lr:g} = {first}")
    print(f"gradient norms before it, lr {lr:g} = " + ", ".join(f"{n:.2f}" for n in norms[:first]))

# The first check: which rows of the data are not finite, and which batch holds them?
bad_rows = np.flatnonzero(~np.isfinite(X).all(axis=1))
print(f"rows with a non-finite value = {', '.join(str(r) for r in bad_rows)}")
print(f"batch holding row {bad_rows[0]} = {bad_rows[0] // BATCH}")
