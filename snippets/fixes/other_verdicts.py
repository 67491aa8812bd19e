"""Every fix on this page, tried on both patients with the same seed: what survives, and how well."""
import gradlab
import numpy as np

L2, L1 = 0.1, 0.01  # penalty strengths: gradient += L2 * w, or += L1 * sign(w)
MAX_NORM = 2**0.5  # max-norm radius: He's initialisation gives incoming weight vectors of about this norm


def penalty(kind, lam, names):
    """A weight penalty as a gradient transform: the penalty's own gradient is added each step."""
    term = (lambda w: lam * w) if kind == "L2" else (lambda w: lam * np.sign(w))
    return lambda grads, params: {k: g + term(params[k]) if k in names else g for k, g in grads.items()}


class MaxNormSGD(gradlab.SGD):
    """SGD, then each unit's incoming weight vector (a column of W) is scaled back to norm <= c."""

    def __init__(self, lr, c, names):
        super().__init__(lr)
        self.c, self.names = c, names

    def update(self, params, grads):
        updates = super().update(params, grads)
        for k in self.names:
            new = params[k] + updates[k]
            scale = np.minimum(1.0, self.c / np.maximum(np.linalg.norm(new, axis=0), 1e-12))
            updates[k] = new * scale - params[k]
        return updates


def report(label, history):
    nan = "none" if history.first_nan is None else str(history.first_nan[0])
    loss = np.mean(history.loss[-20:]) if nan == "none" else np.nan
    print(f"{label}: NaN step = {nan}, final loss = {loss:.3g}, "
          f"largest gradient norm = {max(history.total_grad_norm):.3g}")


mlp_weights = [f"W{l}" for l in range(1, 12)]
runs = {"patient 1, no fix": {}, "patient 1, depth 6": {"model": gradlab.MLP([8] + [32] * 6 + [1], "relu", 2.0, 0, np.float32)},
        "patient 1, batch 8": {"batch": 8}, "patient 1, batch 128": {"batch": 128},
        "patient 1, tanh": {"model": gradlab.MLP([8] + [32] * 10 + [1], "tanh", 2.0, 0, np.float32)},
        "patient 1, L2": {"transform": penalty("L2", L2, mlp_weights)},
        "patient 1, L1": {"transform": penalty("L1", L1, mlp_weights)},
        "patient 1, max-norm": {"optimizer": MaxNormSGD(1e-3, MAX_NORM, mlp_weights)}}
for label, change in runs.items():
    report(label, gradlab.train(**{**gradlab.mlp_patient(), **change}))
runs = {"patient 2, no fix": {}, "patient 2, batch 8": {"batch": 8}, "patient 2, batch 128": {"batch": 128},
        "patient 2, L2 on W": {"transform": penalty("L2", L2, ["W"])},
        "patient 2, L1 on W": {"transform": penalty("L1", L1, ["W"])},
        "patient 2, max-norm on W": {"optimizer": MaxNormSGD(0.05, MAX_NORM, ["W"])},
        "patient 2, max-norm on W, U, V": {"optimizer": MaxNormSGD(0.05, MAX_NORM, ["W", "U", "V"])}}
for label, change in runs.items():
    report(label, gradlab.train(**{**gradlab.rnn_patient(), **change}))
