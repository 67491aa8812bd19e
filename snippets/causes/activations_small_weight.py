"""Can a weight of 0.7 explode if the chain is deep enough? Not with one unit per layer."""
import numpy as np

WEIGHT = 0.7
DEPTH = 50
X = np.linspace(-3, 3, 60001)  # step 1e-4, includes x = 0
ACTIVATIONS = {  # name: (f, f', largest f')
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float), 1.0),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2, 1.0),
    "sigmoid": (lambda z: (1 + np.tanh(z / 2)) / 2, lambda z: (1 - np.tanh(z / 2) ** 2) / 4, 0.25),
}

for name, (f, df, largest) in ACTIVATIONS.items():
    y, slope = X, np.ones_like(X)
    for _ in range(DEPTH):
        z = WEIGHT * y
        y, slope = f(z), slope * WEIGHT * df(z)  # each factor is at most WEIGHT * largest
    print(f"{name:>7}: largest |dy/dx| over x = {np.max(np.abs(slope)):.4e}, "
          f"bound ({WEIGHT} * {largest})^{DEPTH} = {(WEIGHT * largest) ** DEPTH:.4e}")

# With two units per layer the factor is a matrix, and a matrix of 0.7s can stretch a vector:
W = np.full((2, 2), WEIGHT)
v = W @ np.array([1.0, 1.0])
print(f"two units, all weights {WEIGHT}: W (1, 1) = ({v[0]:.1f}, {v[1]:.1f})")
