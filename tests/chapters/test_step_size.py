"""causes/step-size.md: every number derived independently. Quadratics by the closed form (1 - eta a)^k in
exact rational arithmetic; the cliff by a separate plain-Python loop whose gradient is checked against
central finite differences; cosh by an exact divergence bound, a gradient-flow bound on the step counts,
exact integer arithmetic for the clipped run and a separate loop; IEEE 754 for inf and nan."""

import math
import re
import sys
from fractions import Fraction

import pytest
from support import ROOT, number, output, page, quoted, torch_output, value

PAGE = "causes/step-size.md"



# --- f(x) = a x^2 / 2 ----------------------------------------------------------------------------


def test_quadratic_closed_form() -> None:
    out = output("causes/step_size_quadratic.py")
    a = Fraction(10)
    assert value(out, "step limit 2/a") == "0.2" and float(2 / a) == 0.2
    distance = {}
    for eta_text in ["0.05", "0.17", "0.19", "0.2", "0.21"]:
        factor = 1 - Fraction(eta_text) * a
        distance[eta_text] = abs(factor) ** 40  # x_40 = (1 - eta a)^40 x_0, x_0 = 1
        line = value(out, f"eta = {eta_text}: factor 1 - eta a")
        assert line == f"{float(factor):+.2f}, |x_40| = {float(distance[eta_text]):.4g}"
    for text in ["0.01478", "45.26", "9.095e-13", "6.367e-07", r"\(-0.90\)", r"\(-1.10\)", r"\(-0.70\)",
                 r"\(+0.50\)", r"\(|x_{40}| = 1\)"]:
        quoted(PAGE, text)
    assert Fraction("0.19") == Fraction("0.2") * Fraction("0.95")  # "a 5% change" in the caption
    assert Fraction("0.21") == Fraction("0.2") * Fraction("1.05") and "A 5% change" in page(PAGE)
    ratio = distance["0.21"] / distance["0.19"]
    assert 3000 < ratio < 3100 and "three thousand times" in page(PAGE)
    assert Fraction("0.21") / Fraction("0.19") - 1 == pytest.approx(0.105, abs=1e-3)  # "10% larger"
    torch_out = torch_output("causes/step_size_quadratic_torch.py")
    assert value(torch_out, "lr = 0.19: |x_40|") == f"{float(distance['0.19']):.4g}" == "0.01478"
    assert value(torch_out, "lr = 0.21: |x_40|") == f"{float(distance['0.21']):.4g}" == "45.26"


def test_ill_conditioned_valley() -> None:
    out = output("causes/step_size_valley.py")
    flat, steep = Fraction(1), Fraction(100)
    assert value(out, "step limit 2 / largest curvature") == "0.02"
    for eta_text in ["0.01", "0.019", "0.021"]:
        eta = Fraction(eta_text)
        f1, f2 = 1 - eta * flat, 1 - eta * steep
        assert value(out, f"eta = {eta_text}: factors (flat, steep)") == f"({float(f1):+.3f}, {float(f2):+.3f})"
        x, y = -9 * f1**100, 1 * f2**100  # each coordinate is multiplied by its own factor
        assert value(out, f"eta = {eta_text}: position after 100 steps") == f"({float(x):.4g}, {float(y):.4g})"
    assert f"{float(-9 * (1 - Fraction('0.019')) ** 100):.4g}" == "-1.322"
    assert f"{float((1 - 100 * Fraction('0.021')) ** 100):.4g}" == "1.378e+04"
    best = 2 / (flat + steep)
    rate = (steep - flat) / (steep + flat)
    assert abs(1 - best * flat) == abs(1 - best * steep) == rate  # the best step equalises both sizes
    assert value(out, "best fixed step").startswith(f"{float(best):.4f}, factor per step = {float(rate):.4f}")
    n = 0
    while rate**n > Fraction(1, 1000):  # exact: the smallest n with rate^n <= 1/1000
        n += 1
    assert number(out, "steps to shrink the error 1000-fold at the best step") == n == 346
    for text in ["-1.322", "1.378e+04", r"\(-1.100\)", r"\(+0.981\)", "0.0198", "0.9802", "346 steps",
                 r"\(2 / 100 = 0.02\)", "x = -1.3", "x = -3.3"]:
        quoted(PAGE, text)
    assert f"{-9 * 0.99**100:.1f}" == "-3.3" and f"{-9 * 0.981**100:.1f}" == "-1.3"


# --- the cliff ------------------------------------------------------------------------------------

HEIGHT, SHARPNESS, CENTRE, LR, THRESHOLD = 50.0, 8.0, (2.0, 0.0), 0.3, 1.0


def cliff_loss(x: float, y: float) -> float:
    return ((x - CENTRE[0]) ** 2 + (y - CENTRE[1]) ** 2) / 2 + HEIGHT / (1 + math.exp(-SHARPNESS * (x + y / 2)))


def cliff_gradient(x: float, y: float) -> tuple[float, float]:
    s = 1 / (1 + math.exp(-SHARPNESS * (x + y / 2)))
    wall = HEIGHT * SHARPNESS * s * (1 - s)
    return x - CENTRE[0] + wall, y - CENTRE[1] + wall / 2


def test_cliff_gradient_is_the_derivative() -> None:
    h = 1e-6
    for x, y in [(-6.0, 3.0), (-0.3, 0.2), (0.0, 0.0), (-0.5, -1.0), (1.0, -2.5)]:
        gx = (cliff_loss(x + h, y) - cliff_loss(x - h, y)) / (2 * h)
        gy = (cliff_loss(x, y + h) - cliff_loss(x, y - h)) / (2 * h)
        assert cliff_gradient(x, y) == pytest.approx((gx, gy), rel=1e-6, abs=1e-6)


def walk(clip: bool) -> list[tuple[float, float]]:
    path = [(-6.0, 3.0)]
    for _ in range(30):
        gx, gy = cliff_gradient(*path[-1])
        norm = math.hypot(gx, gy)
        scale = THRESHOLD / norm if clip and norm > THRESHOLD else 1.0
        path.append((path[-1][0] - LR * scale * gx, path[-1][1] - LR * scale * gy))
    return path


def test_cliff_throws_plain_descent_and_not_clipped() -> None:
    out = output("causes/step_size_cliff.py")
    # sigma' peaks at 1/4, so the wall's own gradient peaks at HEIGHT * SHARPNESS / 4 * |(1, 1/2)|.
    steepest = HEIGHT * SHARPNESS / 4 * math.hypot(1, 0.5)
    assert value(out, "steepest slope of the wall alone") == f"{steepest:.1f}" == "111.8"
    quoted(PAGE, "111.8")
    for clip, name in [(False, "gradient descent"), (True, "with norm clipping")]:
        path = walk(clip)
        steps = [math.dist(p, q) for p, q in zip(path, path[1:])]
        losses = [cliff_loss(*p) for p in path]
        for label, expected in [("longest step", max(steps)), ("highest loss on the way", max(losses)),
                                ("loss after 30 steps", losses[-1])]:
            assert number(out, f"{name}: {label}") == pytest.approx(expected, rel=5e-4)
            quoted(PAGE, f"{expected:.4g}")
        if clip:
            assert max(steps) == pytest.approx(LR * THRESHOLD) and max(losses) == losses[0]
        else:
            # A throw is a step that moves away from the bowl's centre: only the wall can do that.
            throws = [s for p, q, s in zip(path, path[1:], steps) if math.dist(q, CENTRE) > math.dist(p, CENTRE)]
            assert len(throws) == 4 and 10 < min(throws) and max(throws) < 23  # the alt text
            far = min(path)
            assert (round(far[0]), round(far[1])) == (-20, -11)
            assert max(losses) / losses[0] > 8 and "more than eight times" in page(PAGE)
            assert losses[-1] < losses[-2] < losses[-3]  # walking back towards the wall
    quoted(PAGE, r"\(\eta \tau = 0.3\)")


# --- cosh from x = 10 -----------------------------------------------------------------------------


def count_steps(eta: float) -> int | None:
    """A separate loop: fixed-step gradient descent on cosh until |x| < 0.01."""
    x, n = 10.0, 0
    while abs(x) >= 0.01:
        if abs(x) > 10.0 or n > 300_000:  # |x| never exceeds 10 unless the step diverges
            return None
        x, n = x - eta * math.sinh(x), n + 1
    return n


def flow_bound(eta: float) -> float:
    """1/sinh decreases on x > 0 and the iterates decrease, so each step lowers F(x) = ln tanh(x/2) (an
    antiderivative of 1/sinh) by at least eta: at most 1 + (F(10) - F(0.01)) / eta steps."""
    return 1 + (math.log(math.tanh(5)) - math.log(math.tanh(0.005))) / eta


def test_cosh_step_one_diverges() -> None:
    out = output("causes/step_size_cosh.py")
    x1 = 10 - math.sinh(10)
    assert abs(x1) > math.asinh(sys.float_info.max)  # so sinh(x_1) overflows: x_2 = x_1 + inf = inf
    assert value(out, "eta = 1: x_1") == f"{x1:,.1f}, x_2 = inf, x_3 = nan"
    assert f"{x1:,.1f}" == "-11,003.2"
    quoted(PAGE, "-11{,}003.2")
    quoted(PAGE, "`inf - inf` = `nan`")


def test_cosh_fixed_steps() -> None:
    out = output("causes/step_size_cosh.py")
    assert value(out, "largest curvature on the way") == f"cosh(10) = {math.cosh(10):,.1f}" == "cosh(10) = 11,013.2"
    quoted(PAGE, "11{,}013.2")
    limit = 20 / math.sinh(10)  # |10 - eta sinh 10| < 10  <=>  eta < 20 / sinh 10
    assert value(out, "fixed steps above 20/sinh(10)") == f"{limit:.4g} diverge"
    quoted(PAGE, f"{limit:.4g}")
    assert f"{100 * limit:.2f}%" == "0.18%" and "at most 0.18% per step" in page(PAGE)  # factor 1 - eta
    assert f"{math.cosh(0.01) - 1:.1e}" == "5.0e-05" and r"within \(5 \times 10^{-5}\)" in page(PAGE)
    assert count_steps(1.001 * limit) is None and count_steps(0.999 * limit) is not None
    cases = {"1/cosh(10)": 1 / math.cosh(10), "2/cosh(10)": 2 / math.cosh(10), "0.999 x 20/sinh(10)": 0.999 * limit}
    for name, eta in cases.items():
        expected = count_steps(eta)
        assert expected is not None and expected <= flow_bound(eta)
        printed = value(out, f"fixed step {name}")
        assert printed == f"{eta:.3g}: steps = {expected:,}"
        quoted(PAGE, f"{expected:,}")
    # For the small steps the count is close to the gradient-flow time (F(10) - F(0.01)) / eta.
    for eta in [1 / math.cosh(10), 2 / math.cosh(10)]:
        assert count_steps(eta) == pytest.approx(flow_bound(eta), rel=0.02)
    assert count_steps(1 / math.cosh(10)) > 10_000 and count_steps(2 / math.cosh(10)) > 10_000
    assert value(out, "fixed step 10/sinh(10)") == f"{10 / math.sinh(10):.3g}: steps = 1"
    quoted(PAGE, r"\(\eta = 10/\sinh 10\)")


def test_cosh_clipped_takes_ten_steps() -> None:
    out = output("causes/step_size_cosh.py")
    # While |sinh x| > 1 the clipped step is exactly eta * 1 = 1, so x_k = 10 - k exactly (integers);
    # sinh(10 - k) > 1 for k <= 9 because 10 - k >= 1 > asinh(1), and x_10 = 0 < 0.01.
    assert all(math.sinh(10 - k) > 1 for k in range(10)) and math.asinh(1) < 1
    assert value(out, "clipped, eta = 1, threshold 1: steps") == "10"
    quoted(PAGE, "10, 9, ..., 1, 0")
    # PyTorch's clip_grad_norm_ scales by max_norm / (norm + 1e-6): each step is 1 - 1e-6/(sinh x + 1e-6)
    # long, so x_10 = sum over x = 10, 9, ..., 1 of 1e-6 / (sinh x + 1e-6), to first order.
    residual = sum(1e-6 / (math.sinh(j) + 1e-6) for j in range(1, 11))
    torch_out = torch_output("causes/step_size_cosh_torch.py")
    clipped = re.search(r"^with clip_grad_norm_: stopped after (\d+) steps at x = (\S+)$", torch_out, re.MULTILINE)
    assert clipped and clipped[1] == "10" and clipped[2] == f"{residual:.3g}" == "1.28e-06"
    quoted(PAGE, r"\(x = 1.28 \times 10^{-6}\)")
    plain = re.search(r"^plain SGD: stopped after (\d+) steps at x = (\S+)$", torch_out, re.MULTILINE)
    assert plain and plain[1] == "2" and plain[2] == "inf"  # x_1 = -11,003.2; sinh(x_1) = -inf
    quoted(PAGE, "`inf` after 2 steps")


def test_cosh_figures_alt_text() -> None:
    text = page(PAGE)
    limit = 20 / math.sinh(10)
    assert f"{limit:.2g}" == "0.0018" and "Every step size above 0.0018 is shaded as diverging" in text
    assert "a step of at most 0.0018 shrinks" in text
    # the figure's smallest step (the snippet's grid starts at 3e-5) needs over 100,000 steps
    assert "np.geomspace(3e-5," in (ROOT / "snippets/causes/step_size_cosh.py").read_text()
    assert count_steps(3e-5) > 100_000 and "from over 100,000 at the smallest step" in text
    marks = [round(count_steps(k / math.cosh(10)), -3) for k in (1, 2)]
    assert marks == [58_000, 29_000] and "marked at about 58,000 and 29,000" in text
