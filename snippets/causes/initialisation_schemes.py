"""Three ways to draw the weights of a 50-layer ReLU MLP, and the signal each one lets through."""
import numpy as np

WIDTH = 256  # square layers: fan_in = fan_out = WIDTH
DEPTH = 50
BATCH = 16
SEED = 0
SCHEMES = {  # each draws one WIDTH x WIDTH weight matrix
    "uniform +-1/sqrt(n)": lambda rng: rng.uniform(-1, 1, (WIDTH, WIDTH)) / np.sqrt(WIDTH),
    "Xavier uniform": lambda rng: rng.uniform(-1, 1, (WIDTH, WIDTH)) * np.sqrt(6 / (WIDTH + WIDTH)),
    "He normal": lambda rng: rng.standard_normal((WIDTH, WIDTH)) * np.sqrt(2 / WIDTH),
}

rng = np.random.default_rng(SEED)
x0 = rng.standard_normal((WIDTH, BATCH))
for name, draw in SCHEMES.items():
    weights = [draw(rng) for _ in range(DEPTH)]
    x, stds = x0, []
    for w in weights:
        h = w @ x
        stds.append(h.std())
        x = np.maximum(h, 0)
    print(f"{name}: weight std = {np.std(weights):.4f}")
    print(f"{name}: std(h_50) / std(h_1) = {stds[-1] / stds[0]:.2g}")
