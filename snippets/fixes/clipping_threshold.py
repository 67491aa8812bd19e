"""Patient 1 clipped at thresholds from 1 to 10,000: loss after training and the share of steps clipped."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

THRESHOLDS = [1, 10, 100, 1_000, 10_000]


def run(threshold):
    patient = gradlab.mlp_patient()
    history = gradlab.train(**patient, clip_norm=threshold)
    norms = history.array("total_grad_norm")  # logged before clipping
    loss = np.mean((patient["model"].forward(patient["task"].x) - patient["task"].y) ** 2)
    return loss, np.mean(norms > threshold), norms, history.first_nan


results = {c: run(c) for c in THRESHOLDS}
for c, (loss, clipped, norms, nan) in results.items():
    print(f"threshold {c:,}: loss after training = {loss:.3g}, steps clipped = {clipped:.1%}, NaN = {nan}")
logged = results[10_000][2]  # a run that survives and clips rarely: its norms, as the Playbook logs them
p90, median, mean = np.percentile(logged, 90), np.median(logged), np.mean(logged)
print(f"logged norms: median = {median:.3g}, 90th percentile = {p90:.3g}, mean = {mean:.3g}")
loss, clipped, _, _ = run(p90)
print(f"threshold at the 90th percentile: loss after training = {loss:.3g}, steps clipped = {clipped:.1%}")

fig, (ax, bx) = plt.subplots(2, 1, figsize=(5.6, 6.4), layout="constrained")
ax.loglog(THRESHOLDS, [r[0] for r in results.values()], "o-", color="C0", label="after 300 steps")
ax.axhline(np.var(gradlab.regression_task().y), color="0.5", linestyle=":", label="predicting the mean")
ax.set(xlabel="clipping threshold (global norm)", ylabel="loss on all the data",
       title="Patient 1: loss after training, by threshold")
ax.legend()
bx.hist(np.log10(logged), bins=40, color="C0")
for value, name, colour, style in [(median, "median", "C1", "--"), (p90, "90th percentile", "C2", ":"),
                                   (mean, "mean", "C3", "-")]:
    bx.axvline(np.log10(value), color=colour, linestyle=style, label=f"{name} = {value:.3g}")
bx.set(xlabel="log10 of the gradient norm before clipping", ylabel="steps",
       title="Norms logged in the run clipped at 10,000")
bx.legend()
plt.show()
