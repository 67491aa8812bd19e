"""A one-unit tanh recurrence h_t = tanh(w h_(t-1)): where the gradient explodes, and where it vanishes."""
import math

STEPS = 10
CASES = [(8.0, 0.0), (8.0, 0.01), (8.0, 1.0), (0.5, 0.0), (0.5, 1.0)]  # (state weight w, initial state h_0)

for w, h0 in CASES:
    h, grad = h0, 1.0
    for _ in range(STEPS):
        h = math.tanh(w * h)
        grad *= w * (1 - h * h)  # chain rule: dh_t/dh_(t-1) = w tanh'(w h_(t-1))
    print(f"w = {w}, h_0 = {h0}: h_{STEPS} = {h:.5f}, dh_{STEPS}/dh_0 = {grad:.3e}")
