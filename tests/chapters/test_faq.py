"""reference/faq.md: the few numbers the answers quote, each derived from its definition; the answers'
links are checked by the strict build and the site tests."""

import math
from fractions import Fraction

import numpy as np
from support import page

PAGE = "reference/faq.md"


def test_float16_and_the_chain_that_overflows_it() -> None:
    largest = float(np.finfo(np.float16).max)
    assert largest == (2 - 2**-10) * 2**15 and "65,504" in page(PAGE)
    depth = math.floor(math.log(largest) / math.log(2.34)) + 1  # smallest L with 2.34^L > 65,504
    assert depth == 14 and "14 layers with a factor of 2.34" in page(PAGE)


def test_single_unit_gain_bounds() -> None:
    # max |w f'| for w = 0.7: relu' and tanh' peak at 1; the sigmoid's slope peaks at 1/4, at z = 0.
    assert Fraction("0.7") * Fraction(1, 4) == Fraction("0.175")
    assert r"\(0.7\) with ReLU or tanh" in page(PAGE) and r"\(0.175\) with the sigmoid" in page(PAGE)


def test_all_point_seven_matrix_spectral_radius() -> None:
    for n in range(1, 9):  # the all-0.7 matrix is 0.7 * ones, whose eigenvalues are n (once) and 0
        assert abs(max(abs(np.linalg.eigvals(np.full((n, n), 0.7)))) - 0.7 * n) < 1e-12
    assert r"spectral radius \(0.7 n\)" in page(PAGE)


def test_adam_epsilon_is_below_float16s_smallest_positive_value() -> None:
    smallest = 2.0**-24  # float16: 10 fraction bits, smallest exponent -14, so 2^(-14-10)
    assert np.float16(smallest) > 0 and np.float16(smallest / 2) == 0  # ties round to even: to 0
    assert 1e-8 < smallest / 2 and np.float16(1e-8) == 0
    assert f"{smallest:.2e}" == "5.96e-08" and r"2^{-24} \approx 5.96 \times 10^{-8}" in page(PAGE)
