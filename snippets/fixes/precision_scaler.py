"""A dynamic loss scaler's life: skipped steps, backoff after an overflow, growth after clean steps."""
import matplotlib.pyplot as plt
import numpy as np

INIT_SCALE, GROWTH, BACKOFF = 2.0**16, 2.0, 0.5  # PyTorch's GradScaler defaults
GROWTH_INTERVAL = 10  # PyTorch's default is 2000; 10 keeps the story short
STEPS, SPIKE = 80, 25  # one step whose gradient is 100 times larger
# The largest |gradient| of each step: 4 at first, 400 at the spike, 0.25 from step 40 (training converges)
largest = np.where(np.arange(STEPS) < 40, 4.0, 0.25)
largest[SPIKE] = 400.0

scale, clean = INIT_SCALE, 0
scales, scaled, skipped = [], [], []
for step in range(STEPS):
    with np.errstate(over="ignore"):
        g16 = np.float16(largest[step] * scale)  # the backward pass computes the scaled gradient in float16
    scales.append(scale)
    scaled.append(float(g16))
    if not np.isfinite(g16):  # unscale, find the inf: skip the optimizer step, back off
        skipped.append(step)
        scale, clean = scale * BACKOFF, 0
    else:  # the step runs; after GROWTH_INTERVAL clean steps in a row the scale grows
        clean += 1
        if clean == GROWTH_INTERVAL:
            scale, clean = scale * GROWTH, 0

print(f"skipped steps = {', '.join(str(s) for s in skipped)}")
print(f"steps skipped = {len(skipped)} of {STEPS}")
print(f"scale at step 3 = 2^{np.log2(scales[3]):.0f}")
print(f"scale at step 26 = 2^{np.log2(scales[26]):.0f}")
print(f"scale at the last step = 2^{np.log2(scales[-1]):.0f}")

fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.6, 6), sharex=True, layout="constrained")
finite = np.isfinite(scaled)
top.plot(np.flatnonzero(finite), np.log2(np.array(scaled)[finite]), "o", color="C0", markersize=4,
         label="scaled gradient (float16)")
top.plot(skipped, [17] * len(skipped), "x", color="C3", markersize=8, mew=2, label="inf: step skipped")
top.axhline(np.log2(65504), color="C1", linestyle="--", label="float16 max, 65504")
top.set(ylabel="log2 |largest scaled gradient|", ylim=(10.5, 20.5),
        title="The scaled gradient rides under the ceiling")
top.legend(loc="upper right")
bottom.step(range(STEPS), np.log2(scales), where="post", color="C2", label="log2(scale)")
bottom.plot(skipped, np.log2(np.array(scales)[skipped]), "x", color="C3", markersize=8, mew=2,
            label="skipped: scale x 0.5")
bottom.set(xlabel="step", ylabel="log2(loss scale)", title="Halve at once, double after 10 clean steps")
bottom.legend(loc="upper center")
plt.show()
