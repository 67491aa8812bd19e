"""Patient 1: ten ReLU layers initialised 1.41 times too large. Where does the first inf appear?"""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

FLOAT32_MAX = float(np.finfo(np.float32).max)

largest = []  # per step: the largest |activation| of each layer in that step's forward pass


def record(step, model, grads):
    largest.append([np.max(np.abs(h)) for _, h in model.activations()])


run = gradlab.mlp_patient()  # init_scale 2.0, lr 0.001, float32
weights = np.sqrt(sum(np.sum(w.astype(float) ** 2) for w in run["model"].params.values()))
history = gradlab.train(**run, callback=record)

for step, loss in enumerate(history.loss):
    print(f"step {step}: loss = {loss:.3g}, gradient norm = {history.total_grad_norm[step]:.3g}")
for label, (step, quantity, where) in [("first inf or NaN", history.first_nonfinite),
                                       ("first NaN", history.first_nan)]:
    print(f"{label} = step {step}, {quantity}" + ("" if where == quantity else f" ({where})"))
print(f"largest float32 = {FLOAT32_MAX:.2g}")
update = run["optimizer"].lr * history.total_grad_norm[0]
print(f"first update: |update| = {update:.3g}, |all weights| = {weights:.3g}")
print(f"largest |activation| at step 1, layer 1 = {largest[1][0]:.3g}")
print(f"largest |activation| at step 1, output  = {largest[1][-1]:.3g}")
growth = (largest[2][3] / largest[2][0]) ** (1 / 3)
print(f"at step 2, growth of the largest activation per layer, layers 1-4 = {growth:.1e}")

fig, ax = plt.subplots(figsize=(5.6, 4.4))
layers = np.arange(1, len(largest[0]) + 1)
for step, values in enumerate(largest):
    values = np.array(values, dtype=float)
    finite, inf, nan = np.isfinite(values), np.isinf(values), np.isnan(values)
    ax.semilogy(layers[finite], values[finite], "o-", color=f"C{step}", label=f"step {step}")
    if inf.any() or nan.any():
        top = np.full(len(layers), FLOAT32_MAX)
        ax.plot(layers[inf], top[inf], "^", color=f"C{step}", markersize=10, label="inf")
        ax.plot(layers[nan], top[nan], "x", color=f"C{step}", markersize=10, label="NaN")
ax.axhline(FLOAT32_MAX, color="0.5", linestyle="--")
ax.annotate("largest float32", (1, FLOAT32_MAX), xytext=(0, -14), textcoords="offset points")
ax.set_xlabel("layer (11 is the output)")
ax.set_ylabel("largest |activation| in the batch")
ax.set_title("Patient 1: each step's forward pass, layer by layer")
ax.legend(loc="center right", ncols=2)
plt.show()
