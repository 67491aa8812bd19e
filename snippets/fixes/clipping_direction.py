"""Three ways to clip the same gradient: which ones keep its direction?"""
import matplotlib.pyplot as plt
import numpy as np

THRESHOLD = 1.0
TENSORS = 100
SEED = 0
GRADS = [np.array([100.0, 0.0]), np.array([0.0, 1.0])]  # two tensors, say a weight and a bias


def show(values):
    return "[" + ", ".join(f"{x:.3f}" for x in values) + "]"


def global_norm(grads):
    return np.sqrt(sum(np.sum(g**2) for g in grads))


def clip_global(grads, c):  # Pascanu et al.; torch's clip_grad_norm_, Keras' global_clipnorm
    scale = min(1.0, c / global_norm(grads))
    return [g * scale for g in grads]


def clip_per_tensor(grads, c):  # Keras' clipnorm: each tensor on its own
    return [g * min(1.0, c / np.linalg.norm(g)) for g in grads]


def clip_value(grads, c):  # torch's clip_grad_value_, Keras' clipvalue: each entry on its own
    return [np.clip(g, -c, c) for g in grads]


flat = np.concatenate(GRADS)
clipped = {"global norm": clip_global(GRADS, THRESHOLD), "per-tensor norm": clip_per_tensor(GRADS, THRESHOLD),
           "value": clip_value(GRADS, THRESHOLD)}
print(f"original: global norm = {global_norm(GRADS):.4f}")
for name, grads in clipped.items():
    new = np.concatenate(grads)
    cos = new @ flat / (np.linalg.norm(new) * np.linalg.norm(flat))
    print(f"{name}: gradients used = {show(new)}, global norm = {global_norm(grads):.4f}, "
          f"cos to original = {cos:.4f}")

rng = np.random.default_rng(SEED)
many = [rng.normal(0.0, 100.0, 50) for _ in range(TENSORS)]  # 100 tensors, every one of them large
print(f"{TENSORS} large tensors: global norm after per-tensor clipping = "
      f"{global_norm(clip_per_tensor(many, THRESHOLD)):.2f}, after global clipping = "
      f"{global_norm(clip_global(many, THRESHOLD)):.2f}")
tensors = np.arange(1, TENSORS + 1)
fig, (ax, bx) = plt.subplots(2, 1, figsize=(5.6, 7), layout="constrained")
ax.plot([0, 1.4], [0, 0.014], color="0.5", linestyle=":", label="original direction (100, 1)")
for (name, grads), colour, style, marker, size in zip(clipped.items(), ["C0", "C1", "C2"], ["-", "--", ":"],
                                                         ["o", "s", "x"], [7, 12, 12]):
    x, y = grads[0][0], grads[1][1]
    ax.annotate("", (x, y), (0, 0), arrowprops=dict(arrowstyle="->", color=colour, lw=2, linestyle=style))
    ax.plot([x], [y], marker, color=colour, markersize=size, label=name)
ax.set(xlim=(-0.05, 1.45), ylim=(-0.05, 1.2), xlabel="entry 1 of tensor 1",
       ylabel="entry 2 of tensor 2", title="g = ([100, 0], [0, 1]) clipped at 1")
ax.legend(loc="upper left")
bx.plot(tensors, np.sqrt(tensors) * THRESHOLD, color="C1", linestyle="--", label="per-tensor: c sqrt(k)")
bx.axhline(THRESHOLD, color="C0", label="global: c")
bx.set(xlabel="number of tensors k, each with a huge gradient", ylabel="global norm after clipping",
       title="What each bound allows (c = 1)")
bx.legend()
plt.show()
