"""The bibliography, docs/reference/bibliography.md: every citation on a page links to one of its entries,
every entry is cited somewhere, and every entry links to a stable address. Offline: links are checked for
their form, never fetched.

An entry is an item of the page's References list that ends with its key on a line of its own,
`{#pascanu2013}` (attr_list turns it into the item's id). A citation is text such as
"Pascanu et al. (2013)", "Ioffe and Szegedy 2015", "Bengio, Simard and Frasconi (1994)" or "Wortsman
et al.": `et al.`, or a capitalised name followed by a year, in parentheses or not. In a page's prose
(outside code, math and figure text, where a link cannot go) every citation must sit inside a link to an
entry; `unlinked` finds the ones that do not, so that a new chapter cannot cite without linking.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

import pytest
from support import DOCS
from test_ledger import lab_markdown, nav_pages

PAGE = "reference/bibliography.md"
DOI = re.compile(r"https://doi\.org/10\.\d{4,9}/[-._;()/:A-Za-z0-9]+")
ARXIV = re.compile(r"https://arxiv\.org/abs/(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})")

# Works with neither a DOI nor an arXiv version, each with the reason; they link to the archive that holds
# them (at most one link, https), and only they may.
WITHOUT_IDENTIFIER: dict[str, str] = {
    "glorot2010": "AISTATS 2010, published in PMLR, which assigns no DOI; no arXiv version",
    "glorot2011": "AISTATS 2011, published in PMLR, which assigns no DOI; no arXiv version",
    "jozefowicz2015": "ICML 2015, published in PMLR, which assigns no DOI; no arXiv version",
    "srivastava2014": "a JMLR paper: JMLR assigns no DOI; no arXiv version",
    "nair2010": "ICML 2010, whose proceedings have no DOI: the authors' PDF",
    "maas2013": "an ICML workshop paper: the first author's PDF",
    "mikolov2012": "a PhD thesis: the author's PDF at his university",
    "goodfellow2016": "an MIT Press book without a DOI, whose full text is on its own site",
    "godbole2023": "a playbook published as a GitHub repository",
    "karpathy2022": "a recorded lecture",
    "huggingface2020": "a GitHub issue thread",
    "googleresearch2020": "a GitHub issue thread",
    "newman1986": "a 1986 journal paper whose DOI could not be confirmed offline: its journal reference only",
}

ITEM = re.compile(r"^- .*?(?=^- |\Z)", re.MULTILINE | re.DOTALL)
KEY_LINE = re.compile(r"\n  \{#([a-z]+\d{4}[a-z]?)\}\s*$")
URL = re.compile(r"\]\((https?://[^)\s]+)\)")
BIB_LINK = re.compile(r"\]\(([^)\s]*?)bibliography(\.md|/)#([^)\s]*)\)")

FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.MULTILINE | re.DOTALL)
HIDDEN = [  # where a citation cannot be a link: code, snippet tags, comments, math, figures
    FENCE,
    re.compile(r"^\s*\{\{.*?\}\}\s*$", re.MULTILINE),
    re.compile(r"<!--.*?-->", re.DOTALL),
    re.compile(r"`[^`\n]*`"),
    re.compile(r"\\\(.*?\\\)|\\\[.*?\\\]|\$\$.*?\$\$|\$[^$\n]*\$", re.DOTALL),
    re.compile(r"!\[[^\]]*\]\([^)]*\)"),
]
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
NAME = r"(?!(?:In|By|On|At|Of|To|For|From|Since|Until|Before|After|Around|About|The|And|Or)\b)" \
       r"[A-Z][a-zà-öø-ÿ]+(?:[-'’][A-Za-zà-öø-ÿ]+)*"
CITATION = re.compile(rf"\bet al\.|\b{NAME},?\s+\(?(?:1[89]|20)\d\d[a-z]?\b")


@dataclass(frozen=True)
class Entry:
    key: str
    text: str

    @property
    def year(self) -> str | None:
        found = re.search(r"\((\d{4})\)", self.text)
        return found[1] if found else None

    @property
    def urls(self) -> list[str]:
        return URL.findall(self.text)


def entries(source: str | None = None) -> list[Entry]:
    """The entries of the References list of the bibliography page (or of `source`), in page order; an
    item without its key line fails here, naming the item."""
    source = (DOCS / PAGE).read_text() if source is None else source
    references = re.split(r"(?m)^## References\b.*$", source, maxsplit=1)
    assert len(references) == 2, f"docs/{PAGE} has no '## References' section"
    found = []
    for item in ITEM.finditer(references[1]):
        key = KEY_LINE.search(item[0])
        assert key, f"docs/{PAGE}: an entry does not end with its key line '  {{#key}}':\n{item[0]}"
        found.append(Entry(key[1], item[0][: key.start()]))
    return found


def markdown_of(path: str) -> str:
    """The Markdown a reader sees on docs/<path>: a chapter's source, or a lab's Markdown cells."""
    source = (DOCS / path).read_text()
    return lab_markdown(source)[0] if path.endswith(".py") else source


def blank(match: re.Match[str]) -> str:
    """The match with every character but its newlines blanked, so that line numbers survive."""
    return re.sub(r"[^\n]", " ", match[0])


def unlinked(markdown: str) -> list[str]:
    """Every citation in `markdown` that is not inside a link to the bibliography, with its line number."""
    text = markdown
    for pattern in HIDDEN:
        text = pattern.sub(blank, text)
    text = LINK.sub(lambda m: blank(m) if BIB_LINK.search(m[0]) else f"[{m[1]}]" + blank(m)[len(m[1]) + 2:], text)
    return [f"line {text.count(chr(10), 0, m.start()) + 1}: {' '.join(m[0].split())!r}" for m in CITATION.finditer(text)]


def resolves(page: str, directory: str, suffix: str) -> bool:
    """Whether a link from docs/<page> to `directory` + 'bibliography' + `suffix` reaches this page: a
    chapter links to the file (which the strict build checks too), a lab's notebook to the page's URL."""
    base, wanted = (page[:-3], "/") if page.endswith(".py") else (posixpath.dirname(page), ".md")
    return suffix == wanted and posixpath.normpath(posixpath.join(base, directory, "bibliography")) == "reference/bibliography"


CITING = [path for path in nav_pages() if path not in (PAGE, "contributing.md")]  # contributing.md only includes CONTRIBUTING.md


def test_every_entry_links_to_a_stable_address() -> None:
    problems = []
    for entry in entries():
        stable = [url for url in entry.urls if DOI.fullmatch(url) or ARXIV.fullmatch(url)]
        if entry.key in WITHOUT_IDENTIFIER:
            if stable or len(entry.urls) > 1 or not all(url.startswith("https://") for url in entry.urls):
                problems.append(f"{entry.key}: listed as having no DOI or arXiv id, yet links {entry.urls}")
        elif not entry.urls or len(stable) != len(entry.urls):
            problems.append(f"{entry.key}: every link must be a DOI or arXiv address, found {entry.urls}")
    assert not problems, "\n".join(problems)
    assert set(WITHOUT_IDENTIFIER) <= {entry.key for entry in entries()}, "a reason for an entry that is gone"


def test_the_link_forms_are_strict() -> None:
    assert DOI.fullmatch("https://doi.org/10.1109/72.279181") and DOI.fullmatch("https://doi.org/10.1007/3-540-49430-8_2")
    assert ARXIV.fullmatch("https://arxiv.org/abs/1211.5063") and ARXIV.fullmatch("https://arxiv.org/abs/math/0408165")
    for bad in ("http://doi.org/10.1109/72.279181", "https://doi.org/72.279181", "https://dx.doi.org/10.1109/72.279181",
                "https://arxiv.org/pdf/1211.5063", "https://arxiv.org/abs/1211.506", "https://arxiv.org/abs/1211.5063v2x"):
        assert not DOI.fullmatch(bad) and not ARXIV.fullmatch(bad), bad


@pytest.mark.parametrize("path", CITING)
def test_every_citation_links_into_the_bibliography(path: str) -> None:
    missing = unlinked(markdown_of(path))
    assert not missing, f"docs/{path} cites without linking to docs/{PAGE}:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", CITING)
def test_every_link_to_the_bibliography_reaches_an_entry(path: str) -> None:
    keys = {entry.key for entry in entries()}
    broken = [f"{m[0]}" for m in BIB_LINK.finditer(markdown_of(path)) if m[3] not in keys or not resolves(path, m[1], m[2])]
    assert not broken, f"docs/{path}: links to no entry of docs/{PAGE}:\n" + "\n".join(broken)


def test_every_entry_is_cited() -> None:
    cited = {m[3] for path in CITING for m in BIB_LINK.finditer(markdown_of(path))}
    uncited = [entry.key for entry in entries() if entry.key not in cited]
    assert not uncited, f"entries of docs/{PAGE} that no page cites: {uncited}"


def test_an_unlinked_citation_is_caught_and_a_linked_one_is_not() -> None:
    source = (DOCS / "causes/recurrent.md").read_text()
    assert not unlinked(source)
    planted = {
        "Hochreiter and Schmidhuber (1997) showed it.": "Schmidhuber (1997",
        "As Pascanu et al. (2013) put it.": "et al.",
        "See Ioffe and Szegedy, 2015, for the transform.": "Szegedy, 2015",
        "Clipping (Bengio 1994) is old.": "Bengio 1994",
        "Wortsman et al. saw the logits drift.": "et al.",
        "The scale of Glorot and Bengio (2010a) differs.": "Bengio (2010a",
    }
    for sentence, citation in planted.items():
        found = unlinked(source.replace("## The conditions", f"{sentence}\n\n## The conditions", 1))
        assert len(found) == 1 and citation in found[0], (sentence, found)
    linked = "[Hochreiter and Schmidhuber (1997)](../reference/bibliography.md#hochreiter1997) showed it, as did " \
             "([Pascanu et al. 2013](../reference/bibliography.md#pascanu2013))."
    assert not unlinked(source.replace("## The conditions", f"{linked}\n\n## The conditions", 1))
    elsewhere = "[Hochreiter and Schmidhuber (1997)](../causes/chain-product.md) is not a bibliography link."
    assert len(unlinked(elsewhere)) == 1


def test_years_that_are_not_citations_are_left_alone() -> None:
    prose = ("In 2017 the format spread. IEEE 754-2019 sets the rules; step 2000 of 3000; `Bengio (1994)` in code; "
             r"\(\text{Bengio 1994}\) in math; " '![Alt by Bengio 1994](snippet:x.py#1 "Caption"); PyTorch 2.13.')
    assert unlinked(prose) == []
