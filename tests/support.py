"""What chapter tests need: a snippet's output (run through the build's own runner and cache), the value
printed after a label, and the page that quotes it. Expected values never come from here: each test
derives them on its own (closed form, theory or a second method)."""

from __future__ import annotations

import functools
from collections.abc import Callable
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import runner

ROOT = runner.ROOT
DOCS = ROOT / "docs"


@functools.cache
def output(name: str) -> str:
    """What snippets/<name> prints (runs it, or reads the build's cache)."""
    return runner.run_one(name).stdout


FRAMEWORKS = {"_torch.py": ["torch"], "_keras.py": ["torch", "keras"]}  # a variant's suffix -> what it needs


@functools.cache
def variant_output(name: str) -> str:
    """What the framework variant snippets/<name> (x_torch.py or x_keras.py) prints; skips the test where
    its framework is not installed. Keras variants run on the PyTorch backend (KERAS_BACKEND=torch)."""
    packages = next(v for suffix, v in FRAMEWORKS.items() if name.endswith(suffix))
    missing = [p for p in packages if importlib.util.find_spec(p) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (pip install -r requirements-frameworks.txt)")
    proc = subprocess.run(
        [sys.executable, str(runner.SNIPPETS / name)], capture_output=True, text=True, timeout=runner.TIMEOUT,
        env={**os.environ, "KERAS_BACKEND": "torch"},
    )
    assert proc.returncode == 0, f"snippets/{name} failed:\n{proc.stderr}"
    return proc.stdout


torch_output = keras_output = variant_output  # the names chapter tests use


def value(text: str, label: str) -> str:
    """The text printed after `label =` or `label:` on its own line (surrounding spaces ignored)."""
    found = [m[1].strip() for m in re.finditer(rf"^\s*{re.escape(label)}\s*[=:](.*)$", text, re.MULTILINE)]
    assert len(found) == 1, f"expected one line labelled {label!r}, found {len(found)} in:\n{text}"
    return found[0]


def number(text: str, label: str) -> float:
    """The number printed after a label: commas allowed, trailing words ignored; inf and nan parse."""
    return float(value(text, label).split()[0].replace(",", ""))


def page(path: str) -> str:
    """The Markdown source of docs/<path>, every run of whitespace folded to one space (prose wraps
    anywhere), to check that the prose quotes what the snippet prints."""
    return " ".join((DOCS / path).read_text().split())


def lab_prose(path: str) -> str:
    """A jupytext lab, docs/<path>, with comment marks dropped and whitespace folded (prose wraps anywhere)."""
    lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in (DOCS / path).read_text().splitlines()]
    return " ".join(" ".join(lines).split())


def lab_says(path: str, *texts: str) -> None:
    """Assert that the lab docs/<path> says each text (as `lab_prose` reads it)."""
    for text in texts:
        assert text in lab_prose(path), f"docs/{path} should say {text!r}"


def copy_project(destination: Path) -> Path:
    """The working tree's source files (tracked or not ignored), copied to `destination`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=runner.ROOT, capture_output=True, text=True, check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = runner.ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def build(project: Path, site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` of `project` into `site`; snippet results come from the shared cache."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SNIPPET_CACHE": str(runner.CACHE), **env}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)],
        cwd=project, env=environment, capture_output=True, text=True, timeout=600,
    )


def quoted(path: str, *texts: str) -> None:
    """Assert that docs/<path> quotes each text (whitespace folded, as in `page`)."""
    for text in texts:
        assert text in page(path), f"docs/{path} should quote {text!r}"


def central_difference(f: Callable[[], float], param: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """d f() / d param by central differences, one entry at a time (param is moved in place and restored):
    the second method against which every hand-written backward pass is checked."""
    numeric = np.zeros_like(param)
    for index in np.ndindex(param.shape):
        saved = param[index]
        param[index] = saved + step
        plus = f()
        param[index] = saved - step
        minus = f()
        param[index] = saved
        numeric[index] = (plus - minus) / (2 * step)
    return numeric
