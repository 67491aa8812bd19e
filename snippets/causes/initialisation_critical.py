"""Scan the weight scale of a 50-layer MLP and find where the gradient neither grows nor shrinks."""
import matplotlib.pyplot as plt
import numpy as np

WIDTH = 256
DEPTH = 50
BATCH = 16  # inputs, each with its own random gradient arriving at the output
SEED = 0
GAINS = np.linspace(0.6, 2.0, 15)  # weight std = gain / sqrt(WIDTH)
ACTIVATIONS = {  # h -> (activation, its slope)
    "tanh": lambda h: (np.tanh(h), 1 - np.tanh(h) ** 2),
    "relu": lambda h: (np.maximum(h, 0), (h > 0).astype(float)),
}

rng = np.random.default_rng(SEED)
base = rng.standard_normal((DEPTH, WIDTH, WIDTH)) / np.sqrt(WIDTH)  # gain 1; rescaled below
x0 = rng.standard_normal((WIDTH, BATCH))
grad_out = rng.standard_normal((WIDTH, BATCH))  # d(loss)/d(output of the last layer)


def log_ratio(name, gain):
    """Mean over inputs of ln(|d loss/d h_1| / |d loss/d h_50|), h_l the pre-activations."""
    x, slopes = x0, []
    for w in base:
        x, slope = ACTIVATIONS[name](gain * w @ x)
        slopes.append(slope)
    delta = slopes[-1] * grad_out
    last = np.linalg.norm(delta, axis=0)
    for layer in range(DEPTH - 1, 0, -1):
        delta = slopes[layer - 1] * (gain * base[layer].T @ delta)
    return np.mean(np.log(np.linalg.norm(delta, axis=0) / last))


fig, ax = plt.subplots(figsize=(5.6, 5), layout="constrained")
for name, theory, why in [("tanh", 1.0, "infinitely deep"), ("relu", 2**0.5, "any depth")]:
    curve = np.array([log_ratio(name, g) for g in GAINS])
    k = np.flatnonzero(np.diff(np.sign(curve)))[0]  # the grid cell where the ratio crosses 1
    a, fa, b, fb = GAINS[k], curve[k], GAINS[k + 1], curve[k + 1]
    for _ in range(3):  # secant steps from the two ends of that cell
        a, fa, b = b, fb, b - fb * (b - a) / (fb - fa)
        fb = log_ratio(name, b)
    print(f"{name}: critical gain (ratio = 1) = {b:.3f}")
    for gain in [1.0, 5 / 3]:
        ratio = np.exp(log_ratio(name, gain))
        print(f"{name}: gradient ratio layer 1 / layer 50 at gain {gain:.2f} = {ratio:.3g}")
    ax.plot(GAINS, curve / np.log(10), label=f"{name}: simulated, crosses 1 at g = {b:.3f}")
    ax.plot([b], [0], "o", color=ax.lines[-1].get_color())
    ax.axvline(theory, color=ax.lines[-1].get_color(), linestyle=":", linewidth=1.2,
               label=f"{name}: theory, {why}: g = {theory:.3f}")
ax.axhline(0, color="0.5", linewidth=1)
ax.set_xlabel("gain g (weight std = g / sqrt(width))")
ax.set_ylabel("log10 (gradient at layer 1 / layer 50)")
ax.set_title("50 layers: where the gradient neither grows nor shrinks")
fig.legend(loc="outside lower center")
plt.show()
