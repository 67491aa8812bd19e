"""symptoms/instruments.md: the instruments are tested on a model whose per-layer gradient norms are known
in closed form (a linear chain with hand-set weights and a quadratic loss: each gradient is an outer
product, whose norm is the product of two vector norms, computed here in exact integer arithmetic);
clipping and GradScaler behaviour is derived from IEEE 754 rules and the documented update rules, and
the per-layer growth of the profile figure from mean-field theory. PyTorch variants run with torch 2.13."""

import math
from fractions import Fraction
from typing import Callable

import numpy as np
import pytest
from support import number, output, page, torch_output, value

PAGE = "symptoms/instruments.md"


def chain_gradient_norms_squared() -> dict[str, int]:
    """x = (1, 2), W0 = 2I, W1 = 3I, W2 = (1 1), target 10: y = 1*6*1 + 1*6*2 = 18, residual r = 8.
    |u v^T|^2 = |u|^2 |v|^2 for each outer product, all in integers."""
    r = 8
    x_sq = 1**2 + 2**2  # |x|^2
    w0x_sq = 4 * x_sq  # |W0 x|^2 = |(2, 4)|^2
    w1w0x_sq = 9 * w0x_sq  # |W1 W0 x|^2 = |(6, 12)|^2
    w2t_r_sq = 2 * r**2  # |W2^T r|^2 = |(8, 8)|^2
    w1t_w2t_r_sq = 9 * w2t_r_sq  # |(24, 24)|^2
    return {"0.weight": w1t_w2t_r_sq * x_sq, "1.weight": w2t_r_sq * w0x_sq, "2.weight": r**2 * w1w0x_sq}


def test_closed_form_of_the_known_chain() -> None:
    squares = chain_gradient_norms_squared()
    assert squares == {"0.weight": 24**2 * 10, "1.weight": 16**2 * 10, "2.weight": 48**2 * 5}
    assert sum(squares.values()) == 11520 + 2560 + 5760 == 19840
    for quoted in [r"48\sqrt{5}", r"16\sqrt{10}", r"24\sqrt{10}", r"\sqrt{11520 + 2560 + 5760} = \sqrt{19840}"]:
        assert quoted in page(PAGE)


@pytest.mark.parametrize("variant", ["numpy", "torch"])
def test_per_layer_norms_match_the_closed_form(variant: str) -> None:
    name = "symptoms/instruments_layer_norms.py"
    out = output(name) if variant == "numpy" else torch_output(name.replace(".py", "_torch.py"))
    squares = chain_gradient_norms_squared()
    for layer, square in squares.items():
        assert number(out, f"grad norm {layer}") == pytest.approx(math.sqrt(square), rel=1e-6)
        assert f"**{math.sqrt(square):.4f}**" in page(PAGE)
    total = math.sqrt(sum(squares.values()))
    assert number(out, "total grad norm") == pytest.approx(total, rel=1e-6)
    assert f"**{total:.4f}**" in page(PAGE)


@pytest.mark.parametrize("variant", ["numpy", "torch"])
def test_clip_grad_norm_returns_the_norm_before_clipping(variant: str) -> None:
    name = "symptoms/instruments_clip_monitor.py"
    out = output(name) if variant == "numpy" else torch_output(name.replace(".py", "_torch.py"))
    total = math.sqrt(19840)  # the closed form above, computed independently of any gradient code
    max_norm = 1.0
    logged = number(out, "returned (and logged) norm")
    assert logged == pytest.approx(total, rel=1e-6) and logged > max_norm
    after = max_norm * total / (total + 1e-6)  # every gradient times min(max_norm / (total + 1e-6), 1)
    assert number(out, "norm after clipping") == pytest.approx(after, abs=1e-6)
    assert value(out, "norm after clipping") == f"{after:.6f}" == "1.000000"
    assert value(out, "clipping coefficient") == f"{max_norm / (total + 1e-6):.6f}" == f"{1 / total:.6f}"
    text = page(PAGE)
    assert f"**{total:.4f}**" in text and "**1.000000**" in text and f"**{1 / total:.6f}**" in text


def fmt(values: list[float]) -> str:
    return ", ".join(str(v) for v in values)


@pytest.mark.parametrize("variant", ["numpy", "torch"])
def test_what_clipping_does_to_nonfinite_norms(variant: str) -> None:
    name = "symptoms/instruments_nonfinite.py"
    out = output(name) if variant == "numpy" else torch_output(name.replace(".py", "_torch.py"))
    # Derivations, case by case (IEEE 754: x * 0 = 0 for finite x, inf * 0 = NaN, NaN * x = NaN):
    # one inf: the total norm is inf, 1 / (inf + 1e-6) = 0, so finite entries become 0 and inf becomes NaN.
    assert 1.0 / (math.inf + 1e-6) == 0.0 and math.isnan(math.inf * 0.0)
    expected = {
        "one inf": ("inf", [0.0, math.nan], [0.0, 0.0]),
        "one NaN": ("nan", [math.nan, math.nan], [math.nan, math.nan]),
        # 2e19 is finite, but its square exceeds the float32 maximum, so the float32 norm is inf.
        "finite but 2e19": ("inf", [0.0, 0.0], [0.0, 0.0]),
    }
    assert float(np.float32(2e19)) ** 2 > float(np.finfo(np.float32).max)
    for case, (total, bad_after, healthy_after) in expected.items():
        assert value(out, f"{case}: total norm") == total
        assert value(out, f"{case}: bad layer after clipping") == fmt(bad_after)
        assert value(out, f"{case}: healthy layer after clipping") == fmt(healthy_after)
        if variant == "torch":
            assert value(out, f"{case}: error_if_nonfinite=True") == "RuntimeError"
    if variant == "numpy":
        assert value(out, "one inf: clipping coefficient") == "0.0"
        assert value(out, "one NaN: clipping coefficient") == "nan"
        # sqrt of the float32 maximum, (2 - 2^-23) 2^127, is just under 2^64.
        limit = math.sqrt((2 - 2**-23) * 2.0**127)
        assert value(out, "norm above which float32 squares overflow") == f"{limit:.3e}" == "1.845e+19"
        assert "**1.845e+19**" in page(PAGE)
    else:
        message = value(out, "RuntimeError message")
        assert message.startswith("The total norm of order 2.0 for gradients from `parameters` is non-finite")
        assert message in page(PAGE)
    text = page(PAGE)
    assert "**0.0, 0.0**" in text and "**0.0, nan**" in text


def test_clipping_leaves_gradients_untouched_when_it_raises() -> None:
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.zeros(2))
    p.grad = torch.tensor([1.0, math.inf])
    with pytest.raises(RuntimeError, match="non-finite"):
        torch.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    assert p.grad[0].item() == 1.0 and p.grad[1].item() == math.inf


def test_detect_anomaly_names_the_op_where_inf_meets_zero() -> None:
    out = output("symptoms/instruments_anomaly.py")
    # d sqrt(t)/dt at t = 0 is 1 / (2 * 0) = inf; the square's backward is 2 * (a - b) * inf = 0 * inf.
    assert value(out, "distance (forward)") == "0.0"
    assert value(out, "SqrtBackward0 output") == "inf"
    assert value(out, "SumBackward0 output") == "inf, inf"
    assert value(out, "PowBackward0 output") == "nan, nan"
    assert value(out, "first op whose output has a NaN") == "PowBackward0"
    tout = torch_output("symptoms/instruments_anomaly_torch.py")
    assert value(tout, "distance (forward)") == "0.0"
    assert value(tout, "gradient without anomaly mode") == "nan, nan"
    error = value(tout, "RuntimeError")
    assert error == "Function 'PowBackward0' returned nan values in its 0th output."
    assert f"RuntimeError: {error}" in page(PAGE)
    warning = value(tout, "UserWarning")
    assert warning == "Error detected in PowBackward0. Traceback of forward call that caused the error:"
    assert warning in page(PAGE)
    assert value(tout, "forward line") == "distance = torch.sqrt(((a - b) ** 2).sum())"
    assert value(tout, "gradient with torch.linalg.vector_norm") == "0.0, 0.0" and "`0.0, 0.0`" in page(PAGE)


def test_detect_anomaly_ignores_inf_and_forward_nan() -> None:
    torch = pytest.importorskip("torch")
    t = torch.tensor([0.0], requires_grad=True)
    with pytest.warns(UserWarning), torch.autograd.detect_anomaly():
        torch.sqrt(t).sum().backward()  # backward returns inf, not NaN: no error
    assert t.grad.item() == math.inf
    u = torch.tensor([-1.0], requires_grad=True)
    with pytest.warns(UserWarning), torch.autograd.detect_anomaly():
        forward = torch.sqrt(u)  # NaN in the forward pass: no error yet
        assert math.isnan(forward.item())
        with pytest.raises(RuntimeError, match="SqrtBackward0"):
            forward.sum().backward()


@pytest.mark.parametrize("variant", ["numpy", "torch"])
def test_grad_scaler_finds_the_float16_ceiling_then_collapses(variant: str) -> None:
    name = "symptoms/instruments_grad_scaler.py"
    out = output(name) if variant == "numpy" else torch_output(name.replace(".py", "_torch.py"))
    gradient, init_exponent, interval, nan_from, steps = Fraction(1, 100), 16, 50, 420, 620
    float16_max = 65504
    # Largest exponent e with 0.01 * 2^e representable in float16 (values >= 65520 round to inf).
    ceiling = max(e for e in range(40) if gradient * 2**e < 65520)
    assert ceiling == 22 and gradient * 2**22 < float16_max < gradient * 2**23
    assert f"{float(gradient * 2**22):,.0f}" == "41,943" and f"{float(gradient * 2**23):,.0f}" == "83,886"
    # Growth by 2 after every 50 clean steps: 2^(16 + k) during steps 50k .. 50k + 49, so 2^23 is first
    # used at step 50 * (23 - 16) = 350, which overflows; back to 2^22 with the streak reset, and the
    # next 50 clean steps (351 .. 400) lift it to 2^23 again for step 401. The next try would be 452.
    first_skip = interval * (ceiling + 1 - init_exponent)
    second_skip = first_skip + interval + 1
    assert (first_skip, second_skip) == (350, 401) and second_skip + interval + 1 > nan_from
    assert value(out, "largest scale") == f"2^{ceiling + 1}"
    assert value(out, "skipped steps before the NaN") == f"{first_skip}, {second_skip}"
    assert value(out, "scale when the NaN arrives") == f"2^{ceiling}"
    # From then on every step is skipped and halves the scale; 2^(22 - k) in float32 is exactly 0 once
    # 22 - k < -149 rounds down: 2^-150 is halfway to the smallest subnormal and ties go to even (0).
    assert value(out, "skipped steps from then on") == f"{steps - nan_from} of {steps - nan_from}"
    assert np.float32(2.0**-149) > 0 and np.float32(2.0**-150) == 0
    assert number(out, "first step with scale 0") == nan_from + ceiling + 150 == 592
    text = page(PAGE)
    assert "**350, 401**" in text and "**200 of 200**" in text and "step **592**" in text
    assert r"22 + 150 = 172" in text and "41{,}943" in text and "83{,}886" in text and "65,504" in text


def gaussian_mean(f: Callable[[np.ndarray], np.ndarray], panels: int = 48) -> float:
    """E[f(z)], z ~ N(0, 1), by composite 32-point Gauss-Legendre on [-12, 12] (the snippet uses a
    Riemann sum on a uniform grid: a different rule, so agreement is evidence of convergence)."""
    nodes, weights = np.polynomial.legendre.leggauss(32)
    edges = np.linspace(-12.0, 12.0, panels + 1)
    total = 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        z = (a + b) / 2 + (b - a) / 2 * nodes
        total += (b - a) / 2 * float(np.sum(weights * f(z) * np.exp(-z * z / 2)))
    return total / math.sqrt(2 * math.pi)


def mean_field_growth(sigma: float, average: Callable[[Callable[[np.ndarray], np.ndarray]], float] = gaussian_mean) -> float:
    """sqrt(chi) for a tanh network without biases: q* solves q = sigma^2 E[tanh(sqrt(q) z)^2], and
    chi = sigma^2 E[tanh'(sqrt(q*) z)^2], z ~ N(0, 1)."""
    q = 1.0
    for _ in range(300):
        q = sigma**2 * average(lambda z: np.tanh(math.sqrt(q) * z) ** 2)
    return math.sqrt(sigma**2 * average(lambda z: (1 - np.tanh(math.sqrt(q) * z) ** 2) ** 2))


def hermite_101(f: Callable[[np.ndarray], np.ndarray]) -> float:
    """The rule the page used to quote: 101-node Gauss-Hermite, not converged at sigma_w = 3."""
    z, w = np.polynomial.hermite_e.hermegauss(101)
    return float(np.sum(w * f(z)) / np.sum(w))


def test_profile_growth_matches_mean_field_theory() -> None:
    out = output("symptoms/instruments_profile.py")
    converged = mean_field_growth(3.0)
    assert abs(converged - mean_field_growth(3.0, lambda f: gaussian_mean(f, panels=96))) < 1e-9
    for sigma in [2.0, 3.0]:  # the chaotic phase, where q* > 0 and the theory's factor exceeds 1
        measured = number(out, f"sigma_w = {sigma}: growth per layer toward the input")
        # Width 64 and 19 layers: finite-width fluctuations and the transient from q = 1 to q* allow a
        # few percent; the theory predicts the factor, not the sample.
        assert measured == pytest.approx(mean_field_growth(sigma), rel=0.04)
    assert number(out, "sigma_w = 3.0: mean-field growth per layer, sqrt(chi)") == pytest.approx(converged, abs=6e-5)
    assert f"{converged:.4f}" == "1.3638"
    assert f"{mean_field_growth(3.0, hermite_101):.3f}" == "1.366"  # the old, unconverged value
    text = page(PAGE)
    assert r"\(\sqrt{\chi} \approx\) **1.3638**" in text and "**1.357**" in text
    assert r"\(\sqrt{\chi} \approx\) **1.366**" not in text and "would give 1.366" in text
    assert value(out, "sigma_w = 3.0: growth per layer toward the input") == "1.357"


def torch_profile(sigma: float) -> tuple[list[float], list[float]]:
    """Per-layer weight-gradient norms (layer 1 first) and activation RMS of the profile's network, by torch
    autograd in float64: 20 tanh layers, 64 wide, weights N(0, sigma^2 / 64), a N(0, 1 / 64) readout and
    the loss sum((out - target)^2) / (2 * 64), from the inputs and weights the snippet draws (seeds 0, 1)."""
    torch = pytest.importorskip("torch")
    rng, init = np.random.default_rng(0), np.random.default_rng(1)
    x, target = torch.tensor(rng.normal(size=(64, 64))), torch.tensor(rng.normal(size=(64, 1)))
    weights = [torch.tensor(init.normal(size=(64, 64)) * sigma / 8, requires_grad=True) for _ in range(20)]
    readout = torch.tensor(init.normal(size=(64, 1)) / 8)
    h, rms = x, []
    for w in weights:
        h = torch.tanh(h @ w)
        rms.append(float(h.detach().pow(2).mean().sqrt()))
    (((h @ readout - target) ** 2).sum() / (2 * 64)).backward()
    return [float(w.grad.norm()) for w in weights], rms


def test_profile_figure_by_torch() -> None:
    out = output("symptoms/instruments_profile.py")
    assert value(out, "network") == "20 tanh layers, 64 units wide"
    ends = {}
    for sigma in [0.5, 1.0, 2.0, 3.0]:
        norms, rms = torch_profile(sigma)
        ends[sigma] = (f"{norms[0]:.2g}", f"{norms[-1]:.2g}")
        assert value(out, f"sigma_w = {sigma}: gradient norm at layer 1") == f"{ends[sigma][0]}, at layer 20 = {ends[sigma][1]}"
        if sigma >= 2:  # the activations keep their size from layer 2 on, within 10 %
            assert max(rms[1:]) / min(rms[1:]) < 1.1
    assert ends[3.0] == ("1.6e+02", "0.5") and ends[2.0] == ("11", "0.85") and ends[1.0] == ("0.24", "0.18")
    assert all(round(math.log10(float(v))) == -6 for v in ends[0.5])
    text = page(PAGE)
    for quoted in ["from 160 at layer 1 to 0.5 at layer 20", "falls from 11 to 0.85", "stays flat between 0.24 and 0.18",
                   "stays flat near 10 to the -6", "for a 20-layer tanh network, 64 units wide",
                   r"at \(\sigma_w = 2\) and 3 the activations keep the same size from layer to layer"]:
        assert quoted in text, quoted


def test_float32_limits_and_the_documented_grad_scaler_rule() -> None:
    """float32's largest value is (2 - 2^-23) 2^127, about 3.4e38, and its square root about 1.8e19.
    GradScaler's growth_interval default is 2000 (read from PyTorch itself); in the snippet's run the
    interval is 50, so a scale that overflows is retried after 50 clean steps: one skip every 51 steps."""
    largest = (2 - Fraction(1, 2**23)) * 2**127
    assert f"{float(largest):.2g}" == "3.4e+38" and f"{math.sqrt(largest):.1e}" == "1.8e+19"
    text = page(PAGE)
    assert r"\(\sqrt{3.4 \times 10^{38}}\) = **1.845e+19**" in text
    assert r"a finite norm above \(1.8 \times 10^{19}\) in float32" in text
    first, second = (int(s) for s in value(output("symptoms/instruments_grad_scaler.py"), "skipped steps before the NaN").split(", "))
    interval = 50
    assert second - first == interval + 1 == 51 and "one every 51 steps" in text
    torch = pytest.importorskip("torch")
    assert torch.amp.GradScaler("cpu").get_growth_interval() == 2000
    assert "after `growth_interval` (default 2000)" in text
