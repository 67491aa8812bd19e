"""PyTorch: the loss's reduction decides how the gradient norm scales with the batch size."""
import torch

SEED = 0
N, DIM = 20_000, 10
DRAWS = 200

torch.manual_seed(SEED)
x = torch.randn(N, DIM)
y = x @ (torch.ones(DIM) / DIM**0.5) + torch.randn(N)
model = torch.nn.Linear(DIM, 1, bias=False)
torch.nn.init.zeros_(model.weight)

for reduction in ["mean", "sum"]:
    loss_fn = torch.nn.MSELoss(reduction=reduction)
    for batch in [1, 64, 4096]:
        norms = []
        for _ in range(DRAWS):
            idx = torch.randint(0, N, (batch,))
            model.zero_grad()
            loss_fn(model(x[idx]).squeeze(1), y[idx]).backward()
            norms.append(torch.linalg.vector_norm(model.weight.grad).item())
        print(f"reduction={reduction}, batch {batch}: median |g| = {torch.tensor(norms).median().item():,.2f}")
