"""Adam bounds a spike's own step, but the spike lingers in m and v; clipping first removes both."""
import matplotlib.pyplot as plt
import numpy as np

SEED, STEPS, SPIKE_AT, SPIKE = 0, 3000, 2000, 1000.0
BETA1, BETA2, EPS = 0.9, 0.999, 1e-8
CLIP = 3.0
AFTER = 1000  # how long to watch after the spike

rng = np.random.default_rng(SEED)
noise = rng.standard_normal(STEPS)  # a 1-D gradient: pure noise around 0, standard deviation 1


def adam_updates(grads):
    """Adam's update in units of the learning rate, step by step (steps counted from 1)."""
    m = v = 0.0
    out = np.empty(len(grads))
    for t, g in enumerate(grads, start=1):
        m = BETA1 * m + (1 - BETA1) * g
        v = BETA2 * v + (1 - BETA2) * g * g
        out[t - 1] = -(m / (1 - BETA1**t)) / (np.sqrt(v / (1 - BETA2**t)) + EPS)
    return out


spiked = noise.copy()
spiked[SPIKE_AT] = SPIKE
runs = {"no spike": adam_updates(noise), "one spike of 1000": adam_updates(spiked),
        "spike, clipped at 3": adam_updates(np.clip(spiked, -CLIP, CLIP))}
print(f"bound on one step, (1 - beta1) / sqrt(1 - beta2) = {(1 - BETA1) / np.sqrt(1 - BETA2):.3f} lr")
window = slice(SPIKE_AT + 1, SPIKE_AT + 1 + AFTER)
for name, u in runs.items():
    print(f"{name}: step at the spike = {u[SPIKE_AT]:+.3f} lr, "
          f"drift over the next 50 steps = {u[SPIKE_AT + 1:SPIKE_AT + 51].sum():+.1f} lr")
    print(f"{name}: median |update| over the {AFTER} steps after = {np.median(np.abs(u[window])):.3f} lr")

fig, (ax, bx) = plt.subplots(2, 1, figsize=(5.6, 6.4), layout="constrained")
steps = np.arange(SPIKE_AT - 100, SPIKE_AT + AFTER)
for (name, u), colour, style in zip(runs.items(), ["0.5", "C3", "C0"], [":", "-", "--"]):
    ax.plot(steps, np.cumsum(u[steps]), color=colour, linestyle=style, label=name)
    median = [np.median(np.abs(u[s - 50:s])) for s in steps]
    bx.semilogy(steps, median, color=colour, linestyle=style, label=name)
ax.set(xlabel="step", ylabel="distance moved (units of lr)", title="Where Adam goes after a spike")
bx.set(xlabel="step", ylabel="median |update| (units of lr)", title="Step size, median over 50 steps")
ax.legend()
plt.show()
