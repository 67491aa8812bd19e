"""Check fixlab's hand-written backward passes (norms, residual blocks) against central finite differences."""
import fixlab
import numpy as np

SEED = 0
STEP = 1e-6  # finite-difference step
CONFIGS = {  # name: DeepMLP settings
    "plain": {},
    "batch norm": {"norm": "batch"},
    "layer norm": {"norm": "layer"},
    "residual": {"residual": True, "branch_scale": 0.5},
    "residual, pre-layer-norm": {"residual": True, "norm": "layer"},
    "residual, zero-init": {"residual": True, "zero_init": True},
}


def loss(model, x, target):
    return np.mean((model.forward(x) - target) ** 2)


def relative_error(model, x, target):
    """|backward - finite difference| / |finite difference|, all parameters taken together."""
    out = model.forward(x)
    grads = model.backward(2 * (out - target) / out.size)
    analytic, numeric = [], []
    for name, w in model.params.items():
        for i in np.ndindex(w.shape):
            saved = w[i]
            w[i] = saved + STEP
            up = loss(model, x, target)
            w[i] = saved - STEP
            down = loss(model, x, target)
            w[i] = saved
            numeric.append((up - down) / (2 * STEP))
            analytic.append(grads[name][i])
    return np.linalg.norm(np.subtract(analytic, numeric)) / np.linalg.norm(numeric)


rng = np.random.default_rng(SEED)
x, target = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
for name, settings in CONFIGS.items():
    model = fixlab.DeepMLP(3, 5, 4, 2, seed=SEED, **settings)
    for key, w in model.params.items():  # random biases, so that no ReLU input sits on the kink
        if key[0] == "b":
            w += 0.5 * rng.standard_normal(w.shape)
    print(f"{name}: relative error = {relative_error(model, x, target):.1e}")
