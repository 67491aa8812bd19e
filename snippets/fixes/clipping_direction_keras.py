"""Keras 3: clipnorm clips each variable on its own, global_clipnorm all of them together."""
import keras
import numpy as np

GRADS = [np.array([100.0, 0.0], "float32"), np.array([0.0, 1.0], "float32")]


def show(values):
    return "[" + ", ".join(f"{x:.3f}" for x in values) + "]"


def clipped_by(**clip):
    """What an SGD step with learning rate 1 subtracts: the gradients after the optimiser clipped them."""
    variables = [keras.Variable(np.zeros(2, "float32")) for _ in GRADS]
    optimizer = keras.optimizers.SGD(learning_rate=1.0, **clip)
    optimizer.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in GRADS], variables))
    return np.concatenate([-keras.ops.convert_to_numpy(v) for v in variables]) + 0.0  # + 0.0: no -0.0


flat = np.concatenate(GRADS)
for option in ["clipnorm", "global_clipnorm", "clipvalue"]:
    used = clipped_by(**{option: 1.0})
    cos = used @ flat / (np.linalg.norm(used) * np.linalg.norm(flat))
    print(f"{option}=1: gradients used = {show(used)}, cos to original = {cos:.4f}")
try:
    keras.optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)
except ValueError as error:
    print(f"clipnorm and global_clipnorm together: ValueError ({str(error)[:40]}...)")
