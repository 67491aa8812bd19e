"""A learning-rate sweep to divergence, with and without warm-up, on patient 1's net at He's scale."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

RATES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
WARMUP = 50   # steps of linear warm-up: lr/50 at step 0, the full lr from step 49
STEPS, BATCH, SEED = 200, 32, 0
task = gradlab.regression_task()
baseline = float(task.y.var())  # the loss of always predicting the mean target


def final_loss(lr, warmup):
    """Plain SGD; the loss on the whole data set after training, or NaN if the run diverged."""
    model = gradlab.MLP([8] + [32] * 10 + [1], "relu", init_scale=2**0.5, seed=SEED)
    rng = np.random.default_rng(SEED)
    losses = []
    with np.errstate(all="ignore"):
        for step in range(STEPS):
            idx = rng.choice(len(task.x), BATCH, replace=False)
            error = model.forward(task.x[idx]) - task.y[idx]
            losses.append(np.mean(error**2))
            if not np.isfinite(losses[-1]):
                return np.nan
            grads = model.backward(2 * error / error.size)
            rate = lr * min(1.0, (step + 1) / warmup) if warmup else lr  # the warm-up: one line
            for name, g in grads.items():
                model.params[name] -= rate * g
    return float(np.mean((model.forward(task.x) - task.y) ** 2))  # on all 256 examples


print(f"loss of predicting the mean = {baseline:.3f}")
fig, ax = plt.subplots(figsize=(5.6, 4.2))
for warmup, colour, style, name in [(None, "C3", "--", "constant"), (WARMUP, "C0", "-", "warm-up")]:
    finals = np.array([final_loss(lr, warmup) for lr in RATES])
    for lr, loss in zip(RATES, finals):
        print(f"lr = {lr}, {name}: final loss = {loss:.3g}")
    trains = [lr for lr, loss in zip(RATES, finals) if loss < baseline]
    best = int(np.nanargmin(finals))
    print(f"{name}: largest rate that trains = {max(trains)}")
    print(f"{name}: best final loss = {finals[best]:.3g} at lr = {RATES[best]}")
    ax.loglog(RATES, finals, color=colour, linestyle=style, marker="o", label=name)
    failed = [lr for lr, loss in zip(RATES, finals) if not loss < baseline]  # NaN, or stuck
    ax.plot(failed, [1.5] * len(failed), color=colour, marker="x", linestyle="none",
            markersize=9, label=f"{name}: diverged")
ax.axhline(baseline, color="0.5", linestyle=":", label="predicting the mean")
ax.set(xlabel="learning rate", ylabel=f"loss after {STEPS} steps",
       title=f"SGD sweep: constant rate vs {WARMUP}-step warm-up")
ax.set_ylim(0.008, 40)
ax.legend(loc="upper left", ncol=2)
plt.show()
