"""The recoveries from a loss spike, each run from the same state, scored in one verdict table."""
import numpy as np

SEED, STEPS, BATCH, N_IN, HIDDEN = 0, 3000, 32, 8, 32
LR, BETA1, BETA2, EPS, WARMUP = 3e-3, 0.9, 0.999, 1e-8, 100
BAD_STEP, BAD_TARGET, CHECKPOINT = 2000, 1000.0, 1900  # checkpoints every 100 steps: the last one before the spike

rng = np.random.default_rng(SEED)  # the same toy, data and bad record as the run above
a = rng.standard_normal(N_IN) / np.sqrt(N_IN)
x = rng.standard_normal((STEPS + 300, BATCH, N_IN))
y = np.sin(x @ a) + 0.05 * rng.standard_normal(x.shape[:2])
x_test = rng.standard_normal((128, N_IN))
K = N_IN * HIDDEN
theta0 = np.concatenate([rng.standard_normal(K) / np.sqrt(N_IN), np.zeros(HIDDEN),
                         rng.standard_normal(HIDDEN) / np.sqrt(HIDDEN), [0.0]])
bad = y.copy()
bad[BAD_STEP - 1, 0] = BAD_TARGET


def forward(theta, x):
    h = np.tanh(x @ theta[:K].reshape(N_IN, HIDDEN) + theta[K:K + HIDDEN])
    return h, h @ theta[K + HIDDEN:-1] + theta[-1]


def gradient(theta, x, y):
    h, out = forward(theta, x)
    d = 2 * (out - y) / len(y)
    dh = np.outer(d, theta[K + HIDDEN:-1]) * (1 - h**2)
    return np.concatenate([(x.T @ dh).ravel(), dh.sum(0), h.T @ d, [d.sum()]])


def train(state, batches, targets=bad, lr=LR, warmup=WARMUP, guard=False, clip=None):
    """Adam from state = (theta, m, v, t) on the given batches. guard: skip a step whose gradient norm is not
    below 10 times the median of the last 100 (inf, NaN too). Returns the state and held-out losses."""
    (theta, m, v, t), norms, losses = state, [], []
    for i in batches:
        g = gradient(theta, x[i], targets[i])
        norm = np.linalg.norm(g)
        if guard and len(norms) >= 20 and not norm < 10 * np.median(norms[-100:]):
            continue  # the skipped batch never reaches m or v
        norms.append(norm)
        g = g * min(1.0, clip / norm) if clip else g
        t += 1
        m, v = BETA1 * m + (1 - BETA1) * g, BETA2 * v + (1 - BETA2) * g**2
        step = lr * min(1.0, t / warmup) * (m / (1 - BETA1**t)) / (np.sqrt(v / (1 - BETA2**t)) + EPS)
        theta = theta - step
        losses.append(np.mean((forward(theta, x_test)[1] - np.sin(x_test @ a)) ** 2))
    return (theta, m, v, t), np.array(losses)


start = (theta0, np.zeros_like(theta0), np.zeros_like(theta0), 0)
saved, _ = train(start, range(CHECKPOINT))  # weights, m, v and t at step 1,900: the checkpoint
rest = range(CHECKPOINT, STEPS)
runs = {"clean stream (no bad record)": (0, train(saved, rest, targets=y)[1]),
        "do nothing": (0, train(saved, rest)[1]),
        "skip the batch (guard on the gradient norm)": (1, train(saved, range(CHECKPOINT, STEPS + 1), guard=True)[1]),
        "roll back 100 steps, skip 200 batches": (200, train(saved, range(CHECKPOINT + 200, STEPS + 200))[1]),
        "roll back 100 steps, rate lowered tenfold": (0, train(saved, rest, lr=LR / 10)[1]),
        "warm-up ten times longer (1,000 steps), from the start": (0, train(start, range(STEPS), warmup=1000)[1]),
        "clip the global norm at 1, from the start": (0, train(start, range(STEPS), clip=1.0)[1])}
clean = runs["clean stream (no bad record)"][1]
clean_peak, clean_end = clean[-1100:].max(), clean[-100:].mean()
print("| what was done | batches skipped | peak held-out loss, steps 1,901-3,000 | held-out loss at the end "
      "| verdict |\n|---|---|---|---|---|")
for name, (skipped, losses) in runs.items():
    peak, end = losses[-1100:].max(), losses[-100:].mean()
    verdict = "no spike" if peak < 2 * clean_peak else "smaller spike" if peak < 20 * clean_peak else "full spike"
    print(f"| {name} | {skipped} | {peak:.3g} | {end:.3g} | {verdict}, ends at {end / clean_end:.2f}x the clean run |")
