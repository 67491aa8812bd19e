"""fixes/residual.md: the variance bookkeeping of residual stacks (closed forms), the 100-block
measurements against that theory and against a second implementation run over several seeds, and the
patient-1 verdicts, re-run in torch from the same weights and batches."""

from __future__ import annotations

import math

import fixlab
import gradlab
import numpy as np
import pytest
from support import keras_output, number, output, quoted, torch_output, value

PAGE = "fixes/residual.md"
DEPTH = "fixes/residual_depth.py"
PATIENT = "fixes/residual_patient.py"
BLOCKS, WIDTH, BATCH = 100, 256, 64


def test_closed_forms_on_the_page() -> None:
    # unscaled residual, He branch: the mean square doubles per block, RMS 2^(l/2)
    assert 2 ** (10 / 2) == 32 and f"{2 ** 25:.2g}" == "3.4e+07" and f"{2 ** 50:.2g}" == "1.1e+15"
    quoted(PAGE, "which is 32 after 10 blocks", r"\( 3.4 \times 10^{7} \) after 50", r"\( 1.1 \times 10^{15} \) after 100")
    # branch scaled by 1/sqrt(L): (1 + 1/L)^(l/2), bounded by sqrt(e)
    scaled = {l: (1 + 1 / BLOCKS) ** (l / 2) for l in (10, 50, 100)}
    assert [f"{v:.4g}" for v in scaled.values()] == ["1.051", "1.282", "1.645"]
    assert f"{math.sqrt(math.e):.3f}" == "1.649"
    quoted(PAGE, "1.051 at block 10, 1.282 at block 50, 1.645 at block 100", r"\sqrt{e} \approx 1.649")
    # pre-norm: q_l = 1 + l; backward factors 1 + 1/l multiply to L + 1
    assert [f"{math.sqrt(1 + l):.4g}" for l in (10, 50, 100)] == ["3.317", "7.141", "10.05"]
    assert math.prod(1 + 1 / l for l in range(1, BLOCKS + 1)) == pytest.approx(101)
    quoted(PAGE, "3.317 at block 10, 7.141 at 50, 10.05 at 100", "whose product over 100 blocks is 101",
           r"\sqrt{101} \approx 10.05")
    # patient 1: chi = 2^2 / 2 = 2; residual block 1 + chi = 3; scaled by 1/3: 1 + 2/9
    assert f"{1 + 2.0**2 / 2 / 9:.3f}" == "1.222"
    quoted(PAGE, r"1 + 2/9 \approx 1.222", r"\sqrt{2} \approx 1.414")


def test_depth_measurements_match_theory() -> None:
    out = output(DEPTH)
    for l in (10, 50, 100):
        theory = (1 + 1 / BLOCKS) ** (l / 2)
        assert number(out, f"residual, branch x 1/sqrt(L): RMS at block {l}") == pytest.approx(theory, rel=0.03)
        assert number(out, f"residual, pre-layer-norm: RMS at block {l}") == pytest.approx(math.sqrt(1 + l), rel=0.05)
        assert number(out, f"residual, zero-init branch: RMS at block {l}") == 1.0
        # unscaled: within a factor 3 of 2^(l/2) (a product of l random factors at finite width)
        assert 1 / 3 < number(out, f"residual: RMS at block {l}") / 2 ** (l / 2) < 3
        assert 0.5 < number(out, f"plain: RMS at block {l}") < 2
    per_block = number(out, "residual: RMS at block 100") ** (1 / BLOCKS)
    assert per_block == pytest.approx(math.sqrt(2), rel=0.02)
    assert f"{per_block:.2f}" == "1.40"
    quoted(PAGE, "per block the measured factor is 1.40", "stack of 100 blocks of width 256")
    grad = lambda name: number(out, f"{name}: gradient norm at block 0 / at block 100")  # noqa: E731
    assert 1 / 3 < grad("residual") / 2**50 < 3
    assert grad("residual, branch x 1/sqrt(L)") == pytest.approx((1 + 1 / BLOCKS) ** 50, rel=0.03)
    assert grad("residual, pre-layer-norm") == pytest.approx(math.sqrt(101), rel=0.1)
    assert grad("residual, zero-init branch") == 1.0 and 0.5 < grad("plain") < 2
    quoted(PAGE, r"8.43 \times 10^{14}", "1.09 at block 100", "1.22 times its size at the top")


def test_other_seeds_land_on_either_side_of_the_theory() -> None:
    """A second implementation (one block at a time, fresh weights per seed) of the unscaled stack."""
    ratios = []
    for seed in range(1, 6):
        rng = np.random.default_rng(seed)
        h0 = rng.standard_normal((BATCH, WIDTH))
        h = h0
        for _ in range(BLOCKS):
            W = rng.standard_normal((WIDTH, WIDTH)) * math.sqrt(2 / WIDTH)
            h = h + np.where(h > 0, h, 0.0) @ W
        ratios.append(math.sqrt(np.mean(h**2) / np.mean(h0**2)) / 2**50)
    assert min(ratios) < 1 < max(ratios)
    assert all(r ** (1 / BLOCKS) == pytest.approx(1, abs=0.03) for r in ratios)  # per block: 3 % of sqrt 2
    assert max(ratios) / min(ratios) > 3  # a spread wider than the snippet's own distance from 2^50
    quoted(PAGE, "other seeds land on either side of")


def test_patient_verdicts() -> None:
    out = output(PATIENT)
    model = gradlab.mlp_patient()["model"]
    assert model.depth == 11 and model.params["W2"].shape == (32, 32)  # 10 hidden layers of width 32
    quoted(PAGE, "10 ReLU layers of width 32", "300 steps")
    assert number(out, "no fix (patient 1): first NaN at step") == 2
    assert number(out, "residual: first NaN at step") == 1
    for name in ("residual, branch x 1/sqrt(9)", "residual, zero-init branch", "residual, pre-layer-norm"):
        assert number(out, f"{name}: no NaN; loss at step 299") < 1
    assert number(out, "residual, zero-init branch: no NaN; loss at step 299") < number(
        out, "residual, branch x 1/sqrt(9): no NaN; loss at step 299")
    rms = lambda name: number(out, f"{name}: RMS of the last hidden layer at initialisation")  # noqa: E731
    assert rms("residual") > rms("no fix (patient 1)") > rms("residual, branch x 1/sqrt(9)") > rms(
        "residual, zero-init branch")
    quoted(PAGE, "592 for the residual net against 65.2", "6.01e+05", "0.375 (scaled), 0.352 (pre-norm) and 0.021")


def torch_patient_losses(changes: dict) -> np.ndarray:
    """Patient 1 with a residual change, trained again in torch: same initial weights, same batches."""
    torch = pytest.importorskip("torch")
    run = fixlab.patient(**changes)
    w = {k: torch.tensor(v) for k, v in run["model"].params.items()}
    s = changes.get("branch_scale", 1.0)
    x_all, y_all = torch.tensor(run["task"].x, dtype=torch.float32), torch.tensor(run["task"].y, dtype=torch.float32)
    rng, losses = np.random.default_rng(0), []
    for _ in range(300):
        idx = torch.tensor(rng.choice(256, 32, replace=False))
        for t in w.values():
            t.requires_grad_(True)
        h = torch.relu(x_all[idx] @ w["W1"] + w["b1"])
        for l in range(2, 11):
            u = torch.nn.functional.layer_norm(h, (32,), w[f"gamma{l}"], w[f"beta{l}"]) if changes.get("norm") else h
            h = h + s * (torch.relu(u) @ w[f"W{l}"] + w[f"b{l}"])
        loss = torch.mean((h @ w["W11"] + w["b11"] - y_all[idx]) ** 2)
        losses.append(loss.item())
        if not math.isfinite(losses[-1]):
            break
        grads = torch.autograd.grad(loss, list(w.values()))
        w = {k: (t - 1e-3 * g).detach() for (k, t), g in zip(w.items(), grads)}
    return np.array(losses)


@pytest.mark.parametrize(("label", "changes"), [
    ("residual, branch x 1/sqrt(9)", {"residual": True, "branch_scale": 1 / 3}),
    ("residual, zero-init branch", {"residual": True, "zero_init": True}),
    ("residual, pre-layer-norm", {"residual": True, "norm": "layer"}),
])
def test_tamed_patients_agree_with_torch(label: str, changes: dict) -> None:
    losses = torch_patient_losses(changes)
    assert len(losses) == 300 and np.isfinite(losses).all()
    assert number(output(PATIENT), f"{label}: no NaN; loss at step 299") == pytest.approx(losses[-1], rel=0.05)


def test_unscaled_residual_patient_blows_up_in_torch_too() -> None:
    losses = torch_patient_losses({"residual": True})
    assert len(losses) <= 3 and not np.isfinite(losses[-1])
    assert number(output(PATIENT), "residual: loss at step 0") == pytest.approx(losses[0], rel=1e-3)


def test_torch_tab() -> None:
    out = torch_output("fixes/residual_depth_torch.py")
    assert 1 / 3 < number(out, "residual: RMS at block 100") / 2**50 < 3
    assert number(out, "alpha = 1/sqrt(L): RMS at block 100") == pytest.approx(1.01**50, rel=0.05)
    assert number(out, "ReZero, alpha = 0: RMS at block 100") == 1.0
    assert number(out, "ReZero, alpha = 0: gradient norm at the input / at the output") == 1.0
    assert number(out, "ReZero, alpha = 0: gradient of alpha in the first block") != 0  # it can switch on
    assert value(out, "residual: gradient norm at the input / at the output")


def test_keras_tab() -> None:
    out = keras_output("fixes/residual_depth_keras.py")
    assert 1 / 3 < number(out, "residual: RMS at block 50") / 2**25 < 3
    assert number(out, "branch x 1/sqrt(L): RMS at block 50") == pytest.approx(1.02**25, rel=0.05)
    assert number(out, "zero-init branch: RMS at block 50") == 1.0
    quoted(PAGE, "it runs 50 blocks")
