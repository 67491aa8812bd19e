"""Reading the per-layer instrument: gradient norm against depth, 20 tanh layers, four init scales."""
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
DEPTH, WIDTH, BATCH = 20, 64, 64
SIGMAS = [0.5, 1.0, 2.0, 3.0]  # weights ~ N(0, sigma^2 / WIDTH)
Z = np.linspace(-10, 10, 8001)  # grid for Gaussian averages (a Riemann sum; converged to 1e-8 here)

rng = np.random.default_rng(SEED)
x = rng.normal(size=(BATCH, WIDTH))
target = rng.normal(size=(BATCH, 1))


def layer_grad_norms(sigma):
    """Gradient norm of every hidden layer's weight matrix at initialisation, layer 1 first."""
    init = np.random.default_rng(SEED + 1)
    Ws = [init.normal(size=(WIDTH, WIDTH)) * sigma / np.sqrt(WIDTH) for _ in range(DEPTH)]
    readout = init.normal(size=(WIDTH, 1)) / np.sqrt(WIDTH)
    hs = [x]
    for W in Ws:
        hs.append(np.tanh(hs[-1] @ W))
    d = (hs[-1] @ readout - target) @ readout.T / BATCH  # d(loss)/d(last hidden output)
    norms = []
    for W, h_in, h_out in zip(Ws[::-1], hs[-2::-1], hs[:0:-1]):
        d = d * (1 - h_out**2)  # through tanh
        norms.insert(0, np.linalg.norm(h_in.T @ d))
        d = d @ W.T
    return np.array(norms)


def mean_field_growth(sigma):
    """sqrt(chi) at the fixed point q* = sigma^2 E[tanh(sqrt(q) z)^2] (mean-field theory)."""
    density = np.exp(-Z**2 / 2) * (Z[1] - Z[0]) / np.sqrt(2 * np.pi)
    q = 1.0
    for _ in range(200):
        q = sigma**2 * np.sum(density * np.tanh(np.sqrt(q) * Z) ** 2)
    return np.sqrt(sigma**2 * np.sum(density / np.cosh(np.sqrt(q) * Z) ** 4))


print(f"network: {DEPTH} tanh layers, {WIDTH} units wide")
print(f"sigma_w = 3.0: mean-field growth per layer, sqrt(chi) = {mean_field_growth(3.0):.4f}")
fig, ax = plt.subplots()
for sigma in SIGMAS:
    norms = layer_grad_norms(sigma)
    growth = (norms[0] / norms[-1]) ** (1 / (DEPTH - 1))  # average factor per layer, toward the input
    print(f"sigma_w = {sigma}: growth per layer toward the input = {growth:.3f}")
    print(f"sigma_w = {sigma}: gradient norm at layer 1 = {norms[0]:.2g}, at layer {DEPTH} = {norms[-1]:.2g}")
    ax.semilogy(np.arange(1, DEPTH + 1), norms, marker=".", label=f"sigma_w = {sigma}")
ax.set(xlabel="layer (1 = nearest the input)", ylabel="weight-gradient norm at init",
       xticks=[1, 5, 10, 15, 20], title="Per-layer gradient norms, 20 tanh layers")
ax.legend(loc="lower center", bbox_to_anchor=(0.5, 0.18), ncols=2)
plt.show()
