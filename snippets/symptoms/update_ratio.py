"""Update-to-weight ratio per layer: how far each step moves the weights, relative to their size."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

REFERENCE = 1e-3  # the often-quoted healthy order of magnitude (log10 ratio near -3)
MLP_RUNS = [(2**0.5, "He's scale"), (1.6, "init_scale 1.6"), (2.0, "patient 1")]
RNN_RUNS = [(1.0, "init_scale 1.0"), (2.5, "patient 2")]
MLP_STEPS, RNN_STEPS = 100, 60
RNN_LR, RNN_HIDDEN = 0.05, 32  # as in gradlab.rnn_patient


def weight_ratios(history):
    """update / weight for the weight matrices only (biases start at 0), one column per matrix."""
    keep = [i for i, name in enumerate(history.names) if name[0] in "WUV"]
    return history.array("update_ratio")[:, keep], [history.names[i] for i in keep]


fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.6, 6.4), sharey=True, layout="constrained")
for colour, (scale, label) in enumerate(MLP_RUNS):
    history = gradlab.train(**{**gradlab.mlp_patient(init_scale=scale), "steps": MLP_STEPS})
    ratios, _ = weight_ratios(history)
    print(f"MLP, {label}: median over layers and steps = {np.nanmedian(ratios):.2g}, largest "
          f"at step 0 = {np.nanmax(ratios[0]):.2g}, at step 1 = {np.nanmax(ratios[1]):.2g}")
    style = "o-" if label == "patient 1" else "-"  # patient 1 lives for three steps only
    top.semilogy(np.nanmax(ratios, axis=1), style, color=f"C{colour}", label=f"{label}: largest")
    top.semilogy(np.nanmin(ratios, axis=1), ":", color=f"C{colour}")
for colour, (scale, label) in enumerate(RNN_RUNS):
    history = gradlab.train(**{**gradlab.rnn_patient(init_scale=scale), "steps": RNN_STEPS})
    ratios, names = weight_ratios(history)
    w, v = ratios[:, names.index("W")], ratios[:, names.index("V")]
    print(f"RNN, {label}: update / weight for W at step 0 = {w[0]:.2g}")
    print(f"RNN, {label}: update / weight for V, median over steps 20-50 = "
          f"{np.median(v[20:51]):.2g}")
    bottom.semilogy(w, color=f"C{colour}", label=f"{label}: W")
    bottom.semilogy(v, ":", color=f"C{colour}", label=f"{label}: V")
print(f"theory for V once saturated, 2 lr (hidden + 1) = {2 * RNN_LR * (RNN_HIDDEN + 1):.2g}")
for ax in (top, bottom):
    ax.axhline(REFERENCE, color="0.5", linestyle="--")
    ax.set_xlabel("training step")
    ax.legend(loc="upper right")
top.set_ylabel("|update| / |weight|")
bottom.set_ylabel("|update| / |weight|")
top.set_title("MLP: largest and (dotted) smallest layer")
bottom.set_title("RNN")
fig.suptitle("How far each step moves the weights (dashed: 1e-3)")
plt.show()
