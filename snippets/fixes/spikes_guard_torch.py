"""In PyTorch: skip non-finite or outlier steps, and checkpoint the model AND the optimizer, deep-copied."""
import copy

import numpy as np
import torch

SEED, STEPS, BATCH, LR, WARMUP = 0, 900, 32, 3e-3, 100
rng = np.random.default_rng(SEED)  # the NumPy tab's stream, shorter: NaN in batch 500, huge target in batch 800
a = rng.standard_normal(8) / np.sqrt(8)
x = rng.standard_normal((STEPS + 10, BATCH, 8))
y = np.sin(x @ a) + 0.05 * rng.standard_normal(x.shape[:2])
x[499, 0, 0], y[799, 0] = np.nan, 1000.0
x, y = torch.tensor(x), torch.tensor(y).unsqueeze(-1)
torch.manual_seed(SEED)
torch.set_num_threads(1)  # tensors this small run fastest on one thread
model = torch.nn.Sequential(torch.nn.Linear(8, 32), torch.nn.Tanh(), torch.nn.Linear(32, 1)).double()
optimizer = torch.optim.Adam(model.parameters(), lr=LR)
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / WARMUP))


norms = []  # the gradient norms of the guarded steps taken so far


def step(i, guard=True):
    """One training step on batch i; returns False if the guard skipped it."""
    optimizer.zero_grad()
    torch.nn.functional.mse_loss(model(x[i]), y[i]).backward()
    norm = torch.nn.utils.get_total_norm([p.grad for p in model.parameters()])  # clip_grad_norm_ returns it too
    if guard and len(norms) >= 20 and not norm < 10 * np.median(norms[-100:]):  # NaN or inf fails too
        return False  # skipped: optimizer.step() never sees this gradient, so Adam's m and v stay clean
    norms.extend([norm.item()] if guard else [])
    optimizer.step()
    scheduler.step()
    return True


def checkpoint(i):
    """state_dict() returns references to the live tensors: deep-copy them, or save them to disk."""
    return copy.deepcopy({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                          "scheduler": scheduler.state_dict(), "next batch": i})


def restore(saved, optimizer_too=True):
    model.load_state_dict(saved["model"])
    if optimizer_too:
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])


skipped = [i + 1 for i in range(400) if not step(i)]  # steps count from 1: batch i + 1
saved, live = checkpoint(400), optimizer.state_dict()  # live: the state_dict without a copy
for i in range(400, 500):
    step(i, guard=False)  # batch 500 (i = 499) has the NaN: no guard, so Adam's m and v become NaN
weight = model[0].weight
print(f"after the NaN step: weights finite = {bool(weight.isfinite().all())}, "
      f"Adam's exp_avg_sq finite = {bool(optimizer.state[weight]['exp_avg_sq'].isfinite().all())}")
print(f"uncopied state_dict: its exp_avg_sq finite = {bool(live['state'][0]['exp_avg_sq'].isfinite().all())}")
for optimizer_too in [False, True]:
    restore(saved, optimizer_too)
    step(600, guard=False)  # back to step 400, batches 401-600 skipped
    print(f"restore the model {'and the optimizer' if optimizer_too else 'only'}: weights finite after one "
          f"more step = {bool(weight.isfinite().all())}")
skipped += [i + 1 for i in range(601, STEPS) if not step(i)]
with torch.no_grad():
    test = torch.tensor(rng.standard_normal((128, 8)))
    loss = torch.nn.functional.mse_loss(model(test).squeeze(-1), torch.sin(test @ torch.tensor(a)))
print(f"guard on from batch 602: skipped batches = {skipped}, held-out loss at the end = {loss.item():.3g}")
