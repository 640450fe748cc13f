"""Indexing along one dimension: index_select, index_add, index_fill, index_copy, gather,
scatter, scatter_add, take_along_dim, select_scatter, slice_scatter.

Each read has a write as its adjoint (index_select <-> index_add, gather <-> scatter_add), and
the pairs are ops of the table, so gradients of any order follow. Index tensors are passed to
the ops as arguments, so they are saved with their version like any input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, _wrap_dim
from ._core import HANDLED, defop
from .index import _cname, _in_range, _place, add_at, take
from .shape import _broadcast, expand, reshape

ndarray = np.ndarray
_make = Tensor._make

__all__ = [
    "index_select",
    "index_add",
    "gather",
    "scatter",
    "scatter_add",
    "take_along_dim",
    "index_fill",
    "index_copy",
    "select_scatter",
    "slice_scatter",
]


# ---- index_select and index_add ----------------------------------------------------------------
def _check_index(index: Any, fname: str, what: str = "int32 or int64", pos: int = 3) -> ndarray:
    if not isinstance(index, Tensor):
        raise TypeError(f"{fname}(): argument 'index' (position {pos}) must be Tensor, not "
                        f"{type(index).__name__}")
    i = index._data
    if i.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{fname}(): Expected dtype {what} for index")
    return i


def _along(dim: int, i: Any) -> tuple:
    return (slice(None),) * dim + (i,)


def _isel_fwd(x, dim, index, shape):
    return np.take(x, index.reshape(-1), axis=dim) if x.ndim else x.copy()


def _isel_any(g: Any, dim: int, index: Any) -> Any:
    if type(g) is not Tensor:
        return np.take(g, index.reshape(-1), axis=dim)
    return _isel(g, dim, index, g._data.shape)


def _iadd_fwd(x, dim, index, src, alpha):
    out = x.copy()
    add_at(out, _along(dim, index.reshape(-1)), src if alpha == 1 else src * alpha)
    return out


def _isel_back(g: Any, dim: int, index: Any, shape: tuple) -> Any:
    if not shape:   # a 0-d input: index is [0]
        return g.reshape(())
    if type(g) is not Tensor:
        return _iadd_fwd(np.zeros(shape, g.dtype), dim, index, g, 1)
    return _iadd(_make(np.zeros(shape, g._data.dtype)), dim, index, g, 1)


_isel = defop("index_select", _isel_fwd, "IndexSelectBackward0",
              x=lambda g, out, x, dim, index, shape: _isel_back(g, dim, index, shape))
_iadd = defop("index_add", _iadd_fwd, "IndexAddBackward0",
              x=lambda g, out, x, dim, index, src, alpha: g,
              src=lambda g, out, x, dim, index, src, alpha:
              _isel_any(g, dim, index) if alpha == 1 else _isel_any(g, dim, index) * alpha)


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The entries of `input` at positions `index` (1-D) along `dim`. Repeated indices add up
    in the gradient.

    >>> tensor([[1., 2.], [3., 4.]]).index_select(1, tensor([1, 1]))
    tensor([[2., 2.],
            [4., 4.]])
    """
    i = _check_index(index, "index_select", pos=2)
    if i.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = input._data
    if d.ndim == 0:
        if i.size != 1:
            raise RuntimeError("index_select(): Index to scalar can have only 1 value, got "
                               f"{i.size} value(s)")
    dim = _wrap_dim(dim, d.ndim)
    n = d.shape[dim] if d.ndim else 1
    bad = _in_range(i, n)
    if bad is not None:
        if dim == 0:   # NOTE: PyTorch's dim-0 kernel words it differently
            raise IndexError("index out of range in self")
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={n}")
    return _isel(input, dim, index, d.shape)


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *,
              alpha: Any = 1) -> Tensor:
    """A copy of `input` with ``alpha * source`` added at positions `index` along `dim`
    (repeated indices add up)."""
    i = _check_index(index, "index_add")
    d, s = input._data, source._data
    dim = _wrap_dim(dim, d.ndim)
    if i.ndim > 1:
        raise IndexError("index_add_(): Index is supposed to be a vector")
    ns = s.shape[dim] if s.ndim else 1
    if i.size != ns:
        raise RuntimeError(f"index_add_(): Number of indices ({i.size}) should be equal to "
                           f"source.size(dim): ({ns}), for dim: {dim}")
    if s.ndim and (s.shape[:dim] + s.shape[dim + 1:] != d.shape[:dim] + d.shape[dim + 1:]):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(d.shape)} "
                           f"source.shape = {list(s.shape)}")
    if d.dtype != s.dtype:
        raise RuntimeError(f"index_add_(): self ({_cname(d.dtype)}) and source "
                           f"({_cname(s.dtype)}) must have the same scalar type")
    bad = _in_range(i, d.shape[dim] if d.ndim else 1)
    if bad is not None:
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size "
                           f"{d.shape[dim]}")
    if s.ndim != d.ndim:
        source = reshape(source, _along_shape(d.shape, dim, i.size))
    return _iadd(input, dim, index, source, alpha)


def _along_shape(shape: tuple, dim: int, n: int) -> tuple:
    return shape[:dim] + (n,) + shape[dim + 1:]


# ---- gather, scatter, scatter_add --------------------------------------------------------------
def _coords(index: ndarray, dim: int) -> tuple:
    """Index arrays for ``out[coords] <- src``: `index` along `dim`, the position elsewhere."""
    nd = index.ndim
    return tuple(index if d == dim else
                 np.arange(n).reshape((1,) * d + (n,) + (1,) * (nd - d - 1))
                 for d, n in enumerate(index.shape))


def _region(shape: tuple) -> tuple:
    return tuple(slice(0, n) for n in shape)


def _at1(a: Any) -> Any:
    """NumPy needs an axis: 0-d arrays are read and written as 1-element views."""
    return a.reshape(1) if type(a) is ndarray and a.ndim == 0 else a


def _gather_fwd(x, dim, index, shape):
    return _at1(x)[_coords(_at1(index), dim)].reshape(index.shape)


def _gather_any(g: Any, dim: int, index: Any) -> Any:
    if type(g) is not Tensor:
        return _gather_fwd(g, dim, index, None)
    return _gather(g, dim, index, g._data.shape)


def _sadd_fwd(x, dim, index, src, sshape):
    out = x.copy()
    index = _at1(index)
    add_at(_at1(out), _coords(index, dim), _at1(src)[_region(index.shape)])
    return out


def _gather_back(g: Any, dim: int, index: Any, shape: tuple) -> Any:
    if type(g) is not Tensor:
        return _sadd_fwd(np.zeros(shape, g.dtype), dim, index, g, g.shape)
    return _sadd(_make(np.zeros(shape, g._data.dtype)), dim, index, g, g._data.shape)


def _src_grad(g: Any, dim: int, index: Any, sshape: tuple) -> Any:
    """gather(g, dim, index), padded with zeros where src is larger than index."""
    r = _gather_any(g, dim, index)
    if tuple(r.shape) == sshape:
        return r
    if r.ndim == 0 or not sshape:   # 0-d index or src: one element
        return r.reshape(sshape)
    return _place(r, _region(r.shape), sshape, False)


def _scatter_fwd(x, dim, index, src, sshape):
    out = x.copy()
    index = _at1(index)
    _at1(out)[_coords(index, dim)] = (_at1(src)[_region(index.shape)] if sshape is not None
                                      else src)
    return out


def _zero_at(g: Any, dim: int, index: Any) -> Any:
    """g with zeros at the scattered positions (the gradient of what scatter overwrote)."""
    if type(g) is not Tensor:
        return _scatter_fwd(g, dim, index, 0, None)
    return _scatterv(g, dim, index, 0, None)


_gather = defop("gather", _gather_fwd, "GatherBackward0",
                x=lambda g, out, x, dim, index, shape: _gather_back(g, dim, index, shape))
_sadd = defop("scatter_add", _sadd_fwd, "ScatterAddBackward0",
              x=lambda g, out, x, dim, index, src, sshape: g,
              src=lambda g, out, x, dim, index, src, sshape: _src_grad(g, dim, index, sshape))
_scatter = defop("scatter", _scatter_fwd, "ScatterBackward0",
                 x=lambda g, out, x, dim, index, src, sshape: _zero_at(g, dim, index),
                 src=lambda g, out, x, dim, index, src, sshape: _src_grad(g, dim, index, sshape))
_scatterv = defop("scatter_value", _scatter_fwd, "ScatterBackward1",
                  x=lambda g, out, x, dim, index, src, sshape: _zero_at(g, dim, index))


def _check_gather_like(fname: str, input: Tensor, dim: int, index: Any, src: Any = None) -> int:
    i = _check_index(index, fname, "int32/int64")
    d = input._data
    dim = _wrap_dim(dim, d.ndim)
    if max(i.ndim, 1) != max(d.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           f"{'input' if fname == 'gather' else 'self'} tensor")
    s = src._data if isinstance(src, Tensor) else None
    if s is not None and max(s.ndim, 1) != max(i.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    ish, dsh = i.shape or (1,), d.shape or (1,)
    for k, (a, b) in enumerate(zip(ish, dsh)):
        if k != dim and a > b:
            if fname == "gather":
                raise RuntimeError(f"Size does not match at dimension {k} expected index "
                                   f"{list(i.shape)} to be no larger than self {list(d.shape)} "
                                   f"apart from dimension {dim}")
            extra = "" if s is None else f" and to be no larger size than src {list(s.shape)}"
            raise RuntimeError(f"Expected index {list(i.shape)} to be no larger than self "
                               f"{list(d.shape)} apart from dimension {dim}{extra}")
    if s is not None and any(a > b for a, b in zip(ish, s.shape or (1,))):
        raise RuntimeError(f"Expected index {list(i.shape)} to be no larger than self "
                           f"{list(d.shape)} apart from dimension {dim} and to be no larger "
                           f"size than src {list(s.shape)}")
    bad = _in_range(i, dsh[dim])
    if bad is not None:
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size "
                           f"{dsh[dim]}")
    return dim


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False,
           out: Any = None) -> Tensor:
    """``out[i][j] = input[i][index[i][j]]`` for dim 1 (likewise for any dim). Repeated
    indices add up in the gradient.

    >>> tensor([[1., 2.], [3., 4.]]).gather(1, tensor([[1], [0]]))
    tensor([[2.],
            [3.]])
    """
    dim = _check_gather_like("gather", input, dim, index)
    return _gather(input, dim, index, input._data.shape)


def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
            reduce: str | None = None) -> Tensor:
    """A copy of `input` with ``src[i][j]`` (or `value`) written to ``[i][index[i][j]]`` for
    dim 1. The gradient of `input` is zero where it was overwritten; that of `src` is the
    output's gradient read back at `index` (write-once indices assumed, as in PyTorch)."""
    if src is None:
        src = value
    if reduce is not None:
        from .scatter_ext import scatter_legacy_reduce
        return scatter_legacy_reduce(input, dim, index, src, reduce)
    if isinstance(src, Tensor):
        dim = _check_gather_like("scatter", input, dim, index, src)
        if src._data.dtype != input._data.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        return _scatter(input, dim, index, src, src._data.shape)
    if not isinstance(src, (int, float, bool, np.number)):
        raise TypeError("scatter(): argument 'src' must be Tensor or a number, not "
                        f"{type(src).__name__}")
    dim = _check_gather_like("scatter", input, dim, index)
    return _scatterv(input, dim, index, np.asarray(src).astype(input._data.dtype), None)


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of `input` with `src` added at `index` along `dim` (repeated indices add up)."""
    if not isinstance(src, Tensor):
        raise TypeError("scatter_add(): argument 'src' (position 4) must be Tensor, not "
                        f"{type(src).__name__}")
    dim = _check_gather_like("scatter_add", input, dim, index, src)
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter_add(): Expected self.dtype to be equal to src.dtype")
    return _sadd(input, dim, index, src, src._data.shape)


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None, *,
                   out: Any = None) -> Tensor:
    """numpy.take_along_axis: gather with `indices` broadcast against `input` off `dim`."""
    if dim is None:
        return gather(reshape(input, (-1,)), 0, reshape(indices, (-1,)))
    d, i = input._data, indices._data
    if d.ndim != i.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {d.ndim} dimensions for input, and "
                           f"{i.ndim} dimensions for indices")
    dim = _wrap_dim(dim, d.ndim)
    sh = list(_broadcast((_along_shape(d.shape, dim, 1), _along_shape(i.shape, dim, 1))))
    xi = tuple(_along_shape(tuple(sh), dim, d.shape[dim]))
    ii = tuple(_along_shape(tuple(sh), dim, i.shape[dim]))
    return gather(input if d.shape == xi else expand(input, xi), dim,
                  indices if i.shape == ii else expand(indices, ii))


# ---- index_fill, index_copy --------------------------------------------------------------------
def _ifill_fwd(x, dim, index, value, uniq):
    out = x.copy()
    out[_along(dim, index.reshape(-1))] = value
    return out


def _zero_along(g: Any, dim: int, index: Any) -> Any:
    """g with zeros at positions `index` along `dim` (the gradient of what was overwritten)."""
    if type(g) is not Tensor:
        return _ifill_fwd(g, dim, index, 0, None)
    return _ifill(g, dim, index, 0, None)


_ifill = defop("index_fill", _ifill_fwd, "IndexFillBackward0",
               x=lambda g, out, x, dim, index, value, uniq: _zero_along(g, dim, index))
# NOTE: a repeated index fills once, so the value's gradient reads each position once
_ifill_t = defop("index_fill_tensor", _ifill_fwd, "IndexFillBackward1",
                 x=lambda g, out, x, dim, index, value, uniq: _zero_along(g, dim, index),
                 value=lambda g, out, x, dim, index, value, uniq: _isel_any(g, dim, uniq).sum())


def _dim_index(input: Tensor, dim: int, index: Any, fname: str) -> tuple:
    """(dim, index with negatives wrapped) after PyTorch's checks for a 1-D index."""
    i = _check_index(index, fname, "int64")
    if i.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    d = input._data
    dim = _wrap_dim(dim, d.ndim)
    n = d.shape[dim] if d.ndim else 1
    bad = _in_range(i, n, -n)
    if bad is not None:
        pre = "" if fname == "index_fill" else f"{fname}_(): "
        raise IndexError(f"{pre}index {bad} is out of bounds for dimension {dim} with size {n}")
    if i.size and i.min() < 0:
        index = _make(np.where(i < 0, i + n, i))
    return dim, index


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """A copy of `input` with `value` at positions `index` along `dim`. The gradient of
    `input` is zero there; a 0-d tensor `value` gets the gradient summed over those positions."""
    dim, index = _dim_index(input, dim, index, "index_fill")
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        uniq = np.unique(index._data.reshape(-1))
        return _ifill_t(input, dim, index, value, uniq)
    return _ifill(input, dim, index, np.asarray(value).astype(input._data.dtype), None)


_icopy = defop("index_copy", lambda x, dim, index, src: _ifill_fwd(x, dim, index, src, None),
               "IndexCopyBackward0",
               x=lambda g, out, x, dim, index, src: _zero_along(g, dim, index),
               src=lambda g, out, x, dim, index, src: _isel_any(g, dim, index))


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of `input` whose slices ``index[i]`` along `dim` are ``source``'s slices i."""
    dim, index = _dim_index(input, dim, index, "index_copy")
    d, s = input._data, source._data
    ns = s.shape[dim] if s.ndim else 1
    if index._data.size != ns:
        raise IndexError(f"index_copy_(): Number of indices ({index._data.size}) should be equal "
                         f"to source.size(dim) ({ns})")
    if d.dtype != s.dtype:
        raise RuntimeError("index_copy_(): self and source expected to have the same dtype, but "
                           f"got (self) {_cname(d.dtype)} and (source) {_cname(s.dtype)}")
    if s.ndim != d.ndim:
        source = reshape(source, _along_shape(d.shape, dim, ns))
    return _icopy(input, dim, index, source)


# ---- select_scatter, slice_scatter ------------------------------------------------------------
def _embed_fwd(x, src, idx):
    out = x.copy()
    out[idx] = src
    return out


def _zero_basic(g: Any, idx: tuple) -> Any:
    if type(g) is not Tensor:
        return _embed_fwd(g, 0, idx)
    return _embed(g, _make(np.zeros(g._data[idx].shape, g._data.dtype)), idx)


_embed = defop("slice_scatter", _embed_fwd, "SliceScatterBackward0",
               x=lambda g, out, x, src, idx: _zero_basic(g, idx),
               src=lambda g, out, x, src, idx: g[idx])
_embed1 = defop("select_scatter", _embed_fwd, "SelectScatterBackward0",
                x=lambda g, out, x, src, idx: _zero_basic(g, idx),
                src=lambda g, out, x, src, idx: g[idx])


def _embed_checked(op: Any, input: Tensor, src: Tensor, idx: tuple) -> Tensor:
    want = input._data[idx].shape
    if src._data.shape != want:
        raise RuntimeError("expected src to have a size equal to the slice of self. src size = "
                           f"{list(src._data.shape)}, slice size = {list(want)}")
    return op(input, src, idx)


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """A copy of `input` with ``src`` written into ``input.select(dim, index)``."""
    d = input._data
    dim = _wrap_dim(dim, d.ndim)
    n = d.shape[dim]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(d.shape)} at dimension {dim}")
    return _embed_checked(_embed1, input, src, _along(dim, int(index) % n))


def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start: int | None = None,
                  end: int | None = None, step: int = 1) -> Tensor:
    """A copy of `input` with ``src`` written into the slice ``start:end:step`` along `dim`."""
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    dim = _wrap_dim(dim, input._data.ndim)
    return _embed_checked(_embed, input, src, _along(dim, slice(start, end, step)))


def _np_take(a, indices, axis=None, out=None, mode="raise"):
    idx = indices if isinstance(indices, Tensor) else _make(np.asarray(indices, np.int64))
    if axis is None:
        return take(a, idx)
    axis = _wrap_dim(axis, a.ndim)
    n = a.shape[axis]
    flat = _make(np.where(idx._data < 0, idx._data + n, idx._data).reshape(-1))
    r = index_select(a, axis, flat)
    return reshape(r, a.shape[:axis] + tuple(idx.shape) + a.shape[axis + 1:])


Tensor.index_select = index_select
Tensor.index_add = index_add
Tensor.gather = gather
Tensor.scatter = scatter
Tensor.scatter_add = scatter_add
Tensor.take_along_dim = take_along_dim
Tensor.index_fill = index_fill
Tensor.index_copy = index_copy
Tensor.select_scatter = select_scatter
Tensor.slice_scatter = slice_scatter
HANDLED.update({
    np.take: _np_take,
    np.take_along_axis: lambda arr, indices, axis=-1: take_along_dim(arr, indices, axis),
})
