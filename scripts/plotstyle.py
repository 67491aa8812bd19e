"""The book's plot style, the part a Matplotlib style file cannot set (scripts/figures.mplstyle holds the
rest), and the measure of its legibility rule. Both the snippet runner (scripts/runner.py, in each forked
child) and the labs' kernel (scripts/labs.py) call `plain_log_ticks` before anything is drawn.

Matplotlib labels a log axis 10^4 with the 4 set at 0.7 of the label's size: at 11 pt in a 5.6 in figure
on a 390 px phone, 6.7 px. Here log axes are labelled the way PyTorch prints numbers instead.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axis import Axis
    from matplotlib.scale import LogScale
    from matplotlib.text import Text


def smallest_glyph_pt(text: Text) -> float:
    """The smallest size, in points, at which any glyph of a text is set: its font size or, for a text
    with mathtext ($10^{4}$, $\\sigma_w$), the smallest size Matplotlib's own mathtext parser gives a glyph
    (a superscript or subscript at 0.7 of the text's size, smaller in a fraction or a nested script)."""
    from matplotlib.cbook import is_math_text
    from matplotlib.mathtext import MathTextParser

    size, string = float(text.get_fontsize()), text.get_text()
    if not (text.get_parse_math() and is_math_text(string)):
        return size
    glyphs = MathTextParser("path").parse(string, dpi=72, prop=text.get_fontproperties()).glyphs
    return min((float(glyph[1]) for glyph in glyphs), default=size)  # (font, size in pt at 72 dpi, ...)


def plain_log_ticks() -> None:
    """Make every base-10 log axis created from now on label its ticks without superscripts, the way
    PyTorch prints numbers: "1e4", "1e−30", "2e−5" (a minor tick's label), or plain numbers ("0.01" to
    "1000") on an axis whose labelled ticks all lie in that range. Matplotlib's default writes 10^4 with
    the 4 set at 0.7 of the label's size, too small on a phone. Installed through the scale, so that a
    formatter a snippet sets itself stays; LogFormatter still decides which ticks get a label."""
    from matplotlib import scale, ticker

    class PlainLogFormatter(ticker.LogFormatter):
        plain = True

        def set_locs(self, locs: object = None) -> None:
            super().set_locs(locs)
            axis, labelled = self.axis, list[float]()  # one style per axis: every tick it labels decides
            low, high = sorted(axis.get_view_interval())
            for side, ticks in ((axis.major, axis.get_majorticklocs()), (axis.minor, axis.get_minorticklocs())):
                if isinstance(side.formatter, PlainLogFormatter):
                    ticker.LogFormatter.set_locs(side.formatter, ticks)
                    labelled += [x for x in ticks if low * (1 - 1e-9) <= x <= high * (1 + 1e-9)
                                 and ticker.LogFormatter.__call__(side.formatter, x)]
            self.plain = all(0.01 <= x <= 1000 for x in labelled)

        def __call__(self, x: float, pos: int | None = None) -> str:
            if x <= 0 or not super().__call__(x, pos):
                return ""
            if self.plain:
                return f"{x:g}"
            power = math.log10(x)
            exponent = round(power) if abs(power - round(power)) < 1e-9 else math.floor(power)
            return self.fix_minus(f"{x / 10**exponent:g}e{exponent}")

    default = scale.LogScale.set_default_locators_and_formatters

    def install(self: LogScale, axis: Axis) -> None:
        default(self, axis)
        if self.base == 10:
            axis.set_major_formatter(PlainLogFormatter())
            axis.set_minor_formatter(PlainLogFormatter(labelOnlyBase=self.subs is not None))

    scale.LogScale.set_default_locators_and_formatters = install  # type: ignore[method-assign]
