"""One command to set up and serve, build or test the site, on a machine that has only Python 3.11+.

    python3 scripts/dev.py serve   # set up if needed, then serve on http://127.0.0.1:8000 with live reload
    python3 scripts/dev.py build   # set up if needed, then build the site into site/ (strict)
    python3 scripts/dev.py test    # set up if needed, then run pytest (extra arguments go to pytest)
    python3 scripts/dev.py setup   # only create or update .venv from requirements.txt
    python3 scripts/dev.py new fixes/weight-decay   # start a chapter: page, snippet, test, nav entry

Set-up creates .venv and installs the pinned requirements into it; it runs again only when
requirements.txt changes (its hash is stored in .venv).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
REQUIREMENTS = ROOT / "requirements.txt"
PROJECT = ROOT / "pyproject.toml"
STAMP = VENV / "requirements.sha256"
COMMANDS = {
    "serve": ["mkdocs", "serve"],
    "build": ["mkdocs", "build"],
    "test": ["python", "-m", "pytest", "-n", "auto"],  # one pytest-xdist worker per core
    "setup": [],
}


def setup() -> None:
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes() + PROJECT.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print(f"Setting up {VENV} from requirements.txt (first time: about 35 s)...", flush=True)
    venv.create(VENV, with_pip=True, clear=not STAMP.exists() and VENV.exists())
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
    # the project itself, for its MkDocs plugin's entry point (pyproject.toml); offline, with the venv's setuptools
    subprocess.run([*pip, "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True)
    STAMP.write_text(wanted)


def main() -> None:
    if sys.argv[1:2] == ["new"]:
        import scaffold  # noqa: PLC0415  (needs nothing from .venv)

        written = scaffold.new(sys.argv[2] if len(sys.argv) > 2 else "")
        print("wrote " + ", ".join(str(p.relative_to(ROOT)) for p in written))
        print("next: write the page and the snippet; CONTRIBUTING.md, 'The fast loop', says what to run")
        return
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    setup()
    command = COMMANDS[sys.argv[1]]
    if not command:
        return
    os.environ["NO_MKDOCS_2_WARNING"] = "1"  # Material's banner about its successor, printed on every build
    os.chdir(ROOT)
    os.execv(BIN / command[0], [str(BIN / command[0]), *command[1:], *sys.argv[2:]])


if __name__ == "__main__":
    main()
