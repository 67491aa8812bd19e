"""Normalised patient 1 at larger learning rates: how far up does the run survive?"""
import fixlab
import gradlab
import numpy as np

RATES = [0.01, 0.1, 0.3]
LAST = 20
SEED = 0

for norm in ["batch", "layer"]:
    for lr in RATES:
        history = gradlab.train(**fixlab.patient(lr=lr, seed=SEED, norm=norm))
        loss, grad = history.array("loss"), history.array("total_grad_norm")
        if history.first_nan is None:
            verdict = f"mean loss over the last {LAST} steps = {np.mean(loss[-LAST:]):.3g}"
        else:
            verdict = f"NaN at step {history.first_nan[0]}"
        print(f"{norm} norm, lr {lr}: {verdict}, largest loss = {np.nanmax(loss):.2g}, "
              f"largest gradient norm = {np.nanmax(grad):.2g}")
