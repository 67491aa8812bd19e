"""Keras 3: patient 2 as SimpleRNN and as LSTM, whose forget-gate bias starts at 1 (unit_forget_bias)."""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # small matrices: one thread is faster (set before keras loads)
import keras  # noqa: E402
import numpy as np  # noqa: E402

SEED, HIDDEN, LENGTH, EPOCHS = 0, 32, 60, 12  # 12 epochs of 8 batches: 96 SGD steps (patient 2: 400)
INIT_SCALE, LEARNING_RATE = 2.5, 0.05

rng = np.random.default_rng(SEED)
x = np.zeros((256, LENGTH, 2), "float32")
x[:, :, 0] = rng.uniform(0.0, 1.0, (256, LENGTH))
rows = np.arange(256)
first, second = rng.integers(0, LENGTH // 2, 256), rng.integers(LENGTH // 2, LENGTH, 256)
x[rows, first, 1] = x[rows, second, 1] = 1.0
y = (x[rows, first, 0] + x[rows, second, 0])[:, None]

for name in ["SimpleRNN", "LSTM"]:
    keras.utils.set_random_seed(SEED)
    recurrent = keras.initializers.RandomNormal(stddev=INIT_SCALE / HIDDEN**0.5, seed=SEED)
    layer = getattr(keras.layers, name)(HIDDEN, recurrent_initializer=recurrent)  # default: orthogonal
    model = keras.Sequential([keras.Input((LENGTH, 2)), layer, keras.layers.Dense(1)])
    if name == "LSTM":  # Keras' gate order is i, f, c, o; unit_forget_bias=True is the default
        bias = keras.ops.convert_to_numpy(layer.cell.bias)
        print(f"LSTM: forget-gate bias at initialisation = {bias[HIDDEN:2 * HIDDEN].mean():.1f}, "
              f"other gates = {np.abs(np.delete(bias, np.s_[HIDDEN:2 * HIDDEN])).max():.1f}")
    model.compile(keras.optimizers.SGD(LEARNING_RATE), "mse")
    history = model.fit(x, y, batch_size=32, epochs=EPOCHS, verbose=0, callbacks=[keras.callbacks.TerminateOnNaN()])
    losses = history.history["loss"]
    print(f"{name}: epochs run = {len(losses)}, loss of the last epoch = {losses[-1]:.3g}")
