"""``torch.backends``: which compute backends this build has. feathergrad computes with NumPy
on the CPU, so every accelerator backend reports itself unavailable; the tuning flags
(``cudnn.benchmark``, ``cuda.matmul.allow_tf32``, ...) can be set and change nothing.

>>> import feathergrad as torch
>>> torch.backends.mps.is_available()
False
"""

from . import cuda, cudnn, mkldnn, mps, openmp

__all__ = ["cuda", "cudnn", "mkldnn", "mps", "openmp"]
