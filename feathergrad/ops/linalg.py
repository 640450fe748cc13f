"""Matrix products. One rule pair covers every matmul case (1-D, 2-D, batched with
broadcasting); OpNode sums broadcast batch axes back."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._core import HANDLED, _as_tensor_arg, defop

__all__ = [
    "matmul",
]


def _c_name(npdt: np.dtype) -> str:
    """PyTorch's C++ name of a dtype, as its error messages spell it."""
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}.get(str(npdt), str(npdt))


def _ga(g, out, a, b):
    if b.ndim == 1:
        if a.ndim == 1:
            return g * b
        return np.expand_dims(g, -1) * b
    if a.ndim == 1:
        return np.matmul(b, np.expand_dims(g, -1))[..., 0]
    return np.matmul(g, np.swapaxes(b, -1, -2))


def _gb(g, out, a, b):
    if a.ndim == 1:
        if b.ndim == 1:
            return g * a
        return np.expand_dims(a, -1) * np.expand_dims(g, -2)
    if b.ndim == 1:
        return np.matmul(np.swapaxes(a, -1, -2), np.expand_dims(g, -1))[..., 0]
    return np.matmul(np.swapaxes(a, -1, -2), g)


def _mm(a, b):
    return np.matmul(a, b)


_dot = defop("dot", _mm, "DotBackward0", a=_ga, b=_gb)
_mv = defop("mv", _mm, "MvBackward0", a=_ga, b=_gb)
_mmop = defop("mm", _mm, "MmBackward0", a=_ga, b=_gb)
# NOTE: PyTorch names batched products after its internal reshapes; we keep its top node's name
_bmm = defop("matmul", _mm, "UnsafeViewBackward0", a=_ga, b=_gb)
_vm = defop("vm", _mm, "SqueezeBackward4", a=_ga, b=_gb)


def matmul(input: Any, other: Any) -> Tensor:
    """Matrix product with NumPy/PyTorch semantics for 1-D, 2-D and batched operands."""
    if type(input) is not Tensor or type(other) is not Tensor:
        input, other = _as_tensor_arg(input, "matmul"), _as_tensor_arg(other, "matmul")
    a, b = input._data, other._data
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a.ndim}D and {b.ndim}D")
    ka = a.shape[-1]
    kb = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if ka != kb:
        if a.ndim == 1 and b.ndim == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src "
                               f"[{b.shape[0]}] to have the same number of elements, but got "
                               f"{a.shape[0]} and {b.shape[0]} elements respectively")
        sa = "x".join(map(str, a.shape if a.ndim == 2 else (1,) * (a.ndim < 2) + a.shape))
        sb = "x".join(map(str, b.shape if b.ndim == 2 else b.shape + (1,) * (b.ndim < 2)))
        if a.ndim > 2 or b.ndim > 2:
            sa = "x".join(map(str, a.shape[-2:])) if a.ndim > 1 else f"1x{a.shape[0]}"
            sb = "x".join(map(str, b.shape[-2:])) if b.ndim > 1 else f"{b.shape[0]}x1"
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa} and {sb})")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_c_name(a.dtype)} != {_c_name(b.dtype)}")
    if a.ndim == 1:
        op = _dot if b.ndim == 1 else (_vm if b.ndim == 2 else _bmm)
    elif a.ndim == 2:
        op = _mv if b.ndim == 1 else (_mmop if b.ndim == 2 else _bmm)
    else:
        op = _bmm
    return op(input, other)


def _rmatmul(self: Tensor, other: Any) -> Tensor:
    return matmul(other, self)


Tensor.__matmul__ = Tensor.matmul = matmul
Tensor.__rmatmul__ = _rmatmul
HANDLED.update({np.matmul: matmul})
