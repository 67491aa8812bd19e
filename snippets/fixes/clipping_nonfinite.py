"""What norm clipping and value clipping do to inf, NaN and a float32 overflow, the way PyTorch does it."""
import numpy as np

MAX_NORM = 1.0
CASES = {  # two gradient tensors in float32; the second is 100 entries long
    "one inf": [np.array([1.0, 2.0, np.inf], "float32"), np.full(100, 0.5, "float32")],
    "one NaN": [np.array([1.0, 2.0, np.nan], "float32"), np.full(100, 0.5, "float32")],
    "100 entries of 1e20": [np.array([1.0, 2.0, 3.0], "float32"), np.full(100, 1e20, "float32")],
}


def clip_norm(grads, max_norm):
    """Like torch.nn.utils.clip_grad_norm_: the norm in the gradients' own precision, then a multiplication
    by min(1, max_norm / (norm + 1e-6)) every time, with no test for inf or NaN. Returns the norm."""
    norm = np.sqrt(sum(np.sum(g * g) for g in grads))  # float32: squares above 3.4e38 overflow to inf
    scale = np.minimum(np.float32(1.0), np.float32(max_norm) / (norm + np.float32(1e-6)))
    for g in grads:
        g *= scale  # in place, as PyTorch does
    return norm


def summary(grads):
    return ", ".join(f"{g[:3].tolist()}" for g in grads)


with np.errstate(over="ignore", invalid="ignore"):
    for name, grads in CASES.items():
        norm = clip_norm(grads, MAX_NORM)
        print(f"{name}: norm = {norm}, after norm clipping: {summary(grads)}")
    grads = [np.array([np.inf, np.nan, -np.inf], "float32")]
    for g in grads:
        np.clip(g, -MAX_NORM, MAX_NORM, out=g)  # value clipping: inf becomes +-1, NaN stays NaN
    print(f"[inf, nan, -inf] after value clipping at 1: {grads[0].tolist()}")
