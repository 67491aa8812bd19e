"""PyTorch: patient 2 as nn.RNN, then as nn.LSTM with its forget-gate bias set to 1 by hand."""
import math

import numpy as np
import torch

SEED, HIDDEN, STEPS, LENGTH = 0, 32, 100, 60  # 100 SGD steps (patient 2 runs 400)
INIT_SCALE, LEARNING_RATE, FORGET_BIAS = 2.5, 0.05, 1.0
torch.set_num_threads(1)  # small matrices: one thread is faster

rng = np.random.default_rng(SEED)
x = np.zeros((256, LENGTH, 2), "float32")
x[:, :, 0] = rng.uniform(0.0, 1.0, (256, LENGTH))
rows = np.arange(256)
first, second = rng.integers(0, LENGTH // 2, 256), rng.integers(LENGTH // 2, LENGTH, 256)
x[rows, first, 1] = x[rows, second, 1] = 1.0
y = torch.tensor(x[rows, first, 0] + x[rows, second, 0])[:, None]
x = torch.tensor(x)


def make(kind):
    torch.manual_seed(SEED)
    layer = getattr(torch.nn, kind)(2, HIDDEN, batch_first=True)
    with torch.no_grad():
        layer.weight_hh_l0.normal_(0.0, INIT_SCALE / math.sqrt(HIDDEN))  # patient 2's recurrent scale
        if kind == "LSTM":  # gate order i, f, g, o: the forget gate is rows H:2H of both biases
            print(f"LSTM: default forget bias (b_ih + b_hh), mean = "
                  f"{(layer.bias_ih_l0[HIDDEN:2 * HIDDEN] + layer.bias_hh_l0[HIDDEN:2 * HIDDEN]).mean():.3f}")
            layer.bias_ih_l0[HIDDEN:2 * HIDDEN].fill_(FORGET_BIAS)  # the two biases add:
            layer.bias_hh_l0[HIDDEN:2 * HIDDEN].fill_(0.0)  # put all of it in one, zero in the other
    return layer, torch.nn.Linear(HIDDEN, 1)


for kind in ["RNN", "LSTM"]:
    layer, readout = make(kind)
    params = list(layer.parameters()) + list(readout.parameters())
    optimizer = torch.optim.SGD(params, lr=LEARNING_RATE)
    batches = torch.Generator().manual_seed(SEED)
    first_nan, largest = None, 0.0
    for step in range(STEPS):
        idx = torch.randperm(256, generator=batches)[:32]
        out, _ = layer(x[idx])
        loss = torch.nn.functional.mse_loss(readout(out[:, -1]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm=float("inf"))  # measures, clips nothing
        if not torch.isfinite(loss):
            first_nan = step
            break
        largest = max(largest, total.item()) if math.isfinite(total.item()) else largest
        optimizer.step()
    print(f"{kind}: first NaN = {'none' if first_nan is None else f'step {first_nan}'}")
    print(f"{kind}: largest finite gradient norm = {largest:.3g}, last loss = {loss.item():.3g}")
