"""feathergrad: PyTorch's automatic differentiation, rebuilt in Python on NumPy.

    import feathergrad as torch
    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 2 + 2 * x + 1
    y.backward()
    x.grad            # tensor(6.)

Public names follow PyTorch. Each module below lists its public names in ``__all__``;
subpackages (nn, optim, linalg, ...) are imported on first use, so ``import feathergrad`` stays
fast.
"""

from __future__ import annotations

import importlib as _importlib
from typing import Any as _Any

from . import autograd
from ._compare import *  # noqa: F403
from ._dtype import *  # noqa: F403
from ._dtype import bool, float, int  # noqa: A004  (PyTorch's dtype names)
from ._legacy import *  # noqa: F403
from ._queries import *  # noqa: F403
from ._printing import get_printoptions, printoptions, set_printoptions
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                                 is_inference_mode_enabled, no_grad, set_grad_enabled)
from .creation import *  # noqa: F403
from .ops.binary_ext import *  # noqa: F403
from .ops.clamp_lerp import *  # noqa: F403
from .ops.convert import *  # noqa: F403
from .ops.counting import *  # noqa: F403
from .ops.diag import *  # noqa: F403
from .ops.einsum import *  # noqa: F403
from .ops.extrema import *  # noqa: F403
from .ops.grids import *  # noqa: F403
from .ops.gamma import *  # noqa: F403
from .ops.elementwise import *  # noqa: F403
from .ops.index import *  # noqa: F403
from .ops.join import *  # noqa: F403
from .ops.linalg import *  # noqa: F403
from .ops.linalg_solve import *  # noqa: F403
from .ops.logical import *  # noqa: F403
from .ops.norms import *  # noqa: F403
from .ops.numeric import *  # noqa: F403
from .ops.products import *  # noqa: F403
from .ops.reduce import *  # noqa: F403
from .ops.scatter import *  # noqa: F403
from .ops.scatter_ext import *  # noqa: F403
from .ops.scan import *  # noqa: F403
from .ops.shape import *  # noqa: F403
from .ops.sorting import *  # noqa: F403
from .ops.stats import *  # noqa: F403
from .ops.unary_ext import *  # noqa: F403
from .random import *  # noqa: F403
from .tensor import Size, Tensor, device, is_tensor

__version__ = "0.1.0"

# Subpackages and attributes loaded on first access: name -> module (relative to this package)
_LAZY_MODULES = {"nn", "optim", "utils", "linalg", "testing", "cuda", "backends", "func", "viz",
                 "accelerator", "special", "mps"}
_LAZY_ATTRS: dict[str, tuple[str, str]] = {   # name -> (module, attribute)
    "return_types": ("ops", "return_types"),
    "save": ("serialization", "save"), "load": ("serialization", "load"),
    "softmax": ("nn.functional", "softmax"), "log_softmax": ("nn.functional", "log_softmax"),
    "plot": ("viz", "plot_derivative"), "explain": ("viz", "explain"),
    "why_no_grad": ("viz", "why_no_grad"),
    **{n: ("ops.linalg_decomp", n) for n in ("svd", "cholesky", "pinverse", "matrix_exp",
                                             "matrix_power", "triangular_solve", "qr")},
}


def __getattr__(name: str) -> _Any:
    if name in _LAZY_MODULES:
        mod = _importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    if name in _LAZY_ATTRS:
        mod_name, attr = _LAZY_ATTRS[name]
        value = getattr(_importlib.import_module(f".{mod_name}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'feathergrad' has no attribute '{name}'")


def numel(input: Tensor) -> int:
    """Number of elements of `input`."""
    if not isinstance(input, Tensor):
        raise TypeError("numel(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input.numel()
