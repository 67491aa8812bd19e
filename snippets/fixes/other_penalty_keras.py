"""Keras: L2 penalties on the input and recurrent kernels, and a max-norm constraint on the recurrent one."""
import keras
import numpy as np

SEED = 0
keras.utils.set_random_seed(SEED)
rng = np.random.default_rng(SEED)
x = rng.uniform(0.0, 1.0, (256, 60, 2)).astype("float32")
y = x[:, :, 0].mean(axis=1, keepdims=True).astype("float32")

rnn = keras.layers.SimpleRNN(
    32,
    recurrent_initializer=keras.initializers.RandomNormal(stddev=2.5 / 32**0.5),  # patient 2's scale
    kernel_regularizer=keras.regularizers.L2(0.05),  # adds 0.05 * sum(w^2): gradient 0.1 * w
    recurrent_regularizer=keras.regularizers.L2(0.05),
    recurrent_constraint=keras.constraints.MaxNorm(max_value=2**0.5, axis=0),  # each unit's incoming weights
)
model = keras.Sequential([keras.Input((60, 2)), rnn, keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
model.fit(x, y, batch_size=32, epochs=2, verbose=0)
recurrent = keras.ops.convert_to_numpy(rnn.cell.recurrent_kernel)
print(f"largest column norm of the recurrent kernel = {np.linalg.norm(recurrent, axis=0).max():.4f}")
print(f"penalty terms added to the loss = {len(model.losses)}")
