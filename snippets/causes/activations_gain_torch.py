"""The largest slope of PyTorch's own activation functions, by autograd on a grid."""
import torch

WEIGHTS = [8.0, 0.7]
ACTIVATIONS = {
    "relu": torch.nn.ReLU(),
    "leaky relu (0.01)": torch.nn.LeakyReLU(0.01),
    "tanh": torch.nn.Tanh(),
    "sigmoid": torch.nn.Sigmoid(),
    "gelu": torch.nn.GELU(),  # exact, with erf (approximate="none")
    "silu (swish)": torch.nn.SiLU(),
}

z = torch.linspace(-6, 6, 12001, dtype=torch.float64, requires_grad=True)
for name, f in ACTIVATIONS.items():
    (slope,) = torch.autograd.grad(f(z).sum(), z)  # f'(z) at every grid point
    m = slope.max().item()
    gains = ", ".join(f"{w * m:.3f} at w = {w:g}" for w in WEIGHTS)
    print(f"{name:>17}: max f'(z) = {m:.4f}; largest |w f'| = {gains}")
