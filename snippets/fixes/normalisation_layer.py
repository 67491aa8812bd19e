"""Layer norm and RMSNorm work on each example alone; batch norm's output depends on the rest of the batch."""
import numpy as np

FEATURES = 8
EPS = 1e-5
SEED = 0
rng = np.random.default_rng(SEED)


def batch_norm(x):  # each feature over the batch (axis 0)
    return (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + EPS)


def layer_norm(x):  # each example over its features (axis -1)
    return (x - x.mean(axis=-1, keepdims=True)) / np.sqrt(x.var(axis=-1, keepdims=True) + EPS)


def rms_norm(x):  # no mean subtracted: divide by the root mean square
    return x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + EPS)


example = rng.normal(1.0, 2.0, FEATURES)
batch_a = np.vstack([example, rng.standard_normal((3, FEATURES))])
batch_b = np.vstack([example, 10 * rng.standard_normal((3, FEATURES))])
for name, norm in [("batch norm", batch_norm), ("layer norm", layer_norm)]:
    change = np.abs(norm(batch_a)[0] - norm(batch_b)[0]).max()
    print(f"{name}: same example in two batches, largest change of its output = {change:.3g}")
print(f"batch norm of a batch of one: output = {batch_norm(example[None])[0, :3].tolist()} ...")
ln, rms = layer_norm(example), rms_norm(example)
print(f"layer norm of one example: mean = {round(ln.mean(), 6) + 0.0:.2f}, root mean square = {np.sqrt(np.mean(ln**2)):.4f}")
print(f"RMSNorm of one example: mean = {rms.mean():.2f}, root mean square = {np.sqrt(np.mean(rms**2)):.4f}")
