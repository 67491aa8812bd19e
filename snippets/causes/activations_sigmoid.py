"""Nested sigmoids, weight 8: with bias 0 they pile up near 1; with bias -w/2 they stay centred."""
import matplotlib.pyplot as plt
import numpy as np

WEIGHT = 8.0
DEPTHS = [1, 2, 3]
STYLES = [("C0", ":"), ("C1", "--"), ("C3", "-")]  # depth 1 blue dotted, 2 orange dashed, 3 red solid
X = np.linspace(-1, 1, 20001)  # step 1e-4, includes x = 0
FAR = 100.0  # far enough out that every layer is saturated: the limits as x -> -inf, +inf


def sigmoid(z):
    return (1 + np.tanh(z / 2)) / 2  # equal to 1 / (1 + exp(-z)), and never overflows


def nest(x, depth, bias):
    """y = sig(w x), then sig(w y + bias) per extra layer; and dy/dx by the chain rule."""
    y, slope = sigmoid(WEIGHT * x), WEIGHT * sigmoid(WEIGHT * x) * (1 - sigmoid(WEIGHT * x))
    for _ in range(depth - 1):
        y = sigmoid(WEIGHT * y + bias)
        slope = slope * WEIGHT * y * (1 - y)  # sig'(z) = sig(z) (1 - sig(z))
    return y, slope


for bias, title in [(0.0, "bias 0"), (-WEIGHT / 2, "bias -w/2")]:
    fig, (ax_y, ax_s) = plt.subplots(2, 1, figsize=(5.6, 6.4), sharex=True, layout="constrained")
    for depth, (colour, style) in zip(DEPTHS, STYLES):
        y, slope = nest(X, depth, bias)
        low, high = nest(np.array([-FAR, FAR]), depth, bias)[0]
        top = np.argmax(slope)
        print(f"{title}, depth {depth}: output range = ({low:.5f}, {high:.5f})")
        print(f"{title}, depth {depth}: y(0) = {y[X == 0][0]:.4f}, slope at 0 = {slope[X == 0][0]:.4f}, "
              f"largest slope = {slope[top]:.4f} at x = {X[top]:.3f}")
        ax_y.plot(X, y, color=colour, linestyle=style, label=f"depth {depth}")
        ax_s.plot(X, slope, color=colour, linestyle=style, label=f"depth {depth}")
    ax_y.set_title(f"sigmoid, w = {WEIGHT:g}, {title}" + (" from layer 2 on" if bias else "") + ": output")
    ax_y.set_ylabel("output y")
    ax_y.set_ylim(-0.05, 1.05)
    ax_y.legend(loc="lower right")
    ax_s.set_title(f"sigmoid, {title}: slope dy/dx")
    ax_s.set_xlabel("input x")
    ax_s.set_ylabel("dy/dx (log scale)")
    ax_s.set_yscale("log")
    ax_s.set_ylim(1e-3, 2e3)
    plt.show()
