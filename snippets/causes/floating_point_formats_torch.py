"""The same four formats as PyTorch describes them: torch.finfo, and the first number above 0."""
import torch

DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]

print(f"{'':>9} {'largest':>11} {'smallest normal':>16} {'smallest subnormal':>19} {'epsilon':>11}")
for dtype in DTYPES:
    info = torch.finfo(dtype)
    zero, one = torch.zeros((), dtype=dtype), torch.ones((), dtype=dtype)
    subnormal = torch.nextafter(zero, one).item()  # the first representable number above 0
    values = [info.max, info.smallest_normal, subnormal, info.eps]
    name = str(dtype).removeprefix("torch.")
    print(f"{name:>8}: " + " ".join(f"{v:>{w}.5g}" for v, w in zip(values, [11, 16, 19, 11])))
