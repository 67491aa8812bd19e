"""The same 20-layer chain in PyTorch: autograd multiplies the same 20 factors."""
import torch

WEIGHT = 2.34
DEPTH = 20

weights = torch.full((DEPTH,), WEIGHT, dtype=torch.float64, requires_grad=True)
x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)

y = x
for w in weights:
    y = torch.relu(w * y)
y.backward()

print(f"output             = {y.item():,.2f}")
print(f"d(output)/d(input) = {x.grad.item():,.2f}")
print(f"d(output)/d(w1)    = {weights.grad[0].item():,.2f}")
print(f"d(output)/d(w20)   = {weights.grad[-1].item():,.2f}")
