"""The ledger: every number in a page's prose is accounted for, or the page fails.

What is read: each page in mkdocs.yml's nav (docs/**/*.md, and the Markdown cells of the lab notebooks
docs/labs/*.py), outside fenced code blocks and `{{ snippet ... }}` lines. Math, tables, headings, inline
code, figure alt text and captions are read; link targets, `snippet:name#N` addresses, heading anchors,
ordered-list markers, TeX subscripts (`w_1`, `h_{l-1}`: indices, not claims) and the References section
(bibliographic data: years, volumes, pages) are not.

What a number is: a run of digits that is not glued to a letter or an underscore (`float16`, `log10`,
`C0` are names), with an optional decimal part and exponent. Normalisation, so that one value written
two ways is one value:
- thousands separators go: `65,504`, TeX `63{,}067.58` and `10\\,000` are 65504, 63067.58, 10000;
- `1.035 \\times 10^{7}` (or `×`) is 1.035e7, `10^{15}` is 1e15, and `1.035e+07` is the same value;
- values compare as decimals, so `0.50` is `0.5`; signs and units are dropped (`-15` is 15, `31.7 %`
  is 31.7), since a sign or a percent sign never turns an untested number into a tested one.
  Rounding is not forgiven: a page that quotes 31.7 for a printed 31.72 needs a test that says so.

A number is accounted for when it is
(a) printed by a snippet the page shows (a `{{ snippet }}` line, a `snippet:` figure, or a lab's
    `# snippet:` cell; output read with support.output, which runs the build's runner and cache), or
(b) present in a chapter test file that names the page's path in quotes (`PAGE = "causes/x.md"`): the
    test is where the number is derived independently (tests/test_independence.py checks how), or
(c) covered by ALLOWLIST below: structural numbers, each with the reason it needs no test.

Run one page: `.venv/bin/python -m pytest tests/test_ledger.py -k clipping`. A failure lists every
unaccounted number of the page at once, each with the sentence it sits in.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from support import DOCS, ROOT, output

CHAPTER_TESTS = ROOT / "tests" / "chapters"

# (c) Structural numbers written as digits: a number written exactly so needs no test.
STRUCTURAL: list[tuple[str, str]] = [
    (r"\d", "a single digit 0 to 9 (x = 1, squares, halves, 2 layers, step 3): formulas and small counts, "
     "like 'one' or 'two' written out"),
]

# (c) Structural phrases. A pattern is removed from the prose before numbers are read; keep this short
# (under 40 entries) and give each entry the reason it needs no test.
ALLOWLIST: list[tuple[str, str]] = [
    (r"(?ms)^#+ References\b.*?(?=^#+ |\Z)", "bibliography: years, volumes, pages, standard numbers"),
    (r"(?:(?<=et al\. )|(?<=\()|(?<=[A-Z][a-z] )|(?<=[A-Z][a-z]{2} )|(?<=[A-Z][a-z]{3} )|(?<=[A-Z][a-z]{4} )"
     r"|(?<=[A-Z][a-z]{5} )|(?<=[A-Z][a-z]{6} )|(?<=[A-Z][a-z]{7} )|(?<=, ))(?:19[5-9]\d|20[0-2]\d)\b",
     "a year in a citation: 'He et al. 2015', 'Bengio (2010)', 'issue 5651, 2020'"),
    (r"IEEE 754(?:-2019)?", "the name of the floating-point standard"),
    (r"(?:PyTorch|torch|Python|Keras|keras|NumPy|numpy)(?: ?==? ?| )\d+(?:\.\d+)*", "a software version"),
    (r"(?:sections?|chapter|§) \d+(?:\.\d+)*(?: and \d+(?:\.\d+)*)?", "a section number of a cited book"),
    (r"\bissue \d+", "an issue number in a cited bug tracker"),
    (r"`[01 ]{8,}`", "a bit pattern written out in binary"),
    (r"\b\d+(?:st|nd|rd|th)\b", "an ordinal (the 90th percentile, the 0th output)"),
]

NAV_ENTRY = re.compile(r":\s*([\w./-]+\.(?:md|py))\s*$", re.MULTILINE)
FENCE = re.compile(r"^\s*(```|~~~)")
SNIPPET_LINE = re.compile(r"^\s*\{\{ snippet (\S+) \}\}\s*$")
FIGURE = re.compile(r'!\[(?P<alt>[^\]]*)\]\(snippet:(?P<name>[^#\s)]+)#\d+(?: "(?P<caption>[^"]*)")?\)')
LINK = re.compile(r"(!?)\[([^\]]*)\]\([^)\s]*(?: \"([^\"]*)\")?\)")
LAB_SNIPPET = re.compile(r"^# snippet: (\S+)$", re.MULTILINE)
SCIENTIFIC = re.compile(r"(\d+(?:\.\d+)?)\s*(?:\\times|×|\\cdot)\s*10\^\{?\s*([-−]?\d+)\s*\}?")
POWER_OF_TEN = re.compile(r"(?<![\w.])10(?:\^\{?\s*|\s+to\s+the\s+)((?:[-−]|minus\s+)?\d+(?:\.\d+)?)\s*\}?")
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(\.\d+)?(?:[eE]([-+]?\d+))?")


@dataclass(frozen=True)
class Unaccounted:
    page: str
    number: str
    sentence: str

    def __str__(self) -> str:
        return f"  {self.number}  in: {self.sentence}"


def nav_pages() -> list[str]:
    """Every page in mkdocs.yml's nav, as a path relative to docs/."""
    text = (ROOT / "mkdocs.yml").read_text()
    nav = text.split("\nnav:", 1)[1]
    nav = re.split(r"\n(?=\S)", nav, maxsplit=1)[0]
    return NAV_ENTRY.findall(nav)


def lab_markdown(source: str) -> tuple[str, list[str]]:
    """The Markdown cells of a jupytext percent notebook, and the snippets its `# snippet:` cells show."""
    cells = re.split(r"^# %%", source, flags=re.MULTILINE)
    markdown = [
        "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in cell.splitlines()[1:])
        for cell in cells if cell.startswith(" [markdown]")
    ]
    return "\n\n".join(markdown), LAB_SNIPPET.findall(source)


def prose(markdown: str) -> tuple[str, list[str]]:
    """The page's prose (see the module docstring for what is kept) and the snippets it shows."""
    shown: list[str] = []
    kept: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        if match := SNIPPET_LINE.match(line):
            shown.append(match[1])
            continue
        kept.append(line)
    text = "\n".join(kept)
    shown += [m["name"] for m in FIGURE.finditer(text)]
    text = FIGURE.sub(lambda m: f"{m['alt']} {m['caption'] or ''}", text)
    text = LINK.sub(lambda m: f"{m[2]} {m[3] or ''}", text)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)
    text = re.sub(r"\{#[\w-]+\}", " ", text)  # heading anchors
    text = re.sub(r"^\s*\d+\.\s", " ", text, flags=re.MULTILINE)  # ordered-list markers
    text = re.sub(r"_\{[^{}]*\}|_\d+", " ", text)  # TeX subscripts: indices
    text = re.sub(r"(?<=\d)(?:\{,\}|\\,)(?=\d{3})", ",", text)  # TeX thousands separators
    for pattern, _why in ALLOWLIST:
        text = re.sub(pattern, " ", text)
    return text, shown


def numbers(text: str) -> list[tuple[frozenset[Decimal], str, int]]:
    """(values, as written, position) for every number in `text`, normalised as the docstring says. A
    power of ten has two readings, the value and its exponent (`10^{19}` is 1e19 or a printed log10 of 19;
    `10^{24.72}` only the latter); either accounts for it."""
    found: list[tuple[frozenset[Decimal], str, int]] = []
    taken: list[range] = []
    for match in SCIENTIFIC.finditer(text):
        exponent = match[2].replace("−", "-")
        found.append((frozenset({Decimal(f"{match[1]}e{exponent}")}), match[0], match.start()))
        taken.append(range(match.start(), match.end()))
    for match in POWER_OF_TEN.finditer(text):
        if not any(match.start() in span for span in taken):
            exponent = Decimal(re.sub(r"[-−]|minus\s+", "-", match[1]))
            whole = exponent == exponent.to_integral()
            readings = {exponent.copy_abs()} | ({Decimal(f"1e{exponent}")} if whole else set())
            found.append((frozenset(readings), match[0], match.start()))
            taken.append(range(match.start(), match.end()))
    for match in NUMBER.finditer(text):
        if not any(match.start() in span for span in taken):
            literal = match[1].replace(",", "") + (match[2] or "") + (f"e{match[3]}" if match[3] else "")
            found.append((frozenset({Decimal(literal)}), match[0], match.start()))
    return sorted(found, key=lambda item: item[2])


def values(text: str) -> set[Decimal]:
    return {value for readings, _, _ in numbers(text) for value in readings}


@functools.cache
def printed(name: str) -> frozenset[Decimal]:
    """The numbers snippets/<name> prints (a teaching module in lib/ is shown, not run: none)."""
    return frozenset() if name.startswith("lib/") else frozenset(values(output(name)))


@functools.cache
def numbers_in_tests(path: str) -> frozenset[Decimal]:
    """The numbers in the chapter test files that name docs/<path> in quotes."""
    found: set[Decimal] = set()
    for test in sorted(CHAPTER_TESTS.glob("test_*.py")):
        source = test.read_text()
        if f'"{path}"' in source or f"'{path}'" in source:
            found |= values(source)
    return frozenset(found)


def sentence(text: str, position: int) -> str:
    """The sentence around `position`, whitespace folded, at most about 200 characters."""
    start = max(text.rfind(". ", 0, position), text.rfind("\n\n", 0, position)) + 1
    ends = [i for i in (text.find(". ", position), text.find("\n\n", position)) if i != -1]
    end = min(ends) + 1 if ends else len(text)
    folded = " ".join(text[start:end].split())
    return folded if len(folded) <= 220 else folded[:217] + "..."


def ledger(path: str, source: str | None = None) -> list[Unaccounted]:
    """Every number in docs/<path> (or in `source`, read as that page) that nothing accounts for."""
    source = (DOCS / path).read_text() if source is None else source
    if path.endswith(".py"):
        markdown, shown = lab_markdown(source)
        text, figures = prose(markdown)
        shown += figures
    else:
        text, shown = prose(source)
    known = set(numbers_in_tests(path))
    for name in shown:
        known |= printed(name)
    return [
        Unaccounted(path, written, sentence(text, position))
        for readings, written, position in numbers(text)
        if not readings & known and not any(re.fullmatch(p, written) for p, _ in STRUCTURAL)
    ]


PAGES = [path for path in nav_pages() if path != "contributing.md"]  # contributing.md only includes CONTRIBUTING.md


@pytest.mark.parametrize("path", PAGES)
def test_every_number_is_accounted_for(path: str) -> None:
    if not (DOCS / path).is_file():
        pytest.skip(f"docs/{path} is in the nav but not written yet")
    missing = ledger(path)
    assert not missing, f"docs/{path}: {len(missing)} number(s) not printed by its snippets, not in its " \
        "chapter test, not allowlisted:\n" + "\n".join(map(str, missing))


def test_a_planted_number_fails_naming_page_and_sentence() -> None:
    path = "causes/chain-product.md"
    source = (DOCS / path).read_text()
    planted = source.replace("The factor does not need to be large.",
                             "The factor does not need to be large: a factor of 7.31 will do.")
    assert planted != source
    before = {m.number for m in ledger(path)}
    missing = [m for m in ledger(path, planted) if m.number not in before]
    assert [m.number for m in missing] == ["7.31"]
    assert missing[0].page == path and "a factor of 7.31 will do" in missing[0].sentence


def test_normalisation() -> None:
    text, _ = prose(r"about \(1.035 \times 10^{7}\), 65,504 and \(63{,}067.58\); 31.7 % of `float16`; "
                    r"\(w_1\), \(h_{l-1}\) and \(10^{-6}\)")
    assert [set(readings) for readings, _, _ in numbers(text)] == [
        {Decimal("1.035e7")}, {Decimal(65504)}, {Decimal("63067.58")}, {Decimal("31.7")}, {Decimal("1e-6"), Decimal(6)}]
    assert values("from 10^19.6 to 10 to the minus 43") == {Decimal("19.6"), Decimal(43), Decimal("1e-43")}
    assert values("x = 1.035e+07\ny = -65504") == {Decimal("10350000"), Decimal(65504)}


def test_the_allowlist_is_short_and_reasoned() -> None:
    entries = ALLOWLIST + STRUCTURAL
    assert len(entries) < 40 and all(len(why) > 10 for _, why in entries)
