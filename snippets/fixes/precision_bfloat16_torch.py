"""The same measurements with PyTorch's native torch.bfloat16 and torch.float16."""
import torch

every = torch.arange(2**23, dtype=torch.int32).add(0x3F800000).view(torch.float32)  # all float32 in [1, 2)
relative = ((every.to(torch.bfloat16).float() - every).abs() / every)
print(f"largest relative rounding error = {relative.max().item():.6g}, "
      f"at x = {every[relative.argmax()].item():.10g}")

weights = torch.linspace(0.05, 2.0, 4000).to(torch.bfloat16)
frozen = weights[weights + torch.tensor(0.001, dtype=torch.bfloat16) == weights]
print(f"smallest bfloat16 weight an update of 0.001 cannot move = {frozen.min().item():.4g}")

for dtype in [torch.float32, torch.float16, torch.bfloat16]:
    w, u = torch.tensor(1.0, dtype=dtype), torch.tensor(0.001, dtype=dtype)
    for _ in range(1000):
        w = w + u  # computed and stored in dtype
    print(f"{str(dtype).removeprefix('torch.')}: weight after 1000 updates = {w.item():.4f}")
