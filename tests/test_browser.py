"""Every page in a real browser (Debian's Chromium driven by Playwright), in the light and the dark theme:
no console error, no request leaving localhost, every image loaded, every formula rendered as MathML."""

from __future__ import annotations

import functools
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
INSPECT = """() => {
  const shown = (e) => e.getClientRects().length > 0;
  const images = [...document.querySelectorAll("article img")].filter(shown);
  const formulas = [...document.querySelectorAll("article math")].filter(shown);
  const prose = document.querySelector("article").cloneNode(true);
  prose.querySelectorAll("pre, code, script, style, math").forEach((e) => e.remove());
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    brokenImages: images.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src),
    images: images.length,
    formulas: formulas.length,
    flatFormulas: formulas.filter((m) => m.getBoundingClientRect().width === 0).length,
    rawTex: (prose.textContent.match(/\\\\[a-zA-Z]+|\\\\[()\\[\\]]|\\$\\$/g) || []).slice(0, 5),
  };
}"""


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
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


@pytest.mark.parametrize("theme", SCHEMES)
def test_every_page_in_the_browser(theme: str, site: Path, server: str, browser: object) -> None:
    pages = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    context = browser.new_context(color_scheme=theme)  # type: ignore[attr-defined]
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
    formulas = 0
    for path in pages:
        page_url = server + ("" if path == "." else f"{path}/")
        page.goto(page_url, wait_until="load")
        seen = page.evaluate(INSPECT)
        formulas += seen["formulas"]
        if seen["scheme"] != SCHEMES[theme]:
            problems.append(f"{page_url}: colour scheme {seen['scheme']}, expected {SCHEMES[theme]}")
        problems += [f"{page_url}: image not loaded: {src}" for src in seen["brokenImages"]]
        if seen["flatFormulas"]:
            problems.append(f"{page_url}: {seen['flatFormulas']} formulas were not laid out")
        if seen["rawTex"]:
            problems.append(f"{page_url}: raw TeX in the text: {seen['rawTex']}")
    context.close()
    assert not problems, "\n".join(problems)
    assert formulas > 0, "no formula was found on any page: is the MathML conversion running?"
