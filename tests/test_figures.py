"""Figures legible on a phone: every figure's smallest text, once the figure is scaled down to the content
column of a 390 px wide phone, is at least 9 CSS px, and at least 11 px on a desktop.

The runner records each figure's saved size and its smallest text (in points, figures.json). A browser draws
an SVG point as 4/3 CSS px and scales a figure wider than the column down to the column's width. Material's
content column is 358 px wide on a 390 px phone (0.8 rem margins at a 20 px rem) and 688 px on a 1280 px
desktop with both sidebars; the browser suite checks both widths on the built site. Every data colour of the
shared style must also stand out against both themes' backgrounds.
"""

from __future__ import annotations

import pytest
import runner
from matplotlib import rc_params_from_file
from matplotlib.colors import to_rgb

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
        f"5.8 in wide (stack panels vertically) and keep every text at the style's 11 pt or larger"
    )


def test_the_rule_would_catch_a_small_font() -> None:
    wide = {"width_pt": 10 * 72, "min_text_pt": 11.0}  # 10 in wide: scaled to 358 px, 11 pt shows at 5.5 px
    assert text_px(wide, COLUMNS["phone"][0]) == pytest.approx(11 * 358 / 720)
    narrow = {"width_pt": 3.5 * 72, "min_text_pt": 11.0}  # 336 px: fits the column, shown at its natural size
    assert text_px(narrow, COLUMNS["phone"][0]) == pytest.approx(11 * 4 / 3)


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
