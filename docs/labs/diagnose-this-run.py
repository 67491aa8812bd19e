# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Diagnose this run
#
# **The question:** a colleague's training run ended in NaN, and they want to add gradient clipping.
# Is it an exploding gradient at all, and if not, what is it and what is the fix?
#
# This notebook runs on your machine with nothing but NumPy and Matplotlib (download it with the
# button at the top of the page). It walks the
# [decision table](../../symptoms/is-it-exploding/#the-decision-table) of
# [Is it really exploding gradients?](../../symptoms/is-it-exploding/) one question at a time, the
# way you would on a run you did not write: from the run's history first, then from one look inside the
# network, and only then to a fix. Every number below comes from a seeded run, so your notebook prints
# the same ones.
#
# The first cell defines the teaching module `gradlab` from its full source (see
# [The lab: a network you can read](../../symptoms/lab/)): its `train` records, at every step, the loss,
# every gradient's norm, every update's size relative to its weight, and where the first inf and the
# first NaN appeared.

# %%
# module: gradlab

# %% [markdown]
# ## The run
#
# The colleague's network looks ordinary: 8 inputs, ten hidden ReLU layers of 32 units and one linear
# output, weights at He's scale $\mathcal{N}(0, 2 / n_{\text{in}})$, float32, plain SGD at a learning
# rate of $10^{-3}$ on batches of 32, for 300 steps. So does their data: 256 examples of 8 features and
# one target. One column arrived in grams where the others are in kilograms; the cell says so in a
# comment, as a data pipeline would, and nothing else does. Pretend you have not read it: the history
# is what you would have.
#
# `report` prints what a training log shows: the loss and the gradient's global norm at each step, and
# the first inf or NaN.

# %%
import numpy as np
import gradlab

SEED = 0
SIZES = [8] + [32] * 10 + [1]
task = gradlab.regression_task(seed=SEED)
x = task.x.copy()
x[:, 0] *= 1000  # column 0: a mass, in grams
data = gradlab.Task(x, task.y)


def run(data, lr=1e-3, batch_seed=SEED, clip=None, init_scale=2**0.5):
    """The colleague's training run; returns the trained model and its history."""
    model = gradlab.MLP(SIZES, "relu", init_scale, SEED, np.float32)
    history = gradlab.train(model, data, gradlab.SGD(lr), steps=300, seed=batch_seed, batch=32, clip_norm=clip)
    return model, history


def report(history, label="run"):
    show = lambda values: ", ".join(f"{v:.3g}" for v in values[:8])  # noqa: E731
    print(f"{label}: steps run = {len(history.loss)}")
    print(f"{label}: loss per step = {show(history.loss)}")
    print(f"{label}: gradient norm per step = {show(history.total_grad_norm)}")
    step, quantity, where = history.first_nonfinite or ("none", "", "")
    print(f"{label}: first inf or NaN = step {step}, {quantity} ({where})" if quantity else f"{label}: no inf or NaN")


model, history = run(data)
report(history)

# %% [markdown]
# Three steps: a loss of 5.69e+04 at step 0, inf at step 1, NaN at step 2. The table has eight rows
# and every one of them ends in `loss = nan`. The questions below rule them out one by one.

# %% [markdown]
# ## Question 1: at which step is the first NaN?
#
# The first non-finite value is at step 1, after one update: the loss, which is inf while every
# activation is still finite (the report names the quantity and where it sits). At step 0 nothing has
# been learned, so a NaN there points at the data, the preprocessing or the initialisation; a NaN after
# an update can still come from the data, so the table's first check costs one line:

# %%
print(f"inputs and targets all finite = {np.isfinite(data.x).all() and np.isfinite(data.y).all()}")

# %% [markdown]
# They are. That rules out the first two rows (a NaN or inf in the data, a division by zero in the
# preprocessing). The loss is a mean squared error, with no logarithm in it, which rules out the third
# ($\log 0$). And the forward pass broke first, so the last row (a finite loss with NaN gradients, an
# infinite derivative) is out too. Four rows are left.

# %% [markdown]
# ## Question 2: what did the gradient norm do before it?
#
# There is only one finite value: 2.46e+06 at step 0. Is that large? The norm alone cannot say: it
# depends on the loss's units and reduction (see the folk sign tested in
# [Measuring gradients](../../symptoms/measuring-gradients/#the-update-to-weight-ratio)). What does
# not depend on them is the size of the step relative to the weight it changes, the update-to-weight
# ratio, which `train` records for every parameter. Around $10^{-3}$ is ordinary.

# %%
ratios = dict(zip(history.names, history.update_ratio[0]))
weights = {name: ratio for name, ratio in ratios.items() if name.startswith("W")}
print(f"step 0: update / weight, largest = {max(weights.values()):.3g} ({max(weights, key=weights.get)})")
print(f"step 0: update / weight, smallest = {min(weights.values()):.3g} ({min(weights, key=weights.get)})")

# %% [markdown]
# The first step moved every weight matrix by 47.8 to 652 times its own length: it did not correct the
# network, it replaced it. So the norm was **large from step 0**, before any update could have made it
# so. That rules out a bad batch (an ordinary norm, then NaN with no growth) and leaves three rows: a
# learning rate too high, inputs on a large scale, and a chain product.

# %% [markdown]
# ## Question 3: does a tenth of the learning rate move the NaN?

# %%
_, slower = run(data, lr=1e-4)
report(slower, "lr 1e-4")

# %% [markdown]
# Step 0 is the same to the last digit, as it must be: the first loss and gradient are computed before
# any update, so they cannot depend on the learning rate. After that, the loss is 3.46e+33 at step 1
# instead of inf, and NaN at step 2: a tenth of the rate delays the end by one step and changes nothing
# else. If the rate were the cause, a tenth of it would have trained. That rules out the learning-rate
# row.
#
# ## Question 4: does the NaN follow a batch?
#
# Draw the batches in another order, with two other seeds:

# %%
for batch_seed in [1, 2]:
    report(run(data, batch_seed=batch_seed)[1], f"batch seed {batch_seed}")

# %% [markdown]
# The loss is inf at step 1 in both: whatever the batch, the first update is fatal. No batch is to blame.

# %% [markdown]
# ## Two rows left: the inputs, or a chain product
#
# Both rows say "large from step 0, and a tenth of the learning rate only delays the NaN". The table's
# first checks tell them apart, and neither needs a single training step: the statistics of every input
# feature, and the size of the activations layer by layer at initialisation. A chain product
# multiplies the signal by a factor above 1 at every layer, so its activations grow with depth; large
# inputs make the activations large from the first layer on, and then they stay large.
#
# The figure draws the root mean square (RMS) of every layer's output on all 256 examples, before any
# step, for three networks: the colleague's, the same network on standardised inputs (each feature
# shifted to mean 0 and divided by its standard deviation), and, for comparison, a genuine chain
# product: the same standardised inputs into a network whose weights are drawn at scale 2 instead of
# He's $\sqrt{2}$, the scale of the site's patient 1.

# %% alt="RMS of each layer's output on a log scale against the layer, from 0 (the inputs) to 11 (the output), for three networks. The colleague's run (red) is high from the inputs on and nearly flat; the same network on standardised inputs (blue) starts near 1 and runs parallel to it; with weights at scale 2 (orange) the RMS climbs layer by layer up to layer 10."
import matplotlib.pyplot as plt

mean, std = data.x.mean(axis=0), data.x.std(axis=0)
print("standard deviation of each input feature = " + ", ".join(f"{s:.3g}" for s in std))
standardised = gradlab.Task((data.x - mean) / std, data.y)


def rms_by_layer(data, init_scale=2**0.5):
    """RMS of the inputs (layer 0) and of every layer's output, before any training step."""
    model = gradlab.MLP(SIZES, "relu", init_scale, SEED, np.float32)
    model.forward(data.x)
    return [float(np.sqrt(np.mean(h.astype(float) ** 2))) for h in model.h]


NETWORKS = [("the colleague's run", data, 2**0.5, "C3", "-"),
            ("standardised inputs", standardised, 2**0.5, "C0", "--"),
            ("standardised, weights at scale 2", standardised, 2.0, "C1", ":")]
with plt.rc_context({"font.size": 11}):
    fig, ax = plt.subplots(figsize=(5.6, 4.2), layout="constrained")
    for label, inputs, scale, colour, style in NETWORKS:
        rms = rms_by_layer(inputs, scale)
        growth = (rms[10] / rms[1]) ** (1 / 9)  # per layer, over the hidden layers 1 to 10
        print(f"{label}: RMS of the inputs = {rms[0]:.3g}, of layer 1 = {rms[1]:.3g}, of layer 10 = {rms[10]:.3g}")
        print(f"{label}: growth per hidden layer = {growth:.3g}")
        ax.semilogy(range(len(rms)), rms, color=colour, linestyle=style, linewidth=2, marker="o", label=label)
    ax.set(xlabel="layer (0 = the inputs, 11 = the output)", ylabel="RMS of the layer's output",
           title="Activations at initialisation, layer by layer")
    fig.legend(loc="outside lower center", ncol=1)
    plt.show()

# %% [markdown]
# **What to read in it.** One input feature has a standard deviation of 942; the other seven lie
# between 0.92 and 1.09. That is the first check of the inputs row, and it fails.
#
# The red line is high but flat: the RMS is 333 for the inputs, 269 at layer 1 and 417 at layer 10,
# a growth of 1.05 per layer, and it runs parallel to the blue line of the same network on standardised
# inputs (1.02 at layer 1, 1.99 at layer 10, 1.08 per layer). The excess comes in with the inputs and is
# not multiplied again by any layer. The orange line is what a chain product looks like: from 1.44 at
# layer 1 to 63.8 at layer 10, 1.52 per layer. That is exactly $\sqrt{2}$ times the blue line's growth,
# because drawing every weight $\sqrt{2}$ times larger multiplies the output of layer $l$ by
# $\sqrt{2}^{\,l}$ (ReLU with zero biases satisfies $\operatorname{relu}(c z) = c \operatorname{relu}(z)$
# for $c > 0$).
#
# **The diagnosis: unnormalised inputs**, the sixth row of the table. A ReLU network with zero biases
# is positively homogeneous, so inputs hundreds of times too large make every activation and the output
# hundreds of times too large, the error and the loss with them, and the gradients of the deeper weights
# (each a product of an activation and a backpropagated error) larger still. The loss's curvature grows
# with the square of the inputs' scale (the section
# [Inputs in the thousands](../../symptoms/is-it-exploding/#inputs-in-the-thousands) shows it on a
# linear model), and with it the smallest learning rate that overshoots. Nothing here is a product of
# many factors above 1: the network itself is healthy.

# %% [markdown]
# ## The fix, and the colleague's idea
#
# Standardise the inputs with the training data's mean and standard deviation, and change nothing
# else. Then, for comparison, the colleague's own idea: keep the inputs and clip the gradient's global
# norm at 1.

# %%
variance = float(np.var(data.y))
print(f"loss of always predicting the mean target = {variance:.4g}")
for label, inputs, clip in [("standardised", standardised, None), ("clipped at 1", data, 1.0)]:
    trained, history = run(inputs, clip=clip)
    loss = float(np.mean((trained.forward(inputs.x) - inputs.y) ** 2))
    report(history, label)
    print(f"{label}: loss on all the data after 300 steps = {loss:.4g}, {loss / variance:.3g} times that")

# %% [markdown]
# **What to notice.** Standardised, the loss at step 0 is 0.955 instead of 5.69e+04 and the gradient's
# norm 36.3 instead of 2.46e+06. No NaN in 300 steps, and the loss on all the data ends at 0.1878, 0.518
# times the loss of always predicting the mean (0.3625): the network learns. Clipped at 1, the NaN is
# gone too, but the loss ends at 7.04, 19.4 times worse than predicting the mean: clipping hid the symptom and left the
# cause, as the table warns for every row but the chain product.
#
# **Where to go next.** [The fix chooser](../../fixes/chooser/) has a row for this diagnosis ("Large
# norm from step 0; a feature in the thousands"): standardise the inputs first, then keep the learning
# rate under the sharpness limit ([Learning rate and warm-up](../../fixes/learning-rate/)), and, where
# the large values arise inside the network rather than in the data, normalise the layer that receives
# them ([Normalisation](../../fixes/normalisation/)). The network learns slowly at this rate; the lab
# [Fix a gradient explosion](../fix-a-gradient-explosion/) shows what a warm-up does for that.

# %% [markdown]
# ## Exercises
#
# Two more runs from the same colleague, each to be walked through the same four questions and the two
# checks. `run` and `report` are defined above; `rms_by_layer` draws the layer profile.
#
# 1. **Faster, please.** With the standardised inputs, they raise the learning rate to 0.02:
#    `report(run(standardised, lr=0.02)[1])`. Which row is it? Try a tenth of the rate.
# 2. **A gap in the data.** A week later one value is missing: set
#    `gap = gradlab.Task(standardised.x.copy(), standardised.y)` and `gap.x[41, 3] = np.nan`, then
#    `report(run(gap)[1])`. Try a tenth of the learning rate, and the batch seed 1.
#
# ## Answers
#
# 1. **A learning rate too high**, the fifth row. The gradient norm starts at 36.3, the same as at
#    $10^{-3}$ (step 0 does not depend on the rate), then grows: 1.05e+03, 2.14e+03, 1.23e+05, 7.1e+36,
#    and the activations overflow at step 5. The layer profile is the blue line of the figure, since
#    the inputs and weights are the cured ones. A tenth of the rate, 0.002, trains: no NaN and a loss of
#    0.128 after 300 steps. Stay below the edge or warm up to it:
#    [Learning rate and warm-up](../../fixes/learning-rate/).
# 2. **A NaN in the data**, the first row. The first non-finite value is at step 11 at both learning
#    rates, an activation of layer 1, after eleven ordinary steps; with the batch seed 1 it moves to
#    step 24. Steps 11 and 24 are the first batches that hold row 41. The first
#    check, `np.nonzero(~np.isfinite(gap.x).all(axis=1))`, names the row. Repair or drop it
#    ([the fix chooser's](../../fixes/chooser/) first row); clipping cannot help, since a NaN passes
#    through clipping as NaN.
