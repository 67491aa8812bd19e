"""Per-layer histograms of weight-gradient entries (zeros left out): He's scale and patient 1."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

LAYERS = [1, 4, 7, 10]  # hidden layers to draw (of 1..10; 11 is the output)
PANELS = [(2**0.5, 0), (2.0, 0), (2.0, 1)]  # (init_scale, step): He's scale, then patient 1

kept = {}  # (init_scale, step) -> {layer: gradient of its weights}
for scale in [2**0.5, 2.0]:
    def keep(step, model, grads, scale=scale):
        kept[scale, step] = {layer: grads[f"W{layer}"].copy() for layer in LAYERS}
    gradlab.train(**{**gradlab.mlp_patient(init_scale=scale), "steps": 2}, callback=keep)

fig, axes = plt.subplots(3, 1, figsize=(5.6, 7.6), sharex=True, sharey=True, layout="constrained")
bins = np.linspace(-6, 16, 89)
for ax, (scale, step) in zip(axes, PANELS):
    entries = np.concatenate([g.ravel() for g in kept[scale, step].values()])
    print(f"init_scale {scale:.2f}, step {step}: median |gradient entry| = "
          f"{np.median(np.abs(entries)):.3g}, share above 1 = {np.mean(np.abs(entries) > 1):.0%}, "
          f"share exactly 0 = {np.mean(entries == 0):.0%}")
    for colour, (layer, g) in enumerate(kept[scale, step].items()):
        ax.hist(np.log10(np.abs(g[g != 0])), bins=bins, histtype="step", density=True,
                color=f"C{colour}", linewidth=1.5, label=f"layer {layer}")
    ax.axvline(0, color="0.5", linestyle="--")
    ax.set_title(f"init_scale {scale:.2f}, step {step}")
    ax.set_ylabel("density")
axes[2].set_xlabel("log10 |dL/dw| per weight")
axes[0].legend(loc="upper right")
fig.suptitle("Weight-gradient histograms per layer\n(dashed: |gradient| = 1)")
plt.show()
