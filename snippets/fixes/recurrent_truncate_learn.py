"""Can a GRU trained with truncated BPTT use a value 31 to 60 steps back? Two tasks, Adam, 120 steps."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

SEED, HIDDEN, STEPS, LEARNING_RATE = 0, 32, 120, 0.03
TRUNCATE = 20  # the first marked value is 31 to 60 steps before the readout: always out of reach


def recall_task(seed):
    """The adding problem's first half only: one marked value, in steps 1 to 30; the target is that value."""
    task = gradlab.adding_task(seed=seed)
    first = task.x[:, :30, 1].argmax(axis=1)
    task.x[:, 30:, 1] = 0.0
    return gradlab.Task(task.x, task.x[np.arange(len(task.x)), first, 0][:, None])


runs = [("recall, full BPTT", recall_task, None, "C3", "-"),
        (f"recall, truncate = {TRUNCATE}", recall_task, TRUNCATE, "C0", "--"),
        (f"adding, truncate = {TRUNCATE}", gradlab.adding_task, TRUNCATE, "C2", ":")]
fig, ax = plt.subplots(figsize=(5.6, 3.8), layout="constrained")
for name, make, k, colour, style in runs:
    train, test = make(seed=SEED), make(seed=SEED + 1)
    model = gradlab.GRU(2, HIDDEN, 1, 1.0, "last", SEED, np.float32)
    model.truncate = k
    history = gradlab.train(model, train, gradlab.Adam(LEARNING_RATE), STEPS, seed=SEED)
    print(f"{name}: test loss after {STEPS} steps = {np.mean((model.forward(test.x) - test.y) ** 2):.4f}")
    print(f"{name}: test loss of predicting the mean = {np.var(test.y):.4f}")
    smooth = np.convolve(history.loss, np.ones(10) / 10, mode="valid") / np.var(train.y)  # at steps 9, 10, ...
    below = f"below 0.8 from step {np.argmax(smooth < 0.8) + 9}" if (smooth < 0.8).any() else "never below 0.8"
    print(f"{name}: 10-step mean loss / loss of the mean = {smooth[0]:.2f} at step 9, lowest {smooth.min():.3f}, {below}")
    ax.semilogy(np.arange(9, STEPS), smooth, style, color=colour, label=name)
ax.axhline(1.0, color="0.5", linewidth=1)
ax.annotate("predicting the mean", (2, 0.95), ha="left", va="top")
ax.set_xlabel("training step")
ax.set_ylabel("loss / loss of the mean (10-step mean)")
ax.set_title("GRU, sequences of 60 steps, Adam")
ax.legend(loc="lower left")
plt.show()
