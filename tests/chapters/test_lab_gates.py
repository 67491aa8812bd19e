"""snippets/lib/gradlab.py, the gated cells and truncated BPTT: LSTM.backward and GRU.backward agree with
central finite differences in float64, and so does the truncated backward pass of all three cells; a
second implementation in PyTorch (nn.RNNCell / nn.LSTMCell / nn.GRUCell with copied weights, truncation
by detach()) agrees too. The finite-difference model of the truncated objective is written here from the
equations: the state `truncate` steps before each step where the loss enters is held fixed."""

from __future__ import annotations

import importlib.util

import gradlab
import numpy as np
import pytest
from support import central_difference

EPS = 1e-6
TOLERANCE = 1e-6
CELLS = {"RNN": gradlab.RNN, "LSTM": gradlab.LSTM, "GRU": gradlab.GRU}


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return float(np.linalg.norm(a - b) / scale) if scale > 0 else 0.0


def sig(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def cell_step(kind: str, p: dict, x: np.ndarray, state: tuple) -> tuple:
    """One step of each cell, from the equations on the chapter page (a second, unvectorised-over-time
    implementation). state is (h,) or (h, c); returns the new state."""
    h = state[0]
    if kind == "RNN":
        return (np.tanh(h @ p["W"] + x @ p["U"] + p["b"]),)
    n = h.shape[1]
    if kind == "LSTM":
        a = h @ p["W"] + x @ p["U"] + p["b"]
        i, f, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
        c = f * state[1] + i * g
        return (o * np.tanh(c), c)
    a, m = x @ p["U"] + p["b"], h @ p["W"]
    r, z = sig(a[:, :n] + m[:, :n]), sig(a[:, n:2 * n] + m[:, n:2 * n])
    cand = np.tanh(a[:, 2 * n:] + r * (m[:, 2 * n:] + p["bn"]))
    return ((1 - z) * cand + z * h,)


def states(kind: str, p: dict, x: np.ndarray) -> list[tuple]:
    hidden = p["V"].shape[0]
    zero = np.zeros((x.shape[0], hidden))
    out = [(zero, zero) if kind == "LSTM" else (zero,)]
    for t in range(x.shape[1]):
        out.append(cell_step(kind, p, x[:, t], out[-1]))
    return out


def truncated_loss_terms(kind: str, p: dict, frozen: list[tuple], x: np.ndarray, target: np.ndarray,
                         readout: str, truncate: int | None) -> float:
    """The mean squared error, each term computed from the state `truncate` steps before its step, taken
    from `frozen` (computed with the unperturbed weights): its derivative is the truncated gradient."""
    steps = x.shape[1]
    origins = [steps] if readout == "last" else range(1, steps + 1)
    total = 0.0
    for s in origins:
        start = 0 if truncate is None else max(s - truncate, 0)
        state = frozen[start]
        for t in range(start, s):
            state = cell_step(kind, p, x[:, t], state)
        y = state[0] @ p["V"] + p["c"]
        wanted = target if readout == "last" else target[:, s - 1]
        total += float(np.sum((y - wanted) ** 2))
    return total / target.size


def finite_difference(kind: str, model, x: np.ndarray, target: np.ndarray) -> dict:
    p = {name: value.copy() for name, value in model.params.items()}
    frozen = states(kind, p, x)
    loss = lambda: truncated_loss_terms(kind, p, frozen, x, target, model.readout, model.truncate)  # noqa: E731
    return {name: central_difference(loss, value, EPS) for name, value in p.items()}


def setup(kind: str, readout: str, truncate: int | None, seed: int):
    rng = np.random.default_rng(seed)
    model = CELLS[kind](2, 4, 2, init_scale=1.3, readout=readout, seed=seed)
    for name in model.params:  # non-zero biases, so that every term of the backward pass is exercised
        if name in ("b", "bn", "c"):
            model.params[name] = model.params[name] + rng.normal(0.0, 0.5, model.params[name].shape)
    model.truncate = truncate
    x = rng.normal(size=(3, 9, 2))
    target = rng.normal(size=(3, 9, 2) if readout == "every" else (3, 2))
    y = model.forward(x)
    grads = model.backward(2 * (y - target) / y.size)
    return model, x, target, grads


@pytest.mark.parametrize("truncate", [None, 4])
@pytest.mark.parametrize("readout", ["last", "every"])
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_backward_matches_finite_differences(kind: str, readout: str, truncate: int | None) -> None:
    model, x, target, grads = setup(kind, readout, truncate, seed=5)
    numeric = finite_difference(kind, model, x, target)
    assert set(grads) == set(numeric)
    for name in numeric:
        assert relative_error(grads[name], numeric[name]) < TOLERANCE, (kind, readout, truncate, name)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_truncation_changes_the_gradient_and_gates_the_steps(kind: str) -> None:
    """Truncated and full gradients differ (the test above would pass vacuously otherwise), and with
    readout="last" only the last `truncate` steps receive any gradient."""
    _, _, _, full = setup(kind, "last", None, seed=7)
    model, _, _, cut = setup(kind, "last", 3, seed=7)
    assert relative_error(full["W"], cut["W"]) > 1e-3
    assert np.all(model.signal[:-3] == 0) and np.all(model.signal[-3:] > 0)
    assert np.array_equal(full["V"], cut["V"])  # the readout's own gradient is not truncated


def test_lstm_cell_path_signal_and_forget_bias() -> None:
    model = gradlab.LSTM(2, 5, 1, forget_bias=1.5, seed=1)
    n = 5
    assert np.all(model.params["b"][n:2 * n] == 1.5)
    assert np.all(np.delete(model.params["b"], np.s_[n:2 * n]) == 0)
    assert np.all(gradlab.LSTM(2, 5, 1, seed=1).params["b"][n:2 * n] == 1.0)  # the default
    x = np.random.default_rng(0).normal(size=(2, 6, 2))
    y = model.forward(x)
    model.backward(np.ones_like(y))
    assert model.cell_signal.shape == (6,) and np.all(model.cell_signal > 0)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_orthogonal_recurrent_blocks(kind: str) -> None:
    hidden = 6
    model = CELLS[kind](2, hidden, 1, init_scale=1.1, init="orthogonal", seed=3)
    blocks = np.split(model.params["W"], model.params["W"].shape[1] // hidden, axis=1)
    for q in blocks:
        assert np.allclose(q.T @ q, 1.1**2 * np.eye(hidden), atol=1e-12)
    normal = CELLS[kind](2, hidden, 1, init_scale=1.1, seed=3)
    assert np.array_equal(normal.params["U"], model.params["U"])  # the same random numbers are drawn
    assert np.array_equal(normal.params["V"], model.params["V"])


def test_default_truncation_is_none() -> None:
    for cls in CELLS.values():
        assert cls(2, 3, 1).truncate is None


# ---------------------------------------------------------------- PyTorch, a second implementation
def torch_gradients(kind: str, model, x: np.ndarray, target: np.ndarray) -> dict:
    """The same loss in PyTorch: its own cells with gradlab's weights copied in; truncation by detaching
    the state `truncate` steps before each step where the loss enters (one pass per such step)."""
    torch = pytest.importorskip("torch")
    p = model.params
    hidden = p["V"].shape[0]
    cell = {"RNN": torch.nn.RNNCell, "LSTM": torch.nn.LSTMCell, "GRU": torch.nn.GRUCell}[kind](2, hidden)
    cell = cell.double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor(p["U"].T))
        cell.weight_hh.copy_(torch.tensor(p["W"].T))
        cell.bias_ih.copy_(torch.tensor(p["b"]))
        hh = np.zeros_like(p["b"])
        if kind == "GRU":
            hh[2 * hidden:] = p["bn"]  # PyTorch's b_hn sits inside r * (W_hn h + b_hn)
        cell.bias_hh.copy_(torch.tensor(hh))
    V = torch.tensor(p["V"], requires_grad=True)
    c = torch.tensor(p["c"], requires_grad=True)
    xs, ts = torch.tensor(x), torch.tensor(target)
    steps = x.shape[1]
    origins = [steps] if model.readout == "last" else range(1, steps + 1)
    for s in origins:
        cut = None if model.truncate is None else s - model.truncate
        state = None
        for t in range(s):
            if state is not None and cut is not None and t == cut:
                state = tuple(v.detach() for v in state) if kind == "LSTM" else state.detach()
            state = cell(xs[:, t], state)
        h = state[0] if kind == "LSTM" else state
        wanted = ts if model.readout == "last" else ts[:, s - 1]
        (((h @ V + c) - wanted) ** 2).sum().div(target.size).backward()
    w_ih, w_hh = cell.weight_ih.grad.numpy(), cell.weight_hh.grad.numpy()
    grads = {"U": w_ih.T, "W": w_hh.T, "b": cell.bias_ih.grad.numpy().copy(), "V": V.grad.numpy(),
             "c": c.grad.numpy()}
    b_hh = cell.bias_hh.grad.numpy()
    if kind == "GRU":
        grads["b"] = grads["b"].copy()
        grads["bn"] = b_hh[2 * hidden:]
        # b_hr and b_hz add to b_ir and b_iz: their gradients are equal
        assert np.allclose(b_hh[:2 * hidden], grads["b"][:2 * hidden], rtol=1e-12, atol=1e-15)
    else:
        assert np.allclose(b_hh, grads["b"], rtol=1e-12, atol=1e-15)  # the two biases add
    return grads


@pytest.mark.parametrize("truncate", [None, 1, 4])
@pytest.mark.parametrize("readout", ["last", "every"])
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_backward_matches_torch_autograd(kind: str, readout: str, truncate: int | None) -> None:
    if importlib.util.find_spec("torch") is None:
        pytest.skip("torch is not installed (pip install torch==2.13.0)")
    model, x, target, grads = setup(kind, readout, truncate, seed=11)
    reference = torch_gradients(kind, model, x, target)
    assert set(reference) == set(grads)
    for name in grads:
        assert relative_error(grads[name], reference[name]) < TOLERANCE, (kind, readout, truncate, name)


def test_torch_forward_matches() -> None:
    """The forward passes agree too (so the comparison above compares the same function)."""
    torch = pytest.importorskip("torch")
    model = gradlab.GRU(2, 4, 1, init_scale=1.3, seed=2)
    model.params["bn"] = np.full(4, 0.3)
    x = np.random.default_rng(1).normal(size=(3, 7, 2))
    gru = torch.nn.GRU(2, 4, batch_first=True).double()
    with torch.no_grad():
        gru.weight_ih_l0.copy_(torch.tensor(model.params["U"].T))
        gru.weight_hh_l0.copy_(torch.tensor(model.params["W"].T))
        gru.bias_ih_l0.zero_()
        gru.bias_hh_l0.copy_(torch.tensor(np.r_[np.zeros(8), model.params["bn"]]))
        out, _ = gru(torch.tensor(x))
    model.forward(x)
    assert np.allclose(out[:, -1].numpy(), model.h[-1], rtol=1e-12, atol=1e-14)
