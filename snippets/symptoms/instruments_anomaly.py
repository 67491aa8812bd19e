"""The distance between equal vectors: finite forward, NaN backward. Name the first op giving NaN."""
import numpy as np

A = np.array([1.0, 2.0], dtype=np.float32)
B = np.array([1.0, 2.0], dtype=np.float32)  # the same point: in a contrastive loss, a pair with itself

# Forward, as written by hand: distance = sqrt(sum((a - b) ** 2))
diff = A - B
squares = diff**2
total = squares.sum()
distance = np.sqrt(total)
print(f"distance (forward) = {distance}")

# Backward, one op at a time, in the order autograd runs them (the names are PyTorch's)
with np.errstate(divide="ignore", invalid="ignore"):
    steps = {}
    steps["SqrtBackward0"] = grad_total = 1.0 / (2 * np.sqrt(total))  # d sqrt(t)/dt = 1 / (2 sqrt(t))
    steps["SumBackward0"] = grad_squares = np.full_like(squares, grad_total)
    steps["PowBackward0"] = grad_diff = 2 * diff * grad_squares  # 0 * inf
    steps["SubBackward0"] = grad_a = grad_diff
for op, grad in steps.items():
    print(f"{op} output = {', '.join(str(v) for v in np.atleast_1d(grad))}")
first_nan = next(op for op, grad in steps.items() if np.isnan(grad).any())
print(f"first op whose output has a NaN = {first_nan}")
