"""PyTorch's clipping rule replayed in float32 NumPy, when the total norm is inf or NaN."""
import numpy as np

MAX_NORM = 1.0
FINITE = np.array([3.0, 4.0], dtype=np.float32)  # a layer whose gradient is fine


def clip(grads, max_norm):
    """clip_grad_norm_ with error_if_nonfinite=False: the total norm, then one coefficient for all."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sqrt(sum(np.sum(g * g) for g in grads))  # float32 squares, as in PyTorch
        coefficient = np.minimum(np.float32(max_norm) / (total + np.float32(1e-6)), np.float32(1.0))
        return total, coefficient, [g * coefficient for g in grads]


for case, bad_layer in [
    ("one inf", np.array([1.0, np.inf], dtype=np.float32)),
    ("one NaN", np.array([1.0, np.nan], dtype=np.float32)),
    ("finite but 2e19", np.array([2e19, 0.0], dtype=np.float32)),  # its square overflows float32
]:
    total, coefficient, clipped = clip([bad_layer, FINITE.copy()], MAX_NORM)
    print(f"{case}: total norm = {total}")
    print(f"{case}: clipping coefficient = {coefficient}")
    print(f"{case}: bad layer after clipping = {', '.join(str(v) for v in clipped[0])}")
    print(f"{case}: healthy layer after clipping = {', '.join(str(v) for v in clipped[1])}")
print(f"norm above which float32 squares overflow = {np.sqrt(np.finfo(np.float32).max):.3e}")
