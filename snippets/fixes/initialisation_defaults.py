"""Four ways to draw the weights of a 50-layer ReLU MLP, as PyTorch and Keras define them: the signal each lets through."""
import matplotlib.pyplot as plt
import numpy as np

WIDTH = 512  # square layers: fan_in = fan_out = WIDTH
DEPTH = 50
BATCH = 64
SEED = 0
SCHEMES = {  # name: (draw one WIDTH x WIDTH matrix, Var(W) in units of 1 / WIDTH)
    "PyTorch default": (lambda rng: rng.uniform(-1, 1, (WIDTH, WIDTH)) / np.sqrt(WIDTH), 1 / 3),
    "Xavier uniform": (lambda rng: rng.uniform(-1, 1, (WIDTH, WIDTH)) * np.sqrt(6 / (WIDTH + WIDTH)), 1),
    "He normal": (lambda rng: rng.normal(0, np.sqrt(2 / WIDTH), (WIDTH, WIDTH)), 2),
    "N(0, 0.1^2)": (lambda rng: rng.normal(0, 0.1, (WIDTH, WIDTH)), 0.1**2 * WIDTH),
}

rng = np.random.default_rng(SEED)
x0 = rng.standard_normal((BATCH, WIDTH))  # inputs with mean square 1
fig, ax = plt.subplots(figsize=(5.6, 4))
for colour, (name, (draw, n_var)) in enumerate(SCHEMES.items()):
    x, rms = x0, []
    for _ in range(DEPTH):
        x = np.maximum(x @ draw(rng), 0)  # bias-free ReLU layer
        rms.append(np.sqrt(np.mean(x**2)))
    factor = n_var / 2  # E[relu(h)^2] = Var(h) / 2: the mean square is multiplied by n Var(W) / 2
    print(f"{name}: per-layer factor n Var(W) / 2 = {factor:.4g}")
    print(f"{name}: activation RMS at layer {DEPTH} = {rms[-1]:.2g} (theory {factor ** (DEPTH / 2):.2g})")
    layers = np.arange(1, DEPTH + 1)
    ax.semilogy(layers, rms, color=f"C{colour}", label=name)
    ax.semilogy(layers, factor ** (layers / 2), ":", color="0.5")
ax.set_xlabel("layer")
ax.set_ylabel("activation RMS")
ax.set_title(f"{DEPTH} ReLU layers of width {WIDTH} (dotted: theory)")
ax.set_ylim(1e-22, 1e20)
ax.legend(loc="upper left", ncol=2)
plt.show()
