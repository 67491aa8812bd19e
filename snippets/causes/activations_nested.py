"""One unit per layer, weight 8: nested ReLU and tanh, and the slope dy/dx of each nesting."""
import matplotlib.pyplot as plt
import numpy as np

WEIGHT = 8.0
DEPTHS = [1, 2, 3]
STYLES = [("C0", ":"), ("C1", "--"), ("C3", "-")]  # depth 1 blue dotted, 2 orange dashed, 3 red solid
ACTIVATIONS = {  # name: (f, f', half-width of the x range drawn)
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float), 1.0),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2, 0.25),
}


def nest(f, df, x, depth):
    """y = f(w f(w ... f(w x))) and dy/dx, one chain-rule factor w f'(z) per layer."""
    y, slope = x, np.ones_like(x)
    for _ in range(depth):
        z = WEIGHT * y
        y, slope = f(z), slope * WEIGHT * df(z)
    return y, slope


for name, (f, df, half) in ACTIVATIONS.items():
    x = np.linspace(-half, half, 20001)  # includes x = 0 and x = half / 2
    fig, (ax_y, ax_s) = plt.subplots(2, 1, figsize=(5.6, 6.4), sharex=True, layout="constrained")
    for depth, (colour, style) in zip(DEPTHS, STYLES):
        y, slope = nest(f, df, x, depth)
        at = half / 2 if name == "relu" else 0.0  # relu: any x > 0; tanh: the centre
        print(f"{name} depth {depth}: slope at x = {at} = {slope[x == at][0]:,.2f}")
        label = f"depth {depth}"
        ax_y.plot(x, y, color=colour, linestyle=style, label=label)
        ax_s.plot(x, np.where(slope > 0, slope, np.nan), color=colour, linestyle=style, label=label)
    ax_y.set_title(f"{name}, w = {WEIGHT:g}: output")
    ax_y.set_ylabel("output y")
    ax_s.set_title(f"{name}, w = {WEIGHT:g}: slope dy/dx")
    ax_s.set_xlabel("input x")
    ax_s.set_ylabel("dy/dx (log scale)")
    ax_s.set_yscale("log")
    ax_s.set_ylim(1e-3, 2e3)
    ax_s.set_xlim(-half * 1.05, half * 1.05)
    ax_y.legend(loc="upper left")
    if name == "relu":
        ax_y.set_ylim(-0.5, 9)  # depth 3 leaves the frame at x = 1/64, depth 2 at x = 1/8
        ax_s.text(-0.95, 3e-2, "slope 0 for x < 0\n(not drawn on a log axis)")
    plt.show()
