"""f(x) = x^2/2 + x^4/4 from far away: fixed-step descent pays ~x0^2 steps, clipped descent ~x0."""
import math

import matplotlib.pyplot as plt
import numpy as np

TOLERANCE = 1e-6          # stop when |x| < 1e-6
CLIPPED_LR, THRESHOLD = 0.5, 1.0
STARTS = [3, 10, 30, 100]  # fixed-step runs that finish in well under a second


def gradient(x):
    return x + x**3  # f'(x); the curvature f''(x) = 1 + 3 x^2 grows with the gradient


def steps(x, lr, threshold=math.inf):
    count = 0
    while abs(x) >= TOLERANCE:
        g = gradient(x)
        x -= lr * (g if abs(g) <= threshold else math.copysign(threshold, g))
        count += 1
    return count


def flow_estimate(x0):
    """Gradient flow dx/dt = -f'(x) takes ln(x0/eps) - ln((1+x0^2)/(1+eps^2))/2 to reach eps; divide by lr."""
    time = math.log(x0 / TOLERANCE) - 0.5 * math.log((1 + x0**2) / (1 + TOLERANCE**2))
    return time * (1 + 3 * x0**2)


for x0 in [10, 100, 1000]:
    lr = 1 / (1 + 3 * x0**2)  # 1 / f''(x0), the largest curvature on the way
    fixed = f"{steps(x0, lr):,}" if x0 <= 100 else "not run"
    print(f"x0 = {x0}: fixed step 1/f''(x0): steps = {fixed}, gradient-flow estimate = {flow_estimate(x0):,.0f}")
    print(f"x0 = {x0}: clipped (lr 0.5, threshold 1): steps = {steps(x0, CLIPPED_LR, THRESHOLD):,}")
# a bound for x0 = 1000: below |x| = 1, each step shrinks x by at most a factor 1 - 2 lr (f'(x)/x <= 2)
lr = 1 / (1 + 3 * 1000**2)
print(f"x0 = 1000: fixed step, lower bound on the steps = {math.log(1 / TOLERANCE) / -math.log(1 - 2 * lr):,.0f}")

starts = np.geomspace(3, 1000, 30)
fig, ax = plt.subplots(figsize=(5.6, 4), layout="constrained")
ax.loglog(starts, [flow_estimate(x0) for x0 in starts], color="C3", label="fixed step 1/f''(x0), estimate")
ax.loglog(STARTS, [steps(x0, 1 / (1 + 3 * x0**2)) for x0 in STARTS], "o", color="C3", label="fixed step, run")
ax.loglog(starts, [steps(x0, CLIPPED_LR, THRESHOLD) for x0 in starts], "s--", color="C0", label="clipped, run")
ax.set(xlabel="starting point x0", ylabel="steps to reach |x| < 1e-6",
       title="f(x) = x^2/2 + x^4/4: steps against the start")
ax.legend()
plt.show()
