"""A linear warm-up in Keras: a LearningRateSchedule subclass, and CosineDecay's built-in warm-up."""
import keras

LR, WARMUP, TOTAL = 0.2, 50, 200


class LinearWarmup(keras.optimizers.schedules.LearningRateSchedule):
    """LR / WARMUP at step 0, rising linearly to LR at step WARMUP - 1, then constant."""

    def __init__(self, lr, warmup_steps):
        self.lr, self.warmup_steps = lr, warmup_steps

    def __call__(self, step):
        step = keras.ops.cast(step, "float32")
        return self.lr * keras.ops.minimum(1.0, (step + 1.0) / self.warmup_steps)


built_in = keras.optimizers.schedules.CosineDecay(  # warm-up from 0, then cosine decay to 0
    initial_learning_rate=0.0, decay_steps=TOTAL - WARMUP, warmup_target=LR, warmup_steps=WARMUP)
for name, schedule in [("LinearWarmup", LinearWarmup(LR, WARMUP)), ("CosineDecay", built_in)]:
    optimizer = keras.optimizers.SGD(learning_rate=schedule)  # evaluated at optimizer.iterations
    weight, moves = keras.Variable([0.0]), []
    for step in range(WARMUP + 1):  # a gradient of 1: each update moves the weight by the rate
        before = float(weight.numpy()[0])
        optimizer.apply_gradients([(keras.ops.ones((1,)), weight)])
        moves.append(before - float(weight.numpy()[0]))
    for step in [0, 1, 2, 48, 49, 50]:
        print(f"{name}: lr at step {step} = {moves[step]:.6g}")
