"""Value comparisons that are not ops: isclose, allclose, equal.

They compare values only: the results are plain (boolean tensors or Python bools), never part of
the graph, so they accept tensors that require grad.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _dtype
from .tensor import Tensor

__all__ = ["isclose", "allclose", "equal"]

# PyTorch's ScalarType names, as its "Float did not match Double" message prints them
_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
                 "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                 "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _arr(x: Any, fn: str, arg: str, pos: int) -> np.ndarray:
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f"{type(x).__name__}")
    return x._data


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float, equal_nan: bool) -> np.ndarray:
    if a.dtype != b.dtype:
        raise RuntimeError(f"{_SCALAR_NAMES[a.dtype.name]} did not match "
                           f"{_SCALAR_NAMES[b.dtype.name]}\nfeathergrad: convert one side "
                           "first, e.g. torch.isclose(a, b.to(a.dtype)).")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        from .ops._core import _broadcast_error
        raise _broadcast_error(a, b) from None
    close = a == b
    kind = a.dtype.kind
    if equal_nan and kind in "fc":
        close |= np.isnan(a) & np.isnan(b)
    if rtol == 0 and atol == 0:
        return close
    with np.errstate(invalid="ignore", over="ignore"):
        if kind in "fc":
            # NOTE: computed in the tensors' own precision, as PyTorch does (float32 stays float32)
            real = np.dtype(a.real.dtype)
            allowed = np.abs(b * real.type(rtol)) + real.type(atol)
            actual = np.abs(a - b)
            close |= np.isfinite(actual) & (actual <= allowed)
        else:
            # integers and bools: the tolerance is a default-float tensor (rtol * other)
            f = _dtype._default[0].np
            if kind == "b":
                a, b = a.astype(f), b.astype(f)
            allowed = np.abs(b.astype(f) * f.type(rtol)) + f.type(atol)
            close |= np.abs(a - b).astype(f) <= allowed
    return close


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|`` (broadcast), as a bool tensor.

    Infinities are close only to the same infinity; NaNs only to NaNs, and only with
    ``equal_nan=True``. Both tensors must have the same dtype. Not differentiable.

    >>> isclose(tensor([1., 2.]), tensor([1., 2.1]))
    tensor([ True, False])
    """
    a, b = _arr(input, "isclose", "input", 1), _arr(other, "isclose", "other", 2)
    return Tensor._make(np.asarray(_close(a, b, rtol, atol, equal_nan)))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether every element of `input` is close to `other` (see `isclose`): a Python bool.

    >>> allclose(tensor([1., 2.]), tensor([1., 2.000001]))
    True
    """
    a, b = _arr(input, "allclose", "input", 1), _arr(other, "allclose", "other", 2)
    return bool(np.all(_close(a, b, rtol, atol, equal_nan)))


def equal(input: Tensor, other: Tensor) -> bool:
    """True if both tensors have the same shape and the same values (NaN equals nothing);
    different dtypes are compared after promotion.

    >>> equal(tensor([1, 2]), tensor([1., 2.]))
    True
    """
    a, b = _arr(input, "equal", "input", 1), _arr(other, "equal", "other", 2)
    return a.shape == b.shape and bool(np.array_equal(a, b))


Tensor.isclose = isclose
Tensor.allclose = allclose
Tensor.equal = equal
