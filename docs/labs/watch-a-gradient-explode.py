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
# # Watch a gradient explode
#
# This notebook runs on your machine with nothing but NumPy and Matplotlib (download it with the
# button at the top of the page). It follows [The chain rule is a product](../../causes/chain-product/)
# and lets you change the numbers.
#
# A chain of one-unit ReLU layers with weights $w_1, \dots, w_L$ and a positive input $x$ computes
# $y = w_L \cdots w_1 x$, so backpropagation hands the input the product
#
# $$\frac{\partial y}{\partial x} = \prod_{l=1}^{L} w_l .$$
#
# The first cell is the chapter's snippet: 20 layers, every weight 2.34.

# %%
# snippet: causes/chain_product.py

# %% [markdown]
# ## Your turn: change the weight and the depth
#
# Every factor above 1 compounds. Edit `WEIGHTS` and `DEPTH` below and rerun the cell: the gradient
# reaching the first layer is $w^L$, drawn on a log scale. A weight of 1.05 looks harmless; give it
# 300 layers.

# %% alt="The gradient reaching layer 1, w to the power L, on a log scale against the depth L from 0 to 300, one line per weight: w = 0.95 falls steadily, w = 1.0 stays flat at 1, w = 1.05 and w = 1.2 climb, 1.2 the fastest."
import matplotlib.pyplot as plt
import numpy as np

WEIGHTS = [0.95, 1.0, 1.05, 1.2]
DEPTH = 300

depths = np.arange(DEPTH + 1)
fig, ax = plt.subplots(figsize=(5.6, 3.6))  # the book's size: its text stays readable on a phone
for w in WEIGHTS:
    ax.semilogy(depths, float(w) ** depths, label=f"w = {w}")
ax.set_xlabel("depth L")
ax.set_ylabel("gradient reaching layer 1, w^L")
ax.set_title("One factor per layer")
ax.legend()
plt.show()

# %% [markdown]
# ## When the number no longer fits
#
# Floating point has a largest finite value. The next cell multiplies by 2.34 in each format until
# the product becomes `inf`, then shows how one training step turns `inf` into `nan`.

# %%
# snippet: causes/chain_product_overflow.py

# %% [markdown]
# ## Exercises
#
# 1. Find the first depth that overflows float16 for $w = 1.1$. Check it against
#    $\lfloor \ln(65504) / \ln 1.1 \rfloor + 1$.
# 2. Replace the ReLU with $\tanh$ in `forward_backward` (its slope is $1 - \tanh^2$). Does
#    $w = 2.34$ still explode? Why does the answer depend on the input $x$?
