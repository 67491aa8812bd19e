"""Spectral radius versus largest singular value: a non-normal matrix's powers grow, then decay."""
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
W = np.array([[0.5, 10.0], [0.0, 0.5]])  # both eigenvalues are 0.5, but it shears
STEPS = 30
N, RHO = 64, 0.9  # a random N x N Gaussian matrix, rescaled to spectral radius RHO


def spectral_radius(A):
    return np.abs(np.linalg.eigvals(A)).max()


def power_norms(A, steps):
    """||A^k||_2 (the largest singular value of A^k) for k = 0 ... steps."""
    return np.array([np.linalg.norm(np.linalg.matrix_power(A, k), ord=2) for k in range(steps + 1)])


norms = power_norms(W, STEPS)
print(f"spectral radius rho(W) = {spectral_radius(W):.4f}")
print(f"largest singular value ||W||_2 = {norms[1]:.4f}")
print(f"largest ||W^k||_2 = {norms.max():.4f} at k = {norms.argmax()}")
print(f"first k with ||W^k||_2 < 1 = {np.argmax(norms[1:] < 1) + 1}")
print(f"||W^100||_2^(1/100) = {np.linalg.norm(np.linalg.matrix_power(W, 100), ord=2) ** 0.01:.4f}")

rng = np.random.default_rng(SEED)
R = rng.standard_normal((N, N))
R *= RHO / spectral_radius(R)
random_norms = power_norms(R, STEPS)
print(f"random {N}x{N}, rho = {RHO}: ||R||_2 = {random_norms[1]:.2f}, "
      f"largest ||R^k||_2 = {random_norms.max():.2f}")

# Different matrices in turn: each has spectral radius 0, yet every step stretches by ||A||_2 = 2.
A = np.array([[0.0, 2.0], [0.0, 0.0]])
B = A.T
P = np.eye(2)
for step in range(10):
    P = (A if step % 2 == 0 else B) @ P
print(f"rho(A) = rho(B) = {spectral_radius(A):.0f}, "
      f"||A||_2 = ||B||_2 = {np.linalg.norm(A, ord=2):.0f}")
print(f"||B A B A ... (10 factors)||_2 = {np.linalg.norm(P, ord=2):.0f}")

ks = np.arange(STEPS + 1)
fig, ax = plt.subplots(figsize=(5.6, 5), layout="constrained")
ax.semilogy(ks, norms, "o-", color="C0", markersize=3, label="||W^k||, W = [[0.5, 10], [0, 0.5]]")
ax.semilogy(ks, 0.5**ks, "--", color="C0", linewidth=1, label="rho(W)^k = 0.5^k")
ax.semilogy(ks, random_norms, "o-", color="C1", markersize=3,
            label=f"||R^k||, random {N}x{N} with rho = {RHO}")
ax.semilogy(ks, RHO**ks, "--", color="C1", linewidth=1, label=f"rho(R)^k = {RHO}^k")
ax.axhline(1, color="0.5", linewidth=1)
ax.set_xlabel("power k")
ax.set_ylabel("largest singular value of the k-th power")
ax.set_title("Spectral radius below 1, yet the powers first grow")
ax.set_ylim(1e-4, 1e2)
fig.legend(loc="outside lower center")
plt.show()
