"""qk-layernorm in PyTorch: F.layer_norm (no affine) on queries and keys caps every attention logit at sqrt(d)."""
import torch
import torch.nn.functional as F

WIDTH, LENGTH, BATCH = 32, 8, 4
WEIGHT_SCALE = 30.0  # weights far too large, as after a long run at a high learning rate
SEED = 0
torch.manual_seed(SEED)


def attention_logits(x, wq, wk, qk_norm):
    q, k = x @ wq, x @ wk
    if qk_norm:  # normalise each query and key vector over its features, no gain or bias
        q, k = F.layer_norm(q, (q.shape[-1],)), F.layer_norm(k, (k.shape[-1],))
    return q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5


x = torch.randn(BATCH, LENGTH, WIDTH, dtype=torch.float64)
wq, wk = (WEIGHT_SCALE * torch.randn(WIDTH, WIDTH, dtype=torch.float64) / WIDTH**0.5 for _ in range(2))
for qk_norm in (False, True):
    s = attention_logits(x, wq, wk, qk_norm)
    a = torch.softmax(s, dim=-1)
    entropy = -(a * torch.log(a.clamp_min(1e-300))).sum(-1).mean()
    name = "qk-layernorm" if qk_norm else "plain"
    print(f"{name}: largest |attention logit| = {s.abs().max().item():.4g}")
    print(f"{name}: mean attention entropy = {entropy.item():.3f} nats")
print(f"bound sqrt({WIDTH}) = {WIDTH ** 0.5:.3f}")
