"""z-loss in PyTorch: cross-entropy plus 1e-4 * logsumexp(logits)^2, and its gradient checked by autograd."""
import torch
import torch.nn.functional as F

VOCAB, BATCH = 16, 4
Z_LOSS = 1e-4
SEED = 0
torch.manual_seed(SEED)


def loss_with_z_loss(logits, target, z_loss=Z_LOSS):
    log_z = torch.logsumexp(logits, dim=-1)  # log Z of each example's softmax
    return F.cross_entropy(logits, target) + z_loss * (log_z**2).mean()


logits = (5 + torch.randn(BATCH, VOCAB, dtype=torch.float64)).requires_grad_()  # log Z far from 0
target = torch.randint(0, VOCAB, (BATCH,))
z_part = Z_LOSS * (torch.logsumexp(logits, dim=-1) ** 2).mean()
z_part.backward()
log_z = torch.logsumexp(logits, dim=-1).detach()
formula = 2 * Z_LOSS * log_z[:, None] * torch.softmax(logits.detach(), dim=-1) / BATCH
print(f"mean log Z = {log_z.mean().item():.3f}")
print(f"largest |autograd - 2e-4 log Z softmax / batch| = {(logits.grad - formula).abs().max().item():.1e}")
print(f"cross-entropy + z-loss = {loss_with_z_loss(logits, target).item():.4f}")
