"""torch.optim.Adam on float16 parameters, and PyTorch's loss scaler for float16 training."""
import torch

GRADIENTS = [0.0, 1e-4, 1e-2]  # one parameter each

def adam_step(start, dtype):
    """One Adam step from zero state, every weight starting at `start`; returns (v, new weights)."""
    weights = torch.nn.Parameter(torch.full((len(GRADIENTS),), start, dtype=dtype))
    optimizer = torch.optim.Adam([weights], lr=1e-3)
    weights.grad = torch.tensor(GRADIENTS, dtype=dtype)
    optimizer.step()
    return optimizer.state[weights]["exp_avg_sq"].tolist(), weights.tolist(), optimizer


for dtype in [torch.float16, torch.float32]:
    v, weights, optimizer = adam_step(1.0, dtype)
    for grad, vi, w in zip(GRADIENTS, v, weights):
        print(f"{str(dtype)[6:]}, gradient {grad:g}: v = {vi:.3g}, new weight = {w:.4g}, "
              f"step taken = 1 - new weight = {1 - w:.4g}")
# From a weight of 0 the new weight is minus the step itself, not rounded to the float16 grid near 1.
print(f"float16, gradient 0.01, from 0: step = {-adam_step(0.0, torch.float16)[1][2]:.4g}")

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
