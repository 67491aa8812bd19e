"""The log-norm of a product of random matrices is a random walk: a straight mean, a sqrt(k) spread."""
import math

import matplotlib.pyplot as plt
import numpy as np

SEED = 0
N = 4            # each matrix is N x N with independent N(0, 1) entries
PRODUCTS = 100
TRIALS = 1000
H = 1e-4  # digamma and trigamma at N/2 as derivatives of ln Gamma, by central differences
PSI = (math.lgamma(N / 2 + H) - math.lgamma(N / 2 - H)) / (2 * H)
PSI1 = (math.lgamma(N / 2 + H) - 2 * math.lgamma(N / 2) + math.lgamma(N / 2 - H)) / H**2
RATE = (math.log(2) + PSI) / 2  # mean growth of ln ||M_k ... M_1 v|| per product
STEP_SD = math.sqrt(PSI1 / 4)   # standard deviation of one step

rng = np.random.default_rng(SEED)
v = np.zeros((TRIALS, N))
v[:, 0] = 1.0                                   # the unit vector e_1 in every trial
log10_norm = np.zeros((PRODUCTS + 1, TRIALS))   # log10 ||M_k ... M_1 v||, k = 0 ... PRODUCTS
for k in range(1, PRODUCTS + 1):
    v = np.einsum("tij,tj->ti", rng.standard_normal((TRIALS, N, N)), v)
    length = np.linalg.norm(v, axis=1)
    log10_norm[k], v = log10_norm[k - 1] + np.log10(length), v / length[:, None]
print(f"theory: mean log10 ||M_100 ... M_1 v|| = {PRODUCTS * RATE / math.log(10):.2f}")
print(f"measured: mean log10 ||M_100 ... M_1 v|| = {log10_norm[-1].mean():.2f}")
print(f"theory: sd of log10 ||M_100 ... M_1 v|| = {math.sqrt(PRODUCTS) * STEP_SD / math.log(10):.2f}")
print(f"measured: sd of log10 ||M_100 ... M_1 v|| = {log10_norm[-1].std(ddof=1):.2f}")

fig, ax = plt.subplots()
ks = np.arange(PRODUCTS + 1)
low, high = np.percentile(log10_norm, [5, 95], axis=1)
ax.fill_between(ks, low, high, color="C0", alpha=0.25, label="5% to 95% of trials")
ax.plot(ks, log10_norm[:, :3], color="0.5", linewidth=0.8, label=["three single trials", None, None])
ax.plot(ks, log10_norm.mean(axis=1), color="C0", label="mean of the trials")
ax.plot(ks, ks * RATE / math.log(10), "--", color="C1", label=f"theory: slope {RATE:.3f} / ln 10")
ax.set_xlabel("number of matrices multiplied, k")
ax.set_ylabel("log10 ||M_k ... M_1 v||")
ax.set_title("The log-norm grows linearly: a constant factor per product")
ax.legend()
plt.show()
