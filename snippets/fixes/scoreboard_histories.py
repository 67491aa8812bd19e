"""Gradient-norm histories of both patients, untreated and under the three fixes that scored best."""
import fixlab
import gradlab
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
RNN_STEPS = 100  # patient 2's first 100 steps (its NaN comes at step 60); patient 1 runs its 300
STYLES = [("C3", "-"), ("C0", "--"), ("C2", ":"), ("C1", "-.")]

PATIENT_1 = {"no fix": gradlab.mlp_patient(seed=SEED),
             "residual, zero-init": fixlab.patient(seed=SEED, residual=True, zero_init=True),
             "AGC, λ = 10": {**gradlab.mlp_patient(seed=SEED), "transform": fixlab.agc(10.0)},
             "tanh": {**gradlab.mlp_patient(seed=SEED),
                      "model": gradlab.MLP([8] + [32] * 10 + [1], "tanh", 2.0, SEED, np.float32)}}
PATIENT_2 = {"no fix": gradlab.rnn_patient(seed=SEED),
             "clip at 1": {**gradlab.rnn_patient(seed=SEED), "transform": fixlab.clip_global(1.0)},
             "orthogonal W": {**gradlab.rnn_patient(seed=SEED),
                              "model": gradlab.RNN(2, 32, 1, 1.0, "last", SEED, np.float32, init="orthogonal")},
             "LSTM": {**gradlab.rnn_patient(seed=SEED),
                      "model": gradlab.LSTM(2, 32, 1, 2.5, "last", SEED, np.float32)}}

fig, axes = plt.subplots(2, 1, figsize=(5.6, 7.0), layout="constrained")
for ax, (title, runs) in zip(axes, [("Patient 1: ReLU MLP, 300 steps", PATIENT_1),
                                    ("Patient 2: tanh RNN, first 100 steps", PATIENT_2)]):
    for (name, settings), (colour, style) in zip(runs.items(), STYLES):
        if "RNN" in title:
            settings = {**settings, "steps": RNN_STEPS}
        norms = gradlab.train(**settings).array("total_grad_norm")  # before any clipping
        steps = np.flatnonzero(np.isfinite(norms))  # the steps whose norm is finite
        print(f"{title[:9]}, {name}: steps run = {len(norms)}, last finite gradient norm = {norms[steps[-1]]:.3g}")
        ax.semilogy(steps, norms[steps], style, color=colour, label=name)
    ax.set(title=title, xlabel="training step", ylabel="gradient norm (before clipping)")
    ax.legend(loc="upper right" if "MLP" in title else "center right", ncols=2 if "MLP" in title else 1)
plt.show()
