"""fixes/mixed-precision.md: every number derived independently. Flush-to-zero and overflow fractions
from the normal CDF of log10|g| (with the binomial tolerance of the snippet's 100,000 samples); the
scaler's schedule by a second implementation in exact arithmetic (integer exponents, Fractions); the
clipping error in closed form; the sample's counts again with torch.half casting; rounding in exact arithmetic
(Fractions, ties to even) as a second implementation of the three formats; bfloat16 by its format (8-bit significand, round to nearest even) and by
PyTorch's native torch.bfloat16 as a second implementation; the patients by a float16 prediction from
the float32 run and by torch's float16 autograd."""

from __future__ import annotations

import importlib.util
import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from support import keras_output, number, output, page, quoted, torch_output, value

PAGE = "fixes/mixed-precision.md"
SNIPPETS = ["fixes/precision_patients.py", "fixes/precision_scaling.py", "fixes/precision_scaler.py",
            "fixes/precision_clip.py", "fixes/precision_bfloat16.py", "fixes/precision_stall.py"]
FLUSH = 2.0**-25  # half the smallest float16 subnormal 2^-24: at or below it (a tie goes to even, 0) a value is 0
OVERFLOW = 65504 + 16  # float16's largest value plus half its last step 2^(15-10): from here on, inf


def phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def lost_closed_form(k: int) -> tuple[float, float]:
    """Fractions flushed and overflowed at scale 2^k: log10|g| ~ N(-7, 1.5^2), so a normal CDF each."""
    shift = k * math.log10(2)
    return (phi((math.log10(FLUSH) - shift + 7.0) / 1.5),
            1 - phi((math.log10(OVERFLOW) - shift + 7.0) / 1.5))


def round_exact(x: Fraction, bits: int) -> Fraction:
    """x > 0 (a normal number) rounded to `bits` significant bits, ties to even, in exact arithmetic."""
    exponent = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** exponent > x:
        exponent -= 1  # now 2^exponent <= x < 2^(exponent + 1)
    ulp = Fraction(2) ** (exponent - bits + 1)
    whole, rest = divmod(x, ulp)
    if rest > ulp / 2 or (rest == ulp / 2 and whole % 2 == 1):
        whole += 1
    return whole * ulp


# --------------------------------------------------------------------------- the patients
def test_patients_fail_sooner_in_float16() -> None:
    """Patient 1: the float16 run overflows at the first step where the float32 run's activations pass
    float16's largest value. Both: float16 fails earlier than float32."""
    import gradlab  # noqa: PLC0415  (the teaching module is the subject under test)

    largest: list[float] = []
    gradlab.train(**gradlab.mlp_patient(), callback=lambda step, model, grads: largest.append(
        max(float(np.abs(h).max()) for _, h in model.activations())))
    predicted = next(step for step, a in enumerate(largest) if not a < OVERFLOW)
    assert predicted == 1 and largest[0] < 1000
    out = output("fixes/precision_patients.py")
    first = {label: int(value(out, label).split("step ")[1].split()[0]) for label in
             ["patient 1 (MLP), float32", "patient 1 (MLP), float16", "patient 2 (RNN), float32",
              "patient 2 (RNN), float16"]}
    assert first["patient 1 (MLP), float16"] == predicted
    assert first["patient 1 (MLP), float16"] < first["patient 1 (MLP), float32"]
    assert first["patient 2 (RNN), float16"] < first["patient 2 (RNN), float32"] / 5
    quoted(PAGE, "step 2 to step 1", "step 55 to step 6")


def test_float32_largest_value_closed_form() -> None:
    largest = (2 - Fraction(1, 2**23)) * 2**127  # the largest significand times the largest exponent
    assert float(largest) == float(np.finfo(np.float32).max) and f"{float(largest):.1e}" == "3.4e+38"
    quoted(PAGE, r"about \(3.4 \times 10^{38}\)")


def test_rnn_gradient_in_float16_by_torch() -> None:
    """Patient 2's first gradient, written again with torch autograd: float16 gives a norm near 517,
    float32 one near 4,458 (torch's float16 matmul accumulates differently, hence the tolerance)."""
    torch = pytest.importorskip("torch")
    import gradlab  # noqa: PLC0415

    patient = gradlab.rnn_patient()
    params, task = patient["model"].params, patient["task"]
    rows = np.random.default_rng(0).choice(len(task.x), 32, replace=False)
    norms = {}
    for dtype in [torch.float32, torch.float16]:
        p = {k: torch.tensor(v, dtype=dtype, requires_grad=True) for k, v in params.items()}
        x, y = torch.tensor(task.x[rows], dtype=dtype), torch.tensor(task.y[rows], dtype=dtype)
        h = torch.zeros(32, 32, dtype=dtype)
        for t in range(x.shape[1]):
            h = torch.tanh(h @ p["W"] + x[:, t] @ p["U"] + p["b"])
        ((h @ p["V"] + p["c"] - y) ** 2).mean().backward()
        norms[dtype] = math.sqrt(sum(float((q.grad.double() ** 2).sum()) for q in p.values()))
    out = output("fixes/precision_patients.py")
    printed16 = float(value(out, "patient 2 (RNN), float16").split("= ")[1].replace(",", ""))
    printed32 = float(value(out, "patient 2 (RNN), float32").split("= ")[1].replace(",", ""))
    assert printed16 == pytest.approx(norms[torch.float16], rel=0.05)
    assert printed32 == pytest.approx(norms[torch.float32], rel=1e-3)
    quoted(PAGE, "517", "4,458")


# --------------------------------------------------------------------------- loss scaling
@pytest.mark.parametrize("k", [0, 10, 16, 24])
def test_scaling_fractions_from_the_normal_cdf(k: int) -> None:
    n, centre, sigma = 100_000, -7.0, 1.5
    zero = phi((math.log10(FLUSH) - k * math.log10(2) - centre) / sigma)
    inf = 1 - phi((math.log10(OVERFLOW) - k * math.log10(2) - centre) / sigma)
    line = value(output("fixes/precision_scaling.py"), f"scale 2^{k}")
    printed = [float(x) / 100 for x in re.findall(r"= ([\d.]+) %", line)]
    for expected, got in zip([zero, inf], printed):
        tolerance = 4.5 * math.sqrt(expected * (1 - expected) / n) + 0.000005 + 1 / n  # binomial, print, 1 sample
        assert got == pytest.approx(expected, abs=tolerance)
    quoted(PAGE, f"{100 * zero:.2f} %" if zero > 0.001 else f"{100 * zero:.3f} %")
    if k == 24:
        quoted(PAGE, f"{100 * inf:.2f} %")


def test_scaling_quotes_by_the_closed_form() -> None:
    """The page's percentages, the figures' alt text and captions, from the normal CDF alone."""
    pct = {k: tuple(100 * f for f in lost_closed_form(k)) for k in range(33)}
    assert f"{pct[0][0]:.2f}" == "36.30" and round(pct[0][0]) == 36 and 0.30 < pct[0][0] / 100 < 0.37  # a third
    assert f"{pct[10][0]:.2f}" == "0.92" and round(pct[10][0]) == 1
    assert f"{pct[16][0]:.3f}" == "0.018" and f"{pct[24][0]:.3f}" == "0.000" and f"{pct[24][1]:.2f}" == "0.11"
    assert f"{sum(pct[16]):.2f}" == "0.02"  # caption of figure 1: all but 0.02 % fits at 2^16
    floor = [k for k, (zero, inf) in pct.items() if zero + inf < 0.1]
    assert floor == list(range(14, 24))  # caption of figure 2: 2^14 to 2^23 lose less than 0.1 %
    assert all(pct[k][0] < 0.1 for k in range(14, 33))  # "near 0 from 14 on" (0.1 % of a 36 % axis)
    assert all(pct[k][1] < 0.25 for k in range(26)) and pct[27][1] < 1 < pct[28][1] and round(pct[32][1]) == 7
    # figure 1's lines and centres: log10 of the flush threshold and of float16's largest value
    assert f"{math.log10(FLUSH):.1f}" == "-7.5" and f"{math.log10(65504):.1f}" == "4.8"
    assert round(-7 + math.log10(2**16)) == -2
    quoted(PAGE, "36.30 %", "0.92 %", "0.11 %", "36 % at scale 1", "about 1 % at 10", "near 0 from 14 on",
           "passing 1 % at 28, to about 7 % at 32", "minus 7.5", "about 4.8", "centred near minus 2",
           "all but 0.02 %", "from 2^14 to 2^23 loses less than 0.1 %")


def test_sample_counts_by_torch_half() -> None:
    """The snippet's sample counted again: the same draws (the inputs), cast by torch's float16 instead of
    NumPy's; the printed percentages and what the sweep figure shows follow."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    draws = torch.from_numpy(10.0 ** rng.normal(-7.0, 1.5, 100_000) * rng.choice([-1.0, 1.0], 100_000))
    pct = {}
    for k in range(33):
        half = (draws * 2.0**k).to(torch.float16)
        pct[k] = (100 * float((half == 0).double().mean()), 100 * float(torch.isinf(half).double().mean()))
    out = output("fixes/precision_scaling.py")
    for k in [0, 10, 16, 24]:
        assert value(out, f"scale 2^{k}") == (f"flushed to zero = {pct[k][0]:.3f} %, "
                                              f"overflowed to inf = {pct[k][1]:.3f} %")
    assert round(pct[0][0]) == 36 and round(pct[10][0]) == 1 and round(pct[32][1]) == 7
    assert [k for k, (zero, inf) in pct.items() if zero + inf < 0.1] == list(range(14, 24))
    assert pct[27][1] < 1 < pct[28][1]


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")
def test_float16_window() -> None:
    assert np.float16(FLUSH) == 0 and np.float16(np.nextafter(FLUSH, 1)) == 2.0**-24
    assert np.isinf(np.float16(OVERFLOW)) and np.float16(np.nextafter(OVERFLOW, 0)) == 65504
    assert f"{FLUSH:.3g}" == "2.98e-08" and f"{math.log10(2**16):.2f}" == "4.82"
    assert f"{2.0**-24:.3g}" == "5.96e-08"
    assert np.float16(2.0**-24) > 0 and np.isinf(np.float16(2.0**16))  # from 2^-24 up to below 2^16
    assert math.log2(2.0**16 / 2.0**-24) == 40
    quoted(PAGE, "a window of 40 binades")
    quoted(PAGE, r"\(2^{-25} \approx 2.98 \times 10^{-8}\)", "65,520", "4.82 decades", "5.96e-08", "65,504")


# --------------------------------------------------------------------------- the dynamic scaler
def demonstration() -> list[Fraction]:
    """The largest |gradient| of each of the 80 steps: 4, a spike of 400 at step 25, 0.25 from step 40."""
    largest = [Fraction(4)] * 40 + [Fraction(1, 4)] * 40
    largest[25] = Fraction(400)
    return largest


def schedule(first_exponent: int, interval: int, largest: list[Fraction] | None = None,
             dots: dict[int, int] | None = None) -> tuple[list[int], int]:
    """The scaler's rule again, on exponents: the step overflows when largest * 2^k >= 65520. `dots`
    collects log2 of each clean step's scaled gradient (all powers of 2 here, so exact)."""
    k, clean, skipped = first_exponent, 0, []
    for step, g in enumerate(demonstration() if largest is None else largest):
        scaled = g * Fraction(2) ** k
        if scaled >= OVERFLOW:
            skipped.append(step)
            k, clean = k - 1, 0
        else:
            if dots is not None:
                dots[step] = scaled.numerator.bit_length() - scaled.denominator.bit_length()
            clean += 1
            k, clean = (k + 1, 0) if clean == interval else (k, clean)
    return skipped, k


def test_scaler_schedule_by_hand() -> None:
    # by hand: 4 x 2^14 = 65536 overflows, 4 x 2^13 = 32768 fits; 0.25 x 2^17 = 32768 fits
    assert 4 * 2**14 >= OVERFLOW > 4 * 2**13 and Fraction(1, 4) * 2**18 >= OVERFLOW > Fraction(1, 4) * 2**17
    quoted(PAGE, "65,536", "32,768")
    skipped, last = schedule(16, 10)
    assert skipped == [0, 1, 2, 13, 24, 25] and last == 17
    out = output("fixes/precision_scaler.py")
    assert value(out, "skipped steps") == ", ".join(map(str, skipped))
    assert value(out, "steps skipped") == f"{len(skipped)} of 80"
    assert value(out, "scale at step 3") == "2^13" and value(out, "scale at step 26") == "2^12"
    assert value(out, "scale at the last step") == f"2^{last}"
    quoted(PAGE, "0, 1, 2, 13, 24, 25")


def test_scaler_figure_as_described() -> None:
    """The alt text's top panel: dots at 15 from step 3 to 39 but 14 for steps 26-35; 11 at step 40,
    one level up every 10 steps, 15 at the end; crosses (no dots) at the skipped steps."""
    dots: dict[int, int] = {}
    skipped, _ = schedule(16, 10, dots=dots)
    early = {step: e for step, e in dots.items() if step < 40}
    assert min(early) == 3 and max(early) == 39 and set(early) == set(range(3, 40)) - set(skipped)
    assert {step for step, e in early.items() if e == 14} == set(range(26, 36))
    assert all(e == 15 for step, e in early.items() if not 26 <= step <= 35)
    late = [dots[step] for step in range(40, 80)]
    assert late[0] == 11 and late[-1] == 15 and sorted(late) == late
    assert [late.count(level) for level in range(11, 16)] == [6, 10, 10, 10, 4]  # 10 steps per level
    quoted(PAGE, "blue dots at 15 from step 3 to step 39 except at 14 for steps 26 to 35",
           "the dots drop to 11 and climb one level every 10 steps back to 15")


def test_equilibrium_costs_one_step_in_growth_interval_plus_one() -> None:
    """With PyTorch's default growth_interval (read in its source below), a gradient that fits at 2^15
    and not at 2^16 settles into: 2000 clean steps, one skipped step (the doubling overflows), halving."""
    interval = 2000
    largest = [Fraction(1)] * (3 * (interval + 1) + 1)  # 1 x 2^16 = 65536 overflows, 1 x 2^15 fits
    skipped, _ = schedule(16, interval, largest)
    assert skipped == [0, 2001, 4002, 6003]
    period = skipped[1] - skipped[0]
    assert period == interval + 1 == 2001 and all(b - a == period for a, b in zip(skipped, skipped[1:]))
    quoted(PAGE, "one skipped step in 2001")


def test_scaler_in_the_frameworks() -> None:
    skipped, last = schedule(16, 10)
    t = torch_output("fixes/precision_scaler_torch.py")
    assert value(t, "skipped steps") == ", ".join(map(str, skipped)) and value(t, "scale at the last step") == f"2^{last}"
    skipped, last = schedule(15, 10)
    assert skipped == [0, 1, 12, 23, 25]
    k = keras_output("fixes/precision_scaler_keras.py")
    assert value(k, "initial scale") == "2^15"
    assert value(k, "skipped steps") == ", ".join(map(str, skipped)) and value(k, "scale at the last step") == f"2^{last}"
    quoted(PAGE, "0, 1, 12, 23, 25")


def source(package: str, relative: str) -> str:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        pytest.skip(f"{package} not installed")
    return (Path(spec.origin).parent / relative).read_text()


def test_defaults_read_in_the_sources() -> None:
    torch_src = source("torch", "amp/grad_scaler.py")
    for default in ["init_scale: float = 2.0**16", "growth_factor: float = 2.0", "backoff_factor: float = 0.5",
                    "growth_interval: int = 2000"]:
        assert default in torch_src
    keras_src = source("keras", "src/optimizers/loss_scale_optimizer.py")
    assert "initial_scale=2.0**15" in keras_src and "dynamic_growth_steps=2000" in keras_src
    quoted(PAGE, "`growth_interval=2000`", "`dynamic_growth_steps=2000`", "`initial_scale=2.0**15`")


# --------------------------------------------------------------------------- unscale before clipping
def test_clipping_order_closed_form() -> None:
    scale, true_norm = 2**16, 5.0  # |(3, 4)| = 5
    wrong = 1.0 / (true_norm * scale + 1e-6) * true_norm * scale / scale
    right = 1.0 / (true_norm + 1e-6) * true_norm
    out = output("fixes/precision_clip.py")
    assert value(out, "norm of the update, wrong order") == f"{wrong:.4g}" == "1.526e-05"
    assert value(out, "norm of the update, right order") == f"{right:.4f}"
    assert number(out, "norm the clip sees, wrong order") == true_norm * scale == 327_680
    assert value(out, "too strict by a factor of") == f"{scale:,}"
    t = torch_output("fixes/precision_clip_torch.py")
    assert value(t, "right order") == f"clip_grad_norm_ returned 5, norm of the update = {right:.4e}"
    assert value(t, "wrong order") == f"clip_grad_norm_ returned 327,680, norm of the update = {wrong:.4e}"
    k = keras_output("fixes/precision_clip_keras.py")
    assert value(k, "norm of the update") == f"{right:.4f}"
    assert "ValueError" in value(k, "global_clipnorm on LossScaleOptimizer itself")
    threshold = 1.0 / scale  # max_norm / s, where the wrong-order curve leaves the diagonal
    assert f"{threshold:.2g}" == "1.5e-05"
    # the figure's range (printed by the snippet) must show both knees, each with two decades to spare
    low, high = (float(x.replace(",", "")) for x in value(out, "true gradient norms plotted").split(" to "))
    assert low * 100 <= threshold and 1.0 * 100 <= high and f"{low:.0e}" == "1e-08" and high == 1000
    quoted(PAGE, "327,680", "1.526e-05", "65,536 times", "at about 1.5e-05", "above 1.5e-05",
           "from 1e-8 to 1000", "1.5e-05 (red) and 1 (blue)")


# --------------------------------------------------------------------------- bfloat16
def test_bfloat16_rounding_error_closed_form() -> None:
    u = Fraction(1, 2**8)  # unit roundoff of an 8-bit significand
    worst = u / (1 + u)  # x = 1 + 2^-8, halfway between 1 and 1 + 2^-7, rounds (to even) down to 1
    line = f"{float(worst):.6g}, at x = {1 + 2**-8:.10g}"
    assert value(output("fixes/precision_bfloat16.py"), "largest relative rounding error") == line
    assert value(torch_output("fixes/precision_bfloat16_torch.py"), "largest relative rounding error") == line
    quoted(PAGE, "0.00389105", "1.00390625", r"\(2^{-8} = 0.0039\)")
    assert f"{2**-8:.4f}" == "0.0039"


def test_bfloat16_lost_updates() -> None:
    """w + u == w when u < half an ulp of w; for w log-uniform over an octave (mantissa m), and u = r w,
    that is m < 2^-8 / r (bfloat16), 2^-11 / r (float16): a fraction log2(2^-8 / r) of the weights."""
    out = output("fixes/precision_bfloat16.py")
    for name, k, top in [("bfloat16", 8.5, 8), ("float16", 11.5, 11)]:
        expected = math.log2(2.0**-top / 2.0**-k)
        tolerance = 4.5 * math.sqrt(0.25 / 20_000) + 2 / 128  # sampling, plus the grid of representable m
        assert number(out, f"{name}: updates lost at u/w = 2^-{k}") == pytest.approx(expected, abs=tolerance)
    torch = pytest.importorskip("torch")
    update = torch.tensor(0.001, dtype=torch.bfloat16)
    frozen = [float(w) for w in torch.arange(2000, 6000).mul(1e-4).to(torch.bfloat16).unique()
             if (w + update) == w]
    assert min(frozen) == 0.5
    half_ulp = Fraction(1, 2**9)  # in [0.5, 1) the ulp is 2^-8
    assert Fraction(float(update)) < half_ulp and Fraction(float(update)) > Fraction(1, 2**10)
    assert value(out, "smallest bfloat16 weight an update of 0.001 cannot move") == "0.5"
    assert value(torch_output("fixes/precision_bfloat16_torch.py"),
                 "smallest bfloat16 weight an update of 0.001 cannot move") == "0.5"
    quoted(PAGE, r"\(2^{-9}\)", r"\(2^{-8}\)")


def test_frozen_weights_by_exact_rounding() -> None:
    """bfloat16 (8 significant bits): in [0.5, 1) the spacing is 2^-8, so w + 0.001 rounds back to w;
    in [0.25, 0.5) it is 2^-9 and bfloat16(0.001) is above half of it. Exact arithmetic, ties to even."""
    update = round_exact(Fraction(0.001), 8)
    assert f"{float(update):.6f}" == "0.000999" and Fraction(1, 2**10) < update < Fraction(1, 2**9)
    for w in [Fraction(1, 2), Fraction(3, 4), Fraction(255, 256), Fraction(1), Fraction(3, 2)]:
        assert round_exact(w + update, 8) == w  # frozen from 0.5 up
    for w in [Fraction(1, 4), Fraction(3, 8), Fraction(255, 512)]:
        assert round_exact(w + update, 8) > w  # moves below 0.5
    assert round_exact(Fraction(1, 2) + Fraction(1, 2**8), 8) > Fraction(1, 2)  # the spacing in [0.5, 1)
    assert f"{2**-9:.5f}" == "0.00195" and f"{2**-10:.6f}" == "0.000977"
    quoted(PAGE, r"\(2^{-9} \approx 0.00195\)", r"\(2^{-10} \approx 0.000977\)", "0.000999 in bfloat16",
           "every bfloat16 weight of magnitude 0.5 or more is frozen")


def test_stall_by_format() -> None:
    """float16: the update rounds to 0.001000..., above half an ulp 2^-11 at [1, 2), below 1.5 ulp, so
    each step adds one ulp 2^-10 and 1000 of them stay below 2. bfloat16: 0.001 < 2^-8, half an ulp: 0."""
    f16_update = float(np.float16(0.001))
    assert 2**-11 < f16_update < 1.5 * 2**-10 and 1 + 1000 * 2**-10 < 2
    expected = {"float32": 2.0, "float16": 1 + 1000 * 2**-10, "bfloat16": 1.0}
    out = output("fixes/precision_stall.py")
    for name, w in expected.items():
        assert number(out, f"{name}: weight after 1000 updates") == pytest.approx(w, abs=1e-4)
        assert number(torch_output("fixes/precision_bfloat16_torch.py"),
                      f"{name}: weight after 1000 updates") == pytest.approx(w, abs=1e-4)
    assert f"{2**-10:.6f}" == "0.000977"
    quoted(PAGE, "1.9766", "0.000977", "2.0000", "1.0000")


def test_stall_by_exact_rounding() -> None:
    """A second implementation of the three formats: each sum rounded to 24, 11 or 8 significant bits in
    exact arithmetic (Fractions, ties to even), 1000 times; the weights stay in [1, 2], all normal."""
    final = {}
    for name, bits in [("float32", 24), ("float16", 11), ("bfloat16", 8)]:
        w, u = round_exact(Fraction(1), bits), round_exact(Fraction(0.001), bits)
        for _ in range(1000):
            w = round_exact(w + u, bits)
        final[name] = w
    assert final["float16"] == 1 + Fraction(1000, 2**10) and final["bfloat16"] == 1
    out = output("fixes/precision_stall.py")
    for name, w in final.items():
        assert value(out, f"{name}: weight after 1000 updates") == f"{float(w):.4f}"
    assert f"{float(final['float16']):.2f}" == "1.98" and f"{float(final['float32']):.0f}" == "2"
    quoted(PAGE, "rises in a straight line from 1 to 2", "to about 1.98", "a flat line at 1")


def test_page_shows_everything() -> None:
    text = page(PAGE)
    for name in SNIPPETS:
        assert name in text
    assert text.count("](snippet:fixes/precision_") >= 4
