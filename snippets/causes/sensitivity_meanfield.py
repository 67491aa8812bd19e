"""Mean-field theory of a deep tanh network: fixed-point variance q*, gradient factor chi, exponent."""
import numpy as np

# Weights ~ N(0, g^2 / n), no biases. 1/sqrt(3): the scale of nn.Linear's default init;
# 5/3: PyTorch's calculate_gain("tanh").
GAINS = [1 / np.sqrt(3), 0.8, 1.0, 5 / 3, 2.0]
WIDTH = 128              # n, for the finite-width correction only

z = np.linspace(-10, 10, 4001)  # a fine grid for Gaussian averages: E[f(z)] = sum(density * f(z))
density = np.exp(-z**2 / 2) / np.sqrt(2 * np.pi) * (z[1] - z[0])


def fixed_point(g):
    """q* solves q = g^2 E[tanh(sqrt(q) z)^2]; for g <= 1 the only solution is q* = 0. Bisection."""
    if g <= 1:
        return 0.0
    low, high = 1e-12, g**2  # the right side exceeds q just above 0 and falls short at q = g^2
    for _ in range(60):
        mid = (low + high) / 2
        if g**2 * np.sum(density * np.tanh(np.sqrt(mid) * z) ** 2) > mid:
            low = mid
        else:
            high = mid
    return (low + high) / 2


for g in GAINS:
    q = fixed_point(g)
    slope2 = 1 / np.cosh(np.sqrt(q) * z) ** 4           # tanh'(a)^2 = sech(a)^4 with a ~ N(0, q*)
    chi = g**2 * np.sum(density * slope2)                # mean growth of ||gradient||^2 per layer
    k = np.sum(density * slope2**2) / np.sum(density * slope2) ** 2  # E[tanh'^4] / E[tanh'^2]^2
    exponent, correction = np.log(chi) / 2, -(3 * k - 1) / (4 * WIDTH)  # per layer, for norms
    print(f"g = {g:.3g}: q* = {q:.4f}, chi = {chi:.4f}, ln(chi)/2 = {exponent:+.4f}, "
          f"width-{WIDTH} correction = {correction:+.4f}")
