"""Patient 1, same seed, before and after: batch norm or layer norm after each hidden layer's weights."""
import fixlab
import gradlab
import matplotlib.pyplot as plt
import numpy as np

LAST = 20  # the budget's verdict: the mean training loss over the last 20 steps
SMOOTH = 10  # the figure shows the loss averaged over 10 steps
SEED = 0
runs = {"patient 1": {}, "with batch norm": {"norm": "batch"}, "with layer norm": {"norm": "layer"}}
task = gradlab.regression_task()
print(f"loss of always predicting the mean target = {task.y.var():.3f}")

fig, axes = plt.subplots(2, 1, figsize=(5.6, 6.4), sharex=True)
sizes = {}
for i, (name, change) in enumerate(runs.items()):
    run = fixlab.patient(seed=SEED, **change)  # init_scale 2.0, SGD lr 0.001, float32, 300 steps
    sizes[name] = sum(p.size for p in run["model"].params.values())
    history = gradlab.train(**run)
    loss, grad = history.array("loss"), history.array("total_grad_norm")
    nan = history.first_nan
    print(f"{name}: steps run = {len(loss)}, first NaN = {'none' if nan is None else f'step {nan[0]}'}")
    print(f"{name}: loss at step 0 = {loss[0]:.3g}, mean loss over the last {LAST} steps = "
          f"{np.mean(loss[-LAST:]):.3g}")
    print(f"{name}: largest gradient norm = {np.nanmax(grad):.3g}")
    style = ["-", "--", ":"][i]
    axes[0].semilogy(grad, style, color=f"C{i}", marker="o" if nan else None, label=name)
    if nan is None:
        smooth = np.convolve(loss, np.ones(SMOOTH) / SMOOTH, mode="valid")
        axes[1].plot(np.arange(SMOOTH - 1, len(loss)), smooth, style, color=f"C{i}", label=name)
for name in list(runs)[1:]:
    print(f"{name}: parameters = {sizes[name]:,} ({sizes[name] - sizes['patient 1']:+,})")
axes[0].set_title("Patient 1 with a normalisation layer")
axes[0].set_ylabel("gradient norm")
axes[0].legend(loc="upper right")
axes[1].axhline(task.y.var(), color="0.5", linestyle="-.", label="predicting the mean")
axes[1].set_ylabel(f"loss, {SMOOTH}-step average")
axes[1].set_xlabel("step (patient 1 stops at step 2: NaN)")
axes[1].legend(loc="upper right")
plt.show()
