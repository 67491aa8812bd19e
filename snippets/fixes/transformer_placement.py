"""Six attention blocks, Adam at lr 0.01 from step 0: Pre-LN, Post-LN, and Post-LN with a warm-up."""
import attnlab
import matplotlib.pyplot as plt
import numpy as np

VOCAB, LENGTH, WIDTH, DEPTH = 16, 8, 32, 6
LR, STEPS, WARMUP, LAST = 0.01, 150, 50, 20  # warm-up: lr rises linearly over the first 50 steps
SMOOTH = 10  # the figure shows the loss averaged over 10 steps
SEED = 0
runs = {"Pre-LN": (False, 0), "Post-LN": (True, 0), f"Post-LN, {WARMUP}-step warm-up": (True, WARMUP)}

print(f"training steps = {STEPS}, warm-up = {WARMUP} steps, loss curves averaged over {SMOOTH} steps")
fig, ax = plt.subplots(figsize=(5.6, 3.6))
for i, (name, (post_ln, warmup)) in enumerate(runs.items()):
    model = attnlab.Transformer(VOCAB, LENGTH, WIDTH, DEPTH, post_ln=post_ln, seed=SEED)
    h = attnlab.train(model, STEPS, LR, warmup=warmup, seed=SEED)
    print(f"{name}: gradient norm at step 0 = {h['grad_norm'][0]:.3g}")
    print(f"{name}: mean loss over the last {LAST} steps = {np.mean(h['loss'][-LAST:]):.3g}")
    smooth = np.convolve(h["loss"], np.ones(SMOOTH) / SMOOTH, mode="valid")
    ax.plot(np.arange(SMOOTH - 1, STEPS), smooth, ["-", "--", ":"][i], color=f"C{i}", label=name)
ax.axhline(np.log(VOCAB), color="0.5", linestyle="-.", label="uniform guess")
ax.set_title(f"{DEPTH} blocks, Adam at lr {LR}, no qk-layernorm")
ax.set_xlabel("step")
ax.set_ylabel(f"loss, {SMOOTH}-step average")
ax.legend(loc="center right")
plt.show()
