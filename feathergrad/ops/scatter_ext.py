"""scatter_reduce, and the in-place forms of the indexed writes: scatter_, scatter_add_,
scatter_reduce_, index_fill_, index_copy_, index_put_, masked_scatter_, put_, fill_diagonal_
(and of the triangle masks, tril_, triu_).

Each in-place form runs its out-of-place op (``scatter.py``, ``index.py``) and, when a graph is
recorded, rebases the tensor onto that op's node (``inplace._apply_inplace``), so gradients
are those of the out-of-place op.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from ..tensor import Tensor
from ._core import defop, record_inplace_site
from .diag import tril, triu
from .index import _cname, index_put, masked_scatter, put
from .inplace import _apply_inplace, _cast_check, _recording, check_inplace
from .scatter import (
    _at1,
    _check_gather_like,
    _coords,
    _gather_any,
    _region,
    _sadd_fwd,
    _src_grad,
    _zero_at,
    index_copy,
    index_fill,
    scatter,
    scatter_add,
)

__all__ = ["scatter_reduce"]

_make = Tensor._make
_REDUCES = ("sum", "prod", "mean", "amax", "amin")


# ---- scatter_reduce ----------------------------------------------------------------------------
def _identity(reduce: str, npdt: np.dtype) -> Any:
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if npdt.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    info = np.iinfo(npdt) if npdt.kind in "iu" else None
    if info is None:   # bool
        return reduce == "amin"
    return info.min if reduce == "amax" else info.max


def _counts(x: np.ndarray, dim: int, index: np.ndarray, include_self: bool) -> np.ndarray:
    """How many values (self included, if so) each output position reduces."""
    base = np.full(x.shape, 1 if include_self else 0, np.int64)
    return _sadd_fwd(base, dim, index, np.ones(index.shape, np.int64), index.shape)


def _sred_fwd(x, dim, index, src, reduce, include_self):
    out = x.copy()
    idx = _at1(index)
    coords = _coords(idx, dim)
    vals = _at1(src)[_region(idx.shape)]
    o = _at1(out)
    if not include_self:
        o[coords] = _identity(reduce, x.dtype)
    ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
             "amin": np.minimum}[reduce]
    ufunc.at(o, coords, vals)
    if reduce == "mean":
        n = np.maximum(_counts(x, dim, index, include_self), 1)
        if out.dtype.kind in "iu":
            out = np.floor_divide(out, n).astype(out.dtype)
        else:
            out = (out / n).astype(out.dtype)
    return out


def _touched(shape: tuple, dim: int, index: np.ndarray) -> np.ndarray:
    return _sadd_fwd(np.zeros(shape, np.int64), dim, index, np.ones(index.shape, np.int64),
                     index.shape) > 0


def _sred_x(g, out, x, dim, index, src, reduce, include_self):
    if reduce == "sum":
        return g if include_self else _zero_at(g, dim, index)
    if reduce == "mean":
        n = np.maximum(_counts(_nd(x), dim, index, include_self), 1)
        gx = g / n.astype(_nd(g).dtype)
        return gx if include_self else _zero_at(gx, dim, index)
    if not include_self:
        return _zero_at(g, dim, index)
    if reduce == "prod":
        return g * _others(x, src, out, dim, index, True, True)
    # amax / amin: ties among self and the scattered values share the gradient
    xs, o = _nd(x), _nd(out)
    self_is = (xs == o)
    n = _ties(xs, o, _nd(src), dim, index, self_is)
    return g * (self_is / n).astype(xs.dtype)


def _sred_src(g, out, x, dim, index, src, reduce, include_self):
    sshape = _nd(src).shape
    if reduce == "sum":
        return _src_grad(g, dim, index, sshape)
    if reduce == "mean":
        n = np.maximum(_counts(_nd(x), dim, index, include_self), 1)
        return _src_grad(g / n.astype(_nd(g).dtype), dim, index, sshape)
    if reduce == "prod":
        xs, vals = _nd(x), _nd(src)[_region(_at1(index).shape)]
        if not (include_self and (xs == 0).any()) and not (vals == 0).any():
            return _src_grad(g * out, dim, index, sshape) / src   # zero outside index's region
        return _src_grad(g, dim, index, sshape) * _others(x, src, out, dim, index, False,
                                                          include_self)
    xs, o, s = _nd(x), _nd(out), _nd(src)
    self_is = (xs == o) & include_self
    n = _ties(xs, o, s, dim, index, self_is)
    src_is = _src_is(o, s, dim, index)
    w = _pad(src_is / _gather_any(n, dim, index), sshape).astype(xs.dtype)
    return _src_grad(g, dim, index, sshape) * w


def _nd(a: Any) -> Any:
    return a._data if type(a) is Tensor else a


def _pad(a: np.ndarray, sshape: tuple) -> np.ndarray:
    if a.shape == sshape:
        return a
    z = np.zeros(sshape, a.dtype)
    z[_region(a.shape)] = a
    return z


def _src_is(o: np.ndarray, s: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    return _at1(s)[_region(_at1(index).shape)].reshape(index.shape) == _gather_any(o, dim, index)


def _ties(xs, o, s, dim, index, self_is) -> np.ndarray:
    """How many of self and the scattered values equal each output (at least 1)."""
    src_is = _src_is(o, s, dim, index)
    n = _sadd_fwd(self_is.astype(np.int64), dim, index, src_is.astype(np.int64), index.shape)
    return np.maximum(n, 1)


def _others(x, src, out, dim, index, for_self: bool, include_self: bool) -> Any:
    """For prod: the product of every other factor of each output position, for self's factor
    (`for_self`) or each scattered factor. out / factor where no factor is zero; otherwise the
    product of the others, counted on the data (first order)."""
    xs, s = _nd(x), _nd(src)
    vals = _at1(s)[_region(_at1(index).shape)].reshape(index.shape)
    if for_self and not (xs == 0).any() and not (vals == 0).any():
        return out / x
    if type(x) is Tensor or type(src) is Tensor:
        raise NotImplementedError("feathergrad: a second derivative of scatter_reduce('prod') "
                                  "through zero factors is not supported.")
    coords = [c.reshape(-1) for c in np.broadcast_arrays(*_coords(_at1(index), dim))]
    flat_pos = np.ravel_multi_index(coords, _at1(xs).shape)
    v = vals.reshape(-1)
    res = np.ones(xs.size if for_self else v.size, xs.dtype)
    base = xs.reshape(-1)
    for p in np.unique(flat_pos):
        members = np.flatnonzero(flat_pos == p)
        if for_self:
            res[p] = np.prod(v[members])
        else:
            for k in members:
                res[k] = np.prod(v[members[members != k]]) * (base[p] if include_self else 1)
    return res.reshape(xs.shape) if for_self else _pad(res.reshape(index.shape), s.shape)


_sred = defop("scatter_reduce", _sred_fwd, "ScatterReduceBackward0", x=_sred_x, src=_sred_src)


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """A copy of `input` where each ``src[i][j]`` is combined (``reduce``: "sum", "prod",
    "mean", "amax", "amin") into position ``[i][index[i][j]]`` for dim 1, together with the
    value already there when `include_self`. Gradients as in PyTorch: amax/amin split among
    ties; mean divides by the count; prod is exact with zero factors (first order).

    >>> zeros(3).scatter_reduce(0, tensor([0, 0, 1]), tensor([1., 2., 3.]), 'amax')
    tensor([2., 3., 0.])
    """
    if reduce not in _REDUCES:
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    dim = _check_gather_like("scatter_reduce", input, dim, index, src)
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return _sred(input, dim, index, src, reduce, bool(include_self))


# ---- in-place forms ----------------------------------------------------------------------------
def _inplace(self: Tensor, fn: Callable, *tensors: Any) -> Tensor:
    """``self <- fn(self, *tensors)`` in place (recorded when a graph is)."""
    if not _recording(self, tensors):
        check_inplace(self)
        r = fn(self, *tensors)
        _cast_check(r._data.dtype, self)
        np.copyto(self._data, r._data, casting="unsafe")
        record_inplace_site(self)
        return self
    return _apply_inplace(self, fn, *tensors)


def scatter_legacy_reduce(input: Tensor, dim: int, index: Tensor, src: Any, reduce: str
                           ) -> Tensor:
    # NOTE: scatter(..., reduce=) (deprecated in PyTorch) combines with the value already there
    if reduce not in ("add", "multiply"):
        raise RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")
    if isinstance(src, Tensor):
        warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and "
                      "will be removed in a future PyTorch release. Use torch.scatter_reduce "
                      "instead for more reduction options.", UserWarning, stacklevel=3)
    else:
        src = _make(np.full(index._data.shape, src, dtype=input._data.dtype))
    return scatter_reduce(input, dim, index, src, "sum" if reduce == "add" else "prod")


def scatter_(self: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
             reduce: str | None = None) -> Tensor:
    """In-place `scatter`."""
    if src is None:
        src = value
    if reduce is not None:
        return _inplace(self, lambda x, s: scatter_legacy_reduce(x, dim, index, s, reduce), src)
    if isinstance(src, Tensor):
        return _inplace(self, lambda x, s: scatter(x, dim, index, s), src)
    return _inplace(self, lambda x: scatter(x, dim, index, src))


def _fill_diag(x: np.ndarray, value: Any, wrap: bool) -> None:
    if x.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if x.ndim > 2 and len(set(x.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    if x.ndim == 2:
        n, m = x.shape
        rows = np.arange(n)
        if wrap and n > m:
            rows = rows[rows % (m + 1) < m]      # the diagonal restarts after a blank row
            x[rows, rows % (m + 1)] = value
        else:
            k = min(n, m)
            x[np.arange(k), np.arange(k)] = value
        return
    i = np.arange(x.shape[0])
    x[(i,) * x.ndim] = value


def _fill_diag_fwd(x, value, wrap):
    out = x.copy()
    _fill_diag(out, value, wrap)
    return out


def _fill_diag_grad(g, out, x, value, wrap):
    if type(g) is not Tensor:
        return _fill_diag_fwd(g, 0, wrap)
    return _fill_diag_op(g, 0, wrap)


_fill_diag_op = defop("fill_diagonal", _fill_diag_fwd, "FillBackward0", x=_fill_diag_grad)


def fill_diagonal_(self: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """Write `fill_value` on the main diagonal in place (all dims equal when more than 2; a tall
    matrix's diagonal restarts every ``ncols + 1`` rows with ``wrap=True``)."""
    _fill_diag(np.empty(self._data.shape, np.bool_), False, wrap)   # the shape checks
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if self._data.ndim == 2 and not (wrap and self._data.shape[0] > self._data.shape[1]):
        self.diagonal().fill_(fill_value)   # a view, as in PyTorch (history: CopySlices)
        return self
    return _inplace(self, lambda x: _fill_diag_op(x, fill_value, bool(wrap)))


def _index_put_(self: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:
    return _inplace(self, lambda x, v: index_put(x, indices, v, accumulate), values)


def _masked_scatter_(self: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    if mask._data.dtype.kind != "b":
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {_cname(mask._data.dtype)}")
    if np.broadcast_shapes(mask._data.shape, self._data.shape) != self._data.shape:
        raise RuntimeError("masked_scatter_: expected mask to be broadcastable to self")
    return _inplace(self, lambda x, s: masked_scatter(x, mask, s), source)


def _install() -> None:
    T = Tensor
    T.scatter_reduce = scatter_reduce
    T.scatter_ = scatter_
    T.scatter_add_ = lambda self, dim, index, src: _inplace(
        self, lambda x, s: scatter_add(x, dim, index, s), src)
    T.scatter_reduce_ = lambda self, dim, index, src, reduce, *, include_self=True: _inplace(
        self, lambda x, s: scatter_reduce(x, dim, index, s, reduce, include_self=include_self),
        src)
    T.index_fill_ = lambda self, dim, index, value: _inplace(
        self, lambda x, v: index_fill(x, dim, index, v), value) if isinstance(value, Tensor) \
        else _inplace(self, lambda x: index_fill(x, dim, index, value))
    T.index_copy_ = lambda self, dim, index, source: _inplace(
        self, lambda x, s: index_copy(x, dim, index, s), source)
    T.index_put_ = _index_put_
    T.masked_scatter_ = _masked_scatter_
    T.put_ = lambda self, index, source, accumulate=False: _inplace(
        self, lambda x, s: put(x, index, s, accumulate), source)
    T.fill_diagonal_ = fill_diagonal_
    T.tril_ = lambda self, diagonal=0: _inplace(self, lambda x: tril(x, diagonal))
    T.triu_ = lambda self, diagonal=0: _inplace(self, lambda x: triu(x, diagonal))


_install()
