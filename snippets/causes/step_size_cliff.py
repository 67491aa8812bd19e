"""A bowl behind a steep wall: gradient descent is thrown far back; with clipping it is not."""
import matplotlib.pyplot as plt
import numpy as np

HEIGHT, SHARPNESS = 50.0, 8.0  # the wall: a rise of 50 across x + y/2 = 0, about 0.5 wide
CENTRE = np.array([2.0, 0.0])  # the bowl's lowest point, behind the wall
LEARNING_RATE = 0.3
THRESHOLD = 1.0                # clip the gradient norm to this, keeping its direction
START = np.array([-6.0, 3.0])
STEPS = 30


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def loss(x, y):
    bowl = ((x - CENTRE[0]) ** 2 + (y - CENTRE[1]) ** 2) / 2
    return bowl + HEIGHT * sigmoid(SHARPNESS * (x + y / 2))


def gradient(p):
    s = sigmoid(SHARPNESS * (p[0] + p[1] / 2))
    return p - CENTRE + HEIGHT * SHARPNESS * s * (1 - s) * np.array([1.0, 0.5])


def descend(clip):
    path = [START]
    for _ in range(STEPS):
        g = gradient(path[-1])
        if clip and np.linalg.norm(g) > THRESHOLD:
            g = g * THRESHOLD / np.linalg.norm(g)  # same direction, length THRESHOLD
        path.append(path[-1] - LEARNING_RATE * g)
    return np.array(path)


print(f"steepest slope of the wall alone = {HEIGHT * SHARPNESS / 4 * np.hypot(1, 0.5):.1f}")
x, y = np.meshgrid(np.linspace(-24, 6, 300), np.linspace(-13, 6, 300))
fig, ax = plt.subplots(figsize=(5.6, 4.2))
ax.contour(x, y, loss(x, y), levels=np.geomspace(3.2, 400, 16), colors="0.6", linewidths=0.8)
for colour, clip, name in [("C3", False, "gradient descent"),
                           ("C0", True, "with norm clipping")]:
    path = descend(clip)
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    losses = loss(path[:, 0], path[:, 1])
    print(f"{name}: longest step = {steps.max():.4g}")
    print(f"{name}: highest loss on the way = {losses.max():.4g}")
    print(f"{name}: loss after {STEPS} steps = {losses[-1]:.4g}")
    ax.plot(path[:, 0], path[:, 1], color=colour, marker=".", linewidth=1, label=name)
ax.plot(*START, marker="o", color="C2", linestyle="none", label="start")
ax.set(xlabel="parameter 1", ylabel="parameter 2",
       title=f"A wall before the minimum: {STEPS} steps, learning rate {LEARNING_RATE}")
ax.legend(loc="lower right")
plt.show()
