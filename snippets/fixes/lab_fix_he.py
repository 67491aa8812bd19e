"""Patient 1 with the cause removed: He's initialisation scale sqrt(2) instead of 2, nothing else changed."""
import gradlab
import numpy as np

HE = 2**0.5  # weights drawn from N(0, HE^2 / fan_in): ReLU halves the mean square, HE^2 doubles it back

run = gradlab.mlp_patient(init_scale=HE)  # same random draws, each weight multiplied by HE / 2
task, model = run["task"], run["model"]
history_he = gradlab.train(**run)

with np.errstate(all="ignore"):
    loss = float(np.mean((model.forward(task.x) - task.y) ** 2))
ratio = loss / np.var(task.y)
print(f"He: loss at step 0 = {history_he.loss[0]:.3g}")
print(f"He: gradient norm at step 0 = {history_he.total_grad_norm[0]:.3g}")
print(f"He: largest gradient norm = {np.nanmax(history_he.total_grad_norm):.3g}")
print(f"He: first NaN at step = {history_he.first_nan[0] if history_he.first_nan else 'none'}")
print(f"He: loss on all the data after {len(history_he.loss)} steps = {loss:.4f}")
verdict = "NaN" if history_he.first_nan else "no NaN, " + (
    "worse than predicting the mean" if ratio > 1 else f"{ratio:.0%} of the variance left")
print(f"He: verdict = {verdict}")
