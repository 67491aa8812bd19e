"""A loop that survives bad batches: skip outlier or non-finite steps, checkpoint everything, roll back on a spike."""
import numpy as np

SEED, STEPS, BATCH, N_IN, HIDDEN = 0, 3000, 32, 8, 32
LR, BETA1, BETA2, EPS, WARMUP = 3e-3, 0.9, 0.999, 1e-8, 100
EVERY, BACK, SKIP = 100, 100, 200  # checkpoint every 100 steps; on a spike, go back >= 100 steps, skip 200 batches

rng = np.random.default_rng(SEED)  # the same toy and stream, with a NaN at step 1,500 and a huge target at 2,000
a = rng.standard_normal(N_IN) / np.sqrt(N_IN)
x = rng.standard_normal((STEPS + 1000, BATCH, N_IN))
y = np.sin(x @ a) + 0.05 * rng.standard_normal(x.shape[:2])
x_test = rng.standard_normal((128, N_IN))
K = N_IN * HIDDEN
theta0 = np.concatenate([rng.standard_normal(K) / np.sqrt(N_IN), np.zeros(HIDDEN),
                         rng.standard_normal(HIDDEN) / np.sqrt(HIDDEN), [0.0]])
x[1499, 0, 0], y[1999, 0] = np.nan, 1000.0


def forward(theta, x):
    h = np.tanh(x @ theta[:K].reshape(N_IN, HIDDEN) + theta[K:K + HIDDEN])
    return h, h @ theta[K + HIDDEN:-1] + theta[-1]


def gradient(theta, x, y):
    h, out = forward(theta, x)
    d = 2 * (out - y) / len(y)
    dh = np.outer(d, theta[K + HIDDEN:-1]) * (1 - h**2)
    return np.concatenate([(x.T @ dh).ravel(), dh.sum(0), h.T @ d, [d.sum()]])


def run(guard):
    theta, m, v, t, i = theta0, np.zeros_like(theta0), np.zeros_like(theta0), 0, 0  # i: the next batch
    norms, losses, checkpoints, log = [], [], [(theta0, m, v, 0, 0)], []
    while t < STEPS:
        g, i = gradient(theta, x[i], y[i]), i + 1
        norm = np.linalg.norm(g)
        if guard and len(norms) >= 20 and not norm < 10 * np.median(norms[-100:]):  # NaN fails the test too
            log.append(f"skipped batch {i:,}")
            continue
        norms.append(norm)
        t, m, v = t + 1, BETA1 * m + (1 - BETA1) * g, BETA2 * v + (1 - BETA2) * g**2
        lr = LR * min(1.0, t / WARMUP)
        theta = theta - lr * (m / (1 - BETA1**t)) / (np.sqrt(v / (1 - BETA2**t)) + EPS)
        losses.append(np.mean((forward(theta, x_test)[1] - np.sin(x_test @ a)) ** 2))
        if len(losses) > 100 and not losses[-1] < 10 * np.median(losses[-101:-1]):  # a spike, or NaN
            log.append(f"spike at step {t:,} (batch {i:,})")
            theta, m, v, t, i = [c for c in checkpoints if c[3] <= t - BACK][-1]  # weights AND m, v, t
            log[-1] += f": back to step {t:,}, batches {i + 1:,}-{i + SKIP:,} skipped"
            i, losses = i + SKIP, losses[:t]
        elif t % EVERY == 0:
            checkpoints.append((theta, m, v, t, i))  # new arrays each step, so no copies needed
    print(f"guard {'on' if guard else 'off'}, what happened: " + "; ".join(log))
    print(f"guard {'on' if guard else 'off'}: held-out loss at the end (mean of the last 100 steps) = "
          f"{np.mean(losses[-100:]):.3g}, batches used = {i:,}")


run(guard=True)
run(guard=False)
