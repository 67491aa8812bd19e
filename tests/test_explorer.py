"""The explorer (docs/explore.md) in Chromium: the test moves the controls and compares what the page shows
with values derived here by other means. The products come from NumPy's float16, float32 and float64
arithmetic and, for bfloat16, from float32 products whose bit patterns are rounded to the top 16 bits
(nearest, ties to even); the exact row from rational arithmetic; the random-matrix theory from digamma and
trigamma as derivatives of math.lgamma; the trials from a Python version of the page's generator and a
product of whole matrices in NumPy. One page load per theme (light on a desktop, dark on a 390 px phone);
every request is routed, and one to another host fails the test."""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest
from test_browser import browser, server  # noqa: F401  (the shared fixtures: Chromium, the built site on localhost)

FORMATS = ("float16", "bfloat16", "float32", "float64")
DEEPEST = 1000  # the depth slider's maximum: the table says what becomes of each product by then
NATIVE = {"float16": np.float16, "float32": np.float32, "float64": np.float64}
WORD = 0xFFFFFFFF


# ---- number formats ------------------------------------------------------------------------------------

def bfloat16(x: np.float32) -> np.float32:
    """Round a float32 to bfloat16, the top half of its bit pattern: nearest, ties to even; inf stays."""
    bits = int(np.array(x, dtype=np.float32).view(np.uint32))
    if bits & 0x7F800000 != 0x7F800000:
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return np.array(bits, dtype=np.uint32).view(np.float32)[()]


def rounding(name: str) -> Callable[[float], float]:
    if name == "bfloat16":
        # a product of two bfloat16s is exact in float32; a factor reaches bfloat16 through float32, as in
        # PyTorch, which for the slider's factors (0.50 to 3.00) gives what rounding the double directly gives
        return lambda x: bfloat16(np.float32(x))
    return NATIVE[name]


def limits(name: str) -> tuple[Fraction, Fraction]:
    """Largest finite and smallest positive value, from NumPy or (bfloat16) from the bit patterns."""
    if name == "bfloat16":
        top = [np.array(bits << 16, dtype=np.uint32).view(np.float32)[()] for bits in (0x7F7F, 0x0001)]
        return Fraction(float(top[0])), Fraction(float(top[1]))
    info = np.finfo(NATIVE[name])
    return Fraction(float(info.max)), Fraction(float(info.smallest_subnormal))


def chain(factor: str, name: str, depth: int = DEEPEST) -> list[float]:
    """1, then `depth` products: the factor stored in the format, every product rounded to it."""
    rounded = rounding(name)
    stored, product = rounded(float(factor)), rounded(1.0)
    values = [float(product)]
    with np.errstate(over="ignore", under="ignore"):
        for _ in range(depth):
            product = rounded(product * stored)
            values.append(float(product))
    return values


# ---- the page's display rules --------------------------------------------------------------------------

def shown(x: float | Fraction) -> str:
    """From 1 to below 10^9 after rounding: grouped, 2 decimals unless whole; otherwise 4 significant digits
    as 1.234e+05. Halves go away from zero (JavaScript's toFixed and toExponential)."""
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    if x == 0:
        return "0"
    with localcontext(prec=2000):
        exact = Decimal(x) if isinstance(x, float) else Decimal(x.numerator) / Decimal(x.denominator)
        fixed = exact.quantize(Decimal("0.01"), ROUND_HALF_UP)
        if abs(exact) >= 1 and abs(fixed) < 10**9:
            return f"{exact:,.0f}" if exact == exact.to_integral_value() else f"{fixed:,}"
        exponent = exact.adjusted()
        mantissa = exact.scaleb(-exponent).quantize(Decimal("0.001"), ROUND_HALF_UP)
        if abs(mantissa) >= 10:
            exponent, mantissa = exponent + 1, (mantissa / 10).quantize(Decimal("0.001"), ROUND_HALF_UP)
        return f"{mantissa}e{exponent:+03d}"


def significant(x: float, digits: int = 10) -> str:
    """x to `digits` significant digits, halves up, trailing zeros dropped: how the page shows a factor."""
    exact = Decimal(x)
    return format(exact.quantize(Decimal(1).scaleb(exact.adjusted() - digits + 1), ROUND_HALF_UP).normalize(), "f")


def fate(values: list[float]) -> str:
    for depth in range(1, len(values)):
        if math.isinf(values[depth]):
            return f"inf from depth {depth}"
        if values[depth] == 0:
            return f"0 from depth {depth}"
        if values[depth] == values[depth - 1]:
            return f"stuck at {shown(values[depth])} from depth {depth - 1}"
    return f"finite up to depth {len(values) - 1}"


def exact_fate(factor: str, name: str) -> str:
    """Where factor^L in rational arithmetic first leaves the format's range."""
    largest, smallest = limits(name)
    power = Fraction(1)
    for depth in range(1, DEEPEST + 1):
        power *= Fraction(factor)
        if power > largest:
            return f"above {name}'s largest value from depth {depth}"
        if power < smallest:
            return f"below {name}'s smallest value from depth {depth}"
    return f"inside {name}'s range up to depth {DEEPEST}"


def expected_table(factor: str, depth: int, chosen: str) -> dict[str, list[str]]:
    rows = {"exact": [factor, shown(Fraction(factor) ** depth), exact_fate(factor, chosen)]}
    for name in FORMATS:
        values = chain(factor, name)
        rows[name] = [significant(float(rounding(name)(float(factor)))), shown(values[depth]), fate(values)]
    return rows


# ---- random matrices -----------------------------------------------------------------------------------

def digamma(x: float, h: float = 1e-5) -> float:
    return (math.lgamma(x + h) - math.lgamma(x - h)) / (2 * h)


def trigamma(x: float, h: float = 1e-4) -> float:
    return (math.lgamma(x + h) - 2 * math.lgamma(x) + math.lgamma(x - h)) / h**2


def growth_rate(n: int, sigma: float) -> float:
    """E ln ||M u|| for unit u and N(0, sigma^2) entries: ||M u||^2 / sigma^2 is chi-squared with n degrees
    of freedom, whose log has mean ln 2 + psi(n / 2)."""
    return (math.log(2) + digamma(n / 2)) / 2 + math.log(sigma)


def rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & WORD


def splitmix32(seed: int) -> Iterator[int]:
    state = seed
    while True:
        state = (state + 0x9E3779B9) & WORD
        t = ((state ^ (state >> 16)) * 0x21F0AAAD) & WORD
        t = ((t ^ (t >> 15)) * 0x735A2D97) & WORD
        yield t ^ (t >> 15)


def xoshiro128(a: int, b: int, c: int, d: int) -> Iterator[float]:
    """xoshiro128** (Blackman and Vigna), as 32-bit words divided by 2^32."""
    while True:
        result = (rotl((b * 5) & WORD, 7) * 9) & WORD
        t = (b << 9) & WORD
        c ^= a
        d ^= b
        b ^= c
        a ^= d
        c ^= t
        d = rotl(d, 11)
        yield result / 2**32


def gaussians(uniform: Iterator[float]) -> Iterator[float]:
    """Box-Muller: each pair of uniforms gives a cosine and a sine normal, in that order."""
    for u in uniform:
        radius, angle = math.sqrt(-2 * math.log(1 - u)), 2 * math.pi * next(uniform)
        yield radius * math.cos(angle)
        yield radius * math.sin(angle)


def log_norms(n: int, sigma: float, seed: int, trials: int, depth: int) -> list[float]:
    """log10 ||M_depth ... M_1 e_1|| for each trial, multiplying whole matrices without rescaling."""
    words = splitmix32(seed)
    norms = []
    for _ in range(trials):
        normal = gaussians(xoshiro128(*(next(words) for _ in range(4))))
        vector = np.eye(n)[0]
        for _ in range(depth):
            matrix = sigma * np.fromiter(normal, float, count=n * n).reshape(n, n)  # drawn row by row
            vector = matrix @ vector
        norms.append(math.log10(float(np.linalg.norm(vector))))
    return norms


# ---- the page ------------------------------------------------------------------------------------------

TABLE = """() => Object.fromEntries([...document.querySelectorAll('#explorer tr[data-format]')].map((row) =>
  [row.dataset.format, [...row.querySelectorAll('td')].map((cell) => cell.textContent)]))"""
REDRAWN = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
LOOKS = """() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const background = rgb(getComputedStyle(document.body).backgroundColor);
  const over = ([r, g, b, a = 1]) => [r, g, b].map((c, i) => a * c + (1 - a) * background[i]);
  const contrast = (paint) => { const [x, y] = [luminance(over(rgb(paint))), luminance(background)];
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const style = (selector) => getComputedStyle(document.querySelector(selector));
  const controls = [...document.querySelectorAll('#explorer input')].filter((e) => e.getClientRects().length);
  return {
    scheme: document.body.getAttribute('data-md-color-scheme'),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    outside: controls.filter((e) => e.getBoundingClientRect().right > window.innerWidth).map((e) => e.id || e.value),
    tableOverflow: (({ scrollWidth, clientWidth }) => scrollWidth - clientWidth)(document.querySelector('#explorer .ex-table')),
    unlabelled: [...document.querySelectorAll('#explorer input')].filter((e) => !e.labels.length && !e.getAttribute('aria-label')).map((e) => e.id),
    smallestText: Math.min(...[...document.querySelectorAll('#ex-chart text')].map((t) => parseFloat(getComputedStyle(t).fontSize))),
    text: contrast(style('#ex-chart text').fill),
    curve: contrast(style('#ex-chart .ex-curve').stroke),
    limit: contrast(style('#ex-chart .ex-limit').stroke),
    error: contrast(style('#ex-depth-error').color),
  };
}"""


@dataclass
class Loaded:
    page: Any
    problems: list[str]


def load(server: str, browser: Any, theme: str, width: int) -> Iterator[Loaded]:
    """The explorer page, loaded once, in a colour scheme and a viewport width. A request to another host, a
    console error or a script error is recorded in `problems`, which every test checks."""
    context = browser.new_context(color_scheme=theme, viewport={"width": width, "height": 900})
    loaded = Loaded(context.new_page(), [])

    def route(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            loaded.problems.append(f"request to another host: {route.request.url}")
            route.abort()

    context.route("**/*", route)
    loaded.page.on("console", lambda m: m.type == "error" and loaded.problems.append(f"console error: {m.text}"))
    loaded.page.on("pageerror", lambda e: loaded.problems.append(f"script error: {e}"))
    loaded.page.goto(f"{server}explore/", wait_until="load")
    loaded.page.evaluate(REDRAWN)
    yield loaded
    context.close()


@pytest.fixture(scope="module")
def light(server: str, browser: Any) -> Iterator[Loaded]:  # noqa: F811
    yield from load(server, browser, "light", 1280)


@pytest.fixture(scope="module")
def dark(server: str, browser: Any) -> Iterator[Loaded]:  # noqa: F811
    yield from load(server, browser, "dark", 390)


def set_chain(page: Any, factor: str, depth: int, chosen: str) -> dict[str, list[str]]:
    page.check('input[name="ex-mode"][value="chain"]')
    page.fill("#ex-factor", factor)
    page.fill("#ex-depth", str(depth))
    page.check(f'input[name="ex-format"][value="{chosen}"]')
    page.evaluate(REDRAWN)
    return page.evaluate(TABLE)


# (factor, depth, chosen format): overflow in every format, the examples of the chain rule chapter,
# bfloat16's rounded factor, underflow to 0 through a tie, a product stuck at float16's smallest subnormal
CHAINS = [("2.34", 20, "float64"), ("2.34", 13, "float16"), ("1.1", 1000, "bfloat16"), ("0.5", 25, "float16"),
          ("0.7", 60, "float16"), ("3", 700, "float32"), ("1.5", 50, "bfloat16"), ("0.93", 1000, "float32")]


def test_chain_products_match_numpy_and_exact_arithmetic(light: Loaded) -> None:
    page = light.page
    for factor, depth, chosen in CHAINS:
        assert set_chain(page, factor, depth, chosen) == expected_table(factor, depth, chosen), (factor, depth, chosen)
        values = chain(factor, chosen)
        assert page.inner_text("#ex-summary") == (
            f"{factor} per layer in {chosen}: {fate(values)}; after {depth} layers the product is {shown(values[depth])}.")
    # the examples, once more in plain numbers
    rows = set_chain(page, "2.34", 20, "float16")
    assert rows["float64"][1] == "24,227,976.75" and rows["float16"][2] == "inf from depth 14"
    assert rows["float16"][1] == "inf" and rows["float32"][2] == rows["bfloat16"][2] == "inf from depth 105"
    assert rows["float64"][2] == "inf from depth 835" and rows["bfloat16"][0] == "2.34375"
    assert not light.problems, light.problems


def test_chart_keyboard_and_bad_input(light: Loaded) -> None:
    page = light.page
    set_chain(page, "2.34", 20, "float16")
    assert len(page.get_attribute("#ex-chart .ex-curve", "points").split()) == 14  # depths 0 to 13, then inf
    labels = page.eval_on_selector_all("#ex-chart .ex-label", "(ts) => ts.map((t) => t.textContent)")
    assert "inf from 14" in labels and "float16 largest" in labels
    page.focus("#ex-depth-slider")
    page.keyboard.press("ArrowRight")
    page.evaluate(REDRAWN)
    assert page.input_value("#ex-depth") == "21" and page.inner_text("#ex-depth-shown") == "21"
    page.keyboard.press("End")
    page.evaluate(REDRAWN)
    assert page.evaluate(TABLE)["float64"][1] == shown(chain("2.34", "float64")[DEEPEST])
    before = page.evaluate(TABLE)
    for bad in ["3.5", "", "two"]:
        page.fill("#ex-factor", bad) if bad != "two" else page.type("#ex-factor", bad)
        page.evaluate(REDRAWN)
        assert page.inner_text("#ex-factor-error") == "Enter a number from 0.5 to 3."
        assert page.get_attribute("#ex-factor", "aria-invalid") == "true"
        assert page.evaluate(TABLE) == before and page.inner_text("#ex-summary").startswith("Not redrawn: factor")
    page.fill("#ex-factor", "2.34")
    page.fill("#ex-depth", "20.5")
    page.evaluate(REDRAWN)
    assert page.inner_text("#ex-depth-error") == "Enter a whole number from 1 to 1000."
    page.fill("#ex-depth", "20")
    page.evaluate(REDRAWN)
    assert page.inner_text("#ex-depth-error") == "" and page.get_attribute("#ex-depth", "aria-invalid") == "false"
    assert not light.problems, light.problems


# (n, sigma, seed, trials, depth): d2l's 4 x 4 standard normal matrices; 1/sqrt(n) at n = 16, which
# shrinks; an odd n, where psi(n / 2) is at a half-integer
MATRICES = [(4, 1.0, 0, 10, 100), (16, 0.25, 7, 4, 100), (3, 0.8, 12345, 6, 60)]
DECIMAL = re.compile(r"-?\d+\.\d+")


def test_random_matrices_match_theory_and_a_second_implementation(light: Loaded) -> None:
    page = light.page
    page.check('input[name="ex-mode"][value="matrices"]')
    page.check('input[name="ex-format"][value="float16"]')
    for n, sigma, seed, trials, depth in MATRICES:
        for field, value in [("width", n), ("sigma", sigma), ("seed", seed), ("trials", trials), ("depth", depth)]:
            page.fill(f"#ex-{field}", f"{value:g}")
        page.evaluate(REDRAWN)
        text = {key: page.inner_text(f"#ex-{key}") for key in ("rate", "theory", "measured", "critical", "cross")}
        rate = growth_rate(n, sigma)
        shown_rate, multiplier = (float(x) for x in DECIMAL.findall(text["rate"]))
        assert shown_rate == pytest.approx(rate, abs=5.1e-5) and multiplier == pytest.approx(math.exp(rate), abs=5.1e-4)
        mean, spread = depth * rate / math.log(10), math.sqrt(depth * trigamma(n / 2)) / 2 / math.log(10)
        theory, sd = (float(x) for x in DECIMAL.findall(text["theory"]))
        assert theory == pytest.approx(mean, abs=0.0051) and sd == pytest.approx(spread, abs=0.0051)
        norms = log_norms(n, sigma, seed, trials, depth)
        measured, error = (float(x) for x in DECIMAL.findall(text["measured"]))
        assert measured == pytest.approx(statistics.fmean(norms), abs=0.0051)
        assert error == pytest.approx(statistics.stdev(norms) / math.sqrt(trials), abs=0.0051)
        assert abs(measured - mean) < 4 * spread / math.sqrt(trials)  # the theory, within its own spread
        critical = math.exp(-growth_rate(n, 1.0))
        assert text["critical"] == f"{critical:.4f} ({critical * math.sqrt(n):.4f} / √n)"
        ceiling = math.log10(float(limits("float16")[0]))
        crossing = math.floor(ceiling / (rate / math.log(10))) + 1 if rate > 0 else None
        assert text["cross"] == (f"float16's largest value, 10^{ceiling:.2f}, at depth {crossing}" if crossing
                                 else "never: with a growth rate of 0 or below the typical norm does not grow")
        assert page.eval_on_selector_all("#ex-chart .ex-trial", "(lines) => lines.length") == trials
    assert not light.problems, light.problems


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_readable_in_both_themes_and_on_a_phone(theme: str, request: pytest.FixtureRequest) -> None:
    loaded: Loaded = request.getfixturevalue(theme)
    page = loaded.page
    rows = set_chain(page, "2.34", 20, "float64")
    assert rows["float64"][1] == "24,227,976.75"
    looks = page.evaluate(LOOKS)
    assert looks["scheme"] == {"light": "default", "dark": "slate"}[theme]
    assert looks["overflow"] <= 0 and not looks["outside"] and looks["tableOverflow"] <= 0, looks  # fits the screen
    assert not looks["unlabelled"], looks
    assert looks["smallestText"] >= 11, looks  # chart text is drawn at its CSS size, never scaled down
    assert looks["text"] >= 4.5 and looks["error"] >= 4.5, looks  # WCAG AA for text
    assert looks["curve"] >= 3 and looks["limit"] >= 3, looks  # and for graphics
    assert not loaded.problems, loaded.problems
