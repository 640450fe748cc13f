"""Order statistics: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, quantile,
nanquantile.

Each differentiable result reads the input at indices found on the data, so each op is a
gather whose backward places the gradient back at those indices (the gather/scatter_add pair
of ``scatter.py``, differentiable to any order). The full median()/nanmedian() split the
gradient evenly among tied elements, as PyTorch does; the others send it to the returned index.
Counting and searching (unique, bincount, searchsorted, ...) are in ``counting.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, _wrap_dim
from . import return_types
from ._core import defop
from .extrema import _even_where, _select_fwd, _select_rule
from .reduce import check_tensor
from .scatter import _gather_back

__all__ = [
    "sort",
    "argsort",
    "msort",
    "topk",
    "kthvalue",
    "median",
    "nanmedian",
    "mode",
    "quantile",
    "nanquantile",
]

_make = Tensor._make


# ---- the index finding (on data, no gradient) ------------------------------------------------
def _order(d: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """Stable sorting indices along `dim`; NaN counts as the largest value (as in PyTorch)."""
    if not descending:
        return np.argsort(d, axis=dim, kind="stable")
    # NOTE: flip, sort ascending, flip back: descending, with ties kept in their original order
    n = d.shape[dim]
    return (n - 1) - np.flip(np.argsort(np.flip(d, dim), axis=dim, kind="stable"), dim)


def _take_fwd(x, idx, dim, shape):
    return np.take_along_axis(x, idx, dim) if x.ndim else x.copy()


def _take_rule(g, out, x, idx, dim, shape):
    return _gather_back(g, dim, idx, shape) if shape else g


_sort = defop("sort", _take_fwd, "SortBackward0", x=_take_rule)
_topk = defop("topk", _take_fwd, "TopkBackward0", x=_take_rule)
_kth = defop("kthvalue", _select_fwd, "KthvalueBackward0", x=_select_rule)
_median_dim = defop("median_dim", _select_fwd, "MedianBackward1", x=_select_rule)
_nanmedian_dim = defop("nanmedian_dim", _select_fwd, "NanmedianBackward1", x=_select_rule)
_mode = defop("mode", _select_fwd, "ModeBackward0", x=_select_rule)
_median_all = defop("median", lambda x, axes, keepdims: _median_value(x, False),
                    "MedianBackward0", x=_even_where)
_nanmedian_all = defop("nanmedian", lambda x, axes, keepdims: _median_value(x, True),
                       "NanmedianBackward0", x=_even_where)


def _dim_of(input: Tensor, dim: int) -> int:
    return _wrap_dim(int(dim), input._data.ndim)


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False, *,
         out: Any = None) -> Any:
    """Sorted values along `dim` and the indices they came from (``torch.return_types.sort``).
    Sorting is stable; NaN sorts as the largest value. The gradient goes back to each value's
    original position.

    >>> sort(tensor([3., 1., 2.])).indices
    tensor([1, 2, 0])
    """
    check_tensor(input, "sort")
    d = input._data
    dim = _dim_of(input, dim)
    idx = _order(d, dim, descending) if d.ndim else np.zeros((), np.int64)
    values = _sort(input, idx, dim, d.shape)
    return return_types.sort((values, _make(idx.astype(np.int64, copy=False))))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False
            ) -> Tensor:
    """The indices that sort `input` along `dim` (stable). Not differentiable.

    >>> argsort(tensor([3., 1., 2.]), descending=True)
    tensor([0, 2, 1])
    """
    check_tensor(input, "argsort")
    d = input._data
    dim = _dim_of(input, dim)
    idx = _order(d, dim, descending) if d.ndim else np.zeros((), np.int64)
    return _make(idx.astype(np.int64, copy=False))


def msort(input: Tensor) -> Tensor:
    """``sort(input, dim=0).values``."""
    return sort(input, 0).values


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True, *,
         out: Any = None) -> Any:
    """The `k` largest (or smallest) values along `dim`, with their indices
    (``torch.return_types.topk``); the gradient goes back to their positions.

    >>> topk(tensor([1., 5., 3., 4.]), 2)
    torch.return_types.topk(
    values=tensor([5., 4.]),
    indices=tensor([1, 3]))
    """
    check_tensor(input, "topk")
    d = input._data
    if d.dtype == np.bool_ and d.size:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    dim = _dim_of(input, dim)
    n = d.shape[dim] if d.ndim else 1
    k = int(k)
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if d.ndim:
        idx = np.take(_order(d, dim, largest), np.arange(k), axis=dim)
    else:
        idx = np.zeros((), np.int64)
    values = _topk(input, idx, dim, d.shape)
    return return_types.topk((values, _make(idx.astype(np.int64, copy=False))))


def _select_at(input: Tensor, op: Any, pos: np.ndarray, dim: int, keepdim: bool, rt: type
               ) -> Any:
    """Values at `pos` (indices along `dim`, kept as a size-1 axis) as ``rt(values, indices)``."""
    d = input._data
    values = op(input, pos, dim, bool(keepdim), d.shape)
    if d.ndim and not keepdim:
        pos = pos.reshape(pos.shape[:dim] + pos.shape[dim + 1:])
    return rt((values, _make(pos.astype(np.int64, copy=False))))


def _nth(d: np.ndarray, dim: int, pos: Any) -> np.ndarray:
    """Index (kept as a size-1 axis) of the element of sorted rank `pos` along `dim`; `pos`
    may be an array (one rank per slice, itself with a size-1 axis at `dim`)."""
    order = _order(d, dim, False)
    pos = np.broadcast_to(np.asarray(pos), order.shape[:dim] + (1,) + order.shape[dim + 1:])
    return np.take_along_axis(order, pos, dim)


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False, *,
             out: Any = None) -> Any:
    """The `k`-th smallest value along `dim` (k counts from 1) and its index.

    >>> kthvalue(tensor([3., 1., 2.]), 2).values
    tensor(2.)
    """
    check_tensor(input, "kthvalue")
    d = input._data
    dim = _dim_of(input, dim)
    n = d.shape[dim] if d.ndim else 1
    if n == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {dim} to have non-zero size.")
    if d.dtype == np.bool_ and d.ndim:
        raise NotImplementedError("\"kthvalue_cpu\" not implemented for 'Bool'")
    if not 1 <= int(k) <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    pos = _nth(d, dim, int(k) - 1) if d.ndim else np.zeros((), np.int64)
    return _select_at(input, _kth, pos, dim, keepdim, return_types.kthvalue)


def _median_value(x: np.ndarray, ignore_nan: bool) -> np.ndarray:
    flat = np.sort(x.reshape(-1))
    if not ignore_nan:
        if flat.dtype.kind in "fc" and np.isnan(flat[-1]):
            return np.asarray(flat[-1])
        return np.asarray(flat[(flat.size - 1) // 2])
    m = int(np.count_nonzero(~np.isnan(flat))) if flat.dtype.kind in "fc" else flat.size
    return np.asarray(flat[(m - 1) // 2] if m else flat[0])


def _median(input: Tensor, dim: Any, keepdim: bool, ignore_nan: bool) -> Any:
    fname = "nanmedian" if ignore_nan else "median"
    check_tensor(input, fname)
    d = input._data
    if d.dtype == np.bool_ and d.size:
        raise NotImplementedError(f"\"{'median_cpu' if dim is None else 'median_out'}\" not "
                                  "implemented for 'Bool'")
    if dim is None:
        if not d.size:   # NOTE: NaN for floats; PyTorch's uninitialised value is 0 for ints
            return _make(np.asarray(np.nan if d.dtype.kind in "fc" else 0).astype(d.dtype))
        # NOTE: the lower of the two middle values (PyTorch's median, not their mean)
        return (_nanmedian_all if ignore_nan else _median_all)(input, None, False)
    dim = _dim_of(input, dim)
    rt = return_types.nanmedian if ignore_nan else return_types.median
    op = _nanmedian_dim if ignore_nan else _median_dim
    if not d.ndim:
        return _select_at(input, op, np.zeros((), np.int64), dim, keepdim, rt)
    if d.shape[dim] == 0:
        raise IndexError(f"{fname}(): Expected reduction dim {dim} to have non-zero size.")
    n = d.shape[dim]
    if d.dtype.kind in "fc":
        nan = np.isnan(d)
        nnan = nan.sum(axis=dim, keepdims=True)
        if ignore_nan:
            pos = np.maximum(n - nnan - 1, 0) // 2
        else:
            # NOTE: a slice holding NaN has median NaN, at the first NaN's index
            first_nan = np.argmax(nan, axis=dim, keepdims=True)
            idx = _nth(d, dim, (n - 1) // 2)
            return _select_at(input, op, np.where(nnan > 0, first_nan, idx), dim, keepdim, rt)
    else:
        pos = (n - 1) // 2
    return _select_at(input, op, _nth(d, dim, pos), dim, keepdim, rt)


def median(input: Tensor, dim: Any = None, keepdim: bool = False, *, out: Any = None) -> Any:
    """The median (the lower of the two middle values for an even count); with `dim`, the
    named tuple ``(values, indices)``. NaN propagates. The full median splits the gradient
    evenly among tied elements; median(dim) sends it to the returned index.

    >>> median(tensor([3., 1., 2., 4.]))
    tensor(2.)
    """
    return _median(input, dim, keepdim, False)


def nanmedian(input: Tensor, dim: Any = None, keepdim: bool = False, *, out: Any = None) -> Any:
    """`median` ignoring NaN (NaN only where a slice is all NaN).

    >>> nanmedian(tensor([1., float('nan'), 3.]))
    tensor(1.)
    """
    return _median(input, dim, keepdim, True)


def mode(input: Tensor, dim: int = -1, keepdim: bool = False, *, out: Any = None) -> Any:
    """The most frequent value along `dim` (the smallest among equally frequent ones) and the
    index of its last occurrence, as PyTorch returns them.

    >>> mode(tensor([1, 2, 2, 3])).values
    tensor(2)
    """
    check_tensor(input, "mode")
    d = input._data
    dim = _dim_of(input, dim)
    if not d.ndim:
        return _select_at(input, _mode, np.zeros((), np.int64), dim, keepdim, return_types.mode)
    if d.shape[dim] == 0:
        raise IndexError(f"mode(): Expected reduction dim {dim} to have non-zero size.")
    m = np.moveaxis(d, dim, -1)
    flat = m.reshape(-1, m.shape[-1])
    pos = np.empty(flat.shape[0], np.int64)
    for r, row in enumerate(flat):
        vals, counts = np.unique(row, return_counts=True)
        best = vals[np.argmax(counts)]   # np.unique sorts: the first best count is the smallest
        pos[r] = np.flatnonzero(row == best)[-1] if best == best else np.flatnonzero(
            row != row)[-1]
    pos = np.moveaxis(pos.reshape(m.shape[:-1] + (1,)), -1, dim)
    return _select_at(input, _mode, pos, dim, keepdim, return_types.mode)


# ---- quantile: sort, then interpolate between neighbours (differentiable through sort) --------
def _quantile(input: Tensor, q: Any, dim: Any, keepdim: bool, interpolation: str,
              ignore_nan: bool) -> Tensor:
    import feathergrad as fg
    fname = "nanquantile" if ignore_nan else "quantile"
    check_tensor(input, fname)
    d = input._data
    if not d.size:
        raise RuntimeError(f"{fname}() input tensor must be non-empty")
    if d.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{fname}() input tensor must be either float or double dtype")
    qa = q._data if isinstance(q, Tensor) else np.asarray(q, dtype=d.dtype)
    if isinstance(q, Tensor) and qa.dtype != d.dtype:
        raise RuntimeError(f"{fname}() q tensor must be same dtype as the input tensor")
    if qa.ndim > 1:
        raise RuntimeError(f"{fname}() q must be a scalar or 1D tensor")
    if ((qa < 0) | (qa > 1)).any():
        if qa.ndim == 0:
            raise RuntimeError(f"{fname}() q must be in the range [0, 1] but got {float(qa)}")
        raise RuntimeError(f"{fname}() q values must be in the range [0, 1]")
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise RuntimeError(f"{fname}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest. Got {interpolation}")
    x = fg.reshape(input, (-1,)) if dim is None else input
    ax = 0 if dim is None else _dim_of(input, dim)
    if x._data.ndim == 0:
        x = fg.reshape(x, (1,))
    n = x._data.shape[ax]
    s = sort(x, ax).values
    sd = s._data
    if ignore_nan:
        cnt = (~np.isnan(sd)).sum(axis=ax, keepdims=True)
    else:
        cnt = np.full(sd.shape[:ax] + (1,) + sd.shape[ax + 1:], n)
        cnt = np.where(np.isnan(sd).any(axis=ax, keepdims=True), n, cnt)
    qs = qa.reshape(-1).astype(np.float64)
    outs = []
    for qv in qs:
        rank = qv * (np.maximum(cnt, 1) - 1)
        lo, hi = np.floor(rank).astype(np.int64), np.ceil(rank).astype(np.int64)
        w = np.zeros(rank.shape, sd.dtype)
        if interpolation == "linear":
            w = (rank - lo).astype(sd.dtype)
        elif interpolation == "higher":
            lo = hi
        elif interpolation == "nearest":
            lo = np.round(rank).astype(np.int64)   # NOTE: half to even, as PyTorch
        elif interpolation == "midpoint":
            w = ((hi - lo) * 0.5).astype(sd.dtype)
        a = fg.gather(s, ax, fg.tensor(lo))
        b = fg.gather(s, ax, fg.tensor(hi))
        v = a + (b - a) * fg.tensor(w) if w.any() else a
        if not ignore_nan:   # a slice holding NaN gives NaN
            v = fg.where(fg.tensor(np.isnan(sd).any(axis=ax, keepdims=True)),
                         fg.tensor(np.nan, dtype=input.dtype), v)
        elif (cnt == 0).any():
            v = fg.where(fg.tensor(cnt == 0), fg.tensor(np.nan, dtype=input.dtype), v)
        if dim is None:
            v = fg.reshape(v, (1,) * d.ndim if keepdim else ())
        elif not keepdim:
            v = fg.squeeze(v, ax)
        outs.append(v)
    if qa.ndim == 0:
        return outs[0]
    return fg.stack(outs)


def quantile(input: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *,
             interpolation: str = "linear", out: Any = None) -> Tensor:
    """The `q`-quantiles of `input` (all elements, or along `dim`), interpolating between the
    two nearest sorted values; a 1-D `q` adds a leading dimension. Differentiable through the
    sort.

    >>> quantile(tensor([1., 2., 3., 4.]), 0.5)
    tensor(2.5000)
    """
    return _quantile(input, q, dim, keepdim, interpolation, False)


def nanquantile(input: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *,
                interpolation: str = "linear", out: Any = None) -> Tensor:
    """`quantile` ignoring NaN values."""
    return _quantile(input, q, dim, keepdim, interpolation, True)


for _n in __all__:
    setattr(Tensor, _n, globals()[_n])
