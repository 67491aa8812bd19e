"""clip_grad_norm_ returns the total norm BEFORE clipping: log it, it is the norm to watch."""
import torch

MAX_NORM = 1.0
model = torch.nn.Sequential(
    torch.nn.Linear(2, 2, bias=False),
    torch.nn.Linear(2, 2, bias=False),
    torch.nn.Linear(2, 1, bias=False),
)
with torch.no_grad():
    model[0].weight.copy_(torch.tensor([[2.0, 0.0], [0.0, 2.0]]))
    model[1].weight.copy_(torch.tensor([[3.0, 0.0], [0.0, 3.0]]))
    model[2].weight.copy_(torch.tensor([[1.0, 1.0]]))
x, target = torch.tensor([1.0, 2.0]), torch.tensor([10.0])

loss = ((model(x) - target) ** 2).sum() / 2
loss.backward()
logged = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=MAX_NORM)  # in a loop: log this
print(f"returned (and logged) norm = {logged.item():.4f}")
print(f"max_norm = {MAX_NORM}")
after = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in model.parameters()]))
print(f"norm after clipping = {after.item():.6f}")
print(f"clipping coefficient = {MAX_NORM / (logged.item() + 1e-6):.6f}")
