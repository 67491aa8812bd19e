"""The gradient at every time step of an unrolled RNN, over training, as a heatmap."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

CALM_SCALE, STEPS = 1.0, 60  # a calm run beside patient 2 (init_scale 2.5), both for 60 steps

calm = gradlab.train(**{**gradlab.rnn_patient(init_scale=CALM_SCALE), "steps": STEPS})
runs = {"init_scale 1.0": calm, "patient 2, init_scale 2.5": gradlab.train(**gradlab.rnn_patient())}
fig, axes = plt.subplots(2, 1, figsize=(5.6, 6.4), sharex=True, layout="constrained")
colours = plt.get_cmap("viridis").with_extremes(bad="0.5")  # grey where the gradient is exactly 0
for ax, (name, history) in zip(axes, runs.items()):
    signal = history.array("signal")[:STEPS].T  # rows: time step t = 1..60; columns: training step
    ratio = signal[0] / signal[-1]
    print(f"{name}: |dL/dh_1| / |dL/dh_60| at step 0 = {ratio[0]:.2g}, "
          f"at step 59 = {ratio[-1]:.2g}")
    image = ax.imshow(np.ma.masked_equal(signal, 0.0), norm=LogNorm(1e-8, 1e8), cmap=colours,
                      origin="lower", aspect="auto", interpolation="nearest",
                      extent=(-0.5, signal.shape[1] - 0.5, 0.5, 60.5))
    ax.grid(False)
    ax.set(title=name, ylabel="time step t")
axes[1].set_xlabel("training step")
fig.colorbar(image, ax=axes, label="|dL/dh_t| (grey: exactly 0)")
fig.suptitle("Gradient reaching each time step t of the sequence:\n60 steps back through the same matrix")
plt.show()
