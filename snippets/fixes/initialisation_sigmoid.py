"""The gain each activation needs: mean-field chi at the fixed point, and a 30-layer sigmoid net that checks it."""
import matplotlib.pyplot as plt
import numpy as np

GAINS = np.geomspace(0.5, 16, 60)  # g: weights drawn from N(0, g^2 / fan_in)
SIGMOID_GAINS = [1.0, 4.0]  # calculate_gain('sigmoid') = 1 (LeCun; Xavier on square layers); 16 / fan_in
WIDTH, DEPTH, BATCH, SEED = 512, 30, 64, 0
ITERATIONS = 200  # of the mean-field map
z = np.linspace(-8, 8, 2001)  # E[f(x)] for x ~ N(0, 1) is sum(w * f(z)) on a fine grid
w = np.exp(-z**2 / 2) / np.sum(np.exp(-z**2 / 2))
sigmoid = lambda h: 1 / (1 + np.exp(-h))
ACTS = {  # name: (phi, phi')
    "ReLU": (lambda h: np.maximum(h, 0), lambda h: (h > 0) * 1.0),
    "tanh": (np.tanh, lambda h: 1 - np.tanh(h) ** 2),
    "sigmoid": (sigmoid, lambda h: sigmoid(h) * (1 - sigmoid(h))),
    "sigmoid - 1/2": (lambda h: sigmoid(h) - 0.5, lambda h: sigmoid(h) * (1 - sigmoid(h))),
}


def chi(name: str, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Iterate q <- g^2 E[phi(h)^2], h ~ N(0, q), towards its fixed point q* (capped: ReLU's q has none,
    and its chi does not depend on q); return q* and chi = g^2 E[phi'(h)^2] there."""
    phi, slope = ACTS[name]
    g, q = np.atleast_1d(g)[:, None], np.ones((np.size(g), 1))
    for _ in range(ITERATIONS):
        q = (g**2 * np.sum(w * phi(np.sqrt(q) * z) ** 2, axis=1, keepdims=True)).clip(1e-12, 1e6)
    return q[:, 0], g[:, 0] ** 2 * np.sum(w * slope(np.sqrt(q) * z) ** 2, axis=1)


lo, hi = 4.0, 16.0  # bisect for the gain where sigmoid's chi crosses 1
for _ in range(25):
    lo, hi = ((lo + hi) / 2, hi) if chi("sigmoid", (lo + hi) / 2)[1][0] < 1 else (lo, (lo + hi) / 2)
print(f"sigmoid: slope at 0 = {ACTS['sigmoid'][1](0.0):.2f}")
print(f"sigmoid: critical gain = {lo:.2f}, pre-activation std there = {np.sqrt(chi('sigmoid', lo)[0][0]):.2f}")
rng = np.random.default_rng(SEED)
for g in SIGMOID_GAINS + [lo]:
    (q,), (theory,) = chi("sigmoid", g)
    x, ws, slopes = rng.standard_normal((BATCH, WIDTH)), [], []
    for _ in range(DEPTH):  # forward, keeping what the backward pass needs
        ws.append(rng.normal(0, g / np.sqrt(WIDTH), (WIDTH, WIDTH)))
        x = sigmoid(x @ ws[-1])
        slopes.append(x * (1 - x))
    delta = rng.standard_normal((BATCH, WIDTH)) * slopes[-1]
    top = np.sum(delta**2)
    for W, s in zip(ws[:0:-1], slopes[-2::-1]):  # layer DEPTH down to layer 1
        delta = (delta @ W.T) * s
    measured = (np.sum(delta**2) / top) ** (1 / (DEPTH - 1))
    print(f"sigmoid, g = {g:.2f}: q* = {q:.3g}, chi = {theory:.3g}, measured per layer = {measured:.3g}")
fig, ax = plt.subplots(figsize=(5.6, 3.8))
for colour, (name, style) in enumerate(zip(ACTS, ["-", "--", "-", ":"])):
    ax.semilogy(GAINS, chi(name, GAINS)[1], style, color=f"C{colour}", label=name)
ax.axhline(1, color="0.5", linestyle="-.")
ax.plot([2**0.5, 1, lo, 4], [1, 1, 1, 1], "o", color="0.5", label="χ = 1")
ax.set_xscale("log")
ax.set_ylim(1e-4, 1e2)
ax.set_xlabel("gain g (weights N(0, g^2 / fan_in))")
ax.set_ylabel("χ: squared-gradient factor per layer")
ax.set_title("Mean-field χ at the fixed point")
ax.legend(loc="lower right")
plt.show()
