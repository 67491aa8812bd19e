"""Pascanu et al.'s one-unit RNN: a loss surface with a cliff, and its gradient by BPTT."""
import matplotlib.pyplot as plt
import numpy as np

X0, TARGET, STEPS = 0.5, 0.7, 50  # x_t = w sigmoid(x_(t-1)) + b, loss (sigmoid(x_50) - 0.7)^2
W_RANGE, B_RANGE, GRID = (2.0, 8.0), (-5.0, 0.0), 400


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def loss_and_gradient(w, b):
    """Forward through STEPS steps, then backpropagate through time; w and b may be arrays."""
    xs = [np.full_like(w, X0)]
    for _ in range(STEPS):
        xs.append(w * sigmoid(xs[-1]) + b)
    out = sigmoid(xs[-1])
    grad_x, grad_w, grad_b = 2 * (out - TARGET) * out * (1 - out), 0.0, 0.0  # dE/dx_50
    for x_prev in reversed(xs[:-1]):  # step t used x_(t-1); walk t = 50, 49, ..., 1
        s = sigmoid(x_prev)
        grad_w, grad_b = grad_w + grad_x * s, grad_b + grad_x  # dx_t/dw = s, dx_t/db = 1
        grad_x = grad_x * w * s * (1 - s)  # dx_t/dx_(t-1) = w sigmoid'(x_(t-1))
    return (out - TARGET) ** 2, grad_w, grad_b


for w, b in [(3.0, -1.0), (5.0, -2.0), (5.0, -2.61), (6.0, -3.2)]:
    loss, gw, gb = loss_and_gradient(np.array(w), np.array(b))
    print(f"at (w, b) = ({w}, {b}): loss = {loss:.6f}")
    print(f"at (w, b) = ({w}, {b}): gradient = ({gw:.6f}, {gb:.6f})")

w_grid, b_grid = np.meshgrid(np.linspace(*W_RANGE, GRID), np.linspace(*B_RANGE, GRID))
loss, gw, gb = loss_and_gradient(w_grid, b_grid)
norm = np.hypot(gw, gb)
print(f"grid step in b = {b_grid[1, 0] - b_grid[0, 0]:.4f}")
i, j = np.unravel_index(np.argmax(norm), norm.shape)
print(f"largest |gradient| on the grid = {norm[i, j]:.4g}"
      f" at (w, b) = ({w_grid[i, j]:.3f}, {b_grid[i, j]:.3f})")


def heat_map(values, label, title):
    fig, ax = plt.subplots()
    image = ax.imshow(values, origin="lower", extent=(*W_RANGE, *B_RANGE), aspect="auto")
    fig.colorbar(image, ax=ax, label=label)
    ax.set(xlabel="recurrent weight w", ylabel="bias b", title=title)
    ax.grid(False)
    return ax


ax = heat_map(loss, "loss E", "Loss surface: a valley, a plateau and a cliff")
w_wall = np.linspace(1 / (sigmoid(X0) * (1 - sigmoid(X0))), W_RANGE[1])  # w sigmoid'(x0) > 1
ax.plot(w_wall, X0 - w_wall * sigmoid(X0), color="C3", linestyle="--", linewidth=1,
        label="b = x0 - w sigmoid(x0)")
ax.legend(loc="upper right")
heat_map(np.log10(norm), "log10 |gradient|", "Gradient norm, sampled on a grid")
plt.show()
