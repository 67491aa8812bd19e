"""Both patients, same seed, before and after clipping the global gradient norm at 1."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

THRESHOLD = 1.0
PATIENTS = {"patient 1 (MLP)": gradlab.mlp_patient, "patient 2 (RNN)": gradlab.rnn_patient}

fig, axes = plt.subplots(2, 1, figsize=(5.6, 6.4), layout="constrained")
for ax, (name, make) in zip(axes, PATIENTS.items()):
    for clip, colour, style in [(None, "C3", "-"), (THRESHOLD, "C0", "--")]:
        run = make()  # a fresh patient: same seed, same initial weights, same batches
        history = gradlab.train(**run, clip_norm=clip)
        norms = history.array("total_grad_norm")  # before clipping, as clip_grad_norm_ returns it
        label = "no clipping" if clip is None else f"clipped at {clip:g}"
        with np.errstate(all="ignore"):
            full_loss = np.mean((run["model"].forward(run["task"].x) - run["task"].y) ** 2)
        nan_step = history.first_nan[0] if history.first_nan else "none"
        print(f"{name}, {label}: first NaN at step {nan_step}, steps run = {len(norms)}")
        print(f"{name}, {label}: loss on all the data after training = {full_loss:.4g}")
        print(f"{name}, {label}: largest gradient norm = {np.nanmax(norms):.3g}")
        if clip is not None:
            print(f"{name}, {label}: median gradient norm = {np.median(norms):.3g}, "
                  f"steps clipped = {np.mean(norms > clip):.0%}")
        ax.semilogy(history.array("loss"), color=colour, linestyle=style, label=label)
    print(f"{name}: loss of always predicting the mean target = {np.var(run['task'].y):.4g}")
    ax.set(title=name, xlabel="step", ylabel="training loss (batch)")
    ax.legend()
plt.show()
