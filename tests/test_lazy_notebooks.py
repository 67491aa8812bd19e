"""The lazy-notebooks plugin (scripts/lazy_notebooks.py): MkDocs finds it, and loading mkdocs-jupyter after
it imports neither jupytext nor nbconvert until one of their functions is asked for, which then works."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import yaml

from support import ROOT

CHECK = """
import sys
import lazy_notebooks
import mkdocs_jupyter.plugin
loaded = lambda: sorted(m for m in ("jupytext", "nbconvert", "mistune") if type(sys.modules.get(m)).__name__ == "module")
print(loaded())
from mkdocs_jupyter import convert
print(callable(convert.nb2html), callable(mkdocs_jupyter.plugin.jupytext.read), loaded())
"""


def test_mkdocs_finds_the_plugin_before_mkdocs_jupyter() -> None:
    found = [e.value for e in entry_points(group="mkdocs.plugins") if e.name == "lazy-notebooks"]
    assert found == ["lazy_notebooks:LazyNotebooks"], "run python3 scripts/dev.py setup (it installs the project)"
    plugins = [p if isinstance(p, str) else next(iter(p)) for p in yaml.load(
        (ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)["plugins"]]
    assert plugins.index("lazy-notebooks") < plugins.index("mkdocs-jupyter")


def test_jupyter_loads_on_first_use_only() -> None:
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.splitlines() == ["[]", "True True ['jupytext', 'mistune', 'nbconvert']"], result
