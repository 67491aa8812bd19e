"""Find the first non-finite value with hooks: one forward hook and one backward hook per layer."""
import math

import torch

WIDTH, DEPTH, BATCH = 8, 6, 16
NAN_LAYER = 3  # a NaN weight here breaks the forward pass
INF_LAYER = 5  # an inf weight here saturates a tanh: the forward stays finite, the backward does not

torch.manual_seed(0)
x = torch.randn(BATCH, WIDTH)
target = torch.randn(BATCH, WIDTH)
model = torch.nn.Sequential(
    *[torch.nn.Sequential(torch.nn.Linear(WIDTH, WIDTH, bias=False), torch.nn.Tanh()) for _ in range(DEPTH)]
)
for layer in model:
    torch.nn.init.normal_(layer[0].weight, std=1 / math.sqrt(WIDTH))


def nonfinite(tensors):
    return any(t is not None and not torch.isfinite(t).all() for t in tensors)


def locate(model, x):
    """Name the first place a non-finite value appears: inputs, forward layer, loss or backward layer."""
    if nonfinite([x]):
        return "the inputs"
    found = []  # the hooks record every layer that produces a non-finite value, in execution order
    handles = []
    for number, layer in enumerate(model, start=1):
        def forward_hook(module, inputs, output, number=number):
            if nonfinite([output]):
                found.append(f"forward, layer {number}")

        def backward_hook(module, grad_input, grad_output, number=number):
            if nonfinite(grad_input):  # the gradient this layer passes down to the layer below
                found.append(f"backward, layer {number}")

        handles.append(layer.register_forward_hook(forward_hook))
        handles.append(layer.register_full_backward_hook(backward_hook))
    x = x.clone().requires_grad_()  # so that layer 1 also passes a gradient down
    loss = ((model(x) - target) ** 2).mean() / 2
    if torch.isfinite(loss):
        loss.backward()
    for handle in handles:
        handle.remove()
    return found[0] if found else "nowhere: all finite"


print(f"healthy network = {locate(model, x)}")
bad_x = x.clone()
bad_x[7, 2] = math.nan
print(f"NaN in one input = {locate(model, bad_x)}")
for number, name, value in [(NAN_LAYER, "NaN", math.nan), (INF_LAYER, "inf", math.inf)]:
    with torch.no_grad():
        saved = model[number - 1][0].weight[2, 4].item()
        model[number - 1][0].weight[2, 4] = value
    print(f"{name} weight in layer {number} = {locate(model, x)}")
    with torch.no_grad():
        model[number - 1][0].weight[2, 4] = saved
