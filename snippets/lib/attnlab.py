"""attnlab: a small Transformer in NumPy, attention only, with its backward pass written out.

The model embeds a sequence of tokens (token plus position embedding), passes it through `depth`
single-head self-attention blocks, either Pre-LN, x + Attn(LN(x)), or Post-LN, LN(x + Attn(x)), then
a final LayerNorm, and predicts one token from the last position through an output softmax. Two
switches are the fixes of the chapter "Transformers": qk_norm (LayerNorm without affine parameters on
queries and keys) and z_loss (coefficient times log(Z)^2 added to the cross-entropy). The task is a
lookup: the last token names a position, the target is the token found there.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from gradlab import Adam, Params

EPS = 1e-5  # LayerNorm's epsilon, as in torch.nn.functional.layer_norm


def layer_norm(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each vector (last axis) to mean 0 and variance 1, no gain or bias. Returns y and 1/std."""
    inv_std = 1.0 / np.sqrt(x.var(axis=-1, keepdims=True) + EPS)
    return (x - x.mean(axis=-1, keepdims=True)) * inv_std, inv_std


def layer_norm_backward(dy: np.ndarray, y: np.ndarray, inv_std: np.ndarray) -> np.ndarray:
    """dL/dx from dL/dy: remove the components along the all-ones direction and along y, then scale."""
    return inv_std * (dy - dy.mean(axis=-1, keepdims=True) - y * (dy * y).mean(axis=-1, keepdims=True))


def softmax(s: np.ndarray) -> np.ndarray:
    """Softmax over the last axis (shifted by the maximum, which does not change it)."""
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(logits: np.ndarray, target: np.ndarray, z_loss: float = 0.0):
    """Mean cross-entropy plus z_loss * mean(log Z ** 2), with log Z = logsumexp(logits).
    Returns (loss, dloss/dlogits, log Z per example). d(log Z)/d(logit_i) = softmax_i, so the z-loss
    adds 2 z_loss log Z softmax_i to each logit's gradient."""
    top = logits.max(axis=-1, keepdims=True)
    log_z = (top + np.log(np.exp(logits - top).sum(axis=-1, keepdims=True)))[:, 0]
    p, rows = softmax(logits), np.arange(len(target))
    loss = np.mean(log_z - logits[rows, target]) + z_loss * np.mean(log_z**2)
    dlogits = p * (1 + 2 * z_loss * log_z[:, None])
    dlogits[rows, target] -= 1
    return float(loss), dlogits / len(target), log_z


def flat(a: np.ndarray) -> np.ndarray:
    """(batch, length, width) -> (batch * length, width): a matrix product then sums over both."""
    return a.reshape(-1, a.shape[-1])


def lookup_batch(rng: np.random.Generator, batch: int, length: int, vocab: int):
    """Tokens 0..vocab-1 at positions 0..length-2; the last token is vocab + p, a pointer to a
    position p. The target is the token at position p. Returns (tokens (batch, length), target)."""
    tokens = rng.integers(0, vocab, (batch, length))
    where = rng.integers(0, length - 1, batch)
    tokens[:, -1] = vocab + where
    return tokens, tokens[np.arange(batch), where]


class Transformer:
    """Single-head self-attention blocks (no MLP) on a residual stream of `width` features.
    Weights are N(0, 1/width) (embeddings N(0, 1)); params holds every array by name."""

    def __init__(self, vocab: int = 16, length: int = 8, width: int = 32, depth: int = 1,
                 post_ln: bool = False, qk_norm: bool = False, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.vocab, self.length, self.width, self.depth = vocab, length, width, depth
        self.post_ln, self.qk_norm = post_ln, qk_norm
        self.params: Params = {"embed": rng.standard_normal((vocab + length - 1, width)),
                               "pos": rng.standard_normal((length, width))}
        for l in range(depth):
            for m in "qkvo":
                self.params[f"W{m}{l}"] = rng.standard_normal((width, width)) / np.sqrt(width)
        self.params["unembed"] = rng.standard_normal((width, vocab)) / np.sqrt(width)
        self.stats: dict[str, float] = {}

    def attend(self, l: int, u: np.ndarray) -> tuple[np.ndarray, tuple]:
        """Attention of block l on u (batch, length, width); returns the output and a cache."""
        p = self.params
        q, k, v = u @ p[f"Wq{l}"], u @ p[f"Wk{l}"], u @ p[f"Wv{l}"]
        qn = kn = None
        if self.qk_norm:
            (q, q_inv), (k, k_inv) = layer_norm(q), layer_norm(k)
            qn, kn = q_inv, k_inv
        s = q @ k.transpose(0, 2, 1) / np.sqrt(self.width)  # attention logits (batch, query, key)
        a = softmax(s)
        o = a @ v
        entropy = -np.sum(a * np.log(np.maximum(a, 1e-300)), axis=-1)
        self.stats[f"max_logit{l}"] = float(np.abs(s).max())
        self.stats[f"entropy{l}"] = float(entropy.mean())
        return o @ p[f"Wo{l}"], (u, q, k, v, qn, kn, a, o)

    def forward(self, tokens: np.ndarray) -> np.ndarray:
        """Output logits (batch, vocab) read from the last position."""
        p = self.params
        x = p["embed"][tokens] + p["pos"]
        self.tokens, self.caches = tokens, []
        for l in range(self.depth):
            if self.post_ln:  # x <- LN(x + Attn(x))
                out, cache = self.attend(l, x)
                x, inv = layer_norm(x + out)
                self.caches.append((cache, x, inv))
            else:  # x <- x + Attn(LN(x))
                u, inv = layer_norm(x)
                out, cache = self.attend(l, u)
                self.caches.append((cache, u, inv))
                x = x + out
        self.h, self.h_inv = layer_norm(x[:, -1])
        return self.h @ p["unembed"]

    def attend_backward(self, l: int, cache: tuple, dout: np.ndarray, grads: Params) -> np.ndarray:
        """Gradients of block l's four matrices (into grads) from dL/d(output); returns dL/du."""
        p, (u, q, k, v, q_inv, k_inv, a, o) = self.params, cache
        grads[f"Wo{l}"] = flat(o).T @ flat(dout)
        do = dout @ p[f"Wo{l}"].T
        da, dv = do @ v.transpose(0, 2, 1), a.transpose(0, 2, 1) @ do
        ds = a * (da - np.sum(da * a, axis=-1, keepdims=True)) / np.sqrt(self.width)  # softmax backward
        dq, dk = ds @ k, ds.transpose(0, 2, 1) @ q
        if self.qk_norm:
            dq, dk = layer_norm_backward(dq, q, q_inv), layer_norm_backward(dk, k, k_inv)
        for m, d in (("q", dq), ("k", dk), ("v", dv)):
            grads[f"W{m}{l}"] = flat(u).T @ flat(d)
        return dq @ p[f"Wq{l}"].T + dk @ p[f"Wk{l}"].T + dv @ p[f"Wv{l}"].T

    def backward(self, dlogits: np.ndarray) -> Params:
        """Gradients of every parameter from dL/dlogits, for the last forward call."""
        p, grads = self.params, {}
        grads["unembed"] = self.h.T @ dlogits
        dx = np.zeros((*self.tokens.shape, self.width))
        dx[:, -1] = layer_norm_backward(dlogits @ p["unembed"].T, self.h, self.h_inv)
        for l in reversed(range(self.depth)):
            cache, y, inv = self.caches[l]
            if self.post_ln:
                dy = layer_norm_backward(dx, y, inv)
                dx = dy + self.attend_backward(l, cache, dy, grads)
            else:
                dx = dx + layer_norm_backward(self.attend_backward(l, cache, dx, grads), y, inv)
        one_hot = np.eye(len(p["embed"]))[self.tokens.ravel()]  # (batch * length, tokens)
        grads["embed"] = one_hot.T @ flat(dx)
        grads["pos"] = dx.sum(axis=0)
        return grads

    def block_grad_norms(self, grads: Params) -> np.ndarray:
        """The norm of each block's four matrices' gradients taken together, block 0 first."""
        return np.array([np.sqrt(sum(np.sum(grads[f"W{m}{l}"] ** 2) for m in "qkvo"))
                         for l in range(self.depth)])


def train(model: Transformer, steps: int, lr: float, batch: int = 32, z_loss: float = 0.0,
          warmup: int = 0, beta2: float = 0.95, seed: int = 0) -> dict[str, np.ndarray]:
    """Adam (beta1 0.9, beta2 0.95) on fresh lookup batches; a linear warm-up over `warmup` steps.
    Records, per step, the loss, block 0's largest |attention logit| and mean attention entropy
    (nats), the mean log Z of the output softmax, and the global gradient norm."""
    rng, opt = np.random.default_rng(seed), Adam(lr, 0.9, beta2)
    names = ("loss", "max_logit", "entropy", "log_z", "grad_norm")
    history: dict[str, Any] = {name: [] for name in names}
    for step in range(steps):
        tokens, target = lookup_batch(rng, batch, model.length, model.vocab)
        loss, dlogits, log_z = cross_entropy(model.forward(tokens), target, z_loss)
        grads = model.backward(dlogits)
        row = (loss, model.stats["max_logit0"], model.stats["entropy0"], float(log_z.mean()),
               float(np.sqrt(sum(np.sum(g**2) for g in grads.values()))))
        for name, x in zip(names, row):
            history[name].append(x)
        opt.lr = lr * min(1.0, (step + 1) / warmup) if warmup else lr
        for name, update in opt.update(model.params, grads).items():
            model.params[name] = model.params[name] + update
    return {name: np.array(x) for name, x in history.items()}
