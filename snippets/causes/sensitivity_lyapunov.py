"""The largest Lyapunov exponent of a deep tanh network, measured, against mean-field ln(chi)/2."""
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
WIDTH = 128
DEPTH = 100
BURN_IN = 30   # layers skipped while the activations settle to their fixed-point variance q*
SEEDS = 4      # networks per weight scale
GAINS = np.array([0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0])  # weights ~ N(0, g^2 / WIDTH)

rng = np.random.default_rng(SEED)
g = GAINS[:, None]  # one row per weight scale, all sharing each layer's random draws
steps = []          # ln of how much one layer stretches the perturbation, after the burn-in
for seed in range(SEEDS):
    h = np.tile(rng.standard_normal(WIDTH), (len(GAINS), 1))
    h *= np.sqrt(WIDTH) / np.linalg.norm(h, axis=1, keepdims=True)  # input with mean square 1
    u = np.tile(rng.standard_normal(WIDTH), (len(GAINS), 1))
    u /= np.linalg.norm(u, axis=1, keepdims=True)                   # an infinitesimal perturbation
    for layer in range(DEPTH):
        Z = rng.standard_normal((WIDTH, WIDTH)) / np.sqrt(WIDTH)
        h = np.tanh(g * (h @ Z.T))
        u = (1 - h**2) * (g * (u @ Z.T))  # the layer's Jacobian diag(tanh'(a)) W applied to u
        growth = np.linalg.norm(u, axis=1)
        u /= growth[:, None]              # renormalise and keep the log (Benettin's method)
        if layer >= BURN_IN:
            steps.append(np.log(growth))
measured = np.mean(steps, axis=0)
error = np.std(steps, axis=0, ddof=1) / np.sqrt(len(steps))
for gain, m, e in zip(GAINS, measured, error):
    print(f"g = {gain}: measured exponent = {m:+.4f} +/- {e:.4f}")

# Theory: chi = g^2 E[sech^4(sqrt(q*) z)] at the fixed point q* = g^2 E[tanh^2(sqrt(q*) z)].
z = np.linspace(-10, 10, 4001)
density = np.exp(-z**2 / 2) / np.sqrt(2 * np.pi) * (z[1] - z[0])
gains = np.linspace(0.4, 3.1, 55)
exponents = []
for gain in gains:
    q = 0.0
    if gain > 1:  # q* > 0 only above g = 1; iterate from q = gain^2 down to it
        q = gain**2
        for _ in range(300):
            q = gain**2 * np.sum(density * np.tanh(np.sqrt(q) * z) ** 2)
    exponents.append(np.log(gain**2 * np.sum(density / np.cosh(np.sqrt(q) * z) ** 4)) / 2)

fig, ax = plt.subplots()
ax.plot(gains, exponents, color="C1", label="mean-field theory ln(chi)/2")
ax.errorbar(GAINS, measured, yerr=error, fmt="o", color="C0", label=f"measured, width {WIDTH}")
ax.axhline(0, color="0.5", linewidth=1)
ax.axvline(1, color="0.5", linewidth=1, linestyle=":")
ax.set_xlabel("weight scale g (weights ~ N(0, g^2 / width))")
ax.set_ylabel("Lyapunov exponent per layer")
ax.set_title("Order (exponent < 0) and chaos (> 0) meet at g = 1")
ax.legend()
plt.show()
