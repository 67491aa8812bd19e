"""Patient 2 with its tanh cell swapped for a gated one (LSTM, GRU), as a Markdown table."""
import numpy as np

import gradlab

SEED, BATCH, STEPS, HIDDEN = 0, 32, 150, 32  # 150 of the patient's 400 steps, to stay fast
INIT_SCALE = 2.5  # the patient's: every recurrent block W is drawn with it


def cost(model):
    """Parameters, and multiply-adds per step: forward, each of the 60 time steps costs x_t U + h W;
    backward, each costs dU and dW, and each but the first step dh = da W^T; the readout costs h V
    forward, dV and dh backward. A gated cell's U and W are 4 (LSTM) or 3 (GRU) times as wide."""
    p = model.params
    (n_in, gates), (hidden, n_out) = p["U"].shape, p["V"].shape
    forward = 60 * (n_in + hidden) * gates + hidden * n_out
    backward = 60 * (n_in + hidden) * gates + 59 * hidden * gates + 2 * hidden * n_out
    return sum(a.size for a in p.values()), BATCH * (forward + backward)


CELLS = {"LSTM (forget-gate bias 1)": gradlab.LSTM, "GRU": gradlab.GRU}

print(f"| cell instead of tanh | first NaN | loss after {STEPS} steps | largest gradient norm "
      "| extra parameters | extra multiply-adds per step |")
print("|---|---|---|---|---|---|")
base = cost(gradlab.rnn_patient(seed=SEED)["model"])
for name, cell in CELLS.items():
    settings = {**gradlab.rnn_patient(seed=SEED), "steps": STEPS}
    settings["model"] = model = cell(2, HIDDEN, 1, INIT_SCALE, "last", SEED, np.float32)
    history = gradlab.train(**settings)
    with np.errstate(all="ignore"):
        loss = float(np.mean((model.forward(settings["task"].x) - settings["task"].y) ** 2))
    nan = f"step {history.first_nan[0]}" if history.first_nan else "none"
    extra = [f"{n - b:+,}" for n, b in zip(cost(model), base)]
    print(f"| [{name}](recurrent.md) | {nan} | {loss:.3g} | {np.nanmax(history.total_grad_norm):.3g} "
          f"| {extra[0]} | {extra[1]} |")
