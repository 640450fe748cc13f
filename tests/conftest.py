import os

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

try:
    import torch  # noqa: F401
    HAVE_TORCH = True
except ImportError:  # pragma: no cover - torch is optional
    HAVE_TORCH = False


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with feathergrad's defaults (dtype, grad mode, print options)."""
    import feathergrad as fg
    fg.set_default_dtype(fg.float32)
    yield
    fg.set_default_dtype(fg.float32)
    if not fg.is_grad_enabled():
        fg.set_grad_enabled(True)
    np.seterr(all="warn")
