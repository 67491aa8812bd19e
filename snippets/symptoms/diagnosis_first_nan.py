"""Find the first non-finite value: inputs, then loss, then forward or backward, layer by layer."""
import numpy as np

SEED = 0
WIDTH, DEPTH, BATCH = 8, 6, 16
NAN_LAYER = 3  # a NaN weight here (a corrupted checkpoint, say) breaks the forward pass
INF_LAYER = 5  # an inf weight here saturates a tanh: the forward stays finite, the backward does not

rng = np.random.default_rng(SEED)
x = rng.normal(size=(BATCH, WIDTH))
target = rng.normal(size=(BATCH, WIDTH))


def locate(weights, x):
    """Name the first place a non-finite value appears: inputs, forward layer, loss or backward layer."""
    if not np.isfinite(x).all():
        return "the inputs"
    with np.errstate(all="ignore"):
        outputs = [x]  # outputs[l] = tanh(outputs[l-1] @ weights[l-1]), the output of layer l
        for W in weights:
            outputs.append(np.tanh(outputs[-1] @ W))
        loss = np.mean((outputs[-1] - target) ** 2) / 2
        if not np.isfinite(loss):  # walk forward: the first layer whose output is not finite
            first = next(l for l in range(1, DEPTH + 1) if not np.isfinite(outputs[l]).all())
            return f"forward, layer {first}"
        grad = (outputs[-1] - target) / outputs[-1].size  # d(loss)/d(output of the last layer)
        for l in range(DEPTH, 0, -1):  # walk backward: the first layer whose gradients are not finite
            grad_z = grad * (1 - outputs[l] ** 2)  # through tanh
            grad_W, grad = outputs[l - 1].T @ grad_z, grad_z @ weights[l - 1].T
            if not (np.isfinite(grad_W).all() and np.isfinite(grad).all()):
                return f"backward, layer {l}"
    return "nowhere: all finite"


weights = [rng.normal(size=(WIDTH, WIDTH)) / np.sqrt(WIDTH) for _ in range(DEPTH)]
print(f"healthy network = {locate(weights, x)}")
bad_x = x.copy()
bad_x[7, 2] = np.nan
print(f"NaN in one input = {locate(weights, bad_x)}")
planted = [W.copy() for W in weights]
planted[NAN_LAYER - 1][2, 4] = np.nan
print(f"NaN weight in layer {NAN_LAYER} = {locate(planted, x)}")
planted = [W.copy() for W in weights]
planted[INF_LAYER - 1][2, 4] = np.inf
print(f"inf weight in layer {INF_LAYER} = {locate(planted, x)}")
