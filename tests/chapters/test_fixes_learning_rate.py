"""fixes/learning-rate.md: every quoted number derived independently.

Training runs are repeated by this file's own code: the MLP and the RNN are rebuilt from the pages'
description (weights drawn layer by layer from N(0, scale^2 / fan_in), batches drawn with rng.choice),
with einsum and a backward pass written from the recursion. The toy runs in float64 and patient 1 in
float32, both of which this second implementation reproduces. Sharpness is recomputed with exact
Hessian-vector products (PyTorch double backward) and plain power iteration, not finite differences
and Lanczos. Patient 2 is sensitive to rounding, so its verdicts (NaN or not, saturation, no learning)
are checked with a second implementation and closed-form theory, its step numbers only for
consistency with the theory. Schedules are checked against the closed form in exact fractions.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
import re
import subprocess
import sys
from fractions import Fraction
from typing import Callable

import numpy as np
import pytest
import runner
from support import number, output, page, quoted, torch_output, value

PAGE = "fixes/learning-rate.md"
SIZES = [8] + [32] * 10 + [1]
HE = 2**0.5
SWEEP = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]


def keras_output(name: str) -> str:
    """What the Keras variant prints under KERAS_BACKEND=torch (support.keras_output when it exists)."""
    import support

    if hasattr(support, "keras_output"):
        return support.keras_output(name)
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("torch") is None:
        pytest.skip("keras or torch is not installed")
    proc = subprocess.run([sys.executable, str(runner.SNIPPETS / name)], capture_output=True, text=True,
                          timeout=runner.TIMEOUT, env={**os.environ, "KERAS_BACKEND": "torch"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# ---------------------------------------------------------------- a second implementation of the MLP
@functools.cache
def regression_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 8))
    a = rng.standard_normal(8) / math.sqrt(8)
    return x, (np.sin(x @ a) + 0.05 * rng.standard_normal(256))[:, None]


def mlp_weights(scale: float, dtype: type) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.normal(0.0, scale / math.sqrt(n_in), (n_in, n_out)).astype(dtype)
            for n_in, n_out in zip(SIZES[:-1], SIZES[1:])]


def forward(ws: list[np.ndarray], bs: list[np.ndarray], x: np.ndarray) -> list[np.ndarray]:
    outs = [x]
    for i, (w, b) in enumerate(zip(ws, bs)):
        z = np.einsum("bi,ij->bj", outs[-1], w) + b
        outs.append(z if i == len(ws) - 1 else np.maximum(z, 0))
    return outs


def backward(ws: list[np.ndarray], outs: list[np.ndarray], delta: np.ndarray):
    gw, gb = [None] * len(ws), [None] * len(ws)
    for i in reversed(range(len(ws))):
        gw[i] = np.einsum("bi,bj->ij", outs[i], delta)
        gb[i] = delta.sum(axis=0)
        if i:
            delta = np.einsum("bj,ij->bi", delta, ws[i]) * (outs[i] > 0)
    return gw, gb


@functools.cache
def mlp_run(scale: float, lr: float, warmup: int | None, steps: int, dtype: type = np.float64):
    """SGD with batches of 32; returns (losses until the first NaN loss, weights, biases)."""
    x, y = (a.astype(dtype) for a in regression_data())
    ws = mlp_weights(scale, dtype)
    bs = [np.zeros(w.shape[1], dtype) for w in ws]
    rng, losses = np.random.default_rng(0), []
    with np.errstate(all="ignore"):
        for t in range(steps):
            idx = rng.choice(256, 32, replace=False)
            outs = forward(ws, bs, x[idx])
            error = outs[-1] - y[idx]
            losses.append(float(np.mean(error**2)))
            if math.isnan(losses[-1]):
                break
            gw, gb = backward(ws, outs, 2 * error / error.size)
            rate = dtype(lr * min(1.0, (t + 1) / warmup) if warmup else lr)
            ws = [w - rate * g for w, g in zip(ws, gw)]
            bs = [b - rate * g for b, g in zip(bs, gb)]
    return losses, ws, bs


def full_loss(ws: list[np.ndarray], bs: list[np.ndarray]) -> float:
    x, y = (a.astype(ws[0].dtype) for a in regression_data())
    with np.errstate(all="ignore"):
        return float(np.mean((forward(ws, bs, x)[-1] - y) ** 2))


def toy_final(lr: float, warmup: int | None) -> float:
    losses, ws, bs = mlp_run(HE, lr, warmup, 200)
    return full_loss(ws, bs) if len(losses) == 200 and all(map(math.isfinite, losses)) else math.nan


def trains(lr: float, warmup: int | None = None) -> bool:
    return toy_final(lr, warmup) < float(np.var(regression_data()[1]))


def test_settings_quoted_on_the_page() -> None:
    import gradlab

    run = gradlab.mlp_patient()
    assert run["steps"] == 300 and run["batch"] == 32 and run["model"].depth == 11
    assert gradlab.rnn_patient()["steps"] == 400
    quoted(PAGE, "step, 0 to 400", "all 400 steps", "after 400 steps is 0.1800")
    sweep = (runner.SNIPPETS / "fixes/learning_rate_sweep.py").read_text()
    assert f"RATES = {SWEEP}" in sweep and "WARMUP = 50" in sweep and "STEPS, BATCH, SEED = 200, 32, 0" in sweep
    mantissas = [round(r / 10 ** math.floor(math.log10(r) + 1e-9)) for r in SWEEP]
    assert mantissas == [1, 2, 5] * 3 + [1] and SWEEP[0] == 0.001 and SWEEP[-1] == 1  # 1, 2, 5 per decade
    sharp = (runner.SNIPPETS / "fixes/learning_rate_sharpness.py").read_text()
    assert "LANCZOS, H, SEED = 10, 1e-8, 0" in sharp and "STEPS = 100" in sharp and "LR, WARMUP = 0.2, 50" in sharp
    quoted(PAGE, "10 steps of the Lanczos method", r"\(h = 10^{-8}\)", "training step, 0 to 100")
    for text in ["10 ReLU layers of 32 units", "batches of 32, 200 steps", "from 0.001 to 1",
                 "1, 2, 5 per decade", "all 256 examples", "50-step linear warm-up"]:
        quoted(PAGE, text)


# ---------------------------------------------------------------- the sweep and the edge
def test_sweep() -> None:
    out = output("fixes/learning_rate_sweep.py")
    baseline = float(np.var(regression_data()[1]))
    assert value(out, "loss of predicting the mean") == f"{baseline:.3f}" == "0.362"
    finals = {}
    for warmup, name in [(None, "constant"), (50, "warm-up")]:
        for lr in SWEEP:
            expected = toy_final(lr, warmup)
            printed = number(out, f"lr = {lr}, {name}: final loss")
            finals[name, lr] = expected
            if math.isnan(expected):
                assert math.isnan(printed), (name, lr)
            else:
                assert printed == pytest.approx(expected, rel=0.01), (name, lr)
        good = [lr for lr in SWEEP if finals[name, lr] < baseline]
        assert number(out, f"{name}: largest rate that trains") == max(good)
        assert all(math.isnan(finals[name, lr]) for lr in SWEEP if lr > max(good))  # they diverge
    assert max(lr for lr in SWEEP if finals["constant", lr] < baseline) == 0.01
    assert max(lr for lr in SWEEP if finals["warm-up", lr] < baseline) == 0.2
    assert 0.2 / 0.01 == 20
    for key, text in [(("constant", 0.01), "0.148"), (("warm-up", 0.2), "0.0141"), (("constant", 0.002), "0.172"),
                      (("warm-up", 0.002), "0.173"), (("warm-up", 0.001), "0.239"), (("constant", 0.001), "0.227"),
                      (("constant", 0.005), "0.201"), (("warm-up", 0.005), "0.106"), (("warm-up", 0.01), "0.062")]:
        assert f"{finals[key]:.3g}" == text
        quoted(PAGE, text)
    assert np.nanmin([finals["constant", lr] for lr in SWEEP]) == finals["constant", 0.01]
    assert np.nanmin([finals["warm-up", lr] for lr in SWEEP]) == finals["warm-up", 0.2]
    assert finals["constant", 0.01] / finals["warm-up", 0.2] > 10  # "more than ten times lower"
    for text in ["0.01 is the largest rate on the grid that trains", "0.2 trains", "a factor of 20",
                 "0.362", "0.02 gives NaN", "0.5 diverges", "rates twenty times larger", "ten times lower"]:
        quoted(PAGE, text)


def test_bisection_of_the_constant_edge() -> None:
    out = output("fixes/learning_rate_edge.py")
    low = number(out, "largest constant rate that trains")
    high = number(out, "smallest constant rate that diverges")
    assert trains(low) and not trains(high)  # this file's own runs agree on both sides
    assert 1 < high / low < 1.005 + 1e-3  # to within 0.5 %, allowing for the printed rounding
    halvings = 0  # each bisection halves log(high/low), starting from log 2
    while math.log(2) / 2**halvings > math.log(1.005):
        halvings += 1
    assert number(out, "bisection runs") == halvings == 8
    assert math.floor(0.2 / high) == 11  # "at least 11-fold"
    for text in ["After 8 runs", "within 0.5 %", "0.01790 trains and 0.01795 diverges", "at least 11-fold",
                 "between 0.2 and 0.5", "Past 0.0179"]:
        quoted(PAGE, text)
    assert f"{low:.3g}" == "0.0179"


# ---------------------------------------------------------------- sharpness by exact Hessian-vector products
def torch_sharpness(ws: list[np.ndarray], bs: list[np.ndarray]) -> float:
    """The Hessian's eigenvalue of largest size, by power iteration on exact Hessian-vector products."""
    torch = pytest.importorskip("torch")
    x, y = (torch.tensor(a) for a in regression_data())
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for pair in zip(ws, bs) for p in pair]

    def loss() -> "torch.Tensor":
        h = x
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            h = torch.relu(h) if i < len(params) - 2 else h
        return ((h - y) ** 2).mean()

    grads = torch.autograd.grad(loss(), params, create_graph=True)
    gen = torch.Generator().manual_seed(1)
    v = [torch.randn(p.shape, generator=gen, dtype=torch.float64) for p in params]
    estimate = 0.0
    for _ in range(1000):
        size = torch.sqrt(sum((a * a).sum() for a in v))
        v = [a / size for a in v]
        hv = torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True)
        new = float(sum((a * b).sum() for a, b in zip(hv, v)))
        if abs(new - estimate) < 1e-9 * abs(new):
            break
        estimate, v = new, list(hv)
    return new


def test_sharpness_at_initialisation() -> None:
    out = output("fixes/learning_rate_sharpness.py")
    he = torch_sharpness(mlp_weights(HE, np.float64), [np.zeros(n) for n in SIZES[1:]])
    patient = torch_sharpness(mlp_weights(2.0, np.float64), [np.zeros(n) for n in SIZES[1:]])
    assert value(out, "sharpness at step 0") == f"{he:.4g}, so 2/sharpness = {2 / he:.4g}"
    assert value(out, "patient 1 at step 0: sharpness") == f"{patient:.4g}, 2/sharpness = {2 / patient:.3g}"
    assert f"{he:.4g}" == "928.4" and f"{2 / he:.4g}" == "0.002154" and f"{2 / he:.3g}" == "0.00215"
    assert f"{patient:.4g}" == "9.389e+05" and f"{2 / patient:.3g}" == "2.13e-06"
    assert round(1e-3 / (2 / patient), -1) == 470  # "about 470 times below"
    assert 4.5 < 0.01 / (2 / he) < 5  # "almost five times over that limit"
    assert 2 / he > 0.002 and 2 / he < 0.005  # why the sweep's curves part between 0.002 and 0.005
    assert 2 / 0.2 * 50 > he / 2 and 0.2 / 50 > 2 / he  # the warm-up's first rate is above the limit
    assert round(he, -3) == 1000
    for text in ["starts near 1000", "sharpness is 928.4", r"\(2/928.4 = 0.002154\)", "allows at most 0.00215", "9.389e+05",
                 "2.13e-06", "about 470 times", "almost five times", r"\(0.2/50 = 0.004\)"]:
        quoted(PAGE, text)


@pytest.mark.parametrize("name, lr, warmup", [("warm-up to 0.2", 0.2, 50), ("constant 0.01", 0.01, None)])
def test_sharpness_during_training(name: str, lr: float, warmup: int | None) -> None:
    out = output("fixes/learning_rate_sharpness.py")
    losses, _, _ = mlp_run(HE, lr, warmup, 100)
    top = int(np.argmax(losses))
    assert value(out, f"{name}: highest loss") == f"{losses[top]:.3g} at step {top}"
    measured = {}
    for step in [1, 4, 49, 99]:
        _, ws, bs = mlp_run(HE, lr, warmup, step)  # the weights after `step` updates
        measured[step] = torch_sharpness(ws, bs)
        rate = lr * min(1.0, (step + 1) / warmup) if warmup else lr
        printed = re.fullmatch(r"(\S+), 2/lr = (\S+)", value(out, f"{name}, step {step}: sharpness"))
        assert printed and float(printed[1]) == pytest.approx(measured[step], rel=2e-3)
        assert printed[2] == f"{2 / rate:.4g}"
        if (warmup, step) != (None, 99):  # the page quotes all but the constant run's last value
            quoted(PAGE, printed[1])
    if warmup:
        assert f"{losses[top]:.3g}" == "26" and top == 2
        assert measured[1] > 1000 and 928.4 / measured[4] > 100  # "more than a hundred times lower"
        assert 2 / (lr * 5 / warmup) == pytest.approx(100) and lr * 5 / warmup == pytest.approx(0.02)
        assert 10 < measured[49] < 20 and 10 < measured[99] < 20  # near, a little above, 2/0.2 = 10
        quoted(PAGE, "rises to 26", "only 0.02", r"\(2/\eta = 100\)", r"\(2/0.2 = 10\)", "a hundredfold")
    else:
        assert f"{losses[top]:.3g}" == "38.6" and top == 1 and f"{losses[0]:.3g}" == "0.952"
        assert round(measured[1], -3) == 2000 and measured[4] < 20  # "about 2000", "below 20 within a few"
        assert 15 < measured[49] < 25 and 15 < measured[99] < 25  # "about 20", "stays about there"
        assert 2 / lr == 200
        assert toy_final(0.01, 50) < toy_final(0.01, None)  # the cost of the violent start, in the sweep
        quoted(PAGE, "from 0.952 to 38.6", "back up to about 20", r"\(2/0.01 = 200\)", "about 2000 at step 1",
               "falls below 20", "at this same rate the warm-up run ends at 0.062, the constant one at 0.148")


# ---------------------------------------------------------------- patient 1
PATIENT_RATES = [1e-3, 1e-4, 3e-5, 2e-5, 1e-5, 1e-6]


def test_patient1_lower_rates_and_warmup() -> None:
    out = output("fixes/learning_rate_patient_mlp.py")
    _, ws, bs = mlp_run(HE, 1e-3, None, 300, np.float32)
    he = full_loss(ws, bs)
    assert value(out, "He's scale, lr 1e-3: loss after 300 steps") == f"{he:.3g}" == "0.18"
    results = {}
    for lr, warmup in [(lr, None) for lr in PATIENT_RATES] + [(1e-3, 100)]:
        losses, ws, bs = mlp_run(2.0, lr, warmup, 300, np.float32)
        name = f"lr {lr:.0e}" + (f", {warmup}-step warm-up" if warmup else "")
        line = value(out, name)
        highest = max(l for l in losses if not math.isnan(l))
        if math.isnan(losses[-1]):
            assert line == f"NaN at step {len(losses) - 1}, highest loss = {highest:.3g}"
        else:
            final = full_loss(ws, bs)
            match = re.fullmatch(r"loss after 300 steps = (\S+), highest loss = (\S+)", line)
            assert match and float(match[1]) == pytest.approx(final, rel=0.01)
            assert float(match[2]) == pytest.approx(highest, rel=0.01)
            results[lr, warmup] = (final, highest, int(np.argmax(losses)))
    nan_rates = [lr for lr in PATIENT_RATES if (lr, None) not in results]
    assert nan_rates == [1e-3, 1e-4, 3e-5] and max(lr for lr, w in results if w is None) == 2e-5
    assert round(1e-3 / 2e-5) == 50  # "fifty times below", "50 times smaller"
    quoted(PAGE, "a rate 50 times smaller")
    assert all(len(mlp_run(2.0, lr, None, 300, np.float32)[0]) <= 5 for lr in nan_rates)  # within five steps
    assert all(results[key][1] > 1e4 for key in [(2e-5, None), (1e-5, None), (1e-3, 100)])  # over 10^4
    assert results[1e-6, None][1] == pytest.approx(787.0235, rel=1e-5)  # never above the starting loss
    assert f"{results[1e-6, None][0]:.3g}" == "32.8"
    # the warm-up's first update uses 1e-3/100 = 1e-5, as the constant run does, and both spike at step 1
    assert 1e-3 / 100 == pytest.approx(1e-5)
    assert results[1e-3, 100][1] == results[1e-5, None][1] and results[1e-3, 100][2] == results[1e-5, None][2] == 1
    assert results[1e-3, 100][0] < 1.5 * he  # "close to He's 0.18"
    assert all(results[lr, None][0] > 4 * he for lr in [2e-5, 1e-5, 1e-6])  # "far worse"
    for text in ["only at 2e-5, fifty times below 0.001", "1.64e+05", "4.69e+04", "0.771 and 11.1", "0.18",
                 "32.8", "0.233", "starting 787", r"\(10^{-3}/100 = 10^{-5}\)", "within five steps",
                 "at step 1"]:
        quoted(PAGE, text)


# ---------------------------------------------------------------- patient 2
def adding_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    n, steps = 256, 60
    x = np.zeros((n, steps, 2))
    x[:, :, 0] = rng.uniform(0.0, 1.0, (n, steps))
    first, second = rng.integers(0, steps // 2, n), rng.integers(steps // 2, steps, n)
    for i in range(n):
        x[i, first[i], 1] = x[i, second[i], 1] = 1.0
    return x, np.array([x[i, first[i], 0] + x[i, second[i], 0] for i in range(n)])[:, None]


def rnn_run(lr: float, warmup: int | None, steps: int = 400) -> tuple[list[float], float, float]:
    """Patient 2 by this file's own float32 BPTT: losses until NaN, |W| after step 1, final full loss."""
    f32 = np.float32
    x, y = (a.astype(f32) for a in adding_data())
    rng = np.random.default_rng(0)
    u = rng.normal(0.0, 1 / math.sqrt(2), (2, 32)).astype(f32)
    w = rng.normal(0.0, 2.5 / math.sqrt(32), (32, 32)).astype(f32)
    v = rng.normal(0.0, 1 / math.sqrt(32), (32, 1)).astype(f32)
    b, c = np.zeros(32, f32), np.zeros(1, f32)
    batches = np.random.default_rng(0)
    losses, w_after_1 = [], math.nan
    with np.errstate(all="ignore"):
        for t in range(steps):
            idx = batches.choice(256, 32, replace=False)
            hs = [np.zeros((32, 32), f32)]
            for k in range(60):
                hs.append(np.tanh(np.einsum("bi,ij->bj", hs[-1], w) + np.einsum("bi,ij->bj", x[idx, k], u) + b))
            error = np.einsum("bi,ij->bj", hs[-1], v) + c - y[idx]
            losses.append(float(np.mean(error**2)))
            if math.isnan(losses[-1]):
                break
            d_out = 2 * error / error.size
            gv, gc = np.einsum("bi,bj->ij", hs[-1], d_out), d_out.sum(0)
            dh = np.einsum("bj,ij->bi", d_out, v)
            gw, gu, gb = np.zeros_like(w), np.zeros_like(u), np.zeros_like(b)
            for k in range(60, 0, -1):
                dz = dh * (1 - hs[k] ** 2)
                gw += np.einsum("bi,bj->ij", hs[k - 1], dz)
                gu += np.einsum("bi,bj->ij", x[idx, k - 1], dz)
                gb += dz.sum(0)
                dh = np.einsum("bj,ij->bi", dz, w)
            rate = f32(lr * min(1.0, (t + 1) / warmup) if warmup else lr)
            w, u, b, v, c = w - rate * gw, u - rate * gu, b - rate * gb, v - rate * gv, c - rate * gc
            if t == 1:
                w_after_1 = float(np.linalg.norm(w.astype(float)))
    h = np.zeros((256, 32), f32)
    with np.errstate(all="ignore"):
        for k in range(60):
            h = np.tanh(h @ w + x[:, k] @ u + b)
        final = float(np.mean((h @ v + c - y) ** 2))
    return losses, w_after_1, final


def test_patient2_threshold_theory() -> None:
    out = output("fixes/learning_rate_patient_rnn.py")
    # saturated hidden state s in {-1, +1}^32: one SGD step changes y by -2 lr e (|s|^2 + 1), so the
    # error is multiplied by 1 - 2 lr (32 + 1), of size above 1 exactly when lr > 1/33
    threshold = Fraction(1, 33)
    assert abs(1 - 2 * Fraction("0.03") * 33) < 1 < abs(1 - 2 * Fraction("0.05") * 33)
    assert value(out, "runaway threshold 1/(HIDDEN + 1)") == f"{float(threshold):.4f}" == "0.0303"
    y = adding_data()[1]
    assert value(out, "loss of predicting the mean") == f"{float(np.var(y)):.4f}" == "0.1794"
    assert abs(float(np.var(y)) - 1 / 6) < 0.02  # the variance of a sum of two uniforms
    crossing = next(s for s in range(400) if Fraction("0.05") * Fraction(s + 1, 100) > threshold)
    assert crossing == 60  # the warm-up's rate passes the threshold at step 60
    assert number(out, "lr 0.05 with warm-up: NaN at step") > crossing  # no runaway before that
    w0 = np.random.default_rng(0)
    w0.normal(size=(2, 32))
    assert round(float(np.linalg.norm(w0.normal(0.0, 2.5 / math.sqrt(32), (32, 32))))) == 14  # "near 14"
    for text in [r"\(1 - 2\eta(32 + 1)\)", r"\(\eta > 1/33 = 0.0303\)", "0.1800", "0.1794", "4.24e+06",
                 "starts near 14", "from step 60 to step 139", "19.1", "passes 0.0303 at step 60"]:
        quoted(PAGE, text)


def test_patient2_verdicts_second_implementation() -> None:
    out = output("fixes/learning_rate_patient_rnn.py")
    losses, _, _ = rnn_run(0.05, None)
    assert math.isnan(losses[-1]) and number(out, "lr 0.05: NaN at step") < 400
    losses, w1, final = rnn_run(0.03, None)
    assert not any(map(math.isnan, losses)) and len(losses) == 400  # the NaN is gone
    assert w1 > 1e4  # the explosion still happened (it starts near 14)
    assert number(out, "lr 0.03: |W| after step 1") > 1e4
    baseline = float(np.var(adding_data()[1]))
    assert final == pytest.approx(baseline, rel=0.05)  # no better than predicting the mean
    assert number(out, "lr 0.03: loss after 400 steps") == pytest.approx(baseline, rel=0.05)
    losses, w1, _ = rnn_run(0.05, 100, steps=200)
    assert math.isnan(losses[-1]) and len(losses) - 1 > 60  # NaN, but only after the threshold
    assert w1 < 100 and number(out, "lr 0.05 with warm-up: |W| after step 1") < 100  # gentler start


# ---------------------------------------------------------------- citations and the framework tabs
def test_citations() -> None:
    # Goyal et al. 2017, abstract: minibatch 8192 on 256 GPUs in one hour. The Playbook: warm-up at most
    # 10 % of training, a target rate 10x the unstable one. Quoted as written there, not derived.
    for text in ["minibatches of 8192 images on 256 GPUs in one hour", "no more than 10 % of training",
                 "ten times larger", "after five epochs", "a last resort"]:
        quoted(PAGE, text)


def closed_form(step: int, lr: Fraction = Fraction(1, 5), warmup: int = 50) -> Fraction:
    return lr * min(Fraction(1), Fraction(step + 1, warmup))


def test_warmup_schedules_match_the_closed_form() -> None:
    steps = [0, 1, 2, 48, 49, 50]
    expected = {s: f"{float(closed_form(s)):.6g}" for s in steps}
    assert [expected[s] for s in steps] == ["0.004", "0.008", "0.012", "0.196", "0.2", "0.2"]
    out = output("fixes/learning_rate_warmup.py")
    for s in steps:
        assert value(out, f"lr at step {s}") == expected[s]
    torch_out = torch_output("fixes/learning_rate_warmup_torch.py")
    for name in ["LinearLR", "LambdaLR"]:
        for s in steps:
            assert value(torch_out, f"{name}: lr at step {s}") == expected[s]
    keras_out = keras_output("fixes/learning_rate_warmup_keras.py")
    for s in steps:
        assert value(keras_out, f"LinearWarmup: lr at step {s}") == expected[s]
        # CosineDecay from 0 ramps as lr * step / W, one step behind, then decays (cos 0 = 1 at step 50)
        behind = Fraction(1, 5) * min(Fraction(1), Fraction(s, 50))
        assert value(keras_out, f"CosineDecay: lr at step {s}") == f"{float(behind):.6g}"
    for text in ["0.004, 0.008 and 0.012", "0.196 at step 48", "0.2 from step 49", "0.196 at step 49",
                 "0.2 at step 50", r"\(\eta = 0.2\)", r"\(W = 50\)"]:
        quoted(PAGE, text)
