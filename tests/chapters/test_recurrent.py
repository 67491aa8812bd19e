"""causes/recurrent.md: every number derived independently. Powers of a matrix by eigendecomposition
(the snippet multiplies repeatedly); the one-unit RNN's gradients by central finite differences and by
forward-mode differentiation (the snippets backpropagate through time); the cliff by bisection on the
forward pass and by the fixed-point closed form; the 0.7 matrix by its rank-one structure."""

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from support import number, output, page, quoted, torch_output, value

PAGE = "causes/recurrent.md"
X0, TARGET, STEPS = 0.5, 0.7, 50  # Pascanu et al.'s one-unit RNN


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))



# --- powers of one matrix -----------------------------------------------------------------------


def test_gradient_norms_by_eigendecomposition() -> None:
    """(W^T)^t g = V^-T diag(lambda)^t V^T g, with W = V diag(lambda) V^-1: no repeated products."""
    out = output("causes/recurrent_powers.py")
    rng = np.random.default_rng(0)  # the snippet's seed, to rebuild the same W and dL/dh_T
    base = rng.normal(size=(8, 8))
    grad = rng.normal(size=8)
    grad /= np.linalg.norm(grad)
    eigenvalues, vectors = np.linalg.eig(base)
    eigenvalues = eigenvalues / np.max(np.abs(eigenvalues))  # spectral radius 1
    coords = vectors.T @ grad  # g in the eigenbasis of W^T, whose eigenvectors are the columns of V^-T
    for radius in [0.9, 1.0, 1.1]:
        for t in [50, 200]:
            expected = np.linalg.norm(np.linalg.solve(vectors.T, (radius * eigenvalues) ** t * coords))
            printed = value(out, f"rho {radius}: |dL/dh_0| over {t} steps")
            assert float(printed) == pytest.approx(expected, rel=5e-4)
            quoted(PAGE, printed)
    # For long sequences only the top eigenvalue survives: |dL/dh_0| ~ |c_1| rho^t.
    top = np.argmax(np.abs(eigenvalues))
    unit = np.linalg.inv(vectors.T)[:, top]
    c1 = abs(coords[top]) * np.linalg.norm(unit)
    assert f"{c1:.4f}" == "0.9042"
    quoted(PAGE, r"\(0.9042\, \rho^t\)")
    for radius in [0.9, 1.0, 1.1]:
        for t in [50, 200]:
            printed = number(out, f"rho {radius}: |dL/dh_0| over {t} steps")
            assert printed == pytest.approx(c1 * radius**t, rel=1e-3)
    # "Sequence length is depth": the top direction's growth over 20 and 200 steps at radius 1.1
    assert f"{1.1**20:.1f}" == "6.7" and f"{1.1**200:.1e}" == "1.9e+08"
    quoted(PAGE, r"\(1.1^{20} \approx 6.7\) over 20 steps", r"\(1.1^{200} \approx 1.9 \times 10^{8}\) over 200")


# --- Pascanu et al.'s one-unit RNN --------------------------------------------------------------


def final_loss(w: float, b: float) -> float:
    x = X0
    for _ in range(STEPS):
        x = w * sigmoid(x) + b
    return (sigmoid(x) - TARGET) ** 2


def forward_mode(w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """dE/dw and dE/db by carrying dx_t/dw and dx_t/db forward in time (real-time recurrent learning)."""
    x, dw, db = np.full_like(b, X0), np.zeros_like(b), np.zeros_like(b)
    for _ in range(STEPS):
        s = 1 / (1 + np.exp(-x))
        x, dw, db = w * s + b, s + w * s * (1 - s) * dw, 1 + w * s * (1 - s) * db
    s = 1 / (1 + np.exp(-x))
    outer = 2 * (s - TARGET) * s * (1 - s)
    return outer * dw, outer * db


def test_gradients_match_central_finite_differences() -> None:
    out = output("causes/recurrent_cliff.py")
    h = 1e-6
    lines = re.findall(r"^at \(w, b\) = \(([-\d.]+), ([-\d.]+)\): loss = ([-\d.]+)$", out, re.MULTILINE)
    assert len(lines) == 4
    for w_text, b_text, loss_text in lines:
        w, b = float(w_text), float(b_text)
        assert float(loss_text) == pytest.approx(final_loss(w, b), abs=1e-6)
        grad_w = (final_loss(w + h, b) - final_loss(w - h, b)) / (2 * h)
        grad_b = (final_loss(w, b + h) - final_loss(w, b - h)) / (2 * h)
        printed = value(out, f"at (w, b) = ({w_text}, {b_text}): gradient")
        assert printed == f"({grad_w:.6f}, {grad_b:.6f})"


def test_grid_sees_only_the_foothills() -> None:
    out = output("causes/recurrent_cliff.py")
    step = 5 / 399  # 400 values of b from -5 to 0
    assert value(out, "grid step in b") == f"{step:.4f}" == "0.0125"
    quoted(PAGE, "0.0125")
    w, b = np.meshgrid(np.linspace(2, 8, 400), np.linspace(-5, 0, 400))
    norm = np.hypot(*forward_mode(w, b))
    largest = value(out, "largest |gradient| on the grid")
    assert largest.split()[0] == f"{norm.max():.4g}"
    quoted(PAGE, largest.split()[0])
    i, j = np.unravel_index(np.argmax(norm), norm.shape)
    assert largest.endswith(f"({w[i, j]:.3f}, {b[i, j]:.3f})")
    quoted(PAGE, f"brightest pixel at w = {w[i, j]:.3f}, b = {b[i, j]:.3f}")
    wall = X0 - w[i, j] * sigmoid(X0)
    assert abs(b[i, j] - wall) < step  # the largest sample sits next to the wall, not on it


def bisect_wall(w: float) -> float:
    """The bias at which x_50 crosses x0: found from the forward pass alone."""
    def x_final(b: float) -> float:
        x = X0
        for _ in range(STEPS):
            x = w * sigmoid(x) + b
        return x

    low, high = -5.0, 0.0
    assert x_final(low) < X0 < x_final(high)
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if x_final(mid) < X0 else (low, mid)
    return (low + high) / 2


def test_wall_location_and_height() -> None:
    out = output("causes/recurrent_wall.py")
    slope = sigmoid(X0) * (1 - sigmoid(X0))
    assert f"{slope:.6f}" == "0.235004" and f"{1 / slope:.4f}" == "4.2553"
    assert number(out, "sigmoid'(x0)") == pytest.approx(slope, abs=1e-6)
    assert f"w > {1 / slope:.4f}" in out
    assert f"{sigmoid(X0):.4f}" == "0.6225"
    for text in ["0.235", "4.2553", "0.5 - 0.6225", "-2.6123"]:
        quoted(PAGE, text)
    assert f"{bisect_wall(5.0):.4f}" == "-2.6123"
    # The loss map: the edge starts at w = 1/sigmoid'(x0), b = x0 - w sigmoid(x0), and ends at w = 8
    start = 1 / slope
    assert f"{start:.1f}" == "4.3" and f"{X0 - start * sigmoid(X0):.1f}" == "-2.1"
    assert f"{X0 - 8 * sigmoid(X0):.1f}" == "-4.5"
    quoted(PAGE, "down to about w = 4.3, b = -2.1", "continues down to w = 8, b = -4.5", "for w above about 4.3")
    for w in [5.0, 6.0, 7.0, 8.0]:  # high loss (about 0.4) below the edge, low loss above it
        edge = X0 - w * sigmoid(X0)
        assert abs(final_loss(w, edge - 0.1) - 0.4) < 0.08 and final_loss(w, edge + 0.1) < 0.08
    quoted(PAGE, "bright high loss (about 0.4) below it")
    distances = np.logspace(-14, 0, 281)
    heights, widths = [], []
    for w in [5.0, 6.0, 7.0]:
        wall = bisect_wall(w)
        assert value(out, f"w = {w}: wall at b") == f"{wall:.6f}"
        # On the wall x_t = x0 for every t, so each step multiplies by lam = w sigmoid'(x0) and
        # dx_50/db = 1 + lam + ... + lam^49; dx_50/dw = sigmoid(x0) times the same sum.
        lam = w * slope
        geometric = (lam**STEPS - 1) / (lam - 1)
        height = 2 * abs(sigmoid(X0) - TARGET) * slope * geometric * math.hypot(1, sigmoid(X0))
        assert number(out, f"w = {w}: |gradient| on the wall") == pytest.approx(height, rel=5e-4)
        heights.append(height)
        closed = X0 - w * sigmoid(X0)
        above = np.hypot(*forward_mode(np.full(281, w), closed + distances))
        below = np.hypot(*forward_mode(np.full(281, w), closed - distances))
        peak = max(above.max(), below.max())
        assert number(out, f"w = {w}: largest |gradient| in the scan") == pytest.approx(peak, rel=1e-3)
        assert peak > 5 * height  # the peak sits just off the line, higher than on it
        width = distances[(above > 1) | (below > 1)].max()
        assert value(out, f"w = {w}: half-width where |gradient| > 1") == f"{width:.1g}"
        widths.append(width)
        quoted(PAGE, f"{width:.1g}")
    quoted(PAGE, "779.4")
    assert f"{heights[0]:.4g}" == "779.4"
    quoted(PAGE, rf"{heights[1] / 1e6:.4g} \times 10^{{6}}")
    quoted(PAGE, rf"{heights[2] / 1e9:.4g} \times 10^{{9}}")
    quoted(PAGE, value(out, "w = 5.0: largest |gradient| in the scan"))
    # The wall figure: the flat parts near the wall sit at the heights on the wall, in log10
    assert [f"{math.log10(h):.1f}" for h in heights] == ["2.9", "6.5", "9.6"]
    quoted(PAGE, "at about 10 to the 3, 10 to the 6.5 and 10 to the 9.6")
    assert [round(math.log10(width)) for width in widths] == [-3, -5, -7]
    # The caption: per unit of w, thousands of times taller and about a hundred times thinner.
    for i in range(2):
        assert 1000 < heights[i + 1] / heights[i] < 10000
        assert 50 < widths[i] / widths[i + 1] < 200


# --- weights of 0.7 -----------------------------------------------------------------------------


def rank_one_norms(states: list[np.ndarray]) -> np.ndarray:
    """|dh_t/dh_0| for W = 0.7 * ones(4, 4): dh_t/dh_0 = D_t W D_(t-1) W ... D_1 W collapses to
    0.7^t (D_t 1) tr(D_(t-1)) ... tr(D_1) 1^T, whose norm is 0.7^t |D_t 1| |1| tr(D_(t-1)) ... tr(D_1).
    `states` are the tanh slopes D_t (as vectors) for t = 1, 2, ..."""
    norms, traces = [1.0], 1.0
    for t, slopes in enumerate(states, start=1):
        norms.append(0.7**t * np.linalg.norm(slopes) * 2.0 * traces)
        traces *= slopes.sum()
    return np.array(norms)


def tanh_slopes(h0: np.ndarray, xs: np.ndarray, u: np.ndarray) -> list[np.ndarray]:
    h, slopes = h0, []
    for x in xs:
        h = np.tanh(0.7 * h.sum() + u * x)  # W h = 0.7 (sum of h) in every unit
        slopes.append(1 - h**2)
    return slopes


def test_point_seven() -> None:
    out = output("causes/recurrent_point_seven.py")
    # W 1 = 0.7 n 1, and W has rank one, so its other eigenvalues are 0: rho = 0.7 n.
    for n in range(1, 9):
        assert max(abs(np.linalg.eigvals(np.full((n, n), 0.7)))) == pytest.approx(0.7 * n)
    assert value(out, "spectral radius of the 4 x 4 matrix of 0.7s") == f"{0.7 * 4:.4f}" == "2.8000"
    quoted(PAGE, "2.8")
    # Linear: W^t = 2.8^t * ones/4, whose largest singular value is 2.8^t.
    linear = float(Fraction("2.8") ** 40)
    assert number(out, "linear 4 x 4, all 0.7: |dh_40/dh_0|") == pytest.approx(linear, rel=5e-4)
    assert value(out, "linear 4 x 4, all 0.7: factor per step at the end") == "2.8000"
    quoted(PAGE, f"{linear:.4g}".replace("e+17", r" \times 10^{17}"))
    assert round(math.log10(linear)) == 18 and "rises in a straight line to about 10 to the 18" in page(PAGE)
    # One tanh unit: every factor is 0.7 tanh'(.) <= 0.7.
    bound = float(Fraction("0.7") ** 40)
    one = number(out, "one tanh unit, w = 0.7: |dh_40/dh_0|")
    assert 0 < one <= bound and f"{bound:.2g}" == "6.4e-07"
    quoted(PAGE, r"6.4 \times 10^{-7}")
    assert number(out, "one tanh unit, w = 0.7: largest |dh_t/dh_0|") == 1.0
    rng = np.random.default_rng(0)  # the snippet's seed: its input sequence comes first
    h, product = 0.0, 1.0
    for x in rng.normal(size=40):
        h = math.tanh(0.7 * h + x)
        product *= 0.7 * (1 - h**2)  # dh_t/dh_(t-1) = 0.7 tanh'(a_t)
    assert value(out, "one tanh unit, w = 0.7: |dh_40/dh_0|") == f"{product:.4g}"
    assert round(math.log10(product)) == -19 and "ending near 10 to the minus 19" in page(PAGE)
    h, product_t = 0.0, 1.0  # the figure: the one unit stays below the dotted 0.7^t at every step
    for t, x in enumerate(np.random.default_rng(0).normal(size=40), start=1):
        h = math.tanh(0.7 * h + x)
        product_t *= 0.7 * (1 - h**2)
        assert product_t <= 0.7**t
    quoted(PAGE, f"{product:.4g}")
    # tanh 4 x 4, no input, from h0 = 0.001: growth, then the saturated fixed point h = tanh(2.8 h).
    slopes = tanh_slopes(np.full(4, 1e-3), np.zeros(40), np.zeros(4))
    norms = rank_one_norms(slopes)
    name = "tanh 4 x 4, all 0.7, no input"
    assert number(out, f"{name}: |dh_40/dh_0|") == pytest.approx(norms[-1], rel=1e-6)
    assert number(out, f"{name}: largest |dh_t/dh_0|") == pytest.approx(norms.max(), rel=1e-3)
    low, high = 0.5, 1.0  # bisection for the nonzero fixed point of h = tanh(2.8 h)
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if math.tanh(2.8 * mid) > mid else (low, mid)
    fixed = (low + high) / 2
    factor = 2.8 * (1 - fixed**2)  # 0.7 * trace(D) at the fixed point
    assert value(out, f"{name}: factor per step at the end") == f"{factor:.4f}" == "0.0429"
    assert f"{fixed:.4f}" == "0.9923"
    for text in ["0.9923", "0.0429", f"{norms.max():.4g}", f"{1 / 2.8:.3f}", r"5.3 \times 10^{-43}"]:
        quoted(PAGE, text)
    assert f"{1 / 2.8:.3f}" == "0.357"
    # the figure: a rise for about seven steps to a few hundred, then a straight fall to a few times 1e-43
    assert 5 <= int(np.argmax(norms)) <= 9 and 100 < norms.max() < 1000
    assert math.floor(math.log10(norms[-1])) == -43 and "a straight line to a few times 10 to the minus 43" in page(PAGE)
    # tanh 4 x 4 driven by the snippet's input sequence.
    rng = np.random.default_rng(0)
    xs, u = rng.normal(size=40), rng.normal(size=4)
    driven = rank_one_norms(tanh_slopes(np.zeros(4), xs, u))
    name = "tanh 4 x 4, all 0.7, with input"
    assert number(out, f"{name}: |dh_40/dh_0|") == pytest.approx(driven[-1], rel=1e-6)
    assert number(out, f"{name}: largest |dh_t/dh_0|") == pytest.approx(driven.max(), rel=1e-3)
    quoted(PAGE, f"{driven.max():.3g}")
    assert math.floor(math.log10(driven[-1])) == -27 and "falls to a few times 10 to the minus 27" in page(PAGE)


def test_pytorch_rnn_agrees() -> None:
    out = torch_output("causes/recurrent_point_seven_torch.py")
    assert value(out, "spectral radius of weight_hh_l0") == "2.8000"
    assert number(out, "relu RNN: |dh_40/dh_0|") == pytest.approx(float(Fraction("2.8") ** 40), rel=5e-4)
    expected = rank_one_norms(tanh_slopes(np.full(4, 1e-3), np.zeros(40), np.zeros(4)))[-1]
    assert number(out, "tanh RNN: |dh_40/dh_0|") == pytest.approx(expected, rel=1e-6)
