"""reference/faq.md: the few numbers the answers quote, each derived from its definition; the answers'
links are checked by the strict build and the site tests."""

import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from support import DOCS, number, output, page, value

PAGE = "reference/faq.md"


def test_float16_and_the_chain_that_overflows_it() -> None:
    largest = float(np.finfo(np.float16).max)
    assert largest == (2 - 2**-10) * 2**15 and "65,504" in page(PAGE)
    depth = math.floor(math.log(largest) / math.log(2.34)) + 1  # smallest L with 2.34^L > 65,504
    assert depth == 14 and "14 layers with a factor of 2.34" in page(PAGE)


def test_single_unit_gain_bounds() -> None:
    # max |w f'| for w = 0.7: relu' and tanh' peak at 1; the sigmoid's slope peaks at 1/4, at z = 0.
    assert Fraction("0.7") * Fraction(1, 4) == Fraction("0.175")
    assert r"\(0.7\) with ReLU or tanh" in page(PAGE) and r"\(0.175\) with the sigmoid" in page(PAGE)


def test_all_point_seven_matrix_spectral_radius() -> None:
    for n in range(1, 9):  # the all-0.7 matrix is 0.7 * ones, whose eigenvalues are n (once) and 0
        assert abs(max(abs(np.linalg.eigvals(np.full((n, n), 0.7)))) - 0.7 * n) < 1e-12
    assert r"spectral radius \(0.7 n\)" in page(PAGE)


def test_adam_epsilon_rounds_to_zero_because_it_is_below_half_the_smallest_float16() -> None:
    smallest = Fraction(1, 2**24)  # float16: 10 fraction bits, smallest exponent -14, so 2^(-14-10)
    half = smallest / 2  # 2^-25: round to nearest, ties to even, sends x to 0 exactly when x <= half
    assert np.float16(float(smallest)) > 0 and np.float16(float(half)) == 0  # the tie goes to the even 0
    between = float(half * Fraction(3, 2))  # 1.5 * 2^-25: below the smallest positive float16, yet not 0
    assert between < float(smallest) and np.float16(between) == np.float16(float(smallest))
    assert Fraction(1, 10**8) < half and np.float16(1e-8) == 0
    assert f"{float(smallest):.2e}" == "5.96e-08" and r"\(2^{-24} \approx 5.96 \times 10^{-8}\)" in page(PAGE)
    assert f"{float(half):.2e}" == "2.98e-08" and r"\(2^{-25} \approx 2.98 \times 10^{-8}\)" in page(PAGE)
    assert "values between \\(2^{-25}\\) and \\(2^{-24}\\) round up" in page(PAGE)
    # the old reason, "below the smallest positive float16, so it rounds to 0", is gone
    assert "is below the smallest positive float16" not in page(PAGE)


def test_clip_grad_norm_guard_is_one_millionth() -> None:
    """torch's clip coefficient is max_norm / (total + 1e-6): a gradient of norm 2 clipped to 1 has norm
    2 / (2 + 1e-6), measurable in float64."""
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor([2.0], dtype=torch.float64)
    torch.nn.utils.clip_grad_norm_([p], max_norm=1.0)
    assert float(p.grad[0]) == pytest.approx(2 / (2 + 10**-6), abs=1e-15)
    assert r"within its \(10^{-6}\) guard" in page(PAGE)


# --------------------------------------------------------------------------- the fix questions
# Each number below is derived here (closed form, exact arithmetic, PyTorch's own functions) or is an input
# of a chapter's run whose outcome is checked as an invariant; the chapters' own tests derive the rest.
def _line(out: str, prefix: str) -> str:
    found = [ln[len(prefix):] for ln in out.splitlines() if ln.startswith(prefix)]
    assert len(found) == 1, f"expected one line starting {prefix!r}, found {len(found)}"
    return found[0]


def _answer(question: str) -> str:
    """The answer under the heading `## question`, whitespace folded."""
    text = (DOCS / PAGE).read_text()
    body = text.split(f"## {question}\n", 1)[1]
    return " ".join(body.split("\n## ", 1)[0].split())


FIX_QUESTIONS = [
    "Should I clip by value or by norm, per variable or globally?",
    "Which clipping threshold should I use?",
    "I clip gradients and still get NaN. Why?",
    "Adam normalises its steps. Does clipping still matter?",
    "How do I set the LSTM forget-gate bias to 1 in PyTorch?",
    "Post-LN or Pre-LN, and do I need a warm-up?",
    "My long run spikes after thousands of healthy steps. What do I do?",
    "Does batch norm fix exploding gradients?",
    "Is PyTorch's default initialisation fine?",
]


def test_fix_answers_are_short_and_link_their_experiment() -> None:
    for question in FIX_QUESTIONS:
        answer = _answer(question)
        masked = re.sub(r"\\\(.*?\\\)|`[^`]*`|\([^()]*\.md[^()]*\)", "X", answer)  # math, code, link targets
        sentences = re.findall(r"[.?!](?=\s+[A-Z(\[]|\s*$)", masked)
        assert 2 <= len(sentences) <= 4, f"{question}: {len(sentences)} sentences"
        assert re.search(r"\]\(\.\./fixes/[\w-]+\.md#[\w-]+\)", answer), f"{question}: no link to a fixes section"


def test_every_link_resolves_to_a_page_and_a_heading() -> None:
    """Anchors as the build makes them: Python-Markdown's toc (its slugify), code blocks excluded."""
    import markdown  # noqa: PLC0415

    def anchors(path: Path) -> set[str]:
        md = markdown.Markdown(extensions=["toc", "fenced_code", "attr_list", "tables", "md_in_html"])
        md.convert(path.read_text())
        found: set[str] = set()
        stack = list(md.toc_tokens)
        while stack:
            token = stack.pop()
            found.add(token["id"])
            stack.extend(token["children"])
        return found

    for target in re.findall(r"\]\(([^)\s]+)\)", (DOCS / PAGE).read_text()):
        path, _, anchor = target.partition("#")
        file = (DOCS / "reference" / path).resolve()
        assert file.is_file(), f"{target}: no such page"
        assert not anchor or anchor in anchors(file), f"{target}: no heading {anchor!r}"
    spikes = DOCS / "fixes" / "spikes.md"  # the spikes question links the spikes chapter where it exists
    expected = "../fixes/spikes.md#" if spikes.is_file() else "../fixes/learning-rate.md#"
    assert expected in _answer("My long run spikes after thousands of healthy steps. What do I do?")


def test_value_and_per_tensor_clipping_turn_the_step() -> None:
    """g = ([100, 0], [0, 1]) at c = 1: PyTorch's own clip_grad_value_ and per-tensor clip_grad_norm_ give
    ([1, 0], [0, 1]); the cosine with g is 101 / (sqrt(10001) sqrt(2)); global clipping keeps cosine 1."""
    torch = pytest.importorskip("torch")
    original = torch.tensor([100.0, 0.0, 0.0, 1.0], dtype=torch.float64)

    def params() -> list:
        ps = [torch.zeros(2, dtype=torch.float64, requires_grad=True) for _ in range(2)]
        ps[0].grad, ps[1].grad = original[:2].clone(), original[2:].clone()
        return ps

    by_value, per_tensor, global_ = params(), params(), params()
    torch.nn.utils.clip_grad_value_(by_value, 1.0)
    for p in per_tensor:
        torch.nn.utils.clip_grad_norm_([p], 1.0)
    torch.nn.utils.clip_grad_norm_(global_, 1.0)
    cos = lambda ps: float(torch.cat([p.grad for p in ps]) @ original / (torch.cat([p.grad for p in ps]).norm() * original.norm()))  # noqa: E731
    assert torch.cat([p.grad for p in by_value]).tolist() == [1.0, 0.0, 0.0, 1.0]
    assert torch.allclose(torch.cat([p.grad for p in per_tensor]), torch.cat([p.grad for p in by_value]))
    expected = 101 / (math.sqrt(10001) * math.sqrt(2))
    assert cos(by_value) == pytest.approx(expected) and cos(global_) == pytest.approx(1.0)
    assert f"{expected:.3f}" == "0.714" and round(math.degrees(math.acos(expected))) == 44
    quoted_in_faq = _answer(FIX_QUESTIONS[0])
    for text in [r"\(([100, 0], [0, 1])\)", r"\(([1, 0], [0, 1])\)", "0.714", "44 degrees", r"\(c\sqrt{k}\)"]:
        assert text in quoted_in_faq


def test_thresholds_that_clip_every_step_fail_and_from_100_up_train() -> None:
    out = output("fixes/clipping_threshold.py")
    mean = number(output("fixes/clipping_patients.py"), "patient 1 (MLP): loss of always predicting the mean target")
    runs = [(float(t.replace(",", "")), float(loss), float(clipped)) for t, loss, clipped in
            re.findall(r"^threshold ([\d,]+): loss after training = (\S+), steps clipped = ([\d.]+)%", out, re.M)]
    assert len(runs) >= 4
    for threshold, loss, clipped in runs:
        assert (loss < mean) == (threshold >= 100)  # the grid's thresholds: trains exactly from 100 up
        if clipped == 100.0:
            assert loss > mean
    median, mean_norm = number(out, "logged norms: median"), float(value(out, "logged norms: median").split("mean = ")[1])
    assert mean_norm > 1000 * median  # "a few huge steps set it"
    assert "every threshold from 100 up trained" in _answer(FIX_QUESTIONS[1])


def test_nan_through_clipping_by_ieee_rules() -> None:
    """c / inf = 0 turns finite entries into 0 and inf * 0 into NaN; NaN times anything is NaN."""
    assert 1.0 / math.inf == 0.0 and math.isnan(math.inf * 0.0) and math.isnan(math.nan * 0.5)
    out = output("fixes/clipping_nonfinite.py")
    assert value(out, "one inf").startswith("norm = inf") and value(out, "one NaN").startswith("norm = nan")


def test_adam_bound_and_what_one_spike_does() -> None:
    bound = (1 - 0.9) / math.sqrt(1 - 0.999)  # Adam's defaults: beta1 = 0.9, beta2 = 0.999
    assert f"{bound:.2f}" == "3.16" and r"\approx 3.16\)" in _answer(FIX_QUESTIONS[3])
    out = output("fixes/clipping_adam.py")
    spike = re.findall(r"-?[\d.]+", _line(out, "one spike of 1000: step at the spike = "))
    calm = re.findall(r"-?[\d.]+", _line(out, "no spike: step at the spike = "))
    clipped = re.findall(r"-?[\d.]+", _line(out, "spike, clipped at 3: step at the spike = "))
    assert abs(float(spike[0])) <= bound
    assert abs(float(spike[-1])) > 10 * abs(float(calm[-1]))  # the drift over the next 50 steps: dozens of steps
    after = "median |update| over the 1000 steps after"
    assert number(out, f"one spike of 1000: {after}") < number(out, f"no spike: {after}") / 10
    assert number(out, f"spike, clipped at 3: {after}") == pytest.approx(number(out, f"no spike: {after}"), rel=0.1)
    assert abs(float(clipped[-1])) < abs(float(spike[-1])) / 5
    assert "a single gradient of 1000" in _answer(FIX_QUESTIONS[3])


def test_forget_gate_rows_in_pytorch_and_the_cell_path_factor() -> None:
    """With every weight 0, one LSTM step from c0 = 1 and x = 0 gives c1 = f * 1 + i * tanh(0) = sigmoid of
    the forget gate's total bias: rows H:2H of bias_ih plus the same rows of bias_hh."""
    sigmoid = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    assert f"{sigmoid(0) ** 50:.1e}" == "8.9e-16" and sigmoid(0) ** 50 == 2.0**-50
    assert f"{sigmoid(1) ** 50:.1e}" == "1.6e-07"
    assert r"\(8.9 \times 10^{-16}\) with the bias at 0, \(1.6 \times 10^{-7}\) at 1" in _answer(FIX_QUESTIONS[4])
    torch = pytest.importorskip("torch")
    hidden = 3
    lstm = torch.nn.LSTM(1, hidden, dtype=torch.float64)
    with torch.no_grad():
        for parameter in lstm.parameters():
            parameter.zero_()
        lstm.bias_ih_l0[hidden:2 * hidden] = 1.0  # the FAQ's recipe: 1 in one bias, 0 in the other
    c0 = torch.ones(1, 1, hidden, dtype=torch.float64)
    _, (_, c1) = lstm(torch.zeros(1, 1, 1, dtype=torch.float64), (torch.zeros_like(c0), c0))
    assert torch.allclose(c1, torch.full_like(c1, sigmoid(1)))
    with torch.no_grad():
        lstm.bias_ih_l0[hidden:2 * hidden] = 0.25
        lstm.bias_hh_l0[hidden:2 * hidden] = 0.75  # the two biases add
    _, (_, c1) = lstm(torch.zeros(1, 1, 1, dtype=torch.float64), (torch.zeros_like(c0), c0))
    assert torch.allclose(c1, torch.full_like(c1, sigmoid(1)))


def test_post_ln_needs_warm_up_and_its_gradients_do_not_grow() -> None:
    torch = pytest.importorskip("torch")
    import inspect  # noqa: PLC0415

    assert inspect.signature(torch.nn.TransformerEncoderLayer.__init__).parameters["norm_first"].default is False
    uniform = math.log(16)
    placement = output("fixes/transformer_placement.py")
    assert number(placement, "Pre-LN: mean loss over the last 20 steps") < uniform / 100
    assert number(placement, "Post-LN: mean loss over the last 20 steps") > 0.95 * uniform
    assert number(placement, "Post-LN, 50-step warm-up: mean loss over the last 20 steps") < uniform / 10
    depth = output("fixes/transformer_depth.py")
    for blocks in re.findall(r"^Post-LN, (\d+) blocks", depth, re.M):
        post = [float(x) for x in re.findall(r"= ([\d.]+)", _line(depth, f"Post-LN, {blocks} blocks: "))]
        pre = [float(x) for x in re.findall(r"= ([\d.]+)", _line(depth, f"Pre-LN, {blocks} blocks: "))]
        first, last, mean, _, largest = post
        assert last < first == largest and mean > pre[2]  # no growth with the layer index; larger than Pre-LN
    assert "six-block stack" in _answer(FIX_QUESTIONS[5]) and "Six blocks" in page("fixes/transformers.md")


def test_batch_norm_outputs_and_its_growth_rate() -> None:
    outside = math.erfc(1 / math.sqrt(2))  # P(|Z| > 1) for a standard normal
    rate = math.pi / (math.pi - 1)
    assert f"{100 * outside:.1f}" == "31.7" and f"{rate:.2f}" == "1.47"
    answer = _answer(FIX_QUESTIONS[7])
    assert "31.7 % lie outside" in answer and r"\approx 1.47\)" in answer
    patient = output("fixes/normalisation_patient.py")
    assert _line(patient, "with batch norm: steps run = ").endswith("first NaN = none")


def test_pytorch_default_linear_init() -> None:
    """nn.Linear's weights: U(-1/sqrt(n), 1/sqrt(n)), variance 1/(3n); in a ReLU layer the mean square is
    multiplied by n Var / 2 = 1/6, He's 2/n gives 1; after 50 layers the RMS is (1/6)^(50/2) = 6^-25."""
    torch = pytest.importorskip("torch")
    n = 512
    torch.manual_seed(0)
    weight = torch.nn.Linear(n, n).weight.detach().double()
    assert float(weight.abs().max()) <= 1 / math.sqrt(n)
    assert float(weight.var()) == pytest.approx(1 / (3 * n), rel=0.01)  # n^2 draws: sd of the estimate ~0.2 %
    factor = Fraction(n, 2) * Fraction(1, 3 * n)
    assert factor == Fraction(1, 6) and Fraction(2, n) / Fraction(1, 3 * n) == 6  # a sixth of He's
    assert f"{6.0 ** -25:.1e}" == "3.5e-20" and 50 // 2 == 25
    assert Fraction(n, 2) * Fraction(2, 2 * n) == Fraction(1, 2)  # Glorot uniform on square layers: Var = 1/n
    answer = _answer(FIX_QUESTIONS[8])
    assert r"\(6^{-25} \approx 3.5 \times 10^{-20}\)" in answer and "50 layers" in answer


def test_clipping_scaled_gradients_is_65536_times_too_strict() -> None:
    torch = pytest.importorskip("torch")
    assert torch.amp.GradScaler("cpu").get_scale() == 2.0**16 == 65536
    assert r"starting scale of \(2^{16}\) a threshold 65,536 times too strict" in page(PAGE)


def test_what_the_spikes_answer_claims() -> None:
    """Skipping the batch removes the spike at the cost of one batch; rolling back with the optimiser's state
    and skipping data removes it; weights alone replay it (and after a NaN nothing is finite again); a lower
    rate only shrinks it; a longer warm-up leaves it whole. Read from the spikes chapter's runs by invariant."""
    if not (DOCS / "fixes" / "spikes.md").is_file():
        pytest.skip("docs/fixes/spikes.md is not written: the answer links learning-rate.md instead")
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in output("fixes/spikes_recover.py").splitlines()
            if line.startswith("|") and not line.startswith("|---")][1:]
    verdict = {row[0]: (row[1], row[-1]) for row in rows}

    def find(*words: str) -> tuple[str, str]:
        matches = [v for k, v in verdict.items() if all(w in k for w in words)]
        assert len(matches) == 1, (words, list(verdict))
        return matches[0]

    skipped, says = find("skip the batch")
    assert skipped == "1" and says.startswith("no spike")
    assert find("roll back", "skip")[1].startswith("no spike")
    assert find("rate lowered")[1].startswith("smaller spike")
    assert find("warm-up")[1].startswith("full spike")
    moments = output("fixes/spikes_moments.py")
    assert _line(moments, "NaN record, roll back weights only: finite steps = ").startswith("0 of")
    peak = lambda label: float(re.search(r"peak held-out loss = (\S+),", _line(moments, label))[1])  # noqa: E731
    assert peak("huge target, roll back weights only: finite") > 100 * peak("huge target, roll back weights, m, v and t: finite")
