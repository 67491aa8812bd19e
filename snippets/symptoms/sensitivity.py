"""Move each initial weight by one float32 rounding step: patient 1 is unmoved, patient 2 is not."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

NUDGES = 3  # runs whose initial weights each move by one unit in the last place
SEED = 0


def nudged(run, seed):
    """The same run, every initial weight moved to a neighbouring float32, up or down at random."""
    rng = np.random.default_rng(seed)
    for name, w in run["model"].params.items():
        direction = rng.choice([-np.inf, np.inf], size=w.shape).astype(w.dtype)
        run["model"].params[name] = np.nextafter(w, direction)
    return run


fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.6, 6.4), layout="constrained")
for patient in [gradlab.mlp_patient, gradlab.rnn_patient]:
    runs = [gradlab.train(**patient())]
    runs += [gradlab.train(**nudged(patient(), SEED + n)) for n in range(1, NUDGES + 1)]
    name = patient.__name__
    print(f"{name}: first NaN at steps = {[h.first_nan[0] for h in runs]} (unnudged first)")
    for step in [0, 1]:
        norms = [h.total_grad_norm[step] for h in runs]
        print(f"{name}: gradient norm at step {step}, smallest and largest = "
              f"{min(norms):.3g}, {max(norms):.3g}")
for n, history in enumerate(runs):  # patient 2
    colour, width = ("C0", 2) if n == 0 else ("0.6", 1)
    label = "as built" if n == 0 else ("nudged" if n == 1 else None)
    top.semilogy(history.total_grad_norm[:6], "o-", color=colour, linewidth=width, label=label)
    bottom.semilogy(history.loss, color=colour, linewidth=width, label=label)
top.set_xlabel("training step")
top.set_ylabel("gradient norm")
top.set_title("The first steps")
top.legend()
bottom.set_xlabel("training step")
bottom.set_ylabel("loss")
bottom.set_title("Until NaN")
fig.suptitle("Patient 2: four runs whose initial weights\ndiffer by one rounding step")
plt.show()
