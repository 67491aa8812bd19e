"""Forward RMS and backward gradient norm through 100 ReLU blocks, with and without residual paths."""
import fixlab
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
WIDTH, BATCH, BLOCKS = 256, 64, 100
REPORT = [10, 50, 100]  # blocks whose numbers are printed
VARIANTS = {  # name: (residual, branch scale, zero-initialised branch, pre-layer-norm, line style)
    "plain": (False, 1.0, False, False, ":"),
    "residual": (True, 1.0, False, False, "-"),
    "residual, branch x 1/sqrt(L)": (True, BLOCKS**-0.5, False, False, "--"),
    "residual, zero-init branch": (True, 1.0, True, False, "-."),
    "residual, pre-layer-norm": (True, 1.0, False, True, (0, (5, 1, 1, 1, 1, 1))),
}


def run(residual, scale, zero, pre_norm):
    """He-initialised blocks h <- h + scale * relu(N(h)) W (or h <- relu(h) W when plain).
    Returns RMS(h_l) / RMS(h_0) and |dL/dh_l| / |dL/dh_L| for l = 0 .. BLOCKS."""
    rng = np.random.default_rng(SEED)  # the same weights and inputs for every variant
    Ws = [rng.normal(0, np.sqrt(2 / WIDTH), (WIDTH, WIDTH)) * (not zero) for _ in range(BLOCKS)]
    hs, caches = [rng.standard_normal((BATCH, WIDTH))], []
    for W in Ws:
        u, cache = fixlab.layer_norm(hs[-1], 1.0, 0.0) if pre_norm else (hs[-1], None)
        branch = np.maximum(u, 0) @ W
        hs.append(hs[-1] + scale * branch if residual else branch)
        caches.append((u, cache))
    g = rng.standard_normal((BATCH, WIDTH))  # dL/dh_L: any upstream gradient
    grads = [np.linalg.norm(g)]
    for W, (u, cache) in zip(Ws[::-1], caches[::-1]):
        du = ((scale if residual else 1.0) * g @ W.T) * (u > 0)
        if pre_norm:
            du = fixlab.layer_norm_backward(du, cache)[0]
        g = g + du if residual else du
        grads.append(np.linalg.norm(g))
    rms = np.array([np.sqrt(np.mean(h**2)) for h in hs])
    return rms / rms[0], np.array(grads[::-1]) / grads[0]


blocks = np.arange(BLOCKS + 1)
figs = [plt.subplots(figsize=(5.6, 4.2)) for _ in range(3)]
(fig1, ax1), (fig2, ax2), (fig3, ax3) = figs
for i, (name, (*settings, style)) in enumerate(VARIANTS.items()):
    rms, grad = run(*settings)
    for block in REPORT:
        print(f"{name}: RMS at block {block} = {rms[block]:.3g}")
    print(f"{name}: gradient norm at block 0 / at block {BLOCKS} = {grad[0]:.3g}")
    ax1.semilogy(rms, linestyle=style, color=f"C{i}", label=name)
    if name != "residual":
        ax2.plot(rms, linestyle=style, color=f"C{i}", label=name)
    ax3.semilogy(grad, linestyle=style, color=f"C{i}", label=name)
ax2.plot(np.sqrt(1 + blocks), color="0.5", linewidth=1, label="theory")
ax2.plot((1 + 1 / BLOCKS) ** (blocks / 2), color="0.5", linewidth=1)
ax1.set(title="Forward: RMS of the residual stream", xlabel="block l", ylabel="RMS(h_l) / RMS(h_0)")
ax2.set(title="Forward, without the unscaled residual", xlabel="block l", ylabel="RMS(h_l) / RMS(h_0)")
ax3.set(title="Backward: gradient at each block", xlabel="block l", ylabel="|dL/dh_l| / |dL/dh_L|")
for ax, where in [(ax1, "upper left"), (ax2, "center right"), (ax3, "upper right")]:
    ax.legend(loc=where)
plt.show()
