"""Session checks: where CI asks for them (REQUIRE_FRAMEWORKS, REQUIRE_BROWSER), a missing framework or
browser fails the run instead of skipping tests quietly. And what the whole run shares, also when
pytest-xdist spreads it over several processes (`dev.py test` runs `pytest -n auto`): the snippets'
cache, filled once before the workers start, and one built site."""

import fcntl
import importlib.util
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# One thread for torch, read when torch is first imported: the twins work on small tensors, where extra
# threads only contend (one chapter test ran 281 s with torch's default threads and 15 s with one), and
# a fixed thread count fixes the order of every sum, which the chaotic runs' comparisons rely on.
os.environ["OMP_NUM_THREADS"] = "1"


def pytest_configure(config: pytest.Config) -> None:
    """Before pytest-xdist starts its workers, run every snippet once (or read it from the cache): each
    worker collects every test file, and tests/test_figures.py reads every snippet's result at collection,
    so on a cold cache the workers would otherwise run the same snippets side by side."""
    if getattr(config.option, "numprocesses", None) and "PYTEST_XDIST_WORKER" not in os.environ:
        import runner  # noqa: PLC0415

        try:
            runner.run_all(report=lambda _: None)
        except runner.SnippetError:
            pass  # the tests that run the failing snippet report it, with its name


def pytest_sessionstart(session: pytest.Session) -> None:
    missing = [name for name in ("torch", "keras") if importlib.util.find_spec(name) is None]
    if os.environ.get("REQUIRE_FRAMEWORKS") and missing:
        raise pytest.UsageError(f"REQUIRE_FRAMEWORKS is set but {missing} not installed: "
                                "pip install -r requirements-frameworks.txt")
    if os.environ.get("REQUIRE_BROWSER") and not CHROMIUM.exists():
        raise pytest.UsageError(f"REQUIRE_BROWSER is set but {CHROMIUM} is missing: apt-get install chromium")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the working tree (strict, as configured), once per test run: under pytest-xdist,
    the first worker that needs it builds it in the run's shared temporary directory, and the others wait."""
    from support import ROOT, build  # noqa: PLC0415  (support imports the runner from scripts/)

    shared = tmp_path_factory.getbasetemp()
    shared = shared.parent if "PYTEST_XDIST_WORKER" in os.environ else shared
    directory, built = shared / "site", shared / "site.built"
    with (shared / "site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            result = build(ROOT, directory)
            assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
            built.touch()
    return directory
