"""Orthogonal recurrent matrices: |W^n| for n up to 100, then patient 2 with an orthogonal W."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

SEED, HIDDEN, POWER = 0, 32, 100
STEPS = 100  # training steps for the patient (its own budget is 400)

rng = np.random.default_rng(SEED)
gaussian = rng.normal(0.0, 1 / np.sqrt(HIDDEN), (HIDDEN, HIDDEN))  # "scale 1", as gradlab's default
q, r = np.linalg.qr(rng.normal(0.0, 1.0, (HIDDEN, HIDDEN)))
orthogonal = q * np.sign(np.diag(r))  # the sign fix makes Q uniformly distributed
matrices = {"orthogonal x 0.9": 0.9 * orthogonal, "orthogonal x 1.0": orthogonal,
            "orthogonal x 1.1": 1.1 * orthogonal, "Gaussian, scale 1.0": gaussian}
styles = [("C0", ":"), ("C2", "-"), ("C3", "--"), ("C1", "-.")]

fig, ax = plt.subplots(figsize=(5.6, 3.8), layout="constrained")
for (name, w), (colour, style) in zip(matrices.items(), styles):
    power, norms = np.eye(HIDDEN), []
    for n in range(POWER + 1):
        norms.append(np.linalg.norm(power, 2))  # the largest singular value of W^n
        power = power @ w
    radius = np.max(np.abs(np.linalg.eigvals(w)))
    print(f"{name}: |W^{POWER}| = {norms[-1]:.3g} (spectral radius {radius:.3f})")
    ax.semilogy(norms, style, color=colour, label=name)
ax.set_xlabel("power n")
ax.set_ylabel("|W^n| (largest singular value)")
ax.set_title("Powers of a 32 x 32 recurrent matrix")
ax.legend(loc="upper left")

for label, init, scale in [("Gaussian, 2.5 (patient 2)", "normal", 2.5), ("orthogonal, 2.5", "orthogonal", 2.5),
                           ("orthogonal, 1.0", "orthogonal", 1.0)]:
    run = gradlab.rnn_patient(init_scale=scale, seed=SEED)
    model = run["model"] = gradlab.RNN(2, HIDDEN, 1, scale, "last", SEED, np.float32, init=init)
    history = gradlab.train(**{**run, "steps": STEPS})
    nan = "none" if history.first_nan is None else f"step {history.first_nan[0]}"
    grad = history.array("total_grad_norm")
    with np.errstate(all="ignore"):
        final = np.mean((model.forward(run["task"].x) - run["task"].y) ** 2)
    print(f"{label}: first NaN = {nan}, largest finite gradient norm = {grad[np.isfinite(grad)].max():.3g}")
    print(f"{label}: loss on all 256 sequences after {STEPS} steps = {final:.4f}")
plt.show()
