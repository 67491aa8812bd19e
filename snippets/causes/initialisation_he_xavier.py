"""A 30-layer ReLU stack, Xavier (Var = 1/n) against He (Var = 2/n): the same draws, two scales."""
import matplotlib.pyplot as plt
import numpy as np

WIDTH = 256  # square layers, so Xavier's 2 / (n_in + n_out) is 1 / WIDTH
DEPTH = 30
BATCH = 16
SEED = 0
INITS = {"Xavier, Var = 1/n": 1.0 / WIDTH, "He, Var = 2/n": 2.0 / WIDTH}

rng = np.random.default_rng(SEED)
draws = rng.standard_normal((DEPTH, WIDTH, WIDTH))  # one draw, scaled to each variance below
x0 = rng.standard_normal((WIDTH, BATCH))

stds = {}
for name, variance in INITS.items():
    x, stds[name] = x0, []
    for z in draws:
        h = np.sqrt(variance) * z @ x  # pre-activation
        stds[name].append(h.std())
        x = np.maximum(h, 0)
xavier, he = (np.array(s) for s in stds.values())
print(f"He:     std(h_1) = {he[0]:.3f}, std(h_30) = {he[-1]:.3f}")
print(f"Xavier: std(h_1) = {xavier[0]:.3f}, std(h_30) = {xavier[-1]:.3g}")
print(f"Xavier / He at layer 30 = {xavier[-1] / he[-1]:.4e}")
print(f"log2(Xavier / He) at layer 30 = {np.log2(xavier[-1] / he[-1]):.6f}")

layers = np.arange(1, DEPTH + 1)
fig, ax = plt.subplots()
ax.plot(layers, np.log2(he) - layers / 2, color="C1", linewidth=9, alpha=0.45,
        label="He curve × 2^(-l/2)")
for name, s in stds.items():
    ax.plot(layers, np.log2(s), "o-", markersize=3, label=name)
ax.annotate("2^-15 of He", (DEPTH, np.log2(xavier[-1])), xytext=(-90, 65),
            textcoords="offset points",
            arrowprops={"arrowstyle": "->", "color": "0.5"})
ax.set_xlabel("layer l")
ax.set_ylabel("log2 std of pre-activations h_l")
ax.set_title("ReLU, 30 layers: Xavier halves the variance at every layer")
ax.legend()
plt.show()
