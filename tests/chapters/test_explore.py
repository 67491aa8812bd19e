"""explore.md: the numbers its prose quotes, derived independently: the formats' limits from NumPy and
bfloat16's bit patterns, products in each format by NumPy arithmetic (bfloat16 by rounding float32 bit
patterns, the helpers of tests/test_explorer.py), exact powers with fractions, and the random-matrix rates
with digamma as the derivative of lgamma. The controls' ranges are read from the page's markup. What the
page shows when its controls move is checked in Chromium by tests/test_explorer.py."""

import math
import re
from collections.abc import Callable
from fractions import Fraction
from statistics import NormalDist

import pytest
from support import DOCS, quoted
from test_explorer import chain, growth_rate, limits, rounding, trigamma

PAGE = "explore.md"


def first(values: list[float], test: Callable[[float], bool]) -> int:
    return next(depth for depth, v in enumerate(values) if test(v))


def overflow(factor: str, name: str) -> int:
    return first(chain(factor, name), math.isinf)


def test_largest_values_of_the_formats() -> None:
    largest = {name: float(limits(name)[0]) for name in ("float16", "bfloat16", "float32", "float64")}
    assert largest["float16"] == 65504
    assert [f"{largest[n]:.2e}" for n in ("bfloat16", "float32", "float64")] == ["3.39e+38", "3.40e+38", "1.80e+308"]
    quoted(PAGE, "65,504 for float16", r"\(3.39 \times 10^{38}\) for bfloat16", r"\(3.40 \times 10^{38}\) for float32",
           r"\(1.80 \times 10^{308}\) for float64")
    assert largest["float32"] / largest["bfloat16"] - 1 < 0.01  # "one line: they differ by less than a percent"
    quoted(PAGE, "they differ by less than a percent")
    assert f"{math.log10(largest['float16']):.1f}" == "4.8" and f"{math.log10(largest['float32']):.1f}" == "38.5"
    quoted(PAGE, r"(about \(10^{4.8}\))", r"(about \(10^{38.5}\))")
    assert math.log10(10_000) == 4 and "a product of 10,000 sits at 4" in " ".join((DOCS / PAGE).read_text().split())


def test_the_default_and_the_chain_rule_chapters_numbers() -> None:
    half, double = chain("2.34", "float16"), chain("2.34", "float64")
    assert f"{float(Fraction('2.34') ** 13):,.2f}" == "63,067.58" and half[13] == 63072
    assert overflow("2.34", "float16") == 14 and math.isfinite(half[13])
    quoted(PAGE, r"\(2.34^{13} \approx 63{,}067.58\) fits under 65,504 (float16 stores", "it as 63,072), \\(2.34^{14}\\)",
           "inf from depth 14")
    assert f"{double[20]:,.2f}" == f"{float(Fraction('2.34') ** 20):,.2f}" == "24,227,976.75"
    assert overflow("2.34", "float64") == 835 and overflow("2.34", "float32") == overflow("2.34", "bfloat16") == 105
    quoted(PAGE, "depth 20 is 24,227,976.75", "holds out until depth 835", "float32 and bfloat16 are inf from depth 105")


def test_bfloat16_rounds_the_factor_and_every_product() -> None:
    assert float(rounding("bfloat16")(2.34)) == 2.34375 and float(rounding("bfloat16")(1.1)) == 1.1015625
    product = chain("2.34", "bfloat16")[20]
    assert product == 24_772_608 and 0.015 < product / float(Fraction("2.34") ** 20) - 1 < 0.025  # "about 2 %"
    quoted(PAGE, "stores 2.34 as 2.34375", "its product is 24,772,608, about 2 % above", "it stores 1.1015625")
    largest32 = limits("float32")[0]
    exact = next(depth for depth in range(1, 2000) if Fraction("1.1") ** depth > largest32)
    assert overflow("1.1", "bfloat16") == 918 and overflow("1.1", "float32") == exact == 931
    quoted(PAGE, "overflows at depth 918, where float32 and exact arithmetic", "reach 931")


def test_slightly_above_one() -> None:
    assert overflow("1.1", "float16") == 117 and all(map(math.isfinite, chain("1.1", "float64", 1000)))
    assert f"{float(Fraction('1.1') ** 1000):.2e}" == "2.47e+41"
    quoted(PAGE, "overflows float16 at depth 117", "all 1000 layers", r"\(2.47 \times 10^{41}\)")
    # "bfloat16 and float32 take seven to eight times as many" as float16, for both factors quoted
    for factor in ("2.34", "1.1"):
        for name in ("bfloat16", "float32"):
            assert 7 <= overflow(factor, name) / overflow(factor, "float16") <= 8
    quoted(PAGE, "takes 14 layers to overflow it and 1.1 takes", "117; bfloat16 and float32 take seven to eight times")


def test_below_one_underflow_and_a_stuck_product() -> None:
    smallest = float(limits("float16")[1])
    halves = chain("0.5", "float16")
    assert smallest == 2.0**-24 and halves[24] == smallest and f"{smallest:.2e}" == "5.96e-08"
    assert first(halves, lambda v: v == 0) == 25  # 2^-25 is a tie between 0 and 2^-24; 0 is even
    assert first(chain("0.5", "bfloat16"), lambda v: v == 0) == 134 and first(chain("0.5", "float32"), lambda v: v == 0) == 150
    quoted(PAGE, "until depth 24, where it is \\(2^{-24} \\approx 5.96 \\times 10^{-8}\\)", "0 from depth 25",
           "in bfloat16 from depth 134, in float32 from 150")
    sevenths = chain("0.7", "float16")
    stuck = first(sevenths, lambda v: v == smallest)
    assert stuck == 46 and set(sevenths[stuck:]) == {smallest} and Fraction(7, 10) * Fraction(smallest) > Fraction(smallest) / 2
    quoted(PAGE, "A factor of 0.7 never reaches 0 in float16", "stuck there from depth 46")


def test_random_matrix_rates() -> None:
    rate = growth_rate(4, 1.0)
    assert f"{rate:.4f}" == "0.5580" and f"{100 * rate / math.log(10):.2f}" == "24.23"
    quoted(PAGE, "0.5580 per layer, so after 100 layers the expected log10 norm is 24.23")
    assert f"{growth_rate(4, 1 / math.sqrt(4)):.4f}" == "-0.1352" and 1 / math.sqrt(4) == 0.5
    quoted(PAGE, r"0.5 for \(n = 4\)", "by 0.1352 per layer")
    assert f"{math.exp(-growth_rate(4, 1.0)):.4f}" == "0.5724" and growth_rate(4, 0.5724) == pytest.approx(0, abs=1e-4)
    quoted(PAGE, "The critical scale**, 0.5724")
    assert f"{NormalDist().inv_cdf(0.95):.3f}" == "1.645" and round(2 * NormalDist().cdf(1.645) - 1, 2) == 0.90
    quoted(PAGE, "dotted lines 1.645 standard deviations", "about 90 % of the", "theory ± 1.645 standard deviations")
    assert trigamma(2) / 4 > 0  # the step variance psi'(n/2)/4 that sets the band


CONTROLS = {  # id: (min, max, step, default)
    "ex-depth": ("1", "1000", "1", "20"),  # to depth 1000, the depth the table's last column looks ahead to
    "ex-factor": ("0.5", "3", "0.01", "2.34"),  # the range; 2.34 is the chain rule chapter's factor
    "ex-width": ("2", "16", "1", "4"),  # d2l's 4 x 4 by default
    "ex-sigma": ("0.01", "3", "0.01", "1"),  # N(0, 1) entries by default, as in d2l
    "ex-trials": ("1", "20", "1", "10"),
    "ex-seed": ("0", str(2**32 - 1), "1", "0"),  # any 32-bit word, which splitmix32 takes: 4294967295
}


def test_controls_have_the_ranges_the_page_states() -> None:
    markup = (DOCS / PAGE).read_text()
    for name, expected in CONTROLS.items():
        for element in [name, f"{name}-slider"] if name != "ex-seed" else [name]:
            tag = re.search(rf'<input type="(?:range|number)" id="{element}"[^>]*>', markup)
            assert tag, element
            attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag[0]))
            assert (attributes["min"], attributes["max"], attributes["step"], attributes["value"]) == expected, element
    assert "Product after <span id=\"ex-depth-shown\">20</span> layers" in markup and "By depth 1000" in markup
