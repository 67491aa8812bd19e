"""Thirty seeds of a 100-layer tanh network at three weight scales: how far apart are the gradients?"""
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
WIDTH = 64
DEPTH = 100
SEEDS = 30                # networks per weight scale
GAINS = [0.8, 1.0, 2.0]   # weights ~ N(0, g^2 / WIDTH): ordered, critical, chaotic
NAMES = ["ordered, g = 0.8", "critical, g = 1", "chaotic, g = 2"]

rng = np.random.default_rng(SEED)
g = np.array(GAINS)[:, None]            # one row per weight scale, all sharing each seed's draws
log_grad = np.zeros((SEEDS, len(GAINS), DEPTH + 1))  # log10 ||d loss / d h_l|| for l = 0 ... DEPTH
for seed in range(SEEDS):
    Z = rng.standard_normal((DEPTH, WIDTH, WIDTH)) / np.sqrt(WIDTH)  # layer l's weights: g * Z[l]
    x = rng.standard_normal(WIDTH)
    x *= np.sqrt(WIDTH) / np.linalg.norm(x)    # an input with mean square 1
    readout = rng.standard_normal(WIDTH)
    readout /= np.linalg.norm(readout)          # loss = readout . h_DEPTH
    h, slopes = np.tile(x, (len(GAINS), 1)), []
    for layer in range(DEPTH):
        h = np.tanh(g * (h @ Z[layer].T))
        slopes.append(1 - h**2)                 # tanh'(a) = 1 - tanh(a)^2
    grad = np.tile(readout, (len(GAINS), 1))
    log_grad[seed, :, DEPTH] = 0.0
    for layer in reversed(range(DEPTH)):
        grad = g * ((grad * slopes[layer]) @ Z[layer])   # chain rule: W^T (tanh'(a) * grad)
        log_grad[seed, :, layer] = np.log10(np.linalg.norm(grad, axis=1))

at_input = log_grad[:, :, 0]
spreads = at_input.max(axis=0) - at_input.min(axis=0)  # in decades, per weight scale
for i, name in enumerate(NAMES):
    mean, sd = at_input[:, i].mean(), at_input[:, i].std(ddof=1)
    print(f"{name}: log10 gradient at the input: mean = {mean:+.2f}, "
          f"sd over seeds = {sd:.2f}, largest / smallest = {10 ** spreads[i]:,.0f}")

fig, ax = plt.subplots()
for i, name in enumerate(NAMES):
    ax.plot(np.arange(DEPTH + 1), log_grad[:, i].T, color=f"C{i}", linewidth=0.6, alpha=0.5)
    ax.plot([], [], color=f"C{i}", label=name)
ax.set_xlabel("layer l (the gradient flows from l = 100\ndown to the input, l = 0)")
ax.set_ylabel("log10 ||d loss / d h_l||")
ax.set_title(f"{SEEDS} seeds per weight scale, width {WIDTH}")
ax.legend()

fig, ax = plt.subplots()
for i, name in enumerate(NAMES):
    ax.hist(at_input[:, i], bins=np.arange(-12, 8, 0.25), color=f"C{i}", alpha=0.8, label=name)
ax.set_xlabel("log10 of the gradient norm at the input")
ax.set_ylabel(f"seeds (of {SEEDS})")
gap = at_input[:, 2].mean() - at_input[:, 0].mean()
ax.set_title(f"The weight scale moves the gradient by {gap:.0f} decades,\n"
             f"the seed by up to {spreads.max():.1f}")
ax.legend()
plt.show()
