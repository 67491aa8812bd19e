"""fixes/chooser.md: the table's structure (every row of the decision table of symptoms/is-it-exploding.md
is a row here; three linked fixes per row; every link resolves to a file and a heading anchor, computed
by Python-Markdown's own toc extension, whose slugify the build uses), its size (one printed page), and
the verdict behind every first choice (and the later choices and the recurrent line that have a run): the
snippet shown in the linked section is read and the fact the choice relies on is asserted (the NaN goes
away, the loss falls below the mean predictor's, a bound holds), each by an invariant, a closed form or
PyTorch's autograd, never by a copied value."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from pathlib import Path

import markdown
import pytest
from support import DOCS, number, output, page, quoted, torch_output, value

PAGE = "fixes/chooser.md"
DIAGNOSIS = "symptoms/is-it-exploding.md"
HEADER = ["What you see", "Try first", "Second", "Third"]
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
# Each row of the decision table, word for word, and the shortened form that is its row here, in order. A row
# added to or reworded in the decision table fails the structure test until this map (and the page) follow.
SHORTENED = {
    "NaN at step 0, or at the same step whatever the learning rate": "NaN at the same step at any learning rate",
    "NaN at step 0; every value of one input feature is NaN": "NaN at step 0; one input feature all NaN",
    "Loss becomes inf, then the gradients NaN; classification; often once the model grows confident":
        "Classifier: loss inf, then gradients NaN",
    "Gradient norm ordinary, then NaN at one step with no growth before it": "Ordinary gradient norm, then NaN at one step",
    "Gradient norm starts ordinary and grows by a constant factor per step (a straight line on a log scale); a tenth "
    "of the learning rate trains fine": "Norm grows each step; a tenth of the rate trains",
    "Gradient norm large from step 0 and growing; one input feature is in the thousands":
        "Large norm from step 0; a feature in the thousands",
    "Loss and gradient norm enormous at step 0 at every learning rate; activations grow layer by layer; NaN within a "
    "few steps": "Huge loss at any rate; activations grow by layer",
    "Forward pass and loss finite, gradients NaN": "Loss finite, gradients NaN",
}


# --------------------------------------------------------------------------- reading the pages
def table_rows(path: str, after: str | None = None) -> list[list[str]]:
    """The body rows of the first Markdown table in docs/<path> (after the heading `after`, if given),
    each as its list of cells, stripped."""
    text = (DOCS / path).read_text()
    if after is not None:
        text = text.split(after, 1)[1]
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    assert set("".join(table[1])) <= set("|-: "), f"docs/{path}: the second table line is not a separator"
    return [table[0]] + table[2:]


def rows() -> list[list[str]]:
    return table_rows(PAGE)[1:]


@functools.cache
def anchors(path: Path) -> tuple[str, ...]:
    """The heading ids of a page, as the build's toc extension makes them (code blocks are no headings)."""
    md = markdown.Markdown(extensions=["toc", "fenced_code", "attr_list", "tables", "md_in_html"])
    md.convert(path.read_text())
    found: list[str] = []

    def walk(tokens: list[dict]) -> None:
        for token in tokens:
            found.append(token["id"])
            walk(token["children"])

    walk(md.toc_tokens)
    return tuple(found)


def section(target: str) -> str:
    """The Markdown of the section a link `file.md#anchor` (relative to docs/fixes/) points at, up to the
    next heading of the same or a higher level."""
    path, anchor = target.split("#")
    file = (DOCS / "fixes" / path).resolve()
    text = file.read_text()
    headings = [(m.start(), len(m[1])) for m in re.finditer(r"^(#+) .*$", text, re.MULTILINE)
                if not _in_fence(text, m.start())]
    ids = anchors(file)
    assert len(ids) == len(headings), f"{file}: heading count differs from the toc"
    index = ids.index(anchor)
    start, level = headings[index]
    end = next((pos for pos, lev in headings[index + 1:] if lev <= level), len(text))
    return text[start:end]


def _in_fence(text: str, position: int) -> bool:
    return sum(1 for line in text[:position].splitlines() if re.match(r"^\s*(```|~~~)", line)) % 2 == 1


def line(out: str, prefix: str) -> str:
    """The one printed line that starts with `prefix`, without the prefix."""
    found = [ln[len(prefix):] for ln in out.splitlines() if ln.startswith(prefix)]
    assert len(found) == 1, f"expected one line starting {prefix!r}, found {len(found)}"
    return found[0]


def numbers_in(text: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"-?(?:\d[\d,]*\.?\d*(?:e[-+]?\d+)?|inf|nan)", text)]


# --------------------------------------------------------------------------- structure
def test_the_table_has_the_decision_tables_rows_and_three_linked_fixes_per_row() -> None:
    header, *body = table_rows(PAGE)
    assert header == HEADER
    decision = table_rows(DIAGNOSIS, after="## The decision table")
    assert decision[0][0] == "What you see"
    assert [row[0] for row in decision[1:]] == list(SHORTENED)  # every symptom row, in its order
    assert [row[0] for row in body] == list(SHORTENED.values())
    quoted(PAGE, "The rows are the [decision table](../symptoms/is-it-exploding.md#the-decision-table), shortened.")
    for row in body:
        assert len(row) == 4, row
        for cell in row[1:]:
            links = LINK.findall(cell)
            assert len(links) == 1 and cell == f"[{links[0][0]}]({links[0][1]})", f"one linked fix per cell: {cell!r}"
            assert "#" in links[0][1], f"a fix links to a section, not a whole page: {cell!r}"
        assert len(set(row[1:])) == 3, f"three different fixes: {row[0]!r}"


def test_every_link_resolves_to_a_file_and_a_heading_anchor() -> None:
    text = (DOCS / PAGE).read_text()
    targets = [target for _, target in LINK.findall(text)]
    assert len(targets) >= 3 * len(SHORTENED) + 4
    for target in targets:
        assert not re.match(r"\w+:", target), f"links stay on the site: {target}"
        path, _, anchor = target.partition("#")
        file = (DOCS / "fixes" / path).resolve()
        assert file.is_file(), f"{target}: no such page"
        assert anchor in anchors(file), f"{target}: no heading with id {anchor!r} in {file.relative_to(DOCS)}"


def test_the_anchor_computation_matches_the_toc_slugify() -> None:
    """The ids come from Python-Markdown's toc; check them against its slugify on known headings, inline
    code and a repeated heading included."""
    from markdown.extensions.toc import slugify

    assert slugify("Instrument 4: detect_anomaly names the backward operation", "-") == \
        "instrument-4-detect_anomaly-names-the-backward-operation"
    ids = anchors(DOCS / "fixes" / "transformers.md")
    assert ids.count("the-experiment") == 1 and "the-experiment_1" in ids  # a repeated heading gets _1, _2
    assert "instrument-4-detect_anomaly-names-the-backward-operation" in anchors(DOCS / "symptoms" / "instruments.md")


def test_one_table_that_prints_on_one_page() -> None:
    """Measured once by printing the built page with Chromium (Material's print style): this page is one
    page on A4 and on Letter with 8 rows and a 4-line paragraph at 1,303 visible characters; a ninth row
    pushed it onto a second Letter page. The test holds the page to that size."""
    text = (DOCS / PAGE).read_text()
    assert "{{ snippet" not in text and "snippet:" not in text
    assert len(re.findall(r"(?m)^\|---", text)) == 1  # one table
    visible = re.sub(r"[*`|#]|-{3,}", "", LINK.sub(lambda m: m[1], text))
    assert len(" ".join(visible.split())) <= 1350 and len(rows()) == len(SHORTENED)


# --------------------------------------------------------------------------- the first choices' verdicts
def mean_loss_patient1() -> float:
    """The loss of always predicting the mean target on patient 1's task: the targets' variance."""
    return number(output("fixes/initialisation_patient.py"), "variance of the targets")


def verdict_nan_in_the_data() -> None:
    """The NaN comes from one row, the one `np.isfinite` rejects: it lands at that row's batch at both
    learning rates, so removing the row is the fix and the optimiser is not."""
    out = output("symptoms/diagnosis_nan_data.py")
    steps = {int(number(out, "first non-finite loss at step, lr 0.1")), int(number(out, "first non-finite loss at step, lr 0.01"))}
    bad_rows = [int(x) for x in value(out, "rows with a non-finite value").split(",")]
    quoted(DIAGNOSIS, "With batches of 32 rows taken in order")
    assert len(bad_rows) == 1 and steps == {bad_rows[0] // 32}
    for label in ["gradient norms before it, lr 0.1", "gradient norms before it, lr 0.01"]:
        norms = numbers_in(value(out, label))
        assert all(math.isfinite(g) and g < 10 for g in norms)  # ordinary: nothing warns before the NaN


def verdict_division_by_zero() -> None:
    out = output("symptoms/diagnosis_zero_std.py")
    assert value(out, "loss at step 0") == "nan" and math.isnan(0.0 * math.nan)  # NaN x 0 weight is NaN
    assert (3.0 - 3.0) / (0.0 + 1e-8) == 0.0  # a constant column over std + eps is zeros
    assert number(out, "with std + 1e-08: NaN in the inputs") == 0
    assert math.isfinite(number(out, "with std + 1e-08: loss at step 0"))


def verdict_log_of_zero() -> None:
    """Logits (0, 120), label 0: log p = -logsumexp = -(120 + log1p(e^-120)); the gradient p - onehot."""
    out = output("symptoms/diagnosis_log_zero.py")
    assert value(out, "loss as -log(softmax)") == "inf" and value(out, "its gradient") == "nan, nan"
    loss = 120 + math.log1p(math.exp(-120))
    p1 = 1 / (1 + math.exp(-120))
    assert value(out, "loss as logsumexp - logit") == f"{loss:.1f}"
    assert value(out, "its gradient, p - onehot") == f"{(1 - p1) - 1:.1f}, {p1:.1f}"


def verdict_skip_the_non_finite_step() -> None:
    """Clipping cannot save a step whose norm is not finite: every gradient it returns is 0 or NaN, so the
    norm it returns is the signal to skip on, and the entries themselves need not be inf (the float32 sum
    of squares of 100 entries of 1e20 overflows)."""
    out = output("fixes/clipping_nonfinite.py")
    f32_max = 3.4028234663852886e38  # (2 - 2^-23) * 2^127
    assert 100 * (1e20) ** 2 > f32_max > 1e20
    for label in ["one inf", "one NaN", "100 entries of 1e20"]:
        norm_text, clipped = value(out, label).split(", after norm clipping: ")
        assert not math.isfinite(float(norm_text.removeprefix("norm = ")))
        entries = numbers_in(clipped.replace("[", " ").replace("]", " "))
        assert entries and all(math.isnan(x) or x == 0 for x in entries)


def verdict_lower_the_rate() -> None:
    """Below an edge every constant rate trains, above it every one diverges; a tenth of the first rate
    that diverges trains."""
    out = output("fixes/learning_rate_sweep.py")
    mean = number(out, "loss of predicting the mean")
    runs = {float(m[1]): float(m[2]) for m in re.finditer(r"^lr = ([\d.]+), constant: final loss = (\S+)$", out, re.M)}
    rates = sorted(runs)
    trains = [r for r in rates if math.isfinite(runs[r]) and runs[r] < mean]
    diverge = [r for r in rates if math.isnan(runs[r])]
    assert trains and diverge and max(trains) < min(diverge) and set(trains) | set(diverge) == set(rates)
    assert any(r <= min(diverge) / 10 for r in trains)
    edge = output("fixes/learning_rate_edge.py")
    low, high = number(edge, "largest constant rate that trains"), number(edge, "smallest constant rate that diverges")
    assert max(trains) <= low < high <= min(diverge) and high / low - 1 < 0.005


def verdict_standardise_the_inputs() -> None:
    """Standardising brings the curvature limit 2/lambda above the rate in use; raw inputs put it far below."""
    out = output("symptoms/diagnosis_input_scale.py")
    rate = 0.1
    quoted(DIAGNOSIS, "the ordinary 0.1")
    for prefix in ["raw", "standardised"]:
        curvature = number(out, f"{prefix}: largest curvature")
        assert number(out, f"{prefix}: largest stable lr, 2 / curvature") == pytest.approx(2 / curvature, rel=0.01)
    assert number(out, "raw: largest stable lr, 2 / curvature") < rate < number(out, "standardised: largest stable lr, 2 / curvature")
    assert number(out, "raw: loss after 10 steps at lr 0.1") > 1e50
    assert number(out, "standardised: loss after 10 steps at lr 0.1") < 1


def verdict_initialisation() -> None:
    """He and orthogonal: no NaN, a first-to-last-layer gradient ratio of order 1, and a final loss below
    the mean predictor's; the patient: NaN and a ratio far from 1."""
    out = output("fixes/initialisation_patient.py")
    mean = mean_loss_patient1()
    assert "NaN" in value(out, "patient (2/sqrt(fan_in)): full-data loss after 3 steps")
    assert number(out, "patient (2/sqrt(fan_in)): gradient at layer 1 / at layer 11, step 0") > 10
    for name in ["He", "orthogonal x sqrt(2)"]:
        assert 0.5 < number(out, f"{name}: gradient at layer 1 / at layer 11, step 0") < 2
        assert number(out, f"{name}: full-data loss after 300 steps") < mean


def verdict_infinite_derivative() -> None:
    """d sqrt(t)/dt = 1/(2 sqrt t) is inf at t = 0, and the chain rule meets 0 x inf; vector_norm (the
    PyTorch tab) and sqrt(s + eps) (torch autograd here) give a finite gradient at a = b."""
    out = output("symptoms/instruments_anomaly.py")
    assert number(out, "distance (forward)") == 0 and value(out, "SqrtBackward0 output") == "inf"
    torch = pytest.importorskip("torch")
    t = torch_output("symptoms/instruments_anomaly_torch.py")
    assert value(t, "gradient without anomaly mode") == "nan, nan"
    assert value(t, "gradient with torch.linalg.vector_norm") == "0.0, 0.0"
    a = torch.tensor([0.5, -1.5], dtype=torch.float64, requires_grad=True)
    torch.sqrt(((a - a.detach()) ** 2).sum() + 1e-12).backward()
    assert torch.isfinite(a.grad).all()


def verdict_clip_the_rnn() -> None:
    out = output("fixes/clipping_patients.py")
    mean = number(out, "patient 2 (RNN): loss of always predicting the mean target")
    assert line(out, "patient 2 (RNN), no clipping: first NaN at step ").split(",")[0].isdigit()
    assert line(out, "patient 2 (RNN), clipped at 1: first NaN at step ").startswith("none")
    assert number(out, "patient 2 (RNN), clipped at 1: loss on all the data after training") < mean


def verdict_zero_init_branches() -> None:
    """On patient 1 the unscaled residual net reaches NaN, the zero-initialised one trains below the mean
    predictor; at initialisation a zero branch makes every block the identity (RMS exactly 1) and a branch
    scaled by 1/sqrt(L) stays under (1 + 1/L)^(L/2) < sqrt(e), up to finite-width noise."""
    out = output("fixes/residual_patient.py")
    assert line(out, "residual: first NaN at step = ").split()[0].isdigit()
    zero = line(out, "residual, zero-init branch: no NaN; loss at step 299 = ")
    assert float(zero) < mean_loss_patient1()
    depth = output("fixes/residual_depth.py")
    for block in [10, 50, 100]:
        assert number(depth, f"residual, zero-init branch: RMS at block {block}") == 1
        assert number(depth, f"residual, branch x 1/sqrt(L): RMS at block {block}") < 1.1 * math.sqrt(math.e)


def verdict_clip_with_adam() -> None:
    """Adam's one step is at most (1 - beta1)/sqrt(1 - beta2) learning rates (beta 0.9, 0.999), yet the
    unclipped spike shrinks the later updates tenfold; clipped, they match the run without a spike."""
    out = output("fixes/clipping_adam.py")
    bound = (1 - 0.9) / math.sqrt(1 - 0.999)
    spike = numbers_in(line(out, "one spike of 1000: step at the spike = "))
    clipped = numbers_in(line(out, "spike, clipped at 3: step at the spike = "))
    assert abs(spike[0]) <= bound and abs(clipped[-1]) < abs(spike[-1]) / 5  # the drift over 50 steps
    calm = number(out, "no spike: median |update| over the 1000 steps after")
    assert number(out, "one spike of 1000: median |update| over the 1000 steps after") < calm / 10
    assert number(out, "spike, clipped at 3: median |update| over the 1000 steps after") == pytest.approx(calm, rel=0.1)


def verdict_layer_norm() -> None:
    out = output("fixes/normalisation_patient.py")
    mean = number(out, "loss of always predicting the mean target")
    assert line(out, "with layer norm: steps run = ").endswith("first NaN = none")
    assert float(line(out, "with layer norm: loss at step 0 = ").split("last 20 steps = ")[1]) < mean


def verdict_warm_up() -> None:
    """The sweep (same chapter): with a warm-up, the largest rate that trains is larger than without."""
    out = output("fixes/learning_rate_sweep.py")
    assert number(out, "warm-up: largest rate that trains") > 10 * number(out, "constant: largest rate that trains")


def verdict_threshold() -> None:
    """A threshold that clips more than half of the steps fails; one above the bulk of the norms trains."""
    out = output("fixes/clipping_threshold.py")
    mean = mean_loss_patient1()
    runs = re.findall(r"^threshold ([\d,]+): loss after training = (\S+), steps clipped = ([\d.]+)%", out, re.M)
    assert len(runs) >= 4
    for _, loss, clipped in runs:
        assert (float(loss) < mean) == (float(clipped) < 50)


def verdict_recurrent_fixes() -> None:
    """Orthogonal W at scale 1 and the gated cells: no NaN on patient 2 and a loss below the mean's."""
    orth = output("fixes/recurrent_orthogonal.py")
    assert line(orth, "orthogonal, 1.0: first NaN = ").startswith("none")
    mean = number(output("fixes/clipping_patients.py"), "patient 2 (RNN): loss of always predicting the mean target")
    assert number(orth, "orthogonal, 1.0: loss on all 256 sequences after 100 steps") < mean
    cells = output("fixes/recurrent_cells.py")
    assert value(cells, "LSTM: first NaN") == "none" and value(cells, "GRU: first NaN") == "none"
    assert line(cells, "tanh RNN: first NaN = step ").isdigit()


FIRST_CHOICES: dict[str, tuple[str, Callable[[], None]]] = {
    # a row's first link: (the snippet its section shows, the verdict the choice relies on)
    "../symptoms/is-it-exploding.md#a-nan-in-the-data": ("symptoms/diagnosis_nan_data.py", verdict_nan_in_the_data),
    "../symptoms/is-it-exploding.md#a-division-by-zero": ("symptoms/diagnosis_zero_std.py", verdict_division_by_zero),
    "../symptoms/is-it-exploding.md#a-logarithm-of-exactly-0": ("symptoms/diagnosis_log_zero.py", verdict_log_of_zero),
    "clipping.md#inf-and-nan-what-clipping-does-to-them": ("fixes/clipping_nonfinite.py", verdict_skip_the_non_finite_step),
    "learning-rate.md#the-experiment-a-learning-rate-sweep-to-divergence": ("fixes/learning_rate_sweep.py", verdict_lower_the_rate),
    "../symptoms/is-it-exploding.md#inputs-in-the-thousands": ("symptoms/diagnosis_input_scale.py", verdict_standardise_the_inputs),
    "initialisation.md#patient-1-re-initialised-five-ways": ("fixes/initialisation_patient.py", verdict_initialisation),
    "../symptoms/instruments.md#instrument-4-detect_anomaly-names-the-backward-operation": ("symptoms/instruments_anomaly.py", verdict_infinite_derivative),
}
LATER_CHOICES: dict[str, Callable[[], None]] = {  # second and third choices with a run behind them
    "normalisation.md#patient-1-before-and-after": verdict_layer_norm,
    "residual.md#on-patient-1": verdict_zero_init_branches,
    "learning-rate.md#why-the-sharpness-at-the-start": verdict_warm_up,
    "clipping.md#choosing-the-threshold": verdict_threshold,
    "clipping.md#clipping-with-adam": verdict_clip_with_adam,
}


def test_every_first_choice_has_a_verdict_from_the_run_its_link_opens() -> None:
    firsts = {LINK.findall(row[1])[0][1] for row in rows()}
    assert firsts == set(FIRST_CHOICES), f"first choices without a checked verdict: {firsts - set(FIRST_CHOICES)}"
    for target, (snippet, _) in FIRST_CHOICES.items():
        assert f"{{{{ snippet {snippet} }}}}" in section(target), f"{target} does not show {snippet}"


@pytest.mark.parametrize("target", list(FIRST_CHOICES))
def test_first_choice_verdict(target: str) -> None:
    FIRST_CHOICES[target][1]()


@pytest.mark.parametrize("target", list(LATER_CHOICES))
def test_later_choice_verdict(target: str) -> None:
    assert any(target in cell for row in rows() for cell in row[2:])
    LATER_CHOICES[target]()


def test_the_recurrent_line_clip_then_orthogonal_then_gated() -> None:
    text = page(PAGE)
    order = ["clipping.md#on-the-patients-clipping-at-1-before-and-after", "recurrent.md#orthogonal-recurrent-initialisation",
             "recurrent.md#on-patient-2-three-cells-before-and-after"]
    positions = [text.index(target) for target in order]
    assert positions == sorted(positions) and "Recurrent net:" in text
    verdict_clip_the_rnn()
    verdict_recurrent_fixes()


# --------------------------------------------------------------------------- the lines on how to use it
def test_removing_the_nan_is_not_a_cure() -> None:
    """'A fix counts only if the NaN goes away and the run learns': a too-small initialisation, clipping at 1
    and a far smaller learning rate all remove patient 1's NaN, and each of these runs ends at or above (within
    5 % of) the mean predictor's loss."""
    mean = mean_loss_patient1()
    init = output("fixes/initialisation_patient.py")
    for name in ["LeCun", "Xavier"]:
        assert math.isfinite(loss := number(init, f"{name}: full-data loss after 300 steps")) and loss > 0.95 * mean
    clip = output("fixes/clipping_patients.py")
    assert line(clip, "patient 1 (MLP), clipped at 1: first NaN at step ").startswith("none")
    assert number(clip, "patient 1 (MLP), clipped at 1: loss on all the data after training") > mean
    lr = output("fixes/learning_rate_patient_mlp.py")
    survivors = re.findall(r"^lr (\S+): loss after 300 steps = (\S+),", lr, re.M)
    assert survivors and all(float(rate) < 1e-3 / 10 and float(loss) > mean for rate, loss in survivors)
    quoted(PAGE, "counts only if the NaN goes away **and** the run learns")


def test_the_fixes_left_out_do_not_stop_a_fast_explosion() -> None:
    out = output("fixes/other_verdicts.py")
    for patient in [1, 2]:
        untreated = line(out, f"patient {patient}, no fix: NaN step = ").split(",")[0]
        assert untreated.isdigit()
        for fix in (["batch 8", "batch 128", "L2", "L1"] if patient == 1 else ["batch 8", "batch 128", "L2 on W", "L1 on W"]):
            assert line(out, f"patient {patient}, {fix}: NaN step = ").split(",")[0].isdigit()  # still NaN
    # ReLU is what patient 1 explodes with: swapping it for tanh at the same scale removes the NaN
    assert line(out, "patient 1, tanh: NaN step = ").startswith("none")
    quoted(PAGE, "A smaller batch, L1 or L2 penalties and ReLU stopped no fast explosion")
