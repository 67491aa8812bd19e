"""An ill-conditioned valley: the steep direction caps the step, the flat one sets the pace."""
import math

import matplotlib.pyplot as plt
import numpy as np

CURVATURES = np.array([1.0, 100.0])  # f(x, y) = (1 x^2 + 100 y^2) / 2
START = np.array([-9.0, 1.0])
STEP_SIZES = [0.019, 0.021, 0.01]  # drawn in this order
STEPS = 100

print(f"step limit 2 / largest curvature = {2 / CURVATURES.max():.3g}")
for eta in STEP_SIZES:
    factors = 1 - eta * CURVATURES  # each coordinate is multiplied by its own factor per step
    print(f"eta = {eta}: factors (flat, steep) = ({factors[0]:+.3f}, {factors[1]:+.3f})")
best = 2 / (CURVATURES.min() + CURVATURES.max())  # equalises the two factors' sizes
rate = (CURVATURES.max() - CURVATURES.min()) / (CURVATURES.max() + CURVATURES.min())
print(f"best fixed step = {best:.4f}, factor per step = {rate:.4f}")
needed = math.ceil(math.log(1000) / -math.log(rate))
print(f"steps to shrink the error 1000-fold at the best step = {needed}")

x, y = np.meshgrid(np.linspace(-10, 10, 300), np.linspace(-2.2, 2.2, 300))
fig, ax = plt.subplots(figsize=(5.6, 4))
ax.contour(x, y, (CURVATURES[0] * x**2 + CURVATURES[1] * y**2) / 2,
           levels=[0.5, 2, 8, 20, 40, 60, 80], colors="0.6", linewidths=0.8)
for colour, eta in zip(["C1", "C3", "C0"], STEP_SIZES):
    path = [START]
    for _ in range(STEPS):
        path.append(path[-1] - eta * CURVATURES * path[-1])  # gradient of f is (1 x, 100 y)
    path = np.array(path)
    x_end, y_end = path[-1]
    print(f"eta = {eta}: position after {STEPS} steps = ({x_end:.4g}, {y_end:.4g})")
    if eta > 0.02:
        path = path[: np.argmax(np.abs(path[:, 1]) > 2.2) + 1]  # draw it until it leaves
    ax.plot(path[:, 0], path[:, 1], color=colour, marker=".", linewidth=1, label=f"eta = {eta}")
ax.plot(0, 0, marker="*", markersize=12, color="C2", linestyle="none", label="minimum")
ax.set(xlim=(-10, 10), ylim=(-2.2, 2.2), xlabel="x (curvature 1)", ylabel="y (curvature 100)",
       title=f"A valley 100 times steeper across than along: {STEPS} steps")
ax.legend(loc="lower right")
plt.show()
