"""Indexing by tensors: advanced indexing (``x[idx]``, ``x[mask]``), masked_fill,
masked_select, masked_scatter, take, put, index_put (ops that index along one dim are in
``scatter.py``).

The backward of a read at indices places the gradient into zeros at those indices, adding where
an index repeats (``np.add.at``); the backward of that placement reads the same indices back.
Both directions are ops of the table, so gradients of any order follow. Index tensors are
passed to the ops as arguments, so they are saved with their version like any input.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._broadcast import sum_to
from ..tensor import Tensor
from ._core import defop
from .shape import _broadcast, getitem

ndarray = np.ndarray
_make = Tensor._make

__all__ = [
    "masked_fill",
    "masked_select",
    "masked_scatter",
    "take",
    "put",
    "index_put",
]


def _nd(a: Any) -> Any:
    return a._data if type(a) is Tensor else a


# ---- accumulating writes ---------------------------------------------------------------------
def add_at(z: ndarray, idx: tuple, v: Any) -> ndarray:
    """``z[idx] += v`` where repeated indices accumulate (``np.add.at``), in place.

    Large real-float updates through integer arrays (after leading full slices) go through
    ``np.bincount`` on flat positions instead: about 2x faster than ``np.add.at`` on NumPy 2,
    and far more on NumPy < 1.25, whose ``add.at`` has no fast path.
    """
    d = 0
    while d < len(idx) and type(idx[d]) is slice and idx[d] == slice(None):
        d += 1
    arrays = idx[d:]
    if (z.dtype.kind != "f" or not arrays or np.size(v) < 4096
            or not all(type(a) is ndarray and a.dtype.kind in "iu" for a in arrays)):
        np.add.at(z, idx, v)
        return z
    out, k = z, len(arrays)
    bshape = np.broadcast_shapes(*(a.shape for a in arrays))
    if d:   # NOTE: x[:, i, j] puts the indexed dims at position d: move them to the front
        v = np.broadcast_to(v, z.shape[:d] + bshape + z.shape[d + k:])
        v = np.moveaxis(v, list(range(d, d + len(bshape))), list(range(len(bshape))))
        z = np.moveaxis(z, list(range(d, d + k)), list(range(k)))
    lin = np.ravel_multi_index(np.broadcast_arrays(*arrays), z.shape[:k], mode="wrap")
    t = int(np.prod(z.shape[k:], dtype=np.int64))
    flat = (lin.reshape(-1, 1) * t + np.arange(t)).reshape(-1) if t != 1 else lin.reshape(-1)
    w = np.broadcast_to(v, bshape + z.shape[k:]).reshape(-1)
    z += np.bincount(flat, weights=w, minlength=z.size).reshape(z.shape)
    return out


# ---- reading at indices and placing into zeros: a pair of mutually adjoint ops ---------------
def _put_fwd(g, idx, shape, acc):
    z = np.zeros(shape, g.dtype)
    if acc:
        add_at(z, idx, g)   # NOTE: repeated indices accumulate
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
    if isinstance(v, range):
        v = list(v)
    if isinstance(v, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(v).__name__}'")
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


def _in_range(i: ndarray, n: int, lo: int = 0) -> Any:
    """The first index outside [lo, n), or None."""
    if i.size == 0 or (i.min() >= lo and i.max() < n):
        return None
    bad = ((i < lo) | (i >= n)).reshape(-1)
    return int(i.reshape(-1)[np.argmax(bad)])


def _cname(npdt: np.dtype) -> str:
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
            "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(str(npdt), str(npdt))


# ---- masks and flat indices --------------------------------------------------------------------
def _mfill_fwd(x, mask, value):
    return np.where(mask, np.asarray(value).astype(x.dtype), x)


_mfill = defop("masked_fill", _mfill_fwd, "MaskedFillBackward0",
               x=lambda g, out, x, mask, value: np.where(mask, 0, g))
_mfill_t = defop("masked_fill_tensor", _mfill_fwd, "MaskedFillBackward1",
                 x=lambda g, out, x, mask, value: np.where(mask, 0, g),
                 value=lambda g, out, x, mask, value: np.where(mask, g, 0).sum())


_C_NAMES = {"uint8": "unsigned char", "int8": "signed char", "int16": "short int",
            "int32": "int", "int64": "long int", "float16": "c10::Half", "float32": "float",
            "float64": "double"}


def _check_mask(mask: Any, fname: str, shape: tuple) -> None:
    if not isinstance(mask, Tensor):
        raise TypeError(f"{fname}(): argument 'mask' (position 2) must be Tensor, not "
                        f"{type(mask).__name__}")
    if mask._data.dtype.kind != "b":
        if fname == "masked_select":
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        dt = str(mask._data.dtype)
        name = _cname(mask._data.dtype) if fname == "masked_scatter" else _C_NAMES.get(dt, dt)
        raise RuntimeError(f"{fname}_ only supports boolean masks, but got mask with dtype {name}")
    _broadcast((mask._data.shape, shape))


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
    return _msel(input, mask, tuple(_broadcast((input._data.shape, mask._data.shape))))


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


# ---- writes: masked_scatter, put, index_put ----------------------------------------------------
def _mscat_fwd(x, mask, src, shape, k, sshape):
    out = np.array(np.broadcast_to(x, shape))
    out[np.broadcast_to(mask, shape)] = src.reshape(-1)[:k]
    return out


def _mscat_src(g: Any, mask: Any, shape: tuple, k: int, sshape: tuple) -> Any:
    # NOTE: source's first k elements (row-major) went to the masked positions; the rest unused
    r = _read(g, (np.broadcast_to(_nd(mask), shape),), False)
    n = int(np.prod(sshape))
    return (r if k == n else _place(r, (slice(0, k),), (n,), False)).reshape(sshape)


_mscat = defop("masked_scatter", _mscat_fwd, "MaskedScatterBackward0",
               x=lambda g, out, x, mask, src, shape, k, sshape: np.where(mask, 0, g),
               src=lambda g, out, x, mask, src, shape, k, sshape:
               _mscat_src(g, mask, shape, k, sshape))


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """A copy of `input` with the masked positions taken, in order, from ``source``'s first
    elements (mask broadcasts)."""
    _check_mask(mask, "masked_scatter", input._data.shape)
    d, s = input._data, source._data
    if d.dtype != s.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but got"
                           f"{_cname(d.dtype)} and {_cname(s.dtype)}")
    shape = tuple(_broadcast((d.shape, mask._data.shape)))
    k = int(np.count_nonzero(np.broadcast_to(mask._data, shape)))
    if k > s.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return _mscat(input, mask, source, shape, k, s.shape)


def _put_flat_fwd(x, index, src, acc, sshape=None):
    out = x.copy()
    flat = out.reshape(-1)
    if acc:
        add_at(flat, (index.reshape(-1),), src.reshape(-1))
    else:
        flat[index.reshape(-1)] = src.reshape(-1)
    return out


def _zero_flat(g: Any, index: Any) -> Any:
    if type(g) is not Tensor:
        return _put_flat_fwd(g, index, np.zeros(1, g.dtype), False)
    return _putop(g, index, _make(np.zeros(1, g._data.dtype)), False, (1,))


def _take_any(g: Any, index: Any) -> Any:
    if type(g) is not Tensor:
        return np.take(g, index)
    return _take(g, index, g._data.shape, g._data.size)


_putop = defop("put", _put_flat_fwd, "PutBackward0",
               x=lambda g, out, x, index, src, acc, sshape: g if acc else _zero_flat(g, index),
               src=lambda g, out, x, index, src, acc, sshape: _take_any(g, index).reshape(sshape))


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of `input`, read as 1-D, with ``source`` written (or added, if `accumulate`) at
    `index`."""
    i = index._data
    if i.dtype != np.int64:
        raise RuntimeError("put_(): Expected a long tensor for index, but got "
                           f"{_cname(i.dtype)}")
    if source._data.size != i.size:
        raise IndexError("put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {source._data.size}, "
                         f"index.numel() = {i.size}")
    n = input._data.size
    bad = _in_range(i, n, -n)
    if bad is not None:
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} "
                         "elements.")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError("put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {input.dtype} and source.dtype = {source.dtype}")
    return _putop(input, index, source, bool(accumulate), source._data.shape)


def _iput_fwd(x, idx, v, acc, vshape):
    out = x.copy()
    if acc:
        add_at(out, idx, v)
    else:
        out[idx] = v
    return out


def _zero_idx(g: Any, idx: tuple) -> Any:
    if type(g) is not Tensor:
        return _iput_fwd(g, idx, 0, False, ())
    return _iput(g, idx, _make(np.zeros((), g._data.dtype)), False, ())


_iput = defop("index_put_op", _iput_fwd, "IndexPutBackward0",
              x=lambda g, out, x, idx, v, acc, vshape: g if acc else _zero_idx(g, idx),
              v=lambda g, out, x, idx, v, acc, vshape: sum_to(_read(g, idx, acc), vshape))


def index_put(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of `input` with ``values`` written (or added, if `accumulate`) at the advanced
    index `indices` (a tuple of integer or boolean tensors): the functional ``x[indices] = v``."""
    items = list(indices)
    for k, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 0, but got "
                            f"{type(t).__name__}")
    shape = input._data.shape
    if sum(t._data.ndim if t._data.dtype.kind == "b" else 1 for t in items) > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    idx: list = []
    dim = 0
    for t in items:
        a = _as_index(t)
        if isinstance(a, int):
            a = np.asarray(a)
        if a.dtype.kind == "b":
            idx.extend(np.nonzero(a) if a.ndim else (np.zeros(int(a), np.int64),))
            dim += a.ndim
            continue
        n = shape[dim]
        bad = _in_range(a, n, -n)
        if bad is not None:
            raise IndexError(f"index {bad} is out of bounds for dimension {len(idx)} with size "
                             f"{n}")
        idx.append(a)
        dim += 1
    idx_t = tuple(idx)
    target = np.empty(shape, dtype=np.bool_)[idx_t].shape
    v = values
    if v._data.dtype != input._data.dtype:
        v = v.to(input.dtype)
    try:
        np.broadcast_shapes(v._data.shape, target)
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(v._data.shape)} cannot "
                           f"be broadcast to indexing result of shape {list(target)}") from None
    return _iput(input, idx_t, v, bool(accumulate), v._data.shape)


Tensor.masked_fill = masked_fill
Tensor.masked_select = masked_select
Tensor.take = take
Tensor.masked_scatter = masked_scatter
Tensor.put = put
Tensor.index_put = index_put
