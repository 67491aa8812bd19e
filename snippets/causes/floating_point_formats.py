"""Range and precision of float16, bfloat16, float32 and float64."""
import math

import matplotlib.pyplot as plt
import numpy as np


def bfloat16(bits):
    """Decode bfloat16 bits (1 sign, 8 exponent, 7 fraction bits): the top half of a float32."""
    return float(np.array([bits << 16], dtype=np.uint32).view(np.float32)[0])


def finfo(dtype):
    info = np.finfo(dtype)
    return [float(x) for x in (info.max, info.smallest_normal, info.smallest_subnormal, info.eps)]


# Per format: largest, smallest normal, smallest subnormal, epsilon (from 1 to the next number)
BFLOAT16 = [bfloat16(0b0_11111110_1111111), bfloat16(0b0_00000001_0000000),  # NumPy has no bfloat16
            bfloat16(0b0_00000000_0000001), bfloat16(0b0_01111111_0000001) - 1]
FORMATS = {"float16": finfo(np.float16), "bfloat16": BFLOAT16,
           "float32": finfo(np.float32), "float64": finfo(np.float64)}

print(f"{'':>9} {'largest':>11} {'smallest normal':>16} {'smallest subnormal':>19} {'epsilon':>11}")
for name, values in FORMATS.items():
    print(f"{name:>8}: " + " ".join(f"{v:>{w}.5g}" for v, w in zip(values, [11, 16, 19, 11])))

fig, ax = plt.subplots(figsize=(5.6, 4.4))
for i, (name, (largest, normal, subnormal, eps)) in enumerate(FORMATS.items()):
    digits = -math.log10(eps)  # decimal digits of precision
    ax.plot([math.log10(subnormal), math.log10(normal)], [digits, digits], ":", color=f"C{i}")
    ax.plot([math.log10(normal), math.log10(largest)], [digits, digits], "|-", color=f"C{i}",
            linewidth=4, markersize=14)
    ax.annotate(name, (max(math.log10(normal), -48), digits), xytext=(0, 8),
                textcoords="offset points", color=f"C{i}")
ax.axvline(math.log10(65504), color="0.5", linestyle="--", linewidth=1)
ax.annotate("65504", (math.log10(65504), 10), xytext=(4, 0), textcoords="offset points")
ax.axvline(-8, color="0.5", linestyle="--", linewidth=1)
ax.annotate("Adam's eps\n= 1e-8", (-8, 10), xytext=(-4, 0), textcoords="offset points", ha="right")
ax.set_xlim(-50, 45)
ax.set_xlabel("log10 |x|  (solid: normal numbers; dotted: subnormals;\nfloat64 runs on to ±308)")
ax.set_ylabel("decimal digits: -log10(epsilon)")
ax.set_title("Range (across) and precision (up) of four float formats")
ax.set_ylim(0, 18)
plt.show()
