"""Adam's first step in float16: eps = 1e-8 rounds to 0, and a zero gradient gives 0 / 0 = NaN."""
import numpy as np

LEARNING_RATE = 1e-3
BETA1, BETA2, EPS = 0.9, 0.999, 1e-8  # torch.optim.Adam's defaults
GRADIENTS = [0.0, 1e-4, 1e-2]  # one parameter each

print(f"float16(1e-8) = {np.float16(EPS)}")
print(f"smallest float16 above 0 = {np.finfo(np.float16).smallest_subnormal:.4g} (2^-24)")
print(f"float16(1e-4)^2 = {np.float16(1e-4) ** 2}")

for dtype in [np.float16, np.float32]:
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.array(GRADIENTS, dtype=dtype)
        m = (1 - dtype(BETA1)) * g  # first moment after one step, from m = 0
        v = (1 - dtype(BETA2)) * g * g  # second moment, from v = 0
        m_hat, v_hat = m / (1 - dtype(BETA1)), v / (1 - dtype(BETA2))  # bias correction, step 1
        step = dtype(LEARNING_RATE) * m_hat / (np.sqrt(v_hat) + dtype(EPS))
        weights = np.ones(len(GRADIENTS), dtype=dtype) - step
    for grad, vi, s, w in zip(GRADIENTS, v, step, weights):
        print(f"{dtype.__name__}, gradient {grad:g}: "
              f"v = {vi:.3g}, step = {s:.4g}, new weight = {w:.4g}")
