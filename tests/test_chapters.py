"""Every chapter has a test file that names it, and a new chapter starts from the scaffold
(`python3 scripts/dev.py new part/name`), which builds at once and whose test says what is still to write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import scaffold
from support import DOCS, ROOT, build, copy_project

CHAPTER_TESTS = sorted((ROOT / "tests" / "chapters").glob("test_*.py"))
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md") if p.name != "contributing.md")


@pytest.mark.parametrize("path", PAGES)
def test_every_chapter_has_a_test_file_naming_it(path: str) -> None:
    naming = [t.name for t in CHAPTER_TESTS if f'"{path}"' in t.read_text()]
    assert naming, f"docs/{path} has no test: tests/chapters/test_<chapter>.py with PAGE = \"{path}\""


def test_nav_entry_goes_at_the_end_of_its_part() -> None:
    config = "nav:\n  - Home: index.md\n  - Fixes:\n      - A: fixes/a.md\n  - Reference:\n      - B: reference/b.md\n"
    assert scaffold.add_to_nav(config, "fixes", "New", "fixes/new.md").splitlines()[4] == '      - "New": fixes/new.md'


def test_a_scaffolded_chapter_builds_and_its_test_says_what_is_missing(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    made = subprocess.run([sys.executable, "scripts/dev.py", "new", "fixes/weight-decay"],
                          cwd=project, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "docs/fixes/weight-decay.md" in made.stdout and "tests/chapters/test_fixes_weight_decay.py" in made.stdout
    again = subprocess.run([sys.executable, "scripts/dev.py", "new", "fixes/weight-decay"],
                           cwd=project, capture_output=True, text=True)
    assert again.returncode != 0 and "already there" in again.stderr
    built = build(project, tmp_path / "site")
    assert built.returncode == 0, built.stderr[-3000:]
    assert (tmp_path / "site" / "fixes" / "weight-decay" / "index.html").is_file()
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "tests/chapters/test_fixes_weight_decay.py"], cwd=project, capture_output=True, text=True)
    assert "2 failed" in tested.stdout, tested.stdout[-3000:]
    assert "still to write" in tested.stdout and "The question:** (write:" in tested.stdout
