"""Patient 1 in PyTorch: forward hooks name the first layer whose output is not finite."""
import torch

SEED = 0
WIDTHS = [8] + [32] * 10 + [1]  # ten hidden ReLU layers of 32 units
INIT_SCALE = 2.0  # weights ~ N(0, INIT_SCALE^2 / fan_in); He's scale is sqrt(2)
LEARNING_RATE = 0.01
BATCH = 32

torch.manual_seed(SEED)
x = torch.randn(256, 8)
y = torch.sin(x @ (torch.randn(8) / 8**0.5)).unsqueeze(1) + 0.05 * torch.randn(256, 1)
layers = []
for n_in, n_out in zip(WIDTHS[:-1], WIDTHS[1:]):
    linear = torch.nn.Linear(n_in, n_out)
    torch.nn.init.normal_(linear.weight, std=INIT_SCALE / n_in**0.5)
    torch.nn.init.zeros_(linear.bias)
    layers += [linear, torch.nn.ReLU()]
model = torch.nn.Sequential(*layers[:-1])  # no ReLU after the output layer
optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)

first_bad = []  # (step, layer, what) for every layer output that is not finite


def check(module, inputs, output, name):
    if not torch.isfinite(output).all():
        first_bad.append((step, name, "NaN" if output.isnan().any() else "inf"))


for index, module in enumerate(model):
    if isinstance(module, torch.nn.Linear):
        module.register_forward_hook(lambda m, i, o, name=f"linear {index // 2 + 1}": check(m, i, o, name))

for step in range(20):
    batch = torch.randperm(256)[:BATCH]
    loss = torch.mean((model(x[batch]) - y[batch]) ** 2)
    print(f"step {step}: loss = {loss.item():.3g}")
    if first_bad or not torch.isfinite(loss):
        break
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("first non-finite output = step {}, {} ({})".format(*first_bad[0]))
print("first NaN output        = step {}, {} ({})".format(*next(b for b in first_bad if b[2] == "NaN")))
