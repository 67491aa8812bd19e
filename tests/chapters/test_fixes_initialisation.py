"""fixes/initialisation.md: every number derived independently. Per-layer factors and PyTorch's default bound in
exact fractions, read against torch's and Keras' own sources; depth runs against the theory factor^(L/2) with
the spread one finite-width network allows; patient 1 re-initialised five ways by a second implementation
(PyTorch autograd, torch.linalg.qr for the orthogonal matrices); the sigmoid's fixed point and critical gain by
a different quadrature (Simpson's rule in h) and a different root finder (secant on log g), with closed-form bounds."""

from __future__ import annotations

import ast
import functools
import importlib.util
import inspect
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from support import keras_output, number, output, page, quoted, torch_output, value

PAGE = "fixes/initialisation.md"
WIDTH, DEPTH = 512, 50
# One network's log-RMS after L ReLU layers of width n spreads by about (1/2) sqrt(5 L / n) (the squared
# length is multiplied by a factor of relative variance 5/n per layer); 3 of those is the tolerance.
SPREAD = 3 * 0.5 * math.sqrt(5 * DEPTH / WIDTH)


# --------------------------------------------------------------------------- closed forms
def factors() -> dict[str, Fraction]:
    """n Var(W) / 2 for each scheme on square layers of width n (E[relu(h)^2] = Var(h) / 2)."""
    a2 = Fraction(5)  # kaiming_uniform_(a=sqrt(5)): gain^2 = 2 / (1 + a^2)
    gain2 = 2 / (1 + a2)
    bound2_times_n = 3 * gain2  # bound = gain sqrt(3 / fan_in)
    assert bound2_times_n == 1  # bound = 1 / sqrt(fan_in)
    default = bound2_times_n / 3  # U(-b, b) has variance b^2 / 3: n Var = 1/3
    xavier = Fraction(6, 2) / 3  # bound^2 = 6 / (n + n), variance bound^2 / 3, times n
    return {"PyTorch default": default / 2, "Xavier uniform": xavier / 2, "He normal": Fraction(2) / 2,
            "N(0, 0.1^2)": Fraction(1, 100) * WIDTH / 2}


def test_per_layer_factors() -> None:
    out = output("fixes/initialisation_defaults.py")
    expected = factors()
    assert expected == {"PyTorch default": Fraction(1, 6), "Xavier uniform": Fraction(1, 2),
                        "He normal": Fraction(1), "N(0, 0.1^2)": Fraction(64, 25)}
    for name, f in expected.items():
        assert value(out, f"{name}: per-layer factor n Var(W) / 2") == f"{float(f):.4g}"
        printed = value(out, f"{name}: activation RMS at layer {DEPTH}")
        measured, theory = printed.split(" (theory ")
        assert theory == f"{float(f) ** (DEPTH / 2):.2g})"
        assert abs(math.log(float(measured) / float(f) ** (DEPTH / 2))) < SPREAD  # one network, within spread
    assert float(expected["N(0, 0.1^2)"]) == 2.56 and Fraction(1, 6) ** 25 < Fraction(1, 10**19)
    quoted(PAGE, r"\(1/(3n)\)", "1/6", "2.56", "5.12", "0.1667", "2.2e-20", "3.5e-20", "2.1e-08", "3e-08",
           "0.93", "2.5e+10", "1.6e+10", r"\(\sqrt{2/512} = 0.0625\)")
    assert f"{math.sqrt(2 / 512):.4f}" == "0.0625" and 0.1 > math.sqrt(2 / 512)
    assert float(Fraction(1, 100) * WIDTH) == 5.12


def test_torch_source_and_tab() -> None:
    torch = pytest.importorskip("torch")
    source = inspect.getsource(torch.nn.Linear.reset_parameters)
    assert "kaiming_uniform_(self.weight, a=math.sqrt(5))" in source  # the default is not He
    assert "init.uniform_(self.bias, -bound, bound)" in source and "1 / math.sqrt(fan_in)" in source
    assert torch.nn.init.calculate_gain("leaky_relu", math.sqrt(5)) ** 2 == pytest.approx(1 / 3)
    gains = {"sigmoid": 1.0, "tanh": 5 / 3, "relu": math.sqrt(2), "selu": 3 / 4}
    t = torch_output("fixes/initialisation_defaults_torch.py")
    for name, gain in gains.items():
        assert value(t, f"calculate_gain('{name}')") == f"{gain:.4f}"
    quoted(PAGE, "0.75", "`a=math.sqrt(5)`")
    n_var = {name: 2 * float(f) for name, f in factors().items()}
    for name, expected in n_var.items():  # 50 x 512 x 512 draws: sampling error of Var well under 1 %
        assert number(t, f"{name}: fan_in * Var(W)") == pytest.approx(expected, rel=0.01)
        rms = number(t, f"{name}: activation RMS at layer {DEPTH}")
        assert abs(math.log(rms / (expected / 2) ** (DEPTH / 2))) < SPREAD


def test_torch_default_biases_take_over() -> None:
    """With nn.Linear's default biases (also U(+-1/sqrt(n))) the mean square obeys q' = q/6 + 1/(6n), whose
    fixed point is 1/(5n): the signal is replaced by the biases' pattern, the same for every input."""
    torch = pytest.importorskip("torch")
    assert Fraction(1, 6) * Fraction(1, 5) + Fraction(1, 6) == Fraction(1, 5)  # q* = 1/(5n) solves it (times n)
    torch.manual_seed(1)
    net = torch.nn.Sequential(*[m for _ in range(DEPTH) for m in (torch.nn.Linear(WIDTH, WIDTH), torch.nn.ReLU())])
    with torch.no_grad():
        x = torch.randn(2, WIDTH, dtype=torch.float64)
        out = net.double()(x)
    rms = out.pow(2).mean().sqrt().item()
    assert rms == pytest.approx(math.sqrt(1 / (5 * WIDTH)), rel=0.3)
    assert (out[0] - out[1]).abs().max().item() < 1e-9 * rms  # two different inputs, one output
    quoted(PAGE, r"\(1/(5n)\)", "the same for every input")


def test_keras_default_and_tab() -> None:
    k = keras_output("fixes/initialisation_defaults_keras.py")  # skips where Keras is missing
    spec = importlib.util.find_spec("keras")  # read the source: importing keras here would pick a backend
    dense = Path(spec.origin).parent / "src" / "layers" / "core" / "dense.py"
    init = next(node for node in ast.walk(ast.parse(dense.read_text()))
                if isinstance(node, ast.FunctionDef) and node.name == "__init__")
    defaults = dict(zip([a.arg for a in init.args.args][-len(init.args.defaults):], init.args.defaults))
    assert ast.literal_eval(defaults["kernel_initializer"]) == "glorot_uniform"
    assert value(k, "default kernel_initializer") == "GlorotUniform"
    for fan_in, fan_out in [(512, 512), (512, 128)]:
        line = value(k, f"Dense {fan_in} -> {fan_out}: kernel variance")
        measured = float(line.split(",")[0])
        assert measured == pytest.approx(2 / (fan_in + fan_out), rel=0.02)  # 65,536 or more draws
    assert number(k, "Keras default: fan_in * Var(W)") == pytest.approx(1, rel=0.01)
    assert number(k, "he_normal: fan_in * Var(W)") == pytest.approx(2, rel=0.01)
    for name, f in [("Keras default", 0.5), ("he_normal", 1.0)]:
        rms = number(k, f"{name}: activation RMS at layer {DEPTH}")
        assert abs(math.log(rms / f ** (DEPTH / 2))) < SPREAD
    quoted(PAGE, '`kernel_initializer="glorot_uniform"`', '`kernel_initializer="he_normal"`')


# --------------------------------------------------------------------------- patient 1, in PyTorch
RULES = ["patient (2/sqrt(fan_in))", "LeCun", "Xavier", "He", "orthogonal x sqrt(2)"]


@functools.cache
def torch_patient(rule: str, steps: int = 300) -> dict:
    """Patient 1 written again: 8 -> 10 x 32 ReLU -> 1, zero biases, float32, SGD lr 1e-3, batches of 32
    by rng.choice; weights from the same standard normal draws, scaled (or orthogonalised with
    torch.linalg.qr) by the rule; gradients by torch autograd."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 8))
    a = rng.standard_normal(8) / math.sqrt(8)
    y = (np.sin(x @ a) + 0.05 * rng.standard_normal(256))[:, None]
    sizes, wrng = [8] + [32] * 10 + [1], np.random.default_rng(0)
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        z = torch.tensor(wrng.standard_normal((n_in, n_out)), dtype=torch.float64)
        if rule == "orthogonal x sqrt(2)":
            wide = n_in < n_out
            q, r = torch.linalg.qr(z.T if wide else z)
            q = q * torch.sign(torch.diagonal(r))
            w = math.sqrt(2) * (q.T if wide else q)
        else:
            scale = {"patient (2/sqrt(fan_in))": 4 / n_in, "LeCun": 1 / n_in, "Xavier": 2 / (n_in + n_out),
                     "He": 2 / n_in}[rule]
            w = z * math.sqrt(scale)
        weights.append(w.float().requires_grad_())
    biases = [torch.zeros(n, requires_grad=True) for n in sizes[1:]]
    params = weights + biases
    X, Y = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)

    def net(inp, keep=None):
        for i, (w, b) in enumerate(zip(weights, biases)):
            pre = inp @ w + b
            if keep is not None:
                pre.retain_grad()
                keep.append(pre)
            inp = torch.relu(pre) if i < len(weights) - 1 else pre
        return inp

    brng, losses, norms, nan_step, ratio = np.random.default_rng(0), [], [], None, None
    for step in range(steps):
        idx = torch.tensor(brng.choice(256, 32, replace=False))
        pres: list = []
        loss = ((net(X[idx], pres) - Y[idx]) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        if step == 0:
            ratio = pres[0].grad.double().norm().item() / pres[-1].grad.double().norm().item()
        losses.append(loss.item())
        norms.append(math.sqrt(sum(float((p.grad.double() ** 2).sum()) for p in params)))
        with torch.no_grad():
            for p in params:
                p -= 1e-3 * p.grad
        tensors = [loss] + [p.grad for p in params] + list(params) + pres
        if any(torch.isnan(t).any().item() for t in tensors):
            nan_step = step
            break
    with torch.no_grad():
        final = ((net(X) - Y) ** 2).mean().item()
    return dict(losses=losses, norms=np.array(norms), nan=nan_step, ratio=ratio, final=final,
                var=float(np.var(y)))


def test_patient_before_and_after() -> None:
    out = output("fixes/initialisation_patient.py")
    runs = {rule: torch_patient(rule) for rule in RULES}
    var = runs["He"]["var"]
    assert number(out, "variance of the targets") == pytest.approx(var, abs=5e-4)
    for rule, run in runs.items():
        assert number(out, f"{rule}: loss at step 0") == pytest.approx(run["losses"][0], rel=2e-3)
        ratio = number(out, f"{rule}: gradient at layer 1 / at layer 11, step 0")
        assert ratio == pytest.approx(run["ratio"], rel=3e-3)
        if rule != "patient (2/sqrt(fan_in))":  # a stable run: the two implementations agree closely
            assert number(out, f"{rule}: largest gradient norm") == pytest.approx(run["norms"].max(), rel=0.02)
            assert run["nan"] is None
            assert number(out, f"{rule}: full-data loss after 300 steps") == pytest.approx(run["final"], abs=2e-3)
    # the verdicts
    patient = runs["patient (2/sqrt(fan_in))"]
    assert patient["nan"] == 2 and value(out, "patient (2/sqrt(fan_in)): full-data loss after 3 steps") == (
        "NaN at step 2")
    assert number(out, "patient (2/sqrt(fan_in)): largest gradient norm") == pytest.approx(
        np.nanmax(patient["norms"]), rel=0.5)  # a diverging float32 run: the order of magnitude
    assert patient["ratio"] > 10  # the gradient grows towards the input: theory 2^5 = 32
    for rule in ["He", "orthogonal x sqrt(2)"]:  # cured and training
        assert runs[rule]["final"] < 0.6 * var and 0.5 < runs[rule]["ratio"] < 2
    for rule in ["LeCun", "Xavier"]:  # cured of the NaN, but vanishing: almost nothing learnt in the budget
        assert 0.95 * var < runs[rule]["final"] < var and runs[rule]["ratio"] < 0.1
    assert runs["orthogonal x sqrt(2)"]["final"] < runs["He"]["final"]  # on this seed
    assert 2**5 == 32 and 2 ** (10 / 2) == 32  # per-layer factor g^2/2 = 2 in squared norm, 10 layers back
    quoted(PAGE, "787", "1.07e+14", "step 2", "0.362", "0.180", "0.148", "0.357", "36.2", "4.67", "1.24", "1.06",
           "0.903", "0.77", "0.0299", "0.0215", "0.952", r"\(2^{5} = 32\)", r"\(2^{-5}\)")


# --------------------------------------------------------------------------- the sigmoid's fixed point
def gauss(f, q: float, points: int = 4001) -> float:
    """E[f(h)] for h ~ N(0, q) by composite Simpson's rule in h itself over +-12 standard deviations (at
    least +-12): the integrand is smooth on the scale of the activation, whatever q is."""
    half = 12 * math.sqrt(max(q, 1.0))
    h = np.linspace(-half, half, points)
    simpson = np.ones(points)
    simpson[1:-1:2], simpson[2:-1:2] = 4, 2
    density = np.exp(-h * h / (2 * q)) / math.sqrt(2 * math.pi * q)
    return float(np.sum(simpson * density * f(h)) * (h[1] - h[0]) / 3)


def sig(h):
    return 0.5 * (1 + np.tanh(h / 2))


def fixed_point(g: float) -> tuple[float, float]:
    """q* = g^2 E[sigmoid(h)^2], h ~ N(0, q*), by damped iteration from q = g^2 / 4 (its lower bound), and
    chi = g^2 E[sigmoid'(h)^2] there."""
    q = g * g / 4
    for _ in range(200):
        q = 0.5 * q + 0.5 * g * g * gauss(lambda h: sig(h) ** 2, q)
    return q, g * g * gauss(lambda h: (sig(h) * (1 - sig(h))) ** 2, q)


def test_sigmoid_closed_forms_and_fixed_point() -> None:
    out = output("fixes/initialisation_sigmoid.py")
    assert value(out, "sigmoid: slope at 0") == f"{float(Fraction(1, 4)):.2f}"  # sigma(0)(1 - sigma(0))
    assert float(Fraction(1, 16)) == 0.0625  # chi <= g^2 / 16 at g = 1
    # the critical gain: secant on log g for chi(g) = 1
    lo, hi = math.log(6.0), math.log(14.0)
    f = lambda t: math.log(fixed_point(math.exp(t))[1])  # noqa: E731
    for _ in range(30):
        if abs(hi - lo) < 1e-12:
            break
        lo, hi = hi, hi - f(hi) * (hi - lo) / (f(hi) - f(lo))
    g_crit = math.exp(hi)
    q_crit = fixed_point(g_crit)[0]
    assert value(out, "sigmoid: critical gain") == f"{g_crit:.2f}, pre-activation std there = {math.sqrt(q_crit):.2f}"
    for g in [1.0, 4.0, g_crit]:
        q, chi = fixed_point(g)
        assert q >= g * g / 4  # E[sigmoid^2] >= (E sigmoid)^2 = 1/4
        line = value(out, f"sigmoid, g = {g:.2f}")
        printed_q, printed_chi, measured = (part.split("= ")[1] for part in line.split(", "))
        assert printed_q == f"{q:.3g}" and printed_chi == f"{chi:.3g}"
        assert float(measured) == pytest.approx(chi, rel=0.05)  # one 30-layer, 512-wide network
        assert chi <= g * g / 16
    quoted(PAGE, "0.25", "0.0625", "10.15", "6.75", "0.265", "0.0557", "0.0551", "5.86", "0.399", "0.388", "45.6",
           "0.98")
    # the centred sigmoid, tanh(h/2)/2: slope 1/4 at 0 and q* = 0 up to g = 4, so chi = g^2/16 = 1 at g = 4
    assert (Fraction(4) ** 2) / 16 == 1
    q4 = 1.0
    for _ in range(2000):  # at g = 4 the map is q -> 16 E[(tanh(sqrt(q) x / 2) / 2)^2] < q: q drifts to 0
        q = 16 * gauss(lambda h: (np.tanh(h / 2) / 2) ** 2, q4)
        assert q < q4
        q4 = q
    assert q4 < 1e-2  # slowly, like a power of the number of layers, as tanh at g = 1 does
