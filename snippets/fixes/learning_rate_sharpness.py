"""Sharpness (the Hessian's largest eigenvalue) during training, against the limit 2 / learning rate."""
import gradlab
import matplotlib.pyplot as plt
import numpy as np

LR, WARMUP = 0.2, 50          # about 11 times the largest constant rate that trains
CONSTANT_LR = 0.01            # the best constant rate of the sweep
STEPS = 100
MEASURE = [0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 49, 60, 80, 99]
LANCZOS, H, SEED = 10, 1e-8, 0  # 10 Lanczos steps; finite-difference step 1e-8
task = gradlab.regression_task()


def gradient(model, theta):
    """The full-batch gradient at the flat parameter vector theta, as one flat vector."""
    shapes = [p.shape for p in model.params.values()]
    pieces = np.split(theta, np.cumsum([np.prod(s) for s in shapes])[:-1])
    model.params = {k: v.reshape(s) for k, v, s in zip(model.params, pieces, shapes)}
    error = model.forward(task.x) - task.y
    grads = model.backward(2 * error / error.size)
    return np.concatenate([grads[k].ravel() for k in model.params])


def sharpness(model):
    """Lanczos on Hessian-vector products by central differences: H v = (g(t + hv) - g(t - hv)) / 2h."""
    theta = np.concatenate([p.ravel() for p in model.params.values()])
    rng = np.random.default_rng(SEED)
    q = [rng.standard_normal(theta.size)]
    q[0] = q[0] / np.linalg.norm(q[0])
    alpha, beta = [], []
    for j in range(LANCZOS):
        w = (gradient(model, theta + H * q[j]) - gradient(model, theta - H * q[j])) / (2 * H)
        alpha.append(w @ q[j])
        for v in q:  # full re-orthogonalisation keeps the Krylov basis honest
            w = w - (w @ v) * v
        beta.append(np.linalg.norm(w))
        q.append(w / beta[-1])
    gradient(model, theta)  # put the parameters back
    tridiagonal = np.diag(alpha) + np.diag(beta[:-1], 1) + np.diag(beta[:-1], -1)
    return np.linalg.eigvalsh(tridiagonal)[-1]


runs = [("warm-up to 0.2", lambda s: LR * min(1.0, (s + 1) / WARMUP), "C0"),
        ("constant 0.01", lambda s: CONSTANT_LR, "C3")]
fig, axes = plt.subplots(2, 1, figsize=(5.6, 6.4), sharex=True)
for ax, (name, schedule, colour) in zip(axes, runs):
    curve = {}
    record = lambda step, model, grads: curve.update({step: sharpness(model)}) if step in MEASURE else None
    run = gradlab.mlp_patient(init_scale=2**0.5, dtype=np.float64)  # float64 for the differences
    history = gradlab.train(**{**run, "steps": STEPS}, lr_schedule=schedule, callback=record)
    print(f"{name}: highest loss = {max(history.loss):.3g} at step {int(np.argmax(history.loss))}")
    for step in [1, 4, 49, 99]:
        print(f"{name}, step {step}: sharpness = {curve[step]:.4g}, 2/lr = {2 / schedule(step):.4g}")
    ax.semilogy(list(curve), list(curve.values()), color=colour, marker="o", label="sharpness")
    ax.semilogy(range(STEPS), [2 / schedule(s) for s in range(STEPS)], color="0.5", linestyle="--",
                label="2 / learning rate")
    ax.set(ylabel="largest eigenvalue", title=name)
    ax.legend(loc="upper right")
print(f"sharpness at step 0 = {curve[0]:.4g}, so 2/sharpness = {2 / curve[0]:.4g}")
patient = sharpness(gradlab.mlp_patient(dtype=np.float64)["model"])  # patient 1: init scale 2.0
print(f"patient 1 at step 0: sharpness = {patient:.4g}, 2/sharpness = {2 / patient:.3g}")
axes[1].set_xlabel("training step")
plt.show()
