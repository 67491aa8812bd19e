"""Make Matplotlib's SVG smaller without changing what it draws: coordinates rounded to DECIMALS places
(Matplotlib writes six, a millionth of a point), path data written relative to the pen's position (small
numbers, which compress well) without line breaks, and no indentation, comments or empty RDF metadata
block. Pure and deterministic: the same input gives the same bytes, so builds stay byte-identical.

Only coordinates in user space are rounded: path data, x and y attributes, and translate() arguments.
Scale factors (a glyph is drawn at scale(0.015625)) and everything else are left as they are. A path
with anything but Matplotlib's plain M, L, Q, C and z commands is only rounded.
"""

from __future__ import annotations

import re

DECIMALS = 1  # 0.1 pt is 0.13 CSS px at 100 % zoom, less on a phone where figures shrink: invisible
NUMBER = re.compile(r"-?\d+\.\d+")
PATH = re.compile(r'(?<=\sd=")[^"]*')
PLAIN_PATH = re.compile(r"[MLQCZz0-9.\s-]*")
TOKEN = re.compile(r"[MLQCZz]|-?\d+(?:\.\d+)?")
POINTS = {"M": 1, "L": 1, "Q": 2, "C": 3}  # points a command takes
POSITION = re.compile(r'(?<=\s[xy]=")-?\d+\.\d+(?=")')
TRANSLATE = re.compile(r"(?<=translate\()[^)]*")
COMMAND = re.compile(r"\s*([MLQCHVZmlqchvz])\s*")
METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
LAYOUT = re.compile(r"\n\s*<!--.*?-->|(?<=\n)[ \t]+", re.DOTALL)  # comments (a glyph group's text), indentation


def short(value: float) -> str:
    text = f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def rounded(text: str) -> str:
    return NUMBER.sub(lambda m: short(float(m[0])), text)


def relative(path: str) -> str:
    """Rounded path data with every command relative to where the pen is (m, l, q, c; z)."""
    plain = COMMAND.sub(r"\1", rounded(path)).strip()
    if not PLAIN_PATH.fullmatch(path):
        return plain
    tokens, parts = TOKEN.findall(rounded(path)), []
    x = y = start_x = start_y = 0.0
    index = 0
    while index < len(tokens):
        command = tokens[index]
        index += 1
        if command in "Zz":
            parts.append("z")
            x, y = start_x, start_y
            continue
        count = 2 * POINTS.get(command, 0)
        numbers = tokens[index:index + count]
        if not count or len(numbers) < count or any(n in POINTS or n in ("Z", "z") for n in numbers):
            return plain  # no command where one belongs, or too few numbers: only rounded
        values = [float(v) for v in numbers]
        index += count
        steps = [value - (x if n % 2 == 0 else y) for n, value in enumerate(values)]
        x, y = values[-2], values[-1]
        if command == "M":
            start_x, start_y = x, y
        parts.append(command.lower() + " ".join(map(short, steps)).replace(" -", "-"))
    return "".join(parts)


def compact(svg: str) -> str:
    """The same drawing in fewer bytes."""
    svg = LAYOUT.sub("", METADATA.sub("", svg, count=1))
    svg = PATH.sub(lambda m: relative(m[0]), svg)
    svg = POSITION.sub(lambda m: rounded(m[0]), svg)
    return TRANSLATE.sub(lambda m: rounded(m[0]), svg)
