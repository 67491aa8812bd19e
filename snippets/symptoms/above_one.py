"""Test the folk sign "gradients above 1.0 in every node and layer": rescale the loss by 2^16."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

LOSS_SCALE = 2.0**16  # as in mixed-precision loss scaling; a power of 2, so rescaling is exact
STEPS = 100
CASES = {  # name: (init_scale, loss multiplier); the learning rate is divided by the multiplier
    "He's scale": (2**0.5, 1.0),
    "He's scale, loss x 2^16": (2**0.5, LOSS_SCALE),
    "patient 1": (2.0, 1.0),
    "patient 1, loss x 2^-16": (2.0, 1 / LOSS_SCALE),
}

smallest, shares, ratios, losses = {}, {}, {}, {}
for name, (scale, multiplier) in CASES.items():
    entries = []

    def rescale(step, model, grads):  # the gradient of (multiplier x loss)
        for g in grads.values():
            g *= multiplier
        if step == 0:
            entries.extend(np.concatenate([g.ravel() for n, g in grads.items() if n[0] == "W"]))

    run = gradlab.mlp_patient(init_scale=scale, lr=1e-3 / multiplier)
    history = gradlab.train(**{**run, "steps": STEPS}, callback=rescale)
    smallest[name] = min(g for g, n in zip(history.grad_norm[0], history.names) if n[0] == "W")
    shares[name] = np.mean(np.abs(entries) > 1)
    ratios[name] = np.nanmax(history.update_ratio[0])
    losses[name] = history.array("loss")
    ending = (f"NaN at step {history.first_nan[0]}" if history.first_nan
              else f"loss at step {STEPS - 1} = {losses[name][-1]:.3g}")
    print(f"{name}: smallest layer |dL/dW| = {smallest[name]:.3g}, "
          f"entries above 1 = {shares[name]:.0%}, largest update / weight = {ratios[name]:.2g}, "
          f"{ending}")
for a, b in [("He's scale", "He's scale, loss x 2^16"), ("patient 1", "patient 1, loss x 2^-16")]:
    same = np.array_equal(losses[a], losses[b], equal_nan=True)
    print(f"same loss at every step, {a} and {b} = {same}")

fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.6, 5.6), sharey=True, layout="constrained")
colours = ["C0", "C0", "C3", "C3"]
top.barh(list(CASES), [smallest[n] for n in CASES], color=colours)
top.set_xscale("log")
top.axvline(1.0, color="0.5", linestyle="--")
top.set_xlabel("smallest per-layer |dL/dW| at step 0")
top.set_title("The folk sign: above 1 in every layer?")
bottom.barh(list(CASES), [ratios[n] for n in CASES], color=colours)
bottom.set_xscale("log")
bottom.axvline(1e-3, color="0.5", linestyle="--")
bottom.set_xlabel("largest |update| / |weight| at step 0")
bottom.set_title("What the step does to the weights")
top.invert_yaxis()
fig.suptitle("Same two networks, loss rescaled by a power of 2\n(blue: trains; red: NaN at step 2)")
plt.show()
