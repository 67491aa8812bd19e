"""Page weight, measured in Chromium (Debian's, driven as in test_browser.py) against the built site and
counted gzip-compressed (level 6) as a static host serves it: every response a fresh browser (empty cache)
gets for a page (the page, its CSS, JavaScript, fonts and figures), once when the page has loaded (the
first visit, as Lighthouse counts it) and again after scrolling to its end, when every lazy figure of the
theme shown has come too.

Budgets (issue 10): a chapter's first visit at most 150 KB; the heaviest page at most 250 KB, even read
to its end. The hidden theme's copy of a figure is never fetched, nor is the search index (and its
worker) until the reader opens search (assets/search-on-demand.js); once they do, it comes."""

from __future__ import annotations

import functools
import gzip
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from test_browser import browser, server  # noqa: F401  (the same fixtures: the site served, Chromium)

CHAPTER_BUDGET = 150_000
PAGE_BUDGET = 250_000
PARTS = ("causes/", "symptoms/", "fixes/", "reference/")
EXEMPT = {"print": "the whole book on one page, for printing: every chapter's figures at once, by design"}
NAMED = [".", "causes/chain-product", "symptoms/measuring-gradients", "labs/watch-a-gradient-explode"]
READ_TO_THE_END = """async () => {
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
    scrollTo(0, y);
    await new Promise((done) => setTimeout(done, 30));
  }
}"""
FIGURES_LOADED = "[...document.images].filter((i) => i.getClientRects().length).every((i) => i.complete)"


@functools.cache
def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def visit(browser: object, server: str, site: Path, path: str, theme: str) -> tuple[dict[str, int], dict[str, int]]:
    """What a fresh browser requests for the page, URL -> gzip size: once loaded, and once read to the end."""
    context = browser.new_context(color_scheme=theme)  # type: ignore[attr-defined]
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.goto(server + ("" if path == "." else f"{path}/"), wait_until="networkidle")
    loaded = len(requested)
    page.evaluate(READ_TO_THE_END)
    page.wait_for_function(FIGURES_LOADED)
    page.wait_for_load_state("networkidle")
    context.close()
    files = [site / unquote(urlsplit(url).path).lstrip("/") for url in requested]
    sizes = {url: gzipped(file / "index.html" if file.is_dir() else file) for url, file in zip(requested, files)}
    return {url: sizes[url] for url in requested[:loaded]}, sizes


def pages(site: Path) -> list[str]:
    found = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    return [path for path in found if path not in EXEMPT]


def test_every_page_within_budget(site: Path, server: str, browser: object) -> None:  # noqa: F811
    visits = {path: visit(browser, server, site, path, "light") for path in pages(site)}
    first = {path: sum(loaded.values()) for path, (loaded, _) in visits.items()}
    read = {path: sum(everything.values()) for path, (_, everything) in visits.items()}
    report = "first visit, read to the end, page\n" + "\n".join(
        f"{first[path] / 1000:6.1f} KB {read[path] / 1000:6.1f} KB  {path}" for path in sorted(read, key=read.get))
    assert all(path in visits for path in NAMED) and any(path.startswith(PARTS) for path in visits), report
    heavy = [path for path, total in first.items() if path.startswith(PARTS) and total > CHAPTER_BUDGET]
    assert not heavy, f"chapters over {CHAPTER_BUDGET / 1000:.0f} KB on a first visit: {heavy}\n{report}"
    heavy = [path for path, total in read.items() if total > PAGE_BUDGET]
    assert not heavy, f"pages over {PAGE_BUDGET / 1000:.0f} KB read to the end: {heavy}\n{report}"
    searched = [path for path, (_, everything) in visits.items()
                if any("search_index.json" in url or "/workers/search." in url for url in everything)]
    assert not searched, f"the search index or worker came before anyone searched: {searched}"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_figure_is_downloaded_once_in_the_theme_shown(
    theme: str, site: Path, server: str, browser: object  # noqa: F811
) -> None:
    hidden = "dark" if theme == "light" else "light"
    for path in NAMED:
        _, everything = visit(browser, server, site, path, theme)
        figures = [url for url in everything if url.endswith(".svg")]
        assert not [url for url in figures if url.endswith(f"-{hidden}.svg")], f"{path}: the hidden theme's figures came"
        shown = (site / path / "index.html").read_text().count(f"-{theme}.svg#only-{theme}")
        assert len(figures) == len(set(figures)) == shown, f"{path}: {shown} figures shown, requests: {figures}"


def test_opening_search_fetches_the_index(site: Path, server: str, browser: object) -> None:  # noqa: F811
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server + "causes/chain-product/", wait_until="networkidle")
    with page.expect_response(lambda response: response.url.endswith("search/search_index.json")):
        page.click("input[name=query]")
    page.keyboard.type("clipping")
    page.wait_for_selector(".md-search-result__item")
    assert "Gradient clipping" in page.inner_text(".md-search-result__list")
    context.close()
