"""Independence: a chapter test must not reach its numbers by the snippet's own path.

CONTRIBUTING.md ("What counts as an independent derivation") states the rule; this file checks the part
of it that a machine can see, statically (by reading the source, running nothing), in every
tests/chapters/test_*.py:

1. **No snippet code.** The test imports no module that is a snippet (any snippets/**/*.py outside
   snippets/lib/; the teaching modules gradlab and fixlab may be imported, as the subject under test), and
   does not run source by hand (exec, eval, compile, runpy, importlib). Snippet output comes only
   through support.output / torch_output / keras_output, which run the snippet as a separate process.
2. **Not the same routine with the same parameters.** For each snippet shown on a page the test names
   (and its framework variants), every call of a library routine whose arguments are all constants
   (literals, or module-level names bound to literals, with arithmetic) is a signature such as
   `numpy.polynomial.hermite_e.hermegauss(101)`. A signature found in both the snippet and the test fails.
   Library routines are those of numpy, scipy, torch, keras, mpmath and sympy; math and fractions are
   closed forms, and the teaching modules are the subject under test (a test may build the same patient
   with the same parameters, to check it by a second method). Elementwise functions, constructors, conversions and random-generator seeding are exempt (ROUTINE_EXEMPT):
   `math.log(2.34)` is a closed form, not a numerical method, and drawing the experiment's inputs from the
   same seed is allowed (the inputs are not the result).

What it cannot catch: the same routine called with arguments computed at run time (`np.linalg.eigvals(W)`
in both files), the same algorithm written out by hand twice (a copied loop), an expected value copied
from the snippet's output into the test as a literal, or a test that cannot fail. Those are for review;
the ledger (tests/test_ledger.py) makes sure every number at least has a test to review.
"""

from __future__ import annotations

import ast
import operator
import re
from pathlib import Path

import pytest
from support import DOCS, ROOT

SNIPPETS = ROOT / "snippets"
TEACHING = {path.stem for path in (SNIPPETS / "lib").glob("*.py")}
SNIPPET_MODULES = {path.stem for path in SNIPPETS.rglob("*.py") if path.parent.name != "lib"}
CHAPTER_TESTS = sorted((ROOT / "tests" / "chapters").glob("test_*.py"))
RUNS_SOURCE = {"exec", "eval", "compile", "runpy.run_path", "runpy.run_module", "importlib.import_module",
               "importlib.util.spec_from_file_location", "importlib.machinery.SourceFileLoader"}
# Last name of a routine that is elementwise, a constructor, a conversion, seeding or a setting: not a numerical method.
ROUTINE_EXEMPT = {
    "array", "asarray", "zeros", "ones", "full", "empty", "eye", "arange", "linspace", "logspace", "tensor",
    "float16", "float32", "float64", "bfloat16", "int32", "int64", "finfo", "iinfo", "dtype", "default_rng",
    "manual_seed", "seed", "Generator", "sqrt", "exp", "log", "log2", "log10", "log1p", "expm1", "abs", "tanh",
    "sinh", "cosh", "asinh", "sin", "cos", "floor", "ceil", "round", "isfinite", "isnan", "isinf", "nextafter",
    "spacing", "ldexp", "frexp", "power", "maximum", "minimum", "full_like", "zeros_like", "ones_like",
    "Fraction", "Decimal", "float", "int", "str", "range", "len", "print", "format", "set_printoptions",
    "errstate", "set_num_threads", "no_grad",  # settings: what to warn about, how many threads, no graph
}
LIBRARIES = {"numpy", "scipy", "torch", "keras", "mpmath", "sympy"}  # where numerical routines live
SNIPPET_DIRECTIVE = re.compile(r"\{\{ snippet (\S+) \}\}|\(snippet:([^#\s)]+)#\d+|^# snippet: (\S+)$", re.MULTILINE)
OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
             ast.Pow: operator.pow, ast.FloorDiv: operator.floordiv, ast.USub: operator.neg, ast.UAdd: operator.pos}

Signature = tuple[str, str]  # (dotted routine name, its constant arguments)


def constants(tree: ast.Module) -> dict[str, object]:
    """Module-level names bound to constant expressions (`NODES = 101`, `DEPTH, WIDTH = 20, 64`)."""
    table: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = zip(target.elts, node.value.elts) if isinstance(target, ast.Tuple) and isinstance(
                    node.value, ast.Tuple) else [(target, node.value)]
                for name, expression in pairs:
                    if isinstance(name, ast.Name):
                        try:
                            table[name.id] = evaluate(expression, table)
                        except ValueError:
                            pass
    return table


def evaluate(node: ast.AST, table: dict[str, object]) -> object:
    """The value of a constant expression, or ValueError."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in table:
        return table[node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(evaluate(element, table) for element in node.elts)
    if isinstance(node, ast.UnaryOp) and type(node.op) in OPERATORS:
        return OPERATORS[type(node.op)](evaluate(node.operand, table))
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        return OPERATORS[type(node.op)](evaluate(node.left, table), evaluate(node.right, table))
    raise ValueError(ast.dump(node))


def aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> module path, from the imports (`np` -> `numpy`, `hermegauss` -> its full name)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def dotted(node: ast.AST, names: dict[str, str]) -> str | None:
    """`np.polynomial.hermite_e.hermegauss` -> "numpy.polynomial.hermite_e.hermegauss" (None if the call is
    on a local object such as `rng.normal`, or a builtin)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        if node.id in names:
            return ".".join([names[node.id], *parts])
        if not parts and node.id in {"exec", "eval", "compile"}:
            return node.id
    return None


def signatures(source: str) -> set[Signature]:
    """Every library call in `source` whose arguments are all constants, as (routine, arguments)."""
    tree = ast.parse(source)
    table, names = constants(tree), aliases(tree)
    found: set[Signature] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not (node.args or node.keywords):
            continue
        routine = dotted(node.func, names)
        if routine is None or routine.split(".")[-1] in ROUTINE_EXEMPT or routine.split(".")[0] not in LIBRARIES:
            continue
        try:
            arguments = [repr(evaluate(a, table)) for a in node.args]
            arguments += sorted(f"{k.arg}={evaluate(k.value, table)!r}" for k in node.keywords)
        except ValueError:
            continue
        found.add((routine, ", ".join(arguments)))
    return found


def snippet_code(source: str) -> list[str]:
    """Problems of rule 1 in a test's source: snippet modules imported, source run by hand."""
    tree = ast.parse(source)
    problems = []
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        for module in modules:
            if any(part in SNIPPET_MODULES - TEACHING for part in module.split(".")):
                problems.append(f"line {node.lineno}: imports snippet module {module}")
        if isinstance(node, ast.Call) and dotted(node.func, aliases(tree)) in RUNS_SOURCE:
            problems.append(f"line {node.lineno}: runs source by hand ({ast.unparse(node.func)})")
    return problems


def pages_named(source: str) -> list[str]:
    """The pages (paths under docs/) whose path the test source names in quotes."""
    return [path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*") if path.suffix in {".md", ".py"}
            and re.search(rf"[\"']{re.escape(path.relative_to(DOCS).as_posix())}[\"']", source)]


def snippets_shown(page: str) -> set[Path]:
    """The snippet files a page shows, with their framework variants."""
    found: set[Path] = set()
    for match in SNIPPET_DIRECTIVE.finditer((DOCS / page).read_text()):
        name = next(group for group in match.groups() if group)
        snippet = SNIPPETS / name
        found |= {snippet, snippet.with_name(f"{snippet.stem}_torch.py"), snippet.with_name(f"{snippet.stem}_keras.py")}
    return {path for path in found if path.is_file() and path.parent.name != "lib"}


def shared_routines(test_source: str) -> list[str]:
    """Problems of rule 2: signatures the test shares with a snippet on its pages."""
    mine = signatures(test_source)
    problems = []
    for snippet in sorted({s for page in pages_named(test_source) for s in snippets_shown(page)}):
        for routine, arguments in sorted(mine & signatures(snippet.read_text())):
            problems.append(f"calls {routine}({arguments}) as snippets/{snippet.relative_to(SNIPPETS)} does")
    return problems


@pytest.mark.parametrize("test_file", CHAPTER_TESTS, ids=lambda path: path.name)
def test_chapter_test_is_independent_of_its_snippets(test_file: Path) -> None:
    source = test_file.read_text()
    problems = snippet_code(source) + shared_routines(source)
    assert not problems, f"tests/chapters/{test_file.name} is not independent of its snippets:\n  " + "\n  ".join(problems)


def test_the_check_catches_a_shared_quadrature_and_snippet_imports() -> None:
    snippet = "import numpy as np\nNODES = 101\nz, w = np.polynomial.hermite_e.hermegauss(NODES)\n"
    same = "from numpy.polynomial.hermite_e import hermegauss\nz, w = hermegauss(100 + 1)\n"
    other = "import numpy as np\nz, w = np.polynomial.hermite_e.hermegauss(301)\n"
    assert signatures(snippet) & signatures(same) == {("numpy.polynomial.hermite_e.hermegauss", "101")}
    assert not signatures(snippet) & signatures(other)
    assert not signatures("import math\nx = math.log(2.34)\nrng = __import__('numpy').random.default_rng(0)\n")
    assert snippet_code("import chain_product\nfrom gradlab import train\n") == [
        "line 1: imports snippet module chain_product"]
    assert snippet_code("import runpy\nrunpy.run_path('snippets/causes/x.py')\n") == [
        "line 2: runs source by hand (runpy.run_path)"]
