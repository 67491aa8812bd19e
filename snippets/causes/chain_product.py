"""Backpropagation through 20 one-unit ReLU layers is a product of 20 factors."""
import numpy as np

WEIGHT = 2.34  # every layer's weight
DEPTH = 20     # number of layers
X = 1.0        # the input


def forward_backward(weights, x):
    """Return the output, d(output)/d(input) and d(output)/d(weights)."""
    inputs = []  # what each layer received, kept for the backward pass
    y = x
    for w in weights:
        inputs.append(y)
        y = max(w * y, 0.0)  # relu(w * y)
    grad_y = 1.0  # d(output)/d(output)
    grad_w = np.zeros(len(weights))
    for layer in reversed(range(len(weights))):
        relu_slope = 1.0 if weights[layer] * inputs[layer] > 0 else 0.0
        grad_w[layer] = grad_y * relu_slope * inputs[layer]  # chain rule: one more factor
        grad_y = grad_y * relu_slope * weights[layer]
    return y, grad_y, grad_w


output, grad_input, grad_w = forward_backward(np.full(DEPTH, WEIGHT), X)
print(f"output             = {output:,.2f}")
print(f"d(output)/d(input) = {grad_input:,.2f}")
print(f"d(output)/d(w1)    = {grad_w[0]:,.2f}")
print(f"d(output)/d(w20)   = {grad_w[-1]:,.2f}")

output_50, grad_input_50, _ = forward_backward(np.full(50, WEIGHT), X)
print(f"d(output)/d(input) at 50 layers = {grad_input_50:.3e}")
