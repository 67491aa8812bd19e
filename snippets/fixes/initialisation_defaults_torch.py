"""The four initialisations with PyTorch's own nn.Linear default and nn.init functions."""
import torch

WIDTH = 512
DEPTH = 50
BATCH = 64
SEED = 0
SCHEMES = {  # each (re-)initialises one nn.Linear(WIDTH, WIDTH, bias=False) in place
    "PyTorch default": lambda weight: None,  # nn.Linear already ran kaiming_uniform_(a=sqrt(5))
    "Xavier uniform": torch.nn.init.xavier_uniform_,
    "He normal": lambda weight: torch.nn.init.kaiming_normal_(weight, nonlinearity="relu"),
    "N(0, 0.1^2)": lambda weight: torch.nn.init.normal_(weight, std=0.1),
}

torch.manual_seed(SEED)
x0 = torch.randn(BATCH, WIDTH)
with torch.no_grad():
    for name, init in SCHEMES.items():
        net = torch.nn.Sequential(*[torch.nn.Sequential(torch.nn.Linear(WIDTH, WIDTH, bias=False),
                                                        torch.nn.ReLU()) for _ in range(DEPTH)])
        for block in net:
            init(block[0].weight)
        weights = torch.stack([block[0].weight for block in net])
        x = net(x0)
        print(f"{name}: fan_in * Var(W) = {WIDTH * weights.var().item():.4f}")
        print(f"{name}: activation RMS at layer {DEPTH} = {x.pow(2).mean().sqrt().item():.2g}")
for nonlinearity in ["sigmoid", "tanh", "relu", "selu"]:
    print(f"calculate_gain('{nonlinearity}') = {torch.nn.init.calculate_gain(nonlinearity):.4f}")
