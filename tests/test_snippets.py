"""The snippet contract (CONTRIBUTING.md), checked on every snippet's source: copyable, seeded, no files
or clock, short; and every snippet and PyTorch variant runs."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
import runner
from support import variant_output

MAX_LINES = 60  # "about 50 lines": past that, a snippet is two snippets
SNIPPETS = [runner.SNIPPETS / name for name in runner.discover()]
VARIANTS = sorted(p for suffix in runner.VARIANTS.values() for p in runner.SNIPPETS.rglob(f"*{suffix}"))
FRAMEWORK_IMPORTS = {"_torch.py": {"torch", "numpy"}, "_keras.py": {"keras", "numpy"}}
MODULES = {p.stem for p in runner.LIB.glob("*.py")}
FORBIDDEN_CALLS = {"savefig", "open", "seed", "time", "now", "perf_counter", "urlopen"}


def imports(tree: ast.AST) -> set[str]:
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return names | {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}


def called(tree: ast.AST) -> set[str]:
    """Names of everything called: f(...) gives f, a.b.f(...) gives f."""
    calls = [n.func for n in ast.walk(tree) if isinstance(n, ast.Call)]
    return {c.attr if isinstance(c, ast.Attribute) else c.id for c in calls if isinstance(c, (ast.Attribute, ast.Name))}


def label(path: Path) -> str:
    return path.relative_to(runner.SNIPPETS).as_posix()


@pytest.mark.parametrize("path", SNIPPETS + VARIANTS, ids=label)
def test_snippet_follows_the_contract(path: Path) -> None:
    source = path.read_text()
    tree = ast.parse(source)
    frameworks = [names for suffix, names in FRAMEWORK_IMPORTS.items() if path.name.endswith(suffix)]
    allowed = frameworks[0] if frameworks else {"numpy", "matplotlib"} | MODULES
    foreign = imports(tree) - allowed - set(sys.stdlib_module_names)
    assert not foreign, f"imports {sorted(foreign)}: allowed here are {sorted(allowed)} and the standard library"
    assert ast.get_docstring(tree), "starts with a one-line docstring saying what it shows"
    assert not called(tree) & FORBIDDEN_CALLS, f"calls {sorted(called(tree) & FORBIDDEN_CALLS)}: no files, clock or global seed"
    rngs = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "default_rng"]
    assert all(call.args for call in rngs), "np.random.default_rng(SEED): every generator is seeded"
    assert "np.random." not in source.replace("np.random.default_rng", ""), "use rng = np.random.default_rng(SEED)"
    lines = [line for line in source.splitlines() if line.strip()]
    assert len(lines) <= MAX_LINES, f"{len(lines)} lines: split it into two snippets"


@pytest.mark.parametrize("path", VARIANTS, ids=label)
def test_framework_variant_runs(path: Path) -> None:
    assert variant_output(label(path)).strip(), "a variant prints what it shows"
