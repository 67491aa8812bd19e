"""At sigma = 1/sqrt(n) products shrink slightly: measured against (ln 2 + psi(n/2) - ln n) / 2."""
import math

import matplotlib.pyplot as plt
import numpy as np

SEED = 0
WIDTHS = [2, 4, 8, 16, 32, 64]  # matrix sizes n
PRODUCTS = 50                   # matrices multiplied per trial
TRIALS = 100                    # trials per width, run side by side


def digamma(x):
    """psi(x) = d/dx ln Gamma(x): shift x up past 6, then the asymptotic series."""
    total = 0.0
    while x < 6:
        total, x = total - 1 / x, x + 1
    return total + math.log(x) - 1 / (2 * x) - 1 / (12 * x**2) + 1 / (120 * x**4) - 1 / (252 * x**6)


rng = np.random.default_rng(SEED)
measured, errors = [], []
for n in WIDTHS:
    v = np.zeros((TRIALS, n))
    v[:, 0] = 1.0
    log_norm = np.zeros(TRIALS)
    for _ in range(PRODUCTS):
        matrices = rng.standard_normal((TRIALS, n, n)) / math.sqrt(n)  # sigma = 1/sqrt(n)
        v = np.einsum("tij,tj->ti", matrices, v)
        length = np.linalg.norm(v, axis=1)
        log_norm, v = log_norm + np.log(length), v / length[:, None]  # keep the log, rescale to 1
    rates = log_norm / PRODUCTS
    measured.append(rates.mean())
    errors.append(rates.std(ddof=1) / math.sqrt(TRIALS))
    theory = (math.log(2) + digamma(n / 2) - math.log(n)) / 2
    print(f"n = {n:2d}: theory {theory:+.4f}, measured {measured[-1]:+.4f} +/- {errors[-1]:.4f}")

fig, ax = plt.subplots()
ax.errorbar(WIDTHS, measured, yerr=errors, fmt="o", color="C0",
            label=f"measured ({TRIALS} trials x {PRODUCTS})")
ns = np.geomspace(2, 64, 100)
ax.plot(ns, [(math.log(2) + digamma(n / 2) - math.log(n)) / 2 for n in ns], color="C1",
        label="theory (ln 2 + psi(n/2) - ln n) / 2")
ax.plot(ns, -1 / (2 * ns), ":", color="0.5", label="large-n approximation -1/(2n)")
ax.set_xscale("log")
ax.set_xticks(WIDTHS, labels=[str(n) for n in WIDTHS])
ax.minorticks_off()
ax.set_xlabel("matrix size n")
ax.set_ylabel("growth of ln-norm per product")
ax.set_title("At sigma = 1/sqrt(n) the norm shrinks, less as n grows")
ax.legend()
plt.show()
