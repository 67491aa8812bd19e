"""Multiply by 2.34 once per layer in each float format until the product is no longer finite."""
import numpy as np

WEIGHT = 2.34


def to_bfloat16(x):
    """Round float32 values to bfloat16 (8-bit significand, float32's exponent range)."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000  # round half to even
    return rounded.astype(np.uint32).view(np.float32)


def first_overflow(dtype):
    """The first depth at which the running product becomes inf."""
    rounding = to_bfloat16 if dtype == "bfloat16" else np.dtype(dtype).type
    work = np.float32 if dtype == "bfloat16" else np.dtype(dtype).type
    weight, product = rounding(WEIGHT), rounding(1.0)
    depth = 0
    with np.errstate(over="ignore"):
        while np.isfinite(product):
            product, depth = rounding(work(product) * work(weight)), depth + 1
    return depth


for dtype in ["float16", "bfloat16", "float32", "float64"]:
    print(f"{dtype:>8}: first depth that overflows = {first_overflow(dtype)}")

# Depth 14 in float16: the output overflows, then one SGD step turns inf into NaN.
DEPTH, TARGET, LEARNING_RATE = 14, 1.0, 0.01


def forward(weights):
    y = np.float16(1.0)
    for w in weights:
        y = np.maximum(w * y, np.float16(0.0))  # relu(w * y)
    return y


with np.errstate(over="ignore", invalid="ignore"):
    weights = np.full(DEPTH, WEIGHT, dtype=np.float16)
    print(f"output at depth 13 = {forward(weights[:13]):,.0f}")
    y = forward(weights)
    print(f"output at depth 14 = {y}")
    grad = (y - np.float16(TARGET)) * y / weights  # d/dw of (y - target)^2 / 2; here dy/dw = y / w
    print(f"weight gradients   = {grad[0]} (all {DEPTH})")
    weights = weights - np.float16(LEARNING_RATE) * grad
    print(f"weights after SGD  = {weights[0]}")
    print(f"output after SGD   = {forward(weights)}  (relu(-inf) = 0, then -inf * 0 = nan)")
