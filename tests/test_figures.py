"""Figures legible on a phone: every figure's smallest text, once the figure is scaled down to the content
column of a 390 px wide phone, is at least 9 CSS px, and at least 11 px on a desktop.

The runner records each figure's saved size and its smallest text (in points, figures.json): the smallest
size any glyph is set at, so the 4 of a superscript in $10^{4}$ counts, at 0.7 of its label's size. Log axes
are labelled without superscripts ("1e4", "1e−5", "0.01"; scripts/plotstyle.py, which the runner installs). A browser draws
an SVG point as 4/3 CSS px and scales a figure wider than the column down to the column's width. Material's
content column is 358 px wide on a 390 px phone (0.8 rem margins at a 20 px rem) and 688 px on a 1280 px
desktop with both sidebars; the browser suite checks both widths on the built site. Every data colour of the
shared style must also stand out against both themes' backgrounds.
"""

from __future__ import annotations

import re

import plotstyle
import pytest
import runner
from matplotlib import rc_params_from_file
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.scale import LogScale

PX_PER_PT = 4 / 3
COLUMNS = {"phone": (358, 9.0), "desktop": (688, 11.0)}  # column width in CSS px, smallest text allowed


def text_px(size: dict[str, float], column: float) -> float:
    """The smallest text of a figure, in CSS px, when shown in a column `column` px wide."""
    natural = size["width_pt"] * PX_PER_PT
    return size["min_text_pt"] * PX_PER_PT * min(1.0, column / natural)


FIGURES = [
    (f"{name}#{number}", size)
    for name, result in runner.run_all(report=lambda _: None).items()
    for number, size in enumerate(result.sizes(), start=1)
]


@pytest.mark.parametrize("figure, size", FIGURES, ids=[f for f, _ in FIGURES])
def test_smallest_text_is_legible_on_a_phone_and_a_desktop(figure: str, size: dict[str, float]) -> None:
    small = {where: round(text_px(size, column), 1) for where, (column, least) in COLUMNS.items()
             if text_px(size, column) < least}
    assert not small, (
        f"snippets/{figure}: smallest text {size['min_text_pt']:g} pt in a figure {size['width_pt'] / 72:.1f} in "
        f"wide shows at {small} CSS px (needs {COLUMNS['phone'][1]:g} on a phone): make the figure at most "
        f"5.8 in wide (stack panels vertically) and keep every glyph at the style's 11 pt or larger (a mathtext "
        f"superscript or subscript is set at 0.7 of its text: write it in words)"
    )


def test_the_rule_would_catch_a_small_font() -> None:
    wide = {"width_pt": 10 * 72, "min_text_pt": 11.0}  # 10 in wide: scaled to 358 px, 11 pt shows at 5.5 px
    assert text_px(wide, COLUMNS["phone"][0]) == pytest.approx(11 * 358 / 720)
    narrow = {"width_pt": 3.5 * 72, "min_text_pt": 11.0}  # 336 px: fits the column, shown at its natural size
    assert text_px(narrow, COLUMNS["phone"][0]) == pytest.approx(11 * 4 / 3)


def test_the_rule_counts_a_superscript() -> None:
    """A script is set at 0.7 of its text's size (TeX's script style), a script on a script at 0.7 of that:
    at 11 pt, 7.7 pt and 5.39 pt. An 11 pt $10^{4}$ in a 5.6 in figure shows its 4 at 6.8 px on a phone."""
    axes = Figure().subplots()
    texts = {s: axes.text(0, 0, s, fontsize=11) for s in ["10000", "$10^{4}$", "$\\sigma_w$", "$2^{2^{x}}$", "\\$5"]}
    sizes = {s: plotstyle.smallest_glyph_pt(text) for s, text in texts.items()}
    assert sizes == pytest.approx({"10000": 11, "$10^{4}$": 7.7, "$\\sigma_w$": 7.7, "$2^{2^{x}}$": 5.39, "\\$5": 11})
    shown = text_px({"width_pt": 5.6 * 72, "min_text_pt": sizes["$10^{4}$"]}, COLUMNS["phone"][0])
    assert shown == pytest.approx(7.7 * 358 / (5.6 * 72)) and shown < COLUMNS["phone"][1]


@pytest.fixture
def plain_log_ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The book's log-axis formatters (plotstyle.py), installed in this process until the test ends."""
    monkeypatch.setattr(LogScale, "set_default_locators_and_formatters", LogScale.set_default_locators_and_formatters)
    plotstyle.plain_log_ticks()


def log_labels(low: float, high: float, formatter: str | None = None) -> dict[float, str]:
    """The labels a log y axis from `low` to `high` shows, by tick location, major and minor."""
    axes = Figure().subplots()
    axes.set(yscale="log", ylim=(low, high))
    if formatter:
        axes.yaxis.set_major_formatter(formatter)
    axes.figure.draw_without_rendering()
    labels = axes.yaxis.get_ticklabels(which="both")
    assert all(plotstyle.smallest_glyph_pt(label) == label.get_fontsize() for label in labels)  # no mathtext
    return {label.get_position()[1]: label.get_text() for label in labels
            if label.get_text() and low <= label.get_position()[1] <= high}


@pytest.mark.usefixtures("plain_log_ticks")
def test_log_axes_are_labelled_without_superscripts() -> None:
    """Decades as 1e4 or 1e−30 (no "+", no leading zero, a minus sign), plain numbers when every label
    lies within 0.01..1000, minor labels (an axis under a decade) alike; a formatter set by hand stays."""
    def value(label: str) -> object:  # the number a label reads as, to compare with its tick's location
        return pytest.approx(float(label.replace("\N{MINUS SIGN}", "-")), rel=1e-9, abs=0)

    wide = log_labels(1e-30, 1e4)
    assert len(wide) >= 4 and all(re.fullmatch("1e(\N{MINUS SIGN}?[1-9][0-9]*|0)", s) for s in wide.values())
    assert all(value(s) == at for at, s in wide.items()) and "1e4" in wide.values()
    assert log_labels(0.01, 1000) == {0.01: "0.01", 0.1: "0.1", 1: "1", 10: "10", 100: "100", 1000: "1000"}
    for low, high, pattern in [(2e-5, 9e-5, "[1-9]e\N{MINUS SIGN}5"), (0.02, 0.09, "0\\.0[1-9]")]:
        minor = log_labels(low, high)
        assert len(minor) >= 3 and all(re.fullmatch(pattern, s) and value(s) == at
                                       for at, s in minor.items()), minor
    assert log_labels(100, 1e5, "{x:.0e}")[1e4] == "1e+04"


def luminance(colour: str) -> float:
    """WCAG's relative luminance of a colour."""
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_every_data_colour_stands_out_in_both_themes() -> None:
    """WCAG's least contrast for graphics, 3:1, against each theme's background: a colour below it fades
    into one of the two backgrounds, and a curve drawn in it carries its meaning in one theme only."""
    cycle = rc_params_from_file(runner.STYLE, use_default_template=False)["axes.prop_cycle"].by_key()["color"]
    for theme, colours in runner.THEMES.items():
        background = luminance(colours["#030303"])
        for colour in cycle:
            dark, light = sorted([luminance(colour), background])
            assert (light + 0.05) / (dark + 0.05) >= 3, f"data colour {colour} on the {theme} background"
