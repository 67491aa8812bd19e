"""causes/activations.md: every number derived independently of the snippets, which accumulate dy/dx with
the chain rule (or numerical differences) on a grid. Here: closed forms, exact fractions, the bound
max |w f'(z)| = |w| max f', and complex-step differentiation (f'(x) = Im f(x + ih) / h, exact to rounding
for analytic f, with no cancellation even when the slope is 1e-55), maximised by golden-section search."""

import cmath
import math
import re
from decimal import Decimal, getcontext
from fractions import Fraction
from typing import Callable

import numpy as np
import pytest
from support import number, output, page, torch_output, value

PAGE = "causes/activations.md"
W = 8
SMALL_W = Fraction(7, 10)


def slope(f: Callable[[complex], complex], x: float) -> float:
    """Complex-step derivative of an analytic f at x."""
    step = 1e-200
    return f(complex(x, step)).imag / step


def argmax(g: Callable[[float], float], lo: float, hi: float) -> float:
    """Where g peaks: a coarse scan, then golden-section search around the best point."""
    xs = np.linspace(lo, hi, 2001)
    best = int(np.argmax([g(x) for x in xs]))
    a, b = xs[max(best - 1, 0)], xs[min(best + 1, len(xs) - 1)]
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(80):
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        a, b = (a, d) if g(c) > g(d) else (c, b)
    return (a + b) / 2


def sig(z: complex) -> complex:
    return 1 / (1 + cmath.exp(-z))  # the textbook form; the snippets use (1 + tanh(z/2)) / 2


def nested(f: Callable[[complex], complex], depth: int, bias: float = 0.0) -> Callable[[complex], complex]:
    """x -> f(w x), then f(w y + bias) for each further layer."""
    def y(x: complex) -> complex:
        x = f(W * x)
        for _ in range(depth - 1):
            x = f(W * x + bias)
        return x
    return y


def test_relu_and_tanh_slopes_are_w_to_the_n() -> None:
    out = output("causes/activations_nested.py")
    for n in [1, 2, 3]:
        # relu chain with x > 0: y = w^n x exactly; tanh chain: every z is 0 at x = 0 and tanh'(0) = 1.
        assert number(out, f"relu depth {n}: slope at x = 0.5") == W**n
        assert number(out, f"tanh depth {n}: slope at x = 0.0") == W**n
        assert slope(nested(cmath.tanh, n), 0.0) == pytest.approx(W**n, rel=1e-12)
        # the centre is also the steepest point: each factor w tanh'(z) <= w, with equality only at z = 0
        peak = argmax(lambda x: slope(nested(cmath.tanh, n), x), -0.05, 0.05)
        assert abs(peak) < 1e-6
    assert "8, 64 and 512" in page(PAGE)
    assert r"8^{n}" in page(PAGE)


def test_sigmoid_with_zero_bias_piles_up_near_one() -> None:
    out = output("causes/activations_sigmoid.py")
    text = page(PAGE)
    # The nested sigmoid is increasing, so its range runs from its limit at -inf to its limit at +inf:
    # depth 2: (sig(0), sig(w)); depth 3: (sig(w sig(0)), sig(w sig(w))) = (sig(4), sig(8 sig(8))).
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    ranges = {2: (s(0), s(W)), 3: (s(W * s(0)), s(W * s(W)))}
    for n, (low, high) in ranges.items():
        quoted = f"({low:.5f}, {high:.5f})"
        assert value(out, f"bias 0, depth {n}: output range") == quoted
        assert quoted in text
    assert ranges[2] == (0.5, pytest.approx(0.99966, abs=5e-6))
    # Largest slope: depth 1 is w sig'(0) = w/4 at x = 0; deeper ones by complex step and golden section.
    for n in [1, 2, 3]:
        g = lambda x: slope(nested(sig, n), x)  # noqa: E731
        at = 0.0 if n == 1 else argmax(g, -1.0, 1.0)  # depth 1: sig' peaks at 0
        line = value(out, f"bias 0, depth {n}: y(0)")
        printed = re.search(r"largest slope = ([\d.]+) at x = (-?[\d.]+)", line)
        assert printed is not None
        assert printed[1] == f"{g(at):.4f}" and printed[2] == f"{at:.3f}"
        assert f"{g(at):.4f}" in text
        if n == 1:
            assert g(at) == pytest.approx(W / 4) and abs(argmax(g, -1.0, 1.0)) < 1e-6
    assert value(out, "bias 0, depth 2: y(0)").startswith(f"{s(W / 2):.4f}")  # y(0) = sig(w sig(0))


def test_sigmoid_with_bias_minus_half_w_stays_centred() -> None:
    out = output("causes/activations_sigmoid.py")
    text = page(PAGE)
    for n in [1, 2, 3]:
        # Exactly: sig(0) = 1/2, and every later layer sees w * 1/2 - w/2 = 0, so y(0) = 1/2 at every depth
        # and the slope at 0 is the product of n factors w sig'(0) = w/4.
        centre = Fraction(W) * Fraction(1, 2) - Fraction(W, 2)
        assert centre == 0
        exact = Fraction(W, 4) ** n
        line = value(out, f"bias -w/2, depth {n}: y(0)")
        assert line.startswith("0.5000,")
        assert f"slope at 0 = {float(exact):.4f}" in line
        assert f"largest slope = {float(exact):.4f} at x = 0.000" in line  # each factor <= w/4: the bound
        assert slope(nested(sig, n, -W / 2), 0.0) == pytest.approx(float(exact), rel=1e-12)
    # The identity behind it: 2 sig(w (y - 1/2)) - 1 = tanh((w/4)(2y - 1)), a tanh layer of weight w/4.
    for y in np.linspace(0, 1, 11):
        assert 2 * sig(W * (y - 0.5)).real - 1 == pytest.approx(math.tanh(W / 4 * (2 * y - 1)), abs=1e-15)
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    quoted = f"({s(-W / 2):.5f}, {s(W / 2):.5f})"  # depth 2 range: (sig(-w/2), sig(w/2))
    assert value(out, "bias -w/2, depth 2: output range") == quoted and quoted in text
    assert r"(w/4)^{n}" in text and "2, 4 and 8" in text


def cliff_net(x: complex) -> complex:
    return cmath.tanh(5 * cmath.tanh(40 * x - 5) - 5 * cmath.tanh(40 * x) + 5 * cmath.tanh(40 * x + 5))


def test_one_three_one_network_cliffs() -> None:
    out = output("causes/activations_cliffs.py")
    text = page(PAGE)
    # At x = 0 the inner sum is exactly 0 (5 tanh(-5) + 5 tanh(5)), so the outer tanh' is 1 and
    # dy/dx = 5 * 40 * (sech^2(5) - 1 + sech^2(5)).
    at_zero = 200 * (2 / math.cosh(5) ** 2 - 1)
    assert value(out, "dy/dx at x = 0") == f"{at_zero:.2f}" == "-199.93"
    # The network is odd (u(-x) = -u(x)), so the slope is even: two equal outer peaks at +-x*.
    g = lambda x: abs(slope(cliff_net, x))  # noqa: E731
    peak = argmax(g, -0.2, -0.05)
    assert g(-peak) == pytest.approx(g(peak), rel=1e-12)
    assert max(g(x) for x in np.linspace(-3, 3, 6001)) < g(peak) + 1e-9  # nothing steeper elsewhere
    assert value(out, "largest |dy/dx|") == f"{g(peak):.2f} at x = {peak:.4f}"
    assert f"{g(peak):.2f}" in text and f"{at_zero:.2f}" in text
    # Three cliffs: the inner sum u(x) changes sign three times (each sign change flips y from -1 to +1).
    xs = np.linspace(-1, 1, 200001)
    u = 5 * np.tanh(40 * xs - 5) - 5 * np.tanh(40 * xs) + 5 * np.tanh(40 * xs + 5)
    signs = np.sign(u[u != 0])  # u(0) is exactly 0: skip it, count only true changes of sign
    changes = int(np.sum(signs[1:] != signs[:-1]))
    assert number(out, "cliffs (stretches with |dy/dx| > 100)") == changes == 3
    assert "three cliffs" in text and "-0.199" in text and "-0.353" in text
    plateau = math.tanh(5 * (math.tanh(7.5) - math.tanh(2.5) - math.tanh(-2.5)))  # x = 0.0625: u = -4.866
    assert f"{plateau:.4f}" == "0.9999" and "0.9999" in text
    # The height of a cliff: hidden weight times output weight times tanh'(0)^2 = 40 * 5.
    assert "40 \\times 5 = 200" in text


def silu_peak() -> float:
    """Where SiLU's slope peaks: f''(z) = s(1-s)(2 + z(1 - 2s)) = 0, solved by bisection on [1, 4]."""
    h = lambda z: 2 + z * (1 - 2 / (1 + math.exp(-z)))  # noqa: E731
    lo, hi = 1.0, 4.0
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if h(mid) > 0 else (lo, mid)
    return (lo + hi) / 2


def largest_slopes() -> dict[str, float]:
    """max f'(z) from each activation's derivative formula."""
    z = silu_peak()
    s = 1 / (1 + math.exp(-z))
    return {
        "relu": 1.0,  # f' = 1 for z > 0
        "leaky relu (0.01)": 1.0,  # f' = 1 for z > 0, 0.01 below
        "tanh": 1.0,  # sech^2, largest at 0
        "sigmoid": 0.25,  # s(1 - s) <= 1/4
        # GELU: f' = Phi(z) + z phi(z), f'' = phi(z)(2 - z^2), so the peak is at sqrt 2:
        # Phi(sqrt 2) + sqrt 2 phi(sqrt 2) = (1 + erf(1))/2 + 1/(e sqrt(pi))
        "gelu": (1 + math.erf(1)) / 2 + 1 / (math.e * math.sqrt(math.pi)),
        "silu (swish)": s * (1 + z * (1 - s)),
    }


@pytest.mark.parametrize("variant", ["numpy", "torch"])
def test_gain_table(variant: str) -> None:
    out = output("causes/activations_gain.py") if variant == "numpy" else torch_output("causes/activations_gain_torch.py")
    text = page(PAGE)
    for name, m in largest_slopes().items():
        line = f"max f'(z) = {m:.4f}; largest |w f'| = {8 * m:.3f} at w = 8, {0.7 * m:.3f} at w = 0.7"
        assert value(out, name) == line
        row = f"| {m:.4f} | {8 * m:.3f} | {0.7 * m:.3f} |"
        assert row in text, f"the table should have the row {row} for {name}"
        assert 0.7 * m < 1  # no activation lets a single unit of weight 0.7 grow
    assert f"{largest_slopes()['gelu']:.4f}" == "1.1289"
    if variant == "numpy":
        peaks = value(out, "f'(z) peaks at z")
        assert peaks == f"0.000 (tanh), {math.sqrt(2):.3f} (gelu), {silu_peak():.3f} (silu (swish))"
        assert f"{silu_peak():.3f}" in text and r"\sqrt{2} \approx 1.414" in text


def test_weight_point_seven_cannot_explode_one_unit() -> None:
    out = output("causes/activations_small_weight.py")
    text = page(PAGE)
    bound = float(SMALL_W**50)  # relu (x > 0) and tanh (x = 0, where every z is 0) reach it exactly
    for name in ["relu", "tanh"]:
        assert value(out, name) == f"largest |dy/dx| over x = {bound:.4e}, bound (0.7 * 1.0)^50 = {bound:.4e}"
    sig_bound = float((SMALL_W / 4) ** 50)
    g = lambda x: slope(lambda v: _sig_chain(v, 50), x)  # noqa: E731
    peak = g(argmax(g, -3, 3))
    assert peak < sig_bound
    assert value(out, "sigmoid") == f"largest |dy/dx| over x = {peak:.4e}, bound (0.7 * 0.25)^50 = {sig_bound:.4e}"
    for quoted in [f"{bound:.4e}", f"{sig_bound:.4e}", f"{peak:.1e}"]:
        assert quoted in text
    assert value(out, "two units, all weights 0.7: W (1, 1)") == f"({float(2 * SMALL_W)}, {float(2 * SMALL_W)})"
    assert "(1.4, 1.4)" in text


def _sig_chain(x: complex, depth: int) -> complex:
    for _ in range(depth):
        x = sig(float(SMALL_W) * x)
    return x


def _tanh_state(w: float, steps: int = 10) -> Callable[[complex], complex]:
    def h(x: complex) -> complex:
        for _ in range(steps):
            x = cmath.tanh(w * x)
        return x
    return h


def test_tanh_state_explodes_only_in_the_middle() -> None:
    out = output("causes/activations_tanh_state.py")
    text = page(PAGE)
    exact = {(8.0, 0.0): Fraction(8) ** 10, (0.5, 0.0): Fraction(1, 2) ** 10}  # h stays 0, tanh'(0) = 1
    for (w, h0), grad in exact.items():
        assert value(out, f"w = {w}, h_0 = {h0}: h_10").endswith(f"dh_10/dh_0 = {float(grad):.3e}")
        assert f"{float(grad):.3e}" in text
    for w, h0 in [(8.0, 0.01), (8.0, 1.0)]:
        grad = slope(_tanh_state(w), h0)
        assert value(out, f"w = {w}, h_0 = {h0}: h_10").endswith(f"dh_10/dh_0 = {grad:.3e}")
        assert f"{grad:.3e}" in text
    # Saturated from h_0 = 1: each of the 10 factors is about 8 sech^2(8) (every z lies in [7.999, 8]).
    assert slope(_tanh_state(8.0), 1.0) == pytest.approx((8 / math.cosh(8) ** 2) ** 10, rel=0.02)
    # w = 0.5 from h_0 = 1: the state fades; recomputed in 40-digit decimal arithmetic.
    getcontext().prec = 40
    h = Decimal(1)
    for _ in range(10):
        h = 1 - 2 / ((2 * (h / 2)).exp() + 1)  # tanh(a) = 1 - 2 / (exp(2a) + 1), a = h / 2
    assert value(out, "w = 0.5, h_0 = 1.0: h_10").startswith(f"{float(h):.5f},")
    assert f"{float(h):.5f}" in text and float(h) < 0.5**10


def test_pytorch_autograd_agrees() -> None:
    out = torch_output("causes/activations_nested_torch.py")
    for name in ["relu", "tanh"]:
        at = "0.5" if name == "relu" else "0.0"
        for n in [1, 2, 3]:
            expected = f"{W**n:,.2f}"
            assert value(out, f"{name} depth {n}: slope at x = {at}") == (
                f"{expected} (w^n = {W**n:,}), largest slope = {expected}")
    cliffs = torch_output("causes/activations_cliffs_torch.py")
    g = lambda x: abs(slope(cliff_net, x))  # noqa: E731
    peak = argmax(g, -0.2, -0.05)
    assert value(cliffs, "largest |dy/dx|") == f"{g(peak):.2f} at x = {peak:.4f}"
    assert number(cliffs, "dy/dx at x = 0") == round(200 * (2 / math.cosh(5) ** 2 - 1), 2)


def test_the_figures_alt_text() -> None:
    text = page(PAGE)
    # sigmoid, bias 0: the depth-2 slope peaks at about 1.5 (complex step and golden section, as above)
    g = lambda x: slope(nested(sig, 2), x)  # noqa: E731
    assert f"{g(argmax(g, -1.0, 1.0)):.1f}" == "1.5" and "peaks of 2, about 1.5 and about 0.05" in text
    # GELU peaks at sqrt 2 with its closed-form height; SiLU where z tanh(z/2) = 2 (bisection above)
    peaks = largest_slopes()
    assert f"{peaks['gelu']:.2f}" == "1.13" and f"{math.sqrt(2):.1f}" == "1.4"
    assert "a peak of about 1.13 near z = 1.4" in text
    assert f"{peaks['silu (swish)']:.2f}" == "1.10" and f"{silu_peak():.1f}" == "2.4"
    assert "SiLU peaks at about 1.10 near z = 2.4" in text
    # the 50-layer sigmoid chain's largest slope over x in [-3, 3], by complex step
    h = lambda x: slope(lambda v: _sig_chain(v, 50), x)  # noqa: E731
    assert f"{h(argmax(h, -3, 3)):.1e}" == "1.6e-39" and "at about 1.6e-39" in text
