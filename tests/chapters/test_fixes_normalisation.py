"""fixes/normalisation.md: every number derived independently.

Batch norm's output distribution by erf and by the exact identities of standardised values; the scale
invariance by a per-feature loop implementation of batch norm and central finite differences; the
growth of the gradient with depth by the mean-field rates (B-2)/(B-3) (linear) and pi/(pi-1) (ReLU,
large batch), with a stated tolerance; the patient runs by a second implementation in PyTorch autograd
(weights and batches drawn as the page describes); running averages by the two libraries' update rules
written in exact arithmetic, and checked against the libraries themselves.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from support import ROOT, keras_output, number, output, page, quoted, torch_output, value

PAGE = "fixes/normalisation.md"
SNIPPETS = ROOT / "snippets" / "fixes"


def constant(snippet: str, name: str) -> str:
    """The literal a snippet assigns to a named constant (`NAME = 500` or `A, NAME = 1, 500`)."""
    source = (SNIPPETS / snippet).read_text()
    for line in source.splitlines():
        match = re.match(r"^([A-Z_, ]+) = ([^#]+)", line)
        if match:
            names = [n.strip() for n in match[1].split(",")]
            values = [v.strip() for v in match[2].split(",")] if len(names) > 1 else [match[2].strip()]
            if name in names:
                return values[names.index(name)]
    raise AssertionError(f"{snippet} has no constant {name}")


# ---------------------------------------------------------------- batch norm does not clamp
def test_outputs_are_not_squashed_into_minus_one_one() -> None:
    out = output("fixes/normalisation_histogram.py")
    gaussian = 1 - math.erf(1 / math.sqrt(2))  # P(|N(0, 1)| > 1)
    assert f"{100 * gaussian:.1f}" == "31.7"
    quoted(PAGE, r"1 - \operatorname{erf}(1/\sqrt{2}) = 31.7\,\%", "the Gaussian's 31.7 %")
    measured = float(value(out, "fraction of outputs outside [-1, 1]").rstrip("%")) / 100
    batch, features = int(constant("normalisation_histogram.py", "BATCH")), int(
        constant("normalisation_histogram.py", "FEATURES"))
    assert batch * features == 16_384 and "A histogram of 16,384 batch-norm outputs" in page(PAGE)
    # sampling noise of a proportion over 16,384 values (rows within a feature are not independent after
    # standardising, but the correction is O(1/batch)): 4 standard errors
    assert abs(measured - gaussian) < 4 * math.sqrt(gaussian * (1 - gaussian) / (batch * features))
    quoted(PAGE, "31.6 % of them lie outside")
    assert value(out, "batch norm output: mean").endswith("standard deviation = 1.0000")
    # Standardised values of one feature sum to 0 and their squares to B, so |value| <= sqrt(B - 1).
    assert number(out, "largest |output|") <= math.sqrt(batch - 1)
    spike_batch = int(constant("normalisation_histogram.py", "OUTLIER_BATCH"))
    assert spike_batch == 32 and f"{math.sqrt(spike_batch - 1):.3f}" == "5.568"
    # One value M among B - 1 zeros: deviation M (B-1)/B, variance M^2 (B-1)/B^2, so sqrt(B - 1) exactly.
    m, b = 1e6, spike_batch
    standardised = (m * (b - 1) / b) / math.sqrt(m * m * (b - 1) / b**2 + 1e-5)
    assert value(out, f"outlier in a batch of {spike_batch}: output") == f"{standardised:.3f}" == "5.568"
    quoted(PAGE, r"\(\sqrt{31} = 5.568\)", "in a batch of 32")


# ---------------------------------------------------------------- scale invariance
def loop_batch_norm_loss(V: np.ndarray, u: np.ndarray, c: np.ndarray, eps: float) -> float:
    """L = sum(c * BN(u V)), one feature at a time, with Python sums."""
    total = 0.0
    for j in range(V.shape[1]):
        z = [float(sum(u[b, i] * V[i, j] for i in range(V.shape[0]))) for b in range(u.shape[0])]
        mu = sum(z) / len(z)
        var = sum((x - mu) ** 2 for x in z) / len(z)
        total += sum(c[b, j] * (z[b] - mu) / math.sqrt(var + eps) for b in range(len(z)))
    return total


def finite_difference_gradient(V, u, c, eps):
    g = np.zeros_like(V)
    for i in range(V.shape[0]):
        for j in range(V.shape[1]):
            h = 1e-5 * max(abs(V[i, j]), 1e-3 * np.abs(V).max())
            plus, minus = V.copy(), V.copy()
            plus[i, j] += h
            minus[i, j] -= h
            g[i, j] = (loop_batch_norm_loss(plus, u, c, eps) - loop_batch_norm_loss(minus, u, c, eps)) / (2 * h)
    return g


def test_scale_invariance_and_gradient() -> None:
    out = output("fixes/normalisation_scale.py")
    eps = float(constant("normalisation_scale.py", "EPS"))
    assert eps == 1e-5
    quoted(PAGE, r"\(\epsilon = 10^{-5}\)")
    rng = np.random.default_rng(0)  # the snippet's inputs, drawn in the same order
    u = rng.standard_normal((32, 16))
    W = rng.normal(0.0, 1 / np.sqrt(16), (16, 8))
    c = rng.standard_normal((32, 8))
    g1 = np.linalg.norm(finite_difference_gradient(W, u, c, eps))
    for a, printed in [(1e-3, "0.001"), (1e-1, "0.1"), (1e1, "10")]:
        ga = np.linalg.norm(finite_difference_gradient(a * W, u, c, eps))
        line = value(out, f"a = {printed}: max |BN(a W u) - BN(W u)|")
        ratio = float(line.split("=")[-1])
        assert ratio == pytest.approx(a * ga / g1, abs=2e-4)
        if a >= 0.1:
            assert abs(ratio - 1) < 1e-3
    quoted(PAGE, "the ratio is 0.2604", "is 1.0000")
    assert 0.2 < float(value(out, "a = 0.001: max |BN(a W u) - BN(W u)|").split("=")[-1]) < 0.3
    # outputs at a = 10 and a = 1000 agree with a = 1 up to the eps term: below 5e-5
    for a in ["10", "1000"]:
        diff = float(value(out, f"a = {a}: max |BN(a W u) - BN(W u)|").split(",")[0])
        assert diff < 5e-5
    quoted(PAGE, r"agree to within \(5 \times 10^{-5}\)")
    # with eps = 0 the gradient is exactly orthogonal to W; eps leaves a cosine of order eps / var
    cosine = number(out, "cosine between W and dL/dW")
    assert abs(cosine) < 1e-5 and value(out, "cosine between W and dL/dW") == "-1.1e-06"
    quoted(PAGE, r"\(-1.1 \times 10^{-6}\)")
    scales = constant("normalisation_scale.py", "SCALES")
    assert scales == "np.logspace(-3, 3, 25)"  # a = 0.001 to 1000, as the alt text says
    quoted(PAGE, "from a = 0.001 to 1000", "from a = 0.01 upwards", "below a = 0.01")


# ---------------------------------------------------------------- gradient growth with depth
TOLERANCE = 0.03  # width 500 and 20 fitted layers: a few per cent of finite-width noise


def linear_rate(batch: int) -> Fraction:
    """E[1/chi^2_{B-1}] (B-1) times the projection's (B-2)/(B-1): (B-2)/(B-3)."""
    return Fraction(batch - 2, batch - 3)


def test_batch_norm_gradient_explosion_matches_mean_field() -> None:
    out = output("fixes/normalisation_depth.py")
    assert constant("normalisation_depth.py", "WIDTH") == "500" and constant("normalisation_depth.py", "DEPTH") == "30"
    assert constant("normalisation_depth.py", "SKIP") == "5"  # fitted between layers 5 and 30 - 5 = 25
    quoted(PAGE, "width 500 and depth 30", "between layers 5 and 25")
    assert f"{100 * TOLERANCE:.0f}" == "3"
    quoted(PAGE, "within 3 % of the theory")
    relu_limit = math.pi / (math.pi - 1)  # 1/2 through the ReLU over the batch variance 1/2 - 1/(2 pi)
    assert Fraction(1, 2) / (Fraction(1, 2) - Fraction(1, 2) / Fraction(math.pi)) == pytest.approx(relu_limit)
    assert value(out, "theory, ReLU, large batch: pi/(pi-1)") == f"{relu_limit:.4f}" == "1.4669"
    assert value(out, "theory, linear, batch 6, 8, 32: (B-2)/(B-3)") == ", ".join(
        f"{float(linear_rate(b)):.4f}" for b in (6, 8, 32))
    rates = {}
    for batch in (6, 8, 32):
        rates["linear", batch] = number(out, f"linear, batch norm, batch {batch}: growth of |gradient|^2 per layer")
        assert rates["linear", batch] == pytest.approx(float(linear_rate(batch)), rel=TOLERANCE)
        quoted(PAGE, f"{rates['linear', batch]:.4f} against {float(linear_rate(batch)):.4f}")
    for batch in (8, 32, 128):
        rates["relu", batch] = number(out, f"ReLU, batch norm, batch {batch}: growth of |gradient|^2 per layer")
    assert rates["relu", 128] == pytest.approx(relu_limit, rel=TOLERANCE)
    quoted(PAGE, "1.4715 against")
    # small batches are worse, and the large-batch limit is approached from above
    assert rates["relu", 8] > rates["relu", 32] > rates["relu", 128] > relu_limit * (1 - TOLERANCE)
    assert rates["linear", 6] > rates["linear", 8] > rates["linear", 32]
    quoted(PAGE, "1.7781 per layer at \\(B = 8\\) and 1.5158 at \\(B = 32\\)")
    # decades between layer 1 and layer 30 in the figure: 29 factors
    assert round(29 * math.log10(rates["relu", 8])) == 7 and round(29 * math.log10(rates["relu", 32])) == 5
    for name in ("ReLU, layer norm", "ReLU, no norm, He init"):
        assert number(out, f"{name}, batch 32: growth of |gradient|^2 per layer") == pytest.approx(1, rel=TOLERANCE)
    quoted(PAGE, "Layer norm (0.9973)", "without a norm (0.9958)")
    assert linear_rate(4) == 2  # B = 3: E[1/chi^2_2] = integral of e^{-x/2}/(2x) diverges at 0
    quoted(PAGE, "at \\(B = 4\\) would be 2", "infinite at \\(B = 3\\)")
    assert 5e4 < relu_limit**30 < 2e5 and "at 30 layers, a rate of 1.4669 is a factor of about \\(10^5\\)" in page(PAGE)


# ---------------------------------------------------------------- patient 1, a second implementation
def torch_patient(norm: str | None, lr: float, steps: int = 300):
    """Patient 1 in PyTorch autograd: h1 = relu(x W1 + b1), nine blocks relu(N(h W + b)), a linear
    output; weights N(0, 2^2 / fan_in) drawn layer by layer in float32; batches rng.choice(256, 32)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 8))
    a = rng.standard_normal(8) / math.sqrt(8)
    y = (np.sin(x @ a) + 0.05 * rng.standard_normal(256))[:, None]
    sizes = [8] + [32] * 10 + [1]
    rng = np.random.default_rng(0)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        W = rng.normal(0.0, 2.0 / math.sqrt(fan_in), (fan_in, fan_out)).astype(np.float32)
        params += [torch.tensor(W, requires_grad=True), torch.zeros(fan_out, requires_grad=True)]
    norms = [[torch.ones(32, requires_grad=True), torch.zeros(32, requires_grad=True)] if norm else []
             for _ in range(9)]
    everything = params + [p for pair in norms for p in pair]
    batches = np.random.default_rng(0)
    X, Y = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    losses, grads = [], []
    for _ in range(steps):
        idx = torch.tensor(batches.choice(256, 32, replace=False))
        h = torch.relu(X[idx] @ params[0] + params[1])
        for k in range(9):
            z = h @ params[2 + 2 * k] + params[3 + 2 * k]
            if norm == "batch":
                z = torch.nn.functional.batch_norm(z, None, None, norms[k][0], norms[k][1], training=True, eps=1e-5)
            elif norm == "layer":
                z = torch.nn.functional.layer_norm(z, (32,), norms[k][0], norms[k][1], eps=1e-5)
            h = torch.relu(z)
        loss = torch.mean((h @ params[-2] + params[-1] - Y[idx]) ** 2)
        everything_grads = torch.autograd.grad(loss, everything)
        losses.append(float(loss.detach()))
        grads.append(math.sqrt(sum(float(torch.sum(g.double() ** 2)) for g in everything_grads)))
        if math.isnan(losses[-1]):
            break
        with torch.no_grad():
            for p, g in zip(everything, everything_grads):
                p -= lr * g
    return np.array(losses), np.array(grads), sum(p.numel() for p in everything)


def test_patient_before_and_after() -> None:
    out = output("fixes/normalisation_patient.py")
    assert f"{2 / math.sqrt(2):.2f}" == "1.41"  # init_scale 2 against He's sqrt(2)
    quoted(PAGE, "weights 1.41 times He's scale")
    losses, _, before = torch_patient(None, 1e-3, steps=5)
    assert np.isnan(losses[2]) and len(losses) == 3  # the NaN at step 2, reproduced
    assert value(out, "patient 1: steps run") == "3, first NaN = step 2"
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 8))
    target = np.sin(x @ (rng.standard_normal(8) / math.sqrt(8))) + 0.05 * rng.standard_normal(256)
    mean_loss = sum((t - sum(target) / 256) ** 2 for t in target) / 256
    assert value(out, "loss of always predicting the mean target") == f"{mean_loss:.3f}" == "0.362"
    # parameters: the MLP's weights and biases; each of the nine normalised blocks adds gamma and beta
    mlp = sum(i * o + o for i, o in zip([8] + [32] * 10, [32] * 10 + [1]))
    assert mlp == before == 9_825 and 9 * 2 * 32 == 576 and round(100 * 576 / 9_825) == 6
    quoted(PAGE, "576 parameters on top of 9,825 (6 %)", "nine normalised blocks")
    for norm, name, last, largest in [("batch", "with batch norm", "0.6", "30.4"), ("layer", "with layer norm", "0.218", "7.64")]:
        losses, grads, count = torch_patient(norm, 1e-3)
        assert count == mlp + 576
        assert value(out, f"{name}: parameters") == f"{count:,} (+576)"
        assert len(losses) == 300 and np.isfinite(losses).all()  # the verdict: no NaN in 300 steps
        assert value(out, f"{name}: steps run") == "300, first NaN = none"
        line = value(out, f"{name}: loss at step 0")
        first, mean_last = line.split(",")[0], float(line.split("=")[-1])
        assert first == f"{losses[0]:.3g}"
        assert mean_last == pytest.approx(np.mean(losses[-20:]), rel=0.05) and f"{mean_last:.3g}" == last
        assert number(out, f"{name}: largest gradient norm") == pytest.approx(grads.max(), rel=0.05)
        quoted(PAGE, last, largest)
    # the verdict: layer norm ends below the mean predictor, batch norm above it
    assert float(value(out, "with layer norm: loss at step 0").split("=")[-1]) < mean_loss
    assert float(value(out, "with batch norm: loss at step 0").split("=")[-1]) > mean_loss


def test_learning_rates() -> None:
    out = output("fixes/normalisation_lr.py")
    for norm, lr, best in [("batch", 0.1, "0.0711"), ("layer", 0.01, "0.0636")]:
        losses, _, _ = torch_patient(norm, lr)
        assert np.isfinite(losses).all()
        printed = value(out, f"{norm} norm, lr {lr}")
        assert printed.startswith(f"mean loss over the last 20 steps = {best}")
        assert float(best) == pytest.approx(np.mean(losses[-20:]), rel=0.1)
    assert Fraction("0.1") / Fraction("0.001") == 100
    quoted(PAGE, "a learning rate 100 times the patient's trains best (0.0711 at lr 0.1)")
    for norm in ("batch", "layer"):
        losses, _, _ = torch_patient(norm, 0.3, steps=30)
        assert not np.isfinite(losses).all()  # both reach inf or NaN within a few steps at lr 0.3
        assert value(out, f"{norm} norm, lr 0.3").startswith("NaN at step")
    # layer norm at lr 0.1: finite but enormous on the way, then a dead network near the mean predictor
    losses, grads, _ = torch_patient("layer", 0.1)
    assert len(losses) >= 8 and losses[7] > 1e14  # PyTorch follows the same path up to step 7 ...
    assert len(losses) == 9 and np.isnan(losses[8])  # ... and is NaN at step 8, where NumPy got 1.2e26
    quoted(PAGE, "same path to step 7 and produces NaN at step 8")
    line = value(out, "layer norm, lr 0.1")
    assert "largest loss = 1.2e+26" in line and "largest gradient norm = 1.2e+20" in line
    quoted(PAGE, r"\(1.2 \times 10^{26}\)", r"\(1.2 \times 10^{20}\)", "no better than predicting the mean")


# ---------------------------------------------------------------- batch dependence, running averages
def test_layer_norm_and_rms_norm() -> None:
    out = output("fixes/normalisation_layer.py")
    rng = np.random.default_rng(0)
    example = rng.normal(1.0, 2.0, 8)
    batch_a = [list(example)] + rng.standard_normal((3, 8)).tolist()
    batch_b = [list(example)] + (10 * rng.standard_normal((3, 8))).tolist()

    def bn_first_row(rows):
        out_row = []
        for j in range(8):
            col = [r[j] for r in rows]
            mu = sum(col) / 4
            out_row.append((col[0] - mu) / math.sqrt(sum((v - mu) ** 2 for v in col) / 4 + 1e-5))
        return out_row

    change = max(abs(p - q) for p, q in zip(bn_first_row(batch_a), bn_first_row(batch_b)))
    assert value(out, "batch norm: same example in two batches, largest change of its output") == f"{change:.3g}"
    assert value(out, "layer norm: same example in two batches, largest change of its output") == "0"
    quoted(PAGE, "changed by up to 2.71")
    rms = math.sqrt(sum(v * v for v in example) / 8 + 1e-5)
    assert value(out, "RMSNorm of one example").startswith(f"mean = {sum(example) / 8 / rms:.2f}")
    quoted(PAGE, "(here 0.84)")


def test_running_averages_in_both_conventions() -> None:
    out = output("fixes/normalisation_running.py")
    rng = np.random.default_rng(0)
    x = rng.normal(5.0, 2.0, (8, 3)).tolist()
    cols = [[row[j] for row in x] for j in range(3)]
    mean = [sum(c) / 8 for c in cols]
    biased = [sum((v - m) ** 2 for v in c) / 8 for c, m in zip(cols, mean)]
    unbiased = [b * 8 / 7 for b in biased]
    expected = {
        "PyTorch rule, running mean after one batch": [0.1 * m for m in mean],
        "PyTorch rule, running variance after one batch": [0.9 + 0.1 * v for v in unbiased],
        "Keras rule, moving mean after one batch": [0.01 * m for m in mean],
        "Keras rule, moving variance after one batch": [0.99 + 0.01 * v for v in biased],
    }
    for label, values in expected.items():
        assert value(out, label) == str([round(v, 4) for v in values])
    assert f"{mean[0]:.4f}" == "4.7475"
    quoted(PAGE, "mean 4.7475", "(0.4748)", "(0.0475)")
    for keep, text in [(0.9, "6.58"), (0.99, "68.97"), (0.1, "0.30")]:
        assert f"{math.log(0.5) / math.log(keep):.2f}" == text  # keep^n = 1/2
    quoted(PAGE, "in 6.58 steps", "in 68.97", "half-life 0.30 steps")
    # the frameworks themselves
    t = torch_output("fixes/normalisation_running_torch.py")
    assert value(t, "BatchNorm1d defaults") == "momentum = 0.1, eps = 1e-05"
    for label, key in [("running mean after one batch", "PyTorch rule, running mean after one batch"),
                       ("running variance after one batch", "PyTorch rule, running variance after one batch")]:
        assert np.allclose(eval_list(value(t, label)), expected[key], atol=2e-4)
    eval_means = [(m - 0.1 * m) / math.sqrt(0.9 + 0.1 * v + 1e-5) for m, v in zip(mean, unbiased)]
    assert np.allclose(eval_list(value(t, "eval mode, output mean per feature")), eval_means, atol=2e-3)
    assert f"{min(eval_means):.3f}" == "3.444" and f"{max(eval_means):.3f}" == "4.163"
    quoted(PAGE, "means of 3.444 to 4.163 instead of 0")
    assert "Expected more than 1 value per channel" in value(t, "a batch of one in training mode")
    k = keras_output("fixes/normalisation_running_keras.py")
    assert value(k, "BatchNormalization defaults") == "momentum = 0.99, epsilon = 0.001"
    assert np.allclose(eval_list(value(k, "moving mean after one batch")), expected[
        "Keras rule, moving mean after one batch"], atol=2e-4)
    assert np.allclose(eval_list(value(k, "moving variance after one batch")), expected[
        "Keras rule, moving variance after one batch"], atol=2e-4)
    # Keras momentum 0.9 with epsilon 1e-5 is PyTorch's momentum 0.1 (1 - 0.9) for the mean
    faithful = eval_list(value(k, "momentum=0.9, epsilon=1e-5: moving mean after one batch"))
    assert np.allclose(faithful, expected["PyTorch rule, running mean after one batch"], atol=2e-4)
    quoted(PAGE, "Keras `momentum=0.9`, `epsilon=1e-5`", "`BatchNormalization(momentum=0.9, epsilon=1e-5)`")
    assert value(k, "LayerNormalization default") == "epsilon = 0.001"


def eval_list(text: str) -> list[float]:
    return [float(v) for v in text.strip("[]").split(",")]
