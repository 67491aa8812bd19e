"""Patient 1 before and after a fix: the same run, with global-norm clipping passed to train as a transform."""
import fixlab
import gradlab
import numpy as np

CLIP = 1.0  # threshold on the global gradient norm

before = gradlab.train(**fixlab.patient())
step, quantity, where = before.first_nan
print(f"no fix: first NaN at step = {step} ({quantity}, {where})")

after = gradlab.train(**fixlab.patient(), transform=fixlab.clip_global(CLIP))
norms = after.array("total_grad_norm")  # recorded before the transform
print(f"clipped: steps run = {len(after.loss)}")
print(f"clipped: first NaN = {after.first_nan}")
print(f"clipped: loss at step 0 = {after.loss[0]:.1f}")
print(f"clipped: loss at step 299 = {after.loss[-1]:.1f}")
print(f"clipped: steps whose norm exceeded {CLIP} = {np.sum(norms > CLIP)} of {len(norms)}")
print(f"clipped: median gradient norm before clipping = {np.median(norms):,.0f}")
