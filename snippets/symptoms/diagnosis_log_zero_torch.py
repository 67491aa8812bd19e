"""In PyTorch: log(softmax(...)) gives inf and NaN; F.cross_entropy, which takes logits, does not."""
import torch
import torch.nn.functional as F

logits = torch.tensor([[0.0, 120.0]], requires_grad=True)  # float32: sure it is class 1...
label = torch.tensor([0])  # ...but the label says class 0

p = torch.softmax(logits, dim=1)
naive_loss = -torch.log(p[0, label[0]])
naive_loss.backward()
print(f"probability of the label = {p[0, 0].item()}")
print(f"loss as -log(softmax)    = {naive_loss.item()}")
print(f"its gradient             = {', '.join(f'{g}' for g in logits.grad[0].tolist())}")

logits.grad = None
loss = F.cross_entropy(logits, label)  # log_softmax inside: logit - logsumexp(logits)
loss.backward()
print(f"loss as logsumexp - logit = {loss.item():.1f}")
print(f"its gradient, p - onehot  = {', '.join(f'{g:.1f}' for g in logits.grad[0].tolist())}")

# BCELoss on a probability of exactly 0 does not return inf: it clamps log(p) at -100. The loss looks
# finite, but the gradient it hands to the layer below is -1/1e-12: a spike with no deep chain behind it.
prob = torch.tensor([0.0], requires_grad=True)
bce = F.binary_cross_entropy(prob, torch.tensor([1.0]))
bce.backward()
print(f"binary_cross_entropy at p = 0 = {bce.item():.1f}")
print(f"its gradient d(loss)/dp = {prob.grad.item():.3g}")
