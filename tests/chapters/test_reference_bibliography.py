"""reference/bibliography.md: the entries' own shape, and the introduction's account of their links.
Whether every citation links here, every entry is cited and every link is a DOI or arXiv address is
tests/test_bibliography.py's concern, for the whole site."""

import re

from support import page
from test_bibliography import WITHOUT_IDENTIFIER, entries

PAGE = "reference/bibliography.md"  # the page test_bibliography.entries reads


def test_every_entry_has_one_key_and_the_key_names_its_year() -> None:
    found = entries()
    keys = [entry.key for entry in found]
    assert len(found) > 50 and len(set(keys)) == len(keys), "duplicate keys"
    assert keys == sorted(keys), "entries are listed in the order of their keys (first author, then year)"
    for entry in found:
        assert entry.year and entry.key.endswith((entry.year, entry.year + "a", entry.year + "b")), entry.text
        assert re.search(r"\*[^*]+\*", entry.text), f"{entry.key}: no title in italics"


def test_the_introduction_says_which_entries_have_no_doi_or_arxiv_link() -> None:
    found = entries()
    assert [entry.key for entry in found if not entry.urls] == ["newman1986"]
    assert "One paper, Newman's, is given by its journal reference alone" in page(PAGE)
    assert 2 * len(WITHOUT_IDENTIFIER) < len(found) and "Most entries link to a DOI" in page(PAGE)
    issues = [entry.key for entry in found if "github.com/" in " ".join(entry.urls) and "/issues/" in " ".join(entry.urls)]
    assert len(issues) == 2 and "two GitHub issue threads" in page(PAGE)
