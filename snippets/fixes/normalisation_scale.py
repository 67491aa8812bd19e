"""Batch norm forgets the scale of the weights before it, and divides their gradient by that scale."""
import matplotlib.pyplot as plt
import numpy as np

BATCH, N_IN, N_OUT = 32, 16, 8
EPS = 1e-5
SCALES = np.logspace(-3, 3, 25)
SEED = 0
rng = np.random.default_rng(SEED)
u = rng.standard_normal((BATCH, N_IN))
W = rng.normal(0.0, 1 / np.sqrt(N_IN), (N_IN, N_OUT))
upstream = rng.standard_normal((BATCH, N_OUT))  # dL/dy for the loss L = sum(upstream * y)


def bn_forward_backward(V):
    """y = BN(u V) and dL/dV, with the batch-norm backward pass written out."""
    z = u @ V
    inv_std = 1 / np.sqrt(z.var(axis=0) + EPS)
    y = (z - z.mean(axis=0)) * inv_std
    dz = inv_std * (upstream - upstream.mean(axis=0) - y * (upstream * y).mean(axis=0))
    return y, u.T @ dz


y1, g1 = bn_forward_backward(W)
cosine = np.sum(W * g1) / (np.linalg.norm(W) * np.linalg.norm(g1))
print(f"cosine between W and dL/dW = {cosine:.1e}")
sizes = []
for a in SCALES:
    y, g = bn_forward_backward(a * W)
    sizes.append(np.linalg.norm(g))
    if a in (1e-3, 1e-2, 1e-1, 1e1, 1e3):
        print(f"a = {a:g}: max |BN(a W u) - BN(W u)| = {np.abs(y - y1).max():.1e}, "
              f"a |dL/d(aW)| / |dL/dW| = {a * sizes[-1] / np.linalg.norm(g1):.4f}")

fig, ax = plt.subplots(figsize=(5.6, 3.6))
ax.loglog(SCALES, sizes, "o", color="C0", label="measured |dL/d(aW)|")
ax.loglog(SCALES, np.linalg.norm(g1) / SCALES, "--", color="C1", label="|dL/dW| / a")
ax.set_xlabel("scale a of the weights")
ax.set_ylabel("gradient norm")
ax.set_title("Larger weights, smaller gradients, same output")
ax.legend()
plt.show()
