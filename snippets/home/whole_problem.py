"""One deep ReLU network, three weight scales: the gradient vanishes, holds, or explodes."""
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
WIDTH = 256
DEPTH = 50
GAINS = [0.8, 1.0, 1.25]  # multiples of He's standard deviation sqrt(2 / WIDTH)

rng = np.random.default_rng(SEED)
x = rng.standard_normal(WIDTH)
fig, ax = plt.subplots()
for gain in GAINS:
    weights = [rng.standard_normal((WIDTH, WIDTH)) * gain * np.sqrt(2 / WIDTH) for _ in range(DEPTH)]
    pre = []  # pre-activations, kept for the backward pass
    h = x
    for W in weights:
        pre.append(W @ h)
        h = np.maximum(pre[-1], 0)
    grad = rng.standard_normal(WIDTH)  # gradient arriving from the loss
    norms = []
    for W, z in zip(reversed(weights), reversed(pre)):
        grad = W.T @ (grad * (z > 0))  # one layer of the chain rule
        norms.append(np.linalg.norm(grad))
    norms = np.array(norms[::-1])  # norms[0] is at the first layer
    print(f"gain {gain}: gradient norm at layer 1 / at layer {DEPTH} = {norms[0] / norms[-1]:.3g}")
    ax.semilogy(np.arange(1, DEPTH + 1), norms, label=f"{gain} x He")
ax.set_xlabel("layer (the gradient flows from right to left)")
ax.set_ylabel("gradient norm")
ax.set_title("The same 50-layer network at three weight scales")
ax.set_ylim(top=1e9)  # headroom for the legend
ax.legend(title="weight scale", loc="upper right")
plt.show()
