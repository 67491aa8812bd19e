"""Run the book's snippets: each in a fresh process of its own, cached by content, figures scraped as SVG.

One implementation with two doors: `python scripts/runner.py [SNIPPET ...]` and the MkDocs hook
(scripts/hooks.py), which calls `run_all` before every build.

A snippet is any `snippets/**/*.py` except framework variants (`*_torch.py`, `*_keras.py`, run by the
tests) and the teaching modules in `snippets/lib/` (importable by snippets, part of their cache key).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import faulthandler
import functools
import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterable, Iterator

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
LIB = SNIPPETS / "lib"
STYLE = Path(__file__).resolve().parent / "figures.mplstyle"
SOURCES = ("runner.py", "svg.py", "plotstyle.py")  # this directory's code that shapes a snippet's output
CACHE = Path(os.environ.get("SNIPPET_CACHE", ROOT / ".cache" / "snippets"))
TIMEOUT = float(os.environ.get("SNIPPET_TIMEOUT", "60"))
VARIANTS = {"PyTorch": "_torch.py", "Keras": "_keras.py"}  # framework tab -> file suffix beside the snippet

# The style draws every foreground element (text, axes, ticks, grid, legend frame) in these placeholder
# colours; each figure is then written twice with the placeholders swapped for the light or dark theme.
THEMES = {
    "light": {"#010101": "#1f2328", "#020202": "#d0d7de", "#030303": "#ffffff"},
    "dark": {"#010101": "#e6edf3", "#020202": "#3d444d", "#030303": "#1e2129"},
}


class SnippetError(Exception):
    """A snippet failed, hung, or was asked for but does not exist."""


@dataclass(frozen=True)
class Result:
    name: str  # path relative to snippets/, e.g. "causes/chain_product.py"
    stdout: str
    figures: int
    entry: Path  # cache directory holding stdout.txt, figures.json and <n>-<theme>.svg
    seconds: float
    cached: bool

    def figure(self, number: int, theme: str) -> Path:
        return self.entry / f"{number}-{theme}.svg"

    def sizes(self) -> list[dict[str, float]]:
        """Per figure: its width and height as saved, and its smallest text, all in points."""
        return json.loads((self.entry / "figures.json").read_text())


def discover() -> list[str]:
    """Every runnable snippet, as a path relative to snippets/, sorted."""
    return sorted(
        p.relative_to(SNIPPETS).as_posix()
        for p in SNIPPETS.rglob("*.py")
        if not p.name.endswith(tuple(VARIANTS.values())) and LIB not in p.parents
    )


def variants(name: str) -> dict[str, Path]:
    """The framework variants beside a snippet, by tab name ({"PyTorch": .../x_torch.py, ...})."""
    paths = {tab: SNIPPETS / name.replace(".py", suffix) for tab, suffix in VARIANTS.items()}
    return {tab: path for tab, path in paths.items() if path.exists()}


@functools.lru_cache(maxsize=512)
def imported(source: bytes) -> frozenset[str]:
    """The top-level modules a file imports (remembered per source: the teaching modules that most
    snippets import are parsed once per build, not once per snippet)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return frozenset(names)


def local_imports(source: bytes) -> list[Path]:
    """Teaching modules in snippets/lib/ that a snippet imports, directly or through another module."""
    found: set[Path] = set()
    todo = [source]
    while todo:
        for name in imported(todo.pop()):
            path = LIB / f"{name}.py"
            if path.exists() and path not in found:
                found.add(path)
                todo.append(path.read_bytes())
    return sorted(found)


@functools.cache
def versions() -> str:
    """The interpreter's and libraries' versions (looked up once: each lookup scans site-packages)."""
    return f"{sys.version_info[:2]} numpy {version('numpy')} matplotlib {version('matplotlib')}"


def cache_key(path: Path) -> str:
    """Everything that can change what a snippet prints or draws."""
    source = path.read_bytes()
    digest = hashlib.sha256()
    parts = [path.name.encode(), source, *(p.read_bytes() for p in local_imports(source))]  # name: SVG salt
    parts += [STYLE.read_bytes(), *(Path(__file__).with_name(name).read_bytes() for name in SOURCES)]
    parts += [versions().encode()]
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _failure(name: str, path: Path, stderr: str, what: str) -> SnippetError:
    """An error naming the snippet, its failing line and the end of the traceback."""
    lines = re.findall(rf'File "{re.escape(str(path))}", line (\d+)', stderr)
    where = ""
    if lines:
        number = int(lines[-1])
        code = path.read_text().splitlines()[number - 1].strip()
        where = f" at line {number}: {code}"
    lines = stderr.strip().splitlines()
    first = next((i for i, line in enumerate(lines) if f'File "{path}"' in line), 0)
    frames = [line for line in lines[first:] if "<frozen runpy>" not in line and __file__ not in line]
    tail = "\n".join(frames[-12:])
    return SnippetError(f"snippets/{name} {what}{where}\n{tail}")


def run_one(name: str, timeout: float = TIMEOUT, workers: Workers | None = None) -> Result:
    """Run one snippet, or fetch it from the cache; raise SnippetError if it fails or hangs."""
    path = SNIPPETS / name
    if not path.is_file():
        raise SnippetError(f"snippets/{name} does not exist")
    entry = CACHE / cache_key(path)
    start = time.perf_counter()
    if entry.is_dir():
        return _result(name, entry, time.perf_counter() - start, cached=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=CACHE))  # the pid tells debris from work
    out = work / "out"
    out.mkdir()
    (work / "cwd").mkdir()
    try:
        with contextlib.ExitStack() as stack:
            pool = workers or stack.enter_context(Workers())
            with pool.borrow() as zygote:
                returncode, killed = zygote.run(path, work, timeout)
        stderr = (work / "stderr").read_text(errors="replace")
        if killed or ("Timeout (" in stderr and returncode != 0):
            raise _failure(name, path, stderr, f"timed out after {timeout:g} s (SNIPPET_TIMEOUT)")
        if returncode != 0:
            raise _failure(name, path, stderr, f"failed (exit code {returncode})")
        (out / "stdout.txt").write_text((work / "stdout").read_text())
        try:
            out.rename(entry)  # atomic: the entry appears whole or not at all
        except OSError:
            if not entry.is_dir():  # a concurrent build may have written the same content first
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _result(name, entry, time.perf_counter() - start, cached=False)


class Zygote:
    """A Python process that imports NumPy and Matplotlib once, then forks a fresh child for each snippet:
    starting a new interpreter per snippet spent about 0.6 s of CPU on those imports alone. The child gets
    what a new process would: its own session, working directory, HOME, stdout and stderr files."""

    def __init__(self) -> None:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LC_ALL": "C.UTF-8",
            "PYTHONHASHSEED": "0",
            "PYTHONPATH": str(LIB),
            "PYTHONDONTWRITEBYTECODE": "1",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(CACHE.parent / "matplotlib"),
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
        }
        self.log = tempfile.TemporaryFile()  # the zygote's own stderr, shown only if it dies
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--zygote"], cwd=CACHE, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.log, text=True, start_new_session=True,
        )

    def run(self, snippet: Path, work: Path, timeout: float) -> tuple[int, bool]:
        """Run a snippet in a forked child; its exit code, and whether it was killed at the time limit."""
        assert self.proc.stdin and self.proc.stdout
        try:
            self.proc.stdin.write(json.dumps([str(snippet), str(work), timeout]) + "\n")
            self.proc.stdin.flush()
            reply = self.proc.stdout.readline()
        except BrokenPipeError:
            reply = ""
        if not reply:
            self.log.seek(0)
            raise SnippetError(f"snippets/{snippet.relative_to(SNIPPETS).as_posix()}: the runner's worker "
                               f"process died\n{self.log.read().decode(errors='replace')[-2000:]}")
        returncode, killed = json.loads(reply)
        return returncode, killed

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()  # end of input: the zygote exits
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.log.close()


class Workers:
    """Zygotes started when a snippet first needs one (a warm build starts none), one per thread that
    runs a snippet at the same time, reused, and stopped on leaving the `with` block."""

    def __init__(self) -> None:
        self.idle: list[Zygote] = []
        self.started: list[Zygote] = []
        self.lock = threading.Lock()

    @contextlib.contextmanager
    def borrow(self) -> Iterator[Zygote]:
        with self.lock:
            zygote = self.idle.pop() if self.idle else None
        if zygote is None or zygote.proc.poll() is not None:
            zygote = Zygote()
            with self.lock:
                self.started.append(zygote)
        try:
            yield zygote
        finally:
            with self.lock:
                self.idle.append(zygote)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_exc: object) -> None:
        for zygote in self.started:
            zygote.close()


def _result(name: str, entry: Path, seconds: float, cached: bool) -> Result:
    figures = len(list(entry.glob("*-light.svg")))
    stdout = (entry / "stdout.txt").read_text()
    return Result(name, stdout, figures, entry, seconds, cached)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep() -> list[Path]:
    """Remove the working directories that a killed run left in the cache (their process is gone)."""
    debris = [
        work for work in CACHE.glob("run-*")
        if not ((m := re.match(r"run-(\d+)-", work.name)) and alive(int(m[1])))
    ]
    for work in debris:
        shutil.rmtree(work, ignore_errors=True)
    return debris


def summary(results: Iterable[Result]) -> str:
    """One line: how many snippets came from the cache, which ran and how long they took."""
    done = list(results)
    ran = sorted((r for r in done if not r.cached), key=lambda r: -r.seconds)
    line = f"{len(done)} in all, {len(done) - len(ran)} cached, {len(ran)} ran"
    if ran:
        line += f" ({', '.join(f'{r.name} {r.seconds:.1f} s' for r in ran[:5])}{', ...' if len(ran) > 5 else ''})"
    return line


def run_all(
    names: Iterable[str] | None = None,
    report: Callable[[str], None] = print,
    timeout: float = TIMEOUT,
) -> dict[str, Result]:
    """Run snippets on every core; report each one that runs (not the cached ones); raise after all
    have finished if any failed, naming every one."""
    todo = list(discover() if names is None else names)
    if CACHE.is_dir():
        sweep()
    results: dict[str, Result] = {}
    errors: list[SnippetError] = []
    finished = itertools.count(1)  # next() on a count is atomic: progress numbers never repeat

    def task(name: str) -> None:
        try:
            result = run_one(name, timeout, workers)
        except SnippetError as error:
            errors.append(error)
            report(f"[{next(finished)}/{len(todo)}] {name} FAILED")
            return
        results[name] = result
        number = next(finished)
        if not result.cached:
            report(f"[{number}/{len(todo)}] {name} {result.seconds:.1f} s")

    with Workers() as workers, ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(task, todo))
    if errors:
        raise SnippetError("\n\n".join(str(e) for e in errors))
    return {name: results[name] for name in todo}


def _run_seeded(snippet: Path) -> None:
    """Run the snippet as __main__; fail if it drew from a global random state (np.random.normal,
    `from numpy import random`, the random module...), however it reached it: the contract is
    rng = np.random.default_rng(SEED), so that the output is the same on every run."""
    import random
    import runpy

    import numpy as np

    def state() -> tuple[object, ...]:
        legacy = np.random.get_state()
        return random.getstate(), legacy[1].tobytes(), legacy[2:]

    before = state()
    runpy.run_path(str(snippet), run_name="__main__")
    if state() != before:
        sys.exit(f"snippets/{snippet.relative_to(SNIPPETS).as_posix()} drew from a global random state "
                 "(np.random.<function> or the random module): use rng = np.random.default_rng(SEED)")


def _zygote() -> None:
    """The worker's loop: import the libraries once, then for each request (snippet, work directory,
    time limit) on stdin fork a child to run it and answer with its exit code and whether it was killed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401  (imported here once, inherited by every child)

    channel = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_RDWR), 1)  # nothing but replies reaches the channel
    for line in sys.stdin:
        snippet, work, timeout = json.loads(line)
        pid = os.fork()
        if pid == 0:
            os._exit(_forked(Path(snippet), Path(work), timeout))
        killed = False

        def expire(*_args: object) -> None:
            nonlocal killed
            killed = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)

        signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, timeout + 5)  # if faulthandler's own limit fails
        _, status = os.waitpid(pid, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        channel.write(json.dumps([os.waitstatus_to_exitcode(status), killed]) + "\n")
        channel.flush()


def _forked(snippet: Path, work: Path, timeout: float) -> int:
    """In the forked child: become a process of its own (session, directory, HOME, stdin, stdout and
    stderr), run the snippet, and return the exit code that a new interpreter would have returned."""
    os.setsid()
    os.chdir(work / "cwd")
    os.environ["HOME"] = str(work / "cwd")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        os.dup2(os.open(work / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), fd)
    try:
        _child(snippet, work / "out", timeout)
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 1
        if not isinstance(exit.code, int) and exit.code is not None:
            print(exit.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001  (report it as the interpreter would, then exit 1)
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def _child(snippet: Path, out: Path, timeout: float) -> None:
    """Run the snippet as __main__ and save every figure it leaves open."""
    faulthandler.dump_traceback_later(timeout, exit=True)  # a hang prints where it is stuck
    sys.argv = [str(snippet)]
    source = snippet.read_bytes()
    if not any("matplotlib" in imported(p.read_bytes()) for p in [snippet, *local_imports(source)]):
        _run_seeded(snippet)  # draws nothing: skip matplotlib's import time
        (out / "figures.json").write_text("[]")
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.style.use(STYLE)
    from plotstyle import plain_log_ticks, smallest_glyph_pt  # scripts/plotstyle.py: what a style file cannot set

    plain_log_ticks()
    saved = 0
    sizes: list[dict[str, float]] = []

    def harvest(*_args: object, **_kwargs: object) -> None:
        nonlocal saved
        for number in plt.get_fignums():
            saved += 1
            figure = plt.figure(number)
            plt.rcParams["svg.hashsalt"] = f"{snippet.name}-{saved}"
            raw = out / f"{saved}.svg"
            figure.savefig(raw, format="svg", metadata={"Date": None, "Creator": None})
            from svg import compact  # scripts/svg.py: the same drawing in fewer bytes

            svg = compact(raw.read_text())
            texts = [t for t in figure.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]
            width, height = (float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
            smallest = min(map(smallest_glyph_pt, texts), default=0.0)
            sizes.append({"width_pt": width, "height_pt": height, "min_text_pt": smallest})
            for theme, colours in THEMES.items():
                text = svg
                for placeholder, colour in colours.items():
                    text = text.replace(placeholder, colour)
                (out / f"{saved}-{theme}.svg").write_text(text)
            raw.unlink()
            plt.close(figure)

    plt.show = harvest
    _run_seeded(snippet)
    harvest()
    (out / "figures.json").write_text(json.dumps(sizes))


def main() -> None:
    if sys.argv[1:2] == ["--zygote"]:
        _zygote()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snippets", nargs="*", help="paths relative to snippets/ (default: all)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per snippet")
    parser.add_argument("--show", action="store_true", help="print each snippet's output")
    parser.add_argument("--cache", action="store_true", help="report the cache's size, remove stale entries")
    args = parser.parse_args()
    if args.cache:
        print(prune())
        return
    names = [n.removeprefix("snippets/") for n in args.snippets] or None
    try:
        results = run_all(names, timeout=args.timeout)
    except SnippetError as error:
        sys.exit(f"error: {error}")
    for result in results.values():
        if args.show:
            print(f"--- {result.name} ({result.figures} figures)\n{result.stdout}", end="")
    print(summary(results.values()))


def prune() -> str:
    """Remove cache entries that no current snippet uses, and a killed run's debris; say what is left."""
    def size(path: Path) -> int:
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())

    current = {cache_key(SNIPPETS / name) for name in discover()}
    stale = [e for e in CACHE.glob("*") if e.is_dir() and not e.name.startswith("run-") and e.name not in current]
    freed = sum(size(e) for e in stale) + sum(size(d) for d in sweep())
    for entry in stale:
        shutil.rmtree(entry, ignore_errors=True)
    kept = [e for e in CACHE.glob("*") if e.is_dir()]
    return (f"{CACHE}: {len(kept)} entries, {sum(map(size, kept)) / 1e6:.1f} MB; "
            f"removed {len(stale)} stale entries ({freed / 1e6:.1f} MB)")


if __name__ == "__main__":
    venv = ROOT / ".venv"
    if (venv / "bin" / "python").exists() and Path(sys.prefix).resolve() != venv.resolve():
        os.execv(venv / "bin" / "python", [str(venv / "bin" / "python"), __file__, *sys.argv[1:]])  # its numpy
    main()
