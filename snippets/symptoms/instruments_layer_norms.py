"""Per-layer gradient norms by hand, on a 3-layer linear chain with gradients known in closed form."""
import numpy as np

X = np.array([1.0, 2.0])
TARGET = 10.0
WEIGHTS = {  # the names PyTorch's nn.Sequential gives the same three layers
    "0.weight": np.array([[2.0, 0.0], [0.0, 2.0]]),
    "1.weight": np.array([[3.0, 0.0], [0.0, 3.0]]),
    "2.weight": np.array([[1.0, 1.0]]),
}


def gradients(weights, x):
    """Backpropagation through y = W2 W1 W0 x with loss (y - target)^2 / 2."""
    inputs = []  # what each layer received
    h = x
    for W in weights.values():
        inputs.append(h)
        h = W @ h
    grad_h = h - TARGET  # d(loss)/d(output)
    grads = {}
    for (name, W), h_in in zip(reversed(weights.items()), reversed(inputs)):
        grads[name] = np.outer(grad_h, h_in)  # d(loss)/dW = (gradient at the output) x (input)^T
        grad_h = W.T @ grad_h
    return grads


grads = gradients(WEIGHTS, X)
for name in WEIGHTS:  # the instrument: one number per layer, logged every step
    print(f"grad norm {name} = {np.linalg.norm(grads[name]):.4f}")
total = np.sqrt(sum(np.linalg.norm(g) ** 2 for g in grads.values()))
print(f"total grad norm = {total:.4f}")
