"""GradScaler and clip_grad_norm_ in both orders: the update a real optimizer step makes."""
import torch

MAX_NORM = 1.0  # GradScaler's default init_scale is 2^16


def update_norm(unscale_first):
    weight = torch.nn.Parameter(torch.zeros(2))
    optimizer = torch.optim.SGD([weight], lr=1.0)
    scaler = torch.amp.GradScaler("cpu")
    loss = weight @ torch.tensor([3.0, 4.0])  # the true gradient is (3, 4), norm 5
    scaler.scale(loss).backward()
    if unscale_first:
        scaler.unscale_(optimizer)
    seen = torch.nn.utils.clip_grad_norm_([weight], MAX_NORM)
    scaler.step(optimizer)  # unscales here if unscale_ was not called
    scaler.update()
    return float(seen), float(weight.detach().norm())


for name, first in [("right order", True), ("wrong order", False)]:
    seen, moved = update_norm(first)
    print(f"{name}: clip_grad_norm_ returned {seen:,.0f}, norm of the update = {moved:.4e}")
