"""Every page in a real browser (Debian's Chromium driven by Playwright), in the light and the dark theme:
no console error, no request leaving localhost, every image loaded, every formula rendered as MathML,
no serious or critical accessibility violation (axe-core), every figure's text legible at the size shown.

One page load per page and theme. The light pass is a 390x844 phone, the dark pass a 1280x900 desktop, so
the two passes also see the two layouts. axe-core comes from PyPI (axe-playwright-python, pinned in
requirements.txt, which ships axe.min.js) and is injected from disk: nothing is fetched from a CDN.
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import CHROMIUM

FLAGS = [  # Chromium reaches for Google's services unless told not to; this machine's network refuses them
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps",
]
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's palette
# Per theme: the window, and the smallest figure text allowed there in CSS px (tests/test_figures.py says why).
VIEWS = {"light": ({"width": 390, "height": 844}, 9.0), "dark": ({"width": 1280, "height": 900}, 11.0)}
AXE_PACKAGE = "axe_playwright_python"  # PyPI's axe-playwright-python: axe-core's axe.min.js, vendored
# The whole book on one page (scripts/printable.py): every chapter again, 110,000 elements, on which axe
# takes minutes. Each chapter is checked by axe on its own page; the book page gets the other checks.
BOOK = "print"
SEARCHES = ["NaN", "loss is nan"]  # what a reader in trouble types; the home page's triage must come first
TRIAGE = "#my-loss-just-became-nan"

# Runs in the page: shown images are made to load (figures are lazy) and awaited; the SVG ones are listed
# with the width they are shown at.
INSPECT = """async () => {
  const shown = (e) => e.getClientRects().length > 0;
  const images = [...document.querySelectorAll("article img")].filter(shown);
  const formulas = [...document.querySelectorAll("article math")].filter(shown);
  const prose = document.querySelector("article").cloneNode(true);
  prose.querySelectorAll("pre, code, script, style, math").forEach((e) => e.remove());
  for (const image of images) image.loading = "eager";
  await Promise.all(images.map((image) => image.decode().catch(() => null)));
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    brokenImages: images.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src),
    figures: images.filter((i) => new URL(i.currentSrc).pathname.endsWith(".svg"))
      .map((i) => [new URL(i.currentSrc).pathname, i.getBoundingClientRect().width]),
    formulas: formulas.length,
    flatFormulas: formulas.filter((m) => m.getBoundingClientRect().width === 0).length,
    rawTex: (prose.textContent.match(/\\\\[a-zA-Z]+|\\\\[()\\[\\]]|\\$\\$/g) || []).slice(0, 5),
  };
}"""
# Runs in a blank page, given [svg source, width shown] pairs: each figure's smallest text in CSS px, drawn
# at that width. Each text is one of Matplotlib's <g id="text_N"> groups, and its size is the size it is
# set in, its largest glyph (the 4 of a superscript in 10^4 is set smaller by the typesetting rule, as the
# font sizes in tests/test_figures.py also say): a <text> element's font size or, for text drawn as glyph
# paths (svg.fonttype: path), 100 units (the em of Matplotlib's glyphs, its FONT_SCALE), each times the
# scale from SVG units to screen pixels. null: no text found.
MEASURE = """(figures) => figures.map(([source, width]) => {
  const scale = (e) => { const m = e.getScreenCTM(); return Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)); };
  const svg = new DOMParser().parseFromString(source, "image/svg+xml").documentElement;
  svg.setAttribute("width", width);
  svg.removeAttribute("height");
  document.body.replaceChildren(document.importNode(svg, true));
  const texts = new Map();  // each text -> the size of its largest glyph
  for (const e of document.querySelectorAll('g[id^="text_"] :is(use, text, tspan)')) {
    const size = e.localName === "use" ? 100 * scale(e)
      : parseFloat(getComputedStyle(e).fontSize) * scale(e.closest("text"));
    const text = e.closest('g[id^="text_"]');
    texts.set(text, Math.max(texts.get(text) ?? 0, size));
  }
  return texts.size ? Math.min(...texts.values()) : null;
})"""
AXE_RUN = """async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
  .filter((v) => v.impact === "serious" || v.impact === "critical")
  .map((v) => `${v.impact} ${v.id} (${v.nodes.length}x): ${v.help}; first: ${v.nodes[0].target.join(" ")}: `
    + v.nodes[0].failureSummary.split("\\n").slice(1).join(" ").trim())"""


@pytest.fixture(scope="module")
def axe() -> Path:
    spec = importlib.util.find_spec(AXE_PACKAGE)
    path = Path(spec.origin).parent / "axe.min.js" if spec and spec.origin else None
    assert path and path.is_file(), "axe-core not installed: pip install -r requirements.txt (axe-playwright-python)"
    return path


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: the browser tests need Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


def accessibility(page: object, axe: Path) -> list[str]:
    """axe-core's serious and critical violations on the open page."""
    page.add_script_tag(path=str(axe))  # type: ignore[attr-defined]
    return page.evaluate(AXE_RUN)  # type: ignore[attr-defined,no-any-return]


def smallest_text(page: object, figures: list[tuple[str, float]]) -> list[float | None]:
    """Each (SVG source, width shown) figure's smallest text in CSS px, measured on a blank `page`."""
    page.set_content("<!doctype html><body style='margin: 0'></body>")  # type: ignore[attr-defined]
    return page.evaluate(MEASURE, figures)  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize("theme", SCHEMES)
def test_every_page_in_the_browser(theme: str, site: Path, server: str, browser: object, axe: Path) -> None:
    pages = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    viewport, least_px = VIEWS[theme]
    context = browser.new_context(color_scheme=theme, viewport=viewport)  # type: ignore[attr-defined]
    problems: list[str] = []
    page_url = ""

    def route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()  # type: ignore[attr-defined]
        else:
            problems.append(f"{page_url}: request to another host: {url}")
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(f"{page_url}: console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"{page_url}: script error: {e}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{page_url}: {r.status} {r.url}"))
    formulas, shown = 0, {}  # shown: (figure's path on the site, width shown) -> a page showing it
    for path in pages:
        page_url = server + ("" if path == "." else f"{path}/")
        page.goto(page_url, wait_until="load")
        if path != BOOK:
            problems += [f"{page_url}: {violation}" for violation in accessibility(page, axe)]
        seen = page.evaluate(INSPECT)
        formulas += seen["formulas"]
        shown |= {(src, width): page_url for src, width in seen["figures"]}
        if seen["scheme"] != SCHEMES[theme]:
            problems.append(f"{page_url}: colour scheme {seen['scheme']}, expected {SCHEMES[theme]}")
        problems += [f"{page_url}: image not loaded: {src}" for src in seen["brokenImages"]]
        if seen["flatFormulas"]:
            problems.append(f"{page_url}: {seen['flatFormulas']} formulas were not laid out")
        if seen["rawTex"]:
            problems.append(f"{page_url}: raw TeX in the text: {seen['rawTex']}")
    sizes = smallest_text(context.new_page(), [((site / src.lstrip("/")).read_text(), w) for src, w in shown])
    context.close()
    small = sorted({src for (src, _), px in zip(shown, sizes) if px is not None and px < least_px})
    problems += [f"{shown[f]}: {f[0]}: no text found to measure" for f, px in zip(shown, sizes) if px is None]
    problems += [f"{shown[f]}: {f[0]}: smallest text {px:.1f} px shown {f[1]:.0f} px wide (needs {least_px:g})"
                 for f, px in zip(shown, sizes) if px is not None and px < least_px]
    if small:
        problems.append(f"{len(small)} figures have text under {least_px:g} px at {viewport['width']} px: {small}")
    assert not problems, "\n".join(problems)
    assert formulas > 0, "no formula was found on any page: is the MathML conversion running?"
    assert shown, "no SVG figure was found on any page"


def test_the_checks_catch_faint_text_and_small_figure_text(browser: object, axe: Path) -> None:
    """The checks on input made to fail. Grey text on white: axe-core's color-contrast (serious). Two
    figures 300 units wide shown at 200 px: one with a 10-unit <text>, one with a glyph drawn at scale 0.09
    (9 units in Matplotlib's 100-unit em) and a superscript at 0.7 of that; each text shows at its size
    times 200 / 300 px, the second at the size of its base glyph."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.set_content('<html lang="en"><title>Checks</title><body><main><h1>Checks</h1>'
                     '<p style="color: #aaa; background: #fff">Faint text.</p></main></body></html>')
    violations = accessibility(page, axe)
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="300pt" height="100pt" viewBox="0 0 300 100">{}</svg>'
    text = '<g id="text_1"><text x="10" y="50" style="font: 10px sans-serif">x</text></g>'
    glyphs = ('<defs><path id="g" d="M0 0H50V70H0Z"/></defs><g id="text_1"><g transform="translate(10 50) '
              'scale(0.09 -0.09)"><use href="#g"/><use href="#g" transform="translate(60 40) scale(0.7)"/></g></g>')
    sizes = smallest_text(page, [(svg.format(text), 200), (svg.format(glyphs), 200), (svg.format(""), 200)])
    page.close()
    assert [v.split(" (")[0] for v in violations] == ["serious color-contrast"], violations
    assert sizes[:2] == pytest.approx([10 * 200 / 300, 9 * 200 / 300], rel=1e-3)
    assert sizes[2] is None


def test_search_puts_the_triage_first(server: str, browser: object) -> None:
    """Material's search (lunr, in a web worker) ranks the home page's NaN triage above every other section
    for what a reader with a NaN loss types."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server, wait_until="load")
    counted = """(counted) => counted === /\\d+ matching|No matching/.test(
        document.querySelector(".md-search-result__meta").textContent)"""
    search, first = page.locator(".md-search__input"), {}
    for query in SEARCHES:  # typed key by key: Material searches on key presses
        search.fill("")
        search.press("Backspace")  # clears the last results, so the next wait sees this query's
        page.wait_for_function(counted, arg=False)
        search.press_sequentially(query)
        page.wait_for_function(counted, arg=True, timeout=30_000)  # the first query waits for the index
        sections = [a.get_attribute("href") for a in page.query_selector_all(".md-search-result__link")]
        first[query] = next((s for s in sections if "#" in s), None)
    page.close()
    home = server + "?h="  # Material adds the query, for highlighting: ?h=loss+nan#section
    assert all(f and f.startswith(home) and f.endswith(TRIAGE) for f in first.values()), first
