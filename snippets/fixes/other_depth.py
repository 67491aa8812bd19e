"""Fewer layers: patient 1's settings at depths 2 to 10. The blow-up is per layer, so depth decides it."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

DEPTHS = range(2, 11)  # hidden layers; patient 1 has 10
INIT_SCALE = 2.0  # patient 1's: Var(w) = 4 / fan_in
WIDTH = 32

patient = gradlab.mlp_patient()
model = patient["model"]
model.forward(patient["task"].x)  # the whole data set through the untrained 10-layer patient
ms = [np.mean(h.astype(float) ** 2) for _, h in model.activations()[:-1]]
factor = (ms[-1] / ms[0]) ** (1 / (len(ms) - 1))
print(f"theory: mean-square growth per ReLU layer = init_scale^2 / 2 = {INIT_SCALE**2 / 2:.1f}")
print(f"measured on patient 1 at step 0, layers 1 to 10 = {factor:.2f}")

first, largest, nan_at = [], [], []
for depth in DEPTHS:
    run = {**gradlab.mlp_patient(),
           "model": gradlab.MLP([8] + [WIDTH] * depth + [1], "relu", INIT_SCALE, 0, np.float32)}
    history = gradlab.train(**run)
    nan = "none" if history.first_nan is None else str(history.first_nan[0])
    loss = np.mean(history.loss[-20:]) if nan == "none" else np.nan
    first.append(history.total_grad_norm[0])
    largest.append(max(history.total_grad_norm))
    nan_at.append(nan != "none")
    print(f"depth {depth}: NaN step = {nan}, final loss = {loss:.3g}, "
          f"gradient norm at step 0 = {first[-1]:.3g}, largest = {largest[-1]:.3g}")
slope = np.polyfit(list(DEPTHS), np.log(first), 1)[0]
print(f"step-0 gradient norm, growth per extra layer (fit) = {np.exp(slope):.2f}")

fig, ax = plt.subplots(figsize=(5.6, 3.6))
d, nan_at = np.array(DEPTHS), np.array(nan_at)
ax.semilogy(d, first, "o-", color="C0", label="gradient norm at step 0")
ax.semilogy(d[~nan_at], np.array(largest)[~nan_at], "s--", color="C1", label="largest, no NaN in 300 steps")
ax.semilogy(d[nan_at], np.array(largest)[nan_at], "X", color="C3", markersize=10, label="largest, then NaN")
ax.set_xlabel("hidden layers (init scale 2.0, width 32)")
ax.set_ylabel("gradient norm")
ax.set_title("Patient 1 at depths 2 to 10")
ax.legend()
plt.show()
