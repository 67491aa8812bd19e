"""A linear warm-up in two lines, and the rates it gives at the first steps."""
LR, WARMUP = 0.2, 50


def warmup(step):
    return LR * min(1.0, (step + 1) / WARMUP)  # LR / WARMUP at step 0, LR from step WARMUP - 1


for step in [0, 1, 2, 48, 49, 50]:
    print(f"lr at step {step} = {warmup(step):.6g}")
# With the lab: gradlab.train(..., lr_schedule=warmup) sets the optimiser's rate before each update.
