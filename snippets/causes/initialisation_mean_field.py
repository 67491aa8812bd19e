"""Mean-field theory of a deep, wide MLP: the growth of the gradient per layer, and where it is 1."""
import matplotlib.pyplot as plt
import numpy as np

Z, P = np.polynomial.hermite_e.hermegauss(101)  # nodes and weights for E[f(z)], z ~ N(0, 1)
P = P / P.sum()
GAINS = np.linspace(0.5, 2.0, 151)


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


for gain in [0.9, 1.0, 1.1, 1.5, 5 / 3]:
    print(f"chi at the fixed point, gain {gain:.2f} = {chi(gain, fixed_point(gain)):.4f}")

fig, ax = plt.subplots()
ax.plot(GAINS, [chi(g, fixed_point(g)) for g in GAINS], label="tanh: chi at the fixed point q*")
ax.plot(GAINS, GAINS**2 / 2, label="relu: g^2 / 2 at every layer")
ax.axhline(1, color="0.5", linewidth=1)
ax.set(xlabel="gain g (weight std = g / sqrt(width))",
       ylabel="chi: growth of |gradient|^2 per layer",
       title="Mean field, infinitely deep: growth per layer", ylim=(0, 2))
ax.legend()
plt.show()
