"""PyTorch: SGD's weight_decay is the L2 penalty's gradient; Adam's is not AdamW's."""
import torch

SEED = 0
LAM, LR = 0.1, 0.05

torch.manual_seed(SEED)
rnn = torch.nn.RNN(2, 32, batch_first=True)
x, target = torch.rand(32, 60, 2), torch.rand(32, 32)
start = {k: v.detach().clone() for k, v in rnn.named_parameters()}


def one_step(optimizer_cls, explicit, **options):
    with torch.no_grad():
        for k, v in rnn.named_parameters():
            v.copy_(start[k])
    optimizer = optimizer_cls(rnn.parameters(), lr=LR, **options)
    optimizer.zero_grad()
    loss = torch.mean((rnn(x)[0][:, -1] - target) ** 2)
    if explicit:  # (lam / 2) |W_hh|^2 on the recurrent weights only
        loss = loss + LAM / 2 * rnn.weight_hh_l0.pow(2).sum()
    loss.backward()
    optimizer.step()
    return rnn.weight_hh_l0.detach().clone()


decay_all = one_step(torch.optim.SGD, False, weight_decay=LAM)  # decays every parameter
explicit = one_step(torch.optim.SGD, True)
print(f"SGD: |weight_decay step - explicit penalty step| on W_hh = {(decay_all - explicit).abs().max().item():.1e}")
adam = one_step(torch.optim.Adam, False, weight_decay=LAM)
adamw = one_step(torch.optim.AdamW, False, weight_decay=LAM)
print(f"Adam(weight_decay) vs AdamW(weight_decay), largest difference on W_hh = {(adam - adamw).abs().max().item():.3f}")
