"""fixes/lab.md, the teaching module snippets/lib/fixlab.py: its hand-written backward passes (batch norm,
layer norm, DeepMLP in every configuration) agree with central finite differences and with torch
autograd on a model written here independently; each gradient transform and schedule matches a hand
derivation; DeepMLP with no fix is gradlab's patient 1, bit for bit."""

from __future__ import annotations

import math

import fixlab
import gradlab
import numpy as np
import pytest
from support import central_difference, number, output, quoted

PAGE = "fixes/lab.md"
CONFIGS = {
    "plain": {},
    "batch": {"norm": "batch"},
    "layer": {"norm": "layer"},
    "residual": {"residual": True},
    "residual-scaled": {"residual": True, "branch_scale": 0.5},
    "residual-batch": {"residual": True, "norm": "batch"},
    "residual-layer": {"residual": True, "norm": "layer"},
    "residual-zero": {"residual": True, "zero_init": True},
    "tanh-residual-layer": {"activation": "tanh", "residual": True, "norm": "layer"},
}


def half_sse(out: np.ndarray, target: np.ndarray) -> float:
    return 0.5 * float(np.sum((out - target) ** 2))


def relative_error(numeric: dict[str, np.ndarray], analytic: dict[str, np.ndarray]) -> float:
    """|numeric - analytic| / (|numeric| + |analytic|) over all parameters taken together (a bias in
    front of batch norm has a gradient of exactly zero, so per-tensor ratios would be 0 / 0)."""
    a = np.concatenate([numeric[k].ravel() for k in analytic])
    b = np.concatenate([analytic[k].ravel() for k in analytic])
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


@pytest.mark.parametrize("kind", ["batch", "layer"])
def test_norm_backward_matches_finite_differences(kind: str) -> None:
    rng = np.random.default_rng(0)
    x, dy = rng.standard_normal((7, 5)) * 3 + 1, rng.standard_normal((7, 5))
    gamma, beta = rng.standard_normal(5), rng.standard_normal(5)
    forward = fixlab.batch_norm if kind == "batch" else fixlab.layer_norm
    backward = fixlab.batch_norm_backward if kind == "batch" else fixlab.layer_norm_backward
    y, cache = forward(x, gamma, beta)
    dx, dgamma, dbeta = backward(dy, cache)
    loss = lambda: float(np.sum(forward(x, gamma, beta)[0] * dy))  # noqa: E731  dL/dy = dy
    numeric = {"x": central_difference(loss, x), "g": central_difference(loss, gamma), "b": central_difference(loss, beta)}
    assert relative_error(numeric, {"x": dx, "g": dgamma, "b": dbeta}) < 1e-6
    axis = 0 if kind == "batch" else 1  # normalised over that axis: mean 0, variance 1 before gamma, beta
    x_hat = (y - beta) / gamma
    assert np.allclose(x_hat.mean(axis=axis), 0) and np.allclose(x_hat.var(axis=axis), 1, atol=1e-5)


@pytest.mark.parametrize("name", CONFIGS)
def test_deep_mlp_backward_matches_finite_differences(name: str) -> None:
    rng = np.random.default_rng(1)
    model = fixlab.DeepMLP(3, 5, 4, 2, seed=2, **CONFIGS[name])
    x, target = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    grads = model.backward(model.forward(x) - target)
    assert set(grads) == set(model.params)
    numeric = {k: central_difference(lambda: half_sse(model.forward(x), target), p) for k, p in model.params.items()}
    assert relative_error(numeric, grads) < 1e-6


def torch_deep_mlp(torch, weights: dict, x, settings: dict):
    """DeepMLP's layout written again with torch operations (F.batch_norm, F.layer_norm)."""
    F = torch.nn.functional
    f = torch.tanh if settings.get("activation") == "tanh" else torch.relu
    last, s = max(int(k[1:]) for k in weights if k[0] == "W"), settings.get("branch_scale", 1.0)

    def normalise(l, v):
        if settings.get("norm") == "batch":
            return F.batch_norm(v, None, None, weights[f"gamma{l}"], weights[f"beta{l}"], training=True, eps=1e-5)
        if settings.get("norm") == "layer":
            return F.layer_norm(v, v.shape[1:], weights[f"gamma{l}"], weights[f"beta{l}"], eps=1e-5)
        return v

    h = f(x @ weights["W1"] + weights["b1"])
    for l in range(2, last):
        if settings.get("residual"):
            h = h + s * (f(normalise(l, h)) @ weights[f"W{l}"] + weights[f"b{l}"])
        else:
            h = f(normalise(l, h @ weights[f"W{l}"] + weights[f"b{l}"]))
    return h @ weights[f"W{last}"] + weights[f"b{last}"]


@pytest.mark.parametrize("name", CONFIGS)
def test_deep_mlp_backward_matches_torch_autograd(name: str) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    settings = CONFIGS[name]
    model = fixlab.DeepMLP(4, 16, 6, 2, init_scale=1.3, seed=4, **settings)
    x, target = rng.standard_normal((10, 4)), rng.standard_normal((10, 2))
    out = model.forward(x)
    grads = model.backward(2 * (out - target) / out.size)
    weights = {k: torch.tensor(v, requires_grad=True) for k, v in model.params.items()}
    y = torch_deep_mlp(torch, weights, torch.tensor(x), settings)
    assert np.allclose(y.detach().numpy(), out, rtol=1e-12, atol=1e-12)
    torch.mean((y - torch.tensor(target)) ** 2).backward()
    for k, tensor in weights.items():
        assert np.allclose(grads[k], tensor.grad.numpy(), rtol=1e-9, atol=1e-12), k


def test_zero_init_starts_as_a_one_hidden_layer_net() -> None:
    model = fixlab.DeepMLP(3, 6, 5, 1, residual=True, zero_init=True, seed=0)
    x = np.random.default_rng(0).standard_normal((4, 3))
    h1 = np.maximum(x @ model.params["W1"], 0)
    assert np.allclose(model.forward(x), h1 @ model.params["W6"])
    assert all(not model.params[f"W{l}"].any() for l in range(2, 6))
    with pytest.raises(ValueError):
        fixlab.DeepMLP(3, 6, 5, 1, zero_init=True)


def test_deep_mlp_is_gradlab_patient_1() -> None:
    """With no fix, DeepMLP draws the same weights and computes the same outputs and gradients, bit for bit."""
    original = gradlab.mlp_patient()
    rebuilt = fixlab.patient()
    assert rebuilt["steps"] == 300 and rebuilt["batch"] == 32 and isinstance(rebuilt["optimizer"], gradlab.SGD)
    a, b = original["model"], rebuilt["model"]
    assert list(a.params) == list(b.params)
    assert all(np.array_equal(a.params[k], b.params[k]) and a.params[k].dtype == np.float32 for k in a.params)
    x = original["task"].x[:32]
    assert np.array_equal(a.forward(x), b.forward(x))
    upstream = np.random.default_rng(0).standard_normal((32, 1)).astype(np.float32)
    ga, gb = a.backward(upstream), b.backward(upstream)
    assert list(ga) == list(gb) and all(np.array_equal(ga[k], gb[k]) for k in ga)
    ha, hb = gradlab.train(**gradlab.mlp_patient()), gradlab.train(**fixlab.patient())
    assert ha.first_nan == hb.first_nan and np.array_equal(ha.array("loss"), hb.array("loss"), equal_nan=True)


# ---------------------------------------------------------------- transforms, by hand
G = {"W1": np.array([100.0, 0.0]), "W2": np.array([0.0, 1.0])}


def flat(g: dict) -> np.ndarray:
    return np.concatenate([v.ravel() for v in g.values()])


def cosine(a: dict, b: dict) -> float:
    return float(flat(a) @ flat(b) / np.linalg.norm(flat(a)) / np.linalg.norm(flat(b)))


def test_clip_global_keeps_the_direction() -> None:
    clipped = fixlab.clip_global(1.0)(G, {})
    assert cosine(clipped, G) == pytest.approx(1.0, abs=1e-12)
    assert np.linalg.norm(flat(clipped)) == pytest.approx(1.0, abs=1e-6)
    assert clipped is not G and G["W1"][0] == 100.0  # a new dict, the input untouched
    small = {"W1": np.array([0.3, 0.4])}
    assert np.array_equal(fixlab.clip_global(1.0)(small, {})["W1"], small["W1"])


@pytest.mark.parametrize("make", [fixlab.clip_per_tensor, fixlab.clip_value])
def test_per_tensor_and_value_clipping_turn_the_step(make) -> None:
    clipped = make(1.0)(G, {})
    assert np.allclose(clipped["W1"], [1, 0]) and np.allclose(clipped["W2"], [0, 1])
    assert cosine(clipped, G) == pytest.approx(101 / math.sqrt(2 * 10001), abs=1e-12)  # 0.714 by hand


def test_agc_unit_rule_on_a_2x2_example() -> None:
    """Unit j is column j of W with bias entry j. Unit 0: |W_0| = 5 (3, 4 and bias 0), |G_0| = 1,
    limit 0.1 * 5 = 0.5, so G_0 halves. Unit 1: |W_1| = 0 -> limit 0.1 * eps = 0.1 * 0.01, |G_1| = 0.0005
    under it, kept."""
    params = {"W1": np.array([[3.0, 0.0], [4.0, 0.0]]), "b1": np.zeros(2)}
    grads = {"W1": np.array([[0.6, 0.0003], [0.0, 0.0004]]), "b1": np.array([0.8, 0.0])}
    out = fixlab.agc(lam=0.1, eps=0.01)(grads, params)
    assert np.allclose(out["W1"], [[0.3, 0.0003], [0.0, 0.0004]]) and np.allclose(out["b1"], [0.4, 0.0])
    assert fixlab.agc(lam=0.1, eps=0.01, skip=("W1", "b1"))(grads, params)["W1"] is grads["W1"]


def test_percentile_clip_follows_numpy_percentile() -> None:
    """Median (p = 50) of the norms so far, by hand: 5 | 5, 1 -> 3 | 5, 1, 3 -> 3 | 5, 1, 3, 10 -> 4 |
    5, 1, 3, 10, 2 -> 3. Only the fourth step (10 > 4) is clipped, to 4."""
    norms, thresholds = [5.0, 1.0, 3.0, 10.0, 2.0], [5.0, 3.0, 3.0, 4.0, 3.0]
    clip = fixlab.PercentileClip(p=50)
    for n, threshold in zip(norms, thresholds):
        assert clip({"W1": np.array([n, 0.0])}, {})["W1"][0] == pytest.approx(min(n, threshold), rel=1e-6)
    assert clip.norms == norms and clip.clipped == 1
    # p = 10 on a longer list: the last threshold is numpy's 10th percentile of the whole history
    rng = np.random.default_rng(0)
    history = list(rng.lognormal(0, 1, 50))
    clip = fixlab.PercentileClip()
    for n in history:
        last = clip({"W1": np.array([n])}, {})["W1"][0]
    assert last == pytest.approx(min(history[-1], np.percentile(history, 10)), rel=1e-6)


def test_l2_penalises_weights_not_biases() -> None:
    params = {"W1": np.array([2.0]), "b1": np.array([2.0]), "U": np.array([-1.0])}
    grads = {"W1": np.array([1.0]), "b1": np.array([1.0]), "U": np.array([1.0])}
    out = fixlab.l2(0.5)(grads, params)
    assert out["W1"][0] == 2.0 and out["b1"][0] == 1.0 and out["U"][0] == 0.5


def test_chain_applies_in_order() -> None:
    params, grads = {"W1": np.array([10.0])}, {"W1": np.array([0.0])}
    assert fixlab.chain(fixlab.l2(1.0), fixlab.clip_value(2.0))(grads, params)["W1"][0] == 2.0
    assert fixlab.chain(fixlab.clip_value(2.0), fixlab.l2(1.0))(grads, params)["W1"][0] == 10.0


def test_schedules() -> None:
    assert fixlab.constant(0.1)(999) == 0.1
    w = fixlab.warmup(1.0, 4)
    assert [w(s) for s in range(6)] == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    c = fixlab.warmup_cosine(2.0, 2, 12)
    assert c(0) == 1.0 and c(1) == 2.0 and c(2) == 2.0
    assert c(7) == pytest.approx(1.0) and c(12) == pytest.approx(0.0) and c(20) == pytest.approx(0.0)


def test_transforms_plug_into_train() -> None:
    """Patient 1 with global clipping at 1: the step norm is bounded, so the run finishes without NaN."""
    seen = []
    clip = fixlab.clip_global(1.0)
    history = gradlab.train(**fixlab.patient(), transform=lambda g, p: seen.append(clip(g, p)) or seen[-1])
    assert history.first_nan is None and len(history.loss) == 300
    assert max(np.linalg.norm(flat(g)) for g in seen) <= 1.0 + 1e-5


# ---------------------------------------------------------------- the page's two snippets
def test_the_page_snippets_print_what_the_prose_says() -> None:
    """lab_gradcheck: six configurations, each relative error at finite-difference level (a bug in a
    backward pass gives errors of order 1). lab_transform: the clipped run finishes all 300 steps with no
    NaN, every step's norm exceeds the threshold ("every step is clipped"), and the loss falls."""
    errors = [line for line in output("fixes/lab_gradcheck.py").splitlines() if ": relative error = " in line]
    assert len(errors) == 6 and all(float(line.split(" = ")[1]) < 1e-6 for line in errors)
    quoted(PAGE, "3 inputs, width 5, 4 blocks, 2 outputs", "All six relative errors")
    out = output("fixes/lab_transform.py")
    assert number(out, "clipped: steps run") == 300 and "None" in out.split("clipped: first NaN = ")[1].split("\n")[0]
    assert out.count("steps whose norm exceeded 1.0 = 300 of 300") == 1
    assert number(out, "clipped: median gradient norm before clipping") > 1.0
    assert number(out, "clipped: loss at step 299") < number(out, "clipped: loss at step 0")
    assert number(out, "no fix: first NaN at step") == 2  # patient 1's NaN step, re-derived in torch by test_fixes_index
    quoted(PAGE, "a global norm of 1 removes the NaN", "every step is clipped")
