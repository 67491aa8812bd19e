"""Gradients across depth at step 0: the backpropagated signal grows by g / sqrt(2) per layer."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

SCALES = [2**0.5, 1.6, 2.0]  # init_scale g: He's scale, a survivor with a wild swing, patient 1
LAYERS = np.arange(1, 12)  # 10 hidden layers and the output layer

fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.6, 6.4), sharex=True, layout="constrained")
for colour, scale in enumerate(SCALES):
    history = gradlab.train(**{**gradlab.mlp_patient(init_scale=scale), "steps": 1})
    signal = history.array("signal")[0]  # |dL/dz_l| for layers 1..11
    weight_grad = [history.grad_norm[0][history.names.index(f"W{l}")] for l in LAYERS]
    slope = np.polyfit(LAYERS[:-1], np.log10(signal[:-1]), 1)[0]  # over hidden layers 1..10
    print(f"init_scale {scale:.2f}: signal grows by {10 ** -slope:.3f} per layer towards the "
          f"input (theory {scale / 2**0.5:.3f})")
    print(f"init_scale {scale:.2f}: |dL/dW| from {min(weight_grad):.3g} to {max(weight_grad):.3g}")
    theory = signal[-1] * (scale / 2**0.5) ** (11 - LAYERS)
    top.semilogy(LAYERS, signal, "o-", color=f"C{colour}", label=f"init_scale {scale:.2f}")
    top.semilogy(LAYERS, theory, ":", color=f"C{colour}")
    bottom.semilogy(LAYERS, weight_grad, "s-", color=f"C{colour}", label=f"init_scale {scale:.2f}")
top.set_ylabel("|dL/dz| at the layer")
top.set_title("Backpropagated signal (dotted: theory)")
top.legend()
bottom.set_xlabel("layer (11 is the output)")
bottom.set_ylabel("|dL/dW| of the layer")
bottom.set_title("Weight gradients")
fig.suptitle("Patient 1 at step 0, three initial scales")
plt.show()
