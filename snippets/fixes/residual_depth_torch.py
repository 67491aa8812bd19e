"""Residual blocks in PyTorch: a branch scaled by alpha (1, 1/sqrt(L), or 0 as in ReZero) on 100 blocks."""
import torch
from torch import nn

SEED = 0
WIDTH, BATCH, BLOCKS = 256, 64, 100


class Block(nn.Module):
    """h + alpha * W relu(h): alpha is a learnable scalar (ReZero starts it at 0)."""

    def __init__(self, width: int, alpha: float):
        super().__init__()
        self.linear = nn.Linear(width, width)
        nn.init.kaiming_normal_(self.linear.weight, nonlinearity="relu")  # He: variance 2 / fan_in
        nn.init.zeros_(self.linear.bias)
        self.alpha = nn.Parameter(torch.tensor(alpha))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h + self.alpha * self.linear(torch.relu(h))


for name, alpha in {"residual": 1.0, "alpha = 1/sqrt(L)": BLOCKS**-0.5, "ReZero, alpha = 0": 0.0}.items():
    torch.manual_seed(SEED)
    net = nn.Sequential(*[Block(WIDTH, alpha) for _ in range(BLOCKS)]).double()
    x = torch.randn(BATCH, WIDTH, dtype=torch.float64, requires_grad=True)
    upstream = torch.randn(BATCH, WIDTH, dtype=torch.float64)  # any dL/dh_L
    h = x
    for block in net:
        h = block(h)
    (h * upstream).sum().backward()
    rms = (h.pow(2).mean().sqrt() / x.pow(2).mean().sqrt()).item()
    print(f"{name}: RMS at block {BLOCKS} = {rms:.3g}")
    print(f"{name}: gradient norm at the input / at the output = {(x.grad.norm() / upstream.norm()).item():.3g}")
    print(f"{name}: gradient of alpha in the first block = {net[0].alpha.grad.item():.3g}")
