"""A healthy Adam run, then one corrupted record at step 2,000: the loss spike and what follows it."""
import matplotlib.pyplot as plt
import numpy as np

SEED, STEPS, BATCH, N_IN, HIDDEN = 0, 3000, 32, 8, 32
LR, BETA1, BETA2, EPS, WARMUP = 3e-3, 0.9, 0.999, 1e-8, 100
BAD_STEP, BAD_TARGET = 2000, 1000.0  # one record of batch 2,000 has target 1,000 (the others: about ±1)

rng = np.random.default_rng(SEED)
a = rng.standard_normal(N_IN) / np.sqrt(N_IN)
x = rng.standard_normal((STEPS + 300, BATCH, N_IN))  # a stream of fresh batches; step t trains on batch t - 1
y = np.sin(x @ a) + 0.05 * rng.standard_normal(x.shape[:2])
x_test = rng.standard_normal((128, N_IN))  # held out: scored against the noiseless sin(x . a)
K = N_IN * HIDDEN  # theta holds W (N_IN x HIDDEN), b, w (HIDDEN each) and c, in that order
theta0 = np.concatenate([rng.standard_normal(K) / np.sqrt(N_IN), np.zeros(HIDDEN),
                         rng.standard_normal(HIDDEN) / np.sqrt(HIDDEN), [0.0]])


def forward(theta, x):
    """The net: hidden layer h = tanh(x W + b), output h . w + c."""
    h = np.tanh(x @ theta[:K].reshape(N_IN, HIDDEN) + theta[K:K + HIDDEN])
    return h, h @ theta[K + HIDDEN:-1] + theta[-1]


def gradient(theta, x, y):
    """The gradient of the mean squared error, by the chain rule."""
    h, out = forward(theta, x)
    d = 2 * (out - y) / len(y)
    dh = np.outer(d, theta[K + HIDDEN:-1]) * (1 - h**2)
    return np.concatenate([(x.T @ dh).ravel(), dh.sum(0), h.T @ d, [d.sum()]])


def train(targets):
    """Adam, linear warm-up over WARMUP steps; held-out loss, gradient norm and median |update| / lr."""
    theta, m, v = theta0.copy(), np.zeros_like(theta0), np.zeros_like(theta0)
    held_out, norms, moves = [], [], []
    for t in range(1, STEPS + 1):
        g = gradient(theta, x[t - 1], targets[t - 1])
        m, v = BETA1 * m + (1 - BETA1) * g, BETA2 * v + (1 - BETA2) * g**2
        lr = LR * min(1.0, t / WARMUP)
        step = lr * (m / (1 - BETA1**t)) / (np.sqrt(v / (1 - BETA2**t)) + EPS)
        theta = theta - step
        held_out.append(np.mean((forward(theta, x_test)[1] - np.sin(x_test @ a)) ** 2))
        norms.append(np.linalg.norm(g))
        moves.append(np.median(np.abs(step)) / lr)
    return np.array(held_out), np.array(norms), np.array(moves)


bad = y.copy()
bad[BAD_STEP - 1, 0] = BAD_TARGET
runs = {"clean stream": train(y), "one bad record": train(bad)}
before, after = slice(BAD_STEP - 101, BAD_STEP - 1), slice(BAD_STEP + 100, STEPS)  # steps 1,900-1,999; 2,101-3,000
for name, (loss, norm, move) in runs.items():
    print(f"{name}: held-out loss after step 1,999 = {loss[BAD_STEP - 2]:.3g}, "
          f"at the end (mean of the last 100 steps) = {loss[-100:].mean():.3g}")
    print(f"{name}: median |update| / lr, steps 1,900-1,999 = {np.median(move[before]):.3f}, "
          f"steps 2,101-3,000 = {np.median(move[after]):.4f}")
loss, norm, move = runs["one bad record"]
print(f"gradient norm at step 2,000 = {norm[BAD_STEP - 1]:.3g}, median over steps 1,900-1,999 = "
      f"{np.median(norm[before]):.3g}; median |update| / lr at step 2,000 = {move[BAD_STEP - 1]:.3f}")
peak = BAD_STEP - 1 + np.argmax(loss[BAD_STEP - 1:])
print(f"peak held-out loss = {loss[peak]:.3g} at step {peak + 1:,}")

fig, (ax, bx) = plt.subplots(2, 1, figsize=(5.6, 6.4), layout="constrained")
for (name, (loss, norm, move)), colour, style in zip(runs.items(), ["C0", "C3"], ["-", "--"]):
    ax.semilogy(np.arange(1, STEPS + 1), loss, color=colour, linestyle=style, label=name)
    bx.semilogy(np.arange(1, STEPS + 1), move, color=colour, linestyle=style, label=name)
ax.set(xlabel="step", ylabel="held-out loss", title="A corrupted record at step 2,000")
bx.set(xlabel="step", ylabel="median |update| / lr", title="How far Adam moves the weights")
ax.legend()
plt.show()
