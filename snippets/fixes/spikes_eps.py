"""Adam's epsilon: harmless while gradients are large, a brake once they shrink towards it."""
import matplotlib.pyplot as plt
import numpy as np

SEED, STEPS, BATCH, N_IN, HIDDEN = 0, 1000, 32, 8, 32
LR, BETA1, BETA2, EPS, WARMUP = 3e-3, 0.9, 0.999, 1e-8, 100
SCALES = [1.0, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8]  # the loss multiplied by c: every gradient is multiplied by c

rng = np.random.default_rng(SEED)  # the same toy as above, trained from the start for 1,000 steps
a = rng.standard_normal(N_IN) / np.sqrt(N_IN)
x = rng.standard_normal((STEPS, BATCH, N_IN))
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


def adam(g, m, v, t, eps=EPS):
    """One Adam step (t counted from 1); returns the new m, v and the update in units of the rate."""
    m, v = BETA1 * m + (1 - BETA1) * g, BETA2 * v + (1 - BETA2) * g**2
    return m, v, (m / (1 - BETA1**t)) / (np.sqrt(v / (1 - BETA2**t)) + eps)


def constant(g, steps=100):
    """Adam's update / lr after `steps` steps of the same gradient g."""
    m = v = 0.0
    for t in range(1, steps + 1):
        m, v, step = adam(g, m, v, t)
    return step


sizes = np.logspace(-12, -4, 33)
for g in [1e-4, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]:
    print(f"constant gradient {g:.0e}: update / lr = {constant(g):.4f}")
finals, rms = {1e-8: [], 1e-16: []}, {1e-8: [], 1e-16: []}
for eps in finals:
    for c in SCALES:
        theta, m, v = theta0.copy(), 0.0, 0.0
        for t in range(1, STEPS + 1):
            m, v, step = adam(c * gradient(theta, x[t - 1], y[t - 1]), m, v, t, eps)
            theta = theta - LR * min(1.0, t / WARMUP) * step
        finals[eps].append(np.mean((forward(theta, x_test)[1] - np.sin(x_test @ a)) ** 2))
        rms[eps].append(np.median(np.sqrt(v / (1 - BETA2**STEPS))))  # Adam's own estimate of the gradient RMS
        print(f"eps = {eps:.0e}, loss x {c:.0e}: median sqrt(v_hat) at the end = {rms[eps][-1]:.2g}, "
              f"held-out loss after 1,000 steps = {finals[eps][-1]:.3g}")

fig, (ax, bx) = plt.subplots(2, 1, figsize=(5.6, 6.4), layout="constrained")
ax.semilogx(sizes, [constant(g) for g in sizes], color="C0", marker="o", linestyle="none", label="Adam, measured")
ax.semilogx(sizes, sizes / (sizes + EPS), color="C1", label="g / (g + eps)")
ax.axvline(EPS, color="0.5", linestyle=":")
ax.set(xlabel="gradient g (constant)", ylabel="update / lr", title="Adam with eps = 1e-8")
ax.legend()
for (eps, losses), colour, style in zip(finals.items(), ["C3", "C0"], ["-", "--"]):
    bx.loglog(rms[1e-16], losses, color=colour, linestyle=style, marker="o", label=f"eps = {eps:.0e}")
bx.axvline(EPS, color="0.5", linestyle=":")
bx.set(xlabel="gradient RMS: median sqrt(v_hat), eps = 1e-16", ylabel="held-out loss, step 1,000",
       title="The toy with its loss scaled by 1 to 1e-8")
bx.legend()
plt.show()
