"""The lab's two patients, same seeds, computed in float32 and then entirely in float16."""
import gradlab
import numpy as np

for name, patient in [("patient 1 (MLP)", gradlab.mlp_patient), ("patient 2 (RNN)", gradlab.rnn_patient)]:
    for dtype in [np.float32, np.float16]:
        history = gradlab.train(**patient(dtype=dtype))
        step, quantity, where = history.first_nonfinite
        print(f"{name}, {dtype.__name__}: first inf or NaN at step {step} ({quantity}, {where}), "
              f"gradient norm at step 0 = {history.total_grad_norm[0]:,.0f}")
