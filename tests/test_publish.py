"""Ready to publish: the address is set once (mkdocs.yml's site_url, read from SITE_URL) and the sitemap,
the canonical links and the link-preview tags of the built site follow from it; no <link> makes the
browser fetch anything from another host; the deploy workflow runs the README's commands; and print/
holds the whole book, every page of the navigation in its order."""

from __future__ import annotations

import html
import os
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import printable
import pytest
import yaml
from mkdocs.utils.yaml import yaml_load
from support import ROOT, build

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NOT_FETCHED = {"canonical", "prev", "next", "alternate"}  # <link> kinds that only name an address
PREVIEW = ["og:title", "og:description", "og:url", "og:image", "og:image:alt", "twitter:card"]
LIGHT_FIGURE = re.compile(r'<img\b[^>]*\bsrc="([^"]+-light\.svg)#only-light"')
OTHER = "https://example.org/a/book/"


class Head(HTMLParser):
    """A page's <link> elements (rel, href) and its <meta> tags by property or name."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[tuple[set[str], str]] = []
        self.meta: dict[str, str] = {}
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "link":
            self.links.append((set(values.get("rel", "").split()), values.get("href", "")))
        elif tag == "meta" and (values.get("property") or values.get("name")):
            self.meta[values.get("property") or values["name"]] = values.get("content", "")

    def canonical(self) -> list[str]:
        return [href for rel, href in self.links if "canonical" in rel]


def configured_address() -> str:
    """site_url as MkDocs reads mkdocs.yml (the !ENV tag resolved), with the slash MkDocs adds."""
    with (ROOT / "mkdocs.yml").open() as file:
        address = yaml_load(file)["site_url"]
    return address if address.endswith("/") else address + "/"


def built_pages(site: Path) -> dict[str, Path]:
    """Every page of the built site by its address relative to the site (the home page is "")."""
    return {("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/"): p
            for p in sorted(site.rglob("index.html"))}


def article(text: str) -> str:
    return text[text.index("<article"):text.rindex("</article>")]


def heading(text: str) -> str:
    """The text of the first <h1> in `text`, without its permalink mark."""
    found = re.search(r"<h1\b[^>]*>(.*?)</h1>", text, re.DOTALL)
    assert found, "no <h1>"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found[1])).replace("¶", "").split())


def nav_paths(items: list) -> list[str]:
    paths: list[str] = []
    for item in items:
        ((_, value),) = item.items()
        paths += nav_paths(value) if isinstance(value, list) else [value]
    return paths


def address_of(path: str) -> str:
    """The address MkDocs gives a navigation entry: x/index.md -> x/, x/y.md and x/y.py -> x/y/."""
    stem = path.rsplit(".", 1)[0]
    return "" if stem == "index" else (stem.removesuffix("index") if stem.endswith("/index") else stem + "/")


# --------------------------------------------------------------------------- one address, everywhere
def test_the_address_is_set_once_from_site_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SITE_URL", raising=False)
    default = configured_address()
    assert urlsplit(default).scheme == "https" and default.endswith("/")
    monkeypatch.setenv("SITE_URL", OTHER)
    assert configured_address() == OTHER
    assert (ROOT / "mkdocs.yml").read_text().count("site_url:") == 1


def test_the_sitemap_lists_every_page_at_the_configured_address(site: Path) -> None:
    address = configured_address()
    listed = [loc.text for loc in ElementTree.parse(site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert sorted(listed) == sorted(address + page for page in built_pages(site))
    assert len(listed) == len(set(listed))


def test_every_page_has_its_canonical_link_and_preview_tags(site: Path) -> None:
    address = configured_address()
    for page, path in built_pages(site).items():
        head = Head(path.read_text())
        assert head.canonical() == [address + page], page
        missing = [tag for tag in PREVIEW if not head.meta.get(tag, "").strip()]
        assert not missing, f"{page}: no {missing}"
        assert head.meta["og:url"] == address + page
        assert head.meta["twitter:card"] == "summary_large_image"


def test_the_preview_image_is_the_pages_first_figure_or_the_home_pages(site: Path) -> None:
    address, pages = configured_address(), built_pages(site)

    def first_figure(page: str) -> str | None:
        found = LIGHT_FIGURE.search(article(pages[page].read_text()))
        return urljoin(address + page, found[1]) if found else None

    fallback = first_figure("")
    assert fallback, "the home page has no figure to stand for the pages without one"
    for page, path in pages.items():
        image = Head(path.read_text()).meta["og:image"]
        assert image == (first_figure(page) or fallback), page
        assert image.startswith(address) and (site / image.removeprefix(address)).is_file(), image


def test_no_link_fetches_from_another_host(site: Path) -> None:
    """Preview tags are <meta> (never fetched); a canonical link names an address. Every <link> that a
    browser may fetch (a style sheet, an icon, preload, prefetch, preconnect...) stays on the site."""
    fetching = []
    for path in sorted(site.rglob("*.html")):
        for rel, href in Head(path.read_text()).links:
            parts = urlsplit(href)
            if not rel <= NOT_FETCHED and (parts.scheme or parts.netloc):
                fetching.append(f"{path.relative_to(site)}: <link rel={' '.join(sorted(rel))} href={href}>")
    assert not fetching, "\n".join(fetching)


def test_another_address_changes_sitemap_canonical_links_and_previews(tmp_path: Path, site: Path) -> None:
    """A second build (warm: about as long as the warm build) with SITE_URL set elsewhere."""
    result = build(ROOT, tmp_path / "site", SITE_URL=OTHER)
    assert result.returncode == 0, result.stderr[-3000:]
    moved = built_pages(tmp_path / "site")
    assert moved.keys() == built_pages(site).keys()
    listed = [loc.text for loc in ElementTree.parse(tmp_path / "site" / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert sorted(listed) == sorted(OTHER + page for page in moved)
    for page, path in moved.items():
        head = Head(path.read_text())
        assert head.canonical() == [OTHER + page] and head.meta["og:url"] == OTHER + page
        assert head.meta["og:image"].startswith(OTHER + "figures/")


# --------------------------------------------------------------------------- the deploy workflow
def test_the_deploy_workflow_runs_the_readmes_commands() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    readme = (ROOT / "README.md").read_text()
    test, build_command = "python3 scripts/dev.py test", "python3 scripts/dev.py build"
    assert f"\n{test}\n" in readme and build_command in readme, "the README no longer gives these commands"
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
    steps = workflow["jobs"]["build"]["steps"]
    commands: list[str] = []
    for step in steps:  # .ci/run stands for the commands it runs
        run = step.get("run", "")
        commands += [line for line in ci if line.startswith("python3 ")] if run == ".ci/run" else [run] * bool(run)
    readme_steps = [c for c in commands if c.startswith("python3 scripts/dev.py")]
    assert readme_steps == ["python3 scripts/dev.py setup", test, build_command]
    assert ci[-1] == test  # .ci/run ends with the README's test command
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    upload = steps[uses.index("actions/upload-pages-artifact")]
    assert upload["with"]["path"] == "site" and uses.index("actions/upload-pages-artifact") == len(steps) - 1
    built = next(step for step in steps if step.get("run") == build_command)
    assert "steps.pages.outputs.base_url" in built["env"]["SITE_URL"]
    assert "bookworm" in workflow["jobs"]["build"]["container"]  # Debian: .ci/run installs Debian's Chromium
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the key `on` as true


# --------------------------------------------------------------------------- the whole book on one page
def book(site: Path) -> str:
    return (site / "print" / "index.html").read_text()


def test_the_print_page_holds_every_page_of_the_navigation_in_order(site: Path) -> None:
    with (ROOT / "mkdocs.yml").open() as file:
        order = [address_of(path) for path in nav_paths(yaml_load(file)["nav"])]
    text, pages = book(site), built_pages(site)
    names = re.findall(r'<section class="book-chapter" id="([^"]+)">', text)
    assert names == [page.strip("/").replace("/", "-") or "home" for page in order]
    sections = text.split('<section class="book-chapter"')[1:]
    for page, part in zip(order, sections):
        assert heading(part) == heading(article(pages[page].read_text())), page
    chapter = pages["causes/chain-product/"].read_text()
    assert 'href="../../print/"' in chapter, "the navigation has no entry for the whole book"


def test_the_print_page_is_light_local_and_whole(site: Path) -> None:
    text, pages = book(site), built_pages(site)
    assert not re.search(r'\ssrc="[^"]*(?:-dark\.svg|#only-light)"', text)  # one copy of each, always shown
    assert "[data-md-color-scheme=slate] .jupyter-wrapper" not in text  # the labs' figures stay light
    figures = re.findall(r'<img\b[^>]*\bsrc="([^"]+-light\.svg)"', text)
    on_pages = sum(len(LIGHT_FIGURE.findall(article(p.read_text()))) for name, p in pages.items() if name != "print/")
    assert len(figures) == on_pages > 0
    for source in set(re.findall(r'\ssrc="([^"#]+)', text)):
        if not urlsplit(source).scheme:
            assert (site / "print" / source).resolve().is_file(), source
    outside_figures = re.sub(r"<svg\b.*?</svg>", "", text, flags=re.DOTALL)
    ids = re.findall(r'\sid="([^"]+)"', outside_figures)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})[:10]
    missing = {href for href in re.findall(r'\shref="#([^"]+)"', outside_figures) if href not in set(ids)}
    assert not missing, sorted(missing)[:10]
    assert "break-before: page" in text and "break-inside: avoid" in text
    assert all(re.search(r"\sopen\b", tag) for tag in re.findall(r"<details\b[^>]*>", text))  # nothing folded
    assert 'loading="lazy"' not in text  # a figure not yet scrolled to would be missing from the printout
    index = (site / "search" / "search_index.json").read_text()
    assert '"location":"print/' not in index.replace(" ", ""), "the book page is in the search index"


def test_addresses_are_rebased_for_the_book_page() -> None:
    chapters = {"symptoms/is-it-exploding/": "symptoms-is-it-exploding", "": "home"}
    cases = [("#the-question", "causes/chain-product/", "#causes-chain-product--the-question"),
             ("#", "causes/chain-product/", "#causes-chain-product"),
             ("../../figures/causes/x-1-light.svg", "causes/chain-product/", "../figures/causes/x-1-light.svg"),
             ("../is-it-exploding/#the-decision-table", "symptoms/lab/", "#symptoms-is-it-exploding--the-decision-table"),
             ("../../", "symptoms/lab/", "#home"),
             ("diagnose-this-run.ipynb", "labs/diagnose-this-run/", "../labs/diagnose-this-run/diagnose-this-run.ipynb"),
             ("https://doi.org/10.1162/neco.1997.9.8.1735", "causes/recurrent/", "https://doi.org/10.1162/neco.1997.9.8.1735")]
    for url, origin, expected in cases:
        name = origin.strip("/").replace("/", "-")
        assert printable.rebase(url, origin, name, chapters, "print/") == expected, url
