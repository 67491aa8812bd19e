"""Patient 2 at a lower learning rate, and at its own rate 0.05 with a 100-step warm-up."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

RUNS = [("lr 0.05", 0.05, None), ("lr 0.03", 0.03, None), ("lr 0.05 with warm-up", 0.05, 100)]
HIDDEN = 32
task = gradlab.adding_task()
mean_baseline = float(task.y.var())  # the loss of always predicting the mean target
# Once every hidden unit is saturated (tanh = +1 or -1), only the readout learns, and SGD multiplies
# the batch-mean error by 1 - 2 lr (HIDDEN + 1) per step: it runs away when lr > 2 / (2 (HIDDEN + 1)).
print(f"runaway threshold 1/(HIDDEN + 1) = {1 / (HIDDEN + 1):.4f}")
print(f"loss of predicting the mean = {mean_baseline:.4f}")
fig, ax = plt.subplots(figsize=(5.6, 4.0))
for (name, lr, warmup), colour, style in zip(RUNS, ["C3", "C2", "C0"], ["-", "--", ":"]):
    schedule = (lambda s: lr * min(1.0, (s + 1) / warmup)) if warmup else None
    run = gradlab.rnn_patient(lr=lr)
    history = gradlab.train(**run, lr_schedule=schedule)
    with np.errstate(all="ignore"):
        final = float(np.mean((run["model"].forward(task.x) - task.y) ** 2))
    nan = history.first_nan
    print(f"{name}: " + (f"NaN at step = {nan[0]}" if nan else f"loss after 400 steps = {final:.4f}"))
    print(f"{name}: |W| after step 1 = {history.weight_norm[2][history.names.index('W')]:.3g}")
    ax.semilogy(history.loss, color=colour, linestyle=style, label=name + (" (NaN)" if nan else ""))
ax.axhline(mean_baseline, color="0.5", linestyle="-.", label="predicting the mean")
ax.set(xlabel="training step", ylabel="training loss (batch of 32)",
       title="Patient 2: a lower rate or a warm-up")
ax.legend(loc="center right", bbox_to_anchor=(1.0, 0.6))
plt.show()
