"""bfloat16 emulated in NumPy: its rounding error, and the updates too small to change a weight."""
import matplotlib.pyplot as plt
import numpy as np

SEED, N = 0, 20_000


def to_bfloat16(x):
    """Round float32 to the nearest bfloat16 (ties to even): keep the top 16 of the 32 bits."""
    bits = np.asarray(x, np.float32).view(np.uint32)
    bits = bits + np.uint32(0x7FFF) + ((bits >> 16) & np.uint32(1))
    return (bits & np.uint32(0xFFFF0000)).view(np.float32)


every = (np.arange(2**23, dtype=np.uint32) + np.uint32(0x3F800000)).view(np.float32)  # all float32 in [1, 2)
relative = np.abs(to_bfloat16(every) - every) / every
print(f"largest relative rounding error = {relative.max():.6g}, at x = {every[relative.argmax()]:.10g}")


def lost_fraction(rounder, ratios):
    """Fraction of weights w (log-uniform over an octave) for which w + r*w rounds back to w."""
    rng = np.random.default_rng(SEED)
    w = rounder(2.0 ** rng.uniform(0.0, 1.0, N))
    return np.array([np.mean(rounder(w + np.float32(r) * w) == w) for r in ratios])


def float16(x):
    """Round float32 to the nearest float16 (NumPy's cast rounds correctly), back in float32."""
    return np.asarray(x, np.float32).astype(np.float16).astype(np.float32)


for name, rounder, k in [("bfloat16", to_bfloat16, 8.5), ("float16", float16, 11.5)]:
    print(f"{name}: updates lost at u/w = 2^-{k} = {lost_fraction(rounder, [2.0**-k])[0]:.3f}")
weights = to_bfloat16(np.linspace(0.05, 2.0, 4000))
frozen = weights[to_bfloat16(weights + to_bfloat16(0.001)) == weights]
print(f"smallest bfloat16 weight an update of 0.001 cannot move = {frozen.min():.4g}")

log_ratio = np.linspace(-14, -6, 161)
fig, ax = plt.subplots(figsize=(5.6, 3.6))
for name, rounder, colour, style in [("float16", float16, "C1", "--"), ("bfloat16", to_bfloat16, "C3", "-")]:
    ax.plot(log_ratio, lost_fraction(rounder, 2.0**log_ratio), style, color=colour, linewidth=2, label=name)
ax.set(xlabel="log2 of the update's size relative to the weight, u/w", ylabel="fraction of updates lost",
       title="w + u == w: bfloat16 loses updates below 2^-9 of w")
ax.legend(loc="upper right")
plt.show()
