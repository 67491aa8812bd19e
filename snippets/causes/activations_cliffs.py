"""A 1-3-1 tanh network with three cliffs: y = tanh(5 tanh(40x - 5) - 5 tanh(40x) + 5 tanh(40x + 5))."""
import matplotlib.pyplot as plt
import numpy as np

HIDDEN_WEIGHTS = np.array([40.0, 40.0, 40.0])  # input -> each hidden unit
HIDDEN_BIASES = np.array([-5.0, 0.0, 5.0])
OUTPUT_WEIGHTS = np.array([5.0, -5.0, 5.0])  # each hidden unit -> output
X = np.linspace(-0.25, 0.25, 100001)  # step 5e-6, includes x = 0

z = np.outer(X, HIDDEN_WEIGHTS) + HIDDEN_BIASES  # one column per hidden unit
h = np.tanh(z)
u = h @ OUTPUT_WEIGHTS
y = np.tanh(u)
# Chain rule: dy/dx = tanh'(u) * sum over hidden units of (output weight * tanh'(z) * hidden weight)
slope = (1 - y**2) * (((1 - h**2) * HIDDEN_WEIGHTS) @ OUTPUT_WEIGHTS)

top = np.argmax(np.abs(slope))
print(f"largest |dy/dx| = {abs(slope[top]):.2f} at x = {X[top]:.4f}")
print(f"dy/dx at x = 0 = {slope[X == 0][0]:.2f}")
steep = np.abs(slope) > 100
print(f"cliffs (stretches with |dy/dx| > 100) = {np.sum(steep[1:] & ~steep[:-1])}")
print(f"output at x = -0.25, -0.0625, 0.0625, 0.25 = "
      f"{', '.join(f'{v:.4f}' for v in np.interp([-0.25, -0.0625, 0.0625, 0.25], X, y))}")

fig, (ax_y, ax_s) = plt.subplots(2, 1, figsize=(5.6, 5.2), sharex=True, layout="constrained")
ax_y.plot(X, y, color="C3")
ax_y.set_title("Three tanh units, one tanh output: the output")
ax_y.set_ylabel("output y")
ax_s.plot(X, slope, color="C3")
ax_s.set_title("Its slope dy/dx: three cliffs, each about 200 high")
ax_s.set_xlabel("input x")
ax_s.set_ylabel("dy/dx")
plt.show()
