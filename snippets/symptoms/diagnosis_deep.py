"""One 10-layer ReLU network, two failures: a learning rate too high, and an exploding chain product."""
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
ROWS, BATCH, WIDTH, DEPTH, STEPS = 256, 32, 16, 10, 30
GAIN = 1.6  # the bad init: He init times 1.6, so every layer multiplies the signal by about 1.6

rng = np.random.default_rng(SEED)
X = rng.normal(size=(ROWS, 4)).astype(np.float32)
y = (X @ np.array([1.0, -2.0, 0.5, 1.0]) + 0.1 * rng.normal(size=ROWS)).astype(np.float32)


def train(lr, gain):
    """Minibatch SGD in float32: the loss per step until inf or NaN, and the activations of step 0."""
    init = np.random.default_rng(SEED)
    sizes = [4] + [WIDTH] * DEPTH + [1]
    Ws = [(init.normal(size=(m, n)) * gain * np.sqrt(2 / m)).astype(np.float32)
          for m, n in zip(sizes, sizes[1:])]
    losses, first_hs = [], None
    for step in range(STEPS):
        hs = [X[step * BATCH % ROWS:][:BATCH]]
        for W in Ws[:-1]:
            hs.append(np.maximum(hs[-1] @ W, 0))
        first_hs = first_hs or hs
        error = (hs[-1] @ Ws[-1])[:, 0] - y[step * BATCH % ROWS:][:BATCH]
        losses.append(np.mean(error**2) / 2)
        if not np.isfinite(losses[-1]):
            break
        d, grads = error[:, None] / BATCH, []
        for W, h in zip(Ws[::-1], hs[::-1]):
            grads.insert(0, h.T @ d)
            d = (d @ W.T) * (h > 0)
        Ws = [W - np.float32(lr) * g for W, g in zip(Ws, grads)]
    return np.array(losses), first_hs


fig, axes = plt.subplots(2, 1, figsize=(5.6, 6.4), sharex=True, sharey=True, layout="constrained")
PANELS = [(1.0, 0.1, "He init, learning rate too high"),
          (GAIN, 0.05, f"init {GAIN}x too large: the chain product explodes")]
RUNS = [("C3", "o", (0, (4, 4))), ("C0", ".", (4, (4, 4)))]  # lr, then lr / 10
for ax, (gain, lr, title) in zip(axes, PANELS):
    for rate, (colour, marker, dashes) in zip([lr, lr / 10], RUNS):
        with np.errstate(all="ignore"):
            losses, hs = train(rate, gain)
        ax.semilogy(losses, color=colour, marker=marker, markersize=4, label=f"lr {rate:g}")
        print(f"init x{gain:g}, lr {rate:g}: loss at step 0 = {losses[0]:.3g}")
        if not np.isfinite(losses[-1]):
            ax.axvline(len(losses) - 1, color=colour, linestyle=dashes, linewidth=1.5)
            print(f"init x{gain:g}, lr {rate:g}: first inf or NaN loss at step = {len(losses) - 1}")
    rms = [np.sqrt(np.mean(h**2)) for h in hs]
    print(f"init x{gain:g}: activation RMS at layer 5 = {rms[5]:.4g}")
    print(f"init x{gain:g}: activation RMS at layer 10 = {rms[10]:.4g}")
    ax.set(title=title, ylabel="training loss (float32)",
           xlim=(-0.5, STEPS), ylim=(1e-2, 1e38))
    ax.legend(loc="upper right")
axes[1].set_xlabel("step (dashed: first inf or NaN)")
fig.suptitle("Same network, same data: the loss before the NaN")
plt.show()
