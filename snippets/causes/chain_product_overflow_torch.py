"""Autograd in float16: 14 layers of 2.34 overflow to inf, and one SGD step later the output is NaN."""
import torch

WEIGHT = 2.34
DEPTH = 14
TARGET = 1.0
LEARNING_RATE = 0.01

weights = torch.full((DEPTH,), WEIGHT, dtype=torch.float16, requires_grad=True)


def forward(weights):
    y = torch.tensor(1.0, dtype=torch.float16)
    for w in weights:
        y = torch.relu(w * y)
    return y


print(f"output at depth 13 = {forward(weights[:13]).item():,.0f}")
y = forward(weights)
loss = (y - TARGET) ** 2 / 2
loss.backward()
print(f"output at depth 14 = {y.item()}")
print(f"weight gradients   = {weights.grad[0].item()} (all {DEPTH})")

with torch.no_grad():
    weights -= LEARNING_RATE * weights.grad
print(f"weights after SGD  = {weights[0].item()}")
print(f"output after SGD   = {forward(weights).item()}")
