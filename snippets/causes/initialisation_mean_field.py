"""Mean-field theory of a wide tanh MLP: the per-layer gradient factor chi, and the critical gain."""
import matplotlib.pyplot as plt
import numpy as np

Z, P = np.polynomial.hermite_e.hermegauss(101)  # nodes and weights for E[f(z)], z ~ N(0, 1)
P = P / P.sum()
GAINS = np.linspace(0.5, 2.0, 151)
DEPTHS = [50, 200, 1000]  # for the finite-depth critical gain
Q0 = 1.0  # variance of the inputs


def mean(f, q):
    """E[f(h)] for h ~ N(0, q)."""
    return np.sum(P * f(np.sqrt(q) * Z))


def next_q(gain, q):
    """Variance of the next layer's pre-activations: g^2 E[tanh(h)^2]."""
    return gain**2 * mean(lambda h: np.tanh(h) ** 2, q)


def chi(gain, q):
    """Per-layer factor of E|gradient|^2: g^2 E[tanh'(h)^2]."""
    return gain**2 * mean(lambda h: (1 - np.tanh(h) ** 2) ** 2, q)


def fixed_point(gain):
    """q* = next_q(q*); since tanh(h)^2 < h^2, q* = 0 is the only one when g <= 1."""
    if gain <= 1:
        return 0.0
    lo, hi = 1e-12, gain**2
    for _ in range(60):  # bisection: next_q(q) > q below q*, < q above
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if next_q(gain, mid) > mid else (lo, mid)
    return mid


def log_ratio(gain, depth):
    """ln(|grad at layer 1|^2 / |grad at layer depth|^2), starting from q_1 = g^2 Q0."""
    q, total = gain**2 * Q0, 0.0
    for _ in range(depth - 1):
        total, q = total + np.log(chi(gain, q)), next_q(gain, q)
    return total


for gain in [0.9, 1.0, 1.1, 1.5, 5 / 3]:
    print(f"chi at the fixed point, gain {gain:.2f} = {chi(gain, fixed_point(gain)):.4f}")
for depth in DEPTHS:
    a, fa, b, fb = 1.0, log_ratio(1.0, depth), 1.5, log_ratio(1.5, depth)
    while abs(b - a) > 1e-9:  # secant method on ln(ratio) = 0
        a, fa, b = b, fb, b - fb * (b - a) / (fb - fa)
        fb = log_ratio(b, depth)
    print(f"critical gain at depth {depth} = {b:.3f}")

fig, ax = plt.subplots()
ax.plot(GAINS, [chi(g, fixed_point(g)) for g in GAINS], label="tanh, infinitely deep: chi at q*")
ax.plot(GAINS, [np.exp(log_ratio(g, 50) / 49) for g in GAINS], "--", label="tanh, mean over the first 50 layers")
ax.plot(GAINS, GAINS**2 / 2, label="relu, any depth: g^2 / 2")
ax.axhline(1, color="0.5", linewidth=1)
ax.set(xlabel="gain g (weight std = g / sqrt(width))", ylabel="chi: growth of |gradient|^2 per layer",
       title="Mean-field theory: the gradient's growth factor per layer", ylim=(0, 2))
ax.legend()
plt.show()
