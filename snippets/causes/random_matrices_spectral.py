"""Spectral radius and largest singular value of a layer's weights; a power-iteration estimate."""
import math

import numpy as np

SEED = 0
WIDTH = 256             # a square WIDTH x WIDTH layer
POWER_ITERATIONS = 15   # what PyTorch's spectral_norm runs when it is first applied

rng = np.random.default_rng(SEED)
bound = 1 / math.sqrt(WIDTH)  # PyTorch's default nn.Linear init: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
W = rng.uniform(-bound, bound, (WIDTH, WIDTH))

rho = np.abs(np.linalg.eigvals(W)).max()
sigma_max = np.linalg.norm(W, ord=2)  # the largest singular value
v_top = np.linalg.svd(W)[2][0]        # the input direction that W stretches most
print(f"spectral radius rho(W) = {rho:.3f}")
print(f"largest singular value ||W||_2 = {sigma_max:.3f}")
print(f"stretch of the top singular direction ||W v|| = {np.linalg.norm(W @ v_top):.3f}")

# Power iteration: alternate v <- W^T u, u <- W v; sigma = u . W v can only underestimate ||W||_2.
u = rng.standard_normal(WIDTH)
for _ in range(POWER_ITERATIONS):
    v = W.T @ u
    v /= np.linalg.norm(v)
    u = W @ v
    u /= np.linalg.norm(u)
estimate = u @ W @ v
print(f"power-iteration estimate after {POWER_ITERATIONS} steps = {estimate:.3f}")
print(f"largest singular value of W / estimate = {np.linalg.norm(W / estimate, ord=2):.3f}")
