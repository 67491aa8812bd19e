"""Patient 1 re-initialised five ways from the same random draws: which cure the explosion, and which train."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

PATIENT_SCALE = 2.0  # patient 1 draws N(0, PATIENT_SCALE^2 / fan_in)
SMOOTH = 10  # the top panel shows the batch loss averaged over this many steps
STYLES = {"patient (2/sqrt(fan_in))": "-", "LeCun": "--", "Xavier": ":", "He": "-", "orthogonal x sqrt(2)": "--"}


def orthogonal(z: np.ndarray, gain: float) -> np.ndarray:
    """Gain times Q of the QR decomposition of z (on its tall side), each column's sign fixed by R."""
    tall = z if z.shape[0] >= z.shape[1] else z.T
    q, r = np.linalg.qr(tall)
    q = q * np.sign(np.diag(r))
    return gain * (q if z.shape[0] >= z.shape[1] else q.T)


RULES = {  # each maps the standard normal draws z of one (fan_in, fan_out) matrix to its weights
    "patient (2/sqrt(fan_in))": lambda z, n_in, n_out: z * PATIENT_SCALE / np.sqrt(n_in),
    "LeCun": lambda z, n_in, n_out: z * np.sqrt(1 / n_in),
    "Xavier": lambda z, n_in, n_out: z * np.sqrt(2 / (n_in + n_out)),
    "He": lambda z, n_in, n_out: z * np.sqrt(2 / n_in),
    "orthogonal x sqrt(2)": lambda z, n_in, n_out: orthogonal(z, np.sqrt(2)),
}

fig, (ax, bx) = plt.subplots(2, 1, figsize=(5.6, 6.6))
for colour, (name, rule) in enumerate(RULES.items()):
    patient = gradlab.mlp_patient(init_scale=PATIENT_SCALE)  # same seed, same draws for every rule
    model = patient["model"]
    for l in range(1, model.depth + 1):
        w = model.params[f"W{l}"].astype(np.float64)
        n_in, n_out = w.shape
        z = w * np.sqrt(n_in) / PATIENT_SCALE  # the standard normal numbers behind the patient's weights
        model.params[f"W{l}"] = rule(z, n_in, n_out).astype(np.float32)
    history = gradlab.train(**patient)
    loss, signal = history.array("loss"), history.signal[0]  # |dL/dz_l| per layer at step 0
    with np.errstate(all="ignore"):
        final = np.mean((model.forward(patient["task"].x) - patient["task"].y) ** 2)
    ending = f"NaN at step {history.first_nan[0]}" if history.first_nan else f"{final:.3f}"
    print(f"{name}: loss at step 0 = {loss[0]:.3g}")
    print(f"{name}: gradient at layer 1 / at layer {model.depth}, step 0 = {signal[0] / signal[-1]:.3g}")
    print(f"{name}: largest gradient norm = {np.nanmax(history.array('total_grad_norm')):.3g}")
    print(f"{name}: full-data loss after {len(loss)} steps = {ending}")
    layers = np.arange(1, model.depth + 1)
    bx.semilogy(layers, signal / signal[-1], STYLES[name], color=f"C{colour}", marker="o", label=name)
    if not history.first_nan:
        smooth = np.convolve(loss, np.ones(SMOOTH) / SMOOTH, mode="valid")
        ax.semilogy(np.arange(SMOOTH - 1, len(loss)), smooth, STYLES[name], color=f"C{colour}", label=name)
    else:
        nan_step = history.first_nan[0]
print(f"variance of the targets = {np.var(patient['task'].y):.3f}")
ax.axhline(np.var(patient["task"].y), color="0.5", linestyle="-.", label="predict the mean")
ax.set(xlabel="training step", ylabel=f"loss, mean of {SMOOTH} steps", ylim=(0.03, 1))
ax.set_title(f"Training (the patient itself: NaN at step {nan_step})")
ax.legend(loc="lower left", ncol=2)
bx.set(xlabel="layer", ylabel="|dL/dz| relative to last layer", xticks=layers, ylim=(1e-2, 1e4))
bx.set_title("Gradient through the layers at step 0")
bx.legend(ncol=2, loc="upper right")
plt.tight_layout()
plt.show()
