"""Unscale before clipping: clipping the scaled gradients makes the threshold max_norm / scale."""
import matplotlib.pyplot as plt
import numpy as np

SCALE, MAX_NORM = 2.0**16, 1.0
GRADIENT = np.array([3.0, 4.0])  # the true gradient, norm 5


def clip(g, max_norm):
    """clip_grad_norm_'s rule: multiply by min(1, max_norm / (norm + 1e-6))."""
    return g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6))


def right_order(g):  # scale(loss).backward(); unscale_; clip; step
    return clip(g * SCALE / SCALE, MAX_NORM)


def wrong_order(g):  # scale(loss).backward(); clip; step (which unscales)
    return clip(g * SCALE, MAX_NORM) / SCALE


print(f"norm of the true gradient = {np.linalg.norm(GRADIENT):.3f}")
print(f"norm the clip sees, wrong order = {np.linalg.norm(GRADIENT * SCALE):,.0f}")
print(f"norm of the update, right order = {np.linalg.norm(right_order(GRADIENT)):.4f}")
print(f"norm of the update, wrong order = {np.linalg.norm(wrong_order(GRADIENT)):.4g}")
print(f"effective threshold, wrong order = {MAX_NORM / SCALE:.4g}")
print(f"too strict by a factor of = {MAX_NORM / (MAX_NORM / SCALE):,.0f}")

norms = np.logspace(-8, 3, 221)
print(f"true gradient norms plotted = {norms[0]:.0e} to {norms[-1]:,.0f}")
direction = GRADIENT / np.linalg.norm(GRADIENT)
right = [np.linalg.norm(right_order(n * direction)) for n in norms]
wrong = [np.linalg.norm(wrong_order(n * direction)) for n in norms]
fig, ax = plt.subplots(figsize=(5.6, 3.8))
ax.loglog(norms, norms, ":", color="0.5", linewidth=2, label="no clipping")
ax.loglog(norms, right, "-", color="C0", linewidth=2, label="unscale, then clip (right)")
ax.loglog(norms, wrong, "--", color="C3", linewidth=2, label="clip scaled gradients (wrong)")
ax.axvline(MAX_NORM, color="C0", linestyle="-.", linewidth=1)
ax.axvline(MAX_NORM / SCALE, color="C3", linestyle="-.", linewidth=1)
ax.set(xlabel="norm of the true gradient", ylabel="norm of the gradient used",
       title="max_norm = 1 at scale 2^16: clipped at 1.5e-05")
ax.legend(loc="upper left")
plt.show()
