"""labs/diagnose-this-run.py: a run that ends in NaN, walked through the decision table of "Is it really
exploding gradients?" to its diagnosis (a feature in the thousands) and its fix.

The lab's code cells are short calls into gradlab (the subject under test) with settings written in the
lab; the tests below check that the lab still says those settings, run gradlab with them to get what the
notebook prints, and derive every number the lab quotes a second way: a twin of the network written in
PyTorch (autograd for the gradients, torch.optim.SGD for the steps, clip_grad_norm_ for clipping), started
from the same random draws and fed the same batches (the inputs of the experiment, not its results); the
statistics module for the data's spread; exact positive homogeneity for the layer profiles; and the
batches themselves for the step at which a missing value is first used.
"""

from __future__ import annotations

import functools
import math
import statistics

import gradlab
import numpy as np
import pytest
from support import DOCS, lab_says

PAGE = "labs/diagnose-this-run.py"
SIZES = [8] + [32] * 10 + [1]
EXAMPLES, BATCH, STEPS, NOISE = 256, 32, 300, 0.05
GRAMS = 1000.0  # column 0 arrives in grams
HE, SCALE_2 = 2**0.5, 2.0
RATE, TENTH, FAST, FAST_TENTH = 1e-3, 1e-4, 0.02, 0.002
GAP_ROW, GAP_COLUMN = 41, 3
STABLE = 0.02  # torch and NumPy round float32 differently: a run without spikes agrees to 2 %
SPIKY = 0.05  # a run through gradient norms of 1e3 and more may drift further


def says(*texts: str) -> None:
    lab_says(PAGE, *texts)


def shown(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}g}"


# --------------------------------------------------------------------------- the inputs, from the seed
@functools.cache
def inputs(kind: str = "raw") -> tuple[np.ndarray, np.ndarray]:
    """The task as gradlab draws it (x standard normal, a, y = sin(x . a) + noise), column 0 times 1000;
    "standardised" with means and deviations from the statistics module; "gap" with one value missing."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((EXAMPLES, 8))
    a = rng.standard_normal(8) / math.sqrt(8)
    y = (np.sin(x @ a) + NOISE * rng.standard_normal(EXAMPLES))[:, None]
    x[:, 0] *= GRAMS
    if kind != "raw":
        columns = [[float(v) for v in x[:, j]] for j in range(8)]
        x = (x - [statistics.fmean(c) for c in columns]) / [statistics.pstdev(c) for c in columns]
    if kind == "gap":
        x[GAP_ROW, GAP_COLUMN] = np.nan
    return x, y


@functools.cache
def twin(kind: str, scale: float, lr: float, batch_seed: int = 0, clip: float | None = None) -> dict:
    """The colleague's network in PyTorch, float32, SGD: per step the loss, the gradient's global norm
    (before clipping) and whether the activations, the loss and the gradients are finite; it stops at the
    first step whose loss is not finite, or, when the inputs hold a NaN, at the first non-finite value."""
    torch = pytest.importorskip("torch")
    x, y = inputs(kind)
    draws = np.random.default_rng(0)
    weights = [torch.tensor(draws.normal(0.0, scale / math.sqrt(i), (i, o)).astype(np.float32), requires_grad=True)
               for i, o in zip(SIZES[:-1], SIZES[1:])]
    biases = [torch.zeros(o, requires_grad=True) for o in SIZES[1:]]
    params = weights + biases
    start = [float(torch.linalg.vector_norm(w.detach().double())) for w in weights]
    X, Y = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)

    def net(h: object, layers: list | None = None) -> object:
        for i, (w, b) in enumerate(zip(weights, biases)):
            h = h @ w + b
            h = torch.relu(h) if i < len(weights) - 1 else h
            if layers is not None:
                layers.append(h)
        return h

    optimiser = torch.optim.SGD(params, lr=lr)
    batches, losses, norms, first, ratios = np.random.default_rng(batch_seed), [], [], None, []
    for step in range(STEPS):
        idx = torch.tensor(batches.choice(EXAMPLES, BATCH, replace=False))
        layers: list = []
        loss = ((net(X[idx], layers) - Y[idx]) ** 2).mean()
        optimiser.zero_grad()
        loss.backward()
        losses.append(loss.item())
        norms.append(math.sqrt(sum(float((p.grad.double() ** 2).sum()) for p in params)))
        if step == 0:
            ratios = [lr * float(torch.linalg.vector_norm(w.grad.double())) / n for w, n in zip(weights, start)]
        finite = {"activation": all(bool(torch.isfinite(h).all()) for h in layers),
                  "loss": math.isfinite(loss.item()),
                  "gradient": all(bool(torch.isfinite(p.grad).all()) for p in params)}
        broken = [name for name, ok in finite.items() if not ok]
        if broken:
            first = (step, broken[0], broken)
            break
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(params, clip)
        optimiser.step()
    with torch.no_grad():
        full = float(((net(X) - Y) ** 2).mean())
    return dict(losses=losses, norms=norms, first=first, full=full, ratios=ratios)


def variance() -> float:
    return statistics.pvariance(float(v) for v in inputs()[1][:, 0])


def lab_run(kind: str, scale: float = HE, lr: float = RATE, batch_seed: int = 0,
            clip: float | None = None) -> tuple[gradlab.History, float]:
    """What the lab's `run` computes (gradlab, the subject under test): the history and the final loss."""
    x, y = inputs(kind)
    model = gradlab.MLP(SIZES, "relu", scale, 0, np.float32)
    history = gradlab.train(model, gradlab.Task(x, y), gradlab.SGD(lr), steps=STEPS, seed=batch_seed,
                            batch=BATCH, clip_norm=clip)
    with np.errstate(all="ignore"):
        return history, float(np.mean((model.forward(x) - y) ** 2))


# --------------------------------------------------------------------------- the settings the lab states
def test_the_lab_runs_the_settings_its_prose_states() -> None:
    source = (DOCS / PAGE).read_text()
    for code in ["SIZES = [8] + [32] * 10 + [1]", "x[:, 0] *= 1000", "def run(data, lr=1e-3, batch_seed=SEED, clip=None, init_scale=2**0.5)",
                 "gradlab.MLP(SIZES, \"relu\", init_scale, SEED, np.float32)", "steps=300, seed=batch_seed, batch=32",
                 "run(data, lr=1e-4)", "for batch_seed in [1, 2]:", "(data.x - mean) / std", "(\"clipped at 1\", data, 1.0)",
                 "growth = (rms[10] / rms[1]) ** (1 / 9)", "run(standardised, lr=0.02)", f"gap.x[{GAP_ROW}, {GAP_COLUMN}] = np.nan"]:
        assert code in source, f"docs/{PAGE} no longer runs {code!r}; update this test with it"
    says("8 inputs, ten hidden ReLU layers of 32 units and one linear output", "float32, plain SGD at a learning",
         "rate of $10^{-3}$ on batches of 32, for 300 steps", "256 examples of 8 features and one target")


# --------------------------------------------------------------------------- the run and question 1
def test_the_run_breaks_at_step_1_in_the_loss() -> None:
    sick = twin("raw", HE, RATE)
    assert sick["first"] == (1, "loss", ["loss", "gradient"])  # activations finite, loss inf, gradients NaN
    assert sick["losses"][1] == math.inf and math.isnan(sick["norms"][1])
    history, _ = lab_run("raw")
    assert history.first_nonfinite == (1, "loss", "loss") and len(history.loss) == 3  # NaN loss at step 2
    assert shown(history.loss[0]) == "5.69e+04" and sick["losses"][0] == pytest.approx(5.69e4, rel=1e-3)
    assert shown(history.total_grad_norm[0]) == "2.46e+06" and sick["norms"][0] == pytest.approx(2.46e6, rel=2e-3)
    x, y = inputs()
    assert np.isfinite(x).all() and np.isfinite(y).all()
    says("a loss of 5.69e+04 at step 0, inf at step 1, NaN at step 2",
         "The first non-finite value is at step 1, after one update: the loss, which is inf while every activation is still finite",
         "There is only one finite value: 2.46e+06 at step 0.")


def test_question_2_the_first_step_replaces_the_weights() -> None:
    """lr |dL/dW| / |W| at step 0 for each weight matrix, from the twin's autograd gradient."""
    ratios = twin("raw", HE, RATE)["ratios"]
    assert max(ratios) == pytest.approx(652, rel=2e-3) and ratios.index(max(ratios)) == 10  # W11
    assert min(ratios) == pytest.approx(47.8, rel=2e-3) and ratios.index(min(ratios)) == 0  # W1
    assert min(ratios) > 1  # every matrix moved further than its own length
    history, _ = lab_run("raw")
    lab = {name: r for name, r in zip(history.names, history.update_ratio[0]) if name.startswith("W")}
    assert (shown(max(lab.values())), shown(min(lab.values()))) == ("652", "47.8")
    says("moved every weight matrix by 47.8 to 652 times its own length", "Around $10^{-3}$ is ordinary")


def test_question_3_a_tenth_of_the_rate_delays_the_nan_by_one_step() -> None:
    slow, fast = twin("raw", HE, TENTH), twin("raw", HE, RATE)
    assert slow["losses"][0] == fast["losses"][0] and slow["norms"][0] == fast["norms"][0]  # before any update
    assert slow["first"][0] == 2 == fast["first"][0] + 1
    assert slow["losses"][1] == pytest.approx(3.46e33, rel=SPIKY)
    history, _ = lab_run("raw", lr=TENTH)
    assert shown(history.loss[1]) == "3.46e+33" and history.first_nonfinite[0] == 2
    says("the loss is 3.46e+33 at step 1 instead of inf, and NaN at step 2")


def test_question_4_no_batch_is_to_blame() -> None:
    for seed in [1, 2]:
        run = twin("raw", HE, RATE, batch_seed=seed)
        assert run["first"][:2] == (1, "loss") and run["losses"][1] == math.inf
        assert lab_run("raw", batch_seed=seed)[0].first_nonfinite == (1, "loss", "loss")
    says("The loss is inf at step 1 in both")


# --------------------------------------------------------------------------- the two checks
def test_one_feature_is_in_the_thousands() -> None:
    x, _ = inputs()
    spreads = [statistics.pstdev(float(v) for v in x[:, j]) for j in range(8)]
    assert shown(spreads[0]) == "942"
    assert shown(spreads[0] / GRAMS, 1) == "0.9"  # a standard normal column, times 1000
    others = spreads[1:]
    assert f"{min(others):.2f}" == "0.92" and f"{max(others):.2f}" == "1.09"
    says("One input feature has a standard deviation of 942; the other seven lie between 0.92 and 1.09")


def profile(kind: str, scale: float) -> list[float]:
    """RMS of the inputs and of every layer's output before training, by a float64 torch forward pass."""
    torch = pytest.importorskip("torch")
    draws = np.random.default_rng(0)
    h, rms = torch.tensor(inputs(kind)[0], dtype=torch.float64), []
    rms.append(float(h.pow(2).mean().sqrt()))
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        h = h @ torch.tensor(draws.normal(0.0, scale / math.sqrt(n_in), (n_in, n_out)).astype(np.float32), dtype=torch.float64)
        h = torch.relu(h) if i < len(SIZES) - 2 else h
        rms.append(float(h.pow(2).mean().sqrt()))
    return rms


def test_the_layer_profiles_tell_the_inputs_from_a_chain_product() -> None:
    raw, cured, chain = profile("raw", HE), profile("standardised", HE), profile("standardised", SCALE_2)
    x = inputs()[0]
    assert raw[0] == pytest.approx(math.sqrt(math.fsum(float(v) ** 2 for v in x.flat) / x.size))
    assert cured[0] == pytest.approx(1.0)  # standardised: every column has mean square 1
    growth = lambda rms: (rms[10] / rms[1]) ** (1 / 9)  # noqa: E731
    quoted = {"raw": (raw, ["333", "269", "417", "1.05"]), "cured": (cured, ["1", "1.02", "1.99", "1.08"]),
              "chain": (chain, ["1", "1.44", "63.8", "1.52"])}
    for name, (rms, expected) in quoted.items():
        assert [shown(rms[0]), shown(rms[1]), shown(rms[10]), shown(growth(rms))] == expected, name
    # positive homogeneity: weights sqrt 2 times larger, zero biases: layer l is sqrt(2)^l times larger
    for layer, (a, b) in enumerate(zip(chain, cured)):
        assert a == pytest.approx(math.sqrt(2) ** layer * b, rel=1e-6)  # the weights are rounded to float32
    assert growth(chain) == pytest.approx(math.sqrt(2) * growth(cured), rel=1e-6)
    assert raw[1] > 100 * cured[1] and abs(math.log(growth(raw) / growth(cured))) < 0.05  # parallel lines
    says("the RMS is 333 for the inputs, 269 at layer 1 and 417 at layer 10, a growth of 1.05 per layer",
         "(1.02 at layer 1, 1.99 at layer 10, 1.08 per layer)", "from 1.44 at layer 1 to 63.8 at layer 10, 1.52 per layer",
         "That is exactly $\\sqrt{2}$ times the blue line's growth", "weights are drawn at scale 2 instead of He's $\\sqrt{2}$")


# --------------------------------------------------------------------------- the fix, and clipping
def test_standardising_cures_it_and_clipping_hides_it() -> None:
    var = variance()
    assert f"{var:.4g}" == "0.3625"
    cured, clipped = twin("standardised", HE, RATE), twin("raw", HE, RATE, clip=1.0)
    assert cured["first"] is None and clipped["first"] is None
    assert cured["losses"][0] == pytest.approx(0.955, rel=1e-3) and cured["norms"][0] == pytest.approx(36.3, rel=2e-3)
    assert cured["full"] == pytest.approx(0.1878, rel=STABLE) and cured["full"] / var == pytest.approx(0.518, rel=STABLE)
    assert clipped["full"] == pytest.approx(7.04, rel=STABLE) and clipped["full"] / var == pytest.approx(19.4, rel=STABLE)
    (history, loss), (_, clipped_loss) = lab_run("standardised"), lab_run("raw", clip=1.0)
    assert history.first_nonfinite is None and shown(history.loss[0]) == "0.955" and shown(history.total_grad_norm[0]) == "36.3"
    assert (f"{loss:.4g}", shown(loss / var)) == ("0.1878", "0.518")
    assert (f"{clipped_loss:.4g}", shown(clipped_loss / var)) == ("7.04", "19.4")
    says("the loss at step 0 is 0.955 instead of 5.69e+04 and the gradient's norm 36.3 instead of 2.46e+06",
         "No NaN in 300 steps, and the loss on all the data ends at 0.1878, 0.518 times the loss of always predicting the mean (0.3625)",
         "but the loss ends at 7.04, 19.4 times worse than predicting the mean")


# --------------------------------------------------------------------------- the exercises' answers
def test_exercise_1_a_learning_rate_too_high() -> None:
    fast, slow = twin("standardised", HE, FAST), twin("standardised", HE, FAST_TENTH)
    assert fast["first"][:2] == (5, "activation")
    expected = [36.3, 1.05e3, 2.14e3, 1.23e5, 7.1e36]
    assert fast["norms"][:5] == pytest.approx(expected, rel=SPIKY)
    assert fast["norms"][0] == twin("standardised", HE, RATE)["norms"][0]  # step 0 does not see the rate
    assert slow["first"] is None and slow["full"] == pytest.approx(0.128, rel=SPIKY)
    history, _ = lab_run("standardised", lr=FAST)
    assert [shown(n) for n in history.total_grad_norm[:5]] == ["36.3", "1.05e+03", "2.14e+03", "1.23e+05", "7.1e+36"]
    assert history.first_nonfinite[:2] == (5, "activation")
    assert shown(lab_run("standardised", lr=FAST_TENTH)[1]) == "0.128"
    assert FAST_TENTH == pytest.approx(FAST / 10)
    says("they raise the learning rate to 0.02", "The gradient norm starts at 36.3",
         "then grows: 1.05e+03, 2.14e+03, 1.23e+05, 7.1e+36, and the activations overflow at step 5",
         "A tenth of the rate, 0.002, trains: no NaN and a loss of 0.128 after 300 steps")


def first_batch_holding(row: int, seed: int) -> int:
    """The first step whose batch of 32 (drawn as gradlab draws them) contains `row`."""
    draws = np.random.default_rng(seed)
    return next(step for step in range(STEPS) if row in set(draws.choice(EXAMPLES, BATCH, replace=False).tolist()))


def test_exercise_2_a_nan_in_the_data() -> None:
    first, moved = first_batch_holding(GAP_ROW, 0), first_batch_holding(GAP_ROW, 1)
    assert (first, moved) == (11, 24)
    x = inputs("gap")[0]
    assert [i for i in range(EXAMPLES) if not all(math.isfinite(v) for v in x[i])] == [GAP_ROW]
    for lr in [RATE, TENTH]:
        run = twin("gap", HE, lr)
        assert run["first"][:2] == (first, "activation")
        assert all(math.isfinite(n) and n < 40 for n in run["norms"][:first])  # ordinary steps 0 to 10
        assert lab_run("gap", lr=lr)[0].first_nonfinite == (first, "activation", "layer 1")
        assert lab_run("gap", lr=lr, batch_seed=1)[0].first_nonfinite == (moved, "activation", "layer 1")
    assert twin("gap", HE, RATE, batch_seed=1)["first"][0] == moved
    says("The first non-finite value is at step 11 at both learning rates, an activation of layer 1",
         "with the batch seed 1 it moves to step 24", "Steps 11 and 24 are the first batches that hold row 41")
