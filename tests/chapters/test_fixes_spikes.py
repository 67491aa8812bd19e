"""fixes/spikes.md: every quoted number derived independently.

The toy is written again in PyTorch: the same inputs drawn from the same seed, the network as one flat
parameter tensor per run, gradients by torch autograd instead of the snippets' chain rule, and every update
by torch.optim.Adam instead of the snippets' written-out Adam. To keep the file fast, the runs of a page
section train in lockstep: one leaf tensor and one parameter group per run, so each run has its own rate
(and epsilon), and a run whose gradient is set to None sits the step out (torch's Adam then leaves its
m, v and step count alone, which is also how the guard skips a batch). Adam's update is elementwise, so a
run in a fleet is the run on its own. Closed forms check what has one: the bad step and the replayed
step from the formulas of the moments, the decay of v as beta2^k, g / (g + eps) for a constant gradient
(in exact fractions), and NaN by IEEE 754 rules. The loop of "In your framework" is checked by its
invariants, its PyTorch tab by torch itself.
"""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction

import numpy as np
import pytest
from support import output, quoted, torch_output, value

PAGE = "fixes/spikes.md"
SNIPPETS = ["fixes/spikes_run.py", "fixes/spikes_recover.py", "fixes/spikes_moments.py", "fixes/spikes_eps.py",
            "fixes/spikes_guard.py"]
LR, BETAS, EPS, BATCH, HIDDEN, N_IN, NOISE, TEST = 3e-3, (0.9, 0.999), 1e-8, 32, 32, 8, 0.05, 128
BAD_STEP = 2000  # the page: batch 2,000 holds the corrupted record (target 1,000)


def agrees(text: str, x: float, units: float = 1.0) -> bool:
    """x, computed here, matches the printed text to within `units` of its last printed digit."""
    text = text.replace(",", "").rstrip("x")
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return abs(float(text) - x) <= units * 10.0 ** (int(exponent or 0) - decimals) * (1 + 1e-9)


# --------------------------------------------------------------------------- the toy, in PyTorch
@functools.cache
def data(rows: int) -> tuple:
    """The snippets' draws, in their order: a, the stream (inputs, noisy targets), held-out inputs, theta0."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a = rng.standard_normal(N_IN) / math.sqrt(N_IN)
    x = rng.standard_normal((rows, BATCH, N_IN))
    y = np.sin(x @ a) + NOISE * rng.standard_normal((rows, BATCH))
    x_test = rng.standard_normal((TEST, N_IN))
    theta0 = np.concatenate([rng.standard_normal(N_IN * HIDDEN) / math.sqrt(N_IN), np.zeros(HIDDEN),
                             rng.standard_normal(HIDDEN) / math.sqrt(HIDDEN), [0.0]])
    t = functools.partial(torch.tensor, dtype=torch.float64)
    return t(x), t(y), t(x_test), t(np.sin(x_test @ a)), t(theta0)


def net(theta, x):
    """theta (runs, 321): W (8 x 32), b, w, c per run; x (runs, n, 8) or (n, 8); outputs (runs, n)."""
    W, b = theta[:, :N_IN * HIDDEN].reshape(-1, N_IN, HIDDEN), theta[:, N_IN * HIDDEN:N_IN * HIDDEN + HIDDEN]
    w, c = theta[:, N_IN * HIDDEN + HIDDEN:-1], theta[:, -1]
    return (pytest.importorskip("torch").tanh(x @ W + b[:, None, :]) @ w[:, :, None]).squeeze(-1) + c[:, None]


class Fleet:
    """Runs of the toy in lockstep, each with its own leaf tensor and records. groups[r] is run r's parameter
    group: runs that always share a rate (and eps) share a group, so torch's foreach Adam updates them with
    one set of tensor operations."""

    def __init__(self, starts: list, x_test, y_test, groups: list[int] | None = None, eps: list[float] | None = None):
        torch = pytest.importorskip("torch")
        self.torch, self.x_test, self.y_test = torch, x_test, y_test
        self.params = [theta.detach().clone().requires_grad_(True) for theta, _ in starts]
        self.groups = groups or [0] * len(starts)
        params = [[p for p, g in zip(self.params, self.groups) if g == k] for k in range(max(self.groups) + 1)]
        groups = [{"params": ps, "eps": e} for ps, e in zip(params, eps or [EPS] * len(params))]
        self.opt = torch.optim.Adam(groups, lr=LR, betas=BETAS, foreach=True)
        for p, (_, state) in zip(self.params, starts):
            if state is not None:
                self.opt.state[p] = {k: v.clone() for k, v in state.items()}
        self.held, self.moves, self.norms = ([[] for _ in starts] for _ in range(3))

    def state(self, r: int) -> tuple:
        return self.params[r].detach().clone(), {k: v.clone() for k, v in self.opt.state[self.params[r]].items()}

    def step(self, x, y, rates, scale=None, clip=None, guard=None, score=True) -> None:
        """x (runs, 32, 8), y (runs, 32); rates[r] None: run r sits out. guard[r]: skip a gradient whose norm
        is not below 10 times the median of the run's last 100; clip[r]: clip the global norm there.
        score=False records NaN for the held-out loss and the update (to save time where no test reads them)."""
        torch = self.torch
        self.opt.zero_grad(set_to_none=True)
        theta = torch.stack(self.params)
        loss = ((net(theta, x) - y) ** 2).mean(dim=1)
        (loss * (1.0 if scale is None else scale)).sum().backward()
        norms = torch.stack([p.grad for p in self.params]).norm(dim=1).tolist()
        for r, (p, norm) in enumerate(zip(self.params, norms)):
            if rates[r] is None or (guard and guard[r] and len(self.norms[r]) >= 20
                                    and not norm < 10 * float(np.median(self.norms[r][-100:]))):
                p.grad = None
                continue
            self.norms[r].append(norm)
            if clip and clip[r]:
                torch.nn.utils.clip_grad_norm_([p], clip[r])  # its 1e-6 in the divisor: below the printed digits
            group = self.opt.param_groups[self.groups[r]]
            assert all(rates[q] in (None, rates[r]) for q, g in enumerate(self.groups) if g == self.groups[r])
            group["lr"] = rates[r]
        self.opt.step()
        with torch.no_grad():
            after = torch.stack(self.params)
            if score:
                held = ((net(after, self.x_test) - self.y_test) ** 2).mean(dim=1).tolist()
                moves = (after - theta.detach()).abs().median(dim=1).values.tolist()
            else:
                held = moves = [math.nan] * len(x)
        for r, p in enumerate(self.params):
            if p.grad is not None:
                self.held[r].append(held[r])
                self.moves[r].append(moves[r] / rates[r])


def needs_torch(f):
    """A replay that skips its test where torch is not installed (tests/conftest.py gives torch one thread)."""
    @functools.wraps(f)
    def wrapped(*args):
        pytest.importorskip("torch")
        return f(*args)
    return wrapped


@functools.cache
@needs_torch
def runs_from_the_start() -> dict:
    """Three runs on the stream with the bad record, 3,000 steps: the run of the page, a 1,000-step warm-up,
    and the global norm clipped at 1. Keeps the first run's state at steps 1,900 and 2,000."""
    x, y, x_test, y_test, theta0 = data(3300)
    bad = y.clone()
    bad[BAD_STEP - 1, 0] = 1000.0
    fleet, kept = Fleet([(theta0, None)] * 3, x_test, y_test, groups=[0, 1, 0]), {}
    for t in range(1, 3001):
        fleet.step(x[t - 1].expand(3, -1, -1), bad[t - 1].expand(3, -1),
                   [LR * min(1, t / 100), LR * min(1, t / 1000), LR * min(1, t / 100)], clip=[None, None, 1.0],
                   score=t == 1 or t >= 1900)
        if t in (1900, BAD_STEP):
            kept[t] = fleet.state(0)
    return dict(fleet=fleet, checkpoint=kept[1900], broken=kept[BAD_STEP], data=(x, y, bad))


@functools.cache
@needs_torch
def runs_from_the_checkpoint() -> dict:
    """From the checkpoint of step 1,900 (or its weights): clean stream, guard, roll back and skip 200, rate
    lowered tenfold, weights with a fresh Adam, weights with the optimiser of step 2,000. 1,101 lockstep
    iterations; a run whose batches are used up sits out."""
    start = runs_from_the_start()
    x, y, bad = start["data"]
    _, _, x_test, y_test, _ = data(3300)
    theta, state = start["checkpoint"]
    plans = {"clean": (range(1900, 3000), y, LR), "skip": (range(1900, 3001), bad, LR),
             "rollback": (range(2100, 3200), bad, LR), "lower": (range(1900, 3000), bad, LR / 10),
             "fresh": (range(2100, 3200), bad, LR), "weights only": (range(2100, 3200), bad, LR)}
    starts = [(theta, state)] * 4 + [(theta, None), (theta, start["broken"][1])]
    fleet = Fleet(starts, x_test, y_test, groups=[1 if name == "lower" else 0 for name in plans])
    guard = [name == "skip" for name in plans]
    for k in range(1101):
        batches = [plan[0][k] if k < len(plan[0]) else 0 for plan in plans.values()]
        targets = [plan[1][i] for plan, i in zip(plans.values(), batches)]
        fleet.step(torch_stack([x[i] for i in batches]), torch_stack(targets),
                   [plan[2] if k < len(plan[0]) else None for plan in plans.values()], guard=guard)
    runs = {name: (np.array(fleet.held[r]), np.array(fleet.moves[r])) for r, name in enumerate(plans)}
    v_hat = {name: float(np.median(fleet.opt.state[p]["exp_avg_sq"].numpy() / (1 - BETAS[1] ** float(
        fleet.opt.state[p]["step"])))) for name, p in zip(plans, fleet.params)}
    return runs | {"v_hat": v_hat}


def torch_stack(tensors):
    return pytest.importorskip("torch").stack(tensors)


# --------------------------------------------------------------------------- the spike
def test_the_spike() -> None:
    out = output("fixes/spikes_run.py")
    start, tail = runs_from_the_start(), runs_from_the_checkpoint()
    held, moves, norms = (np.array(a[0]) for a in (start["fleet"].held, start["fleet"].moves, start["fleet"].norms))
    clean_held, clean_moves = tail["clean"]
    end = ", at the end (mean of the last 100 steps) = "
    loss = value(out, "one bad record: held-out loss after step 1,999").split(end)
    assert agrees(loss[0], held[BAD_STEP - 2]) and agrees(loss[1], held[-100:].mean())
    loss = value(out, "clean stream: held-out loss after step 1,999").split(end)
    assert agrees(loss[0], held[BAD_STEP - 2]) and agrees(loss[1], clean_held[-100:].mean())
    for name, late in [("one bad record", moves[2100:]), ("clean stream", clean_moves[200:])]:
        before, after = value(out, f"{name}: median |update| / lr, steps 1,900-1,999").split(", steps 2,101-3,000 = ")
        assert agrees(before, np.median(moves[1899:1999])) and agrees(after, np.median(late))
    line = value(out, "gradient norm at step 2,000")
    norm, rest = line.split(", median over steps 1,900-1,999 = ")
    median_norm, step = rest.split("; median |update| / lr at step 2,000 = ")
    assert agrees(norm, norms[BAD_STEP - 1]) and agrees(median_norm, np.median(norms[1899:1999]))
    assert agrees(step, moves[BAD_STEP - 1])
    # the closed form: a weight whose gradient is all spike moves by (1 - b1)/sqrt(1 - b2) * sqrt(1 - b2^t) / (1 - b1^t)
    b1, b2 = BETAS
    bound = (1 - b1) / math.sqrt(1 - b2)
    spike = bound * math.sqrt(1 - b2**BAD_STEP) / (1 - b1**BAD_STEP)
    assert f"{bound:.3f}" == "3.162" and f"{spike:.3f}" == "2.941"
    assert float(step) == pytest.approx(spike, rel=0.01) and float(step) < spike  # weights not all spike: slightly less
    peak = BAD_STEP - 1 + int(np.argmax(held[BAD_STEP - 1:]))
    assert value(out, "peak held-out loss") == f"{held[peak]:.3g} at step {peak + 1:,}"
    # the figure: about 0.5 at the start, about 0.6 at the peak, below 1e-3 before the spike, almost 3 decades up
    assert held[0] == pytest.approx(0.5, abs=0.05) and held[peak] == pytest.approx(0.6, abs=0.05)
    assert held[BAD_STEP - 2] < 1e-3 and 2.5 < math.log10(held[peak] / held[BAD_STEP - 2]) < 3
    assert 0.04 <= np.median(moves[1899:1999]) <= np.median(clean_moves[200:]) <= 0.055  # "near 0.04 to 0.05"
    assert moves[BAD_STEP - 1] == pytest.approx(3, abs=0.1) and np.median(moves[BAD_STEP + 200:]) < 0.01
    assert all(np.mean(held[s:s + 100]) > np.mean(clean_held[s - 1900:s - 1800]) for s in range(2000, 3000, 100))
    quoted(PAGE, "0.000812", "0.043 learning rates", "254", "0.0813", "2.932", "2.941", "3.162", "0.592",
           "step 2,018", "0.0081", "0.0513", "0.00147", "0.000523", r"\(1/(1 - \beta_2) = 1{,}000\)")
    assert 1 / (1 - b2) == pytest.approx(1000)


# --------------------------------------------------------------------------- the recoveries
def table() -> dict[str, list[str]]:
    rows = [line.strip("|").split("|") for line in output("fixes/spikes_recover.py").splitlines()[2:]]
    return {cells[0].strip(): [c.strip() for c in cells[1:]] for cells in rows}


def test_the_recoveries() -> None:
    rows, start, tail = table(), runs_from_the_start(), runs_from_the_checkpoint()
    fleet = start["fleet"]
    losses = {"clean stream (no bad record)": tail["clean"][0], "do nothing": np.array(fleet.held[0][1900:]),
              "skip the batch (guard on the gradient norm)": tail["skip"][0],
              "roll back 100 steps, skip 200 batches": tail["rollback"][0],
              "roll back 100 steps, rate lowered tenfold": tail["lower"][0],
              "warm-up ten times longer (1,000 steps), from the start": np.array(fleet.held[1][1900:]),
              "clip the global norm at 1, from the start": np.array(fleet.held[2][1900:])}
    skipped = {"skip the batch (guard on the gradient norm)": 1, "roll back 100 steps, skip 200 batches": 200}
    assert list(rows) == list(losses)
    clean = losses["clean stream (no bad record)"]
    clean_peak, clean_end = clean.max(), clean[-100:].mean()
    for name, held in losses.items():
        assert len(held) == 1100  # every run ends after 3,000 updates
        count, peak, end, verdict = rows[name]
        assert count == str(skipped.get(name, 0))
        assert agrees(peak, held.max()) and agrees(end, held[-100:].mean())
        word = ("no spike" if held.max() < 2 * clean_peak else "smaller spike" if held.max() < 20 * clean_peak
                else "full spike")
        kind, ratio = verdict.split(", ends at ")
        assert kind == word and agrees(ratio.split("x")[0], held[-100:].mean() / clean_end)
    assert len(tail["skip"][0]) == 1100  # 1,101 batches offered, one skipped by the guard
    # PaLM: back about 100 steps, skip about 200 to 500 batches; the table's rollback is inside that recipe
    assert 200 <= int(rows["roll back 100 steps, skip 200 batches"][0]) <= 500
    # the "do nothing" row replays the batches from the checkpoint: the same peak as the uninterrupted run
    assert rows["do nothing"][1] == value(output("fixes/spikes_run.py"), "peak held-out loss").split(" at ")[0]
    healthy = start["fleet"].held[0][BAD_STEP - 2]
    assert losses["roll back 100 steps, rate lowered tenfold"].max() > 10 * healthy  # "more than ten times"
    quoted(PAGE, "0.00158", "0.00052", "0.00109", "0.000446", "0.00906", "1.13 times", "0.635", "4.11 times",
           "0.00508", "1.09 times", "over 20 times", "between 2 and 20 times", "200 to 500 batches",
           "about 100 steps", "3,000 updates")


# --------------------------------------------------------------------------- optimiser state
@needs_torch
def nan_after_weights_only() -> tuple[bool, bool]:
    """The NaN accident in torch: 100 steps from the checkpoint with a NaN input in batch 2,000, then the
    weights of step 1,900 back with the optimiser kept. Is the state NaN; is the next update NaN?"""
    torch = pytest.importorskip("torch")
    start = runs_from_the_start()
    x, y, _ = start["data"]
    _, _, x_test, y_test, _ = data(3300)
    nan_x = x.clone()
    nan_x[BAD_STEP - 1, 0, 0] = math.nan
    fleet = Fleet([start["checkpoint"]], x_test, y_test)
    for i in range(1900, BAD_STEP):
        fleet.step(nan_x[i][None], y[i][None], [LR])
    broken = fleet.state(0)[1]
    again = Fleet([(start["checkpoint"][0], broken)], x_test, y_test)
    again.step(x[2100][None], y[2100][None], [LR])
    return bool(torch.isnan(broken["exp_avg_sq"]).all()), bool(torch.isnan(again.params[0]).all())


def test_restore_the_optimiser() -> None:
    out, tail, start = output("fixes/spikes_moments.py"), runs_from_the_checkpoint(), runs_from_the_start()
    # NaN: every entry of m and v is NaN, and NaN * beta + (1 - beta) g is NaN for every g (IEEE 754)
    assert math.isnan(0.9 * math.nan + 0.1 * 1.0) and math.isnan(math.sqrt(math.nan))
    assert nan_after_weights_only() == (True, True)
    assert value(out, "NaN record, roll back weights only: finite steps") == (
        "0 of 1100, peak held-out loss = nan, at the end = nan")
    for name, plan in [("weights, m, v and t", "rollback"), ("weights, fresh Adam", "fresh")]:
        held, moves = tail[plan]
        for bad in ["NaN record", "huge target"]:  # the checkpoint predates both accidents
            line = value(out, f"{bad}, roll back {name}: finite steps")
            assert line.startswith("1100 of 1100")
            peak, end = line.split("peak held-out loss = ")[1].split(", at the end = ")
            assert agrees(peak, held.max()) and agrees(end, held[-100:].mean())
            first, late = value(out, f"{bad}, roll back {name}: median |update| / lr, first step").split(
                ", steps 101-1,100 = ")
            assert agrees(first, moves[0]) and agrees(late, np.median(moves[100:]))
    row = table()["roll back 100 steps, skip 200 batches"]
    restored = value(out, "huge target, roll back weights, m, v and t: finite steps")
    assert f"peak held-out loss = {row[1]}, at the end = {row[2]}" in restored
    # a fresh Adam's first update: m_hat = g and v_hat = g^2 exactly, so |update| / lr = |g| / (|g| + eps) ~ 1
    fresh = value(out, "huge target, roll back weights, fresh Adam: median |update| / lr, first step")
    assert fresh.startswith("1.000")
    held, moves = tail["weights only"]
    line = value(out, "huge target, roll back weights only: finite steps")
    peak, end = line.split("peak held-out loss = ")[1].split(", at the end = ")
    assert line.startswith("1100 of 1100") and agrees(peak, held.max()) and agrees(end, held[-100:].mean())
    first, late = value(out, "huge target, roll back weights only: median |update| / lr, first step").split(
        ", steps 101-1,100 = ")
    assert agrees(first, moves[0]) and agrees(late, np.median(moves[100:]))
    # closed form one step after the spike: m = b1 (1 - b1) G, v = b2 (1 - b2) G^2, t = 2,001
    b1, b2 = BETAS
    t = BAD_STEP + 1
    replay = b1 * (1 - b1) / (1 - b1**t) / math.sqrt(b2 * (1 - b2) / (1 - b2**t))
    assert f"{replay:.3f}" == "2.648" and float(first) == pytest.approx(replay, rel=0.01)
    ratio = float(np.median(start["broken"][1]["exp_avg_sq"].numpy() / start["checkpoint"][1]["exp_avg_sq"].numpy()))
    printed = value(out, "huge target: v kept / v restored at the rollback, median over the weights")
    assert agrees(printed, ratio)
    steps = math.log(ratio) / -math.log(b2)  # b2^k * ratio = 1
    assert agrees(value(out, "steps for beta2^k to shrink that ratio to 1"), steps)
    # the figure: weights only starts near 3 and is below 0.01 after about 200 steps; fresh Adam near 0.1
    assert moves[0] == pytest.approx(3, abs=0.4) and np.median(moves[200:]) < 0.01
    assert 0.04 <= np.median(tail["rollback"][1]) <= 0.05
    assert np.median(tail["fresh"][1][100:]) == pytest.approx(0.1, rel=0.2)
    # why the fresh Adam steps larger: its v_hat holds only recent gradients, the restored one older, larger ones
    assert tail["v_hat"]["rollback"] > 4 * tail["v_hat"]["fresh"]
    assert held.max() > 0.8 * start["fleet"].held[0][BAD_STEP + 17]  # "almost as high as the original spike"
    quoted(PAGE, "0 of 1100", "2.643", "2.648", "0.514", "211 times", "0.0077", "0.0491", "5,349", "(1.000)",
           "0.1134", "0.0018", "0.000521", "\\(\\beta_2 = 0.999\\)")


# --------------------------------------------------------------------------- epsilon
@functools.cache
@needs_torch
def eps_runs() -> dict:
    """The toy from the start for 1,000 steps, loss multiplied by c, eps 1e-8 or 1e-16: 12 runs in lockstep."""
    x, y, x_test, y_test, theta0 = data(1000)
    torch = pytest.importorskip("torch")
    plan = [(eps, c) for eps in (1e-8, 1e-16) for c in (1.0, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8)]
    fleet = Fleet([(theta0, None)] * len(plan), x_test, y_test, groups=[0] * 6 + [1] * 6, eps=[1e-8, 1e-16])
    scale = torch.tensor([c for _, c in plan], dtype=torch.float64)
    for t in range(1, 1001):
        fleet.step(x[t - 1].expand(len(plan), -1, -1), y[t - 1].expand(len(plan), -1),
                   [LR * min(1, t / 100)] * len(plan), scale=scale)
    v_hat = [fleet.opt.state[p]["exp_avg_sq"].numpy() / (1 - BETAS[1] ** 1000) for p in fleet.params]
    rms = [float(np.median(np.sqrt(v))) for v in v_hat]
    return {key: (fleet.held[r][-1], rms[r]) for r, key in enumerate(plan)}


def test_epsilon() -> None:
    out = output("fixes/spikes_eps.py")
    eps = Fraction(1, 10**8)
    for k in [4, 6, 7, 8, 9, 10]:  # constant gradient: m_hat = g, v_hat = g^2, update / lr = g / (g + eps), exactly
        g = Fraction(1, 10**k)
        assert value(out, f"constant gradient 1e-{k:02d}: update / lr") == f"{float(g / (g + eps)):.4f}"
    assert float(Fraction(1, 10**12) / (Fraction(1, 10**12) + eps)) < 1e-3  # the figure's left end: near 0
    assert float(Fraction(1, 10**6) / (Fraction(1, 10**6) + eps)) > 0.99  # "about 1 % once sqrt(v) is 100 eps"
    runs = eps_runs()
    for (e, c), (loss, rms) in runs.items():
        line = value(out, f"eps = {e:.0e}, loss x {c:.0e}: median sqrt(v_hat) at the end")
        printed_rms, printed_loss = line.split(", held-out loss after 1,000 steps = ")
        assert agrees(printed_rms, rms) and agrees(printed_loss, loss)
    flat = runs[(1e-16, 1.0)][0]
    for c in (1e-4, 1e-5, 1e-6, 1e-7, 1e-8):  # without a noticeable eps, Adam is blind to the scale
        assert runs[(1e-16, c)][0] == pytest.approx(flat, rel=1e-4)
        assert runs[(1e-16, c)][1] == pytest.approx(c * runs[(1e-16, 1.0)][1], rel=1e-3)
    assert runs[(1e-8, 1e-4)][0] == pytest.approx(flat, rel=0.01)  # RMS about 1e-7 and above: flat
    assert runs[(1e-8, 1e-8)][0] > 10 * flat  # "more than ten times the flat level"
    assert all(runs[(1e-8, a)][0] < runs[(1e-8, b)][0] for a, b in [(1e-5, 1e-6), (1e-6, 1e-7), (1e-7, 1e-8)])
    quoted(PAGE, "0.9901", "0.9091", "0.0909", "0.0099", "0.0054", "5.4e-07", "0.0016 against 0.00159", "5.5e-08",
           "0.00169", "0.00209", "0.00827", "0.0191", "1 to 1e-8", "about 1 %", "100 times")


# --------------------------------------------------------------------------- in your framework
def test_the_loop_and_its_pytorch_tab() -> None:
    out = output("fixes/spikes_guard.py")
    # the page puts a NaN in batch 1,500 and the corrupted target in batch 2,000
    assert value(out, "guard on, what happened") == "skipped batch 1,500; skipped batch 2,000"
    assert value(out, "guard on: held-out loss at the end (mean of the last 100 steps)").endswith(
        f"batches used = {3000 + 2:,}")  # 3,000 updates and the two skipped batches
    pattern = r"spike at step ([\d,]+) \(batch ([\d,]+)\): back to step ([\d,]+), batches ([\d,]+)-([\d,]+) skipped"
    events = re.findall(pattern, value(out, "guard off, what happened"))
    every, back, skip, position = 100, 100, 200, 0
    for spike, batch, restored, first, last in ([int(v.replace(",", "")) for v in e] for e in events):
        assert batch == spike + position  # the stream runs ahead of the step count by what was skipped
        assert restored == (spike - back) // every * every  # the latest checkpoint at least 100 steps back
        assert first == restored + position + 1 and last == first + skip - 1
        position += skip
    assert [int(e[1].replace(",", "")) for e in events] == [1500, 2000] and position == 400
    assert value(out, "guard off: held-out loss at the end (mean of the last 100 steps)").endswith(
        f"batches used = {3000 + position:,}")
    quoted(PAGE, "batches 1,500 and 2,000", "3,002 batches", "3,400 batches", "step 1,400", "step 1,700",
           "step 1,800 (batch 2,000")
    t = torch_output("fixes/spikes_guard_torch.py")
    assert value(t, "after the NaN step: weights finite") == "False, Adam's exp_avg_sq finite = False"
    assert value(t, "uncopied state_dict: its exp_avg_sq finite") == "False"  # a reference to the live tensor
    assert value(t, "restore the model only: weights finite after one more step") == "False"
    assert value(t, "restore the model and the optimizer: weights finite after one more step") == "True"
    assert value(t, "guard on from batch 602: skipped batches").startswith("[800],")  # the bad target's batch
