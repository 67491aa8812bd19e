"""The highest Adam learning rate one attention layer survives, without and with qk-layernorm."""
import attnlab
import matplotlib.pyplot as plt
import numpy as np

VOCAB, LENGTH, WIDTH = 16, 8, 32
RATES = [0.01, 0.03, 0.1, 0.3]
STEPS, LAST = 200, 20  # verdict: the mean loss of the last 20 steps
SEED = 0

fig, ax = plt.subplots(figsize=(5.6, 3.6))
for i, qk_norm in enumerate((False, True)):
    name = "qk-layernorm" if qk_norm else "plain"
    final = []
    for lr in RATES:
        model = attnlab.Transformer(VOCAB, LENGTH, WIDTH, depth=1, qk_norm=qk_norm, seed=SEED)
        h = attnlab.train(model, STEPS, lr, seed=SEED)
        final.append(np.mean(h["loss"][-LAST:]))
        print(f"{name}, lr {lr}: final loss = {final[-1]:.3g}, "
              f"largest |attention logit| = {h['max_logit'].max():.3g}")
    ax.loglog(RATES, final, ["-o", "--s"][i], color=f"C{i}", label=name)
ax.axhline(np.log(VOCAB), color="0.5", linestyle=":", label="uniform guess")
ax.set_title(f"Loss after {STEPS} Adam steps, one attention layer")
ax.set_xlabel("learning rate")
ax.set_ylabel(f"mean loss, last {LAST} steps")
ax.set_ylim(1e-7, 30)
ax.legend(loc="lower left")
plt.show()
