"""What clip_grad_norm_ computes and returns, in NumPy: the total norm BEFORE clipping."""
import numpy as np

MAX_NORM = 1.0
X = np.array([1.0, 2.0])
TARGET = 10.0
WEIGHTS = [np.array([[2.0, 0.0], [0.0, 2.0]]), np.array([[3.0, 0.0], [0.0, 3.0]]),
           np.array([[1.0, 1.0]])]  # the same 3-layer chain


def gradients(weights, x):
    """Backpropagation through y = W2 W1 W0 x with loss (y - target)^2 / 2."""
    inputs, h = [], x
    for W in weights:
        inputs.append(h)
        h = W @ h
    grad_h, grads = h - TARGET, []
    for W, h_in in zip(reversed(weights), reversed(inputs)):
        grads.insert(0, np.outer(grad_h, h_in))
        grad_h = W.T @ grad_h
    return grads


def clip_grad_norm(grads, max_norm):
    """PyTorch's rule: every gradient times min(max_norm / (total + 1e-6), 1); returns the total."""
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    coefficient = min(max_norm / (total + 1e-6), 1.0)
    for g in grads:
        g *= coefficient  # in place, like the trailing underscore in clip_grad_norm_
    return total


grads = gradients(WEIGHTS, X)
logged = clip_grad_norm(grads, MAX_NORM)
print(f"returned (and logged) norm = {logged:.4f}")
print(f"max_norm = {MAX_NORM}")
print(f"norm after clipping = {np.sqrt(sum(np.sum(g**2) for g in grads)):.6f}")
print(f"clipping coefficient = {MAX_NORM / (logged + 1e-6):.6f}")
