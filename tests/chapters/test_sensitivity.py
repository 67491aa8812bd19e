"""causes/sensitivity.md: every number derived independently. The mean-field quantities (q*, chi) come
from Gauss-Hermite quadrature and fixed-point iteration (the snippets use a Riemann sum and bisection);
measured exponents are compared with the mean-field prediction layer by layer, including its first-order
finite-width correction, with tolerances from that theory's own variance; digamma and trigamma are exact
harmonic sums."""

import math
import re

import numpy as np
import pytest
from support import number, output, page, torch_output, value

PAGE = "causes/sensitivity.md"
GAMMA = float(np.euler_gamma)
NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(121)  # E[f(z)] = sum(w f(z)) / sqrt(2 pi)
WEIGHTS = WEIGHTS / WEIGHTS.sum()
GAINS = {"ordered, g = 0.8": 0.8, "critical, g = 1": 1.0, "chaotic, g = 2": 2.0}


def gauss(values: np.ndarray) -> float:
    return float(np.sum(WEIGHTS * values))


def variance_map(g: float, q: float) -> float:
    """q_(l+1) = g^2 E[tanh(sqrt(q_l) z)^2]: the pre-activation variance of the next layer."""
    return g * g * gauss(np.tanh(math.sqrt(q) * NODES) ** 2)


def slope_moments(q: float) -> tuple[float, float]:
    """m = E[tanh'(a)^2] and k = E[tanh'(a)^4] / m^2 for a ~ N(0, q)."""
    s2 = 1 / np.cosh(math.sqrt(q) * NODES) ** 4
    m = gauss(s2)
    return m, gauss(s2 * s2) / m**2


def fixed_point(g: float) -> float:
    q = 1.0
    for _ in range(3000):
        q = variance_map(g, q)
    return q


def layers(g: float, depth: int, q0: float = 1.0) -> list[float]:
    """Pre-activation variance of layers 1 ... depth for an input with mean square q0."""
    qs = [g * g * q0]
    while len(qs) < depth:
        qs.append(variance_map(g, qs[-1]))
    return qs


def digamma_int(m: int) -> float:
    return -GAMMA + sum(1 / k for k in range(1, m))


def trigamma_int(m: int) -> float:
    return math.pi**2 / 6 - sum(1 / k**2 for k in range(1, m))


def test_mean_field_fixed_point_and_chi() -> None:
    out, text = output("causes/sensitivity_meanfield.py"), page(PAGE)
    for g in [1 / math.sqrt(3), 0.8, 1.0, 5 / 3, 2.0]:
        q = fixed_point(g)
        if g <= 1:
            # tanh(x)^2 < x^2 for x != 0, so g^2 E tanh^2(sqrt(q) z) < q for every q > 0: q* = 0, and the
            # iteration creeps towards it (like 1/(2t) at g = 1).
            assert q < 1e-3
            q = 0.0
        m, k = slope_moments(q)
        chi = g * g * m
        printed = [float(x) for x in re.findall(r"[-+]?\d+\.\d+", value(out, f"g = {g:.3g}"))]
        assert printed[0] == pytest.approx(q, abs=6e-5) and printed[1] == pytest.approx(chi, abs=6e-5)
        assert printed[2] == pytest.approx(math.log(chi) / 2, abs=6e-5)
        assert printed[3] == pytest.approx(-(3 * k - 1) / (4 * 128), abs=6e-5)
        if g > 1:
            assert f"{q:.4f}" in text and f"{chi:.4f}" in text and f"{math.log(chi) / 2:.4f}" in text
    # At q* = 0, tanh'(0) = 1, so chi = g^2: 1 exactly at g = 1, the edge of chaos; k = 1 there and the
    # correction is -1/(2n), the first-order term of the linear random-matrix rate (ln 2 + psi(n/2) - ln n)/2.
    assert (math.log(2) + digamma_int(64) - math.log(128)) / 2 == pytest.approx(-1 / 256, rel=0.01)
    assert f"{math.log(1 / math.sqrt(3)):.4f}" == "-0.5493" and f"{math.log(0.8):.4f}" == "-0.2231"
    assert f"{fixed_point(2.0):.4f}" == "2.1215"
    for quoted in ["0.5493", "0.2231", "0.0039", "0.0079", "0.0103"]:
        assert quoted in text, quoted


def predicted_exponent(g: float, width: int, depth: int, burn_in: int) -> tuple[float, float]:
    """Mean-field exponent per layer averaged over layers burn_in + 1 ... depth, with its first-order
    finite-width correction -(3k - 1)/(4n), and the per-layer standard deviation sqrt((3k - 1)/(4n))."""
    means, variances = [], []
    for q in layers(g, depth)[burn_in:]:
        m, k = slope_moments(q)
        means.append(math.log(g * g * m) / 2 - (3 * k - 1) / (4 * width))
        variances.append((3 * k - 1) / (4 * width))
    return float(np.mean(means)), math.sqrt(float(np.mean(variances)))


def test_lyapunov_exponents() -> None:
    out, text = output("causes/sensitivity_lyapunov.py"), page(PAGE)
    samples = 4 * (100 - 30)  # seeds x layers after the burn-in
    deviations = []
    for g in [0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0]:
        line = value(out, f"g = {g}: measured exponent")
        measured, error = (float(x) for x in line.split("+/-"))
        expected, sd = predicted_exponent(g, 128, 100, 30)
        assert error == pytest.approx(sd / math.sqrt(samples), rel=0.35)
        assert measured == pytest.approx(expected, abs=3.5 * sd / math.sqrt(samples) + 0.002)
        deviations.append(abs(measured - expected) / error)
        if g != 1.0:  # away from the edge q reaches q*, and ln(chi*)/2 is off by the width correction only
            q = 0.0 if g < 1 else fixed_point(g)
            m, k = slope_moments(q)
            assert abs(measured - math.log(g * g * m) / 2) < (3 * k - 1) / (4 * 128) + 3.5 * sd / math.sqrt(samples)
    for g in ["0.8", "1.0", "2.0"]:
        measured, error = value(out, f"g = {g}: measured exponent").split("+/-")
        assert measured.strip().lstrip("+") in text and error.strip() in text, g
    assert max(deviations) < 1.5 and "within 1.5 standard errors" in text  # what the page says
    # The figure: the theory curve ends at about 0.31 at g = 3
    assert f"{math.log(9 * slope_moments(fixed_point(3.0))[0]) / 2:.2f}" == "0.31" and "to about 0.31 at g = 3" in text
    # The edge: just below the fixed point's decay, q_l ~ 1/(2l), so chi_l ~ 1 - 1/l is still below 1.
    qs = layers(1.0, 100)
    assert qs[99] == pytest.approx(1 / (2 * 100), rel=0.25)


def gradient_prediction(g: float, width: int, depth: int) -> tuple[float, float]:
    """Mean and sd of log10 ||d loss / d input|| for a unit readout, to first order in 1/n: each layer
    multiplies ||grad||^2 by (g^2/n) chi^2_n times ||tanh' * grad||^2 / ||grad||^2, whose log has mean
    ln m - 3(k - 1)/(2n) and variance 3(k - 1)/n."""
    mean = var = 0.0
    half = width // 2
    for q in layers(g, depth):
        m, k = slope_moments(q)
        mean += (math.log(g * g * m) + math.log(2) + digamma_int(half) - math.log(width) - 1.5 * (k - 1) / width) / 2
        var += (trigamma_int(half) + 3 * (k - 1) / width) / 4
    return mean / math.log(10), math.sqrt(var) / math.log(10)


def parse(line: str) -> tuple[float, float, float]:
    mean, sd, ratio = re.findall(r"[-+]?\d[\d,]*\.?\d*", line)
    return float(mean), float(sd), float(ratio.replace(",", ""))


@pytest.mark.parametrize("source", ["numpy", "torch"])
def test_gradient_spread_over_seeds(source: str) -> None:
    name = "causes/sensitivity.py" if source == "numpy" else "causes/sensitivity_torch.py"
    out = output(name) if source == "numpy" else torch_output(name)
    text, seeds = page(PAGE), 30
    means = {}
    for label, g in GAINS.items():
        mean, sd, ratio = parse(value(out, f"{label}: log10 gradient at the input"))
        expected_mean, expected_sd = gradient_prediction(g, 64, 100)
        # Sampling error of 30 seeds plus 0.15 decades for terms of order depth / n^2 the theory drops.
        assert mean == pytest.approx(expected_mean, abs=3 * expected_sd / math.sqrt(seeds) + 0.15)
        # The sd of 30 samples has a relative error of 1/sqrt(58) = 13%; allow 3 of those plus 15% model error.
        assert sd == pytest.approx(expected_sd, rel=3 / math.sqrt(2 * (seeds - 1)) + 0.15)
        # The range of 30 near-normal samples is 4.1 sd on average, and between 2.2 and 6.5 sd with >99%.
        assert 2.2 * expected_sd * 0.7 < math.log10(ratio) < 6.5 * expected_sd * 1.3
        means[g] = mean
        if source == "numpy":  # the page quotes the NumPy run; PyTorch's is compared with it below
            assert f"{abs(mean):.2f}" in text and f"{sd:.2f}" in text and f"{ratio:,.0f}" in text, label
    gap = means[2.0] - means[0.8]
    theory_gap = gradient_prediction(2.0, 64, 100)[0] - gradient_prediction(0.8, 64, 100)[0]
    assert gap == pytest.approx(theory_gap, abs=0.5)
    if source == "numpy":
        assert f"{gap:.0f}" == "16" and "16 decades" in text


def test_numpy_and_pytorch_clusters_agree() -> None:
    """The two runs use different random numbers: their means differ by sampling error only."""
    runs = [output("causes/sensitivity.py"), torch_output("causes/sensitivity_torch.py")]
    for label, g in GAINS.items():
        means = [parse(value(out, f"{label}: log10 gradient at the input"))[0] for out in runs]
        allowed = 3 * math.sqrt(2) * gradient_prediction(g, 64, 100)[1] / math.sqrt(30)  # 3 sd of a difference
        assert abs(means[0] - means[1]) < 0.3 < allowed, label
    assert "within 0.3 decades of the NumPy run's, as close as 30 seeds allow" in page(PAGE)


def input_gradients(g: float, seeds: int = 30, width: int = 64, depth: int = 100) -> list[float]:
    """log10 ||d loss / d x|| for each seed of the snippet's experiment, from the same random draws (its
    seed and order: weights, input, readout), computed one gain and one seed at a time with explicit
    pre-activations and Jacobian-transpose products, instead of the snippet's batch over gains."""
    rng = np.random.default_rng(0)
    found = []
    for _ in range(seeds):
        weights = g * rng.standard_normal((depth, width, width)) / math.sqrt(width)
        x = rng.standard_normal(width)
        x = x * math.sqrt(width) / math.sqrt(float(x @ x))
        readout = rng.standard_normal(width)
        v = readout / math.sqrt(float(readout @ readout))
        pre, h = [], x
        for W in weights:
            pre.append(W @ h)
            h = np.tanh(pre[-1])
        for W, a in zip(weights[::-1], pre[::-1]):
            v = W.T @ (v / np.cosh(a) ** 2)  # tanh'(a) = sech^2(a)
        found.append(math.log10(math.sqrt(float(v @ v))))
    return found


def test_histogram_outlier() -> None:
    """The histogram's chaotic cluster has one seed apart from the rest, near 7.6."""
    chaotic = sorted(input_gradients(2.0))
    number_printed = parse(value(output("causes/sensitivity.py"), "chaotic, g = 2: log10 gradient at the input"))[0]
    assert np.mean(chaotic) == pytest.approx(number_printed, abs=0.005)  # the same experiment
    assert f"{chaotic[-1]:.1f}" == "7.6" and chaotic[-1] - chaotic[-2] > 0.5
    assert "with one chaotic seed apart from the rest, near 7.6" in page(PAGE)


def test_one_part_in_a_million() -> None:
    out, text = output("causes/sensitivity_perturb.py"), page(PAGE)
    eps = 1e-6
    for label, g in GAINS.items():
        first, last = (float(x) for x in re.findall(r"\d\.\de[-+]\d+", value(out, f"{label}: median separation at layer 1")))
        # Layer 1: each a_i moves by eps * N(0, q1) independent of a_i, so
        # ||dh|| / ||h|| = eps * sqrt(q1 E[sech^4(a)] / E[tanh^2(a)]) with a ~ N(0, q1), q1 = g^2.
        q1 = g * g
        m, _ = slope_moments(q1)
        ratio = eps * math.sqrt(q1 * m / gauss(np.tanh(math.sqrt(q1) * NODES) ** 2))
        assert first == pytest.approx(ratio, rel=0.25)  # median of 10 seeds at width 64
        change = number(out, f"{label}: largest relative change of the input gradient's norm")
        if g <= 1:
            # No exponential growth of the separation (its exponent is 0 in the linear regime): it stays
            # within a decade of eps, and the gradient moves by an amount of order eps (linear response).
            assert abs(math.log10(last / first)) < 1 and change < 100 * eps
        else:
            # Chaos: eps e^(lambda l) saturates at O(1) (at most sqrt(2) for unrelated activations).
            lam = predicted_exponent(2.0, 64, 100, 0)[0]
            assert math.log10(last) == pytest.approx(min(math.log10(eps) + 100 * lam / math.log(10), 0.15), abs=1)
            assert change > 0.5  # the gradient's size is no longer determined by the first layers alone
        assert f"{first:.1e}" in text and f"{last:.1e}" in text, label
        assert f"{change:.1e}" in text, label
    rate = number(out, "chaotic: growth of ln(separation) per layer, layers 1-60")
    expected, sd = predicted_exponent(2.0, 64, 60, 0)
    # Median over 10 seeds of a 60-layer average: sd / sqrt(60) per seed, about 1.25 / sqrt(10) of that.
    assert rate == pytest.approx(expected, abs=3 * 1.25 * sd / math.sqrt(60 * 10) + 0.005)
    q = fixed_point(2.0)
    m, k = slope_moments(q)
    at_fixed_point = math.log(4 * m) / 2 - (3 * k - 1) / (4 * 64)  # what the page quotes as the theory
    assert f"{rate:.3f}" in text and f"{at_fixed_point:.3f}" == "0.134" and "predicts 0.134" in text


INITS = {  # the initialisers' weight scale g, in units of 1/sqrt(n), from their definitions
    "uniform +-1/sqrt(n) (PyTorch's default)": 1 / math.sqrt(3),  # U(-b, b) has variance b^2 / 3
    "normal, std 1/sqrt(n) (Xavier, gain 1)": 1.0,  # std = gain sqrt(2 / (fan_in + fan_out))
    "normal, std (5/3)/sqrt(n) (Xavier, tanh gain)": 5 / 3,
}


@pytest.mark.parametrize("source", ["numpy", "torch"])
def test_initialisers(source: str) -> None:
    name = "causes/sensitivity_init.py"
    out = output(name) if source == "numpy" else torch_output(name.replace(".py", "_torch.py"))
    text, seeds, weights = page(PAGE), 5, 100 * 64 * 64
    for label, g in INITS.items():
        line = value(out, label)
        g_sample, rate, log10_input = (float(x) for x in re.findall(r"[-+]?\d+\.\d+", line))
        # The sample std of 409,600 weights: relative error sqrt((kurtosis - 1) / 4 / N) < 0.1%.
        assert g_sample == pytest.approx(g, rel=0.003)
        expected, sd = gradient_prediction(g, 64, 100)
        tolerance = 3 * sd / math.sqrt(seeds) + 0.15  # decades: 5 seeds, plus the theory's O(L/n^2)
        assert log10_input == pytest.approx(expected, abs=tolerance)
        assert rate == pytest.approx(expected * math.log(10) / 100, abs=tolerance * math.log(10) / 100 + 0.001)
        if source == "numpy":
            for quoted in [f"{g_sample:.3f}", f"{abs(rate):.3f}", f"10^{{{log10_input:.1f}}}"]:
                assert quoted in text, (label, quoted)
    if source == "torch":  # "about the same in PyTorch": PyTorch's rate for its default against NumPy's
        rates = [float(re.findall(r"[-+]?\d+\.\d+", value(run, list(INITS)[0]))[1]) for run in (out, output(name))]
        assert abs(rates[0] - rates[1]) < 0.01 and "(about the same in PyTorch)" in text
    assert f"{math.log(1 / math.sqrt(3)):.4f}" == "-0.5493" and "-0.5493" in text
