"""Cumulative ops: cumsum and cumprod along one dim.

cumsum's gradient is the reversed cumulative sum of the incoming gradient. cumprod's is
``reversed_cumsum(g * out) / x`` when no element is zero; with zeros, PyTorch's formula for
the product of the other elements (O(n) on the first-order path, O(n^2) but differentiable
under ``create_graph=True``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor, _wrap_dim
from ._core import HANDLED, defop
from .reduce import check_tensor, data

__all__ = [
    "cumsum",
    "cumprod",
]


def _rcumsum(g: Any, ax: int) -> Any:
    """sum_{j >= i} g_j along `ax` (flip, cumsum, flip: differentiable, exact)."""
    return np.flip(np.cumsum(np.flip(g, ax), axis=ax), ax)


def _cumsum_fwd(x, ax, npdt):
    return np.cumsum(x, axis=ax, dtype=npdt) if x.ndim else x.astype(npdt or x.dtype)


def _cumsum_rule(g, out, x, ax, npdt):
    if g.ndim == 0 or g.shape[ax] == 1:
        return g
    return _rcumsum(g, ax)


def _cumprod_fwd(x, ax, npdt):
    return np.cumprod(x, axis=ax, dtype=npdt) if x.ndim else x.astype(npdt or x.dtype)


def _cumprod_rule(g, out, x, ax, npdt):
    if g.ndim == 0 or g.shape[ax] <= 1 or data(x).size <= 1:
        return g
    if not (data(x) == 0).any():
        return _rcumsum(out * g, ax) / x
    if type(x) is Tensor:
        return _cumprod_back_graph(g, x, ax)
    return _cumprod_back_zeros(g, x, out, ax)


def _cumprod_back_zeros(g: np.ndarray, x: np.ndarray, out: np.ndarray, ax: int) -> np.ndarray:
    """First-order cumprod gradient with zeros, O(n) (PyTorch's mask algorithm).

    Before the first zero z1: reversed_cumsum(g * out) / x. At z1: prod(x[:z1]) times
    sum_{z1 <= i < z2} g_i * prod(x[z1+1:i+1]) (z2 the second zero). After z1: 0.
    """
    x, g, out = (np.moveaxis(a, ax, -1) for a in (x, g, out))
    zero = x == 0
    nz = np.cumsum(zero, axis=-1)
    before = nz == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        res = np.where(before, _rcumsum(np.where(before, out * g, 0), -1) / x, 0)
    first = zero & (nz == 1)
    between = (nz == 1) & ~first
    zi = np.argmax(first, axis=-1)[..., None]
    left = np.where(zi == 0, 1, np.take_along_axis(out, np.maximum(zi - 1, 0), -1))
    run = np.cumprod(np.where(between, x, 1), axis=-1)
    total = np.sum(np.where(nz == 1, g * run, 0), axis=-1, keepdims=True)
    res = np.where(first, left * total, res)
    return np.moveaxis(res, -1, ax).astype(x.dtype, copy=False)


def _cumprod_back_graph(g: Tensor, x: Tensor, ax: int) -> Tensor:
    """cumprod's gradient with zeros, written in differentiable ops (for higher orders):
    grad_k = prod_{j<k} x_j * sum_{i>=k} g_i * prod_{k<j<=i} x_j, as n x n matrices."""
    xs, gs = np.moveaxis(x, ax, -1), np.moveaxis(g, ax, -1)
    n = xs.shape[-1]
    k = np.arange(n)
    after = k[None, :] > k[:, None]                     # [k, j]: j > k
    run = np.cumprod(np.where(after, xs[..., None, :], 1), axis=-1)   # prod_{k<j<=i} x_j
    total = np.where(k[None, :] >= k[:, None], gs[..., None, :] * run, 0).sum(-1)
    left = np.where(k[None, :] < k[:, None], xs[..., None, :], 1).prod(-1)
    return np.moveaxis(left * total, -1, ax)


_cumsum = defop("cumsum", _cumsum_fwd, "CumsumBackward0", x=_cumsum_rule)
_cumprod = defop("cumprod", _cumprod_fwd, "CumprodBackward0", x=_cumprod_rule)


def _scan(op: Any, input: Tensor, dim: Any, dtype: Any, fname: str) -> Tensor:
    check_tensor(input, fname)
    if dim is None:
        raise TypeError(f"{fname}() missing 1 required positional arguments: \"dim\"")
    if dtype is not None:
        input = input.to(dtype)
    d = input._data
    ax = _wrap_dim(int(dim), d.ndim)
    npdt = np.dtype(np.int64) if d.dtype.kind in "biu" else None
    return op(input, ax, npdt)


def cumsum(input: Tensor, dim: int | None = None, *, dtype: Any = None,
           axis: int | None = None) -> Tensor:
    """Cumulative sum along `dim`; integer and bool inputs give int64.

    >>> cumsum(tensor([1., 2., 3.]), 0)
    tensor([1., 3., 6.])
    """
    return _scan(_cumsum, input, dim if axis is None else axis, dtype, "cumsum")


def cumprod(input: Tensor, dim: int | None = None, *, dtype: Any = None,
            axis: int | None = None) -> Tensor:
    """Cumulative product along `dim`; integer and bool inputs give int64.

    The gradient is exact where elements are zero (PyTorch's convention): element k gets
    sum over i >= k of g_i times the product of x_0..x_i without x_k.

    >>> cumprod(tensor([1., 2., 3.]), 0)
    tensor([1., 2., 6.])
    """
    return _scan(_cumprod, input, dim if axis is None else axis, dtype, "cumprod")


def _np_scan(f: Any) -> Any:
    def fn(a, axis=None, dtype=None, out=None):
        if axis is None:
            a, axis = a.reshape(-1), 0
        return f(a, axis, dtype=None if dtype is None else _dtype.to_dtype(dtype))
    return fn


Tensor.cumsum = cumsum
Tensor.cumprod = cumprod
HANDLED.update({np.cumsum: _np_scan(cumsum), np.cumprod: _np_scan(cumprod)})
