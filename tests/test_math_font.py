"""The site's math font draws every character of the book's formulas. Each distinct token of the built site's
MathML (<mi>, <mn>, <mo>, <mtext>, with its attributes, so a one-letter variable is drawn in the italic that
Chromium substitutes) is put in a formula on a page that links assets/math.css, and Chromium is asked,
through its DevTools protocol, which font it drew the token's text with. A formula needing a character the
subset lacks fails here until the font files are cut again (docs/assets/math.css says how)."""

from __future__ import annotations

import re
from pathlib import Path

from test_browser import browser, server  # noqa: F401  (the same fixtures: the site served, Chromium)

TOKEN = re.compile(r"<(mi|mn|mo|mtext)\b[^>]*>[^<]+</\1>")
SHOW = """async (tokens) => {
  document.body.innerHTML = `<div class="md-typeset">${tokens.map((t, i) => `<math id="token-${i}">${t}</math>`).join(" ")}</div>`;
  await document.fonts.ready;
}"""


def test_the_math_font_draws_every_formula(site: Path, server: str, browser: object) -> None:  # noqa: F811
    tokens = sorted({m[0] for p in site.rglob("*.html") for m in TOKEN.finditer(p.read_text())})
    assert len(tokens) > 50, "no formulas found: is the MathML conversion running?"
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server + "causes/chain-product/", wait_until="networkidle")  # a page that links math.css
    page.evaluate(SHOW, tokens)
    devtools = context.new_cdp_session(page)
    devtools.send("DOM.enable")
    devtools.send("CSS.enable")
    root = devtools.send("DOM.getDocument")["root"]["nodeId"]
    elsewhere = []
    for number, token in enumerate(tokens):
        node = devtools.send("DOM.querySelector", {"nodeId": root, "selector": f"#token-{number} > *"})["nodeId"]
        fonts = devtools.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        if any(font["familyName"] != "STIX Two Math" for font in fonts):
            elsewhere.append(f"{token}: {[font['familyName'] for font in fonts]}")
    context.close()
    assert not elsewhere, "drawn in another font than the site's math font:\n" + "\n".join(elsewhere)
