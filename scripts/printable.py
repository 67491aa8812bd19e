"""MkDocs hook: the whole book on one page, print/, for reading offline or printing.

The page is generated (there is no docs/print.md): every page of the navigation, in its order, as the
build rendered it, under a table of contents, with the site's theme around it and an entry of its own
in the navigation, after the labs. Its search entry is switched off, since every sentence on it is already
found on its own page. To make one page of many, each chapter's ids get the chapter's name as a prefix,
and a link to another chapter (or an anchor in one) leads to that chapter within this page; other
relative addresses (figures, notebooks) are rewritten for the page's own address. Figures are shown in
the light theme on a white ground, whichever theme the reader uses, and loaded with the page (a lazy
figure would be missing from a printout or a saved copy); collapsed blocks are open, and the
print style sheet starts each chapter on a new sheet and keeps figures, code and tables whole.
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import urljoin, urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

SOURCE = "print.md"
TITLE = "The whole book on one page"
INTRO = f"""---
search:
  exclude: true
hide:
  - toc
---

# {TITLE}

Every chapter and lab of this site, in the order of the navigation, on one page: for reading offline
(save it with your browser) or on paper (print it, or print to PDF). Links between chapters lead to the
chapter on this page. Figures are shown in the light theme.
"""
STYLE = """<style>
.book figure img, .book .jupyter-wrapper svg { background: #fff; }
@media print {
  .book-chapter { break-before: page; }
  .book figure, .book img, .book svg, .book pre, .book table, .book .admonition, .book details,
  .book .tabbed-set, .book .jp-OutputArea-output { break-inside: avoid; }
  .book h1, .book h2, .book h3, .book h4 { break-after: avoid; }
  .book .headerlink, .book .md-button { display: none; }
}
</style>"""
SVG = re.compile(r"(<svg\b.*?</svg>)", re.DOTALL)  # a lab's inline figure: its own ids and references
DARK_FIGURE = re.compile(r'<img\b[^>]*?-dark\.svg#only-dark"[^>]*>\n?')
DARK_LAB_COLOURS = re.compile(r"\[data-md-color-scheme=slate\] \.jupyter-wrapper\{[^}]*\}")
IDENTIFIERS = [re.compile(r'( (?:id|for)=")([^"]+)"'), re.compile(r'(<input [^>]*?name=")([^"]+)"')]  # tabs
SCRIPT = re.compile(r"<script\b")
CLOSED = re.compile(r"<details(?![^>]*\sopen\b)")
HEADING = re.compile(r"<h1\b.*?</h1>", re.DOTALL)
ADDRESS = re.compile(r'(\s(?:href|src)=")([^"]*)"')


def on_files(files: Files, config: MkDocsConfig) -> Files:
    files.append(File.generated(config, SOURCE, content=INTRO, inclusion=InclusionLevel.NOT_IN_NAV))
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """The page's entry goes after the labs (or last): a reader finds it where the labs end."""
    book = files.get_file_from_path(SOURCE)
    if book is None:
        raise PluginError(f"printable: the generated page {SOURCE} is missing")
    page = Page(TITLE, book, config)
    after = next((i + 1 for i, item in enumerate(nav.items) if item.title == "Labs"), len(nav.items))
    nav.items.insert(after, page)
    return nav


def slug(page: Page) -> str:
    return page.url.strip("/").replace("/", "-") or "home"


def on_page_context(context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
    if page.file.src_uri != SOURCE:
        return context
    chapters = {other.url: slug(other) for other in nav.pages}
    contents = "".join(f'<li><a href="#{chapters[p.url]}">{html.escape(p.title or "")}</a></li>' for p in nav.pages)
    body = "".join(chapter(other, chapters, page.url) for other in nav.pages)
    page.content = f'{STYLE}<div class="book">{page.content}<h2 id="contents">Contents</h2><ol>{contents}</ol>{body}</div>'
    return context


def chapter(page: Page, chapters: dict[str, str], here: str) -> str:
    """One page's rendered content, made to live on the book page at `here`. An interactive page (one
    that runs a script) would not work twice on one page, nor on paper: its heading and a link to it."""
    name, content = slug(page), page.content or ""
    if SCRIPT.search(content):
        heading = HEADING.search(content)
        link = posixpath.relpath(f"/{page.url}", f"/{here}") + "/"
        note = f'<p>An interactive page: <a href="{link}">open it on the site</a>.</p>'
        return section(name, local(heading[0] if heading else "", page, chapters, here) + note)
    content = DARK_LAB_COLOURS.sub("", DARK_FIGURE.sub("", content).replace("#only-light\"", "\""))
    content = CLOSED.sub("<details open", content).replace(' loading="lazy"', "")  # on paper nothing unfolds
    return section(name, local(content, page, chapters, here))


def section(name: str, content: str) -> str:
    return f'<section class="book-chapter" id="{name}">{content}</section>'


def local(content: str, page: Page, chapters: dict[str, str], here: str) -> str:
    """`content` with the page's ids prefixed by its name and its addresses rebased (see `rebase`)."""
    name = slug(page)

    def identifier(match: re.Match[str]) -> str:
        return f'{match[1]}{name}--{match[2]}"'

    def address(match: re.Match[str]) -> str:
        return f'{match[1]}{rebase(match[2], page.url, name, chapters, here)}"'

    parts = SVG.split(content)  # odd parts are inline figures, left as they are
    for index in range(0, len(parts), 2):
        for pattern in IDENTIFIERS:
            parts[index] = pattern.sub(identifier, parts[index])
        parts[index] = ADDRESS.sub(address, parts[index])
    return "".join(parts)


def rebase(url: str, origin: str, name: str, chapters: dict[str, str], here: str) -> str:
    """`url`, written on the page at `origin`, for the book page at `here`."""
    if url.startswith("#"):
        return f"#{name}--{url[1:]}" if len(url) > 1 else f"#{name}"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        return url
    target = urljoin(f"/{origin}", parts.path)
    if target.lstrip("/") in chapters:
        anchor = chapters[target.lstrip("/")]
        return f"#{anchor}--{parts.fragment}" if parts.fragment else f"#{anchor}"
    relative = posixpath.relpath(target, f"/{here}") + ("/" if target.endswith("/") else "")
    return relative + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
