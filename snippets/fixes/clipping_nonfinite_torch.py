"""torch.nn.utils.clip_grad_norm_ and clip_grad_value_ on inf, NaN and a float32 overflow."""
import math

import torch

CASES = {  # two gradient tensors in float32; the second is 100 entries long
    "one inf": ([1.0, 2.0, math.inf], 0.5),
    "one NaN": ([1.0, 2.0, math.nan], 0.5),
    "100 entries of 1e20": ([1.0, 2.0, 3.0], 1e20),
}


def parameters_with(first, fill):
    a, b = torch.nn.Parameter(torch.zeros(3)), torch.nn.Parameter(torch.zeros(100))
    a.grad, b.grad = torch.tensor(first), torch.full((100,), fill)
    return [a, b]


for name, (first, fill) in CASES.items():
    params = parameters_with(first, fill)
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)  # returns the norm before clipping
    print(f"{name}: returned norm = {norm.item()}, after clip_grad_norm_: "
          f"{params[0].grad.tolist()}, {params[1].grad[:3].tolist()}")
try:
    torch.nn.utils.clip_grad_norm_(parameters_with(*CASES["one inf"]), max_norm=1.0, error_if_nonfinite=True)
except RuntimeError as error:
    print(f"error_if_nonfinite=True: RuntimeError ({str(error)[:45]}...)")
param = torch.nn.Parameter(torch.zeros(3))
param.grad = torch.tensor([math.inf, math.nan, -math.inf])
returned = torch.nn.utils.clip_grad_value_([param], clip_value=1.0)
print(f"clip_grad_value_ returned {returned}; [inf, nan, -inf] became {param.grad.tolist()}")
