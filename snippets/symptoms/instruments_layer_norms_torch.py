"""Per-layer gradient norms with named_parameters, on the same 3-layer linear chain."""
import torch

model = torch.nn.Sequential(
    torch.nn.Linear(2, 2, bias=False),
    torch.nn.Linear(2, 2, bias=False),
    torch.nn.Linear(2, 1, bias=False),
)
with torch.no_grad():
    model[0].weight.copy_(torch.tensor([[2.0, 0.0], [0.0, 2.0]]))
    model[1].weight.copy_(torch.tensor([[3.0, 0.0], [0.0, 3.0]]))
    model[2].weight.copy_(torch.tensor([[1.0, 1.0]]))
x = torch.tensor([1.0, 2.0])
target = torch.tensor([10.0])

loss = ((model(x) - target) ** 2).sum() / 2
loss.backward()


def grad_norms(model):
    """The instrument: {parameter name: gradient norm}; call it after backward(), log it every step."""
    return {name: p.grad.norm().item() for name, p in model.named_parameters() if p.grad is not None}


norms = grad_norms(model)
for name, norm in norms.items():
    print(f"grad norm {name} = {norm:.4f}")
print(f"total grad norm = {sum(n**2 for n in norms.values()) ** 0.5:.4f}")
