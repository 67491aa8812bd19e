"""PyTorch's encoder layer is Post-LN by default; norm_first=True makes it Pre-LN. Gradients per layer at init."""
import inspect

import torch
import torch.nn as nn

WIDTH, HEADS, FEEDFORWARD, DEPTH, LENGTH, BATCH, CLASSES = 32, 1, 64, 6, 8, 16, 16
SEED = 0
default = inspect.signature(nn.TransformerEncoderLayer).parameters["norm_first"].default
print(f"nn.TransformerEncoderLayer default norm_first = {default}")

g = torch.Generator().manual_seed(SEED)
x = torch.randn(BATCH, LENGTH, WIDTH, generator=g, dtype=torch.float64)
readout = torch.randn(WIDTH, CLASSES, generator=g, dtype=torch.float64) / WIDTH**0.5
target = torch.randint(0, CLASSES, (BATCH,), generator=g)
for norm_first in (False, True):
    torch.manual_seed(SEED)
    layer = nn.TransformerEncoderLayer(WIDTH, HEADS, FEEDFORWARD, dropout=0.0, batch_first=True,
                                       norm_first=norm_first, dtype=torch.float64)
    final = nn.LayerNorm(WIDTH, dtype=torch.float64) if norm_first else None  # Pre-LN needs a last norm
    encoder = nn.TransformerEncoder(layer, DEPTH, norm=final, enable_nested_tensor=False)
    logits = encoder(x)[:, -1] @ readout  # predict a class from the last position
    nn.functional.cross_entropy(logits, target).backward()
    norms = [sum(p.grad.square().sum() for p in block.parameters()).sqrt().item() for block in encoder.layers]
    name = "Pre-LN (norm_first=True)" if norm_first else "Post-LN (default)"
    print(f"{name}: gradient norm per layer = " + ", ".join(f"{n:.3g}" for n in norms))
