"""Per-layer gradients in PyTorch: parameter gradients in .grad, the signal through tensor hooks."""
import torch

SEED = 0
WIDTHS = [8] + [32] * 10 + [1]
SCALES = [2**0.5, 1.6, 2.0]  # He's scale, a survivor, patient 1
BATCH = 256

torch.manual_seed(SEED)
x = torch.randn(BATCH, 8)
y = torch.sin(x @ (torch.randn(8) / 8**0.5)).unsqueeze(1)
for scale in SCALES:
    linears = [torch.nn.Linear(n_in, n_out) for n_in, n_out in zip(WIDTHS[:-1], WIDTHS[1:])]
    for linear in linears:
        torch.nn.init.normal_(linear.weight, std=scale / linear.in_features**0.5)
        torch.nn.init.zeros_(linear.bias)
    signal = {}  # layer -> |dL/dz|, the gradient arriving at the layer's pre-activation
    h = x
    for layer, linear in enumerate(linears, start=1):
        z = linear(h)
        z.register_hook(lambda grad, layer=layer: signal.__setitem__(layer, grad.norm().item()))
        h = torch.relu(z) if layer < len(linears) else z
    torch.mean((h - y) ** 2).backward()
    weight_grads = [linear.weight.grad.norm().item() for linear in linears]
    total = torch.nn.utils.get_total_norm([p.grad for m in linears for p in m.parameters()])
    growth = (signal[1] / signal[10]) ** (1 / 9)  # per layer, from hidden layer 10 down to 1
    print(f"init_scale {scale:.2f}: signal grows by {growth:.3f} per layer towards the input "
          f"(theory {scale / 2**0.5:.3f})")
    print(f"init_scale {scale:.2f}: |dL/dW| from {min(weight_grads):.3g} to "
          f"{max(weight_grads):.3g}, total norm {total:.3g}")
