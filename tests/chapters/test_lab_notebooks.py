"""labs/watch-a-gradient-explode.py, the notebook of "The chain rule is a product": the settings its prose
names, and the answers its exercises expect, derived here by closed forms (exact fractions, logarithms,
IEEE 754 limits) and by torch autograd for the tanh exercise. The notebook's code cells are read as text,
never run; the snippets it shows are read through support.output."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from support import DOCS, lab_prose, number, output, value

PAGE = "labs/watch-a-gradient-explode.py"


def lab_source() -> str:
    return (DOCS / PAGE).read_text()


def lab_text() -> str:
    return lab_prose(PAGE)


def test_the_first_cell_is_twenty_layers_of_2_34() -> None:
    """x = 1 and 20 ReLU layers of weight 2.34: the output and d(output)/d(input) are both 2.34^20, and
    d(output)/d(w1) leaves out one factor: 2.34^19 (exact in fractions, then rounded once)."""
    out = output("causes/chain_product.py")
    weight, depth = Fraction("2.34"), 20
    assert number(out, "d(output)/d(input)") == pytest.approx(float(weight**depth), abs=0.005)  # printed to 2 decimals
    assert number(out, "output") == pytest.approx(float(weight**depth), abs=0.005)
    assert number(out, "d(output)/d(w1)") == pytest.approx(float(weight ** (depth - 1)), abs=0.005)
    assert "# snippet: causes/chain_product.py" in lab_source()
    assert "The first cell is the chapter's snippet: 20 layers, every weight 2.34." in lab_text()


def test_your_turn_cell_matches_its_prose_and_explodes() -> None:
    """The cell's WEIGHTS include 1.05 and its DEPTH is 300; 1.05^300 = 10^(300 log10 1.05), over a million."""
    source = lab_source()
    weights = [float(w) for w in re.search(r"^WEIGHTS = \[(.*)\]$", source, re.MULTILINE)[1].split(",")]
    depth = int(re.search(r"^DEPTH = (\d+)$", source, re.MULTILINE)[1])
    assert 1.05 in weights and depth == 300
    assert 300 * math.log10(1.05) > 6  # the "harmless" factor multiplies the gradient by over a million
    assert "A weight of 1.05 looks harmless; give it 300 layers." in lab_text()


def test_the_overflow_cell_multiplies_by_2_34() -> None:
    """The first depth at which w^L passes a format's largest finite value is floor(ln max / ln w) + 1,
    with w the weight rounded to the format; every fractional part is far from an integer, so the
    rounding of the running product (at most a few hundred half-ulps) cannot move the answer."""
    out = output("causes/chain_product_overflow.py")
    float16_max = (2 - Fraction(1, 2**10)) * 2**15  # 65504
    float32_max = (2 - Fraction(1, 2**23)) * 2**127
    bfloat16_max = (2 - Fraction(1, 2**7)) * 2**127
    float64_max = float(np.finfo(np.float64).max)
    cases = {"float16": (float16_max, 2.33984375), "bfloat16": (bfloat16_max, 2.34375),
             "float32": (float32_max, float(np.float32(2.34))), "float64": (float64_max, 2.34)}
    for name, (largest, weight) in cases.items():
        ratio = math.log(largest) / math.log(weight)
        assert 0.02 < ratio % 1 < 0.98, name
        assert number(out, f"{name}: first depth that overflows") == math.floor(ratio) + 1
    assert float16_max == 65504 and float(np.float16(2.34)) == 2.33984375
    assert value(out, "output after SGD").startswith("nan")
    assert "The next cell multiplies by 2.34 in each format until the product becomes `inf`" in lab_text()


def test_exercise_one_float16_depth_for_1_1() -> None:
    """floor(ln 65504 / ln 1.1) + 1 = 117; in float16, 1.1 is 1.0996094 and each product is rounded, and a
    float16 running product reaches inf at the same depth."""
    closed_form = math.floor(math.log(65504) / math.log(1.1)) + 1
    assert closed_form == 117
    product, depth, factor = np.float16(1.0), 0, np.float16(1.1)
    with np.errstate(over="ignore"):
        while np.isfinite(product):
            product, depth = np.float16(product * factor), depth + 1
    assert depth == closed_form
    text = lab_text()
    assert "Find the first depth that overflows float16 for $w = 1.1$." in text
    assert r"$\lfloor \ln(65504) / \ln 1.1 \rfloor + 1$" in text


def test_exercise_two_tanh_depends_on_the_input() -> None:
    """With tanh, d(output)/d(input) = prod w (1 - tanh^2): from x = 1 every unit saturates near the fixed
    point of h = tanh(2.34 h) and the product of 20 factors vanishes; from a tiny x the first layers are
    nearly linear and multiply by 2.34 until the signal saturates, so the same weights amplify."""
    torch = pytest.importorskip("torch")

    def gradient(x0: float, weight: float = 2.34, depth: int = 20) -> float:
        x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        h = x
        for _ in range(depth):
            h = torch.tanh(weight * h)
        h.backward()
        return float(x.grad)

    assert gradient(1.0) < 1e-10  # saturated from the first layer: it vanishes
    assert gradient(1e-6) > 1  # linear for about 16 layers (2.34^16 ~ 10^6): it grows first
    assert "Does $w = 2.34$ still explode? Why does the answer depend on the input $x$?" in lab_text()
