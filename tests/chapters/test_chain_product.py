"""causes/chain-product.md: every number derived independently, with exact rational arithmetic,
np.finfo and logarithms, and IEEE 754 rules; never by running the snippet's own code path."""

import math
from fractions import Fraction

import numpy as np
import pytest
from support import ROOT, number, output, page, torch_output, value

W = Fraction("2.34")
PAGE = "causes/chain-product.md"


def test_twenty_layers_output_and_gradients() -> None:
    out = output("causes/chain_product.py")
    exact_20, exact_19 = W**20, W**19  # y = w^20 x; dy/dx = w^20; dy/dw1 = x w^19
    assert f"{float(exact_20):,.2f}" == "24,227,976.75"  # the figure the brief and the issue quote
    for label, exact in [("output", exact_20), ("d(output)/d(input)", exact_20),
                         ("d(output)/d(w1)", exact_19), ("d(output)/d(w20)", exact_19)]:
        assert value(out, label) == f"{float(exact):,.2f}"
    assert number(out, "d(output)/d(input) at 50 layers") == pytest.approx(float(W**50), rel=1e-3)
    for quoted in ["24,227,976.75", "10,353,836.22", r"1.035 \times 10^{7}", r"2.889 \times 10^{18}"]:
        assert quoted in page(PAGE)
    assert f"{float(exact_19):.3e}" == "1.035e+07" and f"{float(W**50):.3e}" == "2.889e+18"


def test_factor_to_the_hundredth() -> None:
    out = output("causes/chain_product_depth.py")
    for base in ["0.9", "1.1", "1.5", "2.34"]:
        exact = float(Fraction(base) ** 100)
        printed = value(out, f"{base}^100")
        assert float(printed) == pytest.approx(exact, rel=1e-3)
        if base != "2.34":
            assert printed in page(PAGE), f"the page should quote {base}^100 = {printed}"


def largest_finite() -> dict[str, float]:
    """From each format's definition: finfo for the native ones, bfloat16 from its bit layout
    (8 exponent bits, 7 stored significand bits): (2 - 2^-7) * 2^127."""
    return {
        "float16": float(np.finfo(np.float16).max),
        "bfloat16": (2 - 2**-7) * 2.0**127,
        "float32": float(np.finfo(np.float32).max),
        "float64": float(np.finfo(np.float64).max),
    }


def test_first_overflowing_depth_per_format() -> None:
    out = output("causes/chain_product_overflow.py")
    text = page(PAGE)
    for dtype, largest in largest_finite().items():
        depth = math.floor(math.log(largest) / math.log(2.34)) + 1  # smallest L with 2.34^L > largest
        assert number(out, f"{dtype}: first depth that overflows") == depth
        assert f"**{depth}**" in text
    assert largest_finite()["float16"] == 65504.0 and "65,504" in text
    assert f"{largest_finite()['bfloat16']:.2e}" == "3.39e+38" and r"3.39 \times 10^{38}" in text


def test_float16_rounding_and_bfloat16_weight() -> None:
    exact_13 = W**13
    assert f"{float(exact_13):,.2f}" == "63,067.58" and "63{,}067.58" in page(PAGE)
    spacing = 2 ** (15 - 10)  # float16 has 10 stored significand bits; 2^15 <= 2.34^13 < 2^16
    nearest = round(exact_13 / spacing) * spacing
    assert number(output("causes/chain_product_overflow.py"), "output at depth 13") == nearest == 63072
    assert "63,072" in page(PAGE)
    # bfloat16 keeps 8 significant bits: 2.34 = 1.17 * 2, and 1.17 * 2^7 rounds to 150.
    assert round(Fraction("1.17") * 2**7) / 2**7 * 2 == Fraction("2.34375") and "2.34375" in page(PAGE)


def test_inf_then_nan() -> None:
    out = output("causes/chain_product_overflow.py")
    assert value(out, "output at depth 14") == "inf"  # 2.34^14 ~ 145,000 > 65,504
    assert number(out, "weight gradients") == math.inf
    assert number(out, "weights after SGD") == -math.inf
    assert math.isnan(number(out, "output after SGD"))  # IEEE 754: -inf * 0 is invalid, so NaN


def test_pytorch_tabs_agree() -> None:
    out = torch_output("causes/chain_product_torch.py")
    assert value(out, "d(output)/d(input)") == f"{float(W**20):,.2f}"
    assert value(out, "d(output)/d(w1)") == f"{float(W**19):,.2f}"
    out16 = torch_output("causes/chain_product_overflow_torch.py")
    assert number(out16, "output at depth 14") == math.inf
    assert number(out16, "weight gradients") == math.inf
    assert math.isnan(number(out16, "output after SGD"))


def test_the_numbers_in_the_prose_and_the_figures_alt_text() -> None:
    text = page(PAGE)
    step = float(W**50) * 0.001  # the 50-layer gradient times a learning rate of 0.001
    assert math.floor(math.log10(step)) == 15 and r"learning rate of 0.001, moves a weight by \(10^{15}\)" in text
    largest = largest_finite()
    assert f"{largest['float32']:.2e}" == "3.40e+38" and r"3.40 \times 10^{38}" in text
    for dtype, quoted in [("float16", "10 to the 4.8"), ("float32", "10 to the 38.5"), ("float64", "10 to the 308")]:
        assert f"10 to the {math.log10(largest[dtype]):.3g}".startswith(quoted) and quoted in text
    depths = [math.floor(math.log(largest[d]) / math.log(2.34)) + 1 for d in ("float16", "float32", "float64")]
    assert "crosses them at depths {}, {} and {}".format(*depths) in text
    # The depth axis runs from 0 to 900 layers: far enough to show the float64 crossing of the 2.34 line.
    assert depths[-1] < 900 and "np.arange(0, 901)" in (ROOT / "snippets/causes/chain_product_depth.py").read_text()
    assert "against depth from 0 to 900 layers" in text
