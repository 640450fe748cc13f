"""Small Tensor queries and Python-callback helpers PyTorch scripts use: storage_offset,
nbytes, itemsize, is_signed, dim_order, type_as, is_nonzero, is_same_size, apply_, map_; and
the Tensor methods of the decompositions, which load ``ops/linalg_decomp.py`` on first use
(it is not imported with feathergrad, to keep the import fast)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .ops._core import record_inplace_site
from .ops.inplace import check_inplace
from .tensor import Tensor

__all__ = ["is_nonzero", "is_same_size"]


def storage_offset(self: Tensor) -> int:
    """How many elements into its base's storage this view starts (0 for a tensor that owns
    its data)."""
    d = self._data
    base = d
    while isinstance(base.base, np.ndarray):
        base = base.base
    if base is d:
        return 0
    start = base.__array_interface__["data"][0]
    return (d.__array_interface__["data"][0] - start) // d.itemsize


def is_nonzero(input: Tensor) -> bool:
    """Whether a one-element tensor is nonzero (PyTorch's errors otherwise)."""
    return bool(input)


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether both tensors have the same shape."""
    return input.shape == other.shape


def _dim_order(self: Tensor, *, ambiguity_check: Any = False) -> tuple:
    strides = self._data.strides
    return tuple(sorted(range(self._data.ndim), key=lambda i: -strides[i]))


def apply_(self: Tensor, callable: Callable) -> Tensor:
    """Replace each element x by ``callable(x)`` in place (slow: a Python call per element)."""
    check_inplace(self)
    flat = self._data.reshape(-1)
    vals = [callable(v) for v in flat.tolist()]
    self._data[...] = np.asarray(vals, dtype=self._data.dtype).reshape(self._data.shape)
    record_inplace_site(self)
    return self


def map_(self: Tensor, tensor: Tensor, callable: Callable) -> Tensor:
    """Replace each element x by ``callable(x, y)`` with y from `tensor` (broadcast), in
    place."""
    check_inplace(self)
    other = np.broadcast_to(tensor._data, self._data.shape).reshape(-1).tolist()
    vals = [callable(a, b) for a, b in zip(self._data.reshape(-1).tolist(), other)]
    self._data[...] = np.asarray(vals, dtype=self._data.dtype).reshape(self._data.shape)
    record_inplace_site(self)
    return self


def _decomposition(name: str) -> Callable:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        from .ops import linalg_decomp  # replaces these stubs with its functions
        return getattr(linalg_decomp, name)(self, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    return method


for _n in ("svd", "cholesky", "pinverse", "matrix_exp", "matrix_power", "triangular_solve", "qr"):
    setattr(Tensor, _n, _decomposition(_n))
Tensor.storage_offset = storage_offset
Tensor.nbytes = property(lambda self: self._data.nbytes)
Tensor.itemsize = property(lambda self: self._data.itemsize)
Tensor.is_signed = lambda self: self._data.dtype.kind in "ifc"
Tensor.dim_order = _dim_order
Tensor.type_as = lambda self, other: self.to(other.dtype)
Tensor.is_nonzero = is_nonzero
Tensor.is_same_size = is_same_size
Tensor.apply_ = apply_
Tensor.map_ = map_
