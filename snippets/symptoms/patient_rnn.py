"""Patient 2: a tanh RNN whose gradient explodes through time, saturates, then runs away to NaN."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

BASELINE = 1 / 6  # loss of always predicting the mean target: variance of a sum of 2 uniforms
HIDDEN, LEARNING_RATE = 32, 0.05  # as in gradlab.rnn_patient
CALM_SCALE, CALM_STEPS = 1.0, 100  # the same RNN with recurrent weights 2.5 times smaller

run = gradlab.rnn_patient()  # init_scale 2.5
radius = np.max(np.abs(np.linalg.eigvals(run["model"].params["W"])))
history = gradlab.train(**run)
calm = gradlab.train(**{**gradlab.rnn_patient(init_scale=CALM_SCALE), "steps": CALM_STEPS})
loss, grad, names = history.array("loss"), history.array("total_grad_norm"), history.names
weights, signal = history.array("weight_norm"), history.array("signal")  # signal: |dL/dh_t|
inf_step, nan_step = history.first_nonfinite[0], history.first_nan[0]
print(f"spectral radius of W at step 0 = {radius:.2f}")
print(f"step 0: |dL/dh_1| / |dL/dh_60| = {signal[0, 0] / signal[0, -1]:.2g}")
print(f"step 0: update / weight for W = {history.update_ratio[0][names.index('W')]:.2g}")
growth = np.exp(np.mean(np.diff(np.log(loss[20:inf_step]))))
print(f"loss growth per step, step 20 to the first inf = {growth:.3f}")
theory = (1 - 2 * LEARNING_RATE * (HIDDEN + 1)) ** 2
print(f"theory, every unit saturated: (1 - 2 lr (hidden + 1))^2 = {theory:.3f}")
for label, (step, quantity, where) in [("first inf or NaN", history.first_nonfinite),
                                       ("first NaN", history.first_nan)]:
    print(f"{label} = step {step}, {quantity}" + ("" if where == quantity else f" ({where})"))
print(f"init_scale {CALM_SCALE}: mean loss over steps 50-99 = {np.mean(calm.loss[50:]):.3f}")
finite = lambda values: values[np.isfinite(values)]  # what the figure can draw
print(f"largest finite loss = {finite(loss).max():.2g}, gradient norm = {finite(grad).max():.2g}")
print("weight norms at step 2: " + ", ".join(f"|{n}| = {weights[2, names.index(n)]:.2g}" for n in "WUV"))
print(f"largest finite |V| = {finite(weights[:, names.index('V')]).max():.2g}")

fig, axes = plt.subplots(3, 1, sharex=True, figsize=(5.6, 7), layout="constrained")
axes[0].semilogy(calm.loss[:len(loss)], color="0.6", label=f"init_scale {CALM_SCALE}")
axes[0].semilogy(loss, color="C0", label="patient 2 (init_scale 2.5)")
axes[0].axhline(BASELINE, color="0.5", linestyle="--")
axes[0].annotate("predict the mean: 1/6", (20, BASELINE), xytext=(0, 4), textcoords="offset points")
axes[0].set_ylabel("loss")
axes[0].legend(loc="upper left")
axes[1].semilogy(grad, color="C1")
axes[1].set_ylabel("gradient norm")
for name, style in zip(["W", "U", "V"], ["-", "--", ":"]):
    axes[2].semilogy(weights[:, names.index(name)], style, color="C2", label=f"|{name}|")
axes[2].set_ylabel("weight norm")
axes[2].legend(loc="upper left")
for ax in axes:
    ax.axvspan(0, 1, color="C3", alpha=0.3)  # steps 0 and 1: the gradient explodes through time
    for step in [inf_step, nan_step]:
        ax.axvline(step, color="C3", linestyle=":", linewidth=1.2)
axes[0].set_title("Patient 2. Shaded: steps 0-1;\ndotted: first inf, first NaN")
axes[2].set_xlabel("training step")
plt.show()
