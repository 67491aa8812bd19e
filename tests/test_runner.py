"""The runner on small throwaway snippets: output, figure scraping, determinism, cache, failures."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
import runner

FIGURES = """\
import matplotlib.pyplot as plt
print("drawing = 2")
plt.plot([0, 1], [1, 0]); plt.title("first"); plt.show()
fig, ax = plt.subplots(); ax.plot([1, 2, 3]); ax.set_title("second")
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty snippets/ tree and cache, so each test writes the snippets it needs."""
    snippets = tmp_path / "snippets"
    (snippets / "lib").mkdir(parents=True)
    monkeypatch.setattr(runner, "SNIPPETS", snippets)
    monkeypatch.setattr(runner, "LIB", snippets / "lib")
    monkeypatch.setattr(runner, "CACHE", tmp_path / "cache" / "snippets")
    return snippets


def write(project: Path, name: str, source: str) -> str:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    return name


def test_output_and_every_open_figure_are_collected(project: Path) -> None:
    result = runner.run_one(write(project, "a/figs.py", FIGURES))
    assert result.stdout == "drawing = 2\n"
    assert result.figures == 2 and not result.cached
    sizes = result.sizes()  # 7 x 4 in by the style, cropped to what is drawn; text at the style's 11 pt
    assert len(sizes) == 2 and all(300 < s["width_pt"] < 7 * 72 and s["min_text_pt"] == 11 for s in sizes)
    for number in (1, 2):
        light, dark = (result.figure(number, theme).read_text() for theme in ("light", "dark"))
        assert light.startswith("<?xml") and light != dark
        for placeholder in runner.THEMES["light"]:
            assert placeholder not in light and placeholder not in dark
        assert "<dc:date>" not in light and "Matplotlib v" not in light
        assert light.replace("#1f2328", "").count("#e6edf3") == 0  # no dark foreground in the light copy


def test_figures_are_byte_identical_across_runs(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = write(project, "figs.py", FIGURES)
    first = runner.run_one(name)
    monkeypatch.setattr(runner, "CACHE", tmp_path / "other-cache")
    second = runner.run_one(name)
    assert not second.cached and first.entry != second.entry
    for number in (1, 2):
        assert first.figure(number, "dark").read_bytes() == second.figure(number, "dark").read_bytes()


def test_cache_hits_and_misses(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "lib" / "helper.py").write_text("VALUE = 1\n")
    name = write(project, "uses_lib.py", "import helper\nprint(f'value = {helper.VALUE}')\n")
    assert runner.run_one(name).stdout == "value = 1\n"
    assert runner.run_one(name).cached
    (project / "lib" / "helper.py").write_text("VALUE = 2\n")  # an imported module is part of the key
    again = runner.run_one(name)
    assert not again.cached and again.stdout == "value = 2\n"
    (project / "lib" / "base.py").write_text("BASE = 3\n")
    (project / "lib" / "helper.py").write_text("import base\nVALUE = base.BASE\n")
    assert runner.run_one(name).stdout == "value = 3\n"
    (project / "lib" / "base.py").write_text("BASE = 4\n")  # and so is what that module imports
    assert runner.run_one(name).stdout == "value = 4\n"
    style = project.parent / "other.mplstyle"
    style.write_text(runner.STYLE.read_text() + "\nlines.linewidth: 3\n")
    monkeypatch.setattr(runner, "STYLE", style)  # so is the plot style
    assert not runner.run_one(name).cached


def test_a_failing_snippet_names_file_line_and_error(project: Path) -> None:
    name = write(project, "causes/broken.py", "import math\nx = 1\ny = math.log(0)\n")
    with pytest.raises(runner.SnippetError) as error:
        runner.run_one(name)
    message = str(error.value)
    assert "snippets/causes/broken.py failed" in message
    assert "at line 3: y = math.log(0)" in message and "ValueError: math domain error" in message
    assert not list(runner.CACHE.iterdir()), "a failed run leaves nothing in the cache"


def test_a_hanging_snippet_is_stopped_at_the_time_limit(project: Path) -> None:
    name = write(project, "causes/hangs.py", "import time\nwhile True:\n    time.sleep(0.05)\n")
    start = time.monotonic()
    with pytest.raises(runner.SnippetError) as error:
        runner.run_one(name, timeout=2)
    assert time.monotonic() - start < 10
    assert "snippets/causes/hangs.py timed out after 2 s" in str(error.value)
    assert "at line 3: time.sleep(0.05)" in str(error.value)


def test_run_all_reports_progress_and_every_failure(project: Path) -> None:
    good = write(project, "good.py", "print('ok = 1')\n")
    bad = [write(project, f"bad{i}.py", "raise SystemExit(3)\n") for i in range(2)]
    lines: list[str] = []
    with pytest.raises(runner.SnippetError) as error:
        runner.run_all([good, *bad], report=lines.append)
    assert "snippets/bad0.py failed (exit code 3)" in str(error.value)
    assert "snippets/bad1.py failed (exit code 3)" in str(error.value)
    assert sorted(line.split("] ")[0] for line in lines) == ["[1/3", "[2/3", "[3/3"]
    statuses = sorted(line.split("] ")[1] for line in lines)
    assert statuses[:2] == ["bad0.py FAILED", "bad1.py FAILED"]
    assert re.fullmatch(r"good\.py \d+\.\d s", statuses[2])
    lines.clear()
    results = runner.run_all([good], report=lines.append)  # cached: nothing to report but the summary
    assert lines == [] and runner.summary(results.values()) == "1 in all, 1 cached, 0 ran"


def test_global_random_state_fails_however_it_is_reached(project: Path) -> None:
    for number, code in enumerate(["import numpy as np\nnp.random.normal()",
                                   "from numpy import random\nrandom.normal()",
                                   "import random\nrandom.random()"]):
        name = write(project, f"unseeded{number}.py", code + "\nprint('x = 1')\n")
        with pytest.raises(runner.SnippetError, match="drew from a global random state"):
            runner.run_one(name)
    seeded = write(project, "seeded.py", "import numpy as np\nprint(np.random.default_rng(0).normal() < 9)\n")
    assert runner.run_one(seeded).stdout == "True\n"


def test_a_killed_runs_debris_is_swept_and_stale_entries_pruned(project: Path) -> None:
    name = write(project, "kept.py", "print('x = 1')\n")
    runner.run_one(name)
    stale = runner.CACHE / ("0" * 64)
    stale.mkdir()
    dead = runner.CACHE / "run-999999999-abc"  # no process has this pid
    dead.mkdir()
    live = runner.CACHE / f"run-{os.getpid()}-abc"  # a build still running keeps its directory
    live.mkdir()
    runner.run_all([name], report=lambda _: None)
    assert not dead.exists() and live.exists() and stale.exists()
    assert "removed 1 stale entries" in runner.prune()
    assert not stale.exists() and runner.run_one(name).cached


def test_discovery_skips_variants_and_modules(project: Path) -> None:
    for name in ["a/x.py", "a/x_torch.py", "a/x_keras.py", "lib/helper.py", "b/y.py", "b/y_keras.py"]:
        write(project, name, "")
    assert runner.discover() == ["a/x.py", "b/y.py"]
    assert runner.variants("a/x.py") == {"PyTorch": project / "a/x_torch.py", "Keras": project / "a/x_keras.py"}
    assert runner.variants("b/y.py") == {"Keras": project / "b/y_keras.py"}


ISOLATION = """\
import os, sys
import matplotlib.pyplot as plt
import numpy as np
print(os.getsid(0) == os.getpid(), os.getcwd() == os.environ["HOME"], np.array([1 / 3]),
      plt.rcParams["lines.linewidth"], "leak" in sys.modules)
np.set_printoptions(precision=1); plt.rcParams["lines.linewidth"] = 9.0; sys.modules["leak"] = sys
"""


def test_each_snippet_runs_as_a_process_of_its_own(project: Path) -> None:
    """Snippets forked from one worker share nothing: each runs in its own session and directory, and what
    one changes in NumPy, Matplotlib or sys.modules is gone for the next one (run in the same worker)."""
    names = [write(project, f"iso{i}.py", ISOLATION) for i in range(3)]
    with runner.Workers() as workers:
        outputs = [runner.run_one(name, workers=workers).stdout for name in names]
        assert len(workers.started) == 1  # one after the other: the same worker served all three
    assert outputs == ["True True [0.33333333] 2.0 False\n"] * 3
    assert workers.started[0].proc.returncode == 0  # stopped on leaving the block
