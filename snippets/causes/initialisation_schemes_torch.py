"""The same three schemes in PyTorch: nn.Linear's default, xavier_uniform_ and kaiming_normal_."""
import torch

WIDTH = 256
DEPTH = 50
BATCH = 16
SEED = 0
SCHEMES = {  # each re-initialises one nn.Linear(WIDTH, WIDTH) in place
    "nn.Linear default": lambda layer: None,  # kaiming_uniform_(a=sqrt(5)) = U(+-1/sqrt(n))
    "xavier_uniform_": lambda layer: torch.nn.init.xavier_uniform_(layer.weight),
    "kaiming_normal_": lambda layer: torch.nn.init.kaiming_normal_(layer.weight,
                                                                  nonlinearity="relu"),
}

torch.manual_seed(SEED)
x0 = torch.randn(BATCH, WIDTH)
for name, init in SCHEMES.items():
    layers = [torch.nn.Linear(WIDTH, WIDTH, bias=False) for _ in range(DEPTH)]
    stds = []
    with torch.no_grad():
        x = x0
        for layer in layers:
            init(layer)
            h = layer(x)
            stds.append(h.std().item())
            x = torch.relu(h)
        weight_std = torch.stack([layer.weight for layer in layers]).std().item()
    print(f"{name}: weight std = {weight_std:.4f}")
    print(f"{name}: std(h_50) / std(h_1) = {stds[-1] / stds[0]:.2g}")
print(f"calculate_gain('relu') = {torch.nn.init.calculate_gain('relu'):.4f}")
print(f"calculate_gain('tanh') = {torch.nn.init.calculate_gain('tanh'):.4f}")
