"""He's scale with a 20 times larger learning rate: at once, then after a linear warm-up."""
import fixlab
import gradlab
import numpy as np

HE, LR, WARMUP = 2**0.5, 0.02, 50  # the patient's rate was 1e-3; the warm-up lasts WARMUP steps

histories = {}
for name, schedule in [("no warm-up", None), (f"{WARMUP}-step warm-up", fixlab.warmup(LR, WARMUP))]:
    run = gradlab.mlp_patient(init_scale=HE, lr=LR)  # same draws, same batches
    task, model = run["task"], run["model"]
    histories[name] = history = gradlab.train(**run, lr_schedule=schedule)
    with np.errstate(all="ignore"):
        loss = float(np.mean((model.forward(task.x) - task.y) ** 2))
    ratio = loss / np.var(task.y)
    nan = history.first_nan
    print(f"He, lr {LR:g}, {name}: largest gradient norm = {np.nanmax(history.total_grad_norm):.3g}")
    if nan:
        print(f"He, lr {LR:g}, {name}: first inf or NaN = step {history.first_nonfinite[0]}, "
              f"{history.first_nonfinite[1]} of {history.first_nonfinite[2]}")
    else:
        print(f"He, lr {LR:g}, {name}: loss on all the data after {len(history.loss)} steps = {loss:.4f}")
    verdict = f"NaN at step {nan[0]}" if nan else "no NaN, " + (
        "worse than predicting the mean" if ratio > 1 else f"{ratio:.0%} of the variance left")
    print(f"He, lr {LR:g}, {name}: verdict = {verdict}")
history_fast, history_warm = histories.values()
