"""f(x) = cosh(x) from x = 10: no fixed step is both safe and fast; a clipped step is."""
import math

import matplotlib.pyplot as plt
import numpy as np

X0 = 10.0
TOLERANCE = 0.01    # converged when |x| < 0.01, i.e. f - 1 < 5e-5
MAX_STEPS = 200_000


def steps_to_converge(eta, threshold=None):
    """Steps of x <- x - eta sinh(x), the gradient clipped to |g| <= threshold; None: diverged."""
    x = X0
    for step in range(1, MAX_STEPS + 1):
        g = math.sinh(x) if abs(x) < 700 else math.copysign(math.inf, x)
        if threshold is not None and abs(g) > threshold:
            g = math.copysign(threshold, g)
        x = x - eta * g
        if not abs(x) <= 1e3:  # left the basin (or became inf or nan)
            return None
        if abs(x) < TOLERANCE:
            return step
    return None


xs = [np.float64(X0)]
with np.errstate(over="ignore", invalid="ignore"):
    for _ in range(3):
        xs.append(xs[-1] - 1.0 * np.sinh(xs[-1]))  # eta = 1
print(f"eta = 1: x_1 = {xs[1]:,.1f}, x_2 = {xs[2]}, x_3 = {xs[3]}")
worst_curvature = math.cosh(X0)  # f'' = cosh is largest at the start
limit = 20 / math.sinh(X0)  # above it, the first step overshoots past -10
print(f"largest curvature on the way = cosh(10) = {worst_curvature:,.1f}")
print(f"fixed steps above 20/sinh(10) = {limit:.4g} diverge")
fixed = {"1/cosh(10)": 1 / worst_curvature, "2/cosh(10)": 2 / worst_curvature,  # 1/L and 2/L
         "0.999 x 20/sinh(10)": 0.999 * limit, "10/sinh(10)": 10 / math.sinh(X0)}
counts = {name: steps_to_converge(eta) for name, eta in fixed.items()}
for name, eta in fixed.items():
    print(f"fixed step {name} = {eta:.3g}: steps = {counts[name]:,}")
clipped = steps_to_converge(1.0, threshold=1.0)
print(f"clipped, eta = 1, threshold 1: steps = {clipped}")

etas = np.geomspace(3e-5, 1e-2, 36)
scan = [steps_to_converge(eta) for eta in etas]
fig, ax = plt.subplots()
ax.loglog(etas, [c if c else np.nan for c in scan], color="C0", marker=".", label="fixed step")
textbook = ["1/cosh(10)", "2/cosh(10)"]
ax.loglog([fixed[n] for n in textbook], [counts[n] for n in textbook], color="C1", marker="o",
          linestyle="none", label="1/cosh(10) and 2/cosh(10)")
ax.axvspan(limit, etas[-1], color="C3", alpha=0.2, label="diverges (eta > 20/sinh(10))")
ax.axhline(clipped, color="C2", linestyle=":", label=f"clipped, eta = 1: {clipped} steps")
ax.set(xlabel="fixed step size eta", ylabel="steps to reach |x| < 0.01",
       title="Gradient descent on cosh(x) from x = 10")
ax.legend()
plt.show()
