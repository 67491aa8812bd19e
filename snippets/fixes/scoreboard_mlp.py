"""Every fix tried on patient 1 (the exploding ReLU MLP), same seed and budget, as a Markdown table."""
import numpy as np

import fixlab
import gradlab

SEED, BATCH = 0, 32  # the patient's seed and batch size; its budget is 300 SGD steps


def run(**changes):
    return {**gradlab.mlp_patient(seed=SEED), **changes}


def mlp(hidden, activation="relu"):  # the patient's weights (2 / sqrt(fan_in)) with another shape
    return gradlab.MLP([8] + [32] * hidden + [1], activation, 2.0, SEED, np.float32)


def cost(settings, per_param, per_weight):
    """Parameters, and multiply-adds per step: each matrix product h W costs batch * fan_in * fan_out
    forward and twice that backward (dW and dh; only dW for the first layer), plus the passes the fix
    makes over the parameters (per_param each) or over the weight matrices' entries (per_weight each)."""
    params = settings["model"].params
    shapes = [p.shape for p in params.values() if p.ndim == 2]
    products = settings["batch"] * (sum(3 * i * o for i, o in shapes) - np.prod(shapes[0]))
    size, weights = sum(p.size for p in params.values()), sum(i * o for i, o in shapes)
    return size, products + per_param * size + per_weight * weights


FIXES = {  # name: (its chapter, gradlab.train's arguments, multiply-adds per parameter and per weight)
    "none: the patient": ("../symptoms/what-it-looks-like.md", run(), 0, 0),
    "clip by global norm at 1": ("clipping.md", run(transform=fixlab.clip_global(1.0)), 2, 0),
    "adaptive clipping (AGC, λ = 10)": ("clipping.md", run(transform=fixlab.agc(10.0)), 3, 0),
    "He's initial scale": ("initialisation.md", gradlab.mlp_patient(init_scale=2**0.5, seed=SEED), 0, 0),
    "batch norm": ("normalisation.md", fixlab.patient(seed=SEED, norm="batch"), 0, 0),
    "layer norm": ("normalisation.md", fixlab.patient(seed=SEED, norm="layer"), 0, 0),
    "residual blocks, zero-initialised": ("residual.md", fixlab.patient(seed=SEED, residual=True,
                                                                        zero_init=True), 0, 0),
    "learning rate 1e-4": ("learning-rate.md", gradlab.mlp_patient(lr=1e-4, seed=SEED), 0, 0),
    "warm-up over 100 steps": ("learning-rate.md", run(lr_schedule=fixlab.warmup(1e-3, 100)), 0, 0),
    "L2 penalty 0.1": ("other-fixes.md", run(transform=fixlab.l2(0.1)), 0, 1),
    "6 hidden layers, not 10": ("other-fixes.md", run(model=mlp(6)), 0, 0),
    "tanh instead of ReLU": ("other-fixes.md", run(model=mlp(10, "tanh")), 0, 0),
    "batches of 8, not 32": ("other-fixes.md", run(batch=8), 0, 0),
}

print("| fix | first NaN | loss after 300 steps | largest gradient norm | extra parameters "
      "| extra multiply-adds per step |")
print("|---|---|---|---|---|---|")
base = cost(FIXES["none: the patient"][1], 0, 0)
for name, (chapter, settings, per_param, per_weight) in FIXES.items():
    history = gradlab.train(**settings)
    model, task = settings["model"], settings["task"]
    with np.errstate(all="ignore"):
        loss = float(np.mean((model.forward(task.x) - task.y) ** 2))  # on all 256 examples
    nan = f"step {history.first_nan[0]}" if history.first_nan else "none"
    size, macs = cost(settings, per_param, per_weight)
    extra = [f"{n - b:+,}" if n != b else "0" for n, b in zip((size, macs), base)]
    print(f"| [{name}]({chapter}) | {nan} | {loss:.3g} | {np.nanmax(history.total_grad_norm):.3g} "
          f"| {extra[0]} | {extra[1]} |")
print(f"\nThe patient itself: {base[0]:,} parameters, {base[1]:,} multiply-adds per step; "
      f"predicting the mean target scores {np.var(FIXES['none: the patient'][1]['task'].y):.3g}.")
