"""feathergrad: PyTorch's automatic differentiation, rebuilt in Python on NumPy.

    import feathergrad as torch
    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 2 + 2 * x + 1
    y.backward()
    x.grad            # tensor(6.)
"""

from __future__ import annotations

from . import ops as _ops  # noqa: F401  (attaches the ops to Tensor)
from . import autograd
from ._dtype import (bfloat16, bool, can_cast, cdouble, cfloat, complex64, complex128, double,
                     dtype, finfo, float, float16, float32, float64, get_default_dtype, half,
                     iinfo, int, int8, int16, int32, int64, long, promote_types, result_type,
                     set_default_dtype, short, uint8)
from ._printing import get_printoptions, printoptions, set_printoptions
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                                 is_inference_mode_enabled, no_grad, set_grad_enabled)
from .creation import (Generator, arange, as_tensor, empty, empty_like, eye, from_numpy, full,
                       full_like, linspace, logspace, manual_seed, normal, ones, ones_like, rand,
                       rand_like, randint, randint_like, randn, randn_like, randperm, seed,
                       tensor, zeros, zeros_like)
from .ops.convert import clone
from .ops.elementwise import (abs, add, clamp, cos, div, eq, exp, ge, gt, le, log, lt, mul, ne,
                              neg, pow, reciprocal, relu, rsub, sigmoid, sign, sin, sqrt, sub,
                              tanh, true_divide, where)
from .ops.elementwise import torch_add as _torch_add
from .ops.elementwise import torch_sub as _torch_sub
from .ops.linalg import matmul
from .ops.reduce import mean, sum
from .ops.shape import expand, flatten, permute, reshape, squeeze, t, transpose, unsqueeze
from .tensor import Size, Tensor, device, is_tensor

add = _torch_add  # noqa: F811  (the public add/sub take alpha=)
sub = _torch_sub  # noqa: F811
clip = clamp
negative = neg
absolute = abs
multiply = mul
divide = div
subtract = sub
swapaxes = swapdims = transpose

__version__ = "0.1.0"


def numel(input: Tensor) -> int:
    return input.numel()
