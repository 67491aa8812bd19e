"""ReLU vs tanh vs sigmoid: how much each layer multiplies the back-propagated gradient, by init scale."""
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
DEPTH, WIDTH, BATCH = 10, 128, 128
SCALES = [0.5, 1.0, 2**0.5, 2.0, 3.0]  # weights ~ N(0, scale^2 / fan_in)
ACTIVATIONS = {  # f and its slope f'
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
}
rng = np.random.default_rng(SEED)


def gradient_factor(f, slope, scale):
    """Mean-square of dL/dz shrinks or grows by this factor per layer (geometric mean over the layers)."""
    h, zs, weights = rng.standard_normal((BATCH, WIDTH)), [], []
    for _ in range(DEPTH):
        weights.append(rng.normal(0.0, scale / np.sqrt(WIDTH), (WIDTH, WIDTH)))
        zs.append(h @ weights[-1])
        h = f(zs[-1])
    delta = rng.standard_normal((BATCH, WIDTH)) * slope(zs[-1])  # a random gradient at the top
    top = np.mean(delta**2)
    for l in range(DEPTH - 1, 0, -1):
        delta = (delta @ weights[l].T) * slope(zs[l - 1])
    return (np.mean(delta**2) / top) ** (1 / (DEPTH - 1))


fig, ax = plt.subplots(figsize=(5.6, 3.8))
for i, (name, (f, slope)) in enumerate(ACTIVATIONS.items()):
    factors = [gradient_factor(f, slope, s) for s in SCALES]
    for s, k in zip(SCALES, factors):
        print(f"{name}, init scale {s:.2f}: gradient mean-square factor per layer = {k:.3f}")
    ax.semilogy(SCALES, factors, "o" + ["-", "--", ":"][i], color=f"C{i}", label=name)
ax.axhline(1.0, color="0.5", linewidth=1)
ax.set_xlabel("init scale s (weights ~ N(0, s^2 / fan-in))")
ax.set_ylabel("gradient mean-square factor per layer")
ax.set_title("Which activation explodes, and when")
ax.legend()
plt.show()
