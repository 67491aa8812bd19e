"""Patient 1 as it is: ten ReLU layers with weights too large, plain SGD, trained until the first NaN."""
import gradlab
import numpy as np

run = gradlab.mlp_patient()  # init_scale 2, learning rate 1e-3, 300 steps of 32 examples, float32
task, model = run["task"], run["model"]
history_patient = gradlab.train(**run)

variance = float(np.var(task.y))  # the loss of always predicting the mean target
step, quantity, where = history_patient.first_nonfinite
print(f"patient: loss at step 0 = {history_patient.loss[0]:.3g}")
print(f"patient: gradient norm at step 0 = {history_patient.total_grad_norm[0]:.3g}")
print(f"patient: largest gradient norm = {np.nanmax(history_patient.total_grad_norm):.3g}")
print(f"patient: first inf or NaN = step {step}, {quantity} of {where}")
print(f"patient: steps run = {len(history_patient.loss)}")
print(f"loss of predicting the mean target = {variance:.4g}")
verdict = f"NaN at step {history_patient.first_nan[0]}" if history_patient.first_nan else "no NaN"
print(f"patient: verdict = {verdict}")
