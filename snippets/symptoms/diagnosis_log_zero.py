"""Cross-entropy as -log(softmax): a probability that underflows to 0 gives loss inf, gradient NaN."""
import numpy as np

LOGITS = np.array([0.0, 120.0], dtype=np.float32)  # the model is sure it is class 1...
LABEL = 0  # ...but the label says class 0

onehot = np.eye(len(LOGITS), dtype=np.float32)[LABEL]
shifted = LOGITS - LOGITS.max()  # the usual guard against overflow in exp; it does not help here
p = np.exp(shifted) / np.exp(shifted).sum()
with np.errstate(divide="ignore", invalid="ignore"):
    naive_loss = -np.log(p[LABEL])
    naive_grad = (-1 / p[LABEL]) * p[LABEL] * (onehot - p)  # chain rule: dL/dp times dp/dlogits
print(f"probability of the label = {p[LABEL]}")
print(f"loss as -log(softmax)    = {naive_loss}")
print(f"its gradient             = {', '.join(f'{g}' for g in naive_grad)}")

# The fix: compute log(softmax) directly, as logit - logsumexp(logits); it never takes log(0).
log_p = shifted - np.log(np.exp(shifted).sum())
print(f"loss as logsumexp - logit = {-log_p[LABEL]:.1f}")
print(f"its gradient, p - onehot  = {', '.join(f'{g:.1f}' for g in p - onehot)}")

# How large a logit gap it takes: exp(-gap) rounds to 0 once it is below half the smallest subnormal.
gaps = np.arange(600, 8000) / 10
for dtype in [np.float32, np.float64]:
    with np.errstate(under="ignore"):
        zero = np.exp(-gaps.astype(dtype)) == 0
    print(f"smallest logit gap with p = 0 in {dtype.__name__} = {gaps[zero][0]:.1f}")
