"""Loss scaling from first principles: how many float16 gradients flush to zero or overflow at each scale."""
import matplotlib.pyplot as plt
import numpy as np

SEED, N = 0, 100_000
CENTRE, DECADES = 1e-7, 1.5  # log10|g| is normal: mean log10(1e-7), standard deviation 1.5
SCALES = [0, 10, 16, 24]  # log2 of the loss scale s
FLOAT16_MAX = 65504.0

rng = np.random.default_rng(SEED)
magnitudes = 10.0 ** rng.normal(np.log10(CENTRE), DECADES, N)
grads = magnitudes * rng.choice([-1.0, 1.0], N)  # the true gradients, in float64


def lost(log2_scale):
    """Scale in float64 (exact: s is a power of 2), round to float16: fractions that became 0 and inf."""
    with np.errstate(over="ignore"):
        half = (grads * 2.0**log2_scale).astype(np.float16)
    return np.mean(half == 0), np.mean(np.isinf(half))


for k in SCALES:
    zero, inf = lost(k)
    print(f"scale 2^{k}: flushed to zero = {100 * zero:.3f} %, overflowed to inf = {100 * inf:.3f} %")

fig, ax = plt.subplots(figsize=(5.6, 3.6))
bins = np.linspace(-14, 10, 97)
for k, colour, style in [(0, "C0", "-"), (16, "C2", "--")]:
    ax.hist(np.log10(magnitudes * 2.0**k), bins, histtype="step", color=colour, linestyle=style,
            linewidth=1.8, density=True, label=f"|g| x 2^{k}")
ax.axvline(np.log10(2.0**-25), color="C3", linestyle=":", linewidth=2, label="below: flushed to 0")
ax.axvline(np.log10(FLOAT16_MAX), color="C1", linestyle="-.", linewidth=2, label="above: inf")
ax.set(xlabel="log10 of the scaled gradient's magnitude", ylabel="density",
       ylim=(0, 0.55), title="Scaling slides the gradients into float16's window")
ax.legend(loc="upper left")
plt.show()

fig, ax = plt.subplots(figsize=(5.6, 3.6))
sweep = np.arange(0, 33)
fractions = np.array([lost(k) for k in sweep]) * 100
ax.plot(sweep, fractions[:, 0], "-", color="C3", marker="o", markersize=4, label="flushed to zero")
ax.plot(sweep, fractions[:, 1], "--", color="C1", marker="s", markersize=4, label="overflowed to inf")
for k in SCALES:
    ax.axvline(k, color="0.5", linestyle=":", linewidth=1)
ax.set(xlabel="log2 of the loss scale s", ylabel="gradients lost (%)",
       title="Too small a scale loses the small, too large the large")
ax.legend(loc="upper center")
plt.show()
