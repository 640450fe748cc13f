"""Reductions: sum, mean. Their rules spread the gradient back over the reduced axes."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from .._broadcast import normalize_dims
from ..tensor import Tensor
from ._core import HANDLED, defop

__all__ = [
    "sum",
    "mean",
]


def _kept_shape(shape: tuple, axes: tuple | None) -> tuple:
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def expand_back(g: Any, shape: tuple, axes: tuple | None, keepdims: bool) -> Any:
    """The adjoint of a sum over `axes`: put the reduced axes back and broadcast."""
    if not keepdims:
        g = g.reshape(_kept_shape(shape, axes))
    return np.broadcast_to(g, shape)


def _sum_fwd(x, axes, keepdims, shape, npdt):
    return np.sum(x, axis=axes, keepdims=keepdims, dtype=npdt)


_sum0 = defop("sum", _sum_fwd, "SumBackward0",
              x=lambda g, out, x, axes, keepdims, shape, npdt: expand_back(g, shape, axes, keepdims))
_sum1 = defop("sum_dim", _sum_fwd, "SumBackward1",
              x=lambda g, out, x, axes, keepdims, shape, npdt: expand_back(g, shape, axes, keepdims))


def _mean_fwd(x, axes, keepdims, shape, n):
    return np.mean(x, axis=axes, keepdims=keepdims)


_mean0 = defop("mean", _mean_fwd, "MeanBackward0",
               x=lambda g, out, x, axes, keepdims, shape, n: expand_back(g, shape, axes, keepdims) / n)
_mean1 = defop("mean_dim", _mean_fwd, "MeanBackward1",
               x=lambda g, out, x, axes, keepdims, shape, n: expand_back(g, shape, axes, keepdims) / n)


def _dims(input: Tensor, dim: Any, axis: Any) -> tuple | None:
    if axis is not None:
        if dim is not None:
            raise TypeError("sum(): got both 'dim' and its NumPy alias 'axis'")
        dim = axis
    return normalize_dims(dim, input._data.ndim)


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
        axis: Any = None, keepdims: bool | None = None) -> Tensor:  # noqa: A001
    """Sum of all elements, or over `dim` (int or tuple). Integer and bool sums give int64."""
    if type(input) is not Tensor:
        raise TypeError(f"sum(): argument 'input' must be Tensor, not {type(input).__name__}")
    if keepdims is not None:
        keepdim = keepdims
    d = input._data
    axes = _dims(input, dim, axis)
    if dtype is not None:
        npdt = _dtype.to_dtype(dtype).np
    else:
        npdt = np.dtype(np.int64) if d.dtype.kind in "biu" else None
    if axes is not None and d.ndim == 0:
        axes = None
    op = _sum0 if dim is None and axis is None else _sum1
    return op(input, axes, bool(keepdim), d.shape, npdt)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
         axis: Any = None, keepdims: bool | None = None) -> Tensor:
    """Mean of all elements, or over `dim`. Refuses integer input, as PyTorch does."""
    if keepdims is not None:
        keepdim = keepdims
    d = input._data
    if dtype is not None:
        input = input.to(dtype)
        d = input._data
    if d.dtype.kind not in "fc":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_dtype.from_np(d.dtype).name.capitalize().replace('Int64', 'Long')}"
            " (convert first: x.float().mean())")
    axes = _dims(input, dim, axis)
    if axes is not None and d.ndim == 0:
        axes = None
    n = d.size if axes is None else int(np.prod([d.shape[a] for a in axes]))
    op = _mean0 if dim is None and axis is None else _mean1
    return op(input, axes, bool(keepdim), d.shape, n)


Tensor.sum = sum
Tensor.mean = mean
HANDLED.update({np.sum: sum, np.mean: mean})
