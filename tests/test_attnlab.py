"""The teaching module snippets/lib/attnlab.py (shown on fixes/transformers.md): its hand-written backward
pass agrees with central finite differences (float64, relative error < 1e-6) and with torch autograd on
a model written here independently, in every configuration (Pre-LN / Post-LN, with and without
qk-layernorm, with and without z-loss). The torch model and its training loop (torch.optim.Adam) are
the second implementation the chapter test uses for its training runs."""

from __future__ import annotations

import math

import attnlab
import numpy as np
import pytest
from support import central_difference

CONFIGS = [(post, qk, z) for post in (False, True) for qk in (False, True) for z in (0.0, 0.1)]


def numeric_gradients(model: attnlab.Transformer, loss, step: float = 1e-6) -> dict[str, np.ndarray]:
    return {name: central_difference(loss, param, step) for name, param in model.params.items()}


def relative_error(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    x = np.concatenate([a[k].ravel() for k in sorted(a)])
    y = np.concatenate([b[k].ravel() for k in sorted(a)])
    return float(np.linalg.norm(x - y) / (np.linalg.norm(x) + np.linalg.norm(y)))


@pytest.mark.parametrize(("post_ln", "qk_norm", "z_loss"), CONFIGS)
def test_backward_matches_finite_differences(post_ln: bool, qk_norm: bool, z_loss: float) -> None:
    model = attnlab.Transformer(vocab=5, length=4, width=6, depth=2, post_ln=post_ln, qk_norm=qk_norm, seed=3)
    tokens, target = attnlab.lookup_batch(np.random.default_rng(1), 3, 4, 5)
    _, dlogits, _ = attnlab.cross_entropy(model.forward(tokens), target, z_loss)
    analytic = model.backward(dlogits)
    assert set(analytic) == set(model.params)
    numeric = numeric_gradients(model, lambda: attnlab.cross_entropy(model.forward(tokens), target, z_loss)[0])
    assert relative_error(numeric, analytic) < 1e-6


# ------------------------------------------------------------------ an independent model in torch
def initial_params(vocab: int, length: int, width: int, depth: int, seed: int) -> dict[str, np.ndarray]:
    """The module's initial weights (the experiment's inputs), drawn from the same seed in the same order."""
    rng = np.random.default_rng(seed)
    p = {"embed": rng.standard_normal((vocab + length - 1, width)), "pos": rng.standard_normal((length, width))}
    for l in range(depth):
        for m in "qkvo":
            p[f"W{m}{l}"] = rng.standard_normal((width, width)) / math.sqrt(width)
    p["unembed"] = rng.standard_normal((width, vocab)) / math.sqrt(width)
    return p


def batches(seed: int, batch: int, length: int, vocab: int):
    """The lookup task's batches (inputs, from the same seed): pointer token vocab + p, target the token at p."""
    rng = np.random.default_rng(seed)
    while True:
        tokens = rng.integers(0, vocab, (batch, length))
        where = rng.integers(0, length - 1, batch)
        target = tokens[np.arange(batch), where].copy()
        tokens[:, -1] = vocab + where
        yield tokens, target


def torch_forward(p: dict, tokens, depth: int, post_ln: bool, qk_norm: bool):
    """Logits, and block 0's attention logits, with torch's own layer_norm and softmax."""
    import torch
    import torch.nn.functional as F

    width = p["embed"].shape[1]
    norm = lambda t: F.layer_norm(t, (width,), eps=1e-5)  # noqa: E731
    x = p["embed"][torch.as_tensor(tokens)] + p["pos"]
    first = None
    for l in range(depth):
        u = x if post_ln else norm(x)
        q, k, v = u @ p[f"Wq{l}"], u @ p[f"Wk{l}"], u @ p[f"Wv{l}"]
        if qk_norm:
            q, k = norm(q), norm(k)
        s = torch.einsum("bqd,bkd->bqk", q, k) / math.sqrt(width)
        first = s if first is None else first
        out = torch.einsum("bqk,bkd->bqd", torch.softmax(s, dim=-1), v) @ p[f"Wo{l}"]
        x = norm(x + out) if post_ln else x + out
    return norm(x[:, -1]) @ p["unembed"], first


def torch_loss(logits, target, z_loss: float):
    import torch
    import torch.nn.functional as F

    log_z = torch.logsumexp(logits, dim=-1)
    return F.cross_entropy(logits, torch.as_tensor(target)) + z_loss * (log_z**2).mean(), log_z


def torch_train(vocab: int, length: int, width: int, depth: int, steps: int, lr: float, *, post_ln=False,
                qk_norm=False, z_loss=0.0, warmup=0, batch=32, seed=0) -> dict[str, np.ndarray]:
    """The same experiment as attnlab.train, by torch autograd and torch.optim.Adam (0.9, 0.95)."""
    import torch

    p = {k: torch.tensor(v, requires_grad=True) for k, v in initial_params(vocab, length, width, depth, seed).items()}
    opt = torch.optim.Adam(p.values(), lr=lr, betas=(0.9, 0.95), eps=1e-8)
    history: dict[str, list[float]] = {k: [] for k in ("loss", "max_logit", "entropy", "log_z", "grad_norm")}
    data = batches(seed, batch, length, vocab)
    for step in range(steps):
        tokens, target = next(data)
        logits, s = torch_forward(p, tokens, depth, post_ln, qk_norm)
        loss, log_z = torch_loss(logits, target, z_loss)
        opt.zero_grad()
        loss.backward()
        a = torch.softmax(s.detach(), dim=-1)
        history["loss"].append(loss.item())
        history["max_logit"].append(s.detach().abs().max().item())
        history["entropy"].append(-(torch.special.xlogy(a, a)).sum(-1).mean().item())
        history["log_z"].append(log_z.mean().item())
        history["grad_norm"].append(math.sqrt(sum(float((t.grad**2).sum()) for t in p.values())))
        for group in opt.param_groups:
            group["lr"] = lr * min(1.0, (step + 1) / warmup) if warmup else lr
        opt.step()
    return {k: np.array(v) for k, v in history.items()}


@pytest.mark.parametrize(("post_ln", "qk_norm", "z_loss"), CONFIGS)
def test_backward_matches_torch_autograd(post_ln: bool, qk_norm: bool, z_loss: float) -> None:
    torch = pytest.importorskip("torch")
    model = attnlab.Transformer(vocab=7, length=6, width=8, depth=3, post_ln=post_ln, qk_norm=qk_norm, seed=5)
    tokens, target = attnlab.lookup_batch(np.random.default_rng(2), 9, 6, 7)
    loss, dlogits, _ = attnlab.cross_entropy(model.forward(tokens), target, z_loss)
    grads = model.backward(dlogits)
    p = {k: torch.tensor(v, requires_grad=True) for k, v in model.params.items()}
    logits, _ = torch_forward(p, tokens, 3, post_ln, qk_norm)
    reference, _ = torch_loss(logits, target, z_loss)
    reference.backward()
    assert loss == pytest.approx(reference.item(), rel=1e-12)
    for name, g in grads.items():
        np.testing.assert_allclose(g, p[name].grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


def test_short_training_run_matches_torch() -> None:
    """Twenty Adam steps at a gentle rate: the two implementations stay together to rounding."""
    pytest.importorskip("torch")
    for kwargs in ({}, {"post_ln": True, "qk_norm": True, "z_loss": 1e-2, "warmup": 5}):
        model = attnlab.Transformer(vocab=16, length=8, width=16, depth=2, seed=4, **{
            k: v for k, v in kwargs.items() if k in ("post_ln", "qk_norm")})
        ours = attnlab.train(model, 20, 1e-3, seed=4, **{k: v for k, v in kwargs.items() if k in ("z_loss", "warmup")})
        theirs = torch_train(16, 8, 16, 2, 20, 1e-3, seed=4, **kwargs)
        for name in ours:
            np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-7, err_msg=name)


def test_layer_norm_bounds_attention_logits() -> None:
    """Cauchy-Schwarz: |LN(q).LN(k)| <= |LN(q)| |LN(k)| <= d, so the logit / sqrt(d) is at most sqrt(d)."""
    rng = np.random.default_rng(0)
    d = 32
    q, k = attnlab.layer_norm(100 * rng.standard_normal((500, d)))[0], attnlab.layer_norm(rng.standard_normal((500, d)))[0]
    assert np.all(np.sum(q**2, axis=-1) <= d)
    assert np.all(np.abs(np.sum(q * k, axis=-1)) / math.sqrt(d) <= math.sqrt(d))
    same = np.sum(q * q, axis=-1) / math.sqrt(d)  # k = q attains the bound, up to LayerNorm's epsilon
    assert same.max() == pytest.approx(math.sqrt(d), rel=1e-6)
