"""Check gradlab's hand-written backward passes against central finite differences, in float64."""
import gradlab
import numpy as np

SEED = 0
STEP = 1e-6  # finite-difference step


def loss(model, x, target):
    return np.mean((model.forward(x) - target) ** 2)


def worst_relative_error(model, x, target):
    """Largest |backward - finite difference| / |finite difference| over the parameter arrays."""
    out = model.forward(x)
    grads = model.backward(2 * (out - target) / out.size)
    worst = 0.0
    for name, w in model.params.items():
        numeric = np.zeros_like(w)
        for i in np.ndindex(w.shape):
            saved = w[i]
            w[i] = saved + STEP
            up = loss(model, x, target)
            w[i] = saved - STEP
            down = loss(model, x, target)
            w[i] = saved
            numeric[i] = (up - down) / (2 * STEP)
        worst = max(worst, np.linalg.norm(grads[name] - numeric) / np.linalg.norm(numeric))
    return worst


rng = np.random.default_rng(SEED)
models = {  # name: (model, input shape, target shape)
    "MLP, tanh, 4 layers": (gradlab.MLP([3, 6, 6, 6, 2], "tanh", 1.5, SEED), (5, 3), (5, 2)),
    "MLP, relu, 4 layers": (gradlab.MLP([3, 6, 6, 6, 2], "relu", 1.5, SEED), (5, 3), (5, 2)),
    "RNN, 12 steps, readout at the end": (gradlab.RNN(2, 5, 1, 1.5, "last", SEED),
                                          (4, 12, 2), (4, 1)),
    "RNN, 12 steps, readout every step": (gradlab.RNN(2, 5, 1, 1.5, "every", SEED),
                                          (4, 12, 2), (4, 12, 1)),
}
for name, (model, x_shape, y_shape) in models.items():
    for key, w in model.params.items():  # random biases, so that no ReLU input sits on the kink
        if key[0] in "bc":
            w += 0.5 * rng.standard_normal(w.shape)
    error = worst_relative_error(model, rng.standard_normal(x_shape), rng.standard_normal(y_shape))
    print(f"{name}: worst relative error = {error:.1e}")
