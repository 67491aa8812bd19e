"""causes/floating-point.md: every number derived independently of the snippets.

The formats come from the IEEE 754 formulas with exact rational arithmetic; rounding is emulated with
fractions (round to nearest, ties to even, with subnormals and overflow); NaN and inf rules are
checked with Python's own floats; the NaN pattern in the MLP is rebuilt from the forward values the
snippet prints, with IEEE rules, not by rerunning its code.
"""

import math
from fractions import Fraction

import pytest
from support import number, output, page, torch_output, value

PAGE = "causes/floating-point.md"
LAYOUTS = {"float16": (5, 10), "bfloat16": (8, 7), "float32": (8, 23), "float64": (11, 52)}  # (E, f)
INF, NAN = math.inf, math.nan


def limits(exponent_bits: int, fraction_bits: int) -> list[Fraction]:
    """Largest, smallest normal, smallest subnormal and epsilon of an IEEE binary format."""
    e_max = 2 ** (exponent_bits - 1) - 1
    e_min = 1 - e_max
    two = Fraction(2)
    return [(2 - two**-fraction_bits) * two**e_max, two**e_min, two ** (e_min - fraction_bits), two**-fraction_bits]


def to_format(x: Fraction | float, layout: tuple[int, int] = LAYOUTS["float16"]) -> Fraction | float:
    """Round x to the nearest value of the format (ties to even); inf beyond its range."""
    if isinstance(x, float) and not math.isfinite(x):
        return x
    x = Fraction(x)
    if x == 0:
        return Fraction(0)
    e_min = 2 - 2 ** (layout[0] - 1)
    e = math.floor(math.log2(abs(x)))  # a first guess, corrected exactly below
    while Fraction(2) ** e > abs(x):
        e -= 1
    while Fraction(2) ** (e + 1) <= abs(x):
        e += 1
    e = max(e, e_min)  # subnormals share the lowest exponent
    quantum = Fraction(2) ** (e - layout[1])
    rounded = round(x / quantum) * quantum  # Fraction rounding is half-to-even
    if abs(rounded) > limits(*layout)[0]:
        return math.copysign(INF, x)
    return rounded


def div(a: Fraction | float, b: Fraction | float) -> Fraction | float:
    """IEEE division: 0/0 is NaN, x/0 is a signed inf."""
    if b == 0:
        return NAN if a == 0 else math.copysign(INF, a)
    return Fraction(a) / Fraction(b)


# --- the table -------------------------------------------------------------------------------------


def check_table(out: str) -> None:
    for name, layout in LAYOUTS.items():
        printed = value(out, name).split()
        assert printed == [f"{float(x):.5g}" for x in limits(*layout)], name


def test_format_table() -> None:
    check_table(output("causes/floating_point_formats.py"))
    text = page(PAGE)
    for name, (e_bits, f_bits) in LAYOUTS.items():
        row = " | ".join(f"{float(x):.5g}" for x in limits(e_bits, f_bits))
        assert f"| {name} | {e_bits}, {f_bits} | {row} |" in text, name
    assert limits(*LAYOUTS["float16"])[0] == 65504


def test_format_table_in_pytorch() -> None:
    check_table(torch_output("causes/floating_point_formats_torch.py"))


def test_overflow_threshold_and_bfloat16_precision() -> None:
    text = page(PAGE)
    largest = limits(*LAYOUTS["float16"])[0]
    step = Fraction(2) ** (15 - 10)  # spacing of float16 numbers in [2^15, 2^16)
    assert step == 32 and r"2^{15-10} = 32" in text
    assert largest + step / 2 == 65520 and "65504 + 16 = 65520" in text
    assert to_format(Fraction(65519)) == 65504 and to_format(Fraction(65520)) == INF
    assert to_format(Fraction(256) ** 2) == INF and to_format(Fraction(255) ** 2) == 65024
    assert r"256^2 = 65536" in text
    assert f"{float(limits(*LAYOUTS['bfloat16'])[3])}" == "0.0078125" and "0.0078125" in text
    assert f"{float(limits(*LAYOUTS['bfloat16'])[0]):.2e}" == "3.39e+38" and r"3.39 \times 10^{38}" in text


# --- inf and NaN -----------------------------------------------------------------------------------


def test_inf_and_nan_rules() -> None:
    out = output("causes/floating_point_inf_nan.py")
    assert to_format(Fraction(65504) * 2) == INF and value(out, "65504 * 2 in float16") == "inf"
    assert number(out, "float16(65519)") == float(to_format(Fraction(65519))) == 65504
    assert value(out, "float16(65520)") == "inf"
    assert math.isnan(INF - INF) and value(out, "inf - inf") == "nan"
    assert math.isnan(0 * INF) and value(out, "0 * inf") == "nan"
    assert math.isnan(INF / INF) and value(out, "inf / inf") == "nan"
    assert value(out, "relu(inf)").split(",")[0] == "inf"
    assert "relu(-inf) = 0.0, relu(nan) = nan" in out
    assert (NAN == NAN) is False and value(out, "nan == nan") == "False"


def test_one_inf_spreads_through_the_mlp() -> None:
    out = output("causes/floating_point_spread.py")
    text = page(PAGE)
    width, big = 8, 50_000
    # the overflow: the largest layer-1 activation (a float16) times 50,000 is beyond 65520
    largest_a1 = to_format(Fraction(value(out, "largest activation of layer 1").split(";")[0]))
    product = largest_a1 * big
    assert f"{float(product):,.0f}" == value(out, "largest activation of layer 1").split("= ")[-1]
    assert to_format(product) == INF
    assert "2.037 × 50,000 is about 101,855" in text

    # forward values as printed, and their IEEE consequences
    acts = [[float(v) for v in value(out, f"layer {layer} output").split()] for layer in range(1, 5)]
    assert all(math.isfinite(v) for v in acts[0]) and sum(v == INF for v in acts[1]) == 1
    assert all(v in (0.0, INF) for v in acts[2])  # every layer-3 unit got +-inf; ReLU kept the +inf
    assert all(math.isnan(v) or math.isinf(v) for v in acts[3])  # inf - inf or one-signed infinities
    assert math.isnan(number(out, "loss"))

    # backward by the rules: d(loss)/d(output) = output (target 0); below, ReLU passes NaN where a unit
    # was on and an exact 0 where it was off; d(loss)/d(W)[i, k] = delta[i] * input[k]
    deltas = {4: acts[3]}
    for layer in [3, 2, 1]:
        deltas[layer] = [NAN if a > 0 else 0.0 for a in acts[layer - 1]]
    inputs = {1: [1.0] * width, 2: acts[0], 3: acts[1], 4: acts[2]}  # the input x is finite
    for layer in [1, 2, 3, 4]:
        grad = [d * a for d in deltas[layer] for a in inputs[layer]]
        expected = [
            sum(1 for g in grad if math.isfinite(g) and g != 0),
            sum(1 for g in grad if g == 0),
            sum(1 for g in grad if math.isinf(g)),
            sum(1 for g in grad if math.isnan(g)),
        ]
        printed = value(out, f"layer {layer} weight gradient")
        assert printed == f"{expected[0]} finite, {expected[1]} zero, {expected[2]} inf, {expected[3]} nan"
        assert expected[0] == 0 and expected[3] > 0  # NaN in every layer, nothing finite and non-zero
    assert value(out, "global gradient norm") == "nan"
    for quoted in ["58 NaN entries and 6 inf", "29 NaN entries", "(24 and 48 entries)", "50,000"]:
        assert quoted in text


# --- Adam in float16 --------------------------------------------------------------------------------


def adam_first_step(gradient: float, layout: tuple[int, int]) -> tuple[Fraction, Fraction | float, Fraction | float]:
    """v, step and new weight of Adam's first step from zero state, every operation rounded to the
    format as IEEE arithmetic does: ((1 - b2) g) g, m / (1 - b1), lr m_hat / (sqrt(v_hat) + eps)."""
    r = lambda x: to_format(x, layout)  # noqa: E731
    g, b1, b2, eps, lr = r(gradient), r(0.9), r(0.999), r(1e-8), r(1e-3)
    m, v = r((1 - b1) * g), r(r((1 - b2) * g) * g)
    m_hat, v_hat = r(m / r(1 - b1)), r(v / r(1 - b2))
    root = r(Fraction(math.sqrt(v_hat)))  # float64 sqrt, then one more rounding: exact for float16
    step = div(r(lr * m_hat), r(root + eps))
    step = r(step) if isinstance(step, Fraction) else step
    weight = r(1 - step) if isinstance(step, Fraction) else 1 - step
    return v, step, weight


def fmt(x: Fraction | float, spec: str) -> str:
    return format(float(x), spec)


def test_adam_epsilon_underflows() -> None:
    out = output("causes/floating_point_adam.py")
    text = page(PAGE)
    half = LAYOUTS["float16"]
    assert to_format(1e-8) == 0 and number(out, "float16(1e-8)") == 0
    smallest = limits(*half)[2]
    assert smallest == Fraction(1, 2**24) and number(out, "smallest float16 above 0") == float(f"{float(smallest):.4g}")
    assert Fraction(1e-8) < smallest / 2  # below half the smallest subnormal: rounds to 0
    assert r"5.96 \times 10^{-8}" in text and r"2^{-24}" in text
    assert f"{float(smallest / 2):.3g}" == "2.98e-08" and r"2^{-25} \approx 2.98 \times 10^{-8}" in text
    assert to_format(to_format(1e-4) ** 2) == 0 and number(out, "float16(1e-4)^2") == 0
    for dtype, layout in [("float16", half), ("float32", LAYOUTS["float32"])]:
        for gradient in [0.0, 1e-4, 1e-2]:
            v, step, weight = adam_first_step(gradient, layout)
            printed = value(out, f"{dtype}, gradient {gradient:g}")
            assert printed == f"v = {fmt(v, '.3g')}, step = {fmt(step, '.4g')}, new weight = {fmt(weight, '.4g')}"
    v, step, _ = adam_first_step(1e-2, half)
    assert v == Fraction(1, 2**23) and "1.19e-07" in text and r"2^{-23}" in text
    assert fmt(step, ".4g") == "0.0009065" and "0.0009065" in text
    assert fmt(adam_first_step(1e-2, LAYOUTS["float32"])[1], ".4g") == "0.001" and "float32's 0.001" in text


def torch_adam_first_step_from_zero(gradient: float) -> Fraction:
    """torch.optim.Adam's first step (single-tensor path) for a float16 weight at 0, each tensor
    operation rounded once to float16: m = lerp(0, g, 1 - b1), v = b2 * 0 + (1 - b2) g g,
    denom = sqrt(v) / sqrt(1 - b2) + eps, step = lr / (1 - b1) * m / denom."""
    r = lambda x: to_format(x, LAYOUTS["float16"])  # noqa: E731
    g = r(gradient)
    m, v = r(Fraction(1 - 0.9) * g), r(Fraction(1 - 0.999) * g * g)
    denom = r(r(r(Fraction(math.sqrt(v))) / Fraction(math.sqrt(1 - 0.999))) + Fraction(1e-8))
    return -r(-Fraction(1e-3 / (1 - 0.9)) * m / denom)


def test_adam_and_grad_scaler_in_pytorch() -> None:
    out = torch_output("causes/floating_point_adam_torch.py")
    text = page(PAGE)
    for dtype, layout in [("float16", LAYOUTS["float16"]), ("float32", LAYOUTS["float32"])]:
        for gradient in [0.0, 1e-4, 1e-2]:
            v, _, weight = adam_first_step(gradient, layout)
            taken = 1 - weight
            assert value(out, f"{dtype}, gradient {gradient:g}") == (
                f"v = {fmt(v, '.3g')}, new weight = {fmt(weight, '.4g')}, step taken = 1 - new weight = {fmt(taken, '.4g')}")
    # PyTorch's order of operations, each rounded to float16 (from a weight of 0, so no rounding near 1)
    step = torch_adam_first_step_from_zero(1e-2)
    assert fmt(step, ".4g") == "0.0009165" and number(out, "float16, gradient 0.01, from 0: step") == float(fmt(step, ".4g"))
    assert fmt(step, ".4g") != fmt(adam_first_step(1e-2, LAYOUTS["float16"])[1], ".4g")  # a different rounding
    assert "0.0009165, not 0.0009065" in text
    assert value(out, "Adam defaults: betas") == "(0.9, 0.999), eps = 1e-08"
    scale = 2**16
    assert number(out, "GradScaler initial scale") == scale == 65536
    assert number(out, "GradScaler growth factor") == 2
    assert number(out, "GradScaler backoff factor") == 0.5
    assert number(out, "GradScaler growth interval") == 2000
    assert value(out, "after an inf gradient: weight") == f"1, scale = {scale * 0.5:g}"
    for quoted in ["65536", r"2^{16}", "multiplies it by 2 after 2000", "by 0.5", "32768"]:
        assert quoted in text


def test_figure_alt_text_ranges() -> None:
    """The bars of the range chart run from log10(smallest normal) to log10(largest), from the formulas."""
    text = page(PAGE)
    low, high = (math.log10(limits(*LAYOUTS["float16"])[i]) for i in (1, 0))
    assert round(low) == -4 and f"{high:.1f}" == "4.8"
    low, high = (math.log10(limits(*LAYOUTS["bfloat16"])[i]) for i in (1, 0))
    assert round(low) == -38 and f"{high:.1f}" == "38.5"
    assert "from about minus 4 to plus 4.8" in text and "from about minus 38 to plus 38.5" in text
    # Adam's epsilon is left of float16's smallest subnormal on the log axis
    assert -8 < math.log10(limits(*LAYOUTS["float16"])[2]) and "the 1e-8 line lies left of float16's dotted" in text
