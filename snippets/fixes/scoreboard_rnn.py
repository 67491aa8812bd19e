"""Fixes around patient 2's tanh cell (the exploding RNN on the adding problem), as a Markdown table."""
import numpy as np

import fixlab
import gradlab

SEED, BATCH, STEPS, HIDDEN = 0, 32, 150, 32  # 150 of the patient's 400 steps, to stay fast


def run(model=None, **changes):
    settings = {**gradlab.rnn_patient(seed=SEED), "steps": STEPS, **changes}
    return {**settings, "model": model} if model else settings


def rnn(init_scale=2.5, init="normal", truncate=None):
    model = gradlab.RNN(2, HIDDEN, 1, init_scale, "last", SEED, np.float32, init=init)
    model.truncate = truncate
    return model


def cost(model, per_param):
    """Parameters, and multiply-adds per step: forward, each of the 60 time steps costs x_t U + h W;
    backward, each step the sweep goes back over costs dU and dW, and each but the last dh = da W^T
    (h_0 needs no gradient); the readout costs h V forward, dV and dh backward; plus per_param for each
    parameter (clipping's two passes over the gradients)."""
    p = model.params
    (n_in, gates), (hidden, n_out) = p["U"].shape, p["V"].shape
    steps, swept = 60, model.truncate or 60
    forward = steps * (n_in + hidden) * gates + hidden * n_out
    backward = swept * (n_in + hidden) * gates + (swept - 1) * hidden * gates + 2 * hidden * n_out
    size = sum(a.size for a in p.values())
    return size, BATCH * (forward + backward) + per_param * size


FIXES = {  # name: (its chapter, gradlab.train's arguments, multiply-adds per parameter it adds)
    "none: the patient": ("../symptoms/what-it-looks-like.md", run(), 0),
    "clip by global norm at 1": ("clipping.md", run(transform=fixlab.clip_global(1.0)), 2),
    "learning rate 0.03, not 0.05": ("learning-rate.md", run(optimizer=gradlab.SGD(0.03)), 0),
    "truncated BPTT, 10 steps": ("recurrent.md", run(rnn(truncate=10)), 0),
    "orthogonal W at scale 1": ("recurrent.md", run(rnn(1.0, "orthogonal")), 0),
}

print(f"| fix | first NaN | loss after {STEPS} steps | largest gradient norm | extra parameters "
      "| extra multiply-adds per step |")
print("|---|---|---|---|---|---|")
base = cost(FIXES["none: the patient"][1]["model"], 0)
for name, (chapter, settings, per_param) in FIXES.items():
    history = gradlab.train(**settings)
    model, task = settings["model"], settings["task"]
    with np.errstate(all="ignore"):
        loss = float(np.mean((model.forward(task.x) - task.y) ** 2))  # on all 256 sequences
    nan = f"step {history.first_nan[0]}" if history.first_nan else "none"
    extra = [f"{n - b:+,}" if n != b else "0" for n, b in zip(cost(model, per_param), base)]
    print(f"| [{name}]({chapter}) | {nan} | {loss:.3g} | {np.nanmax(history.total_grad_norm):.3g} "
          f"| {extra[0]} | {extra[1]} |")
print(f"\nThe patient itself: {base[0]:,} parameters, {base[1]:,} multiply-adds per step; "
      f"predicting the mean target scores {np.var(FIXES['none: the patient'][1]['task'].y):.3g}.")
