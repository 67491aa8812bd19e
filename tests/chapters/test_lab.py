"""symptoms/lab.md, the teaching module snippets/lib/gradlab.py: its hand-written backward passes agree with
central finite differences and with torch autograd on the same weights; its optimisers and its training
loop do what their docstrings say, each checked against a closed form or a hand-built case."""

from __future__ import annotations

import math

import gradlab
import numpy as np
import pytest
from support import central_difference, page

PAGE = "symptoms/lab.md"
AUTOGRAD_TOLERANCE = 1e-12  # float64 backward passes that agree up to rounding


def mse(out: np.ndarray, target: np.ndarray) -> float:
    return float(np.mean((out - target) ** 2))


def finite_difference_check(model: gradlab.MLP | gradlab.RNN, x: np.ndarray, target: np.ndarray) -> float:
    """The largest relative error between backward() and central differences, over all parameters."""
    out = model.forward(x)
    grads = model.backward(2 * (out - target) / out.size)
    worst, step = 0.0, 1e-6
    for name, param in model.params.items():
        numeric = central_difference(lambda: mse(model.forward(x), target), param, step)
        error = np.linalg.norm(numeric - grads[name]) / max(np.linalg.norm(numeric) + np.linalg.norm(grads[name]), 1e-30)
        worst = max(worst, float(error))
    return worst


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_mlp_backward_matches_finite_differences(activation: str) -> None:
    rng = np.random.default_rng(1)
    model = gradlab.MLP([3, 5, 4, 2], activation, init_scale=1.0, seed=2)
    x, target = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    assert finite_difference_check(model, x, target) < 1e-6


@pytest.mark.parametrize("readout", ["last", "every"])
def test_rnn_backward_matches_finite_differences(readout: str) -> None:
    rng = np.random.default_rng(3)
    model = gradlab.RNN(2, 4, 3, init_scale=1.5, readout=readout, seed=4)
    x = rng.standard_normal((5, 7, 2))
    target = rng.standard_normal((5, 3) if readout == "last" else (5, 7, 3))
    assert finite_difference_check(model, x, target) < 1e-6


def relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_mlp_backward_matches_torch_autograd(activation: str) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    model = gradlab.MLP([4, 16, 16, 16, 1], activation, init_scale=1.7, seed=6)
    x, target = rng.standard_normal((10, 4)), rng.standard_normal((10, 1))
    out = model.forward(x)
    grads = model.backward(2 * (out - target) / out.size)
    weights = {name: torch.tensor(value, requires_grad=True) for name, value in model.params.items()}
    h = torch.tensor(x)
    for layer in range(1, 5):
        h = h @ weights[f"W{layer}"] + weights[f"b{layer}"]
        if layer < 4:
            h = torch.tanh(h) if activation == "tanh" else torch.relu(h)
    torch.mean((h - torch.tensor(target)) ** 2).backward()
    for name, tensor in weights.items():
        assert relative(grads[name], tensor.grad.numpy()) < AUTOGRAD_TOLERANCE, name


@pytest.mark.parametrize("readout", ["last", "every"])
def test_rnn_backward_matches_torch_autograd(readout: str) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    model = gradlab.RNN(2, 8, 1, init_scale=1.5, readout=readout, seed=8)
    x = rng.standard_normal((6, 30, 2))
    target = rng.standard_normal((6, 1) if readout == "last" else (6, 30, 1))
    out = model.forward(x)
    grads = model.backward(2 * (out - target) / out.size)
    p = {name: torch.tensor(value, requires_grad=True) for name, value in model.params.items()}
    inputs, h, states = torch.tensor(x), torch.zeros(6, 8, dtype=torch.float64), []
    for t in range(30):
        h = torch.tanh(h @ p["W"] + inputs[:, t] @ p["U"] + p["b"])
        states.append(h)
    prediction = (h if readout == "last" else torch.stack(states, dim=1)) @ p["V"] + p["c"]
    torch.mean((prediction - torch.tensor(target)) ** 2).backward()
    for name, tensor in p.items():
        assert relative(grads[name], tensor.grad.numpy()) < AUTOGRAD_TOLERANCE, name


def test_initial_scales() -> None:
    """Weights have standard deviation init_scale / sqrt(fan_in); with 32 x 32 = 1024 draws the sample
    standard deviation is within 3 / sqrt(2 * 1024) of it, relatively, with overwhelming probability."""
    mlp = gradlab.MLP([32, 32, 32], "relu", init_scale=3.0, seed=0)
    rnn = gradlab.RNN(2, 32, 1, init_scale=3.0, seed=0)
    for weights in [mlp.params["W2"], rnn.params["W"]]:
        assert np.std(weights) == pytest.approx(3.0 / math.sqrt(32), rel=3 / math.sqrt(2 * 1024))


def test_sgd_and_adam_first_step() -> None:
    """SGD moves by -lr g; Adam's first step is -lr m/(sqrt(v) + eps) = -lr g/(|g| + eps), about -lr sign(g)."""
    grads = {"w": np.array([3.0, -0.02, 1e-3])}
    assert np.array_equal(gradlab.SGD(0.5).update({}, grads)["w"], -0.5 * grads["w"])
    step = gradlab.Adam(lr=0.1, eps=1e-8).update({}, grads)["w"]
    assert step == pytest.approx(-0.1 * grads["w"] / (np.abs(grads["w"]) + 1e-8), rel=1e-12)
    assert step == pytest.approx(-0.1 * np.sign(grads["w"]), rel=1e-4)


def test_clipping_rescales_to_the_threshold() -> None:
    """With clip_norm c and SGD at lr, every clipped step moves the weights by exactly lr * c in total.
    (From step 1 on: at step 0 the biases are zero, so their update ratio is NaN and cannot be summed.)"""
    run = gradlab.mlp_patient(init_scale=2**0.5, lr=0.01, dtype=np.float64)
    history = gradlab.train(**{**run, "steps": 20}, clip_norm=0.5)
    moved = np.sqrt(np.nansum((history.array("update_ratio") * history.array("weight_norm")) ** 2, axis=1))
    clipped = history.array("total_grad_norm")[1:] > 0.5
    assert clipped.sum() >= 10
    assert moved[1:][clipped] == pytest.approx(0.01 * 0.5, rel=1e-9)


def test_callback_may_change_gradients() -> None:
    run = gradlab.mlp_patient(dtype=np.float64)
    before = {name: value.copy() for name, value in run["model"].params.items()}

    def freeze(step: int, model: object, grads: dict[str, np.ndarray]) -> None:
        for g in grads.values():
            g[...] = 0.0

    gradlab.train(**{**run, "steps": 3}, callback=freeze)
    assert all(np.array_equal(before[name], value) for name, value in run["model"].params.items())


def test_overflow_is_recorded_not_raised() -> None:
    """A hand-built case: float32's largest value is about 3.4e38, so relu(1e30 * 1e10) is inf at layer 1
    of step 0, and the first NaN must come later in the same step (inf - target, then inf * 0 or inf - inf)."""
    model = gradlab.MLP([1, 1, 1], "relu", seed=0, dtype=np.float32)
    model.params["W1"][...] = 1e30
    task = gradlab.Task(np.array([[1e10]]), np.array([[0.0]]))
    history = gradlab.train(model, task, gradlab.SGD(0.1), steps=5, batch=None)
    assert history.first_nonfinite == (0, "activation", "layer 1")
    assert history.first_nan is not None and history.first_nan[0] <= 1
    assert math.isnan(history.loss[-1]) and len(history.loss) <= 2


def test_the_page_shows_the_module() -> None:
    text = page(PAGE)
    assert "below \\( 10^{-12} \\)" in text and AUTOGRAD_TOLERANCE == 10**-12
    assert "{{ snippet lib/gradlab.py }}" in text
    for name in ["MLP", "RNN", "SGD", "Adam", "train", "mlp_patient", "rnn_patient"]:
        assert f"`{name}" in text, name
