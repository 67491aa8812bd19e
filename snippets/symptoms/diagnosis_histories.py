"""Gradient-norm histories of four causes of NaN, each at a learning rate and at a tenth of it."""
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
ROWS, BATCH, WIDTH = 256, 32, 16
OVERFLOW = np.sqrt(np.finfo(np.float32).max)  # above this norm, the squared norm is inf in float32

rng = np.random.default_rng(SEED)
X = rng.normal(size=(ROWS, 4)).astype(np.float32)
y = (X @ np.array([1.0, -2.0, 0.5, 1.0]) + 0.1 * rng.normal(size=ROWS)).astype(np.float32)
unscaled, bad_batch = X.copy(), X.copy()
unscaled[:, 0] = 1000 + 300 * X[:, 0]  # one feature in the thousands
bad_batch[165, 2] = np.nan  # one missing value, in batch 165 // 32 = 5


def history(X, lr, steps, depth=0, gain=1.0):
    """Train a ReLU network (depth 0: linear) in float32; the gradient norm per step until inf or NaN."""
    init = np.random.default_rng(SEED)
    sizes = [X.shape[1]] + [WIDTH] * depth + [1]
    Ws = [(init.normal(size=(m, n)) * gain * np.sqrt(2 / m)).astype(np.float32)
          for m, n in zip(sizes, sizes[1:])]
    norms = []
    for step in range(steps):
        rows = slice(step * BATCH % ROWS, step * BATCH % ROWS + BATCH)
        hs = [X[rows]]
        for W in Ws[:-1]:
            hs.append(np.maximum(hs[-1] @ W, 0))
        d, grads = ((hs[-1] @ Ws[-1])[:, 0] - y[rows])[:, None] / BATCH, []
        for W, h in zip(Ws[::-1], hs[::-1]):
            grads.insert(0, h.T @ d)
            d = (d @ W.T) * (h > 0)
        norms.append(np.sqrt(sum(np.sum(g * g) for g in grads)))
        if not np.isfinite(norms[-1]):
            break
        Ws = [W - np.float32(lr) * g for W, g in zip(Ws, grads)]
    return np.array(norms)


CASES = {  # title: inputs, learning rate, steps, depth, init gain (He init times gain)
    "learning rate too high (linear model)": (X, 2.5, 100, 0, 1.0),
    "a feature in the thousands (linear model)": (unscaled, 0.25, 10, 0, 1.0),
    "10 ReLU layers, init 1.6x too large": (X, 0.05, 10, 10, 1.6),
    "one NaN in batch 5 (linear model)": (bad_batch, 0.25, 10, 0, 1.0),
}
RUNS = [("C3", "o", (0, (4, 4)), "the learning rate"), ("C0", ".", (4, (4, 4)), "a tenth of it")]
fig, axes = plt.subplots(2, 2, figsize=(5.6, 6.6), sharey=True, layout="constrained")
for ax, (title, (inputs, lr, steps, depth, gain)) in zip(axes.flat, CASES.items()):
    for rate, (colour, marker, dashes, name) in zip([lr, lr / 10], RUNS):
        with np.errstate(all="ignore"):
            norms = history(inputs, rate, steps, depth, gain)
        ax.semilogy(norms, color=colour, marker=marker, markersize=4, label=name)
        if not np.isfinite(norms[-1]):
            ax.axvline(len(norms) - 1, color=colour, linestyle=dashes, linewidth=1.5)
            print(f"{title} at lr {rate:g}, first non-finite step = {len(norms) - 1}")
    ax.axhline(OVERFLOW, color="0.5", linestyle=":", label="norm\u00b2 overflows")
    two_lines = title.replace(" (", "\n(").replace(", ", ",\n")  # to fit a narrow panel
    ax.set(title=f"{two_lines}, lr {lr:g}", xlabel="step", xlim=(-0.5, steps), ylim=(1e-3, 1e36),
           yticks=[1e0, 1e12, 1e24, 1e36])
for ax in axes[:, 0]:
    ax.set_ylabel("gradient norm (float32)")
fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=3)
fig.suptitle("The gradient norm before the NaN\n(dashed: first inf or NaN)")
plt.show()
