"""Patient 1 at lower learning rates, and at its own rate with a warm-up: NaN or not, and the cost."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

RATES = [1e-3, 1e-4, 3e-5, 2e-5, 1e-5, 1e-6]   # patient 1's own rate is 1e-3
WARMUP = 100                                   # steps of linear warm-up to 1e-3
task = gradlab.regression_task()


def full_loss(model):
    with np.errstate(all="ignore"):
        return float(np.mean((model.forward(task.x) - task.y) ** 2))


he = gradlab.mlp_patient(init_scale=2**0.5)    # the cure by initialisation, for comparison
gradlab.train(**he)
print(f"He's scale, lr 1e-3: loss after 300 steps = {full_loss(he['model']):.3g}")
fig, ax = plt.subplots(figsize=(5.6, 5.2), layout="constrained")
runs = [(f"lr {lr:.0e}", lr, None) for lr in RATES] + [(f"lr 1e-03, {WARMUP}-step warm-up", 1e-3, WARMUP)]
styles = ["-", "--", ":", "-.", "-", "--", "-"]
for (name, lr, warmup), colour, style in zip(runs, ["C3", "C1", "C4", "C2", "C5", "C7", "C0"], styles):
    schedule = (lambda s: lr * min(1.0, (s + 1) / warmup)) if warmup else None
    run = gradlab.mlp_patient(lr=lr)
    history = gradlab.train(**run, lr_schedule=schedule)
    nan = history.first_nan
    result = f"NaN at step {nan[0]}" if nan else f"loss after 300 steps = {full_loss(run['model']):.3g}"
    print(f"{name}: {result}, highest loss = {np.nanmax(history.loss):.3g}")
    ax.loglog(np.arange(1, len(history.loss) + 1), history.loss, color=colour, linestyle=style, label=name + (" (NaN)" if nan else ""))
ax.axhline(full_loss(he["model"]), color="0.5", linestyle=":", label="He's scale: end of its run")
ax.set(xlabel="training step + 1 (log scale)", ylabel="training loss (batch of 32)", ylim=(0.05, 1e20),
       title="Patient 1: lower rates and a warm-up")
fig.legend(loc="outside lower center", ncol=2)
plt.show()
