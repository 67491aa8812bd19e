"""The labs (docs/labs/*.py, jupytext notebooks executed at build time by mkdocs-jupyter): assemble each
notebook from its source, set up the kernel that runs it, and turn mkdocs-jupyter's HTML into the site's
own markup. scripts/hooks.py calls `quiet_kernel`, `assemble` and `tidy`; render_cache.py remembers
`compose` and `tidy` between builds.

mkdocs-jupyter inlines JupyterLab's stylesheets (about 595 KB), a copy-to-clipboard script and hidden
copies of every cell's source. `tidy` drops them: code cells become Material code blocks (its colours in
both themes, its copy button), outputs keep their lines whole and scroll sideways (assets/lab.css), and
each figure, drawn as SVG in the site's plot style by the build's kernel, goes inline with its
placeholder colours turned into CSS variables, so one copy follows the theme. A figure's alt text is
its cell's `alt` metadata (`# %% alt="..."` above the cell; a list for several figures).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import jupytext

import plotstyle
import runner
import svg

LAB_CELL = re.compile(r"^# snippet: (\S+)$")
LAB_MODULE = re.compile(r"^# module: (\w+)$")
MODULE_CELL = """# The teaching module snippets/lib/{name}.py, in full; this cell makes `import {name}` work.
import sys, types
{name} = sys.modules["{name}"] = types.ModuleType("{name}")
exec(compile(r'''{source}''', "{name}.py", "exec"), {name}.__dict__)"""
KERNEL_CONFIG = """c.InlineBackend.figure_formats = {{"svg"}}
c.IPKernelApp.exec_lines = ["import matplotlib.style", "matplotlib.style.use({style!r})", "matplotlib.rcParams['svg.hashsalt'] = 'lab'",
                            "import sys", "sys.path.insert(0, {scripts!r})", "import plotstyle", "plotstyle.plain_log_ticks()", "del sys.path[0]"]
"""
NOISE = re.compile(  # stylesheets, scripts, comments and the clipboard widget with its hidden source copy
    r'<style\b.*?</style>|<script\b.*?</script>|<!--.*?-->'
    r'|<div class="zeroclipboard-container">.*?</clipboard-copy>\s*</div>'
    r'|<div class="clipboard-copy-txt"[^>]*>.*?</div>', re.DOTALL)
CODE = re.compile(r'<div class="highlight-ipynb hl-(\w+)"><pre><span></span>(.*?)</pre></div>', re.DOTALL)
CELL = re.compile(r'(<div class="jp-Cell [^"]*" id="cell-id=cell-(\d+)">)')
FIGURE = re.compile(r'<img [^>]*?src="data:image/svg\+xml;base64,([^"]+)"[^>]*>')
RASTER = re.compile(r'<img [^>]*?src="data:image/(?!svg)')
PROLOG = re.compile(r'^.*?(?=<svg\b)|<defs>\s*<style type="text/css">\*\{[^}]*\}</style>\s*</defs>', re.DOTALL)
TITLE = re.compile(r"</h1>")


class LabError(ValueError):
    """The lab cannot be built as it is; the message says why."""


@dataclass(frozen=True)
class Lab:
    notebook: Path  # the assembled .ipynb that mkdocs-jupyter executes and offers for download
    snippets: list[str]  # the snippets its cells hold
    alts: dict[int, list[str]]  # cell number -> its figures' alt texts


def quiet_kernel(directory: Path) -> None:
    """The labs' kernel, logging errors only and drawing figures as SVG in the site's plot style (the style
    file and plotstyle.py's log-axis labels; a downloaded notebook draws with Matplotlib's defaults).
    ipykernel warns that a kernel "is running over TCP without encryption" every time it starts; the
    build's kernel listens on 127.0.0.1 only, for the seconds a lab runs, so the warning says nothing
    useful here. This kernelspec shadows the default `python3` one; a downloaded notebook is unaffected."""
    spec, settings = directory / "kernels" / "python3" / "kernel.json", directory / "kernel_config.py"
    spec.parent.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--IPKernelApp.log_level=ERROR",
            f"--config={settings}"]
    for path, text in [(spec, json.dumps({"argv": argv, "display_name": "Python 3", "language": "python"})),
                       (settings, KERNEL_CONFIG.format(style=str(runner.STYLE), scripts=str(Path(__file__).parent)))]:
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(directory), os.environ.get("JUPYTER_PATH")]))


def sources(text: str) -> list[Path]:
    """The files a lab's text may pull into its cells: every `# snippet:` and `# module:` line's file."""
    return sorted({runner.SNIPPETS / name for name in re.findall(LAB_CELL.pattern, text, re.MULTILINE)}
                  | {runner.LIB / f"{name}.py" for name in re.findall(LAB_MODULE.pattern, text, re.MULTILINE)})


def compose(source: Path) -> tuple[str, list[str], dict[int, list[str]]]:
    """The lab as .ipynb text with every `# snippet:` and `# module:` cell filled in, the snippets its cells
    hold, and each cell's figures' alt texts. It reads only `source`, the files `sources` names and the plot
    style, so render_cache.py can remember it."""
    notebook = jupytext.read(source)
    # How figures look is part of what mkdocs-jupyter's cache, keyed on the notebook's bytes, must see.
    style = runner.STYLE.read_bytes() + Path(plotstyle.__file__).read_bytes() + KERNEL_CONFIG.encode()
    notebook.metadata["figure_style"] = hashlib.sha256(style).hexdigest()[:16]
    snippets, alts = [], {}
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # jupytext draws random ids; fixed ones keep the bytes reproducible
        alt = cell.metadata.get("alt", [])
        alts[number] = [alt] if isinstance(alt, str) else list(alt)
        match, module = LAB_CELL.match(cell.source.strip()), LAB_MODULE.match(cell.source.strip())
        if cell.cell_type == "code" and match:
            name = match.group(1)
            if not (runner.SNIPPETS / name).is_file():
                raise LabError(f"{source.name}: no such snippet: snippets/{name}")
            cell.source = (runner.SNIPPETS / name).read_text().strip()
            snippets.append(name)
        elif cell.cell_type == "code" and module:
            path = runner.LIB / f"{module[1]}.py"
            if not path.is_file() or "\'\'\'" in path.read_text():
                raise LabError(f"{source.name}: no teaching module {path} (or it contains \'\'\')")
            cell.source = MODULE_CELL.format(name=module[1], source=path.read_text())
    return jupytext.writes(notebook, fmt="ipynb"), snippets, alts


def assemble(source: Path, directory: Path) -> Lab:
    """Write the lab as an .ipynb with every `# snippet:` and `# module:` cell filled in."""
    text, snippets, alts = compose(source)
    target = directory / source.with_suffix(".ipynb").name
    directory.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_text() != text:
        temporary = target.with_suffix(".tmp")
        temporary.write_text(text)
        temporary.replace(target)
    return Lab(target, snippets, alts)


def figure(encoded: str, alt: str, colours: dict[str, str]) -> str:
    """One notebook figure as inline SVG, its placeholder colours as CSS variables."""
    drawing = PROLOG.sub("", svg.compact(base64.b64decode(encoded).decode()))
    for number, placeholder in enumerate(colours, 1):
        drawing = drawing.replace(placeholder, f"var(--figure-{number})")
    # Matplotlib's global rule, which inline would reach the whole page, kept for this figure only
    attributes = f'role="img" aria-label="{html.escape(alt)}" style="stroke-linejoin:round;stroke-linecap:butt"'
    return drawing.replace("<svg ", f"<svg {attributes} ", 1)


def tidy(content: str, alts: dict[int, list[str]], download: str, themes: dict[str, dict[str, str]]) -> str:
    """The lab's HTML: `alts` maps a cell number to its figures' alt texts, `download` is the notebook's
    file name, `themes` the runner's placeholder colours per theme."""
    content = NOISE.sub("", content)
    content = CODE.sub(r'<div class="language-\1 highlight"><pre><span></span><code>\2</code></pre></div>', content)
    if RASTER.search(content):
        raise LabError("a figure came out as a raster image: the build's kernel draws SVG (labs.quiet_kernel)")
    parts = CELL.split(content)  # text, then (opening tag, cell number, text) per cell
    for index in range(3, len(parts), 3):
        number, texts = int(parts[index - 1]), iter(alts.get(int(parts[index - 1]), []))

        def inline(match: re.Match[str]) -> str:
            alt = next(texts, None)
            if not alt:
                raise LabError(f'cell {number} draws a figure without alt text: give the cell a header '
                               f'# %% alt="what the figure shows" (a list for several figures)')
            return figure(match[1], alt, themes["light"])

        parts[index] = FIGURE.sub(inline, parts[index])
        if next(texts, None) is not None:
            raise LabError(f"cell {number} has alt text for more figures than it draws")
    variables = {theme: ";".join(f"--figure-{n}:{c}" for n, c in enumerate(colours.values(), 1))
                 for theme, colours in themes.items()}
    style = (f"<style>.jupyter-wrapper{{{variables['light']}}}"
             f"[data-md-color-scheme=slate] .jupyter-wrapper{{{variables['dark']}}}</style>")
    button = f'<p><a class="md-button" href="{download}" download>Download this notebook (.ipynb)</a></p>'
    content = "".join(part for index, part in enumerate(parts) if index % 3 != 2)  # without the cell numbers
    if FIGURE.search(content):
        raise LabError("a figure outside a numbered cell: is this notebook assembled by scripts/labs.py?")
    content = content.replace('class="anchor-link"', 'class="headerlink"')  # Material's: shown on hover
    content, titled = TITLE.subn(f"</h1>{button}", content, count=1)
    return style + (content if titled else button + content)
