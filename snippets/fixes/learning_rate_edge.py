"""The largest constant learning rate that trains patient 1's net at He's scale, by bisection."""
import gradlab
import numpy as np

LOW, HIGH = 0.01, 0.02   # from the sweep: 0.01 trains, 0.02 diverges
PRECISION = 1.005        # stop when HIGH / LOW is below this: the edge to within 0.5 %
STEPS, BATCH, SEED = 200, 32, 0
task = gradlab.regression_task()


def trains(lr):
    """Plain SGD at a constant rate: True if the loss is finite and below predicting the mean."""
    model = gradlab.MLP([8] + [32] * 10 + [1], "relu", init_scale=2**0.5, seed=SEED)
    rng = np.random.default_rng(SEED)
    with np.errstate(all="ignore"):
        for step in range(STEPS):
            idx = rng.choice(len(task.x), BATCH, replace=False)
            error = model.forward(task.x[idx]) - task.y[idx]
            if not np.isfinite(np.mean(error**2)):
                return False
            for name, g in model.backward(2 * error / error.size).items():
                model.params[name] -= lr * g
        return np.mean((model.forward(task.x) - task.y) ** 2) < task.y.var()


low, high, runs = LOW, HIGH, 0
while high / low > PRECISION:
    middle = np.sqrt(low * high)  # bisect on a log scale
    low, high = (middle, high) if trains(middle) else (low, middle)
    runs += 1
print(f"bisection runs = {runs}")
print(f"largest constant rate that trains = {low:.5f}")
print(f"smallest constant rate that diverges = {high:.5f}")
