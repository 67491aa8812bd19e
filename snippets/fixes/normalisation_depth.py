"""At initialisation, batch norm makes the gradient grow layer after layer, back towards the input."""
import matplotlib.pyplot as plt
import numpy as np

WIDTH, DEPTH, SKIP = 500, 30, 5  # growth rates are fitted between layers SKIP and DEPTH - SKIP
SEED = 0
rng = np.random.default_rng(SEED)


def squared_gradients(batch, relu, axis):
    """|dL/dz_l|^2 at each layer of h_l = f(N(z_l)), z_l = h_{l-1} W_l, with N normalising along
    `axis` (0: batch norm, 1: layer norm, None: no norm) and W_l ~ N(0, 2/width) only without a norm."""
    h, tape = rng.standard_normal((batch, WIDTH)), []
    for _ in range(DEPTH):
        W = rng.normal(0.0, np.sqrt((2 if axis is None and relu else 1) / WIDTH), (WIDTH, WIDTH))
        z = h @ W
        inv = 1 / z.std(axis=axis, keepdims=True) if axis is not None else 1.0
        x = (z - z.mean(axis=axis, keepdims=True)) * inv if axis is not None else z
        h = np.maximum(x, 0) if relu else x
        tape.append((W, x, inv))
    g, out = rng.standard_normal(h.shape), []  # dL/dh at the top: a random direction
    for W, x, inv in reversed(tape):
        dx = g * (x > 0) if relu else g
        dz = dx if axis is None else inv * (dx - dx.mean(axis=axis, keepdims=True)
                                             - x * (dx * x).mean(axis=axis, keepdims=True))
        out.append(np.sum(dz**2))
        g = dz @ W.T
    return np.array(out[::-1])


fig, axes = plt.subplots(2, 1, figsize=(5.6, 7), sharex=True)
runs = [(0, "linear, batch norm", 6, False, 0), (0, "linear, batch norm", 8, False, 0),
        (0, "linear, batch norm", 32, False, 0), (1, "ReLU, batch norm", 8, True, 0),
        (1, "ReLU, batch norm", 32, True, 0), (1, "ReLU, batch norm", 128, True, 0),
        (1, "ReLU, layer norm", 32, True, 1), (1, "ReLU, no norm, He init", 32, True, None)]
for i, (panel, name, batch, relu, axis) in enumerate(runs):
    s = squared_gradients(batch, relu, axis)
    rate = (s[SKIP] / s[DEPTH - SKIP]) ** (1 / (DEPTH - 2 * SKIP))
    print(f"{name}, batch {batch}: growth of |gradient|^2 per layer = {rate:.4f}")
    axes[panel].semilogy(np.arange(1, DEPTH + 1), s / s[-1], ["-", "--", ":"][i % 3], color=f"C{i}",
                         label=f"{name}, B = {batch}")
print(f"theory, linear, batch 6, 8, 32: (B-2)/(B-3) = {4 / 3:.4f}, {6 / 5:.4f}, {30 / 29:.4f}")
print(f"theory, ReLU, large batch: pi/(pi-1) = {np.pi / (np.pi - 1):.4f}")
axes[0].set_title("Squared gradient norm at initialisation, width 500")
axes[1].set_xlabel("layer (30 is the last)")
for ax in axes:
    ax.set_ylabel("|dL/dz| squared, relative to layer 30")
    ax.legend(loc="upper right")
plt.show()
