"""The weight scale shifts the growth rate by ln(sigma); where it is zero is the critical scale."""
import math

import matplotlib.pyplot as plt
import numpy as np

WIDTHS = [2, 4, 16, 64]  # matrix sizes n


def digamma(x):
    """psi(x) = d/dx ln Gamma(x): shift x up past 6, then the asymptotic series."""
    total = 0.0
    while x < 6:
        total, x = total - 1 / x, x + 1
    return total + math.log(x) - 1 / (2 * x) - 1 / (12 * x**2) + 1 / (120 * x**4) - 1 / (252 * x**6)


def rate(n, sigma):
    """Growth of ln||M_k ... M_1 v|| per product, n x n matrices with N(0, sigma^2) entries."""
    return (math.log(2) + digamma(n / 2)) / 2 + math.log(sigma)


for n in [4, 64]:
    critical = math.exp(-rate(n, 1.0))  # solves rate(n, sigma) = 0
    print(f"critical sigma for n = {n} = {critical:.4f} = {critical * math.sqrt(n):.4f} / sqrt(n)")
    print(f"rate at sigma = 1/sqrt({n}) = {rate(n, 1 / math.sqrt(n)):.4f}")

fig, ax = plt.subplots()
scale = np.geomspace(0.5, 2, 200)  # sigma in units of 1/sqrt(n)
for color, n in zip(["C0", "C1", "C2", "C3"], WIDTHS):
    ax.plot(scale, [rate(n, s / math.sqrt(n)) for s in scale], color=color, label=f"n = {n}")
    ax.plot(math.exp(-rate(n, 1 / math.sqrt(n))), 0, "o", color=color)
ax.axhline(0, color="0.5", linewidth=1)
ax.set_xscale("log")
ax.set_xticks([0.5, 0.7, 1, 1.4, 2], labels=["0.5", "0.7", "1", "1.4", "2"])
ax.minorticks_off()
ax.set_xlabel("weight scale sigma, in units of 1/sqrt(n)")
ax.set_ylabel("growth of ln-norm per product")
ax.set_title("Each line crosses zero (dot) just above 1/sqrt(n)")
ax.legend()
plt.show()
