"""Fact-check "even a weight of 0.7 explodes": one unit, a linear 4 x 4 net, a tanh 4 x 4 net."""
import matplotlib.pyplot as plt
import numpy as np

WEIGHT = 0.7  # every recurrent weight
SIZE = 4      # units in the matrix networks
STEPS = 40
SEED = 0

rng = np.random.default_rng(SEED)
inputs = rng.normal(size=STEPS)     # one input sequence x_t, fed to every network
input_weights = rng.normal(size=SIZE)
matrix = np.full((SIZE, SIZE), WEIGHT)
print(f"spectral radius of the 4 x 4 matrix of 0.7s = {max(abs(np.linalg.eigvals(matrix))):.4f}")


def jacobian_norms(W, u, act, slope, h0, xs):
    """|dh_t/dh_0| for h_t = act(W h_(t-1) + u x_t): the chain rule, one step at a time."""
    h, jac, norms = h0, np.eye(len(h0)), [1.0]
    for x in xs:
        pre = W @ h + u * x
        h = act(pre)
        jac = (slope(pre)[:, None] * W) @ jac  # dh_t/dh_(t-1) = diag(act'(pre)) W
        norms.append(np.linalg.norm(jac, 2))
    return np.array(norms)


tanh_slope = lambda z: 1 - np.tanh(z) ** 2
runs = {
    "one tanh unit, w = 0.7": ([[WEIGHT]], [1.0], np.tanh, tanh_slope, [0.0], inputs),
    "linear 4 x 4, all 0.7": (matrix, input_weights, lambda z: z, np.ones_like, np.zeros(SIZE), inputs),
    "tanh 4 x 4, all 0.7, no input": (matrix, input_weights, np.tanh, tanh_slope, np.full(SIZE, 1e-3), 0 * inputs),
    "tanh 4 x 4, all 0.7, with input": (matrix, input_weights, np.tanh, tanh_slope, np.zeros(SIZE), inputs),
}
fig, ax = plt.subplots()
for name, (W, u, act, slope, h0, xs) in runs.items():
    norms = jacobian_norms(np.array(W), np.array(u), act, slope, np.array(h0), xs)
    print(f"{name}: |dh_40/dh_0| = {norms[-1]:.4g}")
    print(f"{name}: largest |dh_t/dh_0| = {norms.max():.4g}")
    print(f"{name}: factor per step at the end = {norms[-1] / norms[-2]:.4f}")
    ax.semilogy(norms, label=name)
ax.semilogy(WEIGHT ** np.arange(STEPS + 1), color="0.5", linestyle=":", label="0.7^t (one-unit bound)")
ax.set_xlabel("steps t")
ax.set_ylabel("|dh_t/dh_0|")
ax.set_title("Weights of 0.7: what the gradient does over time")
ax.legend(fontsize=9)
plt.show()
