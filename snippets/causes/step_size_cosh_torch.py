"""cosh(x) from x = 10 with SGD(lr=1): plain, it overflows; with clip_grad_norm_, 10 steps."""
import torch

X0 = 10.0
TOLERANCE = 0.01
MAX_NORM = 1.0

for clip in [False, True]:
    x = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([x], lr=1.0)
    for step in range(1, 21):
        optimizer.zero_grad()
        torch.cosh(x).backward()
        if clip:
            torch.nn.utils.clip_grad_norm_([x], max_norm=MAX_NORM)  # rescale to norm <= 1
        optimizer.step()
        if not torch.isfinite(x) or abs(x.item()) < TOLERANCE:
            break
    name = "with clip_grad_norm_" if clip else "plain SGD"
    print(f"{name}: stopped after {step} steps at x = {x.item():.3g}")
