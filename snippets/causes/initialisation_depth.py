"""A 50-layer MLP at several weight scales: activation and gradient size, layer by layer."""
import matplotlib.pyplot as plt
import numpy as np

WIDTH = 256
DEPTH = 50
BATCH = 16
SEED = 0
GAINS = {"tanh": [0.8, 1.0, 1.2, 5 / 3], "relu": [1.0, 1.2, 2**0.5, 5 / 3]}  # std = gain / sqrt(n)
ACTIVATIONS = {  # h -> (activation, its slope)
    "tanh": lambda h: (np.tanh(h), 1 - np.tanh(h) ** 2),
    "relu": lambda h: (np.maximum(h, 0), (h > 0).astype(float)),
}

rng = np.random.default_rng(SEED)
base = rng.standard_normal((DEPTH, WIDTH, WIDTH)) / np.sqrt(WIDTH)  # gain 1; rescaled below
x0 = rng.standard_normal((WIDTH, BATCH))
grad_out = rng.standard_normal((WIDTH, BATCH))  # d(loss)/d(output of the last layer)


def profile(name, gain):
    """Per layer: the std of the pre-activations h_l and the RMS of d(loss)/d(h_l)."""
    x, stds, slopes = x0, [], []
    for w in base:
        h = gain * w @ x
        x, slope = ACTIVATIONS[name](h)
        stds.append(h.std())
        slopes.append(slope)
    delta = slopes[-1] * grad_out
    grads = [np.sqrt(np.mean(delta**2))]
    for layer in range(DEPTH - 1, 0, -1):
        delta = slopes[layer - 1] * (gain * base[layer].T @ delta)
        grads.append(np.sqrt(np.mean(delta**2)))
    return np.array(stds), np.array(grads[::-1])


layers = np.arange(1, DEPTH + 1)
fig, axes = plt.subplots(2, 2, figsize=(5.6, 6.4), sharex=True, layout="constrained")
for col, (name, gains) in enumerate(GAINS.items()):
    for gain in gains:
        stds, grads = profile(name, gain)
        print(f"{name}, gain {gain:.2f}: std(h_1) = {stds[0]:.3g}, std(h_50) = {stds[-1]:.3g}")
        axes[0, col].semilogy(layers, stds, label=f"g = {gain:.2f}")
        axes[1, col].semilogy(layers, grads, label=f"g = {gain:.2f}")
    axes[0, col].set_title(f"{name}: forward")
    axes[1, col].set_title(f"{name}: backward")
    axes[1, col].set_xlabel("layer")
    axes[0, col].legend(loc="lower left")
axes[0, 0].set_ylabel("std of pre-activations h")
axes[1, 0].set_ylabel("RMS of d(loss)/d(h)")
fig.suptitle("50 layers, width 256, weight std g / sqrt(width)")
plt.show()
