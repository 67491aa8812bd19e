"""GradScaler's documented rule, simulated: the scale finds the float16 ceiling; a NaN collapses it."""
import matplotlib.pyplot as plt
import numpy as np

INIT_SCALE, GROWTH, BACKOFF = 2.0**16, 2.0, 0.5  # PyTorch's defaults
GROWTH_INTERVAL = 50  # PyTorch's default is 2000; 50 keeps the plot short
GRADIENT = 0.01  # the unscaled gradient, the same every step (a frozen model)
NAN_FROM, STEPS = 420, 620  # from this step on, the data holds a NaN

scale, clean_streak = np.float32(INIT_SCALE), 0
scales, skipped = [], []
for step in range(STEPS):
    value = np.nan if step >= NAN_FROM else GRADIENT
    with np.errstate(over="ignore"):
        scaled = np.float16(value * scale)  # backward runs in float16: above 65,504 it is inf
    scales.append(scale)
    if not np.isfinite(scaled):  # inf or NaN found when unscaling: skip optimizer.step(), back off
        skipped.append(step)
        scale, clean_streak = np.float32(scale * BACKOFF), 0
    else:  # optimizer.step() runs; after GROWTH_INTERVAL clean steps in a row, grow
        clean_streak += 1
        if clean_streak == GROWTH_INTERVAL:
            scale, clean_streak = np.float32(scale * GROWTH), 0

healthy = [s for s in skipped if s < NAN_FROM]
print(f"largest scale = 2^{np.log2(max(scales)):.0f}")
print(f"skipped steps before the NaN = {', '.join(str(s) for s in healthy)}")
print(f"scale when the NaN arrives = 2^{np.log2(scales[NAN_FROM]):.0f}")
print(f"skipped steps from then on = {len(skipped) - len(healthy)} of {STEPS - NAN_FROM}")
print(f"first step with scale 0 = {scales.index(0.0)}")

fig, axes = plt.subplots(2, 1, figsize=(5.6, 6.4), layout="constrained")
with np.errstate(divide="ignore"):
    log_scales = np.log2(scales)  # log2(0) = -inf is not drawn
axes[1].axvline(NAN_FROM, color="0.5", linestyle="--", linewidth=1.2, label="NaN in every batch")
PANELS = [(NAN_FROM, "healthy: the scale finds the float16 ceiling", "lower right"),
          (STEPS, "a NaN in every batch: the scale collapses", "lower left")]
for ax, (last, title, corner) in zip(axes, PANELS):
    ax.plot(log_scales[:last], color="C0", label="log2(scale)")
    marks = [s for s in skipped if s < last]
    ax.plot(marks, log_scales[marks], "x", color="C3", markersize=6, label="skipped step")
    ax.set(xlabel="step", ylabel="log2(loss scale)", title=title)
    ax.legend(loc=corner)
plt.show()
