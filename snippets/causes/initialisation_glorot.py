"""Glorot and Bengio's experiment: 5 tanh layers, standard versus normalised initialisation."""
import matplotlib.pyplot as plt
import numpy as np

WIDTH = 500   # the paper used 1000 units per layer; 500 keeps this fast and shows the same thing
LAYERS = 5
CLASSES = 10
BATCH = 100
SEED = 0
INITS = {  # half-width of U[-a, a] for a layer with n_in inputs and n_out outputs
    "standard": lambda n_in, n_out: 1 / np.sqrt(n_in),
    "normalised": lambda n_in, n_out: np.sqrt(6 / (n_in + n_out)),
}

rng = np.random.default_rng(SEED)
x0 = rng.standard_normal((WIDTH, BATCH))
labels = rng.integers(CLASSES, size=BATCH)
sizes = [WIDTH] * (LAYERS + 1) + [CLASSES]
fig, axes = plt.subplots(2, 2, figsize=(5.6, 6.4), sharex="row", layout="constrained")
for col, (name, half_width) in enumerate(INITS.items()):
    ws = [rng.uniform(-1, 1, (n_out, n_in)) * half_width(n_in, n_out)
          for n_in, n_out in zip(sizes, sizes[1:])]
    x, acts = x0, []
    for w in ws[:-1]:
        x = np.tanh(w @ x)
        acts.append(x)
    logits = ws[-1] @ x
    p = np.exp(logits - logits.max(axis=0))
    delta = p / p.sum(axis=0) - np.eye(CLASSES)[:, labels]  # d(cross-entropy)/d(logits)
    grads = []
    for layer in range(LAYERS, 0, -1):  # d(loss)/d(h_l) for the pre-activations h_l
        delta = (1 - acts[layer - 1] ** 2) * (ws[layer].T @ delta)
        grads.insert(0, delta)
    print(f"{name}: activation std by layer = " + " ".join(f"{a.std():.3f}" for a in acts))
    print(f"{name}: gradient std by layer   = " + " ".join(f"{g.std():.2e}" for g in grads))
    for layer, (a, g) in enumerate(zip(acts, grads), start=1):
        axes[0, col].hist(a.ravel(), bins=80, range=(-1, 1), histtype="step", linewidth=1.5, label=f"{layer}")
        axes[1, col].hist(g.ravel(), bins=80, range=(-0.15, 0.15), histtype="step", linewidth=1.5)
    axes[0, col].set_title(f"{name}:\nactivations tanh(h)")
    axes[1, col].set_title(f"{name}:\ngradients d(loss)/d(h)")
    axes[0, col].set_xlabel("activation value")
    axes[1, col].set(xlabel="gradient value", xticks=[-0.1, 0, 0.1])
    for ax in axes[:, col]:
        ax.set_ylabel("count")
fig.legend(*axes[0, 0].get_legend_handles_labels(), title="hidden layer", ncols=5,
           loc="outside lower center")
fig.suptitle("5 tanh layers of 500 units, one batch of 100 inputs")
plt.show()
