"""causes/initialisation.md: every number derived independently of the snippets.

Theory used here:
- Mean-field recursions for a wide MLP with N(0, g^2/n) weights and no bias, evaluated with the
  trapezoid rule on a fine grid (the snippets use Gauss-Hermite quadrature or plain simulation):
  q_{l+1} = g^2 E[phi(h)^2] and E|grad_l|^2 = chi(q_l) E|grad_{l+1}|^2, chi(q) = g^2 E[phi'(h)^2],
  h ~ N(0, q_l). For ReLU both factors are exactly g^2 / 2.
- Finite-width corrections from the per-layer squared-norm factor: for a Gaussian layer it is
  (g^2 / n) times a sum of n independent terms. For ReLU each term is m z^2 with m a fair coin and z
  standard normal: mean 1/2, variance 3/2 - 1/4 = 5/4, so the factor's relative variance is 5/n and,
  by the delta method, E[ln factor] = ln(mean) - 5/(2n). For tanh in its near-linear regime it is a
  chi-square with n degrees of freedom: relative variance 2/n. We bound tanh by the ReLU value 5/n.
- Tolerances are bias + 4 standard deviations of that noise, with the number of effectively
  independent inputs stated where it is used.
"""

import math
import re
from fractions import Fraction
from typing import Callable

import numpy as np
import pytest
from support import number, output, page, torch_output, value

PAGE = "causes/initialisation.md"
WIDTH, DEPTH = 256, 50  # the snippets' network
C_RELU, C_TANH = 5.0, 5.0  # relative variance of the per-layer squared-norm factor, times n (bound for tanh)

Z = np.linspace(-9.0, 9.0, 901)
GAUSS = np.exp(-(Z**2) / 2) / math.sqrt(2 * math.pi) * (Z[1] - Z[0])  # trapezoid weights for E[f(z)]


def expect(f, q: float) -> float:
    """E[f(h)] for h ~ N(0, q), by the trapezoid rule."""
    return float(np.sum(GAUSS * f(math.sqrt(q) * Z)))


def tanh_q(gain: float, q: float) -> float:
    return gain**2 * expect(lambda h: np.tanh(h) ** 2, q)


def tanh_chi(gain: float, q: float) -> float:
    return gain**2 * expect(lambda h: np.cosh(h) ** -4, q)


def tanh_log_ratio(gain: float, depth: int, q0: float = 1.0) -> float:
    """Mean-field ln(E|grad_1|^2 / E|grad_depth|^2) for a tanh MLP fed inputs of variance q0."""
    q, total = gain**2 * q0, 0.0
    for _ in range(depth - 1):
        total += math.log(tanh_chi(gain, q))
        q = tanh_q(gain, q)
    return total


def tanh_std(gain: float, layer: int) -> float:
    """Mean-field std of the pre-activations h_layer for unit-variance inputs."""
    q = gain**2
    for _ in range(layer - 1):
        q = tanh_q(gain, q)
    return math.sqrt(q)


def field(out: str, label: str, name: str) -> str:
    """From a line `label: a = 1, b = 2`, the text of the value named `name`."""
    return re.search(rf"{re.escape(name)} = ([^,\s]+)", value(out, label))[1]


def bisect(f, lo: float, hi: float, steps: int = 40) -> float:
    for _ in range(steps):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
    return (lo + hi) / 2


def tanh_fixed_point(gain: float) -> float:
    """q* by plain fixed-point iteration from q = 1 (the snippet bisects instead)."""
    q = 1.0
    for _ in range(20000):
        q_next = tanh_q(gain, q)
        if abs(q_next - q) < 1e-14:
            break
        q = q_next
    return q


# --- the mechanism: mean-field theory -------------------------------------------------------------


def test_chi_at_the_fixed_point() -> None:
    out = output("causes/initialisation_mean_field.py")
    text = page(PAGE)
    for gain in [0.9, 1.0]:  # q* = 0 and tanh'(0) = 1, so chi = g^2 exactly
        expected = f"{gain**2:.4f}"
        assert value(out, f"chi at the fixed point, gain {gain:.2f}") == expected
    assert "0.8100" in text
    # the figure: the tanh curve reaches about 1.36 at g = 2, the right end of its axis
    assert f"{tanh_chi(2.0, tanh_fixed_point(2.0)):.2f}" == "1.36" and "to about 1.36 at g = 2" in text
    for gain in [1.1, 1.5, 5 / 3]:  # q* > 0: computed here by iteration and the trapezoid rule
        expected = tanh_chi(gain, tanh_fixed_point(gain))
        assert expected > 1  # the growing (chaotic) side for every gain above 1
        printed = value(out, f"chi at the fixed point, gain {gain:.2f}")
        assert printed == f"{expected:.4f}"
        assert printed in text


def test_finite_depth_critical_gain_of_the_theory() -> None:
    out = output("causes/initialisation_finite_depth.py")
    for depth in [50, 200, 1000]:
        expected = bisect(lambda g: tanh_log_ratio(g, depth), 1.0, 1.6, steps=30)
        printed = value(out, f"critical gain at depth {depth}")
        assert printed == f"{expected:.3f}"
        assert printed in page(PAGE)
    # and it tends to 1, the infinitely deep critical point, as depth grows
    assert 1.0 < bisect(lambda g: tanh_log_ratio(g, 5000), 1.0, 1.1, steps=12) < 1.03


# --- the experiment: 50-layer simulation ----------------------------------------------------------


def test_numerical_critical_gains() -> None:
    out = output("causes/initialisation_critical.py")
    text = page(PAGE)
    layers = DEPTH - 1  # gradient factors between layer 1 and layer 50

    # ReLU: theory sqrt(2), shifted up by the finite-width bias to sqrt(2) exp(5 / (4 n)). Inputs of a
    # deep ReLU net become correlated, so count the batch as one effective input (conservative).
    relu = number(out, "relu: critical gain (ratio = 1)")
    shifted = math.sqrt(2) * math.exp(C_RELU / (4 * WIDTH))
    sigma = math.sqrt(C_RELU / (WIDTH * layers)) / 2  # std of ln(critical gain) for one input
    assert abs(math.log(relu / shifted)) < 4 * sigma + 0.0005
    assert f"{relu:.3f}" in text and f"{shifted:.3f}" == "1.421" and r"e^{5/(4n)} = 1.421" in text
    assert f"{math.sqrt(2):.3f}" == "1.414" and "dotted theory line at 1.414" in text
    assert f"{100 * (relu / math.sqrt(2) - 1):.1f} %" in text  # how far above sqrt(2)
    assert f"{100 * C_RELU / (4 * WIDTH):.1f} %" in text  # the predicted shift
    assert f"{100 * sigma:.0f} %" in text  # one network's scatter

    # tanh: the 50-layer mean-field crossing; the slope of ln(ratio^2) there converts noise to gain.
    theory = bisect(lambda g: tanh_log_ratio(g, DEPTH), 1.0, 1.6, steps=30)
    slope = (tanh_log_ratio(theory + 1e-3, DEPTH) - tanh_log_ratio(theory - 1e-3, DEPTH)) / 2e-3
    batch = 16  # tanh is odd and has no bias: uncorrelated inputs stay uncorrelated, so all 16 count
    bias = layers * C_TANH / (2 * WIDTH) / slope
    noise = math.sqrt(C_TANH * layers / (WIDTH * batch)) / slope
    tanh = number(out, "tanh: critical gain (ratio = 1)")
    assert abs(tanh - theory) < bias + 4 * noise
    assert tanh > 1.1  # clearly not the infinitely deep value 1
    assert f"{theory:.2f}" == "1.19" and "the finite-depth value near 1.19" in text  # the caption
    assert f"{tanh:.3f}" in text


def test_gradient_ratios_at_fixed_gains() -> None:
    out = output("causes/initialisation_critical.py")
    text = page(PAGE)
    layers = DEPTH - 1
    # tanh at g = 1 and 5/3 against the mean-field ratio (of norms: half the log of the squared ratio)
    for gain in [1.0, 5 / 3]:
        printed = number(out, f"tanh: gradient ratio layer 1 / layer 50 at gain {gain:.2f}")
        theory = tanh_log_ratio(gain, DEPTH) / 2
        tolerance = layers * C_TANH / (4 * WIDTH) + 4 * math.sqrt(C_TANH * layers / (WIDTH * 16)) / 2
        assert abs(math.log(printed) - theory) < tolerance
        assert value(out, f"tanh: gradient ratio layer 1 / layer 50 at gain {gain:.2f}") in text
    # ReLU at g = 1 (Xavier on square layers): (1/2)^(49/2) up to the finite-width factor
    printed = number(out, "relu: gradient ratio layer 1 / layer 50 at gain 1.00")
    theory = layers / 2 * (math.log(0.5) - C_RELU / (2 * WIDTH))
    assert abs(math.log(printed) - theory) < 4 * math.sqrt(C_RELU * layers / WIDTH) / 2
    assert value(out, "relu: gradient ratio layer 1 / layer 50 at gain 1.00") in text


def test_depth_profiles() -> None:
    out = output("causes/initialisation_depth.py")
    text = page(PAGE)
    layers = DEPTH - 1
    # tanh: forward factor per layer is (g^2/n) chi-square_n (relative variance 2/n, bias -1/n in ln);
    # 16 uncorrelated inputs.
    for gain in [0.8, 1.0, 1.2, 5 / 3]:
        printed = float(field(out, f"tanh, gain {gain:.2f}", "std(h_50)"))
        theory = tanh_std(gain, DEPTH)
        tolerance = layers / (2 * WIDTH) + 4 * math.sqrt(2 * layers / (WIDTH * 16)) / 2
        assert abs(math.log(printed / theory)) < tolerance, (gain, printed, theory)
    for gain in [0.8, 1.0, 1.2]:
        assert field(out, f"tanh, gain {gain:.2f}", "std(h_50)") in text
    for gain in [1.0, 1.2, 5 / 3]:  # the figure's ReLU row, quoted as printed
        assert field(out, f"relu, gain {gain:.2f}", "std(h_50)") in text
    assert f"{math.sqrt(tanh_fixed_point(1.2)):.2f}" == "0.50" and "0.50" in text  # sqrt(q*) at g = 1.2
    assert tanh_std(1.0, DEPTH) == pytest.approx(1 / math.sqrt(2 * DEPTH), rel=0.1)  # q_l ~ 1 / (2 l)
    assert r"1/\sqrt{2 \cdot 50} = 0.1" in text
    # ReLU: std(h_50) = std(h_1) (g^2/2)^(49/2), with the log-normal spread of one network
    for gain in [1.0, 1.2, math.sqrt(2), 5 / 3]:
        printed = float(field(out, f"relu, gain {gain:.2f}", "std(h_50)"))
        theory = math.log(gain) + layers / 2 * (math.log(gain**2 / 2) - C_RELU / (2 * WIDTH))
        assert abs(math.log(printed) - theory) < 4 * math.sqrt(C_RELU * layers / WIDTH) / 2, gain
    he = field(out, f"relu, gain {math.sqrt(2):.2f}", "std(h_50)")
    he_1 = field(out, f"relu, gain {math.sqrt(2):.2f}", "std(h_1)")
    assert abs(float(he_1) / math.sqrt(2) - 1) < 0.03  # std(h_1) = g std(x): 4096 samples
    assert f"{he}, against {he_1} at layer 1" in text
    spread = math.sqrt(C_RELU * layers / WIDTH) / 2  # std of ln std(h_50) for one input
    assert f"{spread:.2f}" == "0.49" and "0.49" in text


def test_he_versus_xavier() -> None:
    out = output("causes/initialisation_he_xavier.py")
    text = page(PAGE)
    # Same draws, weights scaled by 1/sqrt(2): relu(c h) = c relu(h) for c > 0, so layer l shrinks by
    # exactly (1/sqrt 2)^l; at l = 30 that is 2^-15, up to floating-point rounding.
    exact = Fraction(1, 2**15)
    assert value(out, "Xavier / He at layer 30") == f"{float(exact):.4e}" == "3.0518e-05"
    assert value(out, "log2(Xavier / He) at layer 30") == f"{-15:.6f}"
    assert "3.0518e-05" in text and "2^{-15}" in text
    # He keeps the variance: std(h_1) = sqrt(2) std(x) (4096 samples: 3 % is over 4 standard errors)
    he_1 = float(field(out, "He", "std(h_1)"))
    assert abs(he_1 / math.sqrt(2) - 1) < 0.03
    he_30 = float(field(out, "He", "std(h_30)"))
    bias, sigma = -29 * C_RELU / (4 * WIDTH), math.sqrt(C_RELU * 29 / WIDTH) / 2
    assert abs(math.log(he_30 / math.sqrt(2)) - bias) < 4 * sigma
    xavier_30 = float(field(out, "Xavier", "std(h_30)"))
    assert xavier_30 / he_30 == pytest.approx(float(exact), rel=2e-3)  # both printed to 3-4 digits
    for quoted in [f"{he_30:.3f}", f"{xavier_30:.3g}"]:
        assert quoted in text


def glorot_theory(variance_times_n: float) -> tuple[list[float], float]:
    """Mean-field activation std per layer, and grad-std ratio layer 5 / layer 1, for 5 tanh layers."""
    q, stds, chis = variance_times_n * 1.0, [], []
    for _ in range(5):
        stds.append(math.sqrt(expect(lambda h: np.tanh(h) ** 2, q)))
        chis.append(expect(lambda h: np.cosh(h) ** -4, q))
        q = variance_times_n * stds[-1] ** 2
    # E grad_l^2 = E[tanh'(h_l)^2] * n Var(W) * E grad_{l+1}^2 for the square hidden layers
    ratio_1_to_5 = math.prod(variance_times_n * c for c in chis[:4])
    return stds, 1 / math.sqrt(ratio_1_to_5)


def test_glorot_histograms() -> None:
    out = output("causes/initialisation_glorot.py")
    text = page(PAGE)
    n, batch = 500, 100
    # U[-a, a] has variance a^2 / 3: standard a = 1/sqrt(n) gives n Var = 1/3; normalised
    # a = sqrt(6 / (n + n)) gives n Var = 1.
    for name, variance_times_n in [("standard", Fraction(1, 3)), ("normalised", Fraction(6, 2 * n) / 3 * n)]:
        stds, grad_ratio = glorot_theory(float(variance_times_n))
        printed = [float(s) for s in value(out, f"{name}: activation std by layer").split()]
        # 50,000 values per layer from 100 uncorrelated inputs; relative std of the variance
        # <= sqrt(2 * 5 / (n * batch)) = 1.4 %, i.e. 0.7 % on the std; 4 % is over 5 of those
        for got, expected in zip(printed, stds):
            assert got == pytest.approx(expected, rel=0.04)
        grads = [float(g) for g in value(out, f"{name}: gradient std by layer").split()]
        # the gradients of a batch share a 10-dimensional origin (10 classes): fewer effective
        # inputs, so allow 10 %
        assert grads[-1] / grads[0] == pytest.approx(grad_ratio, rel=0.10)
        for quoted in [printed[0], printed[-1]]:
            assert f"{quoted:.3f}" in text
        for quoted in [grads[0], grads[-1]]:
            assert f"{quoted:.2e}" in text
        assert f"{grad_ratio:.2g}" == {"standard": "12", "normalised": "2.4"}[name]
        assert f"a ratio of {grad_ratio:.2g}" in text
    assert Fraction(6, 2 * n) / 3 == Fraction(2, n + n)  # the normalised init is Var = 2 / (n_in + n_out)


# --- in your framework ------------------------------------------------------------------------------

SCHEME_STD = {  # the std each recipe gives a 256 x 256 layer, from its formula
    "standard": math.sqrt(1 / (3 * WIDTH)),  # U(-1/sqrt(n), 1/sqrt(n)): a^2 / 3
    "xavier": math.sqrt(2 / (WIDTH + WIDTH)),  # Var = 2 / (n_in + n_out)
    "he": math.sqrt(2 / WIDTH),  # Var = 2 / n_in
}
SCHEME_RATIO = {  # ReLU: std(h_50) / std(h_1) = (n Var / 2)^(49/2), times the finite-width factor
    name: (DEPTH - 1) / 2 * (math.log(WIDTH * std**2 / 2) - C_RELU / (2 * WIDTH)) for name, std in SCHEME_STD.items()
}


def check_schemes(out: str, labels: dict[str, str]) -> None:
    n_weights = DEPTH * WIDTH * WIDTH
    for key, label in labels.items():
        # standard error of a sample std: sqrt((kurtosis - 1) / (4 N)); kurtosis 1.8 (uniform), 3 (normal)
        kurtosis = 3.0 if key == "he" else 1.8
        standard_error = SCHEME_STD[key] * math.sqrt((kurtosis - 1) / (4 * n_weights))
        assert abs(number(out, f"{label}: weight std") - SCHEME_STD[key]) < 5 * standard_error + 5e-5
        ratio = number(out, f"{label}: std(h_50) / std(h_1)")
        assert abs(math.log(ratio) - SCHEME_RATIO[key]) < 4 * math.sqrt(C_RELU * (DEPTH - 1) / WIDTH) / 2


def test_schemes_numpy_and_pytorch() -> None:
    out = output("causes/initialisation_schemes.py")
    check_schemes(out, {"standard": "uniform +-1/sqrt(n)", "xavier": "Xavier uniform", "he": "He normal"})
    text = page(PAGE)
    assert [f"{SCHEME_STD[key]:.4f}" for key in SCHEME_STD] == ["0.0361", "0.0625", "0.0884"]
    for key in SCHEME_STD:
        assert f"{SCHEME_STD[key]:.4f}" in text
    for label in ["uniform +-1/sqrt(n)", "Xavier uniform", "He normal"]:
        assert value(out, f"{label}: std(h_50) / std(h_1)") in text
    assert round(24.5 * math.log10(1 / 6)) == -19 and r"(1/6)^{49/2} \approx 10^{-19}" in text
    torch_out = torch_output("causes/initialisation_schemes_torch.py")
    check_schemes(torch_out, {"standard": "nn.Linear default", "xavier": "xavier_uniform_", "he": "kaiming_normal_"})
    assert value(torch_out, "calculate_gain('relu')") == f"{math.sqrt(2):.4f}"
    assert value(torch_out, "calculate_gain('tanh')") == f"{5 / 3:.4f}"
    assert '`torch.nn.init.calculate_gain("tanh")` \\(= 5/3\\)' in text


def gaussian_mean(f: Callable[[np.ndarray], np.ndarray], q: float) -> float:
    """E[f(h)], h ~ N(0, q), by a trapezoid rule on a fine grid over +-12 standard deviations."""
    z = np.linspace(-12.0, 12.0, 24001)
    return float(np.trapezoid(f(math.sqrt(q) * z) * np.exp(-z * z / 2), z) / math.sqrt(2 * math.pi))


def fixed_point_chi(phi: Callable[[np.ndarray], np.ndarray], slope: Callable[[np.ndarray], np.ndarray], g: float) -> tuple[float, float]:
    """q* = g^2 E[phi(h)^2] by iteration from q = 1, and chi(q*) = g^2 E[phi'(h)^2]."""
    q = 1.0
    for _ in range(400):
        q = g * g * gaussian_mean(lambda h: phi(h) ** 2, q)
    return q, g * g * gaussian_mean(lambda h: slope(h) ** 2, q)


def test_sigmoid_is_not_served_by_xaviers_variance() -> None:
    def sigmoid(h: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-h))

    def sigmoid_slope(h: np.ndarray) -> np.ndarray:
        return sigmoid(h) * (1 - sigmoid(h))

    grid = np.linspace(-20, 20, 400001)
    assert sigmoid_slope(grid).max() == pytest.approx(0.25, abs=1e-12)  # so chi <= g^2 / 16
    _, chi_xavier = fixed_point_chi(sigmoid, sigmoid_slope, 1.0)
    _, chi_four = fixed_point_chi(sigmoid, sigmoid_slope, 4.0)
    assert f"{chi_xavier:.3f}" == "0.056" and f"{chi_four:.2f}" == "0.40"
    below, above = fixed_point_chi(sigmoid, sigmoid_slope, 9.5)[1], fixed_point_chi(sigmoid, sigmoid_slope, 10.5)[1]
    assert below < 1 < above  # the critical gain is about 10
    text = page(PAGE)
    assert r"\(\chi \le g^2/16\)" in text and r"\(\chi(q^*) = 0.056\)" in text and "gives 0.40" in text
    assert "critical gain (about 10)" in text
    assert "for tanh or sigmoid layers" not in text  # the old advice


def test_a_flat_tanh_forward_profile_is_not_criticality() -> None:
    """Every tanh gain above 1 has a stable positive fixed point q*, so the forward std levels off; but
    chi(q*) > 1 there, so the gradient still grows: the flat forward line is not the critical gain."""
    for g in [1.2, 5 / 3]:
        q_star, chi = fixed_point_chi(np.tanh, lambda h: 1 / np.cosh(h) ** 2, g)
        assert q_star > 0.1 and chi > 1
    caption = "A flat forward line does not mean a critical gain: every tanh gain above 1 levels off at its own fixed point"
    assert caption in page(PAGE) and "only the critical gain gives a flat line" not in page(PAGE)
