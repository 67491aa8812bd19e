"""Patient 1 with its gradients clipped by global norm at 1: the NaN goes, does the network learn?"""
import fixlab
import gradlab
import numpy as np

THRESHOLD = 1.0

run = gradlab.mlp_patient()  # the same patient: same weights, same batches
task, model = run["task"], run["model"]
history_clipped = gradlab.train(**run, transform=fixlab.clip_global(THRESHOLD))

with np.errstate(all="ignore"):
    loss = float(np.mean((model.forward(task.x) - task.y) ** 2))
ratio = loss / np.var(task.y)
norms = history_clipped.array("total_grad_norm")  # recorded before clipping
print(f"clipped: first NaN at step = {history_clipped.first_nan[0] if history_clipped.first_nan else 'none'}")
print(f"clipped: median gradient norm = {np.median(norms):.3g}")
print(f"clipped: steps clipped = {np.mean(norms > THRESHOLD):.0%}")
print(f"clipped: loss on all the data after {len(norms)} steps = {loss:.4g}")
print(f"clipped: loss / loss of predicting the mean = {ratio:.3g}")
verdict = "NaN" if history_clipped.first_nan else "no NaN, " + (
    "worse than predicting the mean" if ratio > 1 else f"{ratio:.0%} of the variance left")
print(f"clipped: verdict = {verdict}")
