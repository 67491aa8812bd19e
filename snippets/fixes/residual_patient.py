"""Patient 1 before and after residual connections: the same weights, seed, batches and learning rate."""
import fixlab
import gradlab
import matplotlib.pyplot as plt
import numpy as np

BLOCKS = 9  # patient 1: an input layer, 9 hidden blocks of width 32, a linear output layer
VARIANTS = {  # name: DeepMLP changes
    "no fix (patient 1)": {},
    "residual": {"residual": True},
    "residual, branch x 1/sqrt(9)": {"residual": True, "branch_scale": BLOCKS**-0.5},
    "residual, zero-init branch": {"residual": True, "zero_init": True},
    "residual, pre-layer-norm": {"residual": True, "norm": "layer"},
}

fig, ax = plt.subplots(figsize=(5.6, 4.0))
for i, (name, changes) in enumerate(VARIANTS.items()):
    run = fixlab.patient(**changes)
    run["model"].forward(run["task"].x)  # before training: how large is the last hidden layer?
    print(f"{name}: RMS of the last hidden layer at initialisation = {np.sqrt(np.mean(run['model'].h[-2] ** 2)):.3g}")
    history = gradlab.train(**run)
    loss = history.array("loss")
    print(f"{name}: loss at step 0 = {loss[0]:.3g}")
    if history.first_nan is None:
        print(f"{name}: no NaN; loss at step {len(loss) - 1} = {loss[-1]:.3g}")
    else:
        print(f"{name}: first NaN at step = {history.first_nan[0]} ({', '.join(history.first_nan[1:])})")
    steps = np.arange(1, len(loss) + 1)  # step + 1, so that a log axis shows the first steps
    ax.loglog(steps, loss, color=f"C{i}", linestyle=["-", "--", "-.", ":", "-"][i], marker="o" if i < 2 else None, label=name)
ax.set(title="Patient 1 with residual connections", xlabel="step + 1", ylabel="training loss (batch MSE)")
ax.legend()
plt.show()
