"""The cliff up close: the gradient norm against the distance from the wall, for three w."""
import matplotlib.pyplot as plt
import numpy as np

X0, TARGET, STEPS = 0.5, 0.7, 50  # Pascanu et al.'s one-unit RNN, as in recurrent_cliff.py
WEIGHTS = [5.0, 6.0, 7.0]
DISTANCES = np.logspace(-14, 0, 281)  # |b - b_wall|


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def gradient_norm(w, b):
    """|(dE/dw, dE/db)| by backpropagation through time; w and b are arrays of one shape."""
    xs = [np.full_like(b, X0)]
    for _ in range(STEPS):
        xs.append(w * sigmoid(xs[-1]) + b)
    out = sigmoid(xs[-1])
    grad_x, grad_w, grad_b = 2 * (out - TARGET) * out * (1 - out), 0.0, 0.0
    for x_prev in reversed(xs[:-1]):
        s = sigmoid(x_prev)
        grad_w, grad_b = grad_w + grad_x * s, grad_b + grad_x
        grad_x = grad_x * w * s * (1 - s)
    return np.hypot(grad_w, grad_b)


slope = sigmoid(X0) * (1 - sigmoid(X0))
print(f"sigmoid'(x0) = {slope:.6f}, so x0 can be an unstable fixed point for w > {1 / slope:.4f}")
fig, ax = plt.subplots()
for colour, w in zip(["C0", "C1", "C3"], WEIGHTS):
    wall = X0 - w * sigmoid(X0)  # the bias that makes x0 a fixed point: x0 = w sigmoid(x0) + b
    on_wall = gradient_norm(np.array(w), np.array(wall))
    above = gradient_norm(np.full_like(DISTANCES, w), wall + DISTANCES)
    below = gradient_norm(np.full_like(DISTANCES, w), wall - DISTANCES)
    print(f"w = {w}: wall at b = {wall:.6f}")
    print(f"w = {w}: |gradient| on the wall = {on_wall:.4g}")
    print(f"w = {w}: largest |gradient| in the scan = {max(above.max(), below.max()):.4g}")
    width = DISTANCES[(above > 1) | (below > 1)].max()
    print(f"w = {w}: half-width where |gradient| > 1 = {width:.1g}")
    ax.loglog(DISTANCES, above, color=colour, label=f"w = {w}")
    ax.loglog(DISTANCES, below, color=colour, linestyle=":")
ax.set_xlabel("distance from the wall |b - (x0 - w sigmoid(x0))|")
ax.set_ylabel("|gradient of the loss|")
ax.set_title("The wall is tall and exponentially thin")
ax.set_ylim(top=1e15)
ax.legend(title="solid: b above, dotted: below", loc="upper right")
plt.show()
