"""Change the first layer's weights by one part in a million: does it die out or take over?"""
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
WIDTH = 64
DEPTH = 100
SEEDS = 10
EPSILON = 1e-6           # relative change of every first-layer weight
# name: g, with weights ~ N(0, g^2 / WIDTH)
REGIMES = {"ordered, g = 0.8": 0.8, "critical, g = 1": 1.0, "chaotic, g = 2": 2.0}


def run(weights, x, readout):
    """Every layer's activations, and the gradient of readout . h_DEPTH with respect to x."""
    h, hs = x, []
    for W in weights:
        h = np.tanh(W @ h)
        hs.append(h)
    grad = readout
    for W, h in zip(reversed(weights), reversed(hs)):
        grad = W.T @ (grad * (1 - h**2))
    return np.array(hs), grad


rng = np.random.default_rng(SEED)
separation = np.zeros((len(REGIMES), SEEDS, DEPTH))  # ||h_l - h'_l|| / ||h_l||
grad_ratio = np.zeros((len(REGIMES), SEEDS))         # log10 of ||grad'|| / ||grad||
for seed in range(SEEDS):
    Z = rng.standard_normal((DEPTH, WIDTH, WIDTH)) / np.sqrt(WIDTH)
    nudged = Z.copy()
    nudged[0] *= 1 + EPSILON * rng.standard_normal((WIDTH, WIDTH))
    x = rng.standard_normal(WIDTH)
    x *= np.sqrt(WIDTH) / np.linalg.norm(x)
    readout = rng.standard_normal(WIDTH)
    for i, g in enumerate(REGIMES.values()):
        hs, grad = run(g * Z, x, readout)
        hs2, grad2 = run(g * nudged, x, readout)
        separation[i, seed] = np.linalg.norm(hs2 - hs, axis=1) / np.linalg.norm(hs, axis=1)
        grad_ratio[i, seed] = np.log10(np.linalg.norm(grad2) / np.linalg.norm(grad))

median = np.median(separation, axis=1)  # over seeds
for i, name in enumerate(REGIMES):
    change = 10 ** np.abs(grad_ratio[i]).max() - 1
    print(f"{name}: median separation at layer 1 = {median[i, 0]:.1e}, "
          f"at layer {DEPTH} = {median[i, -1]:.1e}")
    print(f"{name}: largest relative change of the input gradient's norm = {change:.1e}")
rate = np.polyfit(np.arange(1, 61), np.log(median[2, :60]), 1)[0]  # before the separation saturates
print(f"chaotic: growth of ln(separation) per layer, layers 1-60 = {rate:.3f}")

fig, ax = plt.subplots()
for i, (name, style) in enumerate(zip(REGIMES, ["-", "--", "-."])):
    ax.semilogy(np.arange(1, DEPTH + 1), separation[i].T, color=f"C{i}", linewidth=0.6, alpha=0.5)
    ax.semilogy(np.arange(1, DEPTH + 1), median[i], color=f"C{i}", linestyle=style, label=name)
ax.set_xlabel("layer l")
ax.set_ylabel("relative separation ||h'_l - h_l|| / ||h_l||")
ax.set_title(f"Networks that differ by {EPSILON:g} in layer 1\n(thin: {SEEDS} seeds, thick: median)")
ax.set_ylim(1e-10, 10)
ax.legend(loc="lower right")
plt.show()
