"""Keras: layers.BatchNormalization's defaults and one update of its moving statistics; LayerNormalization."""
import keras
import numpy as np

BATCH, FEATURES = 8, 3
SEED = 0
rng = np.random.default_rng(SEED)
x = rng.normal(5.0, 2.0, (BATCH, FEATURES)).astype("float32")  # the NumPy tab's batch


def show(t, digits=4):
    return [round(float(v), digits) for v in keras.ops.convert_to_numpy(t).ravel()]


bn = keras.layers.BatchNormalization()  # after a Dense layer, before the activation
print(f"BatchNormalization defaults: momentum = {bn.momentum}, epsilon = {bn.epsilon}")
y = bn(x, training=True)  # the batch's own statistics; moving statistics updated as a side effect
print(f"moving mean after one batch = {show(bn.moving_mean)}")
print(f"moving variance after one batch = {show(bn.moving_variance)}")
print(f"output standard deviation per feature = {show(keras.ops.std(y, axis=0))}")
print(f"inference (training=False), output mean per feature = {show(keras.ops.mean(bn(x), axis=0), 3)}")
faithful = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5)  # PyTorch's 0.1 and 1e-5
faithful(x, training=True)
print(f"momentum=0.9, epsilon=1e-5: moving mean after one batch = {show(faithful.moving_mean)}")
ln = keras.layers.LayerNormalization()
print(f"LayerNormalization default: epsilon = {ln.epsilon}")
