"""Time the build, as medians of several runs, in a temporary copy of the project.

    .venv/bin/python scripts/bench.py                 # cold, warm, after a snippet edit, after a prose edit, serve
    .venv/bin/python scripts/bench.py --runs 5
    .venv/bin/python scripts/bench.py --synthetic 50 200 500   # the same with N extra trivial chapters

Cold: no snippet cache and no notebook cache. Warm: both caches full, nothing changed. Snippet edit: one
snippet's bytes changed (a comment appended), so it alone runs again. Prose edit: one sentence of one page
changed. Serve: `mkdocs serve` running, one page edited, the seconds until the rebuild is done. Prints a
Markdown table (the README's timings come from it).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]
SNIPPET = "snippets/causes/chain_product.py"
PROSE = "docs/causes/chain-product.md"


def copy(destination: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    return destination


def environment(project: Path) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SNIPPET_CACHE": str(project / ".cache" / "snippets")}


def build(project: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([*MKDOCS, "build", "-q", "--site-dir", str(project / "site")], cwd=project,
                          env=environment(project), capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"the build failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def append(project: Path, name: str, text: str) -> None:
    (project / name).parent.mkdir(parents=True, exist_ok=True)
    with (project / name).open("a") as file:
        file.write(text)


def serve_rebuild(project: Path, runs: int) -> list[float]:
    """Seconds from a prose edit to the end of `mkdocs serve`'s rebuild."""
    port = 8765
    proc = subprocess.Popen([*MKDOCS, "serve", "-a", f"127.0.0.1:{port}"], cwd=project,
                            env=environment(project), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    times: list[float] = []
    try:
        for line in proc.stderr:  # the first build
            if "Serving on" in line:
                break
        for run in range(runs):
            time.sleep(1.5)  # let the watcher settle
            start = time.perf_counter()
            append(project, PROSE, f"\nAn edited sentence, number {run}.\n")
            for line in proc.stderr:
                if "Reloading browsers" in line:
                    times.append(time.perf_counter() - start)
                    break
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return times


def measure(project: Path, runs: int) -> dict[str, float]:
    def median(step: Callable[[int], float]) -> float:
        return statistics.median(step(run) for run in range(runs))

    def cold(_run: int) -> float:
        shutil.rmtree(project / ".cache", ignore_errors=True)
        return build(project)

    def snippet_edit(run: int) -> float:
        append(project, SNIPPET, f"# edit {run}\n")
        return build(project)

    def prose_edit(run: int) -> float:
        append(project, PROSE, f"\nA new sentence, number {run}.\n")
        return build(project)

    timings = {"cold build": median(cold)}
    build(project)
    timings["warm build"] = median(lambda _run: build(project))
    timings["rebuild after editing one snippet"] = median(snippet_edit)
    timings["rebuild after editing one sentence"] = median(prose_edit)
    timings["`mkdocs serve`: rebuild after editing one sentence"] = statistics.median(serve_rebuild(project, runs))
    return timings


def synthetic(project: Path, chapters: int) -> None:
    """Add `chapters` trivial chapters (a page, a snippet that prints and draws) to the copy's nav."""
    if not chapters:
        return
    nav = ["  - Synthetic:"]
    for number in range(chapters):
        append(project, f"snippets/synthetic/s{number}.py",
               f'"""Synthetic chapter {number}."""\nimport matplotlib.pyplot as plt\n\n'
               f'print("value = {number}")\nplt.plot([0, 1], [0, {number}])\nplt.title("s{number}")\nplt.show()\n')
        append(project, f"docs/synthetic/s{number}.md",
               f"# Synthetic {number}\n\nSome prose.\n\n{{{{ snippet synthetic/s{number}.py }}}}\n\n"
               f'![A line](snippet:synthetic/s{number}.py#1 "A caption.")\n')
        nav.append(f"      - S{number}: synthetic/s{number}.md")
    config = (project / "mkdocs.yml").read_text().replace("  - Contributing:", "\n".join(nav) + "\n  - Contributing:")
    (project / "mkdocs.yml").write_text(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument("--synthetic", type=int, nargs="*", default=[], help="also with N extra chapters")
    args = parser.parse_args()
    books = {"this book": 0, **{f"+{n} chapters": n for n in args.synthetic}}
    table: dict[str, dict[str, float]] = {}
    for label, extra in books.items():
        with tempfile.TemporaryDirectory(prefix="bench-") as directory:
            project = copy(Path(directory))
            synthetic(project, extra)
            table[label] = measure(project, args.runs)
            print(f"measured {label}: {table[label]}", file=sys.stderr, flush=True)
    rows = list(next(iter(table.values())))
    print(f"Medians of {args.runs} runs, {date.today()}, {os.cpu_count()} cores, {platform.machine()}, "
          f"Python {platform.python_version()}:\n")
    print("| | " + " | ".join(table) + " |\n|---|" + "---|" * len(table))
    for row in rows:
        print(f"| {row} | " + " | ".join(f"{t[row]:.1f} s" for t in table.values()) + " |")
    warm, cold = table["this book"]["warm build"], table["this book"]["cold build"]
    print(f"\nwarm / cold = {warm / cold:.2f}")


if __name__ == "__main__":
    main()
