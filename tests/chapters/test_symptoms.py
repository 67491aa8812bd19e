"""symptoms/what-it-looks-like.md and symptoms/measuring-gradients.md (and the settings quoted on
symptoms/lab.md): every quoted number derived independently.

The patients are re-implemented here from the pages' description (weights drawn layer by layer from
N(0, scale^2 / fan_in), float32, SGD, batches drawn with rng.choice), with einsum in place of gradlab's
matrix products and a backward pass written from the recursion, not copied. Patient 1 is a ReLU network
and is not sensitive to rounding, so this second implementation reproduces its numbers. Patient 2's
trajectory after its first step depends on rounding (the page shows it), so for patient 2 only step-0
quantities are recomputed, and its later phases are checked against closed-form theory.
"""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction
from typing import Callable

import gradlab
import numpy as np
import pytest
from support import number, output, page, torch_output, value

LAB, LOOKS, MEASURING = "symptoms/lab.md", "symptoms/what-it-looks-like.md", "symptoms/measuring-gradients.md"
SIZES = [8] + [32] * 10 + [1]
HE = 2**0.5
F32 = np.float32
F32_MAX = float(np.finfo(F32).max)




# ---------------------------------------------------------------- patient 1, a second implementation
def regression_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 8))
    a = rng.standard_normal(8) / math.sqrt(8)
    return x, (np.sin(x @ a) + 0.05 * rng.standard_normal(256))[:, None]


def batches(steps: int, n: int = 256, size: int = 32) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.choice(n, size, replace=False) for _ in range(steps)]


def mlp_weights(scale: float) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.normal(0.0, scale / math.sqrt(n_in), (n_in, n_out)).astype(F32)
            for n_in, n_out in zip(SIZES[:-1], SIZES[1:])]


def mlp_forward(weights: list[np.ndarray], biases: list[np.ndarray], x: np.ndarray) -> list[np.ndarray]:
    outputs = [x.astype(F32)]
    for i, (w, b) in enumerate(zip(weights, biases)):
        z = np.einsum("bi,ij->bj", outputs[-1], w) + b
        outputs.append(z if i == len(weights) - 1 else np.maximum(z, F32(0)))  # relu(NaN) = NaN
    return outputs


def mlp_backward(weights: list[np.ndarray], outputs: list[np.ndarray],
                 grad_y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], list[float]]:
    """Gradients of weights and biases, and |dL/dz| per layer (index 0 = layer 1)."""
    layers = len(weights)
    gw, gb, signal = [None] * layers, [None] * layers, [0.0] * layers
    delta = grad_y
    for i in reversed(range(layers)):
        signal[i] = float(np.linalg.norm(delta.astype(float)))
        gw[i] = np.einsum("bi,bj->ij", outputs[i], delta)
        gb[i] = delta.sum(axis=0)
        if i > 0:
            delta = np.einsum("bj,ij->bi", delta, weights[i]) * (outputs[i] > 0).astype(F32)
    return gw, gb, signal


@functools.cache
def mlp_run(scale: float, steps: int = 300, lr: float = 1e-3, nudge: int = 0) -> dict:
    """Patient 1 at `scale`, trained by this file's own code; records what the pages quote."""
    x, y = regression_data()
    weights = mlp_weights(scale)
    if nudge:
        rng = np.random.default_rng(nudge)
        weights = [np.nextafter(w, rng.choice([-np.inf, np.inf], w.shape).astype(F32)) for w in weights]
    biases = [np.zeros(w.shape[1], F32) for w in weights]
    rec: dict = {"loss": [], "largest": [], "signal": [], "gw": [], "ratio": [], "total": [],
                 "outputs": [], "weights": []}
    with np.errstate(all="ignore"):
        for idx in batches(steps):
            outs = mlp_forward(weights, biases, x[idx])
            error = outs[-1] - y[idx].astype(F32)
            loss = float(np.mean(error**2))
            gw, gb, signal = mlp_backward(weights, outs, 2 * error / error.size)
            rec["loss"].append(loss)
            rec["largest"].append([float(np.max(np.abs(o))) for o in outs[1:]])
            rec["signal"].append(signal)
            rec["gw"].append(gw)
            rec["total"].append(math.sqrt(sum(float(np.sum(g.astype(float) ** 2)) for g in gw + gb)))
            rec["ratio"].append([lr * float(np.linalg.norm(g.astype(float))) / float(np.linalg.norm(w.astype(float)))
                                 for g, w in zip(gw, weights)])
            rec["outputs"].append(outs)
            rec["weights"].append(weights)
            weights = [w - F32(lr) * g for w, g in zip(weights, gw)]
            biases = [b - F32(lr) * g for b, g in zip(biases, gb)]
            if math.isnan(loss):
                break
    return rec


def first_step(values: list[float], test: Callable[[float], bool]) -> int | None:
    return next((i for i, v in enumerate(values) if test(v)), None)


def test_second_implementation_uses_gradlabs_weights_and_batches() -> None:
    run = gradlab.mlp_patient()
    for i, w in enumerate(mlp_weights(2.0), start=1):
        assert np.array_equal(run["model"].params[f"W{i}"], w)
    x, y = regression_data()
    assert np.array_equal(run["task"].x, x) and np.array_equal(run["task"].y, y)


def test_patient1_settings_on_the_lab_page() -> None:
    run, rnn = gradlab.mlp_patient(), gradlab.rnn_patient()
    assert run["optimizer"].lr == 0.001 and run["batch"] == 32 and run["model"].depth == 11
    assert rnn["optimizer"].lr == 0.05 and rnn["batch"] == 32 and rnn["task"].x.shape == (256, 60, 2)
    assert run["model"].params["W1"].dtype == F32 and rnn["model"].params["W"].dtype == F32
    text = page(LAB)
    for quoted in ["`init_scale = 2.0`", "`init_scale = 2.5`", "learning rate 0.001", "learning rate 0.05",
                   "256 sequences of 60 steps", "10 hidden ReLU layers of 32 units"]:
        assert quoted in text, quoted


def test_patient1_is_deterministic() -> None:
    a, b = gradlab.train(**gradlab.mlp_patient()), gradlab.train(**gradlab.mlp_patient())
    for field in ["loss", "grad_norm", "weight_norm", "update_ratio", "total_grad_norm"]:
        assert np.array_equal(a.array(field), b.array(field), equal_nan=True)
    assert a.first_nonfinite == b.first_nonfinite and a.first_nan == b.first_nan


def test_patient1_steps() -> None:
    out, rec, he = output("symptoms/patient_mlp.py"), mlp_run(2.0), mlp_run(HE)
    text = page(LOOKS)
    loss0, loss1 = format(rec["loss"][0], ".3g"), format(rec["loss"][1], ".3g")
    assert value(out, "step 0").startswith(f"loss = {loss0}, gradient norm = {format(rec['total'][0], '.3g')}")
    assert value(out, "step 1").startswith(f"loss = {loss1}, gradient norm = {format(rec['total'][1], '.3g')}")
    assert math.isnan(rec["loss"][2]) and value(out, "step 2").startswith("loss = nan")
    # Homogeneity: relu(c z) = c relu(z), so with zero biases the output at scale g is (g / sqrt 2)^11
    # times the output at He's scale; the step-0 loss follows from He's outputs alone.
    x, y = regression_data()
    idx = batches(1)[0]
    he_out = mlp_forward(mlp_weights(HE), [np.zeros(n, F32) for n in SIZES[1:]], x[idx])[-1].astype(float)
    assert np.mean(((2.0 / HE) ** 11 * he_out - y[idx]) ** 2) == pytest.approx(rec["loss"][0], rel=1e-4)
    for quoted in [loss0, format(he["loss"][0], ".3g"), format(rec["total"][0], ".3g"), loss1, format(rec["total"][1], ".3g")]:
        assert quoted in text, quoted
    assert [loss0, format(he["loss"][0], ".3g")] == ["787", "0.952"]


def test_patient1_first_update_and_activations() -> None:
    out, rec = output("symptoms/patient_mlp.py"), mlp_run(2.0)
    weights = math.sqrt(sum(float(np.sum(w.astype(float) ** 2)) for w in rec["weights"][0]))
    update = 0.001 * rec["total"][0]
    assert value(out, "first update") == f"|update| = {update:.3g}, |all weights| = {weights:.3g}"
    assert update > weights  # "more than the norm of all the weights together"
    layer1, top = rec["largest"][1][0], rec["largest"][1][-1]
    assert number(out, "largest |activation| at step 1, layer 1") == float(f"{layer1:.3g}")
    assert number(out, "largest |activation| at step 1, output") == float(f"{top:.3g}")
    growth = (rec["largest"][2][3] / rec["largest"][2][0]) ** (1 / 3)
    assert value(out, "at step 2, growth of the largest activation per layer, layers 1-4") == f"{growth:.1e}"
    text = page(LOOKS)
    for quoted in [f"{update:.3g}", f"{weights:.3g}", f"{layer1:.3g}", f"{top:.3g}", f"{growth:.1e}"]:
        assert quoted in text, quoted


def test_float32_limit() -> None:
    """float32 keeps 8 exponent bits and a 24-bit significand: its largest value is (2 - 2^-23) 2^127."""
    largest = (2 - Fraction(1, 2**23)) * 2**127
    assert value(output("symptoms/patient_mlp.py"), "largest float32") == f"{float(largest):.2g}" == "3.4e+38"
    assert "3.4 \\times 10^{38}" in page(LOOKS)


def test_patient1_first_inf_is_layer_5_and_nan_layer_6() -> None:
    rec = mlp_run(2.0)
    largest = rec["largest"][2]
    first_inf = first_step(largest, lambda v: not math.isfinite(v)) + 1
    first_nan = first_step(largest, math.isnan) + 1
    out = output("symptoms/patient_mlp.py")
    assert value(out, "first inf or NaN") == f"step 2, activation (layer {first_inf})"
    assert value(out, "first NaN") == f"step 2, activation (layer {first_nan})"
    assert (first_inf, first_nan) == (5, 6)
    # The page's mechanism: layer 6's product adds +inf and -inf terms from layer 5's infinite units.
    h5, w6 = rec["outputs"][2][5], rec["weights"][2][5]  # layer 5's output, layer 6's weights
    with np.errstate(all="ignore"):
        terms = h5[:, :, None] * w6[None, :, :]  # batch x unit of layer 5 x unit of layer 6
        z6 = np.einsum("bi,ij->bj", h5, w6)
    nan_entries = np.argwhere(np.isnan(z6))
    assert len(nan_entries) > 0
    for b, j in nan_entries[:20]:
        assert (terms[b, :, j] == np.inf).any() and (terms[b, :, j] == -np.inf).any()
    assert not np.isnan(h5).any() and np.isinf(h5).any()
    text = page(LOOKS)
    assert "in layer 5, as an activation" in text and "in layer 6" in text


def test_patient1_activation_figure_alt_text() -> None:
    """What the alt text says the figure shows, read off this file's own run of patient 1."""
    largest = mlp_run(2.0)["largest"]
    step0 = largest[0]
    assert round(min(step0)) == 8 and round(max(step0), -2) == 400
    assert round(math.log10(largest[1][0])) == 1 and round(math.log10(largest[1][-1])) == 7
    step2 = largest[2]
    assert round(math.log10(step2[0])) == 10 and round(math.log10(step2[3])) == 35
    assert round(math.log10(step2[3] / step2[0]) / 3) == 8  # orders of magnitude per layer, layers 1 to 4
    assert math.isinf(step2[4]) and all(math.isnan(v) for v in step2[5:])  # layer 5 inf, 6 to 11 NaN
    text = page(LOOKS)
    for quoted in ["Step 0 stays between about 8 and 400 across all layers", "from about 10 at layer 1 to about 10 to the 7",
                   "starts at 10 to the 10 at layer 1", "about 8 orders of magnitude per layer to 10 to the 35 at layer 4",
                   "on a log scale up to the float32 limit (a dashed line)"]:
        assert quoted in text, quoted


def test_the_dose_response() -> None:
    out = output("symptoms/init_dose.py")
    text = page(LOOKS)
    for scale in [HE, 1.5, 1.6, 1.7, 2.0]:
        rec = mlp_run(scale)
        loss = np.array(rec["loss"])
        finite = np.where(np.isfinite(loss), loss, np.nan)
        peak = int(np.nanargmax(finite))
        nan = first_step(rec["loss"], math.isnan)
        ending = f"NaN at step {nan}" if nan is not None else f"mean loss over steps 280-299 = {np.mean(loss[280:]):.3g}"
        expected = f"loss at step 0 = {loss[0]:.3g}, largest = {loss[peak]:.3g} at step {peak}, {ending}"
        assert value(out, f"init_scale {scale:.2f}") == expected
    he, s15, s16 = mlp_run(HE), mlp_run(1.5), mlp_run(1.6)
    for quoted in [f"{s15['loss'][0]:.3g} to {max(s15['loss']):.3g}", f"{s16['loss'][0]:.3g} to {max(s16['loss']):.3g}",
                   f"{np.mean(s16['loss'][280:]):.3g} over", f"{np.mean(he['loss'][280:]):.3g} at He's scale",
                   "NaN at step 3", "at step 2"]:
        assert quoted in text, quoted
    assert first_step(mlp_run(1.7)["loss"], math.isnan) == 3 and first_step(mlp_run(2.0)["loss"], math.isnan) == 2


def test_the_dose_response_figure_alt_text() -> None:
    he, s15, s16, s17, s20 = (mlp_run(s) for s in [HE, 1.5, 1.6, 1.7, 2.0])
    assert max(he["loss"][:8]) < 1  # "1.41 stays below 1" over the 8 steps drawn
    assert (f"{max(s15['loss']):.3g}", int(np.argmax(s15["loss"]))) == ("35.9", 2)
    assert (f"{max(s16['loss']):.3g}", int(np.argmax(s16["loss"]))) == ("518", 1)
    peak17 = max(v for v in s17["loss"] if math.isfinite(v))
    peak20 = max(v for v in s20["loss"] if math.isfinite(v))
    assert round(math.log10(peak17)) == 10 and f"{peak20:.0e}" == "5e+13"
    assert all(np.mean(r["loss"][280:]) < 1 for r in [he, s15, s16])  # the survivors all fall below 1
    text = page(LOOKS)
    for quoted in ["1.41 stays below 1; 1.50 rises to 35.9 at step 2", "1.60 jumps to 518 at step 1",
                   "1.70 climbs to about 10 to the 10 and is NaN at step 3",
                   "2.00 climbs to about 5 times 10 to the 13 and is NaN at step 2"]:
        assert quoted in text, quoted


# ---------------------------------------------------------------- patient 2
def adding_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = np.zeros((256, 60, 2))
    x[:, :, 0] = rng.uniform(0.0, 1.0, (256, 60))
    rows, first, second = np.arange(256), rng.integers(0, 30, 256), rng.integers(30, 60, 256)
    x[rows, first, 1] = x[rows, second, 1] = 1.0
    return x, (x[rows, first, 0] + x[rows, second, 0])[:, None]


def rnn_weights(scale: float) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    u = rng.normal(0.0, 1 / math.sqrt(2), (2, 32))
    w = rng.normal(0.0, scale / math.sqrt(32), (32, 32))
    v = rng.normal(0.0, 1 / math.sqrt(32), (32, 1))
    return {"U": u.astype(F32), "W": w.astype(F32), "V": v.astype(F32), "b": np.zeros(32, F32), "c": np.zeros(1, F32)}


def rnn_step(p: dict[str, np.ndarray], x: np.ndarray,
             y: np.ndarray) -> tuple[float, dict[str, np.ndarray], list[float]]:
    """One forward and backward pass through time; returns loss, gradients, |dL/dh_t| for t = 1..60."""
    x = x.astype(F32)
    hs = [np.zeros((x.shape[0], 32), F32)]
    for t in range(x.shape[1]):
        hs.append(np.tanh(np.einsum("bi,ij->bj", hs[-1], p["W"]) + np.einsum("bi,ij->bj", x[:, t], p["U"]) + p["b"]))
    out = np.einsum("bi,ij->bj", hs[-1], p["V"]) + p["c"]
    error = out - y.astype(F32)
    grad_out = 2 * error / error.size
    g = {"V": np.einsum("bi,bj->ij", hs[-1], grad_out), "c": grad_out.sum(0),
         "W": np.zeros_like(p["W"]), "U": np.zeros_like(p["U"]), "b": np.zeros_like(p["b"])}
    dh, signal = np.einsum("bj,ij->bi", grad_out, p["V"]), []
    for t in range(x.shape[1], 0, -1):
        signal.append(float(np.linalg.norm(dh.astype(float))))
        dz = dh * (1 - hs[t] ** 2)
        g["W"] += np.einsum("bi,bj->ij", hs[t - 1], dz)
        g["U"] += np.einsum("bi,bj->ij", x[:, t - 1], dz)
        g["b"] += dz.sum(0)
        dh = np.einsum("bj,ij->bi", dz, p["W"])
    return float(np.mean(error**2)), g, signal[::-1]


@functools.cache
def rnn_run(scale: float, steps: int, lr: float = 0.05) -> dict:
    x, y = adding_data()
    p = rnn_weights(scale)
    rec: dict = {"loss": [], "signal": [], "ratio_w": [], "total": []}
    for idx in batches(steps):
        loss, g, signal = rnn_step(p, x[idx], y[idx])
        rec["loss"].append(loss)
        rec["signal"].append(signal)
        rec["ratio_w"].append(lr * float(np.linalg.norm(g["W"])) / float(np.linalg.norm(p["W"])))
        rec["total"].append(math.sqrt(sum(float(np.sum(v.astype(float) ** 2)) for v in g.values())))
        p = {k: p[k] - F32(lr) * g[k] for k in p}
    return rec


def test_rnn_weights_match_gradlab() -> None:
    model = gradlab.rnn_patient()["model"]
    for name, w in rnn_weights(2.5).items():
        assert np.array_equal(model.params[name], w)
    x, y = adding_data()
    task = gradlab.rnn_patient()["task"]
    assert np.array_equal(task.x, x) and np.array_equal(task.y, y)


def test_spectral_radius_by_gelfand() -> None:
    """rho(W) = lim |W^k v|^(1/k): repeated multiplication, a different algorithm from eigvals."""
    w = rnn_weights(2.5)["W"].astype(float)
    v, log_growth, k = np.ones(32) / math.sqrt(32), 0.0, 4000
    for _ in range(k):
        v = w @ v
        size = np.linalg.norm(v)
        log_growth, v = log_growth + math.log(size), v / size
    rho = math.exp(log_growth / k)
    printed = number(output("symptoms/patient_rnn.py"), "spectral radius of W at step 0")
    assert printed == pytest.approx(rho, abs=0.01)
    assert f"{printed:.2f}" == "3.00" and "3.00" in page(LOOKS) and "3.00" in page(LAB)
    # the circular law's 2.5 is the large-size limit; this draw is 20 % above it
    assert abs(rho / 2.5 - 1) < 0.25


def test_patient2_step_zero() -> None:
    rec = rnn_run(2.5, 1)
    ratio = rec["signal"][0][0] / rec["signal"][0][-1]
    out = output("symptoms/patient_rnn.py")
    assert value(out, "step 0: |dL/dh_1| / |dL/dh_60|") == f"{ratio:.2g}" == "1.2e+04"
    assert value(out, "step 0: update / weight for W") == f"{rec['ratio_w'][0]:.2g}" == "9.5"
    for text in [page(LOOKS), page(MEASURING)]:
        assert "1.2e+04" in text and "9.5" in text


def test_patient2_runaway_rate_from_theory() -> None:
    """Once every hidden vector is the same s in {-1, 1}^32, one SGD step changes the mean error e by
    -2 lr e (|s|^2 + 1): e is multiplied by 1 - 2 * 0.05 * 33 = -2.3, the loss by 5.29, and the readout
    V grows along s by 2 lr (|s|^2 + 1) = 3.3 times its size each step."""
    factor = 1 - 2 * Fraction(5, 100) * 33
    assert factor == Fraction(-23, 10)
    out = output("symptoms/patient_rnn.py")
    assert value(out, "theory, every unit saturated: (1 - 2 lr (hidden + 1))^2") == f"{float(factor**2):.3f}" == "5.290"
    assert number(out, "loss growth per step, step 20 to the first inf") == pytest.approx(5.29, rel=0.1)
    text = page(LOOKS)
    assert "= 5.290 per step" in text and "-2.3 \\, e" in text and "2.3 times per step" in text
    ratio_v = float(2 * Fraction(5, 100) * 33)
    out_u = output("symptoms/update_ratio.py")
    assert value(out_u, "theory for V once saturated, 2 lr (hidden + 1)") == f"{ratio_v:.2g}" == "3.3"
    assert number(out_u, "RNN, patient 2: update / weight for V, median over steps 20-50") == pytest.approx(ratio_v, rel=0.05)
    assert "3.3" in page(MEASURING)


def test_patient2_overflow_order() -> None:
    out = output("symptoms/patient_rnn.py")
    first_inf, first_nan = value(out, "first inf or NaN"), value(out, "first NaN")
    assert first_inf.endswith(", loss") and first_nan.endswith(", gradient (W)")
    assert int(first_inf.split(",")[0].split()[1]) < int(first_nan.split(",")[0].split()[1])
    # The page's two float32 facts: NumPy's mean sums before dividing, so 32 squared errors of 2e37
    # overflow although their mean does not; and inf times a saturated slope of exactly 0 is NaN.
    with np.errstate(all="ignore"):
        assert np.mean(np.full(32, 2e37, F32)) == np.inf and 2e37 < F32_MAX
        assert np.isnan(F32(np.inf) * (F32(1) - F32(1.0) ** 2))
    text = page(LOOKS)
    assert "The first non-finite value is the **loss**" in " ".join(text.split()) and "**gradient of \\( W \\)**" in text


def test_patient2_figure_alt_text() -> None:
    """The loss overflows when NumPy's float32 sum of 32 squared errors passes the float32 maximum, so the
    last finite loss is at most F32_MAX / 32; the step before overflow grew it by the runaway factor
    (1 - 2 * 0.05 * 33)^2 = 5.29, within the 10 % the runaway test allows, so it is at least
    F32_MAX / 32 / (5.29 * 1.1). The figure's top line ends in that window, at about 10 to the 37."""
    out = output("symptoms/patient_rnn.py")
    low, high = F32_MAX / 32 / (5.29 * 1.1), F32_MAX / 32
    loss_line = value(out, "largest finite loss")
    largest_loss = float(loss_line.split(",")[0])
    assert low < largest_loss <= high * 1.001 and round(math.log10(largest_loss)) == 37
    assert round(math.log10(rnn_run(2.5, 1)["loss"][0])) == 0  # the patient starts at a loss of about 1
    assert round(math.log10(float(loss_line.split("gradient norm = ")[1]))) == 21
    norms = dict(item.split(" = ") for item in value(out, "weight norms at step 2").split(", "))
    assert round(math.log10(float(norms["|W|"]))) == 5 and round(math.log10(float(norms["|U|"]))) == 4
    assert round(math.log10(number(out, "largest finite |V|"))) == 20
    text = page(LOOKS)
    for quoted in ["from about 1 to 10 to the 37", "straight rise to 10 to the 21",
                   "W near 10 to the 5 and U near 10 to the 4", "V rises along a straight line to 10 to the 20"]:
        assert quoted in text, quoted


def test_no_traction_baseline() -> None:
    """Predicting the mean of u1 + u2 (independent uniforms on [0, 1)) costs Var = 2/12 = 1/6. The calm
    run's mean over 50 batches of 32 scatters around it by about sqrt(Var(e^2) / 1600) = 0.005, with
    Var(e^2) = E e^4 - (E e^2)^2 = 1/15 - 1/36 for the triangular e on [-1, 1]; allow three of those."""
    baseline = 2 * Fraction(1, 12)
    var_e2 = Fraction(1, 15) - baseline**2
    tolerance = 3 * math.sqrt(var_e2 / 1600)
    printed = number(output("symptoms/patient_rnn.py"), "init_scale 1.0: mean loss over steps 50-99")
    assert abs(printed - float(baseline)) < tolerance
    assert f"{printed:.3f}" in page(LOOKS)
    assert "\\frac{1}{6}" in page(LOOKS)


def test_patient2_is_deterministic() -> None:
    a, b = gradlab.train(**gradlab.rnn_patient()), gradlab.train(**gradlab.rnn_patient())
    assert np.array_equal(a.array("loss"), b.array("loss"), equal_nan=True)
    assert a.first_nonfinite == b.first_nonfinite and a.first_nan == b.first_nan


def test_sensitivity() -> None:
    out = output("symptoms/sensitivity.py")
    mlp_steps = [first_step(mlp_run(2.0, 10, nudge=n)["loss"], math.isnan) for n in range(4)]
    assert mlp_steps == [2, 2, 2, 2]
    assert value(out, "mlp_patient: first NaN at steps") == "[2, 2, 2, 2] (unnudged first)"
    rnn_steps = value(out, "rnn_patient: first NaN at steps")
    assert len(set(rnn_steps.split("]")[0].strip("[").split(","))) > 1  # "end at different steps"
    # Independently: nudge patient 2's weights here, one float32 step each, and compare step 1.
    x, y = adding_data()
    idx0, idx1 = batches(2)
    norms = []
    for n in range(4):
        p = rnn_weights(2.5)
        rng = np.random.default_rng(100 + n)
        if n:
            p = {k: np.nextafter(w, rng.choice([-np.inf, np.inf], w.shape).astype(F32)) for k, w in p.items()}
        _, g, _ = rnn_step(p, x[idx0], y[idx0])
        p = {k: p[k] - F32(0.05) * g[k] for k in p}
        _, g, _ = rnn_step(p, x[idx1], y[idx1])
        norms.append(math.sqrt(sum(float(np.sum(v.astype(float) ** 2)) for v in g.values())))
    assert max(norms) / min(norms) > 100  # "differ by orders of magnitude"
    assert "Patient 1 reaches NaN at step 2 in all four runs" in page(LOOKS)


# ---------------------------------------------------------------- measuring gradients
def test_heatmap_ratios() -> None:
    out = output("symptoms/gradient_heatmap.py")
    calm = rnn_run(1.0, 60)
    ratios = [s[0] / s[-1] for s in calm["signal"]]
    patient = rnn_run(2.5, 1)
    assert value(out, "init_scale 1.0: |dL/dh_1| / |dL/dh_60| at step 0") == f"{ratios[0]:.2g}, at step 59 = {ratios[59]:.2g}"
    assert value(out, "patient 2, init_scale 2.5: |dL/dh_1| / |dL/dh_60| at step 0").startswith(
        f"{patient['signal'][0][0] / patient['signal'][0][-1]:.2g}")
    text = page(MEASURING)
    assert f"{ratios[0]:.2g}" == "0.21" and "0.21" in text and f"{ratios[59]:.2g}" in text


# Finite-width tolerance for the growth law E|delta_(l-1)|^2 = (g^2 / 2) E|delta_l|^2 of a ReLU layer:
# at width 32 about 16 units pass the gradient, so a layer's squared-norm ratio scatters like
# chi^2_16 / 16, whose log has variance about 2 / 16; the log of the norm ratio, half of it, has a
# standard deviation near sqrt(2 / 16) / 2 = 0.18 per layer. The log signal is a random walk of those
# steps, and the per-layer growth estimated over 9 or 10 layers has a standard deviation near 0.18 /
# sqrt(9) = 0.06 (endpoints) or 0.18 * sqrt(6 / 50) = 0.06 (least squares on a random walk). Three of those:
GROWTH_TOLERANCE = 3 * 0.06


def test_signal_growth_across_depth() -> None:
    out = output("symptoms/gradient_depth.py")
    tolerance = GROWTH_TOLERANCE
    layers = np.arange(1, 11)
    for scale in [HE, 1.6, 2.0]:
        signal = np.array(mlp_run(scale, 1)["signal"][0])
        slope = np.polyfit(layers, np.log10(signal[:10]), 1)[0]
        growth, theory = 10**-slope, scale / HE
        assert abs(math.log(growth / theory)) < tolerance
        expected = f"signal grows by {growth:.3f} per layer towards the input (theory {theory:.3f})"

        lines = [l for l in out.splitlines() if l.startswith(f"init_scale {scale:.2f}: signal")]
        assert lines == [f"init_scale {scale:.2f}: {expected}"]
        assert f"{growth:.3f}" in page(MEASURING) and f"{theory:.3f}" in page(MEASURING)


def test_weight_gradients_across_depth() -> None:
    out = output("symptoms/gradient_depth.py")
    text = page(MEASURING)
    for scale in [HE, 1.6, 2.0]:
        norms = [float(np.linalg.norm(g.astype(float))) for g in mlp_run(scale, 1)["gw"][0]]
        line = f"init_scale {scale:.2f}: |dL/dW| from {min(norms):.3g} to {max(norms):.3g}"
        assert line in out.splitlines()
        assert int(np.argmax(norms)) >= 8  # largest towards the output, at every scale
        if scale != 1.6:
            assert f"from {min(norms):.3g} to {max(norms):.3g}" in text


def test_histograms() -> None:
    out = output("symptoms/gradient_histograms.py")
    text = page(MEASURING)
    layers = [0, 3, 6, 9]  # layers 1, 4, 7, 10
    for scale, step in [(HE, 0), (2.0, 0), (2.0, 1)]:
        entries = np.concatenate([mlp_run(scale, 2)["gw"][step][i].ravel() for i in layers]).astype(float)
        expected = (f"median |gradient entry| = {np.median(np.abs(entries)):.3g}, "
                    f"share above 1 = {np.mean(np.abs(entries) > 1):.0%}, share exactly 0 = {np.mean(entries == 0):.0%}")
        assert value(out, f"init_scale {scale:.2f}, step {step}") == expected
    he0 = np.concatenate([mlp_run(HE, 2)["gw"][0][i].ravel() for i in layers])
    p0 = np.concatenate([mlp_run(2.0, 2)["gw"][0][i].ravel() for i in layers])
    p1 = np.concatenate([mlp_run(2.0, 2)["gw"][1][i].ravel() for i in layers]).astype(float)
    for quoted in [f"{np.median(np.abs(he0)):.3g}", f"{np.median(np.abs(p0)):.3g}", f"{np.mean(p1 == 0):.0%}".replace("%", " %"),
                   f"{np.mean(p0 == 0):.0%}".replace("%", " %")]:
        assert quoted in text, quoted
    assert 1e10 < np.median(np.abs(p1[p1 != 0])) < 1e12  # "the rest sit near 10^11"


def test_depth_figure_alt_text() -> None:
    """The left panel's levels, from this file's backward pass (index 0 = layer 1, index 10 = the output)."""
    he, s16, s20 = (mlp_run(s, 1)["signal"][0] for s in [HE, 1.6, 2.0])
    assert all(0.25 < v < 0.45 for v in he)  # "flat near 0.3"
    assert (round(s16[10]), round(s16[0])) == (1, 3)
    assert (f"{s20[10]:.0e}", f"{s20[0]:.0e}") == ("1e+01", "3e+02")  # about 10 and about 300
    text = page(MEASURING)
    for quoted in ["at init_scale 1.41 it is flat near 0.3", "at 1.60 it rises gently from about 1 at the output to 3 at layer 1",
                   "at 2.00 it rises from about 10 at the output to about 300 at layer 1"]:
        assert quoted in text, quoted


def test_histogram_figure_alt_text() -> None:
    """Where each layer's histogram of log10 |entry| peaks, binned on the figure's grid (bins of 0.25
    decades from -6), with this file's gradients: the alt text's decade ranges."""
    edges = -6 + 0.25 * np.arange(89)
    for scale, step, lowest, highest in [(HE, 0, -2, 0), (2.0, 0, 1, 3), (2.0, 1, 11, 13)]:
        for layer in [0, 3, 6, 9]:
            entries = np.abs(mlp_run(scale, 2)["gw"][step][layer].astype(float).ravel())
            counts, _ = np.histogram(np.log10(entries[entries > 0]), bins=edges)
            peak = int(np.argmax(counts))
            assert lowest <= edges[peak] and edges[peak + 1] <= highest, (scale, step, layer)
    text = page(MEASURING)
    for quoted in ["step 0, the histograms peak between 10 to the minus 2 and 1",
                   "step 0, they peak between 10 and 1000", "step 1, they peak between 10 to the 11 and 10 to the 13"]:
        assert quoted in text, quoted


def test_update_ratio_figure_alt_text() -> None:
    ratios = np.array(mlp_run(HE, 100)["ratio"])
    assert round(math.log10(np.median(ratios.max(axis=1)))) == -3  # largest layer: around 10 to the minus 3
    assert round(math.log10(np.median(ratios.min(axis=1)))) == -4  # smallest layer: near 10 to the minus 4
    assert "the smallest layer's near 10 to the minus 4 for 100 steps" in page(MEASURING)


def test_update_ratios() -> None:
    out = output("symptoms/update_ratio.py")
    text = page(MEASURING)
    for scale, label in [(HE, "He's scale"), (1.6, "init_scale 1.6"), (2.0, "patient 1")]:
        ratios = np.array(mlp_run(scale, 100)["ratio"])
        expected = (f"median over layers and steps = {np.nanmedian(ratios):.2g}, largest at step 0 = "
                    f"{np.nanmax(ratios[0]):.2g}, at step 1 = {np.nanmax(ratios[1]):.2g}")
        assert value(out, f"MLP, {label}") == expected
    he, s16, p = (np.array(mlp_run(s, 100)["ratio"]) for s in [HE, 1.6, 2.0])
    for quoted in [f"{np.nanmax(p[0]):.2g}", f"{np.nanmax(p[1]):.2g}", f"{np.nanmax(s16[1]):.2g}", f"{np.nanmedian(he):.2g}"]:
        assert quoted in text, quoted
    calm = rnn_run(1.0, 1)
    assert value(out, "RNN, init_scale 1.0: update / weight for W at step 0") == f"{calm['ratio_w'][0]:.2g}"
    assert f"{calm['ratio_w'][0]:.2g}" in text
    assert "is at 8.5 before it has taken a single step" in text


def test_the_folk_sign() -> None:
    """Multiplying a float by a power of 2 is exact (no overflow or underflow here), so scaling the loss
    by 2^16 and the learning rate by 2^-16 leaves every SGD step, bit for bit, unchanged."""
    out = output("symptoms/above_one.py")
    text = page(MEASURING)
    rng = np.random.default_rng(1)
    g, lr = rng.standard_normal(1000).astype(F32), F32(1e-3)
    assert np.array_equal((lr / F32(2**16)) * (g * F32(2**16)), lr * g)
    cases = {"He's scale": (HE, 1.0), "He's scale, loss x 2^16": (HE, 2.0**16),
             "patient 1": (2.0, 1.0), "patient 1, loss x 2^-16": (2.0, 2.0**-16)}
    for name, (scale, multiplier) in cases.items():
        rec = mlp_run(scale)
        smallest = min(float(np.linalg.norm(g.astype(float))) for g in rec["gw"][0]) * multiplier
        entries = np.concatenate([g.ravel() for g in rec["gw"][0]]).astype(float) * multiplier
        ratio = max(rec["ratio"][0])
        line = value(out, name)
        assert line.startswith(f"smallest layer |dL/dW| = {smallest:.3g}, entries above 1 = "
                               f"{np.mean(np.abs(entries) > 1):.0%}, largest update / weight = {ratio:.2g}")
        assert f"{smallest:.3g}" in text
    assert value(out, "same loss at every step, He's scale and He's scale, loss x 2^16") == "True"
    assert value(out, "same loss at every step, patient 1 and patient 1, loss x 2^-16") == "True"
    assert value(out, "patient 1, loss x 2^-16").endswith("NaN at step 2")
    for quoted in ["(0 %)", "63 %", "0.012 in both healthy runs and 8.5"]:
        assert quoted in text, quoted


def test_gradient_check_on_the_lab_page() -> None:
    out = output("symptoms/lab_gradcheck.py")
    errors = [float(line.split("=")[1]) for line in out.splitlines()]
    assert len(errors) == 4 and max(errors) < 1e-8
    assert "below \\( 10^{-8} \\)" in page(LAB)


# ---------------------------------------------------------------- the PyTorch tabs
def test_pytorch_patient_fails_within_a_few_steps() -> None:
    out = torch_output("symptoms/patient_mlp_torch.py")
    first_bad, first_nan = value(out, "first non-finite"), value(out, "first NaN")
    step_bad, step_nan = int(first_bad.split(",")[0].split()[1]), int(first_nan.split(",")[0].split()[1])
    assert step_bad <= step_nan <= 5 and "(NaN)" in first_nan


def test_pytorch_depth_profile_matches_theory() -> None:
    """Same finite-width tolerance as above: PyTorch draws other weights, the law is the same."""
    out = torch_output("symptoms/gradient_depth_torch.py")
    for scale in [HE, 1.6, 2.0]:
        line = next(l for l in out.splitlines() if l.startswith(f"init_scale {scale:.2f}: signal"))
        growth = float(line.split("signal grows by ")[1].split()[0])
        assert abs(math.log(growth / (scale / HE))) < GROWTH_TOLERANCE


def test_update_ratio_and_reparameterisation() -> None:
    """W = sV: dL/dV = s dL/dW. SGD matches |dV|/|V| to |dW|/|W| only at lr / s^2; Adam (first step,
    written out: m_hat = g, v_hat = g^2) only at lr / s. Neither is invariant at an unchanged lr."""
    rng = np.random.default_rng(1)
    W, x, t = rng.normal(size=(4, 3)), rng.normal(size=(3, 8)), rng.normal(size=(4, 8))
    grad_w = (W @ x - t) @ x.T  # L = |Wx - t|^2 / 2
    s, lr = 8.0, 0.01
    V, grad_v = W / s, s * grad_w

    def ratio(step: np.ndarray, weight: np.ndarray) -> float:
        return float(np.linalg.norm(step) / np.linalg.norm(weight))

    def adam(g: np.ndarray, rate: float) -> np.ndarray:
        return rate * g / (np.sqrt(g * g) + 1e-8)

    reference_sgd, reference_adam = ratio(lr * grad_w, W), ratio(adam(grad_w, lr), W)
    assert ratio(lr / s**2 * grad_v, V) == pytest.approx(reference_sgd, rel=1e-12)
    assert ratio(lr * grad_v, V) == pytest.approx(s**2 * reference_sgd, rel=1e-12)  # not invariant
    assert ratio(adam(grad_v, lr / s), V) == pytest.approx(reference_adam, rel=1e-6)
    assert ratio(adam(grad_v, lr / s**2), V) == pytest.approx(reference_adam / s, rel=1e-6)  # SGD's rule fails
    text = page(MEASURING)
    assert "and to reparameterisation" not in text  # the old claim
    assert r"to \( \eta / s^2 \) with SGD and to \( \eta / s \) with Adam" in text
    assert r"(under Adam the matching learning rate is \( \eta / s \))" in text


def test_zero_share_is_printed_not_drawn_and_weight_gradient_levels_are_one_then_two_decades_apart() -> None:
    hist = output("symptoms/gradient_histograms.py")
    assert "share exactly 0 = 35%" in value(hist, "init_scale 2.00, step 0: median |gradient entry|")
    text = page(MEASURING)
    assert "in the histograms above 35 % are exactly 0" not in text  # a log10 histogram cannot show a zero
    assert r"35 % are exactly 0 (the histogram snippet prints that share; a histogram of \( \log_{10} \) cannot draw a zero)" in text
    depth = output("symptoms/gradient_depth.py")
    levels = {scale: [float(v) for v in re.search(rf"^init_scale {scale}: \|dL/dW\| from (\S+) to (\S+)$", depth, re.M).groups()]
              for scale in ["1.41", "1.60", "2.00"]}
    for end in range(2):
        assert round(math.log10(levels["1.60"][end] / levels["1.41"][end])) == 1
        assert round(math.log10(levels["2.00"][end] / levels["1.60"][end])) == 2
        # Theory: with the output far above the target, scaling all 11 weight matrices by c scales the
        # residual by c^11 and each weight gradient's other factors by c^10: c^21 in all.
        assert levels["2.00"][end] / levels["1.60"][end] == pytest.approx((2.00 / 1.60) ** 21, rel=0.15)
    assert "about a decade apart" not in text
    assert "1.60 sits about one decade above 1.41, and 2.00 about two decades above 1.60" in text


def test_the_adding_problem_is_cited_in_the_version_the_lab_uses() -> None:
    """gradlab.adding_task draws values in [0, 1) and targets their plain sum (Le, Jaitly and Hinton 2015);
    Hochreiter and Schmidhuber (1997) used values in [-1, 1] and the target 0.5 + (x1 + x2) / 4."""
    task = gradlab.adding_task(n=64, steps=20, seed=3)
    values, markers = task.x[:, :, 0], task.x[:, :, 1]
    assert values.min() >= 0 and values.max() < 1 and (markers.sum(axis=1) == 2).all()
    np.testing.assert_allclose(task.y[:, 0], (values * markers).sum(axis=1), rtol=0, atol=1e-12)
    for path in [LAB, LOOKS]:
        text = page(path)
        assert "Le, Jaitly and Hinton (2015)" in text and r"\( [-1, 1] \)" in text
        assert "Hochreiter and Schmidhuber's adding problem |" not in text
    assert r"scaled the target to \( 0.5 + (x_1 + x_2)/4 \)" in page(LOOKS)
