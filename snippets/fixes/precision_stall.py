"""A thousand updates of +0.001 to a weight of 1, stored in float32, float16 and bfloat16."""
import matplotlib.pyplot as plt
import numpy as np

WEIGHT, UPDATE, STEPS = 1.0, 0.001, 1000


def to_bfloat16(x):
    """Round float32 to the nearest bfloat16 (ties to even): keep the top 16 of the 32 bits."""
    bits = np.asarray(x, np.float32).view(np.uint32)
    bits = bits + np.uint32(0x7FFF) + ((bits >> 16) & np.uint32(1))
    return (bits & np.uint32(0xFFFF0000)).view(np.float32)


def float16(x):
    return np.asarray(x, np.float32).astype(np.float16).astype(np.float32)


def float32(x):
    return np.asarray(x, np.float32)


paths = {}
for name, rounder in [("float32", float32), ("float16", float16), ("bfloat16", to_bfloat16)]:
    w, u, path = rounder(WEIGHT), rounder(UPDATE), []
    for _ in range(STEPS):
        w = rounder(w + u)  # the sum of two such numbers is exact in float32, then rounded once
        path.append(float(w))
    paths[name] = path
    print(f"{name}: weight after {STEPS} updates = {path[-1]:.4f}")
print(f"intended weight = {WEIGHT + STEPS * UPDATE:.4f}")

fig, ax = plt.subplots(figsize=(5.6, 3.6))
for (name, path), colour, style in zip(paths.items(), ["C0", "C1", "C3"], [":", "--", "-"]):
    ax.plot(range(1, STEPS + 1), path, style, color=colour, linewidth=2.5, label=name)
ax.set(xlabel="update", ylabel="weight", title="bfloat16 never moves; float16 moves by 0.000977")
ax.legend(loc="upper left")
plt.show()
