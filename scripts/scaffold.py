"""Start a chapter: `python3 scripts/dev.py new fixes/weight-decay` writes the page in the chapter shape, a
snippet that follows the contract, the chapter's test file and the page's entry in the navigation.

The result builds at once. Its test fails until the author has replaced every "(write: ...)" marker on the
page and in the snippet, and until the test derives the snippet's numbers on its own: nothing generated
here passes as a finished chapter.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = {"causes": "Causes", "symptoms": "Symptoms", "fixes": "Fixes", "reference": "Reference"}
MARKER = "(write:"

PAGE = """# {title}

**The question:** (write: the one question a practitioner asks, in one sentence.)

## The mechanism

(write: why it happens, with the math that explains it. Inline math is \\( x \\), display math \\[ x \\].)

## The experiment

(write: what the snippet does and what to look for.)

{{{{ snippet {part}/{stem}.py }}}}

![(write: alt text that says what a reader sees: axes, curves, where they cross)](snippet:{part}/{stem}.py#1 "(write: the caption, what to conclude.)")

(write: what the output and the figure show, quoting the printed numbers.)

## What to do

- (write: what to check or change, as a short list.)

## References

- (write: authors, year, title.)
"""

SNIPPET = '''"""(write: one line saying what this snippet shows.)"""

import matplotlib.pyplot as plt
import numpy as np

SEED = 0
WIDTH = 64
DEPTH = 20

rng = np.random.default_rng(SEED)
x = rng.standard_normal(WIDTH)
norms = [float(np.linalg.norm(x))]
for _ in range(DEPTH):
    x = rng.normal(0.0, 1.0 / np.sqrt(WIDTH), (WIDTH, WIDTH)) @ x
    norms.append(float(np.linalg.norm(x)))
print(f"norm after {{DEPTH}} layers = {{norms[-1]:.3g}}")

fig, ax = plt.subplots(figsize=(5.6, 3.6))
ax.semilogy(norms, "C0-")
ax.set_xlabel("layer")
ax.set_ylabel("norm of the signal")
ax.set_title("(write: a title)")
plt.show()
'''

TEST = '''"""{part}/{name}.md: every number derived independently (CONTRIBUTING.md, "Testing a chapter")."""

from support import DOCS, ROOT, number, output, page

PAGE = "{part}/{name}.md"


def test_the_chapter_is_written() -> None:
    source = (DOCS / PAGE).read_text() + (ROOT / "snippets/{part}/{stem}.py").read_text()
    unwritten = [line.strip() for line in source.splitlines() if "{marker}" in line]
    assert not unwritten, "still to write:\\n" + "\\n".join(unwritten)


def test_the_printed_numbers() -> None:
    printed = number(output("{part}/{stem}.py"), "norm after 20 layers")
    # (write: derive the expected value independently: a closed form, a theory with its tolerance or a
    # second method; then check that the page quotes it.)
    expected = None
    assert printed == expected
    assert f"{{printed:.3g}}" in page(PAGE)
'''


def add_to_nav(config: str, part: str, title: str, path: str) -> str:
    """The mkdocs.yml text with `title: path` appended to the part's section of the navigation."""
    lines = config.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == f"  - {PARTS[part]}:"), None)
    if start is None:  # a part's first chapter opens its section, before the parts that follow it
        later = [f"  - {PARTS[p]}:" for p in list(PARTS)[list(PARTS).index(part) + 1 :]] + ["  - Labs:"]
        start = next((i for i, line in enumerate(lines) if line.rstrip() in later), None)
        if start is None:
            raise SystemExit(f"mkdocs.yml has no '  - {PARTS[part]}:' section in its nav, nor a later part")
        lines.insert(start, f"  - {PARTS[part]}:\n")
    end = start + 1
    while end < len(lines) and lines[end].startswith("      - "):
        end += 1
    lines.insert(end, f'      - "{title}": {path}\n')
    return "".join(lines)


def new(address: str) -> list[Path]:
    """Write the chapter <part>/<name>; return the files written."""
    match = re.fullmatch(r"([a-z]+)/([a-z0-9]+(?:-[a-z0-9]+)*)", address.removesuffix(".md"))
    if not match or match[1] not in PARTS:
        raise SystemExit(f"usage: dev.py new <part>/<name>, part one of {', '.join(PARTS)}, name like weight-decay")
    part, name = match[1], match[2]
    stem = name.replace("-", "_")
    title = name.replace("-", " ").capitalize()
    files = {
        ROOT / "docs" / part / f"{name}.md": PAGE.format(title=title, part=part, stem=stem),
        ROOT / "snippets" / part / f"{stem}.py": SNIPPET.format(),
        ROOT / "tests" / "chapters" / f"test_{part}_{stem}.py": TEST.format(part=part, name=name, stem=stem, marker=MARKER),
    }
    existing = [str(path.relative_to(ROOT)) for path in files if path.exists()]
    if existing:
        raise SystemExit(f"already there: {', '.join(existing)}")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    config = ROOT / "mkdocs.yml"
    config.write_text(add_to_nav(config.read_text(), part, title, f"{part}/{name}.md"))
    return [*files, config]


