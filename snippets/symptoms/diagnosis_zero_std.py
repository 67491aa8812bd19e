"""Standardising a feature that never changes divides 0 by 0: NaN before any gradient exists."""
import numpy as np

SEED = 0
ROWS = 64
EPSILON = 1e-8  # the usual guard in the denominator

rng = np.random.default_rng(SEED)
X = np.column_stack([rng.normal(5.0, 2.0, ROWS), rng.normal(-1.0, 0.5, ROWS), np.full(ROWS, 3.0)])
y = X[:, 0] - 2 * X[:, 1]  # the third feature (a sensor stuck at 3.0) carries nothing

std = X.std(axis=0)
print(f"std of each feature = {', '.join(f'{s:.2f}' for s in std)}")
with np.errstate(invalid="ignore"):
    scaled = (X - X.mean(axis=0)) / std  # 0 / 0 in the third column
print(f"NaN in the standardised inputs = {np.isnan(scaled).sum()} of {scaled.size}")
print(f"loss at step 0 = {np.mean((scaled @ np.zeros(3) - y) ** 2) / 2}")

guarded = (X - X.mean(axis=0)) / (std + EPSILON)  # the constant column becomes 0, not NaN
print(f"with std + {EPSILON:g}: NaN in the inputs = {np.isnan(guarded).sum()}")
print(f"with std + {EPSILON:g}: loss at step 0 = {np.mean((guarded @ np.zeros(3) - y) ** 2) / 2:.2f}")

# A column stuck at 0.1 is worse: rounding leaves a tiny nonzero std, and every value becomes +-1.
stuck = np.full(ROWS, 0.1)
print(f"column of 0.1: std = {stuck.std():.1e}")
distinct = np.unique((stuck - stuck.mean()) / stuck.std())
print(f"column of 0.1: distinct standardised values = {', '.join(f'{v:g}' for v in distinct)}")
