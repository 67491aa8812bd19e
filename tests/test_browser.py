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
# What a reader types -> where the first result must lead (Material adds the query: ?h=loss+nan#section).
# A reader in trouble finds the home page's triage first; its boost (scripts/search_boost.py) is the
# triage's alone, so a query about a fix still finds the fix's chapter first.
SEARCHES = {"NaN": "?h=nan#my-loss-just-became-nan", "loss is nan": "?h=loss+nan#my-loss-just-became-nan",
            "gradient clipping": "fixes/clipping/?h=gradient+clipping"}

# Runs in the page: shown images are made to load (figures are lazy) and awaited; the SVG ones are listed
# with the width they are shown at, and so are the figures drawn inline (the labs', scripts/labs.py), each
# named <page>#figure-<n> and given as its XML source, which MEASURE reads as it reads a file.
INSPECT = """async () => {
  const shown = (e) => e.getClientRects().length > 0;
  const images = [...document.querySelectorAll("article img")].filter(shown);
  const drawn = [...document.querySelectorAll("article svg:has(> g[id^='figure_'])")].filter(shown)
    .map((svg, i) => [`${location.pathname}#figure-${i + 1}`, svg]);
  const formulas = [...document.querySelectorAll("article math")].filter(shown);
  const prose = document.querySelector("article").cloneNode(true);
  prose.querySelectorAll("pre, code, script, style, math").forEach((e) => e.remove());
  for (const image of images) image.loading = "eager";
  await Promise.all(images.map((image) => image.decode().catch(() => null)));
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    brokenImages: images.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src),
    figures: images.filter((i) => new URL(i.currentSrc).pathname.endsWith(".svg"))
      .map((i) => [new URL(i.currentSrc).pathname, i.getBoundingClientRect().width])
      .concat(drawn.map(([name, svg]) => [name, svg.getBoundingClientRect().width])),
    inline: Object.fromEntries(drawn.map(([name, svg]) => [name, new XMLSerializer().serializeToString(svg)])),
    formulas: formulas.length,
    flatFormulas: formulas.filter((m) => m.getBoundingClientRect().width === 0).length,
    rawTex: (prose.textContent.match(/\\\\[a-zA-Z]+|\\\\[()\\[\\]]|\\$\\$/g) || []).slice(0, 5),
  };
}"""
# Runs in a blank page, given [svg source, width shown] pairs: each figure's smallest text in CSS px, drawn
# at that width. Each text is one of Matplotlib's <g id="text_N"> groups, and its size is that of its
# smallest glyph, since a reader must read every glyph: the 4 of 10^4 is a superscript, set at 0.7 of the
# text's size (plotstyle.py's smallest_glyph_pt counts it the same way). A glyph's size is a <text> element's
# font size or, for text drawn as glyph paths (svg.fonttype: path), 100 units (the em of Matplotlib's
# glyphs, its FONT_SCALE), each times the scale from SVG units to screen pixels. null: no text found.
MEASURE = """(figures) => figures.map(([source, width]) => {
  const scale = (e) => { const m = e.getScreenCTM(); return Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)); };
  const svg = new DOMParser().parseFromString(source, "image/svg+xml").documentElement;
  svg.setAttribute("width", width);
  svg.removeAttribute("height");
  document.body.replaceChildren(document.importNode(svg, true));
  const texts = new Map();  // each text -> the size of its smallest glyph
  for (const e of document.querySelectorAll('g[id^="text_"] :is(use, text, tspan)')) {
    const size = e.localName === "use" ? 100 * scale(e)
      : parseFloat(getComputedStyle(e).fontSize) * scale(e.closest("text"));
    const text = e.closest('g[id^="text_"]');
    texts.set(text, Math.min(texts.get(text) ?? Infinity, size));
  }
  return texts.size ? Math.min(...texts.values()) : null;
})"""
# axe-core, in two passes: every rule outside code blocks, and inside them every rule but color-contrast,
# which spent more than half of axe's time on the thousands of highlighted tokens (CODE_CONTRAST checks
# those, by the same WCAG formula, in a few milliseconds).
AXE_RUN = """async () => [
    ...(await axe.run({ exclude: [["pre"]] }, { resultTypes: ["violations"] })).violations,
    ...(document.querySelector("pre") ? (await axe.run({ include: [["pre"]] },
      { resultTypes: ["violations"], rules: { "color-contrast": { enabled: false } } })).violations : []),
  ].filter((v) => v.impact === "serious" || v.impact === "critical")
  .map((v) => `${v.impact} ${v.id} (${v.nodes.length}x): ${v.help}; first: ${v.nodes[0].target.join(" ")}: `
    + v.nodes[0].failureSummary.split("\\n").slice(1).join(" ").trim())"""


# Runs in the page: each highlighted token's colour against the code block's background (its own and its
# ancestors' backgrounds composited, as the browser paints them), WCAG 2's contrast ratio, and every
# (token class, colour, background) under 4.5:1, the AA minimum for text of this size.
CODE_CONTRAST = """() => {
  const rgba = (css) => { const [r, g, b, a = 1] = css.match(/[\\d.]+/g).map(Number); return [r, g, b, a]; };
  const over = ([r, g, b, a], under) => [r, g, b].map((c, i) => c * a + under[i] * (1 - a));
  const backdrop = (e) => {
    const layers = [];
    for (; e && (layers.at(-1)?.[3] ?? 0) < 1; e = e.parentElement) layers.push(rgba(getComputedStyle(e).backgroundColor));
    return layers.reduceRight((under, layer) => over(layer, under), [255, 255, 255]);
  };
  const luminance = (rgb) => rgb.map((c) => c / 255).map((c) => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const low = new Set();
  for (const token of document.querySelectorAll("article pre code span")) {
    if (!token.textContent.trim() || !token.getClientRects().length) continue;
    const background = backdrop(token), colour = over(rgba(getComputedStyle(token).color), background);
    const [light, dark] = [luminance(colour), luminance(background)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    if (ratio < 4.5) low.add(`.${token.className} rgb(${colour.map(Math.round)}) on rgb(${background.map(Math.round)}): ${ratio.toFixed(2)}:1`);
  }
  return [...low];
}"""


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
    """axe-core's serious and critical violations on the open page, and its code tokens under 4.5:1."""
    page.add_script_tag(path=str(axe))  # type: ignore[attr-defined]
    faint = [f"code token under 4.5:1 contrast: {token}" for token in page.evaluate(CODE_CONTRAST)]  # type: ignore[attr-defined]
    return page.evaluate(AXE_RUN) + faint  # type: ignore[attr-defined,no-any-return]


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
    formulas, shown, inline = 0, {}, {}  # shown: (figure's path or inline name, width shown) -> a page showing it
    for path in pages:
        page_url = server + ("" if path == "." else f"{path}/")
        page.goto(page_url, wait_until="load")
        if path != BOOK:
            problems += [f"{page_url}: {violation}" for violation in accessibility(page, axe)]
        seen = page.evaluate(INSPECT)
        formulas += seen["formulas"]
        shown |= {(src, width): page_url for src, width in seen["figures"]}
        inline |= seen["inline"]  # an inline figure's name -> its SVG
        if seen["scheme"] != SCHEMES[theme]:
            problems.append(f"{page_url}: colour scheme {seen['scheme']}, expected {SCHEMES[theme]}")
        problems += [f"{page_url}: image not loaded: {src}" for src in seen["brokenImages"]]
        if seen["flatFormulas"]:
            problems.append(f"{page_url}: {seen['flatFormulas']} formulas were not laid out")
        if seen["rawTex"]:
            problems.append(f"{page_url}: raw TeX in the text: {seen['rawTex']}")
    sources = [inline[src] if src in inline else (site / src.lstrip("/")).read_text() for src, _ in shown]
    sizes = smallest_text(context.new_page(), [(source, w) for source, (_, w) in zip(sources, shown)])
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
    """The checks on input made to fail. Grey text on white: axe-core's color-contrast (serious); in a code
    block, a grey token (CODE_CONTRAST) but not the dark one, and axe does not report it twice. Two
    figures 300 units wide shown at 200 px: one with a 10-unit <text>, one with a glyph drawn at scale 0.09
    (9 units in Matplotlib's 100-unit em) and a superscript at 0.7 of that; each text shows at its smallest
    glyph's size times 200 / 300 px, the second at its superscript's. The second again, drawn inline in an
    article beside an icon as a lab's figure is, and found by INSPECT: the same size."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.set_content('<html lang="en"><title>Checks</title><body><main><article><h1>Checks</h1>'
                     '<p style="color: #aaa; background: #fff">Faint text.</p><pre><code><span style="color: #999">'
                     'faint</span> <span style="color: #333">dark</span></code></pre></article></main></body></html>')
    violations = accessibility(page, axe)
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="300pt" '
           'height="100pt" viewBox="0 0 300 100">{}</svg>')
    text = '<g id="text_1"><text x="10" y="50" style="font: 10px sans-serif">x</text></g>'
    glyphs = ('<defs><path id="g" d="M0 0H50V70H0Z"/></defs><g id="figure_1"><g id="text_1"><g transform="translate'
              '(10 50) scale(0.09 -0.09)"><use xlink:href="#g"/><use xlink:href="#g" transform="translate(60 40) '
              'scale(0.7)"/></g></g></g>')
    icon = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M0 0H24V24Z"/></svg>'
    page.set_content(f'<body><article>{icon}<div style="width: 200px">{svg.format(glyphs)}</div></article></body>'
                     .replace('width="300pt"', 'width="100%"'))
    seen = page.evaluate(INSPECT)  # type: ignore[attr-defined]
    sizes = smallest_text(page, [(svg.format(text), 200), (svg.format(glyphs), 200), (svg.format(""), 200),
                                 *((seen["inline"][name], width) for name, width in seen["figures"])])
    page.close()
    # #999 on white: luminance ((0.6 + 0.055) / 1.055) ** 2.4 = 0.3185, contrast 1.05 / 0.3685 = 2.85:1
    assert [v.split(" (")[0] for v in violations] == ["serious color-contrast", "code token under 4.5:1 contrast: "
                                                      ". rgb(153,153,153) on rgb(255,255,255): 2.85:1"], violations
    assert [(name.split("#")[1], width) for name, width in seen["figures"]] == [("figure-1", 200)]
    assert sizes[2] is None
    assert sizes[:2] + sizes[3:] == pytest.approx([10 * 200 / 300, *[9 * 0.7 * 200 / 300] * 2], rel=1e-3)


def test_search_puts_the_triage_first(server: str, browser: object) -> None:
    """Material's search (lunr, in a web worker) ranks the home page's NaN triage above every other section
    for what a reader with a NaN loss types, and only for that."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server, wait_until="load")
    counted = """(counted) => counted === /\\d+ matching|No matching/.test(
        document.querySelector(".md-search-result__meta").textContent)"""
    typed = """(word) => [...document.querySelectorAll(".md-search-result__link")]
        .some((link) => new URL(link.href).searchParams.get("h").split(" ").includes(word))"""
    search, first = page.locator(".md-search__input"), {}
    for query in SEARCHES:  # typed key by key: Material searches on key presses
        search.fill("")
        search.press("Backspace")  # clears the last results, so the next wait sees this query's
        page.wait_for_function(counted, arg=False)
        search.press_sequentially(query)
        # Results come as the reader types: wait for those of the whole query, whose links' ?h= hold its
        # last word (the first query also waits for the index)
        page.wait_for_function(typed, arg=query.split()[-1].lower(), timeout=30_000)
        links = [a.get_attribute("href") for a in page.query_selector_all(".md-search-result__link")]
        first[query] = next((link for link in links if "#" in link), None) if "#" in SEARCHES[query] else links[0]
    page.close()
    assert first == {query: server + expected for query, expected in SEARCHES.items()}
