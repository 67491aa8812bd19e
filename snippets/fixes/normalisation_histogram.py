"""Batch norm standardises each feature over the batch: it does not squash its outputs into [-1, 1]."""
import math

import matplotlib.pyplot as plt
import numpy as np

BATCH = 256
FEATURES = 64
SCALE = 1000.0  # pre-activations of a layer that has already blown up
EPS = 1e-5
OUTLIER_BATCH = 32
SEED = 0
rng = np.random.default_rng(SEED)


def batch_norm(z, gamma=1.0, beta=0.0):
    """Each column (feature) standardised over the rows (the batch), then scaled and shifted."""
    mean, var = z.mean(axis=0), z.var(axis=0)
    return gamma * (z - mean) / np.sqrt(var + EPS) + beta


z = SCALE * rng.standard_normal((BATCH, FEATURES)) + SCALE * rng.standard_normal(FEATURES)
y = batch_norm(z)
print(f"largest |pre-activation| = {np.abs(z).max():,.0f}")
print(f"batch norm output: mean = {y.mean():.1e}, standard deviation = {y.std():.4f}")
print(f"fraction of outputs outside [-1, 1] = {np.mean(np.abs(y) > 1):.1%}")
print(f"largest |output| = {np.abs(y).max():.2f}")

# The only bound: one example far from the rest of its batch is mapped to sqrt(batch - 1).
spike = np.zeros((OUTLIER_BATCH, 1))
spike[0] = 1e6
print(f"outlier in a batch of {OUTLIER_BATCH}: output = {batch_norm(spike)[0, 0]:.3f}")
print(f"sqrt(batch - 1) = {math.sqrt(OUTLIER_BATCH - 1):.3f}")

fig, ax = plt.subplots(figsize=(5.6, 3.6))
bins, outside = np.linspace(-4.5, 4.5, 91), np.abs(y.ravel()) > 1
ax.hist(y.ravel(), bins=bins, density=True, color="C3", label="outputs outside [-1, 1]")
ax.hist(y.ravel()[~outside], bins=bins, weights=np.full((~outside).sum(), 1 / (0.1 * y.size)),
        color="C0", label="outputs inside [-1, 1]")
t = np.linspace(-4.5, 4.5, 200)
ax.plot(t, np.exp(-t**2 / 2) / math.sqrt(2 * math.pi), "--", color="C1", label="standard normal")
ax.text(1.6, 0.3, f"{outside.mean():.1%} of the\noutputs", color="C3")
ax.set_xlabel("output value")
ax.set_ylabel("density")
ax.set_title("Batch norm of pre-activations of size ~1,000")
ax.legend(loc="upper left")
plt.show()
