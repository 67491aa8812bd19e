"""Mean-field theory of a tanh MLP of finite depth: the gain at which its gradient balances."""
import matplotlib.pyplot as plt
import numpy as np

Z, P = np.polynomial.hermite_e.hermegauss(101)  # nodes and weights for E[f(z)], z ~ N(0, 1)
P = P / P.sum()
DEPTHS = [50, 200, 1000]
GAINS = np.linspace(0.8, 1.6, 81)
Q0 = 1.0  # variance of the inputs


def log_ratio(gains, depth):
    """ln(|grad at layer 1|^2 / |grad at layer depth|^2) for each gain, from q_1 = g^2 Q0."""
    g2 = np.asarray(gains, dtype=float)[..., None] ** 2
    q, total = g2 * Q0, 0.0
    for _ in range(depth - 1):
        t = np.tanh(np.sqrt(q) * Z)  # tanh(h) at the quadrature nodes, h ~ N(0, q)
        total = total + np.log(np.sum(P * g2 * (1 - t**2) ** 2, axis=-1))  # ln chi(q)
        q = np.sum(P * g2 * t**2, axis=-1, keepdims=True)  # next layer's variance
    return total


fig, ax = plt.subplots()
for depth in DEPTHS:
    a, fa, b, fb = 1.0, log_ratio(1.0, depth), 1.5, log_ratio(1.5, depth)
    while abs(b - a) > 1e-9:  # secant method on ln(ratio) = 0
        a, fa, b = b, fb, b - fb * (b - a) / (fb - fa)
        fb = log_ratio(b, depth)
    print(f"critical gain at depth {depth} = {b:.3f}")
    mean_chi = np.exp(log_ratio(GAINS, depth) / (depth - 1))  # geometric mean over the layers
    ax.plot(GAINS, mean_chi, label=f"{depth} layers: 1 at g = {b:.3f}")
ax.axhline(1, color="0.5", linewidth=1)
ax.axvline(1, color="0.5", linestyle=":", linewidth=1.2)
ax.set(xlabel="gain g (weight std = g / sqrt(width))", ylabel="mean of chi over the layers",
       title="tanh, finite depth: balance nears g = 1 slowly")
ax.legend()
plt.show()
