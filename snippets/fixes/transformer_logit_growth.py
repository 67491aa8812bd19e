"""Attention-logit growth: one attention layer trained with Adam at a high rate, without and with qk-layernorm."""
import attnlab
import matplotlib.pyplot as plt
import numpy as np

VOCAB, LENGTH, WIDTH = 16, 8, 32  # lookup: the last token names one of 7 positions
LR, STEPS, LAST = 0.1, 200, 20  # Adam (0.9, 0.95), batch 32; verdict: mean loss of the last 20 steps
SEED = 0
print(f"loss of a uniform guess, log {VOCAB} = {np.log(VOCAB):.3f}")
print(f"qk-layernorm bound on |attention logit|, sqrt({WIDTH}) = {np.sqrt(WIDTH):.3f}")

runs = {}
for qk_norm in (False, True):
    name = "qk-layernorm" if qk_norm else "plain"
    model = attnlab.Transformer(VOCAB, LENGTH, WIDTH, depth=1, qk_norm=qk_norm, seed=SEED)
    runs[name] = h = attnlab.train(model, STEPS, LR, seed=SEED)
    print(f"{name}: mean loss over the last {LAST} steps = {np.mean(h['loss'][-LAST:]):.3g}")
    print(f"{name}: largest |attention logit| = {h['max_logit'].max():.4g}")
    print(f"{name}: attention entropy at step 0 = {h['entropy'][0]:.3f} nats")
    print(f"{name}: attention entropy at the end = {h['entropy'][-1]:.3f} nats")

fig, axes = plt.subplots(2, 1, figsize=(5.6, 6.4), sharex=True)
for i, (name, h) in enumerate(runs.items()):
    style = ["-", "--"][i]
    axes[0].semilogy(h["max_logit"], style, color=f"C{i}", label=name)
    axes[1].plot(h["entropy"], style, color=f"C{i}", label=name)
axes[0].axhline(np.sqrt(WIDTH), color="0.5", linestyle=":", label="bound sqrt(d)")
axes[0].set_title(f"One attention layer, Adam at lr {LR}")
axes[0].set_ylabel("largest |attention logit|")
axes[0].legend(loc="center right")
axes[1].axhline(np.log(LENGTH), color="0.5", linestyle=":", label=f"uniform, log {LENGTH}")
axes[1].set_ylabel("attention entropy (nats)")
axes[1].set_xlabel("step")
axes[1].set_ylim(-0.1, 3.6)
axes[1].legend(loc="upper right")

fig, ax = plt.subplots(figsize=(5.6, 3.6))
for i, (name, h) in enumerate(runs.items()):
    ax.plot(h["loss"], ["-", "--"][i], color=f"C{i}", label=name)
ax.axhline(np.log(VOCAB), color="0.5", linestyle=":", label="uniform guess")
ax.set_title(f"Training loss, Adam at lr {LR}")
ax.set_xlabel("step")
ax.set_ylabel("cross-entropy loss")
ax.legend(loc="center right")
plt.show()
