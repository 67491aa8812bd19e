"""The LSTM's two backward paths at initialisation: the cell path (forget gates) and the hidden path (W)."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

SEED, HIDDEN, STEPS, BATCH, BACK = 0, 32, 60, 32, 50
BIASES = [0.0, 1.0, 2.0]  # forget-gate bias b: sigmoid(b) = 0.5, 0.73, 0.88
SCALES = [1.0, 2.5, 6.0]  # recurrent init_scale (patient 2 uses 2.5)
STYLES = [("C3", "-"), ("C0", "--"), ("C2", ":")]

task = gradlab.adding_task(steps=STEPS, seed=SEED)
x, y = task.x[:BATCH], task.y[:BATCH]
fig, ax = plt.subplots(figsize=(5.6, 3.8), layout="constrained")
back = np.arange(BACK + 1)
for b, (colour, style) in zip(BIASES, STYLES):
    closed = (1 / (1 + np.exp(-b))) ** BACK
    print(f"b = {b:.0f}: sigmoid(b)^{BACK} = {closed:.2g}")
    model = gradlab.LSTM(2, HIDDEN, 1, 1.0, "last", SEED, forget_bias=b)
    model.forward(x)
    forget = np.stack([gates[1] for gates in model.gates[1:]])  # f_t, shape (steps, batch, hidden)
    # the cell path from step 60 back to step 60 - n multiplies by f_60 f_59 ... f_(60-n+1)
    products = np.concatenate([np.ones((1, BATCH, HIDDEN)), np.cumprod(forget[::-1], axis=0)])
    typical = np.median(products.reshape(STEPS + 1, -1), axis=1)[: BACK + 1]
    print(f"b = {b:.0f}: median product of {BACK} forget gates = {typical[-1]:.2g}")
    ax.semilogy(back, typical, style, color=colour, label=f"b = {b:.0f}: measured (median)")
    ax.semilogy(back, (1 / (1 + np.exp(-b))) ** back, style, color="0.5", linewidth=1)
ax.set_xlabel("steps back from the last step")
ax.set_ylabel("product of forget gates")
ax.set_title("LSTM cell path at initialisation (grey: sigmoid(b)^n)")
ax.legend(loc="lower left")

for scale in SCALES:  # the hidden path goes through W, and grows with its scale (forget bias 1)
    model = gradlab.LSTM(2, HIDDEN, 1, scale, "last", SEED)
    out = model.forward(x)
    model.backward(2 * (out - y) / out.size)
    print(f"init_scale {scale}: |dL/dh_1| / |dL/dh_60| = {model.signal[0] / model.signal[-1]:.2g}")
    print(f"init_scale {scale}: |dL/dc_1| / |dL/dc_60| = {model.cell_signal[0] / model.cell_signal[-1]:.2g}")
plt.show()
