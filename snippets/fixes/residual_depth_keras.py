"""Residual blocks in Keras: h + scale * Dense(relu(h)), with a scaled or zero-initialised branch."""
import keras
import numpy as np
from keras import layers

SEED = 0
WIDTH, BATCH, BLOCKS = 256, 64, 50


class ResidualBlock(layers.Layer):
    """h + scale * Dense(relu(h)); zero_init starts the branch's kernel at zero (SkipInit, Fixup)."""

    def __init__(self, scale: float = 1.0, zero_init: bool = False, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        he = keras.initializers.RandomNormal(stddev=np.sqrt(2 / WIDTH), seed=seed)  # He: variance 2 / fan_in
        init = "zeros" if zero_init else he
        self.dense, self.scale = layers.Dense(WIDTH, kernel_initializer=init), scale

    def call(self, h):
        return h + self.scale * self.dense(keras.ops.relu(h))


x = np.random.default_rng(SEED).standard_normal((BATCH, WIDTH)).astype("float32")
variants = {"residual": (1.0, False), "branch x 1/sqrt(L)": (BLOCKS**-0.5, False), "zero-init branch": (1.0, True)}
for name, (scale, zero_init) in variants.items():
    h = x
    for i in range(BLOCKS):
        h = ResidualBlock(scale, zero_init, seed=SEED + i)(h)
    out = keras.ops.convert_to_numpy(h).astype("float64")
    rms = np.sqrt(np.mean(out**2)) / np.sqrt(np.mean(x.astype("float64") ** 2))
    print(f"{name}: RMS at block {BLOCKS} = {rms:.3g}")
