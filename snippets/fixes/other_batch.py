"""Batch size and the gradient norm on linear regression: mean-reduced vs sum-reduced loss."""
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
N, DIM, NOISE = 20_000, 10, 1.0  # data: y = x . w_true + noise, x ~ N(0, I)
BATCHES = [1, 4, 16, 64, 256, 1024, 4096]
DRAWS = 400  # batches drawn (with replacement) per batch size
rng = np.random.default_rng(SEED)
x = rng.standard_normal((N, DIM))
w_true = np.ones(DIM) / np.sqrt(DIM)
y = x @ w_true + NOISE * rng.standard_normal(N)
w = np.zeros(DIM)  # where the gradient is measured: the start of training
per_example = 2 * (x @ w - y)[:, None] * x  # gradient of (x.w - y)^2, one row per example

mean_sq, sum_median = [], []
for b in BATCHES:
    idx = rng.integers(0, N, (DRAWS, b))
    g_sum = per_example[idx].sum(axis=1)  # (DRAWS, DIM)
    mean_sq.append(np.mean(np.sum((g_sum / b) ** 2, axis=1)))
    sum_median.append(np.median(np.linalg.norm(g_sum, axis=1)))
    print(f"B = {b}: mean reduction E|g|^2 = {mean_sq[-1]:.3g}, sum reduction median |g| = {sum_median[-1]:,.0f}")

G = per_example.mean(axis=0)
trace = np.sum(per_example.var(axis=0))
print(f"|G|^2 = {G @ G:.3g}, tr(Sigma) = {trace:.3g}")

for b in [32, 256]:  # plain SGD on the sum-reduced loss, same learning rate
    lr, v = 0.005, np.zeros(DIM)
    for _ in range(100):
        idx = rng.integers(0, N, b)
        v = v - lr * (2 * (x[idx] @ v - y[idx]) @ x[idx])
    print(f"sum reduction, lr {lr}, B = {b}: |w - w_true| after 100 steps = {np.linalg.norm(v - w_true):.3g}")

fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.6, 6.4), sharex=True)
b = np.array(BATCHES, dtype=float)
top.loglog(b, mean_sq, "o", color="C0", label="measured")
top.loglog(b, G @ G + trace / b, "-", color="C1", label="|G|^2 + tr(Sigma) / B")
top.set_ylabel("E |g|^2, mean-reduced loss")
top.set_title("Gradient size against batch size")
top.legend()
bottom.loglog(b, sum_median, "s", color="C2", label="measured median |g|")
bottom.loglog(b, np.sqrt(b**2 * (G @ G) + b * trace), "--", color="C3", label="sqrt(B^2 |G|^2 + B tr(Sigma))")
bottom.set_ylabel("|g|, sum-reduced loss")
bottom.set_xlabel("batch size B")
bottom.legend()
plt.show()
