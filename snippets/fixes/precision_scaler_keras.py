"""keras.optimizers.LossScaleOptimizer fed the same largest gradients, computed in float16."""
import math

import keras
import numpy as np

GROWTH_STEPS = 10  # Keras' default is 2000; its initial scale is 2^15
STEPS, SPIKE = 80, 25
largest = [4.0 if step < 40 else 0.25 for step in range(STEPS)]
largest[SPIKE] = 400.0

weight = keras.Variable(np.ones(1, "float32"))
optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(learning_rate=0.0),
                                                dynamic_growth_steps=GROWTH_STEPS)
optimizer.build([weight])

scales, skipped = [], []
for step in range(STEPS):
    scale = float(keras.ops.convert_to_numpy(optimizer.dynamic_scale))
    with np.errstate(over="ignore"):
        scaled = np.float16(largest[step] * scale)  # the scaled gradient, as a float16 backward pass gives it
    gradient = keras.ops.convert_to_tensor(np.array([scaled], "float32"))
    scales.append(scale)
    optimizer.apply([gradient], [weight])  # unscales, checks for inf/NaN, then steps or skips
    if float(keras.ops.convert_to_numpy(optimizer.dynamic_scale)) < scale:
        skipped.append(step)  # the scale was halved: this step was skipped

print(f"initial scale = 2^{math.log2(scales[0]):.0f}")
print(f"skipped steps = {', '.join(str(s) for s in skipped)}")
print(f"steps skipped = {len(skipped)} of {STEPS}")
print(f"scale at the last step = 2^{math.log2(scales[-1]):.0f}")
