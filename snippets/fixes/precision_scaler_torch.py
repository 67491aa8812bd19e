"""A real torch.amp.GradScaler on the CPU, float16 autocast, fed the same largest gradients."""
import math

import torch

GROWTH_INTERVAL = 10  # PyTorch's default is 2000; init_scale 2^16, growth 2 and backoff 0.5 are defaults
STEPS, SPIKE = 80, 25
largest = [4.0 if step < 40 else 0.25 for step in range(STEPS)]
largest[SPIKE] = 400.0

model = torch.nn.Linear(1, 1, bias=False)
with torch.no_grad():
    model.weight.fill_(1.0)
optimizer = torch.optim.SGD(model.parameters(), lr=0.0)  # frozen: only the scaler's state changes
scaler = torch.amp.GradScaler("cpu", growth_interval=GROWTH_INTERVAL)

scales, skipped = [], []
for step in range(STEPS):
    optimizer.zero_grad()
    with torch.autocast("cpu", dtype=torch.float16):
        output = model(torch.ones(1, 1))  # float16; its gradient is largest[step] x scale, in float16
    loss = output.float().sum() * largest[step]
    scaler.scale(loss).backward()
    scales.append(scaler.get_scale())
    scaler.unscale_(optimizer)
    if not torch.isfinite(model.weight.grad).all():
        skipped.append(step)  # scaler.step will not call optimizer.step
    scaler.step(optimizer)
    scaler.update()

print(f"skipped steps = {', '.join(str(s) for s in skipped)}")
print(f"steps skipped = {len(skipped)} of {STEPS}")
print(f"scale at step 3 = 2^{math.log2(scales[3]):.0f}")
print(f"scale at the last step = 2^{math.log2(scales[-1]):.0f}")
