"""fixes/clipping.md: every number derived independently. Directions and norms in closed form; inf and
NaN by IEEE 754 rules (and the frameworks' real functions through their tabs); patient 1 by a second
implementation in PyTorch (float32, torch autograd, torch's own clip_grad_norm_); patient 2 by invariants
and the variance of the adding problem's target; the x^2/2 + x^4/4 counts by a separate loop, exact
arithmetic for the clipped phase and a gradient-flow integral; Adam by its closed-form bounds."""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np
import pytest
from support import keras_output, number, output, page, quoted, torch_output, value

PAGE = "fixes/clipping.md"
SNIPPETS = ["fixes/clipping_direction.py", "fixes/clipping_nonfinite.py", "fixes/clipping_patients.py",
            "fixes/clipping_threshold.py", "fixes/clipping_adaptive.py", "fixes/clipping_speed.py",
            "fixes/clipping_adam.py"]


# --------------------------------------------------------------------------- directions
def test_direction_closed_form() -> None:
    out = output("fixes/clipping_direction.py")
    cos = 101 / (math.sqrt(10001) * math.sqrt(2))  # (100, 0, 0, 1) . (1, 0, 0, 1) / (|.| |.|)
    assert value(out, "original").endswith(f"{math.sqrt(10001):.4f}") and f"{math.sqrt(10001):.4f}" == "100.0050"
    for name in ["per-tensor norm", "value"]:
        assert value(out, name) == (f"gradients used = [1.000, 0.000, 0.000, 1.000], "
                                    f"global norm = {math.sqrt(2):.4f}, cos to original = {cos:.4f}")
    assert value(out, "global norm") == ("gradients used = [1.000, 0.000, 0.000, 0.010], global norm = 1.0000, "
                                         "cos to original = 1.0000")
    assert value(out, "100 large tensors") == ("global norm after per-tensor clipping = "
                                               f"{math.sqrt(100):.2f}, after global clipping = 1.00")
    degrees = math.degrees(math.acos(cos))
    assert round(degrees) == 44
    quoted(PAGE, f"{cos:.4f}", "1.0000", f"{math.sqrt(2):.4f}", "10.00", "44 degrees", "100.0050")


def test_direction_in_the_frameworks() -> None:
    cos = f"{101 / (math.sqrt(10001) * math.sqrt(2)):.4f}"
    same, turned = "[1.000, 0.000, 0.000, 0.010]", "[1.000, 0.000, 0.000, 1.000]"
    t = torch_output("fixes/clipping_direction_torch.py")
    assert value(t, "clip_grad_norm_ return value (the norm before clipping)") == f"{math.sqrt(10001):.4f}"
    assert value(t, "clip_grad_norm_") == f"gradients used = {same}, cos to original = 1.0000"
    for label in ["clip_grad_norm_ per tensor", "clip_grad_value_"]:
        assert value(t, label) == f"gradients used = {turned}, cos to original = {cos}"
    k = keras_output("fixes/clipping_direction_keras.py")
    assert value(k, "clipnorm=1") == f"gradients used = {turned}, cos to original = {cos}"  # per tensor
    assert value(k, "global_clipnorm=1") == f"gradients used = {same}, cos to original = 1.0000"
    assert value(k, "clipvalue=1") == f"gradients used = {turned}, cos to original = {cos}"
    assert value(k, "clipnorm and global_clipnorm together").startswith("ValueError")
    quoted(PAGE, same.replace("[", r"\(["), r"\([1.000, 0.000, 0.000, 1.000]\)", "`ValueError`")


# --------------------------------------------------------------------------- inf and NaN
def test_nonfinite_by_ieee_rules() -> None:
    f32_max = float(np.finfo(np.float32).max)
    assert f"{f32_max:.1e}" == "3.4e+38" and 100 * 1e20**2 == pytest.approx(1e42) and 1e42 > f32_max > 1e20
    assert math.isnan(math.inf * 0.0) and 1.0 / math.inf == 0.0  # c / inf = 0; inf * 0 = NaN
    quoted(PAGE, r"\(3.4 \times 10^{38}\)", r"\(10^{42}\)", r"\(10^{20}\)", r"(\|g\| + 10^{-6})")
    expected = {"one inf": "norm = inf, after norm clipping: [0.0, 0.0, nan], [0.0, 0.0, 0.0]",
                "one NaN": "norm = nan, after norm clipping: [nan, nan, nan], [nan, nan, nan]",
                "100 entries of 1e20": "norm = inf, after norm clipping: [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]"}
    out = output("fixes/clipping_nonfinite.py")
    for label, text in expected.items():
        assert value(out, label) == text
    quoted(PAGE, "|x| below 1e-6")
    assert value(out, "[inf, nan, -inf] after value clipping at 1") == "[1.0, nan, -1.0]"
    t = torch_output("fixes/clipping_nonfinite_torch.py")
    for label, text in expected.items():
        assert value(t, label) == text.replace("norm =", "returned norm =").replace("norm clipping", "clip_grad_norm_")
    assert value(t, "error_if_nonfinite=True").startswith("RuntimeError")
    assert "clip_grad_value_ returned None; [inf, nan, -inf] became [1.0, nan, -1.0]" in t
    k = keras_output("fixes/clipping_nonfinite_keras.py")
    first = f"[{1 / math.sqrt(14):.3g}, {2 / math.sqrt(14):.3g}, {3 / math.sqrt(14):.3g}]"  # |(1, 2, 3)| = sqrt 14
    assert value(k, "one inf, clipnorm=1") == "[0, 0, nan], [0.1, 0.1, 0.1]"  # 0.5 * 1 / max(|.|=5, 1)
    assert value(k, "one inf, global_clipnorm=1") == "[nan, nan, nan], [nan, nan, nan]"
    assert value(k, "100 entries of 1e20, clipnorm=1") == f"{first}, [0, 0, 0]"
    assert value(k, "100 entries of 1e20, global_clipnorm=1") == "[nan, nan, nan], [nan, nan, nan]"


# --------------------------------------------------------------------------- patient 1 in PyTorch
def mlp_in_torch(clip: float | None, steps: int = 300) -> dict:
    """Patient 1 written again: 8 -> 10 x 32 ReLU -> 1, weights N(0, 2^2 / fan_in) drawn layer by layer,
    zero biases, float32, SGD lr 1e-3, batches of 32 by rng.choice; gradients by torch autograd, clipping
    by torch's clip_grad_norm_. Returns the loss on all the data, the norms and the first NaN step."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 8))
    a = rng.standard_normal(8) / math.sqrt(8)
    y = (np.sin(x @ a) + 0.05 * rng.standard_normal(256))[:, None]
    sizes, wrng = [8] + [32] * 10 + [1], np.random.default_rng(0)
    weights = [torch.tensor(wrng.normal(0.0, 2.0 / math.sqrt(i), (i, o)).astype(np.float32), requires_grad=True)
               for i, o in zip(sizes[:-1], sizes[1:])]
    biases = [torch.zeros(o, requires_grad=True) for o in sizes[1:]]
    params = weights + biases
    X, Y = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)

    def net(inp):
        for i, (w, b) in enumerate(zip(weights, biases)):
            inp = inp @ w + b
            inp = torch.relu(inp) if i < len(weights) - 1 else inp
        return inp

    brng, norms, nan_step = np.random.default_rng(0), [], None
    for step in range(steps):
        idx = torch.tensor(brng.choice(256, 32, replace=False))
        loss = ((net(X[idx]) - Y[idx]) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        total = math.sqrt(sum(float((p.grad.double() ** 2).sum()) for p in params))
        norms.append(total)
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(params, clip)
        with torch.no_grad():
            for p in params:
                p -= 1e-3 * p.grad
        if not math.isfinite(loss.item()):
            nan_step = step
            break
    with torch.no_grad():
        full = float(((net(X) - Y) ** 2).mean())
    return dict(loss=full, norms=np.array(norms), nan=nan_step, var=float(np.var(y)))


@functools.cache
def torch_mlp(clip: float | None) -> dict:
    return mlp_in_torch(clip)


def test_patients_before_and_after() -> None:
    out = output("fixes/clipping_patients.py")
    p1, p2 = "patient 1 (MLP)", "patient 2 (RNN)"
    unclipped, clipped = torch_mlp(None), torch_mlp(1.0)
    assert unclipped["nan"] is not None and unclipped["nan"] <= 3  # the NaN comes within a few steps
    assert value(out, f"{p1}, no clipping: first NaN at step 2, steps run") == "3"
    assert value(out, f"{p1}, clipped at 1: first NaN at step none, steps run") == "300"
    assert clipped["nan"] is None and (clipped["norms"] > 1).all()  # every step clipped: "100%"
    assert value(out, f"{p1}, clipped at 1: median gradient norm").endswith("steps clipped = 100%")
    loss = number(out, f"{p1}, clipped at 1: loss on all the data after training")
    assert loss == pytest.approx(clipped["loss"], rel=0.05)  # a second implementation, torch's rounding
    assert number(out, f"{p1}: loss of always predicting the mean target") == pytest.approx(clipped["var"], rel=1e-3)
    assert loss > 100 * clipped["var"]  # "not cured": far above predicting the mean
    median = float(value(out, f"{p1}, clipped at 1: median gradient norm").split(",")[0])
    assert median == pytest.approx(np.median(clipped["norms"]), rel=0.1)
    # patient 2: its trajectory depends on rounding; check verdicts against theory
    assert value(out, f"{p2}, no clipping: first NaN at step 60, steps run") == "62"
    assert value(out, f"{p2}, clipped at 1: first NaN at step none, steps run") == "400"
    target_var = number(out, f"{p2}: loss of always predicting the mean target")
    assert target_var == pytest.approx(1 / 6, abs=0.03)  # the sum of two U(0, 1) has variance 2/12
    rnn_loss = number(out, f"{p2}, clipped at 1: loss on all the data after training")
    assert rnn_loss < target_var < 1.1 * rnn_loss  # "barely" rescued: just under the mean predictor
    for text in ["step 2", "step 60", "59.14", "0.3625", "0.1694", "0.1794", "1.73e+05", "85%", "2.77e+03",
                 "(100%"]:
        quoted(PAGE, text)


def test_threshold_sweep() -> None:
    out = output("fixes/clipping_threshold.py")
    for c in [1, 10, 100, 1000, 10000]:
        run = torch_mlp(float(c))
        loss, rest = value(out, f"threshold {c:,}: loss after training").split(", steps clipped = ")
        share = float(rest.split("%")[0]) / 100
        assert run["nan"] is None and rest.endswith("NaN = None")
        assert float(loss) == pytest.approx(run["loss"], rel=0.1)
        assert share == pytest.approx(np.mean(run["norms"] > c), abs=0.01)
        assert (share > 0.5) == (run["loss"] > run["var"])  # the Playbook's warning, on this patient
    norms = torch_mlp(10000.0)["norms"]
    for label, expected in [("median", np.median(norms)), ("90th percentile", np.percentile(norms, 90))]:
        printed = value(out, "logged norms").split(f"{label} = ")[1].split(",")[0]
        assert float(printed) == pytest.approx(expected, rel=0.05)
    assert number(out, "threshold at the 90th percentile: loss after training") > 10 * torch_mlp(1.0)["var"]
    for text in ["100.0%", "59.1", "20.1", "0.12", "36.7%", "0.16", "0.174", "2.0%", "1.0%", "4.65", "14.8",
                 "9.75e+06", "2.41"]:
        quoted(PAGE, text)


def test_adaptive_clipping_invariants() -> None:
    out = output("fixes/clipping_adaptive.py")
    lr = 1e-3
    for lam in [0.01, 10.0]:
        ratio = number(out, f"AGC, lambda = {lam:g}: largest |update| / |weight| of a hidden weight matrix")
        assert 0.99 * lr * lam <= ratio <= lr * lam * (1 + 1e-6)  # SGD step <= lr * lam * |W|, and it binds
    var = torch_mlp(1.0)["var"]
    loss = {name: float(value(out, f"{name}: loss after training").split(",")[0])
            for name in ["AGC, lambda = 0.01", "AGC, lambda = 10", "AGC, lambda = 10, last layer skipped"]}
    assert loss["AGC, lambda = 10"] < var < 100 < loss["AGC, lambda = 0.01"] < 1e6 < loss["AGC, lambda = 10, last layer skipped"]
    autoclip = value(out, "AutoClip, 10th percentile: loss after training")
    assert autoclip.startswith("nan") and f"(2, 'activation'" in autoclip  # as without clipping (test above)
    assert torch_mlp(None)["nan"] <= 3
    quoted(PAGE, "9.99e-06", "0.00996", r"\(\eta = 10^{-3}\)", "145", "0.118", "7.39e+12", "1.07e+13",
           r"\max(\|W_i\|, 10^{-3})")


# --------------------------------------------------------------------------- x^2/2 + x^4/4
def fixed_steps(x0: float) -> int:
    lr, x, n = 1.0 / (1.0 + 3.0 * x0 * x0), x0, 0
    while x >= 1e-6:  # x stays positive: lr (1 + x^2) < 1 all the way
        x = x * (1.0 - lr * (1.0 + x * x))
        n += 1
    return n


def clipped_steps(x0: int) -> int:
    """While x + x^3 > 1 the clipped step is exactly 0.5: count those in exact arithmetic, then the rest."""
    x, n = Fraction(x0), 0
    while x + x**3 > 1:
        x -= Fraction(1, 2)
        n += 1
    y = float(x)
    while abs(y) >= 1e-6:
        y = y - 0.5 * (y + y**3)
        n += 1
    return n


def flow_time(x0: float, eps: float = 1e-6, n: int = 20000) -> float:
    """The integral of dx / (x + x^3) from eps to x0, by Simpson's rule in u = ln x."""
    a, b = math.log(eps), math.log(x0)
    h = (b - a) / n
    f = [1.0 / (1.0 + math.exp(2 * (a + i * h))) for i in range(n + 1)]  # dx/(x+x^3) = du/(1+x^2)
    return h / 3 * (f[0] + f[-1] + 4 * sum(f[1:-1:2]) + 2 * sum(f[2:-1:2]))


def test_speed_counts() -> None:
    out = output("fixes/clipping_speed.py")
    for x0 in [10, 100]:
        fixed = fixed_steps(float(x0))
        line = value(out, f"x0 = {x0}: fixed step 1/f''(x0): steps")
        assert int(line.split(", gradient")[0].replace(",", "")) == pytest.approx(fixed, abs=1)
        estimate = flow_time(x0) * (1 + 3 * x0**2)
        assert estimate == pytest.approx(fixed, rel=0.003)  # "matches the two runs to 0.3%"
    for x0, expected in [(10, "38"), (100, "218"), (1000, "2,018")]:
        assert value(out, f"x0 = {x0}: clipped (lr 0.5, threshold 1): steps") == f"{clipped_steps(x0):,}" == expected
    estimate = flow_time(1000) * (1 + 3 * 1000**2)
    printed = float(value(out, "x0 = 1000: fixed step 1/f''(x0): steps").split("estimate = ")[1].replace(",", ""))
    assert printed == pytest.approx(estimate, rel=1e-6)
    # below |x| = 1, x_{k+1} = x_k (1 - lr (1 + x_k^2)) >= x_k (1 - 2 lr): at least ln(1e6) / -ln(1 - 2 lr) steps
    bound = math.log(1e6) / -math.log1p(-2 / (1 + 3e6))
    assert number(out, "x0 = 1000: fixed step, lower bound on the steps") == pytest.approx(bound, rel=1e-6) and bound > 1e7
    for x0 in [3, 10, 30, 100]:  # the figure's measured points lie on the flow estimate's line (within 3%)
        assert flow_time(x0) * (1 + 3 * x0**2) == pytest.approx(fixed_steps(float(x0)), rel=0.03)
    quoted(PAGE, "x0 = 3, 10, 30 and 100")
    for x0 in [10, 100, 1000]:  # clipped: about 2 x0 steps, plus a few dozen
        assert 2 * x0 - 2 < clipped_steps(x0) < 2 * x0 + 40
    quoted(PAGE, "4,147", "414,464", "41,446,544", "20,723,266", "0.3%", r"\(2x_0\)", r"f''(x) = 1 + 3x^2",
           r"\(f'(x) = x + x^3\)", r"\(1/(1 + 3x_0^2)\)", "0.5 per step")


# --------------------------------------------------------------------------- Adam
def test_adam_spike() -> None:
    out = output("fixes/clipping_adam.py")
    b1, b2, t = 0.9, 0.999, 2001  # the spike is the 2,001st gradient (Adam counts steps from 1)
    bound = (1 - b1) / math.sqrt(1 - b2)
    assert value(out, "bound on one step, (1 - beta1) / sqrt(1 - beta2)") == f"{bound:.3f} lr" == "3.162 lr"
    # the spike dominates m and v: m ~ 0.1 * 1000, v_hat ~ 0.001 * 1000^2 / (1 - b2^t)
    spike_step = (1 - b1) * 1000 / math.sqrt((1 - b2) * 1000**2 / (1 - b2**t))
    printed = value(out, "one spike of 1000: step at the spike")
    assert float(printed.split(" lr")[0]) == pytest.approx(-spike_step, rel=0.02) and spike_step < bound
    # the next 50 steps: m decays by b1, v by b2 (noise is negligible next to the spike)
    drift = sum(b1**k * (1 - b1) * 1000 / math.sqrt(b2**k * (1 - b2) * 1000**2 / (1 - b2 ** (t + k)))
                for k in range(1, 51))
    assert float(printed.split("= ")[1].split(" lr")[0]) == pytest.approx(-drift, rel=0.1)
    # median |update| without a spike: |m| of unit noise has sd sqrt((1-b1)/(1+b1)), v ~ 1; median |N| = 0.674 sd
    calm = 0.6745 * math.sqrt((1 - b1) / (1 + b1))
    for name in ["no spike", "spike, clipped at 3"]:
        assert number(out, f"{name}: median |update| over the 1000 steps after") == pytest.approx(calm, rel=0.1)
    frozen = number(out, "one spike of 1000: median |update| over the 1000 steps after")
    sqrt_v = [math.sqrt((1 - b2) * 1000**2 * b2**k + 1) for k in range(1, 1001)]
    assert calm / max(sqrt_v) < frozen < calm / min(sqrt_v)  # the spike's v divides the calm update
    assert abs(float(value(out, "no spike: step at the spike").split("= ")[1].split(" lr")[0])) < 3  # noise only
    quoted(PAGE, "3.162", r"\(-2.939\)", r"\(-26.4\)", r"\(+0.4\)", "0.006", "0.150", r"\(-0.283\)", r"\(-1.8\)",
           "0.148", "0.999 per step", r"\(1000^2\)", "spike of 1000 at step 2,001")
