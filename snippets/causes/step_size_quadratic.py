"""Gradient descent on a x^2 / 2 multiplies x by (1 - eta a) per step: divergence past 2/a."""
import matplotlib.pyplot as plt
import numpy as np

CURVATURE = 10.0  # a = f''(x); the step limit is 2 / a = 0.2
STEP_SIZES = [0.05, 0.17, 0.19, 0.2, 0.21]
X0 = 1.0
STEPS = 40

print(f"step limit 2/a = {2 / CURVATURE:.3g}")
fig, (left, right) = plt.subplots(2, 1, figsize=(5.6, 6.4), layout="constrained")
grid = np.linspace(-2.2, 2.2, 200)
left.plot(grid, CURVATURE * grid**2 / 2, color="0.5", linewidth=1.2)
for colour, eta in zip(["C0", "C2", "C1", "C4", "C3"], STEP_SIZES):
    xs = [X0]
    for _ in range(STEPS):
        xs.append(xs[-1] - eta * CURVATURE * xs[-1])  # x - eta f'(x)
    xs = np.array(xs)
    factor = 1 - eta * CURVATURE
    print(f"eta = {eta}: factor 1 - eta a = {factor:+.2f}, |x_{STEPS}| = {abs(xs[-1]):.4g}")
    right.semilogy(np.abs(xs), color=colour, marker=".", label=f"eta = {eta}")
    if eta in (0.19, 0.21):
        first = xs[:8]
        left.plot(first, CURVATURE * first**2 / 2, color=colour, marker="o", markersize=4,
                  label=f"eta = {eta}, 7 steps")
left.set(xlabel="x", ylabel="f(x) = a x^2 / 2", title="Bouncing across the valley",
         ylim=(-1, 28))
left.legend(loc="upper center")
right.set(xlabel="step k", ylabel="|x_k|", title="|x_k| = |1 - eta a|^k")
right.legend()
plt.show()
