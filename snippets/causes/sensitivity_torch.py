"""Thirty seeds of one 100-layer tanh network at three weight scales, with autograd."""
import torch

SEED = 0
WIDTH = 64
DEPTH = 100
SEEDS = 30
GAINS = [0.8, 1.0, 2.0]  # weights ~ N(0, g^2 / WIDTH): ordered, critical, chaotic
NAMES = ["ordered, g = 0.8", "critical, g = 1", "chaotic, g = 2"]

torch.manual_seed(SEED)
for gain, name in zip(GAINS, NAMES):
    log_grad = []
    for seed in range(SEEDS):
        layers = []
        for _ in range(DEPTH):
            linear = torch.nn.Linear(WIDTH, WIDTH, bias=False, dtype=torch.float64)
            torch.nn.init.normal_(linear.weight, std=gain / WIDTH**0.5)
            layers += [linear, torch.nn.Tanh()]
        net = torch.nn.Sequential(*layers)
        x = torch.randn(WIDTH, dtype=torch.float64)
        x = (x * WIDTH**0.5 / x.norm()).requires_grad_()  # an input with mean square 1
        readout = torch.randn(WIDTH, dtype=torch.float64)
        (readout / readout.norm() @ net(x)).backward()      # loss = readout . h_DEPTH
        log_grad.append(x.grad.norm().log10())
    log_grad = torch.stack(log_grad)
    spread = log_grad.max() - log_grad.min()
    mean, sd = log_grad.mean().item(), log_grad.std().item()
    print(f"{name}: log10 gradient at the input: mean = {mean:+.2f}, "
          f"sd over seeds = {sd:.2f}, largest / smallest = {10 ** spread.item():,.0f}")

