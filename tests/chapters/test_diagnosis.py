"""symptoms/is-it-exploding.md: every quoted number derived independently: closed forms (batch arithmetic,
IEEE 754 rounding, positive homogeneity of ReLU), eigenvalues from an SVD where the snippets use eigvalsh,
gradient descent solved through an eigendecomposition where the snippets iterate, and the stability
theory |1 - lr * curvature| against the simulated growth. The data the snippets draw is regenerated here
from the same seed (the inputs of the experiment, not its results)."""

import math

import numpy as np
import pytest
from support import number, output, page, torch_output, value

PAGE = "symptoms/is-it-exploding.md"
FLOAT32_MAX = float(np.finfo(np.float32).max)


def test_nan_in_the_data_is_hit_at_its_batch() -> None:
    out = output("symptoms/diagnosis_nan_data.py")
    bad_row, batch = 165, 32  # the planted row; batches of 32 rows taken in order
    expected_step = bad_row // batch  # the first epoch reaches batch k at step k
    assert expected_step == 5
    for lr in ["0.1", "0.01"]:  # the step is set by the data order, so it cannot depend on the lr
        assert number(out, f"first non-finite loss at step, lr {lr}") == expected_step
        norms = [float(n) for n in value(out, f"gradient norms before it, lr {lr}").split(",")]
        assert len(norms) == expected_step and all(1 < n < 3 for n in norms)  # ordinary, no growth
    assert value(out, "rows with a non-finite value") == str(bad_row)
    assert number(out, f"batch holding row {bad_row}") == expected_step
    text = page(PAGE)
    assert "row 165 of 256" in text and "at step **5** at a learning rate of 0.1 and at step **5** again at 0.01" in text


def test_log_of_an_underflowed_probability() -> None:
    out = output("symptoms/diagnosis_log_zero.py")
    gap = 120.0
    assert value(out, "probability of the label") == "0.0"  # e^-120 < 2^-150: rounds to 0 in float32
    assert math.exp(-gap) < 2.0**-150
    assert value(out, "loss as -log(softmax)") == "inf"  # -log(0) = +inf
    assert value(out, "its gradient") == "nan, nan"  # (-1/0) * 0 = -inf * 0 = NaN
    # The exact loss is logsumexp(z) - z_label = 120 + log(1 + e^-120); its gradient is softmax - onehot.
    exact_loss = gap + math.log1p(math.exp(-gap))
    assert value(out, "loss as logsumexp - logit") == f"{exact_loss:.1f}" == "120.0"
    p1 = 1 / (1 + math.exp(-gap))
    assert value(out, "its gradient, p - onehot") == f"{(1 - p1) - 1:.1f}, {p1:.1f}" == "-1.0, 1.0"
    # exp(-x) rounds to 0 once below half the smallest subnormal: 2^-150 (float32), 2^-1075 (float64).
    for dtype, halfway_exponent, quoted in [("float32", 150, "103.97"), ("float64", 1075, "745.13")]:
        threshold = halfway_exponent * math.log(2)
        first_on_grid = math.floor(threshold * 10 + 1) / 10  # the first multiple of 0.1 above it
        assert number(out, f"smallest logit gap with p = 0 in {dtype}") == pytest.approx(first_on_grid)
        assert f"{threshold:.2f}" == quoted and quoted in page(PAGE)
        assert f"**{first_on_grid:.1f}**" in page(PAGE)
    assert "**120.0**" in page(PAGE) and "**-1.0, 1.0**" in page(PAGE)


def test_pytorch_losses_and_the_bce_clamp() -> None:
    out = torch_output("symptoms/diagnosis_log_zero_torch.py")
    assert value(out, "loss as -log(softmax)") == "inf"
    assert value(out, "its gradient") == "nan, nan"
    assert value(out, "loss as logsumexp - logit") == "120.0"
    assert value(out, "its gradient, p - onehot") == "-1.0, 1.0"
    # BCELoss clamps log at -100 (documented), so the loss at p = 0, label 1 is -(-100) = 100.
    assert number(out, "binary_cross_entropy at p = 0") == 100.0 and "**100.0**" in page(PAGE)
    # Its gradient, (p - y) / (p (1 - p)), divides by a denominator clamped at 1e-12: -1 / 1e-12.
    assert number(out, "its gradient d(loss)/dp") == pytest.approx(-1 / 1e-12)
    assert "**-1e+12**" in page(PAGE)


def test_division_by_a_zero_std() -> None:
    out = output("symptoms/diagnosis_zero_std.py")
    rows, features = 64, 3
    # A column of identical values: its mean is that value exactly (64 * 3.0 is exact), so std = 0 and
    # every standardised value is 0 / 0 = NaN, and NaN * 0 = NaN keeps the loss NaN with zero weights.
    assert value(out, "std of each feature").split(", ")[2] == "0.00"
    assert value(out, "NaN in the standardised inputs") == f"{rows} of {rows * features}"
    assert value(out, "loss at step 0") == "nan"
    assert number(out, "with std + 1e-08: NaN in the inputs") == 0
    # With zero weights the prediction is 0, so the loss is mean(y^2) / 2 whatever the inputs are.
    rng = np.random.default_rng(0)
    x0, x1 = rng.normal(5.0, 2.0, rows), rng.normal(-1.0, 0.5, rows)
    assert value(out, "with std + 1e-08: loss at step 0") == f"{np.mean((x0 - 2 * x1) ** 2) / 2:.2f}"
    # A column of 0.1: rounding may leave the mean off by a few ulps, never more than the textbook bound
    # on a sum of n terms, (n - 1) u times the sum, divided by n. All deviations are then the same
    # nonzero number d, the std is |d|, and every standardised value is d / |d| = exactly 1 or -1.
    std = number(out, "column of 0.1: std")
    assert 0 < std <= (rows - 1) * 2.0**-53 * 0.1
    assert value(out, "column of 0.1: distinct standardised values") in {"1", "-1"}
    text = page(PAGE)
    assert "all **64** of its values" in text and "**64 of 192**" in text and r"order \(10^{-17}\)" in text


def regenerated_scale_data() -> tuple[np.ndarray, np.ndarray]:
    """The inputs diagnosis_input_scale.py draws (same seed, same calls)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 3))
    X[:, 0] = 1000 + 300 * X[:, 0]
    y = (X[:, 0] - 1000) / 300 - 2 * X[:, 1] + 0.5 * X[:, 2] + 0.1 * rng.normal(size=256)
    return X, y


def gd_loss_by_eigendecomposition(X: np.ndarray, y: np.ndarray, lr: float, steps: int) -> float:
    """Gradient descent from w = 0 on mean((Xw - y)^2)/2, in closed form: w_t - w* = (I - lr H)^t (0 - w*)."""
    n = len(y)
    H = X.T @ X / n
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    lam, V = np.linalg.eigh(H)
    w_t = w_star + V @ (((1 - lr * lam) ** steps) * (V.T @ -w_star))
    return float(np.mean((X @ w_t - y) ** 2) / 2)


def test_unnormalised_inputs_raise_the_curvature() -> None:
    out = output("symptoms/diagnosis_input_scale.py")
    X, y = regenerated_scale_data()
    standardised = (X - X.mean(axis=0)) / X.std(axis=0)
    text = page(PAGE)
    for name, inputs in [("raw", X), ("standardised", standardised)]:
        curvature = np.linalg.svd(inputs, compute_uv=False)[0] ** 2 / len(y)  # sigma_max^2 / n
        assert number(out, f"{name}: largest curvature") == pytest.approx(curvature, rel=1e-3)
        assert number(out, f"{name}: largest stable lr, 2 / curvature") == pytest.approx(2 / curvature, rel=5e-3)
        assert number(out, f"{name}: gradient norm at step 0") == pytest.approx(np.linalg.norm(inputs.T @ y) / len(y), rel=5e-3)
        loss = gd_loss_by_eigendecomposition(inputs, y, 0.1, 10)
        assert number(out, f"{name}: loss after 10 steps at lr 0.1") == pytest.approx(loss, rel=5e-3)
    # Theory: the first feature alone gives E[x^2] = 1000^2 + 300^2; the sample (n = 256) agrees within
    # sampling error (the sample mean of the feature has a standard error of 300 / 16).
    assert number(out, "raw: largest curvature") == pytest.approx(1000**2 + 300**2, rel=0.1)
    assert r"1000^2 + 300^2 = 1.09 \times 10^{6}" in text and (1000**2 + 300**2) / 1e6 == 1.09
    for quoted in ["**1.033e+06**", "**1.94e-06**", "**3.62e+97**", "**1.057**", "**1.89**", "**0.361**"]:
        assert quoted.strip("*") in out and quoted in text


def test_learning_rate_too_high_grows_by_one_minus_lr_times_curvature() -> None:
    out = output("symptoms/diagnosis_lr.py")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 4))
    y = X @ np.array([1.0, -2.0, 0.5, 1.0]) + 0.1 * rng.normal(size=256)
    eigenvalues = np.linalg.svd(X, compute_uv=False) ** 2 / 256  # of the Hessian X^T X / n
    curvature = eigenvalues[0]
    assert value(out, "largest curvature") == f"{curvature:.4f}"
    assert value(out, "stable if lr < 2 / curvature") == f"{2 / curvature:.4f}"
    # Full-batch GD: g_{t+1} = (I - lr H) g_t, so the norm ratio tends to the largest |1 - lr lambda|.
    # After 59 steps the runner-up mode is (|1 - 2.5 lambda_2| / |1 - 2.5 lambda_1|)^58 < 1e-3 behind.
    factors = np.abs(1 - 2.5 * eigenvalues)
    assert (np.sort(factors)[-2] / factors.max()) ** 58 < 1e-3
    growth = number(out, "lr 2.5: growth per step at the end")
    assert growth == pytest.approx(abs(1 - 2.5 * curvature), rel=1e-3)
    # The first gradient is computed before any step: it is -X^T y / n at both learning rates.
    g0 = np.linalg.norm(X.T @ y / 256)
    assert value(out, "lr 2.5: gradient norm at step 0") == value(out, "lr 0.25: gradient norm at step 0")
    assert value(out, "lr 2.5: gradient norm at step 0") == f"{g0:.4f}"
    assert number(out, "lr 0.25: gradient norm at step 59") < 1e-4 < 1e10 < number(out, "lr 2.5: gradient norm at step 59")
    # Summing the loss instead of averaging multiplies the gradient by the batch size, exactly.
    assert number(out, "gradient norm at step 0, loss summed over the batch") == pytest.approx(256 * g0, abs=0.05)
    text = page(PAGE)
    for quoted in [f"{curvature:.4f}", f"{2 / curvature:.4f}", f"{g0:.4f}", f"{growth:.4f}", f"{256 * g0:.1f}"]:
        assert f"**{quoted}**" in text or f"({quoted} " in text


def test_deep_chain_scales_activations_by_the_gain_per_layer() -> None:
    out = output("symptoms/diagnosis_deep.py")
    # relu(g z) = g relu(z) for g > 0, and both inits draw the same numbers: layer l is scaled by 1.6^l.
    for layer in [5, 10]:
        ratio = number(out, f"init x1.6: activation RMS at layer {layer}") / number(out, f"init x1: activation RMS at layer {layer}")
        assert ratio == pytest.approx(1.6**layer, rel=2e-3)
    assert f"{1.6**10:.2f}" == "109.95" and r"1.6^{10} \approx 109.95" in page(PAGE)
    # The step-0 loss is computed before any update, so it cannot depend on the learning rate.
    assert value(out, "init x1.6, lr 0.05: loss at step 0") == value(out, "init x1.6, lr 0.005: loss at step 0") == "395"
    assert value(out, "init x1, lr 0.1: loss at step 0") == value(out, "init x1, lr 0.01: loss at step 0") == "2.52"
    assert number(out, "init x1.6, lr 0.05: first inf or NaN loss at step") == 2
    assert number(out, "init x1.6, lr 0.005: first inf or NaN loss at step") == 2
    assert number(out, "init x1, lr 0.1: first inf or NaN loss at step") == 9
    assert "init x1, lr 0.01: first inf or NaN loss at step" not in out  # the small rate stays finite
    text = page(PAGE)
    for quoted in ["**69.17**", "**0.6291**", "**395**", "**2.52**", "step **2**", "step **9**"]:
        assert quoted in text
    assert "69.17" in out and "0.6291" in out


def test_histories_distinguish_the_causes() -> None:
    out = output("symptoms/diagnosis_histories.py")
    bad = "one NaN in batch 5 (linear model)"
    assert number(out, f"{bad} at lr 0.25, first non-finite step") == 165 // 32
    assert number(out, f"{bad} at lr 0.025, first non-finite step") == 165 // 32
    for case, lr in [("a feature in the thousands (linear model)", 0.25), ("10 ReLU layers, init 1.6x too large", 0.05)]:
        fast, slow = (number(out, f"{case} at lr {rate:g}, first non-finite step") for rate in [lr, lr / 10])
        assert slow - fast == 1 and slow <= 4  # a tenth of the lr delays the NaN by a single step
    assert "learning rate too high (linear model) at lr 0.25" not in out  # a tenth of 2.5 never fails
    assert number(out, "learning rate too high (linear model) at lr 2.5, first non-finite step") > 50
    # The squared norm overflows float32 once the norm exceeds sqrt(max), before any entry does.
    assert f"{math.sqrt(FLOAT32_MAX):.1e}" == "1.8e+19" and r"\approx 1.8 \times 10^{19}" in page(PAGE)


def test_first_nan_procedure_finds_the_planted_layer() -> None:
    for out in [output("symptoms/diagnosis_first_nan.py"), torch_output("symptoms/diagnosis_first_nan_torch.py")]:
        assert value(out, "healthy network") == "nowhere: all finite"
        assert value(out, "NaN in one input") == "the inputs"
        assert value(out, "NaN weight in layer 3") == "forward, layer 3"  # planted in layer 3
        assert value(out, "inf weight in layer 5") == "backward, layer 5"  # planted in layer 5
    # Why the inf is only seen backward: tanh(+-inf) = +-1 (finite), tanh' = 1 - 1^2 = 0, and 0 * inf = NaN.
    assert math.tanh(math.inf) == 1.0 and math.isnan(0.0 * math.inf)
    assert "**forward, layer 3**" in page(PAGE) and "**backward, layer 5**" in page(PAGE)


def test_which_norm_becomes_inf_first() -> None:
    """The naive float32 sum of squares overflows at sqrt(max) = 1.8e19 while every entry is finite; a
    norm scaled by the largest entry, or one computed in float64 (gradlab.norm), does not."""
    import gradlab  # noqa: PLC0415  (the teaching module is the subject under test)

    gradient = np.array([2e19, 1.0], dtype=np.float32)
    assert np.isfinite(gradient).all() and 2e19 > math.sqrt(FLOAT32_MAX)
    with np.errstate(over="ignore"):
        assert np.sqrt(np.sum(gradient * gradient)) == math.inf  # the snippet's sum, in float32
        assert np.linalg.norm(gradient) == math.inf
    largest = np.abs(gradient).max()
    scaled = largest * np.sqrt(np.sum((gradient / largest) ** 2))  # overflow-safe, still in float32
    assert scaled.dtype == np.float32 and float(scaled) == pytest.approx(2e19, rel=1e-6)
    assert gradlab.norm(gradient) == pytest.approx(2e19, rel=1e-6)
    text = page(PAGE)
    assert f"{FLOAT32_MAX:.1e}" == "3.4e+38" and text.count(r"3.4 \times 10^{38}") == 3
    assert "plain sum of squares in float32" in text and "overflow-safe norm" in text
    assert "as the lab's `gradlab.norm` does" in text
    # The old sentence made it a property of every norm: "so the norm becomes inf first."
    assert r"1.8 \times 10^{19}\), so the norm becomes inf first" not in text
    # The linear model's last finite norm: at most sqrt(max), and one growth factor (1.6895) more overflows.
    low, high = math.sqrt(FLOAT32_MAX) / 1.6895, math.sqrt(FLOAT32_MAX)
    assert 19 < math.log10(low) < math.log10(high) < 19.5
    assert r"last finite gradient norm is about \(10^{19}\)" in text


# ---------------------------------------------------------------- the two figures, by a second implementation
def torch_history(inputs: np.ndarray, targets: np.ndarray, lr: float, steps: int, depth: int,
                  gain: float) -> tuple[list[float], list[float]]:
    """The loss and the float32 gradient norm (a plain sum of squares) per step, by torch autograd in
    float32, from the snippets' initial weights: He init (N(0, 2 / fan_in)) times `gain`, 16 units wide,
    no biases, batches of 32 rows in order, SGD on mean(error^2) / 2. Runs all `steps`: the test reads
    where the first non-finite value appears."""
    torch = pytest.importorskip("torch")
    init = np.random.default_rng(0)
    sizes = [inputs.shape[1]] + [16] * depth + [1]
    weights = [torch.tensor((init.normal(size=(m, n)) * gain * math.sqrt(2 / m)).astype(np.float32), requires_grad=True)
               for m, n in zip(sizes, sizes[1:])]
    x, y = torch.from_numpy(inputs), torch.from_numpy(targets)
    losses, norms = [], []
    for step in range(steps):
        rows = slice(step * 32 % 256, step * 32 % 256 + 32)
        h = x[rows]
        for w in weights[:-1]:
            h = torch.relu(h @ w)
        loss = (((h @ weights[-1])[:, 0] - y[rows]) ** 2).mean() / 2
        grads = torch.autograd.grad(loss, weights)
        losses.append(loss.item())
        norms.append(torch.sqrt(sum((g * g).sum() for g in grads)).item())
        with torch.no_grad():
            weights = [(w - lr * g).requires_grad_() for w, g in zip(weights, grads)]
    return losses, norms


def figure_data() -> tuple[np.ndarray, np.ndarray]:
    """The inputs diagnosis_deep.py and diagnosis_histories.py draw (same seed, same calls)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 4)).astype(np.float32)
    y = (X @ np.array([1.0, -2.0, 0.5, 1.0]) + 0.1 * rng.normal(size=256)).astype(np.float32)
    return X, y


def first_nonfinite(values: list[float]) -> int | None:
    return next((i for i, v in enumerate(values) if not math.isfinite(v)), None)


def test_deep_figure_by_torch() -> None:
    X, y = figure_data()
    he_fast, _ = torch_history(X, y, 0.1, 30, 10, 1.0)
    he_slow, _ = torch_history(X, y, 0.01, 30, 10, 1.0)
    assert all(2.2 < v < 2.7 for v in he_fast[:7])  # "near 2.5 for steps 0 to 6"
    assert round(math.log10(he_fast[7])) == 2 and round(math.log10(he_fast[8]), 1) == 4.6
    assert first_nonfinite(he_fast) == 9 == number(output("symptoms/diagnosis_deep.py"), "init x1, lr 0.1: first inf or NaN loss at step")
    assert first_nonfinite(he_slow) is None and 1.5 < min(he_slow) and max(he_slow) < 4  # all 30 steps
    for lr, peak in [(0.05, "4e+29"), (0.005, "2e+12")]:
        losses, _ = torch_history(X, y, lr, 30, 10, 1.6)
        assert f"{losses[0]:.0e}" == "4e+02" and f"{losses[1]:.0e}" == peak
        assert first_nonfinite(losses) == 2
    text = page(PAGE)
    for quoted in ["the loss sits near 2.5 for steps 0 to 6, rises to about 100 and then about 10 to the 4.6, and ends at step 9",
                   "at 0.01 (blue) it stays between 1.5 and 4 for all 30 steps", "start at a loss of about 400",
                   "reach about 4 times 10 to the 29 (red) or 2 times 10 to the 12 (blue) at step 1, and end at step 2"]:
        assert quoted in text, quoted


def test_histories_figure_by_torch() -> None:
    X, y = figure_data()
    unscaled, bad_batch = X.copy(), X.copy()
    unscaled[:, 0] = 1000 + 300 * X[:, 0]
    bad_batch[165, 2] = np.nan
    _, high = torch_history(X, y, 2.5, 100, 0, 1.0)
    _, tenth = torch_history(X, y, 0.25, 100, 0, 1.0)
    end = first_nonfinite(high)
    assert end == 97 and round(high[0]) == 2 and round(math.log10(high[end - 1])) == 19
    assert first_nonfinite(tenth) is None
    settled = next(i for i, v in enumerate(tenth) if v < 0.06)
    assert all(0.005 < v < 0.06 for v in tenth[settled:])
    for inputs, lr, depth, gain, exponent, ends in [(unscaled, 0.25, 0, 1.0, 5, (3, 4)), (X, 0.05, 10, 1.6, 4, (1, 2))]:
        runs = [torch_history(inputs, y, rate, 10, depth, gain)[1] for rate in [lr, lr / 10]]
        assert all(round(math.log10(norms[0])) == exponent for norms in runs)
        assert tuple(first_nonfinite(norms) for norms in runs) == ends
    assert round(math.log10(runs[1][1])) == 13  # the deep chain at lr 0.005, step 1
    runs = [torch_history(bad_batch, y, rate, 10, 0, 1.0)[1] for rate in [0.25, 0.025]]
    assert all(first_nonfinite(norms) == 5 for norms in runs)
    before = [v for norms in runs for v in norms[:5]]  # both runs, before the NaN
    assert round(min(before), 1) == 0.9 and round(max(before)) == 2
    text = page(PAGE)
    for quoted in ["from about 2 to 10 to the 19 and ends at step 97", "falls to between 0.005 and 0.06 and stays there for all 100 steps",
                   "both learning rates start near 10 to the 5", "both start near 10 to the 4",
                   "blue reaches about 10 to the 13 and ends at step 2", "both stay between about 0.9 and 2"]:
        assert quoted in text, quoted
