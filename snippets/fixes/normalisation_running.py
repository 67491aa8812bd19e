"""The running averages batch norm uses at inference: PyTorch's momentum 0.1 is Keras' momentum 0.9."""
import math

import numpy as np

BATCH, FEATURES = 8, 3
TORCH_MOMENTUM, TORCH_EPS = 0.1, 1e-5  # torch.nn.BatchNorm1d's defaults
KERAS_MOMENTUM, KERAS_EPSILON = 0.99, 1e-3  # keras.layers.BatchNormalization's defaults
SEED = 0
rng = np.random.default_rng(SEED)
x = rng.normal(5.0, 2.0, (BATCH, FEATURES))  # one training batch
mean, var, unbiased = x.mean(axis=0), x.var(axis=0), x.var(axis=0, ddof=1)

# Both start from running mean 0 and running variance 1, and see one batch.
torch_mean = (1 - TORCH_MOMENTUM) * 0.0 + TORCH_MOMENTUM * mean  # momentum = weight of the NEW batch
torch_var = (1 - TORCH_MOMENTUM) * 1.0 + TORCH_MOMENTUM * unbiased  # stores the unbiased variance
keras_mean = KERAS_MOMENTUM * 0.0 + (1 - KERAS_MOMENTUM) * mean  # momentum = weight of the OLD average
keras_var = KERAS_MOMENTUM * 1.0 + (1 - KERAS_MOMENTUM) * var  # stores the biased variance
print(f"batch mean = {np.round(mean, 4).tolist()}")
print(f"PyTorch rule, running mean after one batch = {np.round(torch_mean, 4).tolist()}")
print(f"PyTorch rule, running variance after one batch = {np.round(torch_var, 4).tolist()}")
print(f"Keras rule, moving mean after one batch = {np.round(keras_mean, 4).tolist()}")
print(f"Keras rule, moving variance after one batch = {np.round(keras_var, 4).tolist()}")
for name, keep in [("PyTorch momentum 0.1", 1 - TORCH_MOMENTUM), ("Keras momentum 0.99", KERAS_MOMENTUM),
                   ("Keras momentum 0.1 (copied from PyTorch)", 0.1)]:
    print(f"{name}: an old batch's weight halves every {math.log(0.5) / math.log(keep):.2f} steps")
