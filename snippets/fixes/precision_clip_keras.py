"""Keras clips inside the inner optimizer, after LossScaleOptimizer has unscaled: the right order."""
import keras
import numpy as np

SCALE = 2.0**15  # LossScaleOptimizer's default initial scale

weight = keras.Variable(np.zeros(2, "float32"))
inner = keras.optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0)  # clipping belongs here
optimizer = keras.optimizers.LossScaleOptimizer(inner)
scaled = keras.ops.convert_to_tensor(np.array([3.0, 4.0], "float32") * SCALE)  # grad of the scaled loss
optimizer.apply([scaled], [weight])
moved = float(np.linalg.norm(keras.ops.convert_to_numpy(weight)))
print(f"norm of the update = {moved:.4f}")
try:
    keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(), global_clipnorm=1.0)
except ValueError as error:
    print(f"global_clipnorm on LossScaleOptimizer itself: ValueError ({str(error)[:60]}...)")
