"""Session checks: where CI asks for them (REQUIRE_TORCH, REQUIRE_BROWSER), a missing framework or
browser fails the run instead of skipping tests quietly."""

import importlib.util
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("REQUIRE_TORCH") and importlib.util.find_spec("torch") is None:
        raise pytest.UsageError("REQUIRE_TORCH is set but torch is not installed: pip install torch==2.13.0")
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
