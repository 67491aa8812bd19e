"""labs/fix-a-gradient-explosion.py: patient 1 from NaN to trained, one fix at a time.

Every verdict the lab states is derived again by a second implementation of the patient written in
PyTorch (autograd for the gradients, torch.optim.SGD for the steps, torch's clip_grad_norm_ for clipping
and a LambdaLR schedule for the warm-up), started from the same random draws and fed the same batches
(the inputs, not the result), and by closed forms where there is one: the positive homogeneity of ReLU,
the targets' variance, the noise floor, the length of a step. The exercises' answers are what the lab's
`trial` cell prints, that is what gradlab (the subject under test) computes for the reader; each is
checked against the PyTorch run as well.
"""

from __future__ import annotations

import functools
import math
import statistics
from fractions import Fraction

import fixlab
import gradlab
import numpy as np
import pytest
from support import DOCS, lab_says, number, output, value

PAGE = "labs/fix-a-gradient-explosion.py"
SIZES = [8] + [32] * 10 + [1]  # 8 inputs, ten hidden ReLU layers of width 32, one linear output
EXAMPLES, BATCH, STEPS = 256, 32, 300
PATIENT, HE, LECUN = 2.0, 2**0.5, 1.0  # weight scales s: N(0, s^2 / fan_in)
RATE, FAST, WARMUP = 1e-3, 0.02, 50
NOISE = 0.05  # standard deviation of the noise added to the targets
STABLE = 0.02  # torch and NumPy round float32 differently: a run without spikes agrees to 2 %
SPIKY = 0.05  # a run through gradient norms of 1e4 and more may drift further


def says(*texts: str) -> None:
    lab_says(PAGE, *texts)


# --------------------------------------------------------------------------- patient 1, again, in PyTorch
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The regression task's inputs, drawn as gradlab draws them: x, a, and y = sin(x . a) + noise."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((EXAMPLES, 8))
    a = rng.standard_normal(8) / math.sqrt(8)
    y = (np.sin(x @ a) + NOISE * rng.standard_normal(EXAMPLES))[:, None]
    return x, a, y


@functools.cache
def torch_run(scale: float, lr: float, clip: float | None = None, warmup: int | None = None) -> dict:
    """Patient 1 trained in PyTorch: weights N(0, scale^2 / fan_in) from the same draws, zero biases,
    float32, 300 steps of SGD on batches of 32 chosen by the same generator. Returns the loss on all the
    data, the gradient norms (before clipping), the rate of each step, the first step whose loss is
    not finite, and the weights before and after."""
    torch = pytest.importorskip("torch")
    x, _, y = data()
    draws = np.random.default_rng(0)
    weights = [torch.tensor(draws.normal(0.0, scale / math.sqrt(i), (i, o)).astype(np.float32), requires_grad=True)
               for i, o in zip(SIZES[:-1], SIZES[1:])]
    biases = [torch.zeros(o, requires_grad=True) for o in SIZES[1:]]
    params = weights + biases
    start = [w.detach().double().clone() for w in params]
    X, Y = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)

    def net(inp):
        for i, (w, b) in enumerate(zip(weights, biases)):
            inp = inp @ w + b
            inp = torch.relu(inp) if i < len(weights) - 1 else inp
        return inp

    optimiser = torch.optim.SGD(params, lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda t: min(1.0, (t + 1) / warmup)) if warmup else None
    batches, norms, rates, losses, nan = np.random.default_rng(0), [], [], [], None
    for step in range(STEPS):
        idx = torch.tensor(batches.choice(EXAMPLES, BATCH, replace=False))
        loss = ((net(X[idx]) - Y[idx]) ** 2).mean()
        optimiser.zero_grad()
        loss.backward()
        losses.append(loss.item())
        norms.append(math.sqrt(sum(float((p.grad.double() ** 2).sum()) for p in params)))
        rates.append(optimiser.param_groups[0]["lr"])
        if not math.isfinite(loss.item()):
            nan = step
            break
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(params, clip)
        optimiser.step()
        if schedule is not None:
            schedule.step()
    with torch.no_grad():
        full = float(((net(X) - Y) ** 2).mean())
    end = [w.detach().double() for w in params]
    moved = math.sqrt(sum(float(((b - a) ** 2).sum()) for a, b in zip(start, end)))
    weight_norm = lambda ws: math.sqrt(sum(float((w ** 2).sum()) for w in ws[: len(weights)]))  # noqa: E731
    return dict(loss=full, norms=np.array(norms), rates=rates, losses=losses, nan=nan, moved=moved,
                norm_before=weight_norm(start), norm_after=weight_norm(end), x=X, net=net, weights=weights)


def variance() -> float:
    """The targets' variance (the loss of predicting their mean), by the statistics module."""
    return statistics.pvariance(float(v) for v in data()[2][:, 0])


# --------------------------------------------------------------------------- the judge
def test_the_loss_of_predicting_the_mean() -> None:
    out = output("fixes/lab_fix_patient.py")
    var = number(out, "loss of predicting the mean target")
    assert var == pytest.approx(variance(), rel=5e-4)  # printed to 4 digits
    # theory: x . a ~ N(0, |a|^2), E sin^2(z) = (1 - exp(-2 sigma^2)) / 2, plus the noise's variance;
    # 256 examples leave a sampling error of about 1 / sqrt(256 / 2), under 10 %
    sigma2 = float(np.dot(data()[1], data()[1]))
    assert var == pytest.approx((1 - math.exp(-2 * sigma2)) / 2 + NOISE**2, rel=0.1)
    assert Fraction(str(NOISE)) ** 2 == Fraction("0.0025")
    says("standard deviation 0.05) would leave 0.0025 even to a perfect fit", "loss on all 256 examples",
         "8 inputs, ten hidden ReLU layers of width 32", "for 300 steps, 32 examples a step")


# --------------------------------------------------------------------------- step 0: the patient
def test_the_patient_diverges_at_step_2() -> None:
    out = output("fixes/lab_fix_patient.py")
    sick = torch_run(PATIENT, RATE)
    assert sick["nan"] == 2
    assert value(out, "patient: verdict") == "NaN at step 2"
    assert value(out, "patient: first inf or NaN") == "step 2, activation of layer 5"
    assert value(out, "patient: steps run") == "3"
    assert number(out, "patient: loss at step 0") == pytest.approx(sick["losses"][0], rel=5e-3)
    assert number(out, "patient: gradient norm at step 0") == pytest.approx(sick["norms"][0], rel=5e-3)
    assert number(out, "patient: largest gradient norm") == pytest.approx(np.nanmax(sick["norms"]), rel=SPIKY)
    says("The first NaN comes at step 2, in the activations", "The loss at step 0 is 787, against 0.3625",
         "the gradient's norm is 3.72e+04")


def test_every_layer_is_sqrt2_larger_than_at_hes_scale() -> None:
    """relu(c z) = c relu(z) for c > 0 and the biases are zero: the patient's weights are He's times sqrt 2,
    so layer l's output is sqrt(2)^l times He's, and the network's output 2^5.5 times."""
    sick, he = torch_run(PATIENT, RATE), torch_run(HE, RATE)  # weights after training; rebuild the first ones
    torch = pytest.importorskip("torch")
    draws = np.random.default_rng(0)
    first = [draws.normal(0.0, 1.0 / math.sqrt(i), (i, o)) for i, o in zip(SIZES[:-1], SIZES[1:])]
    x = data()[0]

    def outputs(scale: float) -> list[np.ndarray]:
        h, layers = torch.tensor(x), []
        for i, z in enumerate(first):
            h = h @ torch.tensor(scale * z)
            h = torch.relu(h) if i < len(first) - 1 else h
            layers.append(h.numpy())
        return layers

    for l, (a, b) in enumerate(zip(outputs(PATIENT), outputs(HE)), start=1):
        np.testing.assert_allclose(a, math.sqrt(2) ** l * b, rtol=1e-9, atol=1e-12)
    assert math.sqrt(2) ** 11 == pytest.approx(2**5.5) and round(2**5.5) == 45
    assert sick["losses"][0] > 100 * he["losses"][0]
    says("$\\sqrt{2}^{11} = 2^{5.5}$, about 45 times larger")


def test_one_step_of_the_patient_is_longer_than_its_weights() -> None:
    sick = torch_run(PATIENT, RATE)
    step = RATE * sick["norms"][0]  # SGD moves the weights by lr |g|
    assert round(step) == 37
    assert round(sick["norm_before"]) == 36
    # each W_l has fan_in x fan_out entries of variance s^2 / fan_in: E|W|^2 = s^2 (32 * 10 + 1)
    assert sick["norm_before"] == pytest.approx(PATIENT * math.sqrt(32 * 10 + 1), rel=0.03)
    assert step > sick["norm_before"]
    assert sick["norms"][1] > sick["norms"][0]  # "the next gradient is larger still"
    says("a distance of about 37, longer than the whole weight vector (its norm is about 36)")


# --------------------------------------------------------------------------- step 1: clipping at 1
def test_clipping_at_1_hides_the_symptom() -> None:
    out = output("fixes/lab_fix_clip.py")
    clipped, var = torch_run(PATIENT, RATE, clip=1.0), variance()
    assert clipped["nan"] is None and len(clipped["norms"]) == STEPS
    assert (clipped["norms"] > 1.0).all()  # every step clipped
    assert value(out, "clipped: first NaN at step") == "none"
    assert value(out, "clipped: steps clipped") == "100%"
    loss = number(out, f"clipped: loss on all the data after {STEPS} steps")
    assert loss == pytest.approx(clipped["loss"], rel=STABLE)
    assert number(out, "clipped: loss / loss of predicting the mean") == pytest.approx(clipped["loss"] / var, rel=STABLE)
    assert loss > 100 * var
    assert number(out, "clipped: median gradient norm") == pytest.approx(np.median(clipped["norms"]), rel=SPIKY)
    assert value(out, "clipped: verdict") == "no NaN, worse than predicting the mean"
    # each step has length exactly lr * 1: 300 steps move the weights 0.3 at most
    assert clipped["moved"] <= STEPS * RATE * 1.0 * (1 + 1e-5) and STEPS * RATE == pytest.approx(0.3)
    # shrinking every weight by sqrt 2 moves them |W| (1 - 1/sqrt 2)
    assert clipped["norm_before"] * (1 - 1 / math.sqrt(2)) == pytest.approx(10, rel=0.1)
    says("No NaN in 300 steps", "its loss, 59.14, is 163 times that of predicting the mean",
         "the median gradient norm, 2.77e+03", "300 steps can move them by 0.3 at most", "a move of about 10",
         "`fixlab.clip_global(1.0)` does what `torch.nn.utils.clip_grad_norm_(params, 1.0)` does")


# --------------------------------------------------------------------------- step 2: He's scale
def test_hes_scale_cures_the_explosion() -> None:
    out = output("fixes/lab_fix_he.py")
    he, var = torch_run(HE, RATE), variance()
    assert he["nan"] is None and len(he["norms"]) == STEPS
    assert int(np.argmax(he["norms"])) == 0  # the largest norm of the run is the one at step 0
    assert number(out, "He: loss at step 0") == pytest.approx(he["losses"][0], rel=5e-3)
    assert number(out, "He: gradient norm at step 0") == pytest.approx(he["norms"][0], rel=5e-3)
    assert number(out, "He: largest gradient norm") == pytest.approx(he["norms"].max(), rel=5e-3)
    loss = number(out, f"He: loss on all the data after {STEPS} steps")
    assert loss == pytest.approx(he["loss"], rel=STABLE)
    assert value(out, "He: verdict") == f"no NaN, {he['loss'] / var:.0%} of the variance left" == "no NaN, 50% of the variance left"
    says("The loss at step 0 is 0.952 instead of 787", "the gradient's norm 36.2 instead of 3.72e+04",
         "The loss after 300 steps, 0.1799, leaves half the variance (50%)", "He's scale $s = \\sqrt{2}$")


# --------------------------------------------------------------------------- step 3: rate and warm-up
def test_a_larger_rate_needs_the_warm_up() -> None:
    out = output("fixes/lab_fix_warmup.py")
    fast, warm, he, var = torch_run(HE, FAST), torch_run(HE, FAST, warmup=WARMUP), torch_run(HE, RATE), variance()
    assert Fraction(str(FAST)) / Fraction(str(RATE)) == 20  # "raises the learning rate 20 times"
    assert fast["nan"] == 4
    assert value(out, "He, lr 0.02, no warm-up: verdict") == "NaN at step 4"
    assert number(out, "He, lr 0.02, no warm-up: largest gradient norm") == pytest.approx(np.nanmax(fast["norms"]), rel=SPIKY)
    assert warm["rates"][0] == pytest.approx(FAST / WARMUP) and warm["rates"][WARMUP - 1:] == [pytest.approx(FAST)] * (STEPS - WARMUP + 1)
    assert warm["nan"] is None
    loss = number(out, f"He, lr 0.02, {WARMUP}-step warm-up: loss on all the data after {STEPS} steps")
    assert loss == pytest.approx(warm["loss"], rel=STABLE)
    assert number(out, "He, lr 0.02, 50-step warm-up: largest gradient norm") == pytest.approx(warm["norms"].max(), rel=STABLE)
    assert value(out, "He, lr 0.02, 50-step warm-up: verdict") == f"no NaN, {warm['loss'] / var:.0%} of the variance left"
    assert round(he["loss"] / warm["loss"]) == 9  # "about nine times lower"
    assert warm["loss"] > NOISE**2  # the noise floor
    says("raises the learning rate 20 times, to 0.02", "`fixlab.warmup(0.02, 50)`", "NaN at step 4",
         "that reached 1.77e+07", "a largest gradient norm of 48.7, and a loss of 0.0193 after 300 steps, 5% of the variance",
         "about nine times lower")


def test_the_figure_cell() -> None:
    source = (DOCS / PAGE).read_text()
    assert "SMOOTH = 10" in source and "figsize=(5.6, 5.4)" in source  # "smoothed over 10 batches"; phone width
    says("The runs that last 300 steps are smoothed over 10 batches")
    for name in ["history_patient", "history_clipped", "history_he", "history_fast", "history_warm", "variance"]:
        assert any(name in (DOCS.parent / "snippets" / "fixes" / f"lab_fix_{s}.py").read_text()
                   for s in ["patient", "clip", "he", "warmup"]), f"no snippet defines {name}"


# --------------------------------------------------------------------------- the exercises' answers
def trial(scale: float = PATIENT, lr: float = RATE, clip: float | None = None, warmup: int | None = None) -> dict:
    """What the lab's trial() computes: gradlab's run with the settings given."""
    run = gradlab.mlp_patient(init_scale=scale, lr=lr)
    history = gradlab.train(**run, transform=fixlab.clip_global(clip) if clip else None,
                            lr_schedule=fixlab.warmup(lr, warmup) if warmup else None)
    norms = history.array("total_grad_norm")
    with np.errstate(over="ignore", invalid="ignore"):  # a run that ended in NaN
        loss = float(np.mean((run["model"].forward(run["task"].x) - run["task"].y) ** 2))
    return dict(loss=loss, nan=history.first_nan[0] if history.first_nan else None, largest=np.nanmax(norms),
                median=np.nanmedian(norms), clipped=np.mean(norms > clip) if clip else 0.0)


def test_exercise_1_clipping_at_100() -> None:
    mine, torch_side = trial(clip=100.0), torch_run(PATIENT, RATE, clip=100.0)
    assert mine["nan"] is None and torch_side["nan"] is None
    assert f"{mine['loss']:.4g}" == "0.1195" and torch_side["loss"] == pytest.approx(0.1195, rel=SPIKY)
    assert f"{mine['clipped']:.0%}" == "37%" and np.mean(torch_side["norms"] > 100.0) == pytest.approx(0.37, abs=0.03)
    assert f"{mine['median']:.3g}" == "20.1" and np.median(torch_side["norms"]) == pytest.approx(20.1, rel=SPIKY)
    assert torch_side["loss"] < torch_run(HE, RATE)["loss"]  # beats He's scale at the patient's rate
    assert round(torch_side["norm_after"]) == 36  # the scale is not cured
    says("`trial(clip=100)`", "no NaN and a loss of 0.1195, with 37% of the steps clipped",
         "(the median gradient norm is 20.1)", "the weights' norm is still about 36 after training")


def test_exercise_2_warm_up_alone() -> None:
    mine, torch_side = trial(warmup=WARMUP), torch_run(PATIENT, RATE, warmup=WARMUP)
    assert mine["nan"] == 4 and torch_side["nan"] == 4
    first_rate = Fraction(1, 1000) / WARMUP
    assert first_rate == Fraction(2, 10**5) and torch_side["rates"][0] == pytest.approx(2e-5)
    assert round(float(first_rate) * torch_side["norms"][0], 2) == 0.74
    steps = [rate * norm for rate, norm in zip(torch_side["rates"], torch_side["norms"][:4])]
    assert all(b > a for a, b in zip(steps, steps[1:]))  # each step longer than the one before
    says("`trial(warmup=50)`", "The NaN comes at step 4 instead of step 2",
         "at a rate of $2 \\times 10^{-5}$, moves the weights by about 0.74")


def test_exercise_3_clipping_as_a_safety_net() -> None:
    mine, torch_side = trial(HE, FAST, clip=10.0), torch_run(HE, FAST, clip=10.0)
    assert mine["nan"] is None and torch_side["nan"] is None
    assert f"{mine['loss']:.4g}" == "0.0227" and torch_side["loss"] == pytest.approx(0.0227, rel=SPIKY)
    assert f"{mine['clipped']:.0%}" == "2%" and np.mean(torch_side["norms"] > 10.0) == pytest.approx(0.02, abs=0.01)
    assert f"{mine['largest']:.3g}" == "172" and torch_side["norms"].max() == pytest.approx(172, rel=SPIKY)
    assert (np.nonzero(torch_side["norms"] > 10.0)[0] < 10).all()  # "all of them in the first 10 steps"
    assert f"{mine['median']:.3g}" == "1.35" and np.median(torch_side["norms"]) == pytest.approx(1.35, rel=SPIKY)
    says("`trial(init_scale=2**0.5, lr=0.02, clip=10)`", "no NaN and a loss of 0.0227, close to the warm-up's 0.0193",
         "Only 2% of the steps are clipped (the largest norm is 172, the median 1.35), all of them in the first 10 steps")


def test_exercise_4_lecuns_scale_vanishes() -> None:
    mine, torch_side, var = trial(LECUN), torch_run(LECUN, RATE), variance()
    assert mine["nan"] is None and torch_side["nan"] is None
    assert f"{mine['loss']:.4g}" == "0.3572" and torch_side["loss"] == pytest.approx(0.3572, rel=STABLE)
    assert f"{mine['loss'] / var:.0%}" == "99%"
    assert f"{mine['largest']:.3g}" == "1.06" and torch_side["norms"].max() == pytest.approx(1.06, rel=STABLE)
    says("`trial(init_scale=1.0)`", "The loss after 300 steps is 0.3572, 99% of the variance",
         "(the largest norm is 1.06)")


def test_exercise_5_the_edge_of_stability() -> None:
    safe, edge = trial(HE, 0.016), trial(HE, 0.018)
    torch_safe, torch_edge = torch_run(HE, 0.016), torch_run(HE, 0.018)
    assert safe["nan"] is None and torch_safe["nan"] is None
    assert edge["nan"] == 6 and torch_edge["nan"] == 6
    assert f"{safe['loss']:.4g}" == "0.08857" and torch_safe["loss"] == pytest.approx(0.08857, rel=SPIKY)
    assert f"{safe['largest']:.3g}" == "725" and torch_safe["norms"].max() == pytest.approx(725, rel=SPIKY)
    says("`trial(init_scale=2**0.5, lr=0.016)` and `lr=0.018`", "At 0.016 there is no NaN (the loss after 300 steps is 0.08857",
         "the gradient norm spikes to 725); at 0.018 the NaN comes at step 6")
