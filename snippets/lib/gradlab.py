"""gradlab: the small NumPy lab behind this site's training experiments.

Two models whose backward passes are written out, so the chain rule is visible (an MLP and a vanilla
RNN); two optimisers (SGD and Adam); two synthetic tasks; one training loop that records what you need
to diagnose exploding gradients; and the two "patients", seeded runs that explode. Models compute in
float64 by default (for gradient checks); the patients compute in float32, as real training does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

Params = dict[str, np.ndarray]


def norm(a: Any) -> float:
    """The Euclidean norm, computed in float64 so that measuring a float32 array never overflows."""
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64)))


class MLP:
    """h_l = f(h_{l-1} W_l + b_l) for the hidden layers (f = tanh or relu), then a linear output layer.
    Weights are drawn from N(0, init_scale^2 / fan_in): init_scale 1 is LeCun's scale, sqrt(2) is He's."""

    def __init__(self, sizes: list[int], activation: str = "relu", init_scale: float = 2**0.5,
                 seed: int = 0, dtype: type = np.float64):
        rng = np.random.default_rng(seed)
        self.activation, self.depth = activation, len(sizes) - 1
        self.params: Params = {}
        for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            self.params[f"W{l}"] = rng.normal(0.0, init_scale / np.sqrt(n_in), (n_in, n_out)).astype(dtype)
            self.params[f"b{l}"] = np.zeros(n_out, dtype)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Keep every layer's output h_l (h_0 = x): the backward pass needs them."""
        self.h = [x.astype(self.params["W1"].dtype)]
        for l in range(1, self.depth + 1):
            z = self.h[-1] @ self.params[f"W{l}"] + self.params[f"b{l}"]
            if l < self.depth:
                z = np.tanh(z) if self.activation == "tanh" else np.maximum(z, 0.0)
            self.h.append(z)
        return self.h[-1]

    def slope(self, l: int) -> np.ndarray:
        """f'(z_l), written in terms of the layer's output h_l = f(z_l)."""
        h = self.h[l]
        return 1.0 - h**2 if self.activation == "tanh" else (h > 0).astype(h.dtype)

    def backward(self, grad_out: np.ndarray) -> Params:
        """The chain rule, last layer first. With delta = dL/dz_l at layer l's pre-activation,
        dL/dW_l = h_{l-1}^T delta and dL/db_l = delta summed over the batch, and one more factor
        per layer takes delta down a layer: delta_{l-1} = (delta_l W_l^T) * f'(z_{l-1})."""
        grads: Params = {}
        delta = grad_out
        self.signal = np.zeros(self.depth)  # |delta_l|: the backpropagated signal at each layer
        for l in range(self.depth, 0, -1):
            self.signal[l - 1] = norm(delta)
            grads[f"W{l}"] = self.h[l - 1].T @ delta
            grads[f"b{l}"] = delta.sum(axis=0)
            if l > 1:
                delta = (delta @ self.params[f"W{l}"].T) * self.slope(l - 1)
        return grads

    def activations(self) -> list[tuple[str, np.ndarray]]:
        return [(f"layer {l}", h) for l, h in enumerate(self.h[1:], start=1)]


def recurrent_matrix(rng: np.random.Generator, hidden: int, init_scale: float, init: str) -> np.ndarray:
    """A hidden-by-hidden recurrent matrix. "normal": N(0, init_scale^2 / hidden) entries. "orthogonal"
    (Saxe et al. 2014): Q of the QR decomposition of a standard Gaussian matrix, each column's sign
    fixed by R's diagonal so that Q is uniformly distributed, times init_scale: every singular value
    of Q is 1, so |(init_scale Q)^n| = init_scale^n exactly. Both draw the same random numbers."""
    if init == "normal":
        return rng.normal(0.0, init_scale / np.sqrt(hidden), (hidden, hidden))
    q, r = np.linalg.qr(rng.normal(0.0, 1.0, (hidden, hidden)))
    return init_scale * q * np.sign(np.diag(r))


def sweeps(steps: int, readout: str, truncate: int | None) -> list[tuple[int | None, int, int]]:
    """The backward sweeps of backpropagation through time, as (origin, first step, stop): the sweep
    runs t = first, first - 1, ..., stop + 1 and takes in the readout's gradient at step `origin` (at
    every step if origin is None). Without truncation one sweep carries everything back to step 1.
    Truncated BPTT (Williams and Peng 1990) with truncate = k carries the gradient that enters at
    step s back over steps s, s - 1, ..., s - k + 1 only: one sweep per step where the loss enters."""
    if truncate is None:
        return [(None, steps, 0)]
    origins = [steps] if readout == "last" else list(range(steps, 0, -1))
    return [(s, s, max(s - truncate, 0)) for s in origins]


class RNN:
    """h_t = tanh(h_{t-1} W + x_t U + b) from h_0 = 0, with a linear readout y = h_T V + c at the last
    step (readout="last") or y_t = h_t V + c at every step (readout="every").
    W is drawn from N(0, init_scale^2 / hidden): for a large hidden size its spectral radius is close to
    init_scale (the circular law); at 32 units a single draw can be 20 % off. init="orthogonal" draws
    an orthogonal W times init_scale instead. Set `truncate` to k for truncated BPTT (see `sweeps`)."""
    truncate: int | None = None

    def __init__(self, n_in: int, hidden: int, n_out: int, init_scale: float = 1.0,
                 readout: str = "last", seed: int = 0, dtype: type = np.float64, init: str = "normal"):
        rng = np.random.default_rng(seed)
        self.readout = readout
        params = {"U": rng.normal(0.0, 1 / np.sqrt(n_in), (n_in, hidden)),
                  "W": recurrent_matrix(rng, hidden, init_scale, init),
                  "b": np.zeros(hidden),
                  "V": rng.normal(0.0, 1 / np.sqrt(hidden), (hidden, n_out)),
                  "c": np.zeros(n_out)}
        self.params: Params = {name: value.astype(dtype) for name, value in params.items()}

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x has shape (batch, steps, n_in). Keep every hidden state for backpropagation through time."""
        p = self.params
        self.x = x.astype(p["W"].dtype)
        self.h = [np.zeros((x.shape[0], p["W"].shape[0]), p["W"].dtype)]
        for t in range(x.shape[1]):
            self.h.append(np.tanh(self.h[-1] @ p["W"] + self.x[:, t] @ p["U"] + p["b"]))
        states = np.stack(self.h[1:], axis=1)  # (batch, steps, hidden)
        self.y = (states[:, -1] if self.readout == "last" else states) @ p["V"] + p["c"]
        return self.y

    def readout_grads(self, grad_out: np.ndarray, g: Params) -> None:
        """dL/dV and dL/dc, the first gradients the backward pass computes."""
        if self.readout == "last":
            g["V"], g["c"] = self.h[-1].T @ grad_out, grad_out.sum(axis=0)
        else:
            g["V"] = np.einsum("bth,bto->ho", np.stack(self.h[1:], axis=1), grad_out)
            g["c"] = grad_out.sum(axis=(0, 1))

    def entering(self, grad_out: np.ndarray, t: int) -> np.ndarray | None:
        """What the readout adds to dL/dh_t at step t (None where the loss does not enter)."""
        if self.readout == "every":
            return grad_out[:, t - 1] @ self.params["V"].T
        return grad_out @ self.params["V"].T if t == self.x.shape[1] else None

    def backward(self, grad_out: np.ndarray) -> Params:
        """Backpropagation through time, last step first. With dh = dL/dh_t, one step back passes
        through tanh and then through the same matrix W every time: dh_{t-1} = (dh_t * (1 - h_t^2)) W^T,
        plus what the readout adds at step t-1."""
        p, steps = self.params, self.x.shape[1]
        g = {name: np.zeros_like(value) for name, value in p.items()}
        self.readout_grads(grad_out, g)
        dh_at: dict[int, np.ndarray] = {}  # dL/dh_t, summed over the sweeps
        for origin, first, stop in sweeps(steps, self.readout, self.truncate):
            dh = np.zeros_like(self.h[0])
            for t in range(first, stop, -1):
                entered = self.entering(grad_out, t) if origin in (None, t) else None
                dh = dh if entered is None else dh + entered
                dh_at[t] = dh_at[t] + dh if t in dh_at else dh
                dz = dh * (1.0 - self.h[t] ** 2)  # through tanh
                g["W"] += self.h[t - 1].T @ dz
                g["U"] += self.x[:, t - 1].T @ dz
                g["b"] += dz.sum(axis=0)
                dh = dz @ p["W"].T  # through the recurrent matrix: the same factor at every step
        self.signal = np.array([norm(dh_at.get(t, 0.0)) for t in range(1, steps + 1)])  # |dL/dh_t|
        return {name: g[name] for name in ["V", "c", "W", "U", "b"]}  # in the order computed

    def activations(self) -> list[tuple[str, np.ndarray]]:
        return [(f"time step {t}", h) for t, h in enumerate(self.h[1:], start=1)] + [("output", self.y)]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z), written as (1 + tanh(z / 2)) / 2, which never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class LSTM(RNN):
    """Long short-term memory (Hochreiter and Schmidhuber 1997) with a forget gate (Gers, Schmidhuber,
    Cummins 2000), in PyTorch's gate order i, f, g, o: with a = h_{t-1} W + x_t U + b split in four,
    i = sigmoid(a_i), f = sigmoid(a_f), g = tanh(a_g), o = sigmoid(a_o),
    c_t = f * c_{t-1} + i * g and h_t = o * tanh(c_t), from h_0 = c_0 = 0; readout as in RNN.
    W has four hidden-by-hidden blocks, each drawn as RNN's W. b starts at 0 except the forget gate's,
    forget_bias (1.0, as Keras' unit_forget_bias; PyTorch's nn.LSTM draws it near 0 and has no option)."""

    def __init__(self, n_in: int, hidden: int, n_out: int, init_scale: float = 1.0,
                 readout: str = "last", seed: int = 0, dtype: type = np.float64, init: str = "normal",
                 forget_bias: float = 1.0):
        rng = np.random.default_rng(seed)
        self.readout = readout
        bias = np.zeros(4 * hidden)
        bias[hidden:2 * hidden] = forget_bias
        params = {"U": rng.normal(0.0, 1 / np.sqrt(n_in), (n_in, 4 * hidden)),
                  "W": np.hstack([recurrent_matrix(rng, hidden, init_scale, init) for _ in range(4)]),
                  "b": bias,
                  "V": rng.normal(0.0, 1 / np.sqrt(hidden), (hidden, n_out)),
                  "c": np.zeros(n_out)}
        self.params: Params = {name: value.astype(dtype) for name, value in params.items()}

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Keep the gates and the cell states of every step: the backward pass needs them."""
        p = self.params
        n = p["W"].shape[0]
        self.x = x.astype(p["W"].dtype)
        self.h = [np.zeros((x.shape[0], n), p["W"].dtype)]
        self.cell, self.gates = [np.zeros_like(self.h[0])], [None]
        for t in range(x.shape[1]):
            a = self.h[-1] @ p["W"] + self.x[:, t] @ p["U"] + p["b"]
            i, f, g, o = sigmoid(a[:, :n]), sigmoid(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sigmoid(a[:, 3 * n:])
            self.cell.append(f * self.cell[-1] + i * g)
            self.h.append(o * np.tanh(self.cell[-1]))
            self.gates.append((i, f, g, o))
        states = np.stack(self.h[1:], axis=1)
        self.y = (states[:, -1] if self.readout == "last" else states) @ p["V"] + p["c"]
        return self.y

    def backward(self, grad_out: np.ndarray) -> Params:
        """Backpropagation through time carries two gradients, dh = dL/dh_t and dc = dL/dc_t. Through
        the cell path one step back is a multiplication by the forget gate, dc_{t-1} = dc_t * f_t, not
        by a matrix; through the hidden path it is dh_{t-1} = da_t W^T, as in the RNN."""
        p, steps = self.params, self.x.shape[1]
        g = {name: np.zeros_like(value) for name, value in p.items()}
        self.readout_grads(grad_out, g)
        dh_at: dict[int, np.ndarray] = {}
        dc_at: dict[int, np.ndarray] = {}  # dL/dc_t, the gradient along the cell path
        for origin, first, stop in sweeps(steps, self.readout, self.truncate):
            dh, dc = np.zeros_like(self.h[0]), np.zeros_like(self.h[0])
            for t in range(first, stop, -1):
                entered = self.entering(grad_out, t) if origin in (None, t) else None
                dh = dh if entered is None else dh + entered
                dh_at[t] = dh_at[t] + dh if t in dh_at else dh
                i, f, gg, o = self.gates[t]
                tanh_c = np.tanh(self.cell[t])
                do = dh * tanh_c  # h_t = o * tanh(c_t)
                dc = dc + dh * o * (1.0 - tanh_c**2)
                dc_at[t] = dc_at[t] + dc if t in dc_at else dc
                di, df, dg = dc * gg, dc * self.cell[t - 1], dc * i  # c_t = f * c_{t-1} + i * g
                da = np.hstack([di * i * (1 - i), df * f * (1 - f), dg * (1 - gg**2), do * o * (1 - o)])
                g["W"] += self.h[t - 1].T @ da
                g["U"] += self.x[:, t - 1].T @ da
                g["b"] += da.sum(axis=0)
                dc = dc * f  # the cell path: one gate, no matrix
                dh = da @ p["W"].T  # the hidden path: through W, as in the RNN
        self.signal = np.array([norm(dh_at.get(t, 0.0)) for t in range(1, steps + 1)])
        self.cell_signal = np.array([norm(dc_at.get(t, 0.0)) for t in range(1, steps + 1)])  # |dL/dc_t|
        return {name: g[name] for name in ["V", "c", "W", "U", "b"]}

    def activations(self) -> list[tuple[str, np.ndarray]]:
        return ([(f"cell step {t}", c) for t, c in enumerate(self.cell[1:], start=1)]
                + super().activations())


class GRU(RNN):
    """Gated recurrent unit (Cho et al. 2014) in PyTorch's form, gate order r, z, n: with
    a = x_t U + b and m = h_{t-1} W, each split in three, r = sigmoid(a_r + m_r), z = sigmoid(a_z + m_z),
    n = tanh(a_n + r * (m_n + bn)) and h_t = (1 - z) * n + z * h_{t-1}. Cho et al. apply r to h_{t-1}
    before the matrix; PyTorch (and Keras' reset_after=True) apply it after, with its own bias bn."""

    def __init__(self, n_in: int, hidden: int, n_out: int, init_scale: float = 1.0,
                 readout: str = "last", seed: int = 0, dtype: type = np.float64, init: str = "normal"):
        rng = np.random.default_rng(seed)
        self.readout = readout
        params = {"U": rng.normal(0.0, 1 / np.sqrt(n_in), (n_in, 3 * hidden)),
                  "W": np.hstack([recurrent_matrix(rng, hidden, init_scale, init) for _ in range(3)]),
                  "b": np.zeros(3 * hidden),
                  "bn": np.zeros(hidden),
                  "V": rng.normal(0.0, 1 / np.sqrt(hidden), (hidden, n_out)),
                  "c": np.zeros(n_out)}
        self.params: Params = {name: value.astype(dtype) for name, value in params.items()}

    def forward(self, x: np.ndarray) -> np.ndarray:
        p = self.params
        n = p["W"].shape[0]
        self.x = x.astype(p["W"].dtype)
        self.h, self.gates = [np.zeros((x.shape[0], n), p["W"].dtype)], [None]
        for t in range(x.shape[1]):
            a, m = self.x[:, t] @ p["U"] + p["b"], self.h[-1] @ p["W"]
            r, z = sigmoid(a[:, :n] + m[:, :n]), sigmoid(a[:, n:2 * n] + m[:, n:2 * n])
            mn = m[:, 2 * n:] + p["bn"]
            cand = np.tanh(a[:, 2 * n:] + r * mn)
            self.h.append((1 - z) * cand + z * self.h[-1])
            self.gates.append((r, z, cand, mn))
        states = np.stack(self.h[1:], axis=1)
        self.y = (states[:, -1] if self.readout == "last" else states) @ p["V"] + p["c"]
        return self.y

    def backward(self, grad_out: np.ndarray) -> Params:
        """One step back: dh_{t-1} = dh_t * z_t (the direct path, no matrix) + dm_t W^T (through W)."""
        p, steps = self.params, self.x.shape[1]
        g = {name: np.zeros_like(value) for name, value in p.items()}
        self.readout_grads(grad_out, g)
        dh_at: dict[int, np.ndarray] = {}
        for origin, first, stop in sweeps(steps, self.readout, self.truncate):
            dh = np.zeros_like(self.h[0])
            for t in range(first, stop, -1):
                entered = self.entering(grad_out, t) if origin in (None, t) else None
                dh = dh if entered is None else dh + entered
                dh_at[t] = dh_at[t] + dh if t in dh_at else dh
                r, z, cand, mn = self.gates[t]
                dan = dh * (1 - z) * (1 - cand**2)  # through h_t = (1 - z) n + z h_{t-1}, then tanh
                dar = dan * mn * r * (1 - r)  # n = tanh(a_n + r * (m_n + bn))
                daz = dh * (self.h[t - 1] - cand) * z * (1 - z)
                da, dm = np.hstack([dar, daz, dan]), np.hstack([dar, daz, dan * r])
                g["U"] += self.x[:, t - 1].T @ da
                g["b"] += da.sum(axis=0)
                g["W"] += self.h[t - 1].T @ dm
                g["bn"] += (dan * r).sum(axis=0)
                dh = dh * z + dm @ p["W"].T
        self.signal = np.array([norm(dh_at.get(t, 0.0)) for t in range(1, steps + 1)])
        return {name: g[name] for name in ["V", "c", "U", "b", "W", "bn"]}


class SGD:
    """theta <- theta - lr * gradient."""

    def __init__(self, lr: float):
        self.lr = lr

    def update(self, params: Params, grads: Params) -> Params:
        return {name: -self.lr * g for name, g in grads.items()}


class Adam:
    """Kingma and Ba (2015): each parameter moves by about lr per step, whatever its gradient's scale."""

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps, self.t = lr, beta1, beta2, eps, 0
        self.m: Params = {}
        self.v: Params = {}

    def update(self, params: Params, grads: Params) -> Params:
        self.t += 1
        updates = {}
        for name, g in grads.items():
            self.m[name] = self.beta1 * self.m.get(name, 0.0) + (1 - self.beta1) * g
            self.v[name] = self.beta2 * self.v.get(name, 0.0) + (1 - self.beta2) * g**2
            m_hat, v_hat = self.m[name] / (1 - self.beta1**self.t), self.v[name] / (1 - self.beta2**self.t)
            updates[name] = -self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return updates


@dataclass
class Task:
    """Inputs x and targets y (float64); the model casts them to its own dtype."""
    x: np.ndarray
    y: np.ndarray


def regression_task(n: int = 256, n_in: int = 8, seed: int = 0) -> Task:
    """y = sin(x . a) + noise of standard deviation 0.05, with x and a standard normal."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, n_in))
    a = rng.standard_normal(n_in) / np.sqrt(n_in)
    return Task(x, (np.sin(x @ a) + 0.05 * rng.standard_normal(n))[:, None])


def adding_task(n: int = 256, steps: int = 60, seed: int = 0) -> Task:
    """The adding problem (Hochreiter and Schmidhuber 1997): channel 0 holds uniform values in [0, 1),
    channel 1 marks one position in each half; the target is the sum of the two marked values."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, steps, 2))
    x[:, :, 0] = rng.uniform(0.0, 1.0, (n, steps))
    rows, first, second = np.arange(n), rng.integers(0, steps // 2, n), rng.integers(steps // 2, steps, n)
    x[rows, first, 1] = x[rows, second, 1] = 1.0
    return Task(x, (x[rows, first, 0] + x[rows, second, 0])[:, None])


@dataclass
class History:
    """One row per training step. Per-parameter norms follow `names`, the order in which the backward
    pass computes the gradients; gradient norms are taken before any clipping; update_ratio is
    |update| / |weight| with the weight before the update (NaN while a weight is exactly zero).
    first_nonfinite and first_nan are (step, quantity, where), in the order a step computes them."""
    names: list[str] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    grad_norm: list[list[float]] = field(default_factory=list)
    weight_norm: list[list[float]] = field(default_factory=list)
    update_ratio: list[list[float]] = field(default_factory=list)
    total_grad_norm: list[float] = field(default_factory=list)  # global norm, before clipping
    signal: list[np.ndarray] = field(default_factory=list)  # |dL/dh| per layer or per time step
    first_nonfinite: tuple[int, str, str] | None = None
    first_nan: tuple[int, str, str] | None = None

    def array(self, name: str) -> np.ndarray:
        return np.array(getattr(self, name), dtype=float)

    def check(self, step: int, stages: list[tuple[str, Any]]) -> None:
        """Note the first inf or NaN and the first NaN; stages are (quantity, [(where, value), ...])."""
        for quantity, pairs in stages:
            for where, value in pairs:
                value = np.asarray(value)
                if self.first_nonfinite is None and not np.isfinite(value).all():
                    self.first_nonfinite = (step, quantity, where)
                if self.first_nan is None and np.isnan(value).any():
                    self.first_nan = (step, quantity, where)


def train(model: Any, task: Task, optimizer: SGD | Adam, steps: int, seed: int = 0,
          batch: int | None = 32, clip_norm: float | None = None,
          callback: Callable[[int, Any, Params], None] | None = None,
          transform: Callable[[Params, Params], Params] | None = None,
          lr_schedule: Callable[[int], float] | None = None) -> History:
    """Mean-squared-error training. Each step: a random batch (all of the data if batch is None),
    forward, backward, callback(step, model, grads) (which may record, or change grads in place),
    record the gradient norms, clip by global norm if clip_norm is set, then transform(grads, params)
    if given (any other clipping, a weight penalty: it returns the gradients to use), set the
    optimiser's lr to lr_schedule(step) if given, update. Records every step and never raises on inf
    or NaN: it notes where the first of each appeared, and stops after the first step whose loss is NaN."""
    rng = np.random.default_rng(seed)
    history = History()
    with np.errstate(all="ignore"):  # overflow is what we are here to watch
        for step in range(steps):
            idx = slice(None) if batch is None else rng.choice(len(task.x), batch, replace=False)
            out = model.forward(task.x[idx])
            error = out - task.y[idx].astype(out.dtype)
            loss = np.mean(error**2)
            grads = model.backward(2 * error / error.size)
            if callback is not None:
                callback(step, model, grads)
            norms = [norm(g) for g in grads.values()]
            total = float(np.sqrt(sum(n**2 for n in norms)))
            if clip_norm is not None and total > clip_norm:
                grads = {name: g * (clip_norm / total) for name, g in grads.items()}
            if transform is not None:
                grads = transform(grads, model.params)
            if lr_schedule is not None:
                optimizer.lr = lr_schedule(step)
            updates = optimizer.update(model.params, grads)
            weights = [norm(model.params[name]) for name in grads]
            history.names = list(grads)
            history.loss.append(float(loss))
            history.grad_norm.append(norms)
            history.weight_norm.append(weights)
            ratios = [norm(updates[name]) / w if w > 0 else np.nan for name, w in zip(grads, weights)]
            history.update_ratio.append(ratios)
            history.total_grad_norm.append(total)
            history.signal.append(model.signal.copy())
            for name, u in updates.items():
                model.params[name] = model.params[name] + u
            history.check(step, [("activation", model.activations()), ("loss", [("loss", loss)]),
                                 ("gradient", grads.items()), ("update", updates.items()),
                                 ("weight", model.params.items())])
            if np.isnan(loss):
                break
    return history


def mlp_patient(init_scale: float = 2.0, lr: float = 1e-3, seed: int = 0,
                dtype: type = np.float32) -> dict[str, Any]:
    """Patient 1: 10 hidden ReLU layers of width 32 on regression_task, weights of standard deviation
    init_scale / sqrt(fan_in) (He's is sqrt(2) = 1.41), plain SGD, batches of 32, float32.
    Use it as gradlab.train(**gradlab.mlp_patient(), clip_norm=...), or change one setting at a time."""
    model = MLP([8] + [32] * 10 + [1], "relu", init_scale, seed, dtype)
    return dict(model=model, task=regression_task(), optimizer=SGD(lr), steps=300, seed=seed, batch=32)


def rnn_patient(init_scale: float = 2.5, lr: float = 0.05, seed: int = 0,
                dtype: type = np.float32) -> dict[str, Any]:
    """Patient 2: a tanh RNN with 32 hidden units on the adding problem with sequences of 60 steps,
    recurrent weights of standard deviation init_scale / sqrt(32), plain SGD, batches of 32, float32."""
    model = RNN(2, 32, 1, init_scale, "last", seed, dtype)
    return dict(model=model, task=adding_task(), optimizer=SGD(lr), steps=400, seed=seed, batch=32)
