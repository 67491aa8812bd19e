"""A real GradScaler on the CPU, float16 autocast: the scale finds the ceiling, then collapses."""
import math

import torch

GROWTH_INTERVAL = 50  # PyTorch's default is 2000; 50 keeps the run short
NAN_FROM, STEPS = 420, 620  # from this step on, the data holds a NaN

model = torch.nn.Linear(1, 1, bias=False)
with torch.no_grad():
    model.weight.fill_(0.005)  # output 0.005, so d(output^2)/d(output) = 0.01 every step
optimizer = torch.optim.SGD(model.parameters(), lr=0.0)  # a frozen model: the same gradient every step
# The other settings are the defaults: init_scale 2^16, growth_factor 2, backoff_factor 0.5
scaler = torch.amp.GradScaler("cpu", growth_interval=GROWTH_INTERVAL)

scales, skipped = [], []
for step in range(STEPS):
    x = torch.full((1, 1), math.nan if step >= NAN_FROM else 1.0)
    optimizer.zero_grad()
    with torch.autocast("cpu", dtype=torch.float16):  # the forward (and so the backward) runs in float16
        output = model(x)
    loss = (output.float() ** 2).mean()
    scaler.scale(loss).backward()
    scales.append(scaler.get_scale())
    scaler.unscale_(optimizer)  # true gradients now; clip or log them here
    if not all(torch.isfinite(p.grad).all() for p in model.parameters()):
        skipped.append(step)  # scaler.step will not call optimizer.step
    scaler.step(optimizer)  # skipped if the unscaled gradients hold an inf or a NaN
    scaler.update()  # backs off after a skipped step, grows after GROWTH_INTERVAL clean ones

healthy = [s for s in skipped if s < NAN_FROM]
print(f"largest scale = 2^{math.log2(max(scales)):.0f}")
print(f"skipped steps before the NaN = {', '.join(str(s) for s in healthy)}")
print(f"scale when the NaN arrives = 2^{math.log2(scales[NAN_FROM]):.0f}")
print(f"skipped steps from then on = {len(skipped) - len(healthy)} of {STEPS - NAN_FROM}")
print(f"first step with scale 0 = {scales.index(0.0)}")
