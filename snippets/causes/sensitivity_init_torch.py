"""Three common initialisations of a 100-layer tanh network in PyTorch: order, edge or chaos?"""
import math

import torch

SEED = 0
WIDTH = 64
DEPTH = 100
SEEDS = 5
INITS = {  # name: what to do to each fresh nn.Linear's weight
    "uniform +-1/sqrt(n) (PyTorch's default)": lambda w: None,
    "normal, std 1/sqrt(n) (Xavier, gain 1)": lambda w: torch.nn.init.xavier_normal_(w),
    "normal, std (5/3)/sqrt(n) (Xavier, tanh gain)":
        lambda w: torch.nn.init.xavier_normal_(w, gain=torch.nn.init.calculate_gain("tanh")),
}

torch.manual_seed(SEED)
for name, init in INITS.items():
    log_input_grad, gains = [], []
    for seed in range(SEEDS):
        linears = []
        for _ in range(DEPTH):
            linears.append(torch.nn.Linear(WIDTH, WIDTH, bias=False, dtype=torch.float64))
            init(linears[-1].weight)
        weights = torch.cat([linear.weight.flatten() for linear in linears])
        gains.append(weights.std().item() * math.sqrt(WIDTH))  # g = std in units of 1/sqrt(n)
        net = torch.nn.Sequential(*[m for linear in linears for m in (linear, torch.nn.Tanh())])
        x = torch.randn(WIDTH, dtype=torch.float64)
        x = (x * math.sqrt(WIDTH) / x.norm()).requires_grad_()
        readout = torch.randn(WIDTH, dtype=torch.float64)
        (readout / readout.norm() @ net(x)).backward()  # loss = unit readout . h_DEPTH
        log_input_grad.append(math.log10(x.grad.norm().item()))
    mean = sum(log_input_grad) / SEEDS
    print(f"{name}: g = {sum(gains) / SEEDS:.3f}, growth of ln||grad|| per layer = "
          f"{mean * math.log(10) / DEPTH:+.3f}, gradient at the input = 10^{mean:.1f}")
