"""One overflow in a float16 MLP: inf becomes NaN, and NaN reaches the gradient of every layer."""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

WIDTH = 8
LAYERS = 4  # three ReLU layers, then a linear output layer
BIG = 50_000  # one weight of layer 2 that has grown large
SEED = 2
KINDS = ["finite", "zero", "inf", "nan"]


def kind(a):
    return np.select([np.isnan(a), np.isinf(a), a == 0], [3, 2, 1], 0)


rng = np.random.default_rng(SEED)
ws = [(rng.standard_normal((WIDTH, WIDTH)) / np.sqrt(WIDTH)).astype(np.float16)
      for _ in range(LAYERS)]
x = rng.standard_normal(WIDTH).astype(np.float16)  # the input; the target is 0
a1 = np.maximum(ws[0] @ x, 0)
ws[1][2, np.argmax(a1)] = BIG  # it multiplies the largest activation of layer 1
print(f"largest activation of layer 1 = {a1.max():.3f}; "
      f"times {BIG:,} = {BIG * float(a1.max()):,.0f}")

with np.errstate(over="ignore", invalid="ignore"):
    acts, hs = [x], []
    for layer, w in enumerate(ws):
        hs.append(w @ acts[-1])
        acts.append(np.maximum(hs[-1], 0) if layer < LAYERS - 1 else hs[-1])
    loss = 0.5 * np.sum(acts[-1] ** 2)
    delta, grads = acts[-1], [None] * LAYERS  # d(loss)/d(output)
    for layer in reversed(range(LAYERS)):
        grads[layer] = np.outer(delta, acts[layer])  # d(loss)/d(W) of this layer
        if layer > 0:  # ReLU passes the gradient only where it was on, as PyTorch's does
            delta = np.where(hs[layer - 1] > 0, ws[layer].T @ delta, 0)


for layer in range(LAYERS):
    print(f"layer {layer + 1} output: " + " ".join(f"{v:.3g}" for v in acts[layer + 1]))
print(f"loss = {loss}")
for layer, g in enumerate(grads, start=1):
    counts = np.bincount(kind(g).ravel(), minlength=4)
    print(f"layer {layer} weight gradient: " + ", ".join(f"{c} {k}" for c, k in zip(counts, KINDS)))
print(f"global gradient norm = {np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads))}")

cmap = ListedColormap(["C0", "0.8", "C1", "C3"])
fig, axes = plt.subplot_mosaic([[0, 0], [1, 2], [3, 4]], figsize=(5.6, 8), layout="constrained")
axes[0].imshow(kind(np.array(acts[1:])), cmap=cmap, vmin=0, vmax=3)
axes[0].set(title="forward outputs", xlabel="unit", ylabel="layer", yticks=range(LAYERS),
            yticklabels=range(1, LAYERS + 1))
for layer, g in enumerate(grads, start=1):
    ax = axes[layer]
    ax.imshow(kind(g), cmap=cmap, vmin=0, vmax=3)
    ax.set(title=f"d(loss)/d(W{layer})", xlabel="input unit", ylabel="output unit")
for ax in axes.values():
    ax.grid(False)
fig.legend(handles=[Patch(color=cmap(i), label=k) for i, k in enumerate(KINDS)],
           loc="outside lower center", ncols=4)
fig.suptitle("One weight too large in a float16 MLP:\nwhere inf and NaN end up")
plt.show()
