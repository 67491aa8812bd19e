"""detect_anomaly names the backward op that first returned NaN; the forward pass here is finite."""
import warnings

import torch

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([1.0, 2.0])  # the same point: in a contrastive loss, a pair with itself

distance = torch.sqrt(((a - b) ** 2).sum())
print(f"distance (forward) = {distance.item()}")
distance.backward()
print(f"gradient without anomaly mode = {', '.join(str(v) for v in a.grad.tolist())}")

a.grad = None
with warnings.catch_warnings(record=True) as caught:  # anomaly mode also warns, naming the forward line
    warnings.simplefilter("always")
    with torch.autograd.detect_anomaly():
        try:
            distance = torch.sqrt(((a - b) ** 2).sum())
            distance.backward()
        except RuntimeError as error:
            print(f"RuntimeError = {error}")
for warning in caught:
    lines = str(warning.message).splitlines()
    if lines[0].startswith("Error detected"):
        print(f"UserWarning = {lines[0]}")
        print(f"forward line = {lines[2].strip()}")

a.grad = None
torch.linalg.vector_norm(a - b).backward()  # PyTorch's norm defines its gradient at 0 as 0
print(f"gradient with torch.linalg.vector_norm = {', '.join(str(v) for v in a.grad.tolist())}")
