"""MkDocs plugin `lazy-notebooks`, listed before mkdocs-jupyter in mkdocs.yml: Jupyter's converters are
imported when a notebook is first converted, not on every build.

mkdocs-jupyter imports jupytext and nbconvert (with mistune, bleach, bs4 and Jinja templates) as MkDocs
loads it, about 0.8 s of CPU, the largest single cost of a warm build. A warm build converts nothing:
mkdocs-jupyter's cache holds every executed lab, and render_cache.py remembers how each lab was
assembled. This plugin is loaded first (MkDocs loads plugins in the order listed), so it can put
stand-ins in their place: a stand-in imports the real module on the first attribute it is asked for,
which only a build that converts a notebook does. (importlib's LazyLoader would not do: from Python 3.11,
`import jupytext` reads the module's `__spec__`, and any attribute read makes a LazyLoader module load.)

It is found through the entry point in pyproject.toml, which `python3 scripts/dev.py setup` installs
(`pip install --no-deps -e .`).
"""

from __future__ import annotations

import importlib
import sys
import types

from mkdocs.plugins import BasePlugin

DEFERRED = ["jupytext", "mkdocs_jupyter.convert"]  # what mkdocs-jupyter imports at load and a warm build never reads


class StandIn(types.ModuleType):
    """Takes a module's place in sys.modules until one of the module's own attributes is read."""

    def __getattr__(self, attribute: str) -> object:  # called only for what the stand-in itself lacks
        del sys.modules[self.__name__]
        module = importlib.import_module(self.__name__)
        self.__dict__.update(module.__dict__)  # whoever holds the stand-in now reads the module's contents
        return getattr(module, attribute)


def defer(name: str) -> None:
    """Put a stand-in for module `name` in sys.modules (and on its parent package), unless it is loaded."""
    if name in sys.modules:
        return
    parent, _, child = name.rpartition(".")
    sys.modules[name] = stand_in = StandIn(name)
    if parent:
        setattr(importlib.import_module(parent), child, stand_in)  # what `from . import convert` reads


for deferred in DEFERRED:
    defer(deferred)


class LazyNotebooks(BasePlugin):  # type: ignore[type-arg]
    """Does nothing at build time: its work is done when MkDocs imports it."""
