"""Update-to-weight ratio per layer: how far each step moves the weights, relative to their size."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

REFERENCE = 1e-3  # the often-quoted healthy order of magnitude (log10 ratio near -3)


def weight_ratios(history):
    """update / weight for the weight matrices only (biases start at 0), one column per matrix."""
    columns = [i for i, name in enumerate(history.names) if name.startswith(("W", "U", "V"))]
    return history.array("update_ratio")[:, columns], [history.names[i] for i in columns]


fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), sharey=True, layout="constrained")
for colour, (scale, label) in enumerate([(2**0.5, "He's scale"), (1.6, "init_scale 1.6"), (2.0, "patient 1")]):
    ratios, _ = weight_ratios(gradlab.train(**gradlab.mlp_patient(init_scale=scale)))
    print(f"MLP, {label}: median over layers and steps = {np.nanmedian(ratios):.2g}, "
          f"largest at step 0 = {np.nanmax(ratios[0]):.2g}, at step 1 = {np.nanmax(ratios[1]):.2g}")
    left.semilogy(np.nanmax(ratios, axis=1), color=f"C{colour}", label=f"{label}: largest layer")
    left.semilogy(np.nanmin(ratios, axis=1), ":", color=f"C{colour}")
for colour, (scale, label) in enumerate([(1.0, "init_scale 1.0"), (2.5, "patient 2")]):
    run = gradlab.rnn_patient(init_scale=scale)
    ratios, names = weight_ratios(gradlab.train(**{**run, "steps": 60}))
    print(f"RNN, {label}: update / weight for W at step 0 = {ratios[0, names.index('W')]:.2g}, "
          f"median over steps = {np.nanmedian(ratios[:, names.index('W')]):.2g}")
    if scale == 2.5:
        print(f"RNN, {label}: update / weight for V, median over steps 20-50 = "
              f"{np.median(ratios[20:51, names.index('V')]):.3g} (theory 2 lr (hidden + 1) = {2 * 0.05 * 33:.3g})")
    right.semilogy(ratios[:, names.index("W")], color=f"C{colour}", label=f"{label}: W")
    right.semilogy(ratios[:, names.index("V")], ":", color=f"C{colour}", label=f"{label}: V")
for ax in (left, right):
    ax.axhline(REFERENCE, color="0.5", linestyle="--")
    ax.set_xlabel("training step")
    ax.legend(loc="upper right", fontsize=9)
left.set_ylabel("|update| / |weight|")
left.set_title("MLP (dotted: smallest layer)")
right.set_title("RNN")
fig.suptitle("How far each step moves the weights (dashed: 1e-3)")
plt.show()
