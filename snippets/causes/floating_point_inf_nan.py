"""How a float16 value becomes inf, and the three ways inf becomes NaN."""
import numpy as np

LARGEST = np.finfo(np.float16).max  # 65504


def relu(x):
    return np.maximum(x, 0)


with np.errstate(over="ignore", invalid="ignore"):
    inf = np.float16(LARGEST) * np.float16(2)
    print(f"65504 * 2 in float16 = {inf}")
    print(f"float16(65519) = {np.float16(65519)}")  # rounds down to 65504
    print(f"float16(65520) = {np.float16(65520)}")  # halfway to the next step: rounds to inf
    print(f"inf - inf = {inf - inf}")
    print(f"0 * inf = {np.float16(0) * inf}")
    print(f"inf / inf = {inf / inf}")
    nan = inf - inf
    print(f"relu(inf) = {relu(inf)}, relu(-inf) = {relu(-inf)}, relu(nan) = {relu(nan)}")
    print(f"nan == nan: {nan == nan}")  # the one value not equal to itself
