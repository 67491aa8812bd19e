"""d2l's experiment, seeded and repeated: multiply 100 random 4x4 Gaussian matrices, 1,000 times."""
import math

import matplotlib.pyplot as plt
import numpy as np

SEED = 0
N = 4            # each matrix is N x N with independent N(0, 1) entries
PRODUCTS = 100   # matrices multiplied together in one trial
TRIALS = 1000    # independent trials


def digamma(x):
    """psi(x) = d/dx ln Gamma(x): shift x up past 6, then the asymptotic series."""
    total = 0.0
    while x < 6:
        total, x = total - 1 / x, x + 1
    return total + math.log(x) - 1 / (2 * x) - 1 / (12 * x**2) + 1 / (120 * x**4) - 1 / (252 * x**6)


rng = np.random.default_rng(SEED)
product = np.tile(np.eye(N), (TRIALS, 1, 1))  # one running product per trial
for _ in range(PRODUCTS):
    product = rng.standard_normal((TRIALS, N, N)) @ product
log_vector = np.log(np.linalg.norm(product[:, :, 0], axis=1))  # column 0 is P v for v = e_1
log10_matrix = np.log10(np.linalg.norm(product, ord=2, axis=(1, 2)))  # largest singular value

rate_theory = (math.log(2) + digamma(N / 2)) / 2
offset = (digamma(N / 2) - digamma(0.5)) / 2  # E ln(||P|| / ||P v||) once P is nearly rank one
rates = log_vector / PRODUCTS
error = rates.std(ddof=1) / math.sqrt(TRIALS)  # standard error of the mean over trials
matrix_rate = log10_matrix.mean() * math.log(10) / PRODUCTS
mean_theory = (PRODUCTS * rate_theory + offset) / math.log(10)
print(f"theory: ln-norm growth per product = {rate_theory:.4f}")
print(f"measured: ln-norm growth per product = {rates.mean():.4f} +/- {error:.4f}")
print(f"measured: ln||product||_2 / {PRODUCTS} = {matrix_rate:.4f}")
print(f"theory: offset ln||product||_2 - ln||product v|| = {offset:.3f}")
print(f"theory: mean log10 ||product||_2 = {mean_theory:.2f}")
print(f"measured: mean log10 ||product||_2 = {log10_matrix.mean():.2f}")
print(f"measured: sd of log10 ||product||_2 = {log10_matrix.std(ddof=1):.2f}")
print(f"measured: smallest, largest log10 ||product||_2 = "
      f"{log10_matrix.min():.1f}, {log10_matrix.max():.1f}")

fig, ax = plt.subplots()
ax.hist(log10_matrix, bins=40, color="C0", alpha=0.8)
ax.axvline(PRODUCTS * rate_theory / math.log(10), color="C2", ls="--", label="theory, vector norm")
ax.axvline(mean_theory, color="C1", label="theory, matrix norm")
ax.set_xlabel(f"log10 of the spectral norm of a product\nof {PRODUCTS} random {N}x{N} matrices")
ax.set_ylabel(f"trials (of {TRIALS})")
ax.set_title(f"{TRIALS:,} trials: the norm spans ten orders of magnitude")
ax.set_ylim(top=ax.get_ylim()[1] * 1.3)  # room for the legend
ax.legend(loc="upper left")
plt.show()
