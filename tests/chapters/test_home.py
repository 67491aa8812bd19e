"""index.md: the whole-problem figure. Theory (He et al. 2015, mean-field): in a ReLU layer with weights
N(0, g^2 * 2/n), the expected squared norm of the back-propagated gradient is multiplied by g^2, so across
49 layers the norm changes by about g^49. At width 256 the fluctuation of the log-norm over 49 layers is
far below log(2), so the measurement must land within a factor of 2 of the theory."""

import math

import numpy as np
import pytest
from support import number, output, page, value

LAYERS = 49  # from layer 50 back to layer 1

@pytest.mark.parametrize("gain", [0.8, 1.0, 1.25])
def test_gradient_ratio_follows_gain_to_the_depth(gain: float) -> None:
    measured = number(output("home/whole_problem.py"), f"gain {gain}: gradient norm at layer 1 / at layer 50")
    assert abs(math.log(measured / gain**LAYERS)) < math.log(2)

def test_page_quotes_theory_and_measurement() -> None:
    text = page("index.md")
    assert f"{1.25**LAYERS:.1e}" == "5.6e+04" and r"5.6 \times 10^{4}" in text
    assert f"{0.8**LAYERS:.1e}" == "1.8e-05" and r"1.8 \times 10^{-5}" in text
    out = output("home/whole_problem.py")
    for gain in (1.25, 0.8):  # the measured values themselves are checked against theory above
        printed = value(out, f"gain {gain}: gradient norm at layer 1 / at layer 50")
        assert printed in text, f"the page should quote the measured {printed}"

def test_triage_quotes_float16_and_its_overflow_depth() -> None:

    largest = float(np.finfo(np.float16).max)
    assert f"{largest:,.0f}" == "65,504" and "65,504" in page("index.md")
    assert math.floor(math.log(largest) / math.log(2.34)) + 1 == 14 and "14 factors of 2.34" in page("index.md")


def test_a_factor_of_1_25_moves_the_gradient_by_more_than_four_decades() -> None:
    # gains 1.25 and 0.8 = 1 / 1.25 scale He's weights up and down by 1.25; theory over 49 layers:
    assert 0.8 == 1 / 1.25 and 1.25**LAYERS > 1e4 and 0.8**LAYERS < 1e-4
    assert "by a factor of 1.25, up or down, moves the gradient at the first layer by more than four orders of magnitude" in page("index.md")


def test_the_figures_alt_text_and_the_triage_list() -> None:
    text = page("index.md")
    out = output("home/whole_problem.py")  # the printed ratios are checked against g^49 above
    for gain, quote in [(1.25, "grows by about 10 to the 4.8"), (0.8, "shrinks by about 10 to the minus 4.8")]:
        measured = number(out, f"gain {gain}: gradient norm at layer 1 / at layer 50")
        assert abs(abs(math.log10(measured)) - 4.8) < 0.05 and quote in text
    at_he = number(out, "gain 1.0: gradient norm at layer 1 / at layer 50")
    assert abs(math.log(at_he)) < math.log(2) and "stays within a factor of two" in text
    # triage: 1.1 compounded over 100 layers, exactly, is about 10^4
    assert round(math.log10(1.1) * 100) == 4 and "[1.1 over 100 layers is about 10^4]" in text
