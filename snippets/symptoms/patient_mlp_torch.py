"""Patient 1 in PyTorch: forward hooks name the first layer whose output is not finite."""
import torch

SEED = 0
WIDTHS = [8] + [32] * 10 + [1]  # ten hidden ReLU layers of 32 units
INIT_SCALE = 2.0  # weights ~ N(0, INIT_SCALE^2 / fan_in); He's scale is sqrt(2)
LEARNING_RATE = 0.001
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

bad = []  # (step, where, "inf" or "NaN") for every layer output or loss that is not finite
step = 0


def check(where, value):
    if not torch.isfinite(value).all():
        bad.append((step, where, "NaN" if value.isnan().any() else "inf"))


for number, linear in enumerate(model[::2], start=1):
    linear.register_forward_hook(lambda m, i, out, name=f"linear {number}": check(name, out))

for step in range(20):
    batch = torch.randperm(256)[:BATCH]
    loss = torch.mean((model(x[batch]) - y[batch]) ** 2)
    check("loss", loss)
    print(f"step {step}: loss = {loss.item():.3g}")
    if loss.isnan():
        break
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("first non-finite = step {}, {} ({})".format(*bad[0]))
print("first NaN        = step {}, {} ({})".format(*[b for b in bad if b[2] == "NaN"][0]))
