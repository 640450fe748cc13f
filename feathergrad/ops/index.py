"""Indexing by tensors: advanced indexing (``x[idx]``, ``x[mask]``), index_select, gather,
scatter, scatter_add, index_add, masked_fill, masked_select, take, take_along_dim.

The backward of a read at indices places the gradient into zeros at those indices, adding where
an index repeats (``np.add.at``); the backward of that placement reads the same indices back.
Both directions are ops of the table, so gradients of any order follow. Index tensors are
passed to the ops as arguments, so they are saved with their version like any input.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..tensor import Tensor, _wrap_dim
from ._core import HANDLED, defop
from .shape import expand, getitem, reshape

ndarray = np.ndarray
_make = Tensor._make

__all__ = [
    "index_select",
    "index_add",
    "gather",
    "scatter",
    "scatter_add",
    "masked_fill",
    "masked_select",
    "take",
    "take_along_dim",
]


def _nd(a: Any) -> Any:
    return a._data if type(a) is Tensor else a


# ---- reading at indices and placing into zeros: a pair of mutually adjoint ops ---------------
def _put_fwd(g, idx, shape, acc):
    z = np.zeros(shape, g.dtype)
    if acc:
        np.add.at(z, idx, g)   # NOTE: repeated indices accumulate
    else:
        z[idx] = g
    return z


def _read(g: Any, idx: tuple, acc: bool) -> Any:
    """``g[idx]``, recorded when g is a Tensor."""
    return g[idx] if type(g) is not Tensor else _index(g, idx, g._data.shape, acc)


def _place(g: Any, idx: tuple, shape: tuple, acc: bool) -> Any:
    """Zeros of `shape` with `g` placed (added, if `acc`) at `idx`; recorded for Tensors."""
    return _put_fwd(g, idx, shape, acc) if type(g) is not Tensor else _put(g, idx, shape, acc)


_index = defop("index", lambda x, idx, shape, acc: x[idx], "IndexBackward0",
               x=lambda g, out, x, idx, shape, acc: _place(g, idx, shape, acc))
_put = defop("index_put_zeros", _put_fwd, "IndexPutBackward0",
             g=lambda gg, out, g, idx, shape, acc: _read(gg, idx, acc))


# ---- advanced indexing -----------------------------------------------------------------------
_BAD_INDEX = "tensors used as indices must be long, int, byte or bool tensors"


def _as_index(v: Any) -> Any:
    """One index item as PyTorch reads it: int, slice, None, Ellipsis or an ndarray."""
    if v is None or v is Ellipsis or type(v) in (int, slice) or isinstance(v, np.integer):
        return v
    if isinstance(v, (bool, np.bool_)):
        return np.asarray(v)
    if isinstance(v, Tensor):
        a = v._data
        if a.dtype == np.uint8:
            warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                          "torch.bool instead.", UserWarning, stacklevel=4)
            return a.astype(bool)
        if a.dtype.kind == "b":
            return a
        if a.dtype not in (np.int64, np.int32):
            raise IndexError(_BAD_INDEX)
        return int(a) if a.ndim == 0 else a   # NOTE: a 0-d integer tensor selects, as in PyTorch
    if isinstance(v, (list, tuple, ndarray)):
        try:
            a = np.asarray([_nd(x) if isinstance(x, Tensor) else x for x in v]
                           if isinstance(v, (list, tuple)) else v)
        except (TypeError, ValueError):
            raise IndexError(_BAD_INDEX) from None
        if a.size == 0 and a.dtype.kind == "f":
            a = a.astype(np.int64)
        if a.dtype.kind not in "biu":
            raise IndexError(_BAD_INDEX)
        if a.dtype == np.uint8:
            a = a.astype(bool)
        return int(a) if a.ndim == 0 and a.dtype.kind != "b" else a
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                     f"Variables are valid indices (got {type(v).__name__})")


def _treat_as_tuple(seq: list) -> bool:
    # NOTE: PyTorch's legacy rule: a list holding sequences, tensors, slices, None or ... is a
    # tuple of indices (x[[0, slice(None)]] is x[0, :]), with a deprecation warning
    for v in seq:
        if isinstance(v, (Tensor, list, tuple, slice, ndarray)) or v is None or v is Ellipsis:
            return True
    return False


def advanced_getitem(self: Tensor, index: Any) -> Tensor:
    """``self[index]`` where index holds integer/boolean tensors, lists or ndarrays.

    As in PyTorch: integers, slices and None are applied first as views (select, slice,
    unsqueeze), then one IndexBackward0 op reads the remaining advanced indices with NumPy's
    placement rule (advanced dims first when separated by a slice). Repeated indices accumulate
    in the gradient.

    >>> x = tensor([1., 2., 3.], requires_grad=True)
    >>> x[[0, 0, 2]].sum().backward(); x.grad
    tensor([2., 0., 1.])
    """
    if type(index) is Tensor and self._data.ndim:   # fast path: x[idx], one integer tensor
        a = index._data
        if a.ndim and (a.dtype == np.int64 or a.dtype == np.int32):
            shape = self._data.shape
            bad = _in_range(a, shape[0], -shape[0])
            if bad is not None:
                raise IndexError(f"index {bad} is out of bounds for dimension 0 with size "
                                 f"{shape[0]}")
            return _index(self, (a,), shape, True)
    if type(index) is list and _treat_as_tuple(index):
        warnings.warn("Using a non-tuple sequence for multidimensional indexing is deprecated "
                      "and will be changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq].",
                      UserWarning, stacklevel=3)
        index = tuple(index)
    items = [_as_index(v) for v in (index if type(index) is tuple else (index,))]
    nd = self._data.ndim

    def width(v: Any) -> int:
        if v is None or v is Ellipsis:
            return 0
        return v.ndim if isinstance(v, ndarray) and v.dtype.kind == "b" else 1

    used = sum(width(v) for v in items)
    if used > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    if any(v is Ellipsis for v in items):
        k = next(i for i, v in enumerate(items) if v is Ellipsis)
        items[k:k + 1] = [slice(None)] * (nd - used)
        if any(v is Ellipsis for v in items):
            raise IndexError("an index can only have a single ellipsis ('...')")

    # 1) ints, slices and None as views; each advanced index keeps its dims for step 2
    basic: list = []
    for v in items:
        if isinstance(v, ndarray):
            basic += [None] if v.ndim == 0 and v.dtype.kind == "b" else [slice(None)] * width(v)
        else:
            basic.append(v)
    t = self
    if any(v is None or type(v) is not slice or v != slice(None) for v in basic):
        t = getitem(self, tuple(basic))
    # 2) the advanced indices on what is left
    adv: list = []
    acc = False
    dim = 0
    shape = t._data.shape
    for v in items:
        if isinstance(v, ndarray):
            if v.dtype.kind != "b":
                n = shape[dim]
                bad = _in_range(v, n, -n)
                if bad is not None:   # NOTE: PyTorch numbers the dim among the index tensors
                    k = sum(1 for a in adv if isinstance(a, ndarray))
                    raise IndexError(f"index {bad} is out of bounds for dimension {k} with size "
                                     f"{n}")
                adv.append(v)
                acc = True
                dim += 1
            elif v.ndim == 0:   # x[True] is x[None][[0]], x[False] is x[None][[]]
                adv.append(np.zeros(int(v), np.int64))
                dim += 1
            else:
                got = shape[dim:dim + v.ndim]
                for j, (a, b) in enumerate(zip(v.shape, got)):
                    if a != b:
                        raise IndexError(f"The shape of the mask {list(v.shape)} at index {j} "
                                         "does not match the shape of the indexed tensor "
                                         f"{list(shape)} at index {dim + j}")
                adv.extend(np.nonzero(v))
                dim += v.ndim
        elif v is None or type(v) is slice:
            adv.append(slice(None))
            dim += 1
    if not any(isinstance(v, ndarray) for v in adv):
        return t if t is not self else getitem(self, ...)
    while adv and type(adv[-1]) is slice:
        adv.pop()
    arrays = [v for v in adv if isinstance(v, ndarray)]
    try:
        np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        shapes = ", ".join(str(list(a.shape)) for a in arrays)
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together "
                         f"with shapes {shapes}") from None
    return _index(t, tuple(adv), shape, acc)


# ---- index_select and index_add ----------------------------------------------------------------
def _check_index(index: Any, fname: str, what: str = "int32 or int64") -> ndarray:
    if not isinstance(index, Tensor):
        raise TypeError(f"{fname}(): argument 'index' (position 3) must be Tensor, not "
                        f"{type(index).__name__}")
    i = index._data
    if i.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{fname}(): Expected dtype {what} for index")
    return i


def _along(dim: int, i: Any) -> tuple:
    return (slice(None),) * dim + (i,)


def _isel_fwd(x, dim, index, shape):
    return np.take(x, index.reshape(-1), axis=dim)


def _isel_any(g: Any, dim: int, index: Any) -> Any:
    if type(g) is not Tensor:
        return np.take(g, index.reshape(-1), axis=dim)
    return _isel(g, dim, index, g._data.shape)


def _iadd_fwd(x, dim, index, src, alpha):
    out = x.copy()
    np.add.at(out, _along(dim, index.reshape(-1)), src if alpha == 1 else src * alpha)
    return out


def _isel_back(g: Any, dim: int, index: Any, shape: tuple) -> Any:
    if type(g) is not Tensor:
        return _iadd_fwd(np.zeros(shape, g.dtype), dim, index, g, 1)
    return _iadd(_make(np.zeros(shape, g._data.dtype)), dim, index, g, 1)


_isel = defop("index_select", _isel_fwd, "IndexSelectBackward0",
              x=lambda g, out, x, dim, index, shape: _isel_back(g, dim, index, shape))
_iadd = defop("index_add", _iadd_fwd, "IndexAddBackward0",
              x=lambda g, out, x, dim, index, src, alpha: g,
              src=lambda g, out, x, dim, index, src, alpha:
              _isel_any(g, dim, index) if alpha == 1 else _isel_any(g, dim, index) * alpha)


def _in_range(i: ndarray, n: int, lo: int = 0) -> Any:
    """The first index outside [lo, n), or None."""
    if i.size == 0 or (i.min() >= lo and i.max() < n):
        return None
    bad = ((i < lo) | (i >= n)).reshape(-1)
    return int(i.reshape(-1)[np.argmax(bad)])


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The entries of `input` at positions `index` (1-D) along `dim`. Repeated indices add up
    in the gradient.

    >>> tensor([[1., 2.], [3., 4.]]).index_select(1, tensor([1, 1]))
    tensor([[2., 2.],
            [4., 4.]])
    """
    i = _check_index(index, "index_select")
    if i.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = input._data
    if d.ndim == 0:
        if i.size != 1:
            raise RuntimeError("index_select(): Index to scalar can have only 1 value, got "
                               f"{i.size} value(s)")
        return reshape(index_select(reshape(input, (1,)), 0, index), ())
    dim = _wrap_dim(dim, d.ndim)
    n = d.shape[dim]
    bad = _in_range(i, n)
    if bad is not None:
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


def _cname(npdt: np.dtype) -> str:
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
            "int32": "Int", "bool": "Bool"}.get(str(npdt), str(npdt))


# ---- gather, scatter, scatter_add --------------------------------------------------------------
def _coords(index: ndarray, dim: int) -> tuple:
    """Index arrays for ``out[coords] <- src``: `index` along `dim`, the position elsewhere."""
    nd = index.ndim
    return tuple(index if d == dim else
                 np.arange(n).reshape((1,) * d + (n,) + (1,) * (nd - d - 1))
                 for d, n in enumerate(index.shape))


def _region(shape: tuple) -> tuple:
    return tuple(slice(0, n) for n in shape)


def _gather_fwd(x, dim, index, shape):
    return x[_coords(index, dim)]


def _gather_any(g: Any, dim: int, index: Any) -> Any:
    if type(g) is not Tensor:
        return _gather_fwd(g, dim, index, None)
    return _gather(g, dim, index, g._data.shape)


def _sadd_fwd(x, dim, index, src, sshape):
    out = x.copy()
    np.add.at(out, _coords(index, dim), src[_region(index.shape)])
    return out


def _gather_back(g: Any, dim: int, index: Any, shape: tuple) -> Any:
    if type(g) is not Tensor:
        return _sadd_fwd(np.zeros(shape, g.dtype), dim, index, g, g.shape)
    return _sadd(_make(np.zeros(shape, g._data.dtype)), dim, index, g, g._data.shape)


def _src_grad(g: Any, dim: int, index: Any, sshape: tuple) -> Any:
    """gather(g, dim, index), padded with zeros where src is larger than index."""
    r = _gather_any(g, dim, index)
    return r if tuple(r.shape) == sshape else _place(r, _region(r.shape), sshape, False)


def _scatter_fwd(x, dim, index, src, sshape):
    out = x.copy()
    out[_coords(index, dim)] = src[_region(index.shape)] if sshape is not None else src
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


def _lift(fn: Any, input: Tensor, index: Tensor, *rest: Any) -> Tensor:
    """Run a gather-like op on 0-d tensors as 1-element ones (NumPy needs an axis)."""
    out = fn(reshape(input, (1,)), 0, reshape(index, (1,)) if index._data.ndim == 0 else index,
             *[reshape(r, (1,)) if isinstance(r, Tensor) and r._data.ndim == 0 else r
               for r in rest])
    return reshape(out, index._data.shape) if out._data.ndim != index._data.ndim else out


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False,
           out: Any = None) -> Tensor:
    """``out[i][j] = input[i][index[i][j]]`` for dim 1 (likewise for any dim). Repeated
    indices add up in the gradient.

    >>> tensor([[1., 2.], [3., 4.]]).gather(1, tensor([[1], [0]]))
    tensor([[2.],
            [3.]])
    """
    dim = _check_gather_like("gather", input, dim, index)
    if input._data.ndim == 0 or index._data.ndim == 0:
        return _lift(gather, input, index)
    return _gather(input, dim, index, input._data.shape)


def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
            reduce: str | None = None) -> Tensor:
    """A copy of `input` with ``src[i][j]`` (or `value`) written to ``[i][index[i][j]]`` for
    dim 1. The gradient of `input` is zero where it was overwritten; that of `src` is the
    output's gradient read back at `index` (write-once indices assumed, as in PyTorch)."""
    if reduce is not None:
        raise NotImplementedError("feathergrad: scatter(..., reduce=...) is not supported; use "
                                  "scatter_add for reduce='add'.")
    if src is None:
        src = value
    if isinstance(src, Tensor):
        dim = _check_gather_like("scatter", input, dim, index, src)
        if src._data.dtype != input._data.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        if input._data.ndim == 0:
            return _lift(scatter, input, index, src)
        return _scatter(input, dim, index, src, src._data.shape)
    if not isinstance(src, (int, float, bool, np.number)):
        raise TypeError("scatter(): argument 'src' must be Tensor or a number, not "
                        f"{type(src).__name__}")
    dim = _check_gather_like("scatter", input, dim, index)
    if input._data.ndim == 0:
        return _lift(scatter, input, index, src)
    return _scatterv(input, dim, index, np.asarray(src).astype(input._data.dtype), None)


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of `input` with `src` added at `index` along `dim` (repeated indices add up)."""
    if not isinstance(src, Tensor):
        raise TypeError("scatter_add(): argument 'src' (position 4) must be Tensor, not "
                        f"{type(src).__name__}")
    dim = _check_gather_like("scatter_add", input, dim, index, src)
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter_add(): Expected self.dtype to be equal to src.dtype")
    if input._data.ndim == 0:
        return _lift(scatter_add, input, index, src)
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
    from .shape import broadcast_shapes
    sh = list(broadcast_shapes(_along_shape(d.shape, dim, 1), _along_shape(i.shape, dim, 1)))
    xi = tuple(_along_shape(tuple(sh), dim, d.shape[dim]))
    ii = tuple(_along_shape(tuple(sh), dim, i.shape[dim]))
    return gather(input if d.shape == xi else expand(input, xi), dim,
                  indices if i.shape == ii else expand(indices, ii))


# ---- masks and flat indices --------------------------------------------------------------------
def _mfill_fwd(x, mask, value):
    return np.where(mask, np.asarray(value).astype(x.dtype), x)


_mfill = defop("masked_fill", _mfill_fwd, "MaskedFillBackward0",
               x=lambda g, out, x, mask, value: np.where(mask, 0, g))
_mfill_t = defop("masked_fill_tensor", _mfill_fwd, "MaskedFillBackward1",
                 x=lambda g, out, x, mask, value: np.where(mask, 0, g),
                 value=lambda g, out, x, mask, value: np.where(mask, g, 0).sum())


def _check_mask(mask: Any, fname: str, shape: tuple) -> None:
    if not isinstance(mask, Tensor):
        raise TypeError(f"{fname}(): argument 'mask' (position 2) must be Tensor, not "
                        f"{type(mask).__name__}")
    if mask._data.dtype.kind != "b":
        if fname == "masked_select":
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype.name}")
    from .shape import broadcast_shapes
    broadcast_shapes(mask._data.shape, shape)


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """A copy of `input` with `value` where `mask` is True (mask broadcasts). The gradient of
    `input` is zero there; a 0-d tensor `value` gets the sum of the gradient there.

    >>> tensor([1., 2., 3.]).masked_fill(tensor([True, False, True]), 0.)
    tensor([0., 2., 0.])
    """
    _check_mask(mask, "masked_fill", input._data.shape)
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        return _mfill_t(input, mask, value)
    return _mfill(input, mask, value)


def _msel_fwd(x, mask, shape):
    return np.broadcast_to(x, shape)[np.broadcast_to(mask, shape)]


_msel = defop("masked_select", _msel_fwd, "MaskedSelectBackward0",
              x=lambda g, out, x, mask, shape:
              _place(g, (np.broadcast_to(_nd(mask), shape),), shape, False))


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of `input` where `mask` is True, as a 1-D tensor (mask broadcasts)."""
    _check_mask(mask, "masked_select", input._data.shape)
    from .shape import broadcast_shapes
    return _msel(input, mask, tuple(broadcast_shapes(input._data.shape, mask._data.shape)))


def _take_back(g: Any, index: Any, shape: tuple, n: int) -> Any:
    return _place(g, (_nd(index),), (n,), True).reshape(shape)


_take = defop("take", lambda x, index, shape, n: np.take(x, index), "TakeBackward0",
              x=lambda g, out, x, index, shape, n: _take_back(g, index, shape, n))


def take(input: Tensor, index: Tensor) -> Tensor:
    """The elements of `input`, read as 1-D, at `index` (any shape; negatives count from the
    end). Repeated indices add up in the gradient.

    >>> tensor([[1., 2.], [3., 4.]]).take(tensor([0, 3]))
    tensor([1., 4.])
    """
    if not isinstance(index, Tensor):
        raise TypeError(f"take(): argument 'index' (position 2) must be Tensor, not "
                        f"{type(index).__name__}")
    i = index._data
    if i.dtype != np.int64:
        raise RuntimeError("take(): Expected a long tensor for index, but got "
                           f"{_cname(i.dtype)}")
    n = input._data.size
    bad = _in_range(i, n, -n)
    if bad is not None:
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} "
                         "elements.")
    return _take(input, index, input._data.shape, n)


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
Tensor.masked_fill = masked_fill
Tensor.masked_select = masked_select
Tensor.take = take
HANDLED.update({
    np.take: _np_take,
    np.take_along_axis: lambda arr, indices, axis=-1: take_along_dim(arr, indices, axis),
})
