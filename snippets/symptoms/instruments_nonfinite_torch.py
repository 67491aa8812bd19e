"""clip_grad_norm_ on an inf, a NaN and a finite but huge gradient; then with error_if_nonfinite=True."""
import math

import torch

MAX_NORM = 1.0
bad = torch.nn.Parameter(torch.zeros(2))  # two parameters; their gradients are set by hand below
healthy = torch.nn.Parameter(torch.zeros(2))

CASES = {"one inf": [1.0, math.inf], "one NaN": [1.0, math.nan], "finite but 2e19": [2e19, 0.0]}
for case, bad_grad in CASES.items():
    bad.grad, healthy.grad = torch.tensor(bad_grad), torch.tensor([3.0, 4.0])
    total = torch.nn.utils.clip_grad_norm_([bad, healthy], max_norm=MAX_NORM)  # error_if_nonfinite=False
    print(f"{case}: total norm = {total.item()}")
    print(f"{case}: bad layer after clipping = {', '.join(str(v) for v in bad.grad.tolist())}")
    print(f"{case}: healthy layer after clipping = {', '.join(str(v) for v in healthy.grad.tolist())}")

    bad.grad, healthy.grad = torch.tensor(bad_grad), torch.tensor([3.0, 4.0])
    try:
        torch.nn.utils.clip_grad_norm_([bad, healthy], max_norm=MAX_NORM, error_if_nonfinite=True)
        print(f"{case}: error_if_nonfinite=True = no error")
    except RuntimeError as error:
        print(f"{case}: error_if_nonfinite=True = RuntimeError")
        message = str(error)
print(f"RuntimeError message = {message}")
