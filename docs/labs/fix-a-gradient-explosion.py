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
# # Fix a gradient explosion
#
# **The question:** patient 1 turns its loss into NaN at step 2 of training. Clipping the gradient
# makes the NaN go away; does it make the network learn? If not, what does, and in what order?
#
# This notebook runs on your machine with nothing but NumPy and Matplotlib (download it with the
# button at the top of the page). It takes one sick network from NaN to trained, one fix at a time,
# with the fixes of [Gradient clipping](../../fixes/clipping/),
# [Initialisation as a fix](../../fixes/initialisation/) and
# [Learning rate and warm-up](../../fixes/learning-rate/). Every run starts from the same random
# weights and sees the same batches, so each difference you see comes from the one thing changed.
#
# **The patient:** 8 inputs, ten hidden ReLU layers of width 32 and one linear output, trained with
# plain SGD at a learning rate of $10^{-3}$ for 300 steps, 32 examples a step, in float32, to fit
# $y = \sin(x \cdot a)$ plus a little noise on 256 examples. Its weights are drawn from
# $\mathcal{N}(0, 2^2 / n_{\text{in}})$, where $n_{\text{in}}$ is the layer's fan-in.
#
# **The judge:** the loss on all 256 examples after training, against the loss of always predicting
# the mean target, which is the targets' variance. Each run prints its verdict: NaN at some step, or
# the share of that variance it leaves unexplained (100% means the network has learned nothing).
#
# The first two cells define the teaching modules `gradlab` (models, SGD, the training loop, the
# patient; see [The lab: a network you can read](../../symptoms/lab/)) and `fixlab` (the fixes; see
# [The lab, extended](../../fixes/lab/)) from their full source. `fixlab` imports `gradlab`, so
# `gradlab` comes first. Run both and scroll on.

# %%
# module: gradlab

# %%
# module: fixlab

# %% [markdown]
# ## Step 0: the patient as it is

# %%
# snippet: fixes/lab_fix_patient.py

# %% [markdown]
# **What to notice.** The first NaN comes at step 2, in the activations: after two updates the
# forward pass no longer fits in float32. The trouble is there before any update, though. The loss at
# step 0 is 787, against 0.3625 for predicting the mean, and the gradient's norm is 3.72e+04.
#
# Both come from the weights' scale. A ReLU layer whose weights have variance $s^2 / n_{\text{in}}$
# multiplies the mean square of the signal by $s^2 / 2$ on average (the ReLU zeroes half of it), so the
# patient's $s = 2$ doubles it at every layer. There is an exact version of this: the patient's weights
# are the same random draws as those of He's scale $s = \sqrt{2}$, times $\sqrt{2}$, and with zero biases
# $\operatorname{relu}(c z) = c \operatorname{relu}(z)$ for any $c > 0$. So every layer's output is
# $\sqrt{2}$ times larger than it would be at He's scale, layer after layer, and the network's output is
# $\sqrt{2}^{11} = 2^{5.5}$, about 45 times larger.
#
# One SGD step then moves the weights by $10^{-3}$ times 3.72e+04, a distance of about 37, longer
# than the whole weight vector (its norm is about 36). The next gradient is larger still, and two steps
# later the numbers overflow.

# %% [markdown]
# ## Step 1: clip the gradient by its global norm
#
# Clipping by global norm treats all the gradients as one vector $g$ and shortens it when it is longer
# than a threshold $c$:
#
# $$g \leftarrow g \cdot \min\left(1, \frac{c}{\lVert g \rVert}\right)$$
#
# `fixlab.clip_global(1.0)` does what `torch.nn.utils.clip_grad_norm_(params, 1.0)` does, with a
# threshold of 1, one often seen in example code.

# %%
# snippet: fixes/lab_fix_clip.py

# %% [markdown]
# **What to notice.** No NaN in 300 steps: the symptom is gone. The network has not learned, though:
# its loss, 59.14, is 163 times that of predicting the mean. Every step was clipped (the median
# gradient norm, 2.77e+03, is far above the threshold of 1), so every step moved the weights by exactly
# $10^{-3} \times 1$, and 300 steps can move them by 0.3 at most. Shrinking every weight by $\sqrt{2}$, to
# He's scale, would need a move of about 10.
#
# Clipping took away the NaN and left its cause: the network is as badly scaled as it was. That is the
# sense in which clipping *hides* an explosion. (Exercise 1 shows that the threshold matters.)

# %% [markdown]
# ## Step 2: fix the cause, He's initialisation scale
#
# [He et al. (2015)](../../reference/bibliography/#he2015) chose the variance that keeps the mean square of the signal constant through ReLU
# layers: $s^2 / 2 = 1$, that is
#
# $$W_{ij} \sim \mathcal{N}\left(0, \frac{2}{n_{\text{in}}}\right)$$
#
# The next cell trains the patient with $s = \sqrt{2}$ instead of 2 and changes nothing else: no
# clipping, the same learning rate, the same random draws.

# %%
# snippet: fixes/lab_fix_he.py

# %% [markdown]
# **What to notice.** The loss at step 0 is 0.952 instead of 787, and the gradient's norm 36.2
# instead of 3.72e+04. No NaN, without any clipping, and the largest gradient norm of the whole run,
# 36.2, is the one at step 0. The loss after 300 steps, 0.1799, leaves half the variance (50%): the
# network learns, but slowly. The explosion is cured; what is left is speed, and a rate chosen for a
# sick network need not suit a healthy one.

# %% [markdown]
# ## Step 3: a learning rate that fits, with a warm-up
#
# With the cause removed, a larger step becomes possible. The next cell raises the learning rate 20
# times, to 0.02, first at once, then with a linear warm-up: a rate of $0.02 (t + 1) / 50$ at step $t$
# for the first 50 steps (`fixlab.warmup(0.02, 50)`), then 0.02.

# %%
# snippet: fixes/lab_fix_warmup.py

# %% [markdown]
# **What to notice.** At once, the healthy network explodes too: NaN at step 4, with a gradient norm
# that reached 1.77e+07. This second explosion has a different cause: a rate of 0.02 is too large for
# the curvature of the loss at the start of training (see
# [Learning rate and warm-up](../../fixes/learning-rate/)). Growing the rate over 50 steps gets through:
# no NaN, a largest gradient norm of 48.7, and a loss of 0.0193 after 300 steps, 5% of the variance,
# about nine times lower than at the patient's rate. The noise in the targets (standard deviation 0.05)
# would leave 0.0025 even to a perfect fit.

# %% [markdown]
# ## The four steps on one figure
#
# The next cell draws the training loss of every run above, on logarithmic axes so that the runs that
# stopped at step 2 and step 4 are visible. It uses the histories the cells above left behind, so run
# them first.

# %% alt="Training loss against training step, both axes logarithmic, for the five runs of patient 1. The patient as it is (red) and He's scale at learning rate 0.02 without warm-up (purple) climb by orders of magnitude within a few steps and stop at NaN. The run clipped at 1 (orange) stays far above the grey dashed line of predicting the mean; He's scale at 0.001 (blue) starts near that line and drifts below it; with rate 0.02 and a warm-up (green) the loss ends lowest."
import matplotlib.pyplot as plt
import numpy as np

SMOOTH = 10  # a run that trained is drawn as the mean loss of its last 10 batches at each step
RUNS = [("patient as it is", history_patient, "C3", "-"),
        ("clipped at 1", history_clipped, "C1", "--"),
        ("He's scale, lr 0.001", history_he, "C0", "-"),
        ("He's scale, lr 0.02 at once", history_fast, "C4", "-."),
        ("He's scale, lr 0.02, warm-up", history_warm, "C2", ":")]

with plt.rc_context({"font.size": 11}):
    fig, ax = plt.subplots(figsize=(5.6, 5.4), layout="constrained")
    for label, history, colour, style in RUNS:
        loss = history.array("loss")
        if history.first_nan:  # every step drawn, up to the last finite loss
            label, marker = f"{label} (NaN at step {history.first_nan[0]})", "o"
        else:
            loss, marker = [loss[max(0, t - SMOOTH + 1):t + 1].mean() for t in range(len(loss))], None
        ax.loglog(np.arange(1, len(loss) + 1), loss, color=colour, linestyle=style, linewidth=2,
                  marker=marker, label=label)
    ax.axhline(variance, color="0.5", linestyle="--", linewidth=1, label="predicting the mean")
    ax.set(xlabel="training step + 1", ylabel="training loss (batches of 32)",
           title="Patient 1, one fix at a time")
    fig.legend(loc="outside lower center", ncol=1)
    plt.show()

# %% [markdown]
# **What to read in it.** The two runs that end in NaN (red, purple) climb by many orders of magnitude
# within a few steps; their last point is the last finite loss. The runs that last 300 steps are
# smoothed over 10 batches. The clipped run (orange) stays high,
# far above the grey dashed line of predicting the mean, for all 300 steps. He's scale (blue) starts
# near that line and drifts down; with the larger rate and its warm-up (green) the loss ends about nine
# times lower.
#
# | run | first NaN | loss after 300 steps | verdict |
# |---|---|---|---|
# | the patient | step 2 | none | diverged |
# | clipped at 1 | none | 59.14 | symptom hidden |
# | He's scale | none | 0.1799 | cured, learns slowly |
# | He's scale, lr 0.02 at once | step 4 | none | diverged again, a new cause |
# | He's scale, lr 0.02, warm-up | none | 0.0193 | trained |
#
# The order that worked: read the symptom (a loss of 787 at step 0 says the forward pass is already
# out of scale, before any step), fix that cause, then tune the step size, and keep clipping as a safety
# net, not as the cure.

# %% [markdown]
# ## Exercises
#
# The next cell defines `trial`, which trains patient 1 with the settings you give it and prints the
# same kind of verdict as the cells above. Its defaults are the patient's own (a scale of 2, a rate of
# $10^{-3}$, no clipping, no warm-up). Call it with one change at a time, then compare with the
# answers below.

# %%
def trial(init_scale=2.0, lr=1e-3, clip=None, warmup=None):
    """Train patient 1 with one or more settings changed and print its verdict."""
    run = gradlab.mlp_patient(init_scale=init_scale, lr=lr)  # same draws, same batches
    history = gradlab.train(**run, transform=fixlab.clip_global(clip) if clip else None,
                            lr_schedule=fixlab.warmup(lr, warmup) if warmup else None)
    task, norms = run["task"], history.array("total_grad_norm")
    with np.errstate(all="ignore"):
        loss = float(np.mean((run["model"].forward(task.x) - task.y) ** 2))
    print(f"first NaN at step = {history.first_nan[0] if history.first_nan else 'none'}")
    print(f"gradient norm: largest = {np.nanmax(norms):.3g}, median = {np.nanmedian(norms):.3g}")
    if clip:
        print(f"steps clipped = {np.mean(norms > clip):.0%}")
    if not history.first_nan:
        print(f"loss after {len(norms)} steps = {loss:.4g}, {loss / np.var(task.y):.0%} of the variance")
    return history


history = trial()  # the patient as it is: NaN at step 2, as in Step 0

# %% [markdown]
# 1. **The threshold is the dose.** `trial(clip=100)`: clip at 100 instead of 1. Does the patient
#    learn now? How many steps are clipped?
# 2. **Warm-up alone.** `trial(warmup=50)`: the patient's own scale and rate, with a 50-step warm-up.
#    Does a warm-up cure a bad initialisation?
# 3. **Clipping as a safety net.** `trial(init_scale=2**0.5, lr=0.02, clip=10)`: He's scale and the
#    large rate of Step 3, clipping at 10 instead of a warm-up. Does it train?
# 4. **Too small is wrong too.** `trial(init_scale=1.0)`, LeCun's scale. There is no NaN. Is the
#    network trained?
# 5. **The edge.** With He's scale and no warm-up, find the largest learning rate that does not end in
#    NaN: try `trial(init_scale=2**0.5, lr=0.016)` and `lr=0.018`.
#
# ## Answers
#
# 1. Yes, better than you might expect: no NaN and a loss of 0.1195, with 37% of the steps clipped
#    (the median gradient norm is 20.1). That beats He's scale at the patient's rate (0.1799): a
#    threshold near the norm of ordinary steps lets the network move, where a threshold of 1, below
#    every step's norm, keeps it almost still. The scale is not cured, though: the weights' norm is
#    still about 36 after training. The network learned around its bad scale.
# 2. No. The NaN comes at step 4 instead of step 2. Even the first step, at a rate of
#    $2 \times 10^{-5}$, moves the weights by about 0.74, and each step is longer than the one before:
#    the gradient grows faster than the warm-up raises the rate.
# 3. Yes: no NaN and a loss of 0.0227, close to the warm-up's 0.0193. Only 2% of the steps are
#    clipped (the largest norm is 172, the median 1.35), all of them in the first 10 steps: once the
#    scale is right, clipping only has to catch the few spikes at the start.
# 4. No. The loss after 300 steps is 0.3572, 99% of the variance: the network has learned almost
#    nothing. With $s = 1$ each ReLU layer halves the mean square of the signal, the gradients are small
#    (the largest norm is 1.06) and SGD at $10^{-3}$ barely moves the weights. This is the opposite
#    failure, vanishing: the cure for an explosion is the right scale, not a smaller one.
# 5. At 0.016 there is no NaN (the loss after 300 steps is 0.08857, though the gradient norm spikes to
#    725); at 0.018 the NaN comes at step 6. The edge lies between them, below the 0.02 that the
#    warm-up made possible in Step 3.
