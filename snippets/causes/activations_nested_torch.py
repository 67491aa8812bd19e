"""Autograd on a grid: the slope dy/dx of nested one-unit layers, compared with w^n."""
import torch

WEIGHT = 8.0
DEPTHS = [1, 2, 3]
x = torch.arange(-20000, 20001, dtype=torch.float64) / 20000  # step 5e-5 from -1 to 1, exact 0 and 0.5
ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh}


def nest(f, depth):
    def y(x):
        for _ in range(depth):
            x = f(WEIGHT * x)
        return x
    return y


for name, f in ACTIVATIONS.items():
    at = 0.5 if name == "relu" else 0.0  # relu: any x > 0 (PyTorch uses relu'(0) = 0); tanh: the centre
    for depth in DEPTHS:
        slope = torch.func.vmap(torch.func.grad(nest(f, depth)))(x)  # dy/dx at every grid point
        print(f"{name} depth {depth}: slope at x = {at} = {slope[x == at].item():,.2f}"
              f" (w^n = {WEIGHT ** depth:,.0f}), largest slope = {slope.max().item():,.2f}")
