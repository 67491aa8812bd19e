"""The 1-3-1 network as an nn.Sequential; autograd gives dy/dx on a grid of inputs."""
import torch

net = torch.nn.Sequential(torch.nn.Linear(1, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1), torch.nn.Tanh())
net = net.double()
with torch.no_grad():
    net[0].weight.copy_(torch.tensor([[40.0], [40.0], [40.0]]))
    net[0].bias.copy_(torch.tensor([-5.0, 0.0, 5.0]))
    net[2].weight.copy_(torch.tensor([[5.0, -5.0, 5.0]]))
    net[2].bias.zero_()

x = (torch.arange(-50000, 50001, dtype=torch.float64) / 200000).unsqueeze(1).requires_grad_()  # step 5e-6
net(x).sum().backward()  # each output depends only on its own input, so x.grad[i] = dy_i/dx_i
slope = x.grad.squeeze(1)
top = slope.abs().argmax()
print(f"largest |dy/dx| = {slope[top].abs().item():.2f} at x = {x[top].item():.4f}")
print(f"dy/dx at x = 0 = {slope[50000].item():.2f}")
