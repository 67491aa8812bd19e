"""Keras 3: what clipnorm and global_clipnorm do when one gradient entry is inf, or the norm overflows."""
import keras
import numpy as np

CASES = {  # two gradient tensors in float32; the second is 100 entries long
    "one inf": [np.array([1.0, 2.0, np.inf], "float32"), np.full(100, 0.5, "float32")],
    "100 entries of 1e20": [np.array([1.0, 2.0, 3.0], "float32"), np.full(100, 1e20, "float32")],
}


def show(values):
    return "[" + ", ".join(f"{x:.3g}" for x in values) + "]"


def clipped_by(grads, **clip):
    """The gradients an SGD step with learning rate 1 used, after the optimiser clipped them."""
    variables = [keras.Variable(np.zeros_like(g)) for g in grads]
    optimizer = keras.optimizers.SGD(learning_rate=1.0, **clip)
    optimizer.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in grads], variables))
    return [0.0 - keras.ops.convert_to_numpy(v) for v in variables]


for name, grads in CASES.items():
    for option in ["clipnorm", "global_clipnorm"]:
        first, second = clipped_by(grads, **{option: 1.0})
        print(f"{name}, {option}=1: {show(first)}, {show(second[:3])}")
