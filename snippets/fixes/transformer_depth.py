"""Gradient norm of each block's weights at initialisation, Pre-LN against Post-LN, in stacks of 6, 12 and 24."""
import attnlab
import matplotlib.pyplot as plt
import numpy as np

VOCAB, LENGTH, WIDTH, BATCH = 16, 8, 32, 64
DEPTHS = [6, 12, 24]
SEEDS = 5  # each curve is the mean over 5 initialisations, each with its own batch
SEED = 0

fig, ax = plt.subplots(figsize=(5.6, 3.8))
for i, post_ln in enumerate((False, True)):
    name = "Post-LN" if post_ln else "Pre-LN"
    for j, depth in enumerate(DEPTHS):
        norms = []
        for s in range(SEEDS):
            rng = np.random.default_rng(SEED + s)
            model = attnlab.Transformer(VOCAB, LENGTH, WIDTH, depth, post_ln=post_ln, seed=SEED + s)
            tokens, target = attnlab.lookup_batch(rng, BATCH, LENGTH, VOCAB)
            _, dlogits, _ = attnlab.cross_entropy(model.forward(tokens), target)
            norms.append(model.block_grad_norms(model.backward(dlogits)))
        g = np.mean(norms, axis=0)
        print(f"{name}, {depth} blocks: gradient norm of block 1 = {g[0]:.3f}, "
              f"of block {depth} = {g[-1]:.3f}, mean = {g.mean():.3f}, "
              f"smallest = {g.min():.3f}, largest = {g.max():.3f}")
        if depth != 12:
            ax.plot(np.arange(1, depth + 1), g, ["-o", "--s", ":^"][j], color=f"C{i}",
                    markersize=4, label=f"{name}, {depth} blocks")
ax.set_title("Weight gradients per block at initialisation")
ax.set_xlabel("block (1 = nearest the input)")
ax.set_ylabel("gradient norm of the block")
ax.set_ylim(0, 1.9)
ax.legend(loc="upper center", ncol=2)
plt.show()
