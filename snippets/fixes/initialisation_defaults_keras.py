"""Keras' Dense layer starts from glorot_uniform; kernel_initializer="he_normal" gives a ReLU stack He's scale."""
import keras
import numpy as np

SHAPES = [(512, 512), (512, 128)]  # (fan_in, fan_out)
WIDTH = 512
DEPTH = 50
BATCH = 64
SEED = 0

keras.utils.set_random_seed(SEED)
print(f"default kernel_initializer = {keras.layers.Dense(1).kernel_initializer.__class__.__name__}")
for fan_in, fan_out in SHAPES:
    layer = keras.layers.Dense(fan_out)
    layer.build((None, fan_in))
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    print(f"Dense {fan_in} -> {fan_out}: kernel variance = {kernel.var():.4g}, "
          f"2 / (fan_in + fan_out) = {2 / (fan_in + fan_out):.4g}")
x = keras.random.normal((BATCH, WIDTH), seed=SEED)
for name, initializer in [("Keras default", "glorot_uniform"), ("he_normal", "he_normal")]:
    net = keras.Sequential([keras.Input((WIDTH,))] + [
        keras.layers.Dense(WIDTH, activation="relu", use_bias=False, kernel_initializer=initializer)
        for _ in range(DEPTH)])
    kernels = np.stack([keras.ops.convert_to_numpy(layer.kernel) for layer in net.layers])
    rms = keras.ops.sqrt(keras.ops.mean(net(x) ** 2))
    print(f"{name}: fan_in * Var(W) = {WIDTH * kernels.var():.4f}")
    print(f"{name}: activation RMS at layer {DEPTH} = {float(keras.ops.convert_to_numpy(rms)):.2g}")
