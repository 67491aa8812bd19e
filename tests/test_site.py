"""The built site: outputs on their pages, links and anchors, no other host, reproducible, and every kind
of bad input stopping the build with a message that names the file."""

from __future__ import annotations

import filecmp
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import runner
from support import ROOT, build, copy_project

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Tags whose URL the browser does not fetch by itself: a link the reader clicks (the bibliography's DOIs),
# and a page's canonical address. Every other URL (src, stylesheets, icons, preloads, forms) is a request.
NOT_FETCHED = {("a", "href"), ("link", "canonical"), ("link", "alternate"), ("link", "sitemap")}


class Page(HTMLParser):
    """The URLs a page refers to, the anchors it defines and its images."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.fetched: list[str] = []  # the URLs the browser requests when it shows the page
        self.outbound: list[dict[str, str | None]] = []  # links to other sites, followed only if clicked
        self.anchors: set[str] = set()
        self.images: list[dict[str, str | None]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.anchors.update(v for k, v in attrs if k in ("id", "name") and v)
        urls = [v for k, v in attrs if k in ("href", "src", "action", "poster", "data") and v]
        urls += [u.split()[0] for k, v in attrs if k == "srcset" and v for u in v.split(",")]
        self.urls += urls
        if (tag, values.get("rel") if tag == "link" else "href") not in NOT_FETCHED:
            self.fetched += urls
        elif tag == "a" and (values.get("href") or "").startswith("http"):
            self.outbound.append(values)
        if tag == "img":
            self.images.append(values)


def pages(site: Path) -> dict[str, Page]:
    return {p.relative_to(site).as_posix(): Page(p.read_text()) for p in sorted(site.rglob("*.html"))}


def visible_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_every_snippet_output_is_shown_on_its_page(site: Path) -> None:
    """On a chapter, under the snippet's title; a snippet only a lab shows, in the executed notebook."""
    built = {p: p.read_text() for p in site.rglob("index.html")}
    labs = {lab.stem: lab.read_text() for lab in (runner.ROOT / "docs" / "labs").glob("*.py")}
    for name, result in runner.run_all(report=lambda _: None).items():
        showing = [text for text in built.values() if f"snippets/{name}<" in text] or [
            built[site / "labs" / stem / "index.html"] for stem, lab in labs.items() if f"# snippet: {name}\n" in lab]
        assert showing, f"snippets/{name} is on no page"
        printed = " ".join(result.stdout.split())  # whitespace folded: a notebook may split a stream in two
        assert any(printed in " ".join(visible_text(text).split()) for text in showing), f"output of {name}"


def test_the_site_requests_nothing_from_another_host(site: Path) -> None:
    """Nothing a page loads comes from another host; a link to another site (a paper's DOI) is fine when
    it is HTTPS and sends nothing when clicked (no ping)."""
    offsite = []
    for path, page in pages(site).items():
        for url in page.fetched:
            parts = urlsplit(url)
            if parts.scheme not in ("", "data") and parts.hostname not in LOCAL_HOSTS:
                offsite.append(f"{path}: {url}")
        offsite += [f"{path}: {a}" for a in page.outbound if not str(a["href"]).startswith("https://") or "ping" in a]
    for css in site.rglob("*.css"):
        offsite += [f"{css.name}: {u}" for u in re.findall(r"url\(['\"]?((?:https?:)?//[^)'\"]+)", css.read_text())]
        offsite += [f"{css.name}: {u}" for u in re.findall(r"@import\s+['\"]?((?:https?:)?//[^'\";]+)", css.read_text())]
    assert not offsite, "\n".join(offsite)


def test_requests_are_told_from_links() -> None:
    page = Page('<link rel="stylesheet" href="https://cdn.example/a.css"><img srcset="a.svg 1x, https://x.org/b.svg 2x">'
                '<link rel="canonical" href="https://site.example/p/"><a href="https://doi.org/10.1/x">paper</a>')
    assert page.fetched == ["https://cdn.example/a.css", "a.svg", "https://x.org/b.svg"]
    assert [a["href"] for a in page.outbound] == ["https://doi.org/10.1/x"]


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    built = pages(site)
    broken = []
    for path, page in built.items():
        for url in page.urls:
            parts = urlsplit(urljoin(f"/{path}", url))
            if parts.scheme or parts.netloc:
                continue
            target = parts.path.lstrip("/") + ("index.html" if parts.path.endswith("/") else "")
            if not (site / target).is_file():
                broken.append(f"{path}: {url} (no {target})")
            elif parts.fragment and target in built and parts.fragment not in built[target].anchors:
                broken.append(f"{path}: {url} (no anchor #{parts.fragment})")
    assert not broken, "\n".join(broken)


def test_every_image_has_alt_text_and_math_became_mathml(site: Path) -> None:
    for path, page in pages(site).items():
        for image in page.images:
            assert (image.get("alt") or "").strip(), f"{path}: image {image.get('src')} has no alt text"
        text = (site / path).read_text()
        assert 'class="arithmatex"' not in text and "<merror" not in text, path


def assert_same_site(first: Path, second: Path) -> None:
    """The two built sites hold the same files, byte for byte."""
    files = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(first, second, files, shallow=False)
    assert not mismatch and not errors, f"differ: {mismatch[:10]}"


def test_a_warm_build_executes_nothing(site: Path, tmp_path: Path) -> None:
    """Nothing runs, and the pages are those of `site` (which, from a fresh clone, computed everything that
    render_cache.py remembers; here every such step comes from its store)."""
    result = build(ROOT, tmp_path / "warm")
    assert result.returncode == 0, result.stderr
    assert re.search(r"snippets: (\d+) in all, \1 cached, 0 ran$", result.stderr, re.MULTILINE), result.stderr
    assert "Converting notebook" not in result.stderr and "Cache hit" in result.stderr
    assert_same_site(site, tmp_path / "warm")


def test_two_builds_of_one_commit_are_byte_identical(site: Path, tmp_path: Path) -> None:
    """Another clone, at another path, with render_cache.py's store empty: every remembered step runs."""
    clone = copy_project(tmp_path / "a" / "different" / "path" / "clone")
    commit_time = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    other = tmp_path / "site"
    result = build(clone, other, SOURCE_DATE_EPOCH=commit_time.stdout.strip() or "0",
                   RENDER_CACHE=str(tmp_path / "render.json"))
    assert result.returncode == 0, result.stderr
    assert_same_site(site, other)


def test_a_build_killed_mid_snippet_leaves_no_trace(site: Path, tmp_path: Path) -> None:
    """kill -9 while a snippet runs, rebuild: the same site as a clean build, and no debris in the cache
    (`site` first fills the shared cache, so only the slow snippet runs)."""
    project = copy_project(tmp_path / "project")
    add("snippets/causes/zz_slow.py", "total = sum(i * i for i in range(30_000_000))\nprint(f'total = {total}')\n")(project)
    add(CHAPTER, "\n{{ snippet causes/zz_slow.py }}\n")(project)
    caches = [tmp_path / name for name in ("killed", "clean")]
    for cache in caches:
        shutil.copytree(runner.CACHE, cache, ignore=shutil.ignore_patterns("run-*"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SNIPPET_CACHE": str(caches[0]), "SOURCE_DATE_EPOCH": "0"}
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "killed-site")]
    victim = subprocess.Popen(command, cwd=project, env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list(caches[0].glob("run-*")) and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert list(caches[0].glob("run-*")), "the build was not caught while a snippet ran"
    sites = [tmp_path / f"{name}-site" for name in ("killed", "clean")]
    for cache, site in zip(caches, sites):
        result = build(project, site, SNIPPET_CACHE=str(cache), SOURCE_DATE_EPOCH="0")
        assert result.returncode == 0, result.stderr
    assert not list(caches[0].glob("run-*")), "debris left in the cache"
    assert_same_site(sites[1], sites[0])


def replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    """A change to a copy of the project: replace text in one of its files."""

    def change(project: Path) -> None:
        target = project / path
        assert old in target.read_text(), f"{path} no longer holds {old!r}"
        target.write_text(target.read_text().replace(old, new))

    return change


def add(path: str, text: str) -> Callable[[Path], None]:
    """A change to a copy of the project: append text to one of its files (creating it)."""

    def change(project: Path) -> None:
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a") as file:
            file.write(text)

    return change


CHAPTER = "docs/causes/chain-product.md"
BAD_INPUT = {
    "a snippet that raises": (
        add("snippets/causes/zz_fails.py", "x = 1\nraise RuntimeError('boom')\n"),
        ["snippets/causes/zz_fails.py failed", "at line 2: raise RuntimeError('boom')", "RuntimeError: boom"],
    ),
    "a snippet that hangs": (
        add("snippets/causes/zz_hangs.py", "import time\nwhile True:\n    time.sleep(0.1)\n"),
        ["snippets/causes/zz_hangs.py timed out after 3 s", "at line 3: time.sleep(0.1)"],
    ),
    "a snippet no page shows": (add("snippets/causes/zz_unused.py", "print('x = 1')\n"), ["shown on no page", "snippets/causes/zz_unused.py"]),
    "a page asking for a missing snippet": (add(CHAPTER, "\n{{ snippet causes/nope.py }}\n"), ["causes/chain-product.md", "no such snippet: snippets/causes/nope.py"]),
    "a page asking for a missing snippet's Markdown": (add(CHAPTER, "\n{{ markdown causes/nope.py }}\n"), ["causes/chain-product.md", "no such snippet: snippets/causes/nope.py"]),
    "a missing figure": (add(CHAPTER, '\n![A plot](snippet:causes/chain_product.py#1 "Caption")\n'), ["causes/chain-product.md", "the snippet draws 0 figure(s)"]),
    "a figure without alt text": (add(CHAPTER, '\n![](snippet:causes/chain_product_depth.py#1 "Caption")\n'), ["causes/chain-product.md", "needs alt text and a caption"]),
    "a page not in the navigation": (add("docs/causes/orphan.md", "# Orphan\n\nNot in nav.\n"), ["causes/orphan.md", "not included in the \"nav\""]),
    "a broken link": (add(CHAPTER, "\nSee [nothing](nowhere.md).\n"), ["causes/chain-product.md", "nowhere.md"]),
    "a search boost for a section that does not exist": (
        replace("docs/index.md", "    my-loss-just-became-nan: 5\n", "    my-loss-just-became-nan: 5\n    no-such-section: 2\n"),
        ["index.md", "no section with the id 'no-such-section'"],
    ),
    "a lab cell that raises": (add("docs/labs/watch-a-gradient-explode.py", "\n# %%\nraise ValueError('lab broke')\n"), ["watch-a-gradient-explode", "ValueError: lab broke"]),
}


# MkDocs itself reports these (strict mode) after writing the pages; every other check runs before
# anything is written, so a failed build publishes nothing.
CAUGHT_AFTER_WRITING = {"a page not in the navigation", "a broken link"}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_stops_the_build_naming_the_file(case: str, tmp_path: Path) -> None:
    change, expected = BAD_INPUT[case]
    project = copy_project(tmp_path / "project")
    change(project)
    result = build(project, tmp_path / "site", SNIPPET_TIMEOUT="3")
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build passed with {case}:\n{output[-3000:]}"
    for text in expected:
        assert text in output, f"{text!r} not in the build's output:\n{output[-3000:]}"
    if case not in CAUGHT_AFTER_WRITING:
        assert not list((tmp_path / "site").rglob("*.html")), "a failed build wrote pages"


def test_labs_download_as_notebooks_carrying_the_current_snippets(site: Path) -> None:
    labs = sorted((ROOT / "docs" / "labs").glob("*.py"))
    assert labs
    for lab in labs:
        notebook = json.loads((site / "labs" / lab.stem / f"{lab.stem}.ipynb").read_text())
        code = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
        for name in re.findall(r"^# snippet: (\S+)$", lab.read_text(), re.MULTILINE):
            assert (runner.SNIPPETS / name).read_text().strip() in code, f"{lab.name} lacks {name}"
        for name in re.findall(r"^# module: (\w+)$", lab.read_text(), re.MULTILINE):
            assert any((runner.LIB / f"{name}.py").read_text() in source for source in code), f"{lab.name} lacks {name}"
        assert not any(source.startswith(("# snippet:", "# module:")) for source in code)


def test_code_stays_out_of_the_search_index(site: Path) -> None:
    docs = json.loads((site / "search" / "search_index.json").read_text())["docs"]
    assert any("chain rule" in d["text"] for d in docs), "the prose is indexed"
    coded = [d["location"] for d in docs if "import numpy as np" in d["text"] or "NumPyPyTorch" in d["text"]]
    assert not coded, f"code in the search index: {coded[:5]}"
