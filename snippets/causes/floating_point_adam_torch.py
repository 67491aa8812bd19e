"""torch.optim.Adam on float16 parameters, and PyTorch's loss scaler for float16 training."""
import torch

GRADIENTS = [0.0, 1e-4, 1e-2]  # one parameter each

for dtype in [torch.float16, torch.float32]:
    weights = torch.nn.Parameter(torch.ones(len(GRADIENTS), dtype=dtype))
    optimizer = torch.optim.Adam([weights], lr=1e-3)
    weights.grad = torch.tensor(GRADIENTS, dtype=dtype)
    optimizer.step()
    v = optimizer.state[weights]["exp_avg_sq"]
    for grad, vi, w in zip(GRADIENTS, v.tolist(), weights.tolist()):
        print(f"{str(dtype)[6:]}, gradient {grad:g}: v = {vi:.3g}, new weight = {w:.4g}")

print(f"Adam defaults: betas = {optimizer.defaults['betas']}, eps = {optimizer.defaults['eps']:g}")
scaler = torch.amp.GradScaler("cpu")  # the defaults
print(f"GradScaler initial scale = {scaler.get_scale():g}")
print(f"GradScaler growth factor = {scaler.get_growth_factor():g}")
print(f"GradScaler backoff factor = {scaler.get_backoff_factor():g}")
print(f"GradScaler growth interval = {scaler.get_growth_interval()}")

weight = torch.nn.Parameter(torch.ones(1))  # one step whose gradient is inf
optimizer = torch.optim.SGD([weight], lr=0.1)
scaler.scale((weight * float("inf")).sum()).backward()
scaler.step(optimizer)  # skipped: the gradient is not finite
scaler.update()  # and the scale backs off
print(f"after an inf gradient: weight = {weight.item():g}, scale = {scaler.get_scale():g}")
