"""torch.optim.SGD on a x^2 / 2: a learning rate just under 2/a converges, just over diverges."""
import torch

CURVATURE = 10.0
STEPS = 40

for lr in [0.19, 0.21]:
    x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([x], lr=lr)
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = CURVATURE * x**2 / 2
        loss.backward()
        optimizer.step()
    print(f"lr = {lr}: |x_{STEPS}| = {abs(x.item()):.4g}")
