"""A linear warm-up in PyTorch, two ways: LinearLR and LambdaLR, and the rates of the first steps."""
import torch

LR, WARMUP = 0.2, 50
model = torch.nn.Linear(8, 1)
for name in ["LinearLR", "LambdaLR"]:
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    if name == "LinearLR":  # factor 1/WARMUP at step 0, rising linearly to 1 at step WARMUP - 1
        scheduler = torch.optim.lr_scheduler.LinearLR(
            optimizer, start_factor=1 / WARMUP, end_factor=1.0, total_iters=WARMUP - 1)
    else:
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: min(1.0, (step + 1) / WARMUP))
    rates = []
    for step in range(WARMUP + 1):
        rates.append(optimizer.param_groups[0]["lr"])  # the rate this step's update uses
        optimizer.zero_grad()
        model(torch.ones(1, 8)).sum().backward()
        optimizer.step()
        scheduler.step()  # after optimizer.step(), once per step
    for step in [0, 1, 2, 48, 49, 50]:
        print(f"{name}: lr at step {step} = {rates[step]:.6g}")
