"""Spectral radius and largest singular value of nn.Linear weights; spectral_norm's estimate."""
import torch

SEED = 0
WIDTH = 256

torch.manual_seed(SEED)
layer = torch.nn.Linear(WIDTH, WIDTH)  # default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
W = layer.weight.detach()

rho = torch.linalg.eigvals(W).abs().max()
sigma_max = torch.linalg.matrix_norm(W, ord=2)  # the largest singular value
v_top = torch.linalg.svd(W).Vh[0]               # the input direction that W stretches most
print(f"spectral radius rho(W) = {rho.item():.3f}")
print(f"largest singular value ||W||_2 = {sigma_max.item():.3f}")
stretch = torch.linalg.vector_norm(W @ v_top)
print(f"stretch of the top singular direction ||W v|| = {stretch.item():.3f}")

# spectral_norm divides the weight by a power-iteration estimate of ||W||_2 (15 steps when applied).
torch.nn.utils.parametrizations.spectral_norm(layer)
normalised = layer.weight.detach()
after = torch.linalg.matrix_norm(normalised, ord=2)
print(f"largest singular value of W / estimate = {after.item():.3f}")
