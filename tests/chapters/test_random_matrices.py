"""causes/random-matrices.md: every number derived independently. The growth rates come from the
chi-squared law of ||M v|| with digamma and trigamma in closed form (harmonic sums, Euler's gamma);
tolerances come from the exact variance of the random walk ln||M_k ... M_1 v||; the non-normal matrix's
powers from the Jordan form; random matrices from the circular law and the Bai-Yin edge; a random
matrix's powers from its eigendecomposition instead of repeated multiplication."""

import math
import re

import numpy as np
import pytest
from support import number, output, page, torch_output, value

PAGE = "causes/random-matrices.md"
GAMMA = float(np.euler_gamma)


def digamma(x: float) -> float:
    """psi at an integer or half-integer: psi(m) = -gamma + H_(m-1); psi(m + 1/2) = -gamma - 2 ln 2 + sum 2/(2k-1)."""
    m = math.floor(x)
    if x == m:
        return -GAMMA + sum(1 / k for k in range(1, m))
    assert x - m == 0.5
    return -GAMMA - 2 * math.log(2) + sum(2 / (2 * k - 1) for k in range(1, m + 1))


def trigamma(x: float) -> float:
    """psi' at an integer or half-integer: pi^2/6 - sum 1/k^2, or pi^2/2 - sum 4/(2k-1)^2."""
    m = math.floor(x)
    if x == m:
        return math.pi**2 / 6 - sum(1 / k**2 for k in range(1, m))
    return math.pi**2 / 2 - sum(4 / (2 * k - 1) ** 2 for k in range(1, m + 1))


def rate(n: int) -> float:
    """E ln ||M v|| for an n x n N(0, 1) matrix and a unit v: ||M v||^2 is chi-squared with n degrees of
    freedom, and E ln chi^2_n = ln 2 + psi(n/2)."""
    return (math.log(2) + digamma(n / 2)) / 2


def test_closed_forms() -> None:
    assert digamma(2) == pytest.approx(1 - GAMMA) and digamma(0.5) == pytest.approx(-GAMMA - 2 * math.log(2))
    assert trigamma(2) == pytest.approx(math.pi**2 / 6 - 1) and trigamma(0.5) == pytest.approx(math.pi**2 / 2)
    # Euler's constant as the limit of H_m - ln m (with its 1/(2m) correction), not numpy's constant
    m = 10**6
    euler = sum(1 / k for k in range(1, m + 1)) - math.log(m) - 1 / (2 * m)
    assert f"{euler:.4f}" == "0.5772" and r"\(\gamma \approx 0.5772\)" in page(PAGE)
    # Cross-check psi(2) against a direct Monte Carlo-free definition: E ln chi^2_4 by quadrature.
    x = np.linspace(1e-9, 80, 400_001)
    density = x * np.exp(-x / 2) / 4  # chi-squared, 4 degrees of freedom
    expected_log = np.sum(np.log(x) * density) * (x[1] - x[0])
    assert expected_log == pytest.approx(math.log(2) + digamma(2), abs=1e-4)


def value_error(out: str) -> float:
    """The standard error the snippet prints after +/-."""
    return float(value(out, "measured: ln-norm growth per product").split("+/-")[1])


def test_d2l_experiment() -> None:
    out, text = output("causes/random_matrices.py"), page(PAGE)
    k, trials, n = 100, 1000, 4
    lam = rate(n)
    assert f"{lam:.4f}" == "0.5580" and value(out, "theory: ln-norm growth per product") == "0.5580"
    # ln||P v|| is a sum of k independent terms (1/2) ln chi^2_4, each of variance psi'(2)/4.
    sd_rate = math.sqrt(trigamma(n / 2) / 4 / k)
    se = sd_rate / math.sqrt(trials)
    measured = number(out, "measured: ln-norm growth per product")
    assert measured == pytest.approx(lam, abs=4 * se)
    assert float(value(out, "measured: ln-norm growth per product").split("+/-")[1]) == pytest.approx(se, rel=0.1)
    # The matrix norm: larger by -ln|x_1| for x uniform on the sphere, E = (psi(n/2) - psi(1/2)) / 2.
    offset = (digamma(n / 2) - digamma(0.5)) / 2
    assert value(out, "theory: offset ln||product||_2 - ln||product v||") == f"{offset:.3f}" == "1.193"
    var_matrix = k * trigamma(n / 2) / 4 - (trigamma(0.5) - trigamma(n / 2)) / 4  # Var ln s_1 = Var ln||Pv|| - Var ln|x_1|
    mean_log10 = (k * lam + offset) / math.log(10)
    assert value(out, "theory: mean log10 ||product||_2") == f"{mean_log10:.2f}" == "24.75"
    se_log10 = math.sqrt(var_matrix) / math.log(10) / math.sqrt(trials)
    assert number(out, "measured: mean log10 ||product||_2") == pytest.approx(mean_log10, abs=4 * se_log10)
    matrix_rate = number(out, f"measured: ln||product||_2 / {k}")
    assert matrix_rate == pytest.approx(lam + offset / k, abs=4 * se_log10 * math.log(10) / k)
    assert abs(matrix_rate - measured - offset / k) < value_error(out)  # "to within the standard error"
    sd = math.sqrt(var_matrix) / math.log(10)
    assert number(out, "measured: sd of log10 ||product||_2") == pytest.approx(sd, rel=4 / math.sqrt(2 * (trials - 1)))
    low, high = (float(s) for s in value(out, "measured: smallest, largest log10 ||product||_2").split(","))
    assert mean_log10 - 6 * sd < low < mean_log10 - 2.5 * sd and mean_log10 + 2.5 * sd < high < mean_log10 + 6 * sd
    assert high - low > 9.5  # "ten orders of magnitude"
    for quoted in ["0.5580", "0.5574", "0.0012", "0.5692", "1.193", "24.75", "24.72", "1.64", "19.6", "29.6"]:
        assert quoted in text, quoted
    assert f"{offset / math.log(10):.2f}" == "0.52" and "0.52" in text
    assert f"{math.exp(lam):.2f}" == "1.75" and r"e^{0.558} \approx 1.75" in text
    assert f"{trigamma(2):.4f}" == "0.6449" and "0.6449" in text


def test_random_walk() -> None:
    out, text = output("causes/random_matrices_walk.py"), page(PAGE)
    k, trials = 100, 1000
    mean, sd = k * rate(4) / math.log(10), math.sqrt(k * trigamma(2) / 4) / math.log(10)
    assert value(out, "theory: mean log10 ||M_100 ... M_1 v||") == f"{mean:.2f}" == "24.23"
    assert value(out, "theory: sd of log10 ||M_100 ... M_1 v||") == f"{sd:.2f}" == "1.74"
    assert number(out, "measured: mean log10 ||M_100 ... M_1 v||") == pytest.approx(mean, abs=4 * sd / math.sqrt(trials))
    measured_sd = number(out, "measured: sd of log10 ||M_100 ... M_1 v||")
    assert measured_sd == pytest.approx(sd, rel=4 / math.sqrt(2 * (trials - 1)))
    for quoted in ["24.23", "24.21", "1.74", f"{measured_sd:.2f}"]:
        assert quoted in text, quoted


def test_critical_sigma_and_xavier_scale() -> None:
    out, text = output("causes/random_matrices_sigma.py"), page(PAGE)
    # The figure's dots: the zero crossing in units of 1/sqrt(n), exp(-rate(n)) sqrt(n)
    crossings = {n: math.exp(-rate(n)) * math.sqrt(n) for n in [2, 4, 16, 64]}
    assert f"{crossings[2]:.2f}" == "1.33" and f"{crossings[4]:.2f}" == "1.14"
    assert 1 < crossings[64] < crossings[16] < 1.05  # "just above 1"
    assert "about 1.33 for n = 2, 1.14 for n = 4, and just above 1 for n = 16 and 64" in text
    for n, critical, scaled, at_inverse_sqrt in [(4, "0.5724", "1.1447", "-0.1352"), (64, "0.1260", "1.0079", "-0.0079")]:
        # Entries N(0, sigma^2): every factor scales by sigma, so the rate is rate(n) + ln sigma.
        assert f"{math.exp(-rate(n)):.4f}" == critical
        assert f"{math.exp(-rate(n)) * math.sqrt(n):.4f}" == scaled
        assert f"{rate(n) - math.log(n) / 2:.4f}" == at_inverse_sqrt
        assert value(out, f"critical sigma for n = {n}") == f"{critical} = {scaled} / sqrt(n)"
        assert number(out, f"rate at sigma = 1/sqrt({n})") == float(at_inverse_sqrt)
        for quoted in ([critical] if n == 4 else []) + [scaled, at_inverse_sqrt]:
            assert quoted in text, quoted
    # psi(x) < ln x - 1/(2x) for x > 0, so the rate at 1/sqrt(n) is below -1/(2n) and tends to 0.
    for n in [2, 4, 8, 16, 64, 1024]:
        assert rate(n) - math.log(n) / 2 < -1 / (2 * n) < 0
    assert abs(rate(1024) - math.log(1024) / 2) < 1e-3


def test_width_sweep() -> None:
    out, text = output("causes/random_matrices_width.py"), page(PAGE)
    samples = 50 * 100  # products x trials, all independent steps of the random walk
    for n in [2, 4, 8, 16, 32, 64]:
        line = value(out, f"n = {n:2d}")
        theory, measured, error = (float(x) for x in re.findall(r"[-+]?\d+\.\d+", line))
        expected = rate(n) - math.log(n) / 2
        assert theory == pytest.approx(expected, abs=5e-5)
        se = math.sqrt(trigamma(n / 2) / 4 / samples)
        assert measured == pytest.approx(expected, abs=4 * se)
        assert error == pytest.approx(se, rel=0.3)
        assert abs(measured - expected) < 2.5 * error  # "every width agrees within about two standard errors"
    line4 = value(out, "n =  4")
    line64 = value(out, "n = 64")
    for quoted in re.findall(r"\d+\.\d+", line4) + re.findall(r"\d+\.\d+", line64):
        assert quoted in text, quoted


def jordan_power_norm(a: float, b: float, k: int) -> float:
    """||[[a, b], [0, a]]^k||_2 from the Jordan form: the power is [[p, r], [0, p]] with p = a^k,
    r = k b a^(k-1), whose largest singular value is (|r| + sqrt(r^2 + 4 p^2)) / 2."""
    p, r = a**k, k * b * a ** (k - 1)
    return (abs(r) + math.sqrt(r * r + 4 * p * p)) / 2


def test_non_normal_transient() -> None:
    out, text = output("causes/random_matrices_transient.py"), page(PAGE)
    norms = [1.0] + [jordan_power_norm(0.5, 10.0, k) for k in range(1, 31)]
    assert value(out, "spectral radius rho(W)") == "0.5000"  # triangular: the diagonal
    assert value(out, "largest singular value ||W||_2") == f"{norms[1]:.4f}" == "10.0249"
    peak = max(range(31), key=lambda k: norms[k])
    assert value(out, "largest ||W^k||_2") == f"{norms[peak]:.4f} at k = {peak}" == "10.0249 at k = 1"
    assert f"{norms[2]:.4f}" == "10.0062" and "10.0062" in text
    first_below = next(k for k in range(1, 31) if norms[k] < 1)
    assert number(out, "first k with ||W^k||_2 < 1") == first_below == 8
    gelfand = jordan_power_norm(0.5, 10.0, 100) ** 0.01
    assert value(out, "||W^100||_2^(1/100)") == f"{gelfand:.4f}" == "0.5395"
    # Alternating A = [[0, 2], [0, 0]] and its transpose: BA = diag(0, 4), so five pairs give 4^5.
    assert value(out, "||B A B A ... (10 factors)||_2") == str(4**5)
    assert value(out, "rho(A) = rho(B)") == "0, ||A||_2 = ||B||_2 = 2"
    for quoted in ["10.0249", "0.5395", "1024", "**8**"]:
        assert quoted in text, quoted


def test_random_matrix_powers_by_eigendecomposition() -> None:
    """Regenerate the snippet's random matrix from its seed and take powers as V diag(lambda^k) V^-1."""
    out, text = output("causes/random_matrices_transient.py"), page(PAGE)
    rng = np.random.default_rng(0)
    R = rng.standard_normal((64, 64))
    eigenvalues, vectors = np.linalg.eig(R)
    scale = 0.9 / np.abs(eigenvalues).max()
    inverse = np.linalg.inv(vectors)
    norms = [np.linalg.norm((vectors * (scale * eigenvalues) ** k) @ inverse, ord=2) for k in range(31)]
    line = value(out, "random 64x64, rho = 0.9")
    sigma, peak = (float(x) for x in re.findall(r"\d+\.\d+", line))
    assert sigma == pytest.approx(norms[1], abs=0.006) and peak == pytest.approx(max(norms), abs=0.006)
    # Circular law (radius 1 for entries of variance 1/n) and Bai-Yin (largest singular value 2):
    # for Gaussian matrices ||R||_2 / rho(R) tends to 2; at n = 64 edge effects are about 10%.
    assert sigma / 0.9 == pytest.approx(2, rel=0.15)
    assert f"{sigma:.2f}" in text and f"{peak:.2f}" in text
    # The figure, k = 0 to 30: a peak of about 1.9 near k = 2, below 1 from about k = 9, above 0.9^k throughout
    steps = 30
    assert len(norms) == steps + 1 and f"{max(norms):.1f}" == "1.9" and int(np.argmax(norms)) in (2, 3)
    first_below = next(k for k in range(1, steps + 1) if norms[k] < 1)
    assert first_below in (8, 9, 10) and all(norms[k] > 0.9**k for k in range(1, steps + 1))
    assert "from 0 to 30" in text and "rises to about 1.9 near k = 2, falls below 1 near k = 9" in text


def test_layer_spectrum() -> None:
    """nn.Linear's default init is U(-1/sqrt(n), 1/sqrt(n)), variance 1/(3n): circular law radius
    1/sqrt(3) (edge fluctuations ~ 1/sqrt(n ln n) ~ 3% at n = 256, allow 10%); Bai-Yin edge 2/sqrt(3)
    (Tracy-Widom scale n^(-2/3) ~ 2.5%, allow 5%)."""
    text = page(PAGE)
    runs = [output("causes/random_matrices_spectral.py"), torch_output("causes/random_matrices_spectral_torch.py")]
    for out in runs:
        rho = number(out, "spectral radius rho(W)")
        sigma = number(out, "largest singular value ||W||_2")
        assert rho == pytest.approx(1 / math.sqrt(3), rel=0.10)
        assert sigma == pytest.approx(2 / math.sqrt(3), rel=0.05)
        assert value(out, "stretch of the top singular direction ||W v||") == value(out, "largest singular value ||W||_2")
        # A power-iteration estimate u.Wv with unit u, v never exceeds ||W||_2, so W / estimate has norm >= 1.
        normalised = number(out, "largest singular value of W / estimate")
        assert 1.0 <= normalised < 1.05
    for label in ["spectral radius rho(W)", "largest singular value ||W||_2", "largest singular value of W / estimate"]:
        assert value(runs[0], label) in text, label  # the NumPy run's values; PyTorch's are described in words
    # "all its eigenvalues inside 0.6 yet ... more than 1.1": in theory and in both runs
    assert 1 / math.sqrt(3) < 0.6 and 2 / math.sqrt(3) > 1.1
    for out in runs:
        assert number(out, "spectral radius rho(W)") < 0.6 and number(out, "largest singular value ||W||_2") > 1.1
    assert "all its eigenvalues inside 0.6 yet stretches its top singular direction by more than 1.1" in text
    # "within a few per cent of the same predictions" (PyTorch's run)
    assert number(runs[1], "spectral radius rho(W)") == pytest.approx(1 / math.sqrt(3), rel=0.05)
    assert number(runs[1], "largest singular value ||W||_2") == pytest.approx(2 / math.sqrt(3), rel=0.05)
    assert "within a few per cent of the same predictions" in text
    estimate = number(runs[0], "power-iteration estimate after 15 steps")
    assert estimate <= number(runs[0], "largest singular value ||W||_2") and f"{estimate:.3f}" in text
    assert f"{1 / math.sqrt(3):.3f}" == "0.577" and f"{2 / math.sqrt(3):.3f}" == "1.155"
    assert "0.577" in text and "1.155" in text
