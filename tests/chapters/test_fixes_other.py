"""fixes/other-fixes.md: every quoted number derived independently.

Patient 1 (a ReLU network, not sensitive to rounding) is re-implemented here with einsum and a backward
pass written from the recursion, to recompute the depth sweep. The batch-size numbers are checked
against the closed form E|g|^2 = |G|^2 + tr(Sigma)/B computed from the data's moments; the activation
factors against mean-field theory by quadrature; the RNN runs (rounding-sensitive after an explosion)
against invariants and closed forms.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from fractions import Fraction

import gradlab
import numpy as np
import pytest
from support import ROOT, number, output, page, quoted, torch_output, value

PAGE = "fixes/other-fixes.md"
F32 = np.float32
LINE = re.compile(r"^(?P<label>.+?): NaN step = (?P<nan>\S+), final loss = (?P<loss>\S+), "
                  r"largest gradient norm = (?P<g>\S+)$", re.MULTILINE)


def rows(name: str) -> dict[str, dict[str, str]]:
    return {m["label"]: m.groupdict() for m in LINE.finditer(output(name))}


# ---------------------------------------------------------------- settings quoted on the page
def test_settings() -> None:
    p1, p2 = gradlab.mlp_patient(), gradlab.rnn_patient()
    assert p1["steps"] == 300 and p2["steps"] == 400 and p1["optimizer"].lr == 0.001
    assert inspect.signature(gradlab.rnn_patient).parameters["init_scale"].default == 2.5
    source = (ROOT / "snippets/fixes/other_verdicts.py").read_text()
    assert "L2, L1 = 0.1, 0.01" in source and "MAX_NORM = 2**0.5" in source
    assert "INIT_SCALE = 1.5" in (ROOT / "snippets/fixes/other_penalty.py").read_text()
    quoted(PAGE, "last 20 steps", "patient 1 runs 300 steps, patient 2 runs 400", r"\(\lambda = 0.1\) for L2",
           r"\(\lambda = 0.01\) for L1", r"\(\eta = 0.001\)", "scale 1.5 instead of 2.5", "400 batches")
    assert float(1 - Fraction("0.001") * Fraction("0.1")) == 0.9999  # shrink per step, patient 1
    assert float(1 - Fraction("0.05") * Fraction("0.1")) == 0.995
    quoted(PAGE, "0.9999 per step", "0.995 per step")


# ---------------------------------------------------------------- the verdict table
def test_verdict_table_quotes_the_snippet() -> None:
    table = [line for line in page(PAGE).split("| |")]  # the table is folded into one line
    found = rows("fixes/other_verdicts.py")
    assert len(found) == 15
    for label, row in found.items():
        for key in ["nan", "loss", "g"]:
            assert f"| {row[key]} |" in " | ".join(table) or f"| {row[key]} |" in page(PAGE), (label, key)
    one, two = "patient 1, ", "patient 2, "
    # Verdicts: what survives and what does not.
    for fix in ["no fix", "batch 8", "batch 128", "L2", "L1"]:
        assert found[one + fix]["nan"] == "2"
    for fix in ["depth 6", "tanh", "max-norm"]:
        assert found[one + fix]["nan"] == "none" and float(found[one + fix]["loss"]) < 1
    for fix in ["no fix", "batch 8", "batch 128", "L2 on W", "L1 on W", "max-norm on W"]:
        assert 50 < int(found[two + fix]["nan"]) < 70  # the readout runaway, whatever the fix
    assert found[two + "max-norm on W, U, V"]["nan"] == "none"
    assert float(found[two + "max-norm on W, U, V"]["loss"]) > 1 / 6 * 100  # far worse than the mean
    quoted(PAGE, "step 2 at batch 8, 32 and 128", "step 62, 60 and 59", "ends at 0.149", "68.3")


# ---------------------------------------------------------------- fewer layers: a second implementation
def patient1(depth: int, steps: int = 300) -> tuple[str, float]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 8))
    a = rng.standard_normal(8) / math.sqrt(8)
    y = (np.sin(x @ a) + 0.05 * rng.standard_normal(256))[:, None]
    sizes = [8] + [32] * depth + [1]
    rng = np.random.default_rng(0)
    ws, bs = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        ws.append(rng.normal(0.0, 2.0 / math.sqrt(n_in), (n_in, n_out)).astype(F32))
        bs.append(np.zeros(n_out, F32))
    picks = np.random.default_rng(0)
    first = None
    with np.errstate(all="ignore"):
        for step in range(steps):
            idx = picks.choice(256, 32, replace=False)
            hs = [x[idx].astype(F32)]
            for i, (w, b) in enumerate(zip(ws, bs)):
                z = np.einsum("bi,ij->bj", hs[-1], w) + b
                hs.append(z if i == depth else np.maximum(z, F32(0)))
            err = hs[-1] - y[idx].astype(F32)
            if any(np.isnan(h).any() for h in hs) or np.isnan(np.mean(err**2)):
                return str(step), first  # the first NaN anywhere: forward pass or loss
            delta = 2 * err / err.size
            total = 0.0
            for i in reversed(range(depth + 1)):
                gw, gb = np.einsum("bi,bj->ij", hs[i], delta), delta.sum(axis=0)
                total += float(np.sum(gw.astype(float) ** 2) + np.sum(gb.astype(float) ** 2))
                if i > 0:
                    delta = np.einsum("bj,ij->bi", delta, ws[i]) * (hs[i] > 0).astype(F32)
                ws[i], bs[i] = ws[i] - F32(0.001) * gw, bs[i] - F32(0.001) * gb
                if np.isnan(gw).any() or np.isnan(ws[i]).any():
                    return str(step), first  # or in a gradient or a weight
            first = math.sqrt(total) if first is None else first
    return "none", first


def test_depth_sweep_second_implementation() -> None:
    out = output("fixes/other_depth.py")
    for depth in range(2, 11):
        nan, g0 = patient1(depth)
        printed = re.search(rf"^depth {depth}: NaN step = (\S+), .*gradient norm at step 0 = (\S+),", out, re.M)
        assert printed[1] == nan and float(printed[2]) == pytest.approx(g0, rel=2e-3)
    assert patient1(6)[0] == "none" and patient1(7)[0] == "3"
    quoted(PAGE, "Up to 6\nhidden layers".replace("\n", " "), "from 7 on it is NaN within three steps",
           "between 0.236 and 0.42", "300 steps")


def test_relu_mean_square_factor() -> None:
    # Theory: E[relu(z)^2] = Var(z)/2 exactly; Var(z) = s^2 E[h^2]: factor s^2/2 = 2 at s = 2.
    rng = np.random.default_rng(1)
    h = np.abs(rng.standard_normal((4000, 1000)))  # any input; a wide layer to check the theory
    w = rng.normal(0, 2 / math.sqrt(1000), (1000, 1000))
    ratio = np.mean(np.maximum(h @ w, 0) ** 2) / np.mean(h**2)
    assert ratio == pytest.approx(2.0, rel=0.03)
    out = output("fixes/other_depth.py")
    assert value(out, "theory: mean-square growth per ReLU layer = init_scale^2 / 2") == "2.0"
    assert 1.5 < number(out, "measured on patient 1 at step 0, layers 1 to 10") < 3.0  # width 32: noisy
    # The gradient norm grows by about the factor of both signals (2) per layer, more at width 32.
    assert 1.8 < number(out, "step-0 gradient norm, growth per extra layer (fit)") < 3.5
    quoted(PAGE, "2.34 per layer", "2.85 per extra layer", "theory says 2.0")


# ---------------------------------------------------------------- batch size: the closed form
@functools.cache
def batch_moments() -> tuple[float, float]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20_000, 10))
    y = x @ (np.ones(10) / math.sqrt(10)) + rng.standard_normal(20_000)
    # At w = 0 the per-example gradient is -2 y x: G = -2 E[y x], E|g_i|^2 = 4 E[y^2 |x|^2].
    G = -2 * np.einsum("n,nd->d", y, x) / len(y)
    second = 4 * float(np.einsum("n,n->", y**2, np.einsum("nd,nd->n", x, x))) / len(y)
    return float(G @ G), second - float(G @ G)


def test_batch_closed_form() -> None:
    out = output("fixes/other_batch.py")
    g2, trace = batch_moments()
    assert value(out, "|G|^2") == f"{g2:.3g}, tr(Sigma) = {trace:.3g}"
    for b in [1, 4, 16, 64, 256, 1024, 4096]:
        line = value(out, f"B = {b}")
        mean_sq = float(re.search(r"E\|g\|\^2 = (\S+),", line)[1])
        median = float(re.search(r"median \|g\| = (\S+)$", line)[1].replace(",", ""))
        assert mean_sq == pytest.approx(g2 + trace / b, rel=0.2)  # 400 draws: a few per cent of noise
        if b >= 64:  # the sum is nearly Gaussian: median ~ root mean square
            assert median == pytest.approx(math.sqrt(b * b * g2 + b * trace), rel=0.1)
    assert f"{g2:.3g}" == "4.09" and f"{trace:.3g}" == "85.2"
    quoted(PAGE, "92.9", "4.11", "8,305", r"\(\lVert G \rVert^2 = 4.09\)")


def test_sum_reduction_stability() -> None:
    out = output("fixes/other_batch.py")
    rng = np.random.default_rng(3)
    for b, diverges in [(32, False), (256, True)]:
        x = rng.standard_normal((b, 10))
        sharpest = 2 * np.linalg.eigvalsh(x.T @ x).max()  # curvature of the sum of b squared errors
        assert (0.005 * sharpest > 2) == diverges
        dist = number(out, f"sum reduction, lr 0.005, B = {b}: |w - w_true| after 100 steps")
        assert dist > 1e10 if diverges else dist < 1
    quoted(PAGE, "0.005", "0.227", "5.16e+20")


# ---------------------------------------------------------------- activations: mean-field theory
def mean_field(f, slope, s: float, depth: int = 10) -> float:
    nodes, weights = np.polynomial.legendre.leggauss(400)
    def expect(g, q):  # E[g(z)], z ~ N(0, q), by Gauss-Legendre on [-12 sd, 12 sd]
        z = 12 * math.sqrt(q) * nodes
        return float(np.sum(weights * g(z) * np.exp(-z**2 / (2 * q))) * 12 * math.sqrt(q) / math.sqrt(2 * math.pi * q))
    q, chis = s * s, []
    for _ in range(depth):
        chis.append(s * s * expect(lambda z: slope(z) ** 2, q))
        q = s * s * expect(lambda z: f(z) ** 2, q)
    return float(np.prod(chis[:depth - 1]) ** (1 / (depth - 1)))


def test_activation_factors() -> None:
    out = output("fixes/other_activation.py")
    sig = lambda z: 1 / (1 + np.exp(-z))
    theories = {"sigmoid": (sig, lambda z: sig(z) * (1 - sig(z))), "tanh": (np.tanh, lambda z: 1 / np.cosh(z) ** 2)}
    for s in [0.5, 1.0, 2**0.5, 2.0, 3.0]:
        for name, (f, slope) in theories.items():
            measured = number(out, f"{name}, init scale {s:.2f}: gradient mean-square factor per layer")
            assert measured == pytest.approx(mean_field(f, slope, s), rel=0.1)
        relu = number(out, f"relu, init scale {s:.2f}: gradient mean-square factor per layer")
        assert relu == pytest.approx(s * s / 2, rel=0.1)  # exactly s^2/2 in expectation
    assert mean_field(*theories["sigmoid"], 1.0) < 1 / 16
    quoted(PAGE, "0.054", "0.956", "1.971", "1.314", "0.015", "0.269", "0.239", "1.815", "0.119", "4.588",
           "scale 1.41", "10 random layers of 128 units")


# ---------------------------------------------------------------- penalties and max-norm on the RNN
def test_slow_explosion_and_its_cures() -> None:
    out = output("fixes/other_penalty.py")
    spike = re.search(r"^no fix: largest gradient norm = (\S+) at step (\d+)", out, re.M)
    assert float(spike[1]) > 1e4 and 100 < int(spike[2]) < 200  # late, not at step 0
    for fix in ["L2 on W", "max-norm on W"]:
        g = float(re.search(rf"^{fix}: largest gradient norm = (\S+)", out, re.M)[1])
        assert g < 100
        loss = float(re.search(rf"^{fix}: .*last 50 steps = (\S+)", out, re.M)[1])
        assert loss == pytest.approx(1 / 6, rel=0.15)  # no better than predicting the mean
    # The target is the sum of two independent U(0, 1): variance 2 * 1/12 = 1/6.
    assert f"{float(Fraction(2, 12)):.3f}" == "0.167"
    end = float(re.search(r"^L2 on W: .*at the end = (\S+)", out, re.M)[1])
    assert end < 1 and 1e-9 < end**30 < 1e-7  # "multiplied by about 10^-8 over 30 steps"
    assert float(re.search(r"^max-norm on W: .*largest = (\S+),", out, re.M)[1]) > 2**0.5  # radius > c
    quoted(PAGE, "0.167", "30 steps ago", r"\(10^{-8}\)", "2.01", "3.26e+05", "step 137", "3463.07",
           "2.899", "0.55", "1.92", "0.179", "0.183", "300 steps")


# ---------------------------------------------------------------- frameworks
def test_torch_reduction_and_weight_decay() -> None:
    out = torch_output("fixes/other_batch_torch.py")
    # Same model at w = 0: |G| = 2 |w_true| = 2; mean: median -> |G| at large B; sum: ~ B |G|.
    mean_1 = number(out, "reduction=mean, batch 1: median |g|")
    mean_big = number(out, "reduction=mean, batch 4096: median |g|")
    sum_1, sum_big = number(out, "reduction=sum, batch 1: median |g|"), number(out, "reduction=sum, batch 4096: median |g|")
    assert mean_big == pytest.approx(2.0, rel=0.05) and sum_big == pytest.approx(4096 * 2.0, rel=0.05)
    assert mean_1 > mean_big and 1 < sum_1 < 10
    # The values quoted (each within the theory just checked): 4.45, 2.04, 5.74, 8,302.88.
    assert (f"{mean_1:.2f}", f"{mean_big:.2f}", f"{sum_1:.2f}", f"{sum_big:,.2f}") == ("4.45", "2.04", "5.74", "8,302.88")
    quoted(PAGE, "4.45", "2.04", "5.74", "8,302.88")
    out = torch_output("fixes/other_penalty_torch.py")
    diff = number(out, "SGD: |weight_decay step - explicit penalty step| on W_hh")
    assert diff < 1e-6 and f"{diff:.1e}" == "1.5e-08"  # the same update, up to float32 rounding
    adam = number(out, "Adam(weight_decay) vs AdamW(weight_decay), largest difference on W_hh")
    # Adam's first step is +-lr per weight whatever the penalty; it differs from AdamW's by up to 2 lr.
    assert adam == pytest.approx(2 * 0.05, abs=0.005)
    quoted(PAGE, f"{diff:.1e}", f"{adam:.3f}")
