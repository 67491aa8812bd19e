"""Output-logit drift: log Z of the output softmax, without and with a z-loss of 1e-4 log(Z)^2."""
import attnlab
import matplotlib.pyplot as plt
import numpy as np

VOCAB, LENGTH, WIDTH = 16, 8, 32
LR, STEPS, LAST = 0.01, 400, 20  # one attention layer with qk-layernorm, Adam (0.9, 0.95), batch 32
Z_LOSS = 1e-4
SEED = 0

# The softmax ignores a shift of every logit by the same c; log Z moves by exactly c.
logits, c = np.random.default_rng(SEED).standard_normal((1, VOCAB)), 10.0
for shift in (0.0, c):
    loss, _, log_z = attnlab.cross_entropy(logits + shift, np.array([3]))
    print(f"logits shifted by {shift:g}: loss = {loss:.6f}, log Z = {log_z[0]:.6f}")

print(f"training steps = {STEPS}")
fig, ax = plt.subplots(figsize=(5.6, 3.6))
for i, z_loss in enumerate((0.0, Z_LOSS)):
    name = f"z-loss {z_loss:g}" if z_loss else "no z-loss"
    model = attnlab.Transformer(VOCAB, LENGTH, WIDTH, depth=1, qk_norm=True, seed=SEED)
    h = attnlab.train(model, STEPS, LR, z_loss=z_loss, seed=SEED)
    print(f"{name}: log Z at step 0 = {h['log_z'][0]:.3f}")
    for step in (100, 200, STEPS - 1):
        print(f"{name}: log Z at step {step} = {h['log_z'][step]:.3g}")
    print(f"{name}: mean loss over the last {LAST} steps = {np.mean(h['loss'][-LAST:]):.2g}")
    ax.plot(h["log_z"], ["-", "--"][i], color=f"C{i}", label=name)
ax.axhline(0, color="0.5", linestyle=":")
ax.set_title("Log Z of the output softmax during training")
ax.set_xlabel("step")
ax.set_ylabel("mean log Z over the batch")
ax.legend(loc="upper left")
plt.show()
