"""One knob, the initial weight scale: from a clean run to wild swings to NaN within three steps."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

SCALES = [2**0.5, 1.5, 1.6, 1.7, 2.0]  # init_scale; He's is sqrt(2), patient 1 uses 2.0
EARLY = 8  # steps drawn in the top panel

fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.6, 6.4), layout="constrained")
for colour, scale in enumerate(SCALES):
    history = gradlab.train(**gradlab.mlp_patient(init_scale=scale))  # lr 0.001, as patient 1
    loss = history.array("loss")
    peak = int(np.nanargmax(np.where(np.isfinite(loss), loss, np.nan)))
    if history.first_nan:
        ending = f"NaN at step {history.first_nan[0]}"
    else:
        ending = f"mean loss over steps 280-299 = {np.mean(loss[280:]):.3g}"
    print(f"init_scale {scale:.2f}: loss at step 0 = {loss[0]:.3g}, "
          f"largest = {loss[peak]:.3g} at step {peak}, {ending}")
    label = f"init_scale {scale:.2f}"
    top.semilogy(loss[:EARLY], "o-", markersize=4, color=f"C{colour}", label=label)
    if history.first_nan:
        top.plot(history.first_nan[0], 1e16, "x", color=f"C{colour}", markersize=10)
    else:
        bottom.semilogy(loss, color=f"C{colour}", linewidth=1, label=label)
top.annotate("x: loss is NaN", (3.6, 1e16), xytext=(0, -4), textcoords="offset points")
top.set_xlabel("training step")
top.set_ylabel("training loss (mean squared error)")
top.set_title("The first steps")
top.legend(loc="center right")
bottom.set_xlabel("training step")
bottom.set_ylabel("training loss")
bottom.set_title("The runs that survive")
fig.suptitle("Patient 1 at five initial scales, same learning rate")
plt.show()
