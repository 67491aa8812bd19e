"""fixlab: the fixes of Part III, written out in NumPy on top of gradlab.

Gradient transforms (clipping of four kinds, a weight penalty) and learning-rate schedules that plug
into gradlab.train(transform=..., lr_schedule=...); batch norm and layer norm with their backward
passes written out; and DeepMLP, a fully connected net with optional normalisation and residual
blocks that has gradlab's model interface, so gradlab.train runs it unchanged.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import gradlab
from gradlab import Params, norm

Transform = Callable[[Params, Params], Params]
Schedule = Callable[[int], float]


# ---------------------------------------------------------------- gradient transforms
def global_norm(grads: Params) -> float:
    """The norm of all the gradients taken together, as if they were one long vector."""
    return float(np.sqrt(sum(norm(g) ** 2 for g in grads.values())))


def _rescale(grads: Params, total: float, c: float) -> Params:
    """Multiply every gradient by min(1, c / (total + 1e-6)), as torch's clip_grad_norm_ does.
    A non-finite total gives a factor of 0: finite entries become 0, inf entries NaN."""
    factor = min(1.0, c / (total + 1e-6))
    return {name: g * np.asarray(factor, g.dtype) for name, g in grads.items()}


def clip_global(c: float) -> Transform:
    """Clip by global norm: one factor for every gradient, so the direction of the step is kept."""
    def transform(grads: Params, params: Params) -> Params:
        return _rescale(grads, global_norm(grads), c)
    return transform


def clip_per_tensor(c: float) -> Transform:
    """Clip each tensor's norm separately, as Keras' clipnorm does: g * c / max(|g|, c).
    Each tensor keeps its direction, the whole step does not."""
    def transform(grads: Params, params: Params) -> Params:
        return {name: g * np.asarray(c / max(norm(g), c), g.dtype) for name, g in grads.items()}
    return transform


def clip_value(c: float) -> Transform:
    """Clamp every element to [-c, c] (Keras' clipvalue, torch's clip_grad_value_)."""
    def transform(grads: Params, params: Params) -> Params:
        return {name: np.clip(g, -c, c) for name, g in grads.items()}
    return transform


def agc(lam: float = 0.01, eps: float = 1e-3, skip: tuple[str, ...] = ()) -> Transform:
    """Adaptive gradient clipping (Brock et al. 2021), unit by unit. A unit is a column j of a weight
    matrix (the weights into output unit j, in gradlab's h @ W convention) together with entry j of
    its bias (W3 pairs with b3); any other 1-D parameter counts each entry as a unit. If the unit's
    gradient norm |G_j| exceeds lam * max(|W_j|, eps), G_j is scaled down to that. Names in skip
    (say the last layer) are left alone."""
    def unit_norms(a: np.ndarray) -> np.ndarray:  # one norm per unit (column, or entry of a vector)
        a = np.asarray(a, dtype=np.float64)
        return np.sqrt((a**2).sum(axis=0)) if a.ndim == 2 else np.abs(a)

    def transform(grads: Params, params: Params) -> Params:
        out = dict(grads)
        for name, g in grads.items():
            if name in skip or (name.startswith("b") and "W" + name[1:] in grads):
                continue  # skipped, or a bias handled with its weight matrix below
            bias = "b" + name[1:] if name.startswith("W") and g.ndim == 2 else None
            bias = bias if bias in grads and bias not in skip else None
            g_sq, w_sq = unit_norms(g) ** 2, unit_norms(params[name]) ** 2
            if bias is not None:
                g_sq, w_sq = g_sq + unit_norms(grads[bias]) ** 2, w_sq + unit_norms(params[bias]) ** 2
            limit = lam * np.maximum(np.sqrt(w_sq), eps)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(np.sqrt(g_sq) > limit, limit / np.sqrt(g_sq), 1.0)
            out[name] = g * factor.astype(g.dtype)
            if bias is not None:
                out[bias] = grads[bias] * factor.astype(g.dtype)
        return out
    return transform


class PercentileClip:
    """AutoClip (Seetharaman et al. 2020): clip the global norm at the p-th percentile of every finite
    global norm seen so far, this step's included. .norms holds that history, .clipped counts the
    steps whose norm was above the threshold."""

    def __init__(self, p: float = 10.0):
        self.p, self.norms, self.clipped = p, [], 0

    def __call__(self, grads: Params, params: Params) -> Params:
        total = global_norm(grads)
        if np.isfinite(total):
            self.norms.append(total)
        threshold = float(np.percentile(self.norms, self.p)) if self.norms else np.inf
        self.clipped += int(total > threshold)
        return _rescale(grads, total, threshold)


def l2(lam: float) -> Transform:
    """An L2 penalty (lam / 2) |W|^2 on every weight matrix (names starting with W or U, not biases):
    its gradient lam * W is added to the loss gradient."""
    def transform(grads: Params, params: Params) -> Params:
        return {name: g + lam * params[name] if name[0] in "WU" else g for name, g in grads.items()}
    return transform


def chain(*transforms: Transform) -> Transform:
    """Apply transforms left to right: chain(l2(1e-4), clip_global(1.0)) penalises, then clips."""
    def transform(grads: Params, params: Params) -> Params:
        for t in transforms:
            grads = t(grads, params)
        return grads
    return transform


# ---------------------------------------------------------------- learning-rate schedules
def constant(lr: float) -> Schedule:
    return lambda step: lr


def warmup(lr: float, steps: int) -> Schedule:
    """Linear warm-up: lr / steps at step 0, lr at step steps - 1, lr afterwards."""
    return lambda step: lr * min(1.0, (step + 1) / steps)


def warmup_cosine(lr: float, warmup_steps: int, total_steps: int) -> Schedule:
    """Linear warm-up as above, then a cosine decay from lr at step warmup_steps to 0 at total_steps."""
    def schedule(step: int) -> float:
        if step < warmup_steps:
            return lr * (step + 1) / warmup_steps
        progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
        return lr * 0.5 * (1.0 + np.cos(np.pi * progress))
    return schedule


# ---------------------------------------------------------------- normalisation
def _normalise(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float, axis: int):
    mu = x.mean(axis=axis, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=axis, keepdims=True) + eps)
    x_hat = (x - mu) * inv_std
    return gamma * x_hat + beta, (x_hat, inv_std, gamma, axis)


def _normalise_backward(dy: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """y = gamma x_hat + beta with x_hat = (x - mean) / std over n values along `axis`. Each x_i moves
    x_hat_i directly, and every x_hat_j through the mean and the std, which gives
    dx = (1/std) (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)), with dx_hat = gamma * dy."""
    x_hat, inv_std, gamma, axis = cache
    dx_hat = dy * gamma
    dx = inv_std * (dx_hat - dx_hat.mean(axis=axis, keepdims=True)
                    - x_hat * (dx_hat * x_hat).mean(axis=axis, keepdims=True))
    return dx, (dy * x_hat).sum(axis=0), dy.sum(axis=0)


def batch_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5):
    """Batch norm in training mode: each feature (column) normalised over the batch (rows)."""
    return _normalise(x, gamma, beta, eps, axis=0)


def batch_norm_backward(dy: np.ndarray, cache: tuple):
    """Returns (dx, dgamma, dbeta)."""
    return _normalise_backward(dy, cache)


def layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5):
    """Layer norm: each example (row) normalised over its features (columns)."""
    return _normalise(x, gamma, beta, eps, axis=-1)


def layer_norm_backward(dy: np.ndarray, cache: tuple):
    """Returns (dx, dgamma, dbeta); dgamma and dbeta are summed over the batch."""
    return _normalise_backward(dy, cache)


# ---------------------------------------------------------------- a deep net with the fixes built in
class DeepMLP:
    """An input layer h_1 = f(x W1 + b1), then depth - 1 blocks of width `width`, then a linear output
    y = h W_out + b_out. A plain block is h <- f(N(h W + b)); a residual block is pre-norm,
    h <- h + branch_scale * (f(N(h)) W + b), so the identity path carries h through untouched.
    N is batch norm, layer norm (each with its own gamma and beta) or nothing (norm=None).
    Weights are drawn from N(0, init_scale^2 / fan_in) in layer order, as gradlab.MLP draws them, so
    with no norm and no residual DeepMLP(n_in, width, depth, n_out) is gradlab.MLP([n_in] + [width] *
    depth + [n_out]) with the same seed. zero_init sets every residual branch's W to zero: the net
    starts as a one-hidden-layer net and the branches grow from there (SkipInit, ReZero, Fixup).
    signal[l - 1] is |dL/dh_l|, the backpropagated signal at each layer's output (the last is dL/dy)."""

    def __init__(self, n_in: int, width: int, depth: int, n_out: int, activation: str = "relu",
                 init_scale: float = 2**0.5, norm: str | None = None, residual: bool = False,
                 branch_scale: float = 1.0, zero_init: bool = False, seed: int = 0,
                 dtype: type = np.float64):
        if norm not in (None, "batch", "layer"):
            raise ValueError(f"norm must be None, 'batch' or 'layer', not {norm!r}")
        if zero_init and not residual:
            raise ValueError("zero_init zeroes residual branches: it needs residual=True")
        rng = np.random.default_rng(seed)
        self.activation, self.norm, self.residual = activation, norm, residual
        self.branch_scale, self.depth = branch_scale, depth + 1  # depth + 1 weight layers in all
        self.params: Params = {}
        sizes = [n_in] + [width] * depth + [n_out]
        for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            W = rng.normal(0.0, init_scale / np.sqrt(fan_in), (fan_in, fan_out)).astype(dtype)
            self.params[f"W{l}"] = np.zeros_like(W) if zero_init and self.is_block(l) else W
            self.params[f"b{l}"] = np.zeros(fan_out, dtype)
            if norm and self.is_block(l):
                self.params[f"gamma{l}"] = np.ones(width, dtype)
                self.params[f"beta{l}"] = np.zeros(width, dtype)

    def is_block(self, l: int) -> bool:
        return 1 < l < self.depth

    def f(self, z: np.ndarray) -> np.ndarray:
        return np.tanh(z) if self.activation == "tanh" else np.maximum(z, 0.0)

    def slope(self, a: np.ndarray) -> np.ndarray:
        """f'(z), written in terms of the output a = f(z)."""
        return 1.0 - a**2 if self.activation == "tanh" else (a > 0).astype(a.dtype)

    def normalise(self, l: int, x: np.ndarray) -> tuple[np.ndarray, Any]:
        if self.norm is None:
            return x, None
        fn = batch_norm if self.norm == "batch" else layer_norm
        return fn(x, self.params[f"gamma{l}"], self.params[f"beta{l}"])

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Keep each layer's output h_l (h_0 = x) and, per block, what its backward pass needs."""
        p = self.params
        self.h, self.cache = [x.astype(p["W1"].dtype)], {}
        for l in range(1, self.depth + 1):
            h = self.h[-1]
            if l == 1:
                out = self.f(h @ p["W1"] + p["b1"])
            elif l == self.depth:
                out = h @ p[f"W{l}"] + p[f"b{l}"]
            elif self.residual:  # h + s * (f(N(h)) W + b)
                u, ncache = self.normalise(l, h)
                a = self.f(u)
                out = h + self.branch_scale * (a @ p[f"W{l}"] + p[f"b{l}"])
                self.cache[l] = (a, ncache)
            else:  # f(N(h W + b))
                u, ncache = self.normalise(l, h @ p[f"W{l}"] + p[f"b{l}"])
                out = self.f(u)
                self.cache[l] = (out, ncache)
            self.h.append(out)
        return self.h[-1]

    def _norm_backward(self, l: int, du: np.ndarray, ncache: Any, grads: Params) -> np.ndarray:
        if self.norm is None:
            return du
        backward = batch_norm_backward if self.norm == "batch" else layer_norm_backward
        dx, grads[f"gamma{l}"], grads[f"beta{l}"] = backward(du, ncache)
        return dx

    def backward(self, grad_out: np.ndarray) -> Params:
        """The chain rule, last layer first; g = dL/dh_l, the gradient at layer l's output.
        Output layer: dW = h^T g, then g <- g W^T.
        Plain block h_l = f(N(z)), z = h_{l-1} W + b: dz = N'(g * f'), dW = h_{l-1}^T dz, g <- dz W^T.
        Residual block h_l = h_{l-1} + s (a W + b), a = f(N(h_{l-1})): the identity passes g on as it
        is and the branch adds its own term, g <- g + N'((s g W^T) * f'), with dW = a^T (s g).
        Its Jacobian is I + (the branch's): a product of such factors cannot shrink to nothing."""
        p, grads = self.params, {}
        g = grad_out
        self.signal = np.zeros(self.depth)
        for l in range(self.depth, 0, -1):
            self.signal[l - 1] = norm(g)
            h_prev = self.h[l - 1]
            if l == self.depth:  # linear output layer
                grads[f"W{l}"], grads[f"b{l}"] = h_prev.T @ g, g.sum(axis=0)
                g = g @ p[f"W{l}"].T
            elif l == 1:  # input layer: f(x W1 + b1)
                dz = g * self.slope(self.h[1])
                grads["W1"], grads["b1"] = h_prev.T @ dz, dz.sum(axis=0)
            elif self.residual:
                a, ncache = self.cache[l]
                d_branch = self.branch_scale * g
                grads[f"W{l}"], grads[f"b{l}"] = a.T @ d_branch, d_branch.sum(axis=0)
                du = (d_branch @ p[f"W{l}"].T) * self.slope(a)
                g = g + self._norm_backward(l, du, ncache, grads)
            else:
                out, ncache = self.cache[l]
                dz = self._norm_backward(l, g * self.slope(out), ncache, grads)
                grads[f"W{l}"], grads[f"b{l}"] = h_prev.T @ dz, dz.sum(axis=0)
                g = dz @ p[f"W{l}"].T
        return grads

    def activations(self) -> list[tuple[str, np.ndarray]]:
        return [(f"layer {l}", h) for l, h in enumerate(self.h[1:], start=1)]


def patient(lr: float = 1e-3, seed: int = 0, **changes: Any) -> dict[str, Any]:
    """Patient 1 (gradlab.mlp_patient: same task, SGD, 300 steps, batches of 32) with its model
    replaced by a DeepMLP of the same shape and init (10 layers of width 32, init_scale 2, float32),
    with `changes` applied: patient(residual=True, zero_init=True)."""
    settings: dict[str, Any] = dict(n_in=8, width=32, depth=10, n_out=1, activation="relu",
                                    init_scale=2.0, seed=seed, dtype=np.float32)
    run = gradlab.mlp_patient(lr=lr, seed=seed)
    run["model"] = DeepMLP(**{**settings, **changes})
    return run
