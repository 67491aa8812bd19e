"""MkDocs hook: remember, between builds, the pure steps that dominated a warm build.

Profiled on the 2-core machine with the fixes part in (about 310 code blocks on 32 pages), a warm build
spent most of its time in two places whose inputs rarely change: Pygments highlighting each code block
(pymdownx's `Highlight.highlight`), and Material's search plugin parsing each page's HTML into index
entries (`SearchIndex.add_entry_from_context`). Smaller ones: latex2mathml turning about 1,900 formulas
into MathML (`converter.convert`, about 0.35 s), assembling each lab from its source (`labs.compose`,
which needs jupytext: about 0.5 s with its import) and turning a lab's executed notebook into the
site's markup (`labs.tidy`, which redraws its figures; about 0.1 s). Each call is looked up by a hash
of everything it reads, salted with mkdocs.yml and the versions of Pygments, pymdown-extensions,
Material, latex2mathml and jupytext (and, for the labs, the source of scripts/labs.py, svg.py and
plotstyle.py); a miss runs as usual. After a build that succeeds, the entries that build used are
written to `.cache/render.json` (atomically; RENDER_CACHE names another file), so the file holds only
what the current book needs. Material's Jinja templates, compiled anew by every build (about 0.15 s),
are kept compiled in `.cache/templates` by Jinja's own bytecode cache. tests/test_site.py checks that a
build from this store and one from an empty store are byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from latex2mathml import converter
from material.plugins.search.plugin import SearchIndex
from mkdocs.config.defaults import MkDocsConfig
from pymdownx.highlight import Highlight

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labs  # noqa: E402
import plotstyle  # noqa: E402
import runner  # noqa: E402
import svg  # noqa: E402

STORE = Path(os.environ.get("RENDER_CACHE", runner.CACHE.parent / "render.json"))  # tests start it empty
state: dict[str, Any] = {"salt": "", "known": {}, "used": {}, "stored": set()}


def remembered(parts: list[Any], compute: Callable[[], Any]) -> Any:
    """compute(), or the value a previous build stored for the same parts."""
    key = hashlib.sha256(json.dumps([state["salt"], *parts], default=repr).encode()).hexdigest()
    if key not in state["known"]:
        state["known"][key] = compute()
    state["used"][key] = state["known"][key]
    return state["used"][key]


def highlight(self: Highlight, src: str, language: str, *args: Any, **kwargs: Any) -> str:
    if self.title_mode == "html":  # an HTML title goes through the page's stash: a side effect
        return HIGHLIGHT(self, src, language, *args, **kwargs)
    return remembered(["highlight", src, language, args, kwargs],
                      lambda: HIGHLIGHT(self, src, language, *args, **kwargs))


def mathml(latex: str, *args: Any, **kwargs: Any) -> str:
    return remembered(["mathml", latex, args, kwargs], lambda: CONVERT(latex, *args, **kwargs))


def toc(items: Any) -> list[Any]:
    return [[item.title, item.url, item.level, toc(item.children)] for item in items]


def add_entry_from_context(self: SearchIndex, page: Any) -> None:
    before = len(self.entries)

    def compute() -> list[Any]:
        INDEX(self, page)
        return self.entries[before:]

    parts = ["search", page.url, page.content, toc(page.toc), json.dumps(page.meta, sort_keys=True, default=repr)]
    entries = remembered(parts, compute)
    del self.entries[before:]
    self.entries.extend(json.loads(json.dumps(entries)))  # a fresh copy, as a miss would have made


def compose(source: Path) -> tuple[str, list[str], dict[int, list[str]]]:
    text = source.read_text()
    inputs = [[path.as_posix(), path.read_text() if path.is_file() else None] for path in labs.sources(text)]
    parts = ["notebook", LAB_CODE, source.name, text, inputs, runner.STYLE.read_text()]
    notebook, snippets, alts = remembered(parts, lambda: list(COMPOSE(source)))
    return notebook, snippets, {int(number): texts for number, texts in alts.items()}  # JSON made the keys strings


def tidy(content: str, alts: dict[int, list[str]], download: str, themes: dict[str, dict[str, str]]) -> str:
    return remembered(["lab", LAB_CODE, content, alts, download, themes], lambda: TIDY(content, alts, download, themes))


# `serve` may load this hook more than once: wrap the originals only once.
LAB_CODE = hashlib.sha256(b"".join(Path(m.__file__ or "").read_bytes() for m in (labs, svg, plotstyle))).hexdigest()
TIDY = getattr(labs, "_uncached", labs.tidy)
COMPOSE = getattr(labs, "_uncached_compose", labs.compose)
labs._uncached, labs.tidy = TIDY, tidy  # type: ignore[attr-defined]
labs._uncached_compose, labs.compose = COMPOSE, compose  # type: ignore[attr-defined]
HIGHLIGHT = Highlight.__dict__.get("_uncached", Highlight.highlight)
INDEX = SearchIndex.__dict__.get("_uncached", SearchIndex.add_entry_from_context)
CONVERT = getattr(converter, "_uncached", converter.convert)
Highlight._uncached, Highlight.highlight = HIGHLIGHT, highlight  # type: ignore[attr-defined, method-assign]
SearchIndex._uncached, SearchIndex.add_entry_from_context = INDEX, add_entry_from_context  # type: ignore[attr-defined, method-assign]
converter._uncached, converter.convert = CONVERT, mathml  # type: ignore[attr-defined]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    libraries = [version(name) for name in ("pygments", "pymdown-extensions", "mkdocs-material", "latex2mathml", "jupytext")]
    salt = [hashlib.sha256(Path(config.config_file_path).read_bytes()).hexdigest(), *libraries]
    state["salt"] = hashlib.sha256(repr(salt).encode()).hexdigest()
    try:
        state["known"] = json.loads(STORE.read_text())
    except (OSError, ValueError):
        state["known"] = {}
    state["stored"], state["used"] = set(state["known"]), {}
    return config


def on_env(env: Environment, config: MkDocsConfig, files: Any) -> Environment:
    """Compiled page templates too, by Jinja's own cache (keyed on each template's name and source)."""
    env.bytecode_cache = FileSystemBytecodeCache(str(STORE.with_name("templates")))
    Path(env.bytecode_cache.directory).mkdir(parents=True, exist_ok=True)
    return env


def on_post_build(config: MkDocsConfig) -> None:
    if set(state["used"]) == state["stored"]:  # nothing new and nothing unused: leave the file alone
        return
    STORE.parent.mkdir(parents=True, exist_ok=True)
    partial = STORE.with_name(f"render-{os.getpid()}.json")
    partial.write_text(json.dumps(state["used"]))  # key order kept: the search index keeps its field order
    partial.replace(STORE)
