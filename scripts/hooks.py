"""MkDocs hook: run the snippets before each build and put their code, output and figures on the pages.

In a chapter (docs/**/*.md):

    {{ snippet causes/chain_product.py }}
        the snippet's code (with a "PyTorch" tab if causes/chain_product_torch.py exists, a "Keras" tab
        if causes/chain_product_keras.py does) and the output it printed in this build. Indent the line to put it inside a block (e.g. `??? example`).

    ![Alt text saying what the figure shows](snippet:causes/chain_product.py#1 "Caption under it")
        figure 1 of that snippet, in a light and a dark version that follow the theme.

    {{ snippet lib/gradlab.py }}
        a teaching module from snippets/lib/, shown in full (it is imported by snippets, not run).

    {{ markdown fixes/scoreboard.py }}
        what the snippet printed, as Markdown (a table with links, say); its code must also be shown
        with {{ snippet }} somewhere on the site, since this shows only the output.

In a lab (docs/labs/*.py, a jupytext notebook; scripts/labs.py), a code cell holding only `# snippet: causes/x.py` is
replaced by that snippet's code before mkdocs-jupyter executes the notebook, so a lab cannot drift from
the snippets it shows and mkdocs-jupyter's cache (keyed on the notebook's bytes) sees every change.
A cell holding only `# module: gradlab` becomes a cell that defines the teaching module
snippets/lib/gradlab.py from its full source, so the downloaded notebook needs no other file.

Math written as \\( \\) or \\[ \\] (and $ $ or $$ $$ in labs) becomes MathML at build time: no script, no CDN;
pages with math link assets/math.css, which brings the math font. Display equations scroll sideways.
Anything unknown, unused, missing or failing stops the build with a message naming the file.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

from latex2mathml import converter  # converter.convert: remembered between builds by render_cache.py
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labs  # noqa: E402
import runner  # noqa: E402

log = get_plugin_logger("snippets")
SNIPPET = re.compile(r"^([ \t]*)\{\{ (snippet|markdown) (\S+) \}\}$", re.MULTILINE)
FIGURE = re.compile(r'!\[(?P<alt>[^\]]*)\]\(snippet:(?P<name>[^#\s)]+)#(?P<n>\d+)(?: "(?P<caption>[^"]*)")?\)')
TEX_INLINE = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.DOTALL)
TEX_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.+?)\\\]</div>', re.DOTALL)
NB_MARKDOWN = re.compile(r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.DOTALL)
NB_TEX = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
# Material's search parser ends an exclusion at the first closing tag of the same name, so nested <div>s
# (a notebook's cells) need their <pre> blocks marked one by one.
CODE_BLOCK = re.compile(r'<div class="((?:language-\w+ )?highlight|tabbed-set[^"]*)"|<pre(?=[ >])')
EXCLUDE = 'data-search-exclude="true"'  # with a value, so that Material strips it from the page it writes
# Browsers ignore mathvariant="bold" (MathML Core): \mathbf{1} becomes the bold character itself, U+1D7CF.
BOLD = re.compile(r'<(m[in]) mathvariant="bold">([A-Za-z0-9]+)</\1>')
BOLD_LETTERS = str.maketrans(string.ascii_uppercase + string.ascii_lowercase + string.digits,
                             "".join(map(chr, [*range(0x1D400, 0x1D434), *range(0x1D7CE, 0x1D7D8)])))
# A prime as a superscript floats far above the letter (no font gives it a script-size variant here): it
# goes beside its base instead, as U+2032 is drawn raised already; f'^2 keeps its 2 as the superscript.
PRIME = re.compile(r'<msup>(<m[io][^>]*>[^<]*</m[io]>)(?:<mi>((?:&#x0203[234];)+)</mi>'
                   r'|<mrow><mi>((?:&#x0203[234];)+)</mi>((?:<m[ion][^>]*>[^<]*</m[ion]>)+)</mrow>)</msup>')
# Material applies a palette chosen by media query only when its bundle runs, at the end of the page: a
# first visit in the dark is drawn light until then, and starts the light copy of the first figure. This
# applies it as soon as the palette's inputs exist, right after Material's own script for stored choices.
PALETTE = re.compile(r'<script>var palette=__md_get\("__palette"\).*?</script>', re.DOTALL)
FIRST_VISIT = """<script>if(!__md_get("__palette")){var media=matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light",
input=document.querySelector('[data-md-color-media="(prefers-color-scheme: '+media+')"]');if(input)["scheme","primary","accent"]
.forEach(function(key){document.body.setAttribute("data-md-color-"+key,input.getAttribute("data-md-color-"+key))})}</script>"""
BUNDLE = re.compile(r'<script src="[^"]*assets/javascripts/bundle\.')

results: dict[str, runner.Result] = {}
used: set[tuple[str, int]] = set()  # (snippet, figure number); figure 0 stands for the code itself
lab_alts: dict[str, dict[int, list[str]]] = {}  # assembled notebook -> cell number -> its figures' alt texts


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # Dates in the build (sitemap) come from the commit, so two builds of one commit are identical.
    if "SOURCE_DATE_EPOCH" not in os.environ:
        git = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=runner.ROOT, capture_output=True, text=True)
        os.environ["SOURCE_DATE_EPOCH"] = git.stdout.strip() or "0"
    labs.quiet_kernel(runner.CACHE.parent / "jupyter")
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    used.clear()
    results.clear()
    try:
        results.update(runner.run_all(report=log.debug))  # one line per snippet that runs: mkdocs -v shows them
    except runner.SnippetError as error:
        raise PluginError(f"snippet failed, nothing was published:\n{error}\n"
                          "Fix the snippet named above; run it alone with "
                          ".venv/bin/python scripts/runner.py <part>/<name>.py --show") from None
    log.info(runner.summary(results.values()))


def figure_uri(name: str, number: int, theme: str) -> str:
    return f"figures/{name.removesuffix('.py')}-{number}-{theme}.svg"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for result in results.values():
        for number in range(1, result.figures + 1):
            for theme in runner.THEMES:
                uri = figure_uri(result.name, number, theme)
                files.append(File.generated(config, uri, abs_src_path=str(result.figure(number, theme))))
    for file in files:
        if file.src_uri.startswith("labs/") and file.src_uri.endswith(".py"):
            target = Path(config.config_file_path).parent / ".cache" / "labs"
            try:
                lab = labs.assemble(Path(file.abs_src_path or ""), target)
            except labs.LabError as error:
                raise PluginError(str(error)) from None
            used.update((name, 0) for name in lab.snippets)
            lab_alts[str(lab.notebook)] = lab.alts
            file.abs_src_path = str(lab.notebook)
    return files


def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    """A lab whose cell raises stops the build with the lab's name and the error, not nbclient's traceback."""
    if not (page.file.src_uri.startswith("labs/") and page.file.src_uri.endswith(".py")):
        return page
    render = page.render  # mkdocs-jupyter's, which executes the notebook

    def checked_render(config: MkDocsConfig, files: Files) -> None:
        try:
            render(config, files)
        except Exception as error:  # nbclient's CellExecutionError, or a kernel that would not start
            text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip().splitlines()
            raise PluginError(f"docs/{page.file.src_uri}: a cell failed:\n" + "\n".join(text[-20:])) from None

    page.render = checked_render  # type: ignore[method-assign]
    return page


def code_block(path: Path, title: str) -> str:
    return f'```` python title="{title}"\n{path.read_text().rstrip()}\n````'


def indent(text: str, by: str = "    ") -> str:
    return "\n".join(f"{by}{line}" if line else "" for line in text.splitlines())


def expand_snippet(name: str, page: Page, directive: str = "snippet") -> str:
    if directive == "markdown":
        if name not in results:
            raise PluginError(f"{page.file.src_uri}: no such snippet: snippets/{name}")
        return results[name].stdout.rstrip()
    if name in modules():  # a teaching module is shown in full, not run
        used.add((name, 0))
        return code_block(runner.SNIPPETS / name, f"snippets/{name}")
    if name not in results:
        raise PluginError(f"{page.file.src_uri}: no such snippet: snippets/{name}")
    used.add((name, 0))
    code = code_block(runner.SNIPPETS / name, f"snippets/{name}")
    tabs = {tab: code_block(path, f"snippets/{path.relative_to(runner.SNIPPETS).as_posix()}")
            for tab, path in runner.variants(name).items()}
    if tabs:
        code = "\n\n".join(f'=== "{tab}"\n\n{indent(text)}' for tab, text in {"NumPy": code, **tabs}.items())
    output = results[name].stdout.rstrip()
    return f'{code}\n\n```` text title="Output"\n{output}\n````' if output else code


def expand_figure(match: re.Match[str], page: Page) -> str:
    name, number = match["name"], int(match["n"])
    where = f"{page.file.src_uri}: figure snippet:{name}#{number}"
    if name not in results:
        raise PluginError(f"{where}: no such snippet: snippets/{name}")
    if not 1 <= number <= results[name].figures:
        raise PluginError(f"{where}: the snippet draws {results[name].figures} figure(s)")
    if not match["alt"].strip() or not (match["caption"] or "").strip():
        raise PluginError(f'{where}: needs alt text and a caption: ![alt](snippet:{name}#{number} "caption")')
    used.add((name, number))
    here = posixpath.dirname(page.file.src_uri)
    size = results[name].sizes()[number - 1]  # points; a CSS pixel is 3/4 pt
    # Both themes lazy: Chromium fetches no lazy image that CSS hides, so a reader downloads one of the two.
    attributes = f'loading=lazy width={round(size["width_pt"] * 4 / 3)} height={round(size["height_pt"] * 4 / 3)}'
    images = "\n".join(
        f"![{match['alt']}]({posixpath.relpath(figure_uri(name, number, theme), here)}#only-{theme}){{ {attributes} }}"
        for theme in runner.THEMES
    )
    return f'<figure markdown="span">\n{images}\n<figcaption markdown="span">{match["caption"]}</figcaption>\n</figure>'


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    markdown = SNIPPET.sub(lambda m: indent(expand_snippet(m[3], page, m[2]), m[1]), markdown)
    return FIGURE.sub(lambda m: expand_figure(m, page), markdown)


def prime(match: re.Match[str]) -> str:
    primed = f'<mrow>{match[1]}<mo lspace="0" rspace="0">{match[2] or match[3]}</mo></mrow>'
    return primed if match[2] else f"<msup>{primed}<mrow>{match[4]}</mrow></msup>"


def mathml(tex: str, display: str, page: Page) -> str:
    """MathML, kept out of the search index (its flattened text is noise there); a display equation in a
    box that scrolls sideways on a narrow screen (focusable, so a keyboard can scroll it too)."""
    try:
        markup = converter.convert(html.unescape(tex).strip(), display=display)
    except Exception as error:  # latex2mathml raises many types; all mean the same to an author
        raise PluginError(f"{page.file.src_uri}: cannot render math {tex!r}: {error}") from None
    markup = PRIME.sub(prime, markup)
    markup = BOLD.sub(lambda m: f"<{m[1]}>{m[2].translate(BOLD_LETTERS)}</{m[1]}>", markup)
    markup = markup.replace("<math ", f"<math {EXCLUDE} ", 1)
    return f'<span class="math-display" tabindex="0">{markup}</span>' if display == "block" else markup


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    notebook = page.file.abs_src_path or ""
    if notebook.endswith(".ipynb"):
        try:  # mkdocs-jupyter copies the notebook beside the page: the download link is its name
            content = labs.tidy(content, lab_alts.get(notebook, {}), Path(notebook).name, runner.THEMES)
        except labs.LabError as error:
            raise PluginError(f"docs/{page.file.src_uri}: {error}") from None

        def cell(match: re.Match[str]) -> str:
            body = NB_TEX.sub(
                lambda m: mathml(m[1], "block", page) if m[1] else mathml(m[2], "inline", page), match[2]
            )
            return match[1] + body + match[3]

        content = NB_MARKDOWN.sub(cell, content)
    content = TEX_BLOCK.sub(lambda m: mathml(m[1], "block", page), content)
    content = TEX_INLINE.sub(lambda m: mathml(m[1], "inline", page), content)
    # Code and its output stay out of the search index: results lead to prose, and indexing is faster.
    return CODE_BLOCK.sub(lambda m: f'<div {EXCLUDE} class="{m[1]}"' if m[1] else f"<pre {EXCLUDE}", content)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Link the lab and math stylesheets where they are used, apply the reader's theme before the first
    paint, and hold the search index back until the reader opens search (assets/search-on-demand.js)."""
    def link(asset: str) -> str:
        return f'<link rel="stylesheet" href="{get_relative_url(asset, page.url)}">'

    wanted = [link("assets/lab.css")] if 'class="jupyter-wrapper"' in output else []
    wanted += [link("assets/math.css")] if "<math " in output else []
    output = output.replace("</head>", "".join(wanted) + "</head>", 1)
    output = PALETTE.sub(lambda m: m[0] + FIRST_VISIT, output, count=1)
    script = f'<script src="{get_relative_url("assets/search-on-demand.js", page.url)}"></script>'
    return BUNDLE.sub(lambda m: script + m[0], output, count=1)


def modules() -> list[str]:
    return [p.relative_to(runner.SNIPPETS).as_posix() for p in sorted(runner.LIB.glob("*.py"))]


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    """Every page has been converted and none written yet: refuse snippets and figures no page shows."""
    shown = [(name, number) for name, r in results.items() for number in range(r.figures + 1)]
    unused = sorted(
        f"snippets/{name}" + (f" figure {number}" if number else "")
        for name, number in shown + [(module, 0) for module in modules()]
        if (name, number) not in used
    )
    if unused:
        raise PluginError("shown on no page (use them or delete them):\n  " + "\n  ".join(unused))
    return env


def on_post_build(config: MkDocsConfig) -> None:
    """Ship nothing a reader never loads: source maps, and the search languages (Material's search
    worker loads assets/javascripts/lunr/ only for languages other than English)."""
    site = Path(config.site_dir)
    for path in site.rglob("*.map"):
        path.unlink()
    if config.plugins["material/search"].config.lang == ["en"]:
        shutil.rmtree(site / "assets" / "javascripts" / "lunr", ignore_errors=True)
