"""PyTorch: nn.BatchNorm1d's defaults and one update of its running statistics; nn.LayerNorm's eps."""
import numpy as np
import torch

BATCH, FEATURES = 8, 3
SEED = 0
rng = np.random.default_rng(SEED)


def show(t, digits=4):
    return [round(float(v), digits) for v in t.detach().flatten()]


x = torch.tensor(rng.normal(5.0, 2.0, (BATCH, FEATURES)), dtype=torch.float32)  # the NumPy tab's batch

bn = torch.nn.BatchNorm1d(FEATURES)  # put it after a Linear layer, before the activation
print(f"BatchNorm1d defaults: momentum = {bn.momentum}, eps = {bn.eps}")
bn.train()
y = bn(x)  # normalised with the batch's own (biased) variance; running stats updated as a side effect
print(f"running mean after one batch = {show(bn.running_mean)}")
print(f"running variance after one batch = {show(bn.running_var)}")
print(f"output standard deviation per feature = {show(y.std(dim=0, unbiased=False))}")
try:
    bn(x[:1])
except ValueError as error:
    print(f"a batch of one in training mode: ValueError ({error})")
bn.eval()  # inference: the running statistics, not the batch's
print(f"eval mode, output mean per feature = {show(bn(x).mean(dim=0), 3)}")

ln = torch.nn.LayerNorm(FEATURES)
print(f"LayerNorm default: eps = {ln.eps}; RMSNorm default: eps = {torch.nn.RMSNorm(FEATURES).eps}")
