"""PyTorch: clip_grad_norm_ clips all the gradients together; clip_grad_value_ clamps each entry."""
import torch

GRADS = [[100.0, 0.0], [0.0, 1.0]]


def show(values):
    return "[" + ", ".join(f"{x:.3f}" for x in values) + "]"


def parameters_with_grads():
    params = [torch.nn.Parameter(torch.zeros(2)) for _ in GRADS]
    for p, g in zip(params, GRADS):
        p.grad = torch.tensor(g)
    return params


original = torch.tensor(GRADS).flatten()
params = parameters_with_grads()
total = torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)  # returns the norm before clipping
used = torch.cat([p.grad for p in params])
print(f"clip_grad_norm_ return value (the norm before clipping) = {total.item():.4f}")
print(f"clip_grad_norm_: gradients used = {show(used.tolist())}, "
      f"cos to original = {torch.cosine_similarity(used, original, dim=0).item():.4f}")
params = parameters_with_grads()
for p in params:  # per-tensor clipping, as Keras' clipnorm does: one call per tensor
    torch.nn.utils.clip_grad_norm_([p], max_norm=1.0)
used = torch.cat([p.grad for p in params])
print(f"clip_grad_norm_ per tensor: gradients used = {show(used.tolist())}, "
      f"cos to original = {torch.cosine_similarity(used, original, dim=0).item():.4f}")
params = parameters_with_grads()
torch.nn.utils.clip_grad_value_(params, clip_value=1.0)
used = torch.cat([p.grad for p in params])
print(f"clip_grad_value_: gradients used = {show(used.tolist())}, "
      f"cos to original = {torch.cosine_similarity(used, original, dim=0).item():.4f}")
