"""Patient 2 with its tanh cell swapped for an LSTM or a GRU: same seed, weights, data and optimiser."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

SEED, HIDDEN, INIT_SCALE = 0, 32, 2.5  # as in gradlab.rnn_patient
STEPS = 100  # the patient's budget is 400 steps; 100 keeps this snippet fast
CELLS = {"tanh RNN": gradlab.RNN, "LSTM": gradlab.LSTM, "GRU": gradlab.GRU}
STYLES = {"tanh RNN": ("C3", "-"), "LSTM": ("C0", "--"), "GRU": ("C2", ":")}

histories = {}
for name, cell in CELLS.items():
    run = gradlab.rnn_patient(init_scale=INIT_SCALE, seed=SEED)
    model = run["model"] = cell(2, HIDDEN, 1, INIT_SCALE, "last", SEED, np.float32)  # forget bias 1
    histories[name] = history = gradlab.train(**{**run, "steps": STEPS})
    grad = history.array("total_grad_norm")
    nan = "none" if history.first_nan is None else f"step {history.first_nan[0]}"
    with np.errstate(all="ignore"):
        final = np.mean((model.forward(run["task"].x) - run["task"].y) ** 2)
    print(f"{name}: first NaN = {nan}")
    print(f"{name}: largest finite gradient norm = {grad[np.isfinite(grad)].max():.3g}")
    print(f"{name}: loss on all 256 sequences after training = {final:.4f}")
print(f"loss of predicting the mean of the 256 targets = {np.var(run['task'].y):.4f}")

fig, axes = plt.subplots(2, 1, sharex=True, figsize=(5.6, 6), layout="constrained")
for name, history in histories.items():
    colour, style = STYLES[name]
    axes[0].semilogy(history.loss, style, color=colour, label=name)
    axes[1].semilogy(history.total_grad_norm, style, color=colour, label=name)
axes[0].axhline(np.var(run["task"].y), color="0.5", linewidth=1)  # predicting the mean
axes[0].set_ylabel("loss (batch of 32)")
axes[0].set_title("Patient 2, three cells (init_scale 2.5, SGD)")
axes[0].legend(loc="upper left")
axes[1].set_ylabel("gradient norm")
axes[1].set_xlabel("training step")
plt.show()
