"""The largest slope of each activation, and so the largest per-layer gain |w f'(z)| of one unit."""
import math

import matplotlib.pyplot as plt
import numpy as np

WEIGHTS = [8.0, 0.7]
Z = np.linspace(-6, 6, 12001)  # step 0.001
H = 1e-5  # step of the central difference
erf = np.vectorize(math.erf)
ACTIVATIONS = {  # name: (f, colour, line style)
    "relu": (lambda z: np.maximum(z, 0.0), "C0", "-"),
    "leaky relu (0.01)": (lambda z: np.where(z > 0, z, 0.01 * z), "C7", "--"),
    "tanh": (np.tanh, "C1", "-"),
    "sigmoid": (lambda z: (1 + np.tanh(z / 2)) / 2, "C2", "-"),
    "gelu": (lambda z: z * (1 + erf(z / math.sqrt(2))) / 2, "C4", "-"),
    "silu (swish)": (lambda z: z * (1 + np.tanh(z / 2)) / 2, "C5", "-"),
}

peaks = {}
fig, ax = plt.subplots()
for name, (f, colour, style) in ACTIVATIONS.items():
    slope = (f(Z + H) - f(Z - H)) / (2 * H)  # f'(z), numerically: no formula per activation
    top = np.argmax(slope)
    peaks[name] = Z[top]
    gains = ", ".join(f"{w * slope[top]:.3f} at w = {w:g}" for w in WEIGHTS)
    print(f"{name:>17}: max f'(z) = {slope[top]:.4f}; largest |w f'| = {gains}")
    ax.plot(Z, slope, color=colour, linestyle=style, label=name)
print("f'(z) peaks at z = " + ", ".join(f"{peaks[n]:.3f} ({n})" for n in ["tanh", "gelu", "silu (swish)"]))
ax.axhline(1.0, color="0.5", linewidth=1, linestyle=":")
ax.set_xlim(-4, 4)
ax.set_xlabel("pre-activation z")
ax.set(ylabel="slope f'(z)", ylim=(-0.2, 1.75))
ax.set_title("Activation slopes: only GELU and SiLU rise above 1")
ax.legend(loc="upper left", ncols=2)
plt.show()
