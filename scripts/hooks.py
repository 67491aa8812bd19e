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

In a lab (docs/labs/*.py, a jupytext notebook), a code cell holding only `# snippet: causes/x.py` is
replaced by that snippet's code before mkdocs-jupyter executes the notebook, so a lab cannot drift from
the snippets it shows and mkdocs-jupyter's cache (keyed on the notebook's bytes) sees every change.
A cell holding only `# module: gradlab` becomes a cell that defines the teaching module
snippets/lib/gradlab.py from its full source, so the downloaded notebook needs no other file.

Math written as \\( \\) or \\[ \\] (and $ $ or $$ $$ in labs) becomes MathML at build time: no script, no CDN.
Anything unknown, unused, missing or failing stops the build with a message naming the file.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jupytext
from latex2mathml.converter import convert as tex_to_mathml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

sys.path.insert(0, str(Path(__file__).resolve().parent))
import runner  # noqa: E402

log = get_plugin_logger("snippets")
SNIPPET = re.compile(r"^([ \t]*)\{\{ (snippet|markdown) (\S+) \}\}$", re.MULTILINE)
FIGURE = re.compile(r'!\[(?P<alt>[^\]]*)\]\(snippet:(?P<name>[^#\s)]+)#(?P<n>\d+)(?: "(?P<caption>[^"]*)")?\)')
LAB_CELL = re.compile(r"^# snippet: (\S+)$")
LAB_MODULE = re.compile(r"^# module: (\w+)$")
MODULE_CELL = """# The teaching module snippets/lib/{name}.py, in full; this cell makes `import {name}` work.
import sys, types
{name} = sys.modules["{name}"] = types.ModuleType("{name}")
exec(compile(r'''{source}''', "{name}.py", "exec"), {name}.__dict__)"""
TEX_INLINE = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.DOTALL)
TEX_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.+?)\\\]</div>', re.DOTALL)
NB_MARKDOWN = re.compile(r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.DOTALL)
NB_TEX = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
OFFSITE_SCRIPT = re.compile(r'<script[^>]*\bsrc="(?:(?:https?:)?//[^"]*)?"[^>]*>\s*</script>|<script type="text/x-mathjax-config">.*?</script>', re.DOTALL)
# Material's search parser ends an exclusion at the first closing tag of the same name, so nested <div>s
# (a notebook's cells) need their <pre> blocks and hidden copy texts marked one by one.
CODE_BLOCK = re.compile(r'<div class="((?:language-\w+ )?highlight|tabbed-set[^"]*|clipboard-copy-txt)"|<pre(?=[ >])')
MERMAID = re.compile(r"<script type=\"module\">\s*document\.addEventListener\(\"DOMContentLoaded\".*?</script>", re.DOTALL)

results: dict[str, runner.Result] = {}
used: set[tuple[str, int]] = set()  # (snippet, figure number); figure 0 stands for the code itself


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # Dates in the build (sitemap) come from the commit, so two builds of one commit are identical.
    if "SOURCE_DATE_EPOCH" not in os.environ:
        git = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=runner.ROOT, capture_output=True, text=True)
        os.environ["SOURCE_DATE_EPOCH"] = git.stdout.strip() or "0"
    quiet_kernel(runner.CACHE.parent / "jupyter")
    return config


def quiet_kernel(directory: Path) -> None:
    """The labs' kernel, logging errors only. ipykernel warns that a kernel "is running over TCP without
    encryption" every time it starts; the build's kernel listens on 127.0.0.1 only, for the seconds a lab
    runs, so the warning says nothing useful here. This kernelspec shadows the default `python3` one."""
    spec = directory / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--IPKernelApp.log_level=ERROR"]
    text = json.dumps({"argv": argv, "display_name": "Python 3", "language": "python"})
    if not spec.exists() or spec.read_text() != text:
        spec.write_text(text)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(directory), os.environ.get("JUPYTER_PATH")]))


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
            file.abs_src_path = assemble_lab(Path(file.abs_src_path or ""), target)
    return files


def assemble_lab(source: Path, directory: Path) -> str:
    """Write the lab as an .ipynb with every `# snippet:` cell filled in; return its path."""
    notebook = jupytext.read(source)
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # jupytext draws random ids; fixed ones keep the bytes reproducible
        match, module = LAB_CELL.match(cell.source.strip()), LAB_MODULE.match(cell.source.strip())
        if cell.cell_type == "code" and match:
            name = match.group(1)
            if not (runner.SNIPPETS / name).is_file():
                raise PluginError(f"{source.name}: no such snippet: snippets/{name}")
            cell.source = (runner.SNIPPETS / name).read_text().strip()
            used.add((name, 0))
        elif cell.cell_type == "code" and module:
            path = runner.LIB / f"{module[1]}.py"
            if not path.is_file() or "\'\'\'" in path.read_text():
                raise PluginError(f"{source.name}: no teaching module {path} (or it contains \'\'\')")
            cell.source = MODULE_CELL.format(name=module[1], source=path.read_text())
    target = directory / source.with_suffix(".ipynb").name
    directory.mkdir(parents=True, exist_ok=True)
    text = jupytext.writes(notebook, fmt="ipynb")
    if not target.exists() or target.read_text() != text:
        temporary = target.with_suffix(".tmp")
        temporary.write_text(text)
        temporary.replace(target)
    return str(target)


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
    images = "\n".join(
        f"![{match['alt']}]({posixpath.relpath(figure_uri(name, number, theme), here)}#only-{theme})"
        for theme in runner.THEMES
    )
    return f'<figure markdown="span">\n{images}\n<figcaption markdown="span">{match["caption"]}</figcaption>\n</figure>'


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    markdown = SNIPPET.sub(lambda m: indent(expand_snippet(m[3], page, m[2]), m[1]), markdown)
    return FIGURE.sub(lambda m: expand_figure(m, page), markdown)


def mathml(tex: str, display: str, page: Page) -> str:
    try:
        return tex_to_mathml(html.unescape(tex).strip(), display=display)
    except Exception as error:  # latex2mathml raises many types; all mean the same to an author
        raise PluginError(f"{page.file.src_uri}: cannot render math {tex!r}: {error}") from None


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if (page.file.abs_src_path or "").endswith(".ipynb"):
        content = MERMAID.sub("", OFFSITE_SCRIPT.sub("", content))

        def cell(match: re.Match[str]) -> str:
            body = NB_TEX.sub(
                lambda m: mathml(m[1], "block", page) if m[1] else mathml(m[2], "inline", page), match[2]
            )
            return match[1] + body + match[3]

        content = NB_MARKDOWN.sub(cell, content)
        notebook = Path(page.file.abs_src_path or "").name  # mkdocs-jupyter copies it beside the page
        download = f'<p><a class="md-button" href="{notebook}" download>Download this notebook (.ipynb)</a></p>'
        content = download + content
    content = TEX_BLOCK.sub(lambda m: mathml(m[1], "block", page), content)
    content = TEX_INLINE.sub(lambda m: mathml(m[1], "inline", page), content)
    # Code and its output stay out of the search index: results lead to prose, and indexing is faster.
    return CODE_BLOCK.sub(lambda m: f'<div data-search-exclude class="{m[1]}"' if m[1] else "<pre data-search-exclude", content)


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
