"""Backpropagation through time multiplies by one matrix at every step: a matrix power."""
import matplotlib.pyplot as plt
import numpy as np

SIZE = 8                # hidden units
STEPS = 200             # sequence length T
RADII = [0.9, 1.0, 1.1]  # spectral radius of the recurrent matrix
SEED = 0

rng = np.random.default_rng(SEED)
base = rng.normal(size=(SIZE, SIZE))
base /= np.max(np.abs(np.linalg.eigvals(base)))  # rescaled to spectral radius 1
grad_last = rng.normal(size=SIZE)
grad_last /= np.linalg.norm(grad_last)  # dL/dh_T: a unit vector

fig, ax = plt.subplots()
for colour, radius in zip(["C0", "C2", "C3"], RADII):
    W = radius * base  # h_t = W h_(t-1) + U x_t: one matrix shared by every step
    grad, norms = grad_last, [1.0]
    for _ in range(STEPS):
        grad = W.T @ grad  # one step back in time: dL/dh_(t-1) = W^T dL/dh_t
        norms.append(np.linalg.norm(grad))
    for t in [50, 200]:
        print(f"rho {radius}: |dL/dh_0| over {t} steps = {norms[t]:.4g}")
    ax.semilogy(norms, color=colour, label=f"spectral radius {radius}")
ax.set_xlabel("steps back in time t")
ax.set_ylabel("gradient norm |dL/dh_(T-t)|")
ax.set_title("One 8 x 8 matrix, applied t times")
ax.legend()
plt.show()
