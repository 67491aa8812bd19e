"""Slightly above 1 but deep: how a per-layer factor compounds, and where each float format gives up."""
import math

import matplotlib.pyplot as plt
import numpy as np

DEPTH = 100
FACTORS = [0.9, 1.1, 1.5, 2.34]  # per-layer factor |w * f'(z)|
LARGEST = {  # largest finite value of each format
    "float16": float(np.finfo(np.float16).max),
    "bfloat16, float32": float(np.finfo(np.float32).max),  # bfloat16: 3.39e38, same exponent range
    "float64": float(np.finfo(np.float64).max),
}

for factor in FACTORS:
    print(f"{factor}^{DEPTH} = {factor ** DEPTH:.4g}")

depths = np.arange(0, 901)
fig, ax = plt.subplots()
for factor in FACTORS:
    ax.plot(depths, depths * math.log10(factor), label=f"factor {factor}")
for (name, largest), style in zip(LARGEST.items(), [":", "--", "-."]):
    ax.axhline(math.log10(largest), color="0.5", linestyle=style, linewidth=1.2)
    left = name == "float64"  # the other two labels go right, clear of the steep lines
    ax.annotate(f"largest {name}", (5 if left else 895, math.log10(largest)), xytext=(0, 4),
                textcoords="offset points", ha="left" if left else "right")
ax.set_xlabel("depth (number of layers the gradient passes through)")
ax.set_ylabel("log10 |gradient|")
ax.set_title("A per-layer factor, compounded over depth")
ax.set_ylim(-60, 330)
ax.legend(loc="upper left", bbox_to_anchor=(0, 0.9))
plt.show()
