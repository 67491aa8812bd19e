"""Three common initialisations of a 100-layer tanh network: ordered, critical or chaotic?"""
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
WIDTH = 64
DEPTH = 100
SEEDS = 5
INITS = {  # name: (distribution, scale in units of 1/sqrt(n))
    "uniform +-1/sqrt(n) (PyTorch's default)": ("uniform", 1.0),  # U(-1/sqrt(n), 1/sqrt(n))
    "normal, std 1/sqrt(n) (Xavier, gain 1)": ("normal", 1.0),
    "normal, std (5/3)/sqrt(n) (Xavier, tanh gain)": ("normal", 5 / 3),
}


def draw(rng, distribution, scale):
    """One WIDTH x WIDTH weight matrix."""
    if distribution == "uniform":
        return rng.uniform(-scale, scale, (WIDTH, WIDTH)) / np.sqrt(WIDTH)
    return rng.standard_normal((WIDTH, WIDTH)) * scale / np.sqrt(WIDTH)


rng = np.random.default_rng(SEED)
fig, ax = plt.subplots(figsize=(5.6, 5), layout="constrained")
for color, (name, (distribution, scale)) in zip(["C0", "C1", "C2"], INITS.items()):
    curves, gains = [], []
    for seed in range(SEEDS):
        weights = [draw(rng, distribution, scale) for _ in range(DEPTH)]
        gains.append(np.std(weights) * np.sqrt(WIDTH))  # g = weight std in units of 1/sqrt(n)
        h, hs = rng.standard_normal(WIDTH), []
        h *= np.sqrt(WIDTH) / np.linalg.norm(h)
        for W in weights:
            h = np.tanh(W @ h)
            hs.append(h)
        grad = rng.standard_normal(WIDTH)
        grad, norms = grad / np.linalg.norm(grad), []  # a unit readout: loss = grad . h_DEPTH
        for W, h in zip(reversed(weights), reversed(hs)):
            grad = W.T @ (grad * (1 - h**2))
            norms.append(np.linalg.norm(grad))
        curves.append(np.log10(norms[::-1]))  # log10 ||d loss / d h_(l-1)|| for l = 1 ... DEPTH
    curve = np.mean(curves, axis=0)
    rate = curve[0] * np.log(10) / DEPTH  # mean growth of ln||grad|| per layer, output to input
    print(f"{name}: g = {np.mean(gains):.3f}, growth of ln||grad|| per layer = {rate:+.3f}, "
          f"gradient at the input = 10^{curve[0]:.1f}")
    ax.plot(np.arange(1, DEPTH + 1), curve, color=color, label=f"{name}, g = {np.mean(gains):.2f}")
ax.set_xlabel("layer l (the gradient arrives at l = 100 with norm 1)")
ax.set_ylabel("log10 of the gradient norm reaching layer l")
ax.set_title(f"Tanh, width {WIDTH}, depth {DEPTH}: mean of {SEEDS} seeds each")
fig.legend(loc="outside lower center")
plt.show()
