"""Fact-check "even a weight of 0.7 explodes": one unit, a linear 4 x 4 net, a tanh one."""
import matplotlib.pyplot as plt
import numpy as np

WEIGHT = 0.7  # every recurrent weight
SIZE = 4      # units in the matrix networks
STEPS = 40
SEED = 0

rng = np.random.default_rng(SEED)
inputs = rng.normal(size=STEPS)  # one input sequence x_t, fed to every network
input_weights = rng.normal(size=SIZE)
matrix = np.full((SIZE, SIZE), WEIGHT)
radius = max(abs(np.linalg.eigvals(matrix)))
print(f"spectral radius of the 4 x 4 matrix of 0.7s = {radius:.4f}")


def jacobian_norms(W, u, h0, xs, tanh):
    """|dh_t/dh_0| for h_t = tanh(W h_(t-1) + u x_t), or without tanh: the chain rule, stepwise."""
    h, jac, norms = h0, np.eye(len(h0)), [1.0]
    for x in xs:
        h = np.tanh(W @ h + u * x) if tanh else W @ h + u * x
        slope = 1 - h**2 if tanh else np.ones_like(h)  # tanh'(a) = 1 - tanh(a)^2
        jac = (slope[:, None] * W) @ jac  # dh_t/dh_(t-1) = diag(slope) W
        norms.append(np.linalg.norm(jac, 2))
    return np.array(norms)


runs = [  # name, W, input weights, h_0, inputs, tanh?
    ("one tanh unit, w = 0.7", np.array([[WEIGHT]]), np.ones(1), np.zeros(1), inputs, True),
    ("linear 4 x 4, all 0.7", matrix, input_weights, np.zeros(SIZE), inputs, False),
    ("tanh 4 x 4, all 0.7, no input", matrix, input_weights, np.full(SIZE, 1e-3), 0 * inputs,
     True),
    ("tanh 4 x 4, all 0.7, with input", matrix, input_weights, np.zeros(SIZE), inputs, True),
]
fig, ax = plt.subplots(figsize=(5.6, 5), layout="constrained")
for name, *run in runs:
    norms = jacobian_norms(*run)
    print(f"{name}: |dh_40/dh_0| = {norms[-1]:.4g}")
    print(f"{name}: largest |dh_t/dh_0| = {norms.max():.4g}")
    print(f"{name}: factor per step at the end = {norms[-1] / norms[-2]:.4f}")
    ax.semilogy(norms, label=name)
ax.semilogy(WEIGHT ** np.arange(STEPS + 1), color="0.5", linestyle=":",
            label="0.7^t (one-unit bound)")
ax.set(xlabel="steps t", ylabel="|dh_t/dh_0|", title="Weights of 0.7: the gradient over time")
fig.legend(loc="outside lower center", ncols=2)
plt.show()
