"""Adaptive clipping on patient 1: AGC (unit-wise, relative to the weights) and AutoClip (a percentile)."""
import fixlab
import gradlab
import matplotlib.pyplot as plt
import numpy as np

LR = 1e-3  # the patient's learning rate
LAST_LAYER = ("W11", "b11")
FIXES = {
    "AGC, lambda = 0.01": lambda: fixlab.agc(lam=0.01),
    "AGC, lambda = 10": lambda: fixlab.agc(lam=10.0),
    "AGC, lambda = 10, last layer skipped": lambda: fixlab.agc(lam=10.0, skip=LAST_LAYER),
    "AutoClip, 10th percentile": lambda: fixlab.PercentileClip(p=10.0),
}

fig, ax = plt.subplots(figsize=(5.6, 5.2), layout="constrained")
for (name, make), colour, style in zip(FIXES.items(), ["C0", "C1", "C2", "C3"], ["-", "--", ":", "-."]):
    patient, transform = gradlab.mlp_patient(lr=LR), make()
    history = gradlab.train(**patient, transform=transform)
    with np.errstate(all="ignore"):
        loss = np.mean((patient["model"].forward(patient["task"].x) - patient["task"].y) ** 2)
    hidden = [i for i, n in enumerate(history.names) if n[0] == "W" and n not in LAST_LAYER]
    ratios = history.array("update_ratio")[:, hidden]  # |update| / |weight| of the hidden weights
    print(f"{name}: loss after training = {loss:.3g}, first NaN = {history.first_nan}")
    print(f"{name}: largest |update| / |weight| of a hidden weight matrix = {np.nanmax(ratios):.3g}")
    if isinstance(transform, fixlab.PercentileClip):
        print(f"{name}: threshold at step 1 = {np.percentile(transform.norms[:2], 10):.3g}")
    ax.semilogy(history.array("loss"), color=colour, linestyle=style, label=name)
ax.set(xlabel="step", ylabel="training loss (batch)", title="Patient 1 with adaptive clipping")
fig.legend(loc="outside lower center")
plt.show()
