"""Roll back the weights only, or the weights with Adam's m and v: after a NaN and after a huge gradient."""
import matplotlib.pyplot as plt
import numpy as np

SEED, STEPS, BATCH, N_IN, HIDDEN = 0, 3000, 32, 8, 32
LR, BETA1, BETA2, EPS = 3e-3, 0.9, 0.999, 1e-8
BAD_STEP, CHECKPOINT, SKIP = 2000, 1900, 200

rng = np.random.default_rng(SEED)  # the same toy, data and checkpoint as above
a = rng.standard_normal(N_IN) / np.sqrt(N_IN)
x = rng.standard_normal((STEPS + 300, BATCH, N_IN))
y = np.sin(x @ a) + 0.05 * rng.standard_normal(x.shape[:2])
x_test = rng.standard_normal((128, N_IN))
K = N_IN * HIDDEN
theta0 = np.concatenate([rng.standard_normal(K) / np.sqrt(N_IN), np.zeros(HIDDEN),
                         rng.standard_normal(HIDDEN) / np.sqrt(HIDDEN), [0.0]])


def forward(theta, x):
    h = np.tanh(x @ theta[:K].reshape(N_IN, HIDDEN) + theta[K:K + HIDDEN])
    return h, h @ theta[K + HIDDEN:-1] + theta[-1]


def gradient(theta, x, y):
    h, out = forward(theta, x)
    d = 2 * (out - y) / len(y)
    dh = np.outer(d, theta[K + HIDDEN:-1]) * (1 - h**2)
    return np.concatenate([(x.T @ dh).ravel(), dh.sum(0), h.T @ d, [d.sum()]])


def train(state, batches, xs, ys):
    """Adam from state = (theta, m, v, t); held-out losses and median |update| / lr. The rate's warm-up
    follows the batch index i, not Adam's t: a fresh optimiser restarts t, not the schedule."""
    (theta, m, v, t), losses, moves = state, [], []
    for i in batches:
        g = gradient(theta, xs[i], ys[i])
        t += 1
        m, v = BETA1 * m + (1 - BETA1) * g, BETA2 * v + (1 - BETA2) * g**2
        lr = LR * min(1.0, (i + 1) / 100)
        step = lr * (m / (1 - BETA1**t)) / (np.sqrt(v / (1 - BETA2**t)) + EPS)
        theta = theta - step
        losses.append(np.mean((forward(theta, x_test)[1] - np.sin(x_test @ a)) ** 2))
        moves.append(np.median(np.abs(step)) / lr)
    return (theta, m, v, t), np.array(losses), np.array(moves)


saved = train((theta0, np.zeros_like(theta0), np.zeros_like(theta0), 0), range(CHECKPOINT), x, y)[0]
nan_x, big_y = x.copy(), y.copy()
nan_x[BAD_STEP - 1, 0, 0] = np.nan  # a missing value read as NaN
big_y[BAD_STEP - 1, 0] = 1000.0  # the corrupted target of the run above
fig, ax = plt.subplots(figsize=(5.6, 4.0), layout="constrained")
for bad, xs, ys in [("NaN record", nan_x, y), ("huge target", x, big_y)]:
    broken = train(saved, range(CHECKPOINT, BAD_STEP), xs, ys)[0]  # no guard: step 2,000 is taken
    restores = {"weights only": (saved[0], *broken[1:]), "weights, m, v and t": saved,
                "weights, fresh Adam": (saved[0], np.zeros_like(theta0), np.zeros_like(theta0), 0)}
    for (name, state), colour, style in zip(restores.items(), ["C3", "C0", "C2"], ["-", "--", ":"]):
        _, losses, moves = train(state, range(CHECKPOINT + SKIP, STEPS + SKIP), xs, ys)
        print(f"{bad}, roll back {name}: finite steps = {np.isfinite(losses).sum()} of {len(losses)}, "
              f"peak held-out loss = {np.max(losses):.3g}, at the end = {losses[-100:].mean():.3g}")
        print(f"{bad}, roll back {name}: median |update| / lr, first step = {moves[0]:.3f}, "
              f"steps 101-1,100 = {np.median(moves[100:]):.4f}")
        if bad == "huge target":
            ax.semilogy(np.arange(1, len(moves) + 1), moves, color=colour, linestyle=style, label=name)
    if bad == "huge target":
        ratio = np.median(broken[2] / saved[2])
        print(f"huge target: v kept / v restored at the rollback, median over the weights = {ratio:.3g}")
        print(f"steps for beta2^k to shrink that ratio to 1 = {np.log(ratio) / -np.log(BETA2):,.0f}")
ax.set(xlabel="steps after the rollback", ylabel="median |update| / lr", title="Rolled back after a huge gradient")
ax.legend(title="restored")
plt.show()
