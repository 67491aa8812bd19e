"""Session checks: where CI asks for them (REQUIRE_FRAMEWORKS, REQUIRE_BROWSER), a missing framework or
browser fails the run instead of skipping tests quietly."""

import importlib.util
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# One thread for torch, read when torch is first imported: the twins work on small tensors, where extra
# threads only contend (one chapter test ran 281 s with torch's default threads and 15 s with one), and
# a fixed thread count fixes the order of every sum, which the chaotic runs' comparisons rely on.
os.environ["OMP_NUM_THREADS"] = "1"


def pytest_sessionstart(session: pytest.Session) -> None:
    missing = [name for name in ("torch", "keras") if importlib.util.find_spec(name) is None]
    if os.environ.get("REQUIRE_FRAMEWORKS") and missing:
        raise pytest.UsageError(f"REQUIRE_FRAMEWORKS is set but {missing} not installed: "
                                "pip install -r requirements-frameworks.txt")
    if os.environ.get("REQUIRE_BROWSER") and not CHROMIUM.exists():
        raise pytest.UsageError(f"REQUIRE_BROWSER is set but {CHROMIUM} is missing: apt-get install chromium")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the working tree (strict, as configured), once per test session."""
    from support import ROOT, build  # noqa: PLC0415  (support imports the runner from scripts/)

    directory = tmp_path_factory.mktemp("site")
    result = build(ROOT, directory)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    return directory
