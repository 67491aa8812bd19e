"""Truncated BPTT on patient 2: fewer steps back, fewer factors of W in the gradient, and no NaN."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

SEED, STEPS = 0, 150  # training steps (the patient's budget is 400)
TRUNCATIONS = [None, 30, 10, 5]  # None: full backpropagation through all 60 time steps
STYLES = [("C3", "-"), ("C1", "--"), ("C0", "-."), ("C2", ":")]

fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.6, 6.4), layout="constrained")
for k, (colour, style) in zip(TRUNCATIONS, STYLES):
    run = gradlab.rnn_patient(seed=SEED)
    model = run["model"]
    model.truncate = k
    history = gradlab.train(**{**run, "steps": STEPS})
    name = "full BPTT" if k is None else f"truncate = {k}"
    grad = history.array("total_grad_norm")
    nan = "none" if history.first_nan is None else f"step {history.first_nan[0]}"
    print(f"{name}: gradient norm at step 0 = {grad[0]:.3g}")
    print(f"{name}: earliest time step with a nonzero dL/dh_t at step 0 = {np.flatnonzero(history.signal[0])[0] + 1}")
    print(f"{name}: first NaN = {nan}, largest finite gradient norm = {grad[np.isfinite(grad)].max():.3g}")
    with np.errstate(all="ignore"):
        final = np.mean((model.forward(run["task"].x) - run["task"].y) ** 2)
    print(f"{name}: loss on all 256 sequences after {STEPS} steps = {final:.4f}")
    if k is None:  # |dL/dh_t| at training step 0; a truncated pass is the same curve, cut short
        top.semilogy(np.arange(1, 61), history.signal[0], style, color=colour, label=name)
    else:
        top.axvline(61 - k, linestyle=style, color=colour, label=f"{name}: stops here")
    bottom.semilogy(grad, style, color=colour, label=name)
top.set_xlabel("time step t")
top.set_ylabel("|dL/dh_t|, training step 0")
top.set_title("Patient 2: how far back the gradient goes")
top.legend(loc="lower left")
bottom.set_xlabel("training step")
bottom.set_ylabel("gradient norm")
bottom.legend(loc="upper right")
plt.show()
