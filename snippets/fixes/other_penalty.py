"""A slow explosion: an RNN whose recurrent weights start safe-ish. Can a weight penalty or max-norm hold them?"""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

INIT_SCALE = 1.5  # patient 2 with a milder recurrent matrix: it explodes late, not at step 0
L2 = 0.1  # gradient of (L2 / 2) |W|^2 is L2 * W
MAX_NORM = 2**0.5
STEPS = 300


class MaxNormSGD(gradlab.SGD):
    """SGD, then each column of W (one unit's incoming recurrent weights) is scaled back to norm <= c."""

    def update(self, params, grads):
        updates = super().update(params, grads)
        new = params["W"] + updates["W"]
        updates["W"] = new * np.minimum(1.0, MAX_NORM / np.linalg.norm(new, axis=0)) - params["W"]
        return updates


def l2_on_w(grads, params):
    return {k: g + L2 * params[k] if k == "W" else g for k, g in grads.items()}


fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.6, 6.4), sharex=True)
for i, (label, change) in enumerate([("no fix", {}), ("L2 on W", {"transform": l2_on_w}),
                                     ("max-norm on W", {"optimizer": MaxNormSGD(0.05)})]):
    radius = []  # spectral radius of W before each step's update

    def record(step, model, grads):
        radius.append(np.max(np.abs(np.linalg.eigvals(model.params["W"].astype(float)))))

    run = {**gradlab.rnn_patient(init_scale=INIT_SCALE), "steps": STEPS, **change}
    history = gradlab.train(**run, callback=record)
    g = history.array("total_grad_norm")
    print(f"{label}: spectral radius at step 0 = {radius[0]:.2f}, largest = {max(radius):.3g}, "
          f"at the end = {radius[-1]:.2f}")
    print(f"{label}: largest gradient norm = {g.max():.3g} at step {g.argmax()}, "
          f"mean loss over the last 50 steps = {np.mean(history.loss[-50:]):.3f}")
    style = ["-", "--", ":"][i]
    top.semilogy(radius, style, color=f"C{i}", label=label)
    bottom.semilogy(g, style, color=f"C{i}", label=label)
print(f"shrink factor per step from the penalty alone = {1 - 0.05 * L2:.3f}")
top.axhline(1.0, color="0.5", linewidth=1)
top.set_ylabel("spectral radius of W")
top.set_title(f"RNN at init scale {INIT_SCALE}: recurrent weights over training")
top.legend()
bottom.set_ylabel("gradient norm")
bottom.set_xlabel("training step")
plt.show()
