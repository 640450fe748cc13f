"""Counting and searching: unique, unique_consecutive, bincount, histc, histogram, searchsorted,
bucketize, isin. None of them is differentiable (their results are counts, indices or
values picked by comparison), so each is a plain NumPy call wrapped with PyTorch's signature,
dtypes and errors."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, _wrap_dim
from . import return_types
from .reduce import check_tensor, type_name

__all__ = [
    "unique",
    "unique_consecutive",
    "bincount",
    "histc",
    "histogram",
    "searchsorted",
    "bucketize",
    "isin",
    "unravel_index",
]

_make = Tensor._make


def _i64(a: Any) -> Tensor:
    return _make(np.asarray(a, dtype=np.int64))


def _results(values: Any, inverse: Any, counts: Any, return_inverse: bool,
             return_counts: bool) -> Any:
    out = [_make(np.ascontiguousarray(values))]
    if return_inverse:
        out.append(_i64(inverse))
    if return_counts:
        out.append(_i64(counts))
    return out[0] if len(out) == 1 else tuple(out)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: int | None = None) -> Any:
    """The distinct values of `input` in ascending order (distinct slices along `dim`), and
    optionally where each element went (`return_inverse`) and how often each occurs.

    >>> unique(tensor([3, 1, 3]), return_counts=True)
    (tensor([1, 3]), tensor([1, 2]))
    """
    check_tensor(input, "unique")
    d = input._data
    if dim is None:
        v, inv, cnt = np.unique(d.reshape(-1), return_inverse=True, return_counts=True)
        if d.dtype.kind in "fc" and np.isnan(v).any():   # NOTE: PyTorch keeps every NaN
            nan = np.isnan(v)
            extra = int(cnt[nan].sum())
            v = np.concatenate([v[~nan], np.full(extra, np.nan, d.dtype)])
            cnt = np.concatenate([cnt[~nan], np.ones(extra, np.int64)])
            k = int((~nan).sum())
            pos = np.flatnonzero(np.isnan(d.reshape(-1)))
            inv = inv.reshape(-1).copy()
            inv[pos] = k + np.arange(pos.size)
        return _results(v, inv.reshape(d.shape), cnt, return_inverse, return_counts)
    dim = _wrap_dim(dim, d.ndim)
    v, inv, cnt = np.unique(d, return_inverse=True, return_counts=True, axis=dim)
    return _results(v, inv.reshape(-1), cnt, return_inverse, return_counts)


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None) -> Any:
    """`input` with each run of equal consecutive values (or slices along `dim`) collapsed to
    one, as ``uniq`` does.

    >>> unique_consecutive(tensor([1, 1, 2, 2, 1]))
    tensor([1, 2, 1])
    """
    check_tensor(input, "unique_consecutive")
    d = input._data
    if dim is None:
        flat = d.reshape(-1)
        change = flat[1:] != flat[:-1]
    else:
        dim = _wrap_dim(dim, d.ndim)
        flat = np.moveaxis(d, dim, 0)
        change = (flat[1:] != flat[:-1]).reshape(max(flat.shape[0] - 1, 0), -1).any(axis=1)
    n = flat.shape[0]
    starts = np.concatenate([[0], np.flatnonzero(change) + 1]) if n else np.zeros(0, np.int64)
    values = flat[starts]
    if dim is not None:
        values = np.moveaxis(values, 0, dim)
    inv = np.cumsum(np.concatenate([[0], change.astype(np.int64)])) if n else starts
    counts = np.diff(np.concatenate([starts, [n]]))
    return _results(values, inv.reshape(d.shape) if dim is None else inv, counts,
                    return_inverse, return_counts)


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How often each value 0, 1, ..., max occurs in a 1-D tensor of non-negative integers
    (summing `weights` instead of counting, when given).

    >>> bincount(tensor([0, 1, 1, 3]))
    tensor([1, 2, 0, 1])
    """
    check_tensor(input, "bincount")
    d = input._data
    if d.dtype.kind not in "iu":
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for "
                                  f"'{type_name(d.dtype)}'")
    if d.ndim != 1 or (d.size and d.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _i64(np.bincount(d, minlength=minlength))
    w = weights._data
    if w.ndim != 1 or w.shape[0] != d.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    out_dt = w.dtype if w.dtype.kind == "f" else np.float64
    return _make(np.bincount(d, weights=w, minlength=minlength).astype(out_dt))


def _float_only(d: np.ndarray, kernel: str) -> None:
    if d.dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(d.dtype)}'")


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0, *,  # noqa: A002
          out: Any = None) -> Tensor:
    """Counts in `bins` equal-width bins between `min` and `max` (the data's range when both
    are 0; widened by 1 on each side when that range is a point). Elements outside are ignored.

    >>> histc(tensor([1., 2., 1.]), bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
    """
    check_tensor(input, "histc")
    d = input._data
    _float_only(d, "linspace_cpu" if d.dtype == np.bool_ else "histogram_cpu")
    if bins <= 0:
        raise RuntimeError("torch.histc(): bins must be > 0, but got " f"{bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo == hi and d.size:
        lo, hi = float(d.min()), float(d.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    h, _ = np.histogram(d.reshape(-1), bins=int(bins), range=(lo, hi))
    return _make(h.astype(d.dtype))


def histogram(input: Tensor, bins: Any = 100, *, range: Any = None,  # noqa: A002
              weight: Tensor | None = None, density: bool = False, out: Any = None) -> Any:
    """``(hist, bin_edges)`` as numpy.histogram computes them (``torch.return_types.histogram``).
    """
    check_tensor(input, "histogram")
    d = input._data
    _float_only(d, "histogram_cpu")
    b = bins._data if isinstance(bins, Tensor) else int(bins)
    w = weight._data if weight is not None else None
    h, edges = np.histogram(d.reshape(-1), bins=b, range=range,
                            weights=None if w is None else w.reshape(-1), density=density)
    return return_types.histogram((_make(h.astype(d.dtype)), _make(edges.astype(d.dtype))))


def _search(seq: np.ndarray, v: np.ndarray, side: str) -> np.ndarray:
    if seq.ndim <= 1:
        return np.searchsorted(seq, v, side=side)
    flat_s = seq.reshape(-1, seq.shape[-1])
    flat_v = v.reshape(flat_s.shape[0], -1)
    return np.stack([np.searchsorted(s, x, side=side) for s, x in zip(flat_s, flat_v)]
                    ).reshape(v.shape)


def _side(right: bool, side: str | None, fname: str) -> str:
    if side is None:
        return "right" if right else "left"
    if side not in ("left", "right"):
        raise RuntimeError(f"{fname}(): side can only be 'left' or 'right' but got {side}")
    if right and side == "left":
        raise RuntimeError(f"{fname}(): side and right can't be set to opposites, got side of "
                           "left while right was True")
    return side


def searchsorted(sorted_sequence: Tensor, input: Any, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None, out: Any = None,
                 sorter: Tensor | None = None) -> Tensor:
    """Where each value of `input` would be inserted into `sorted_sequence` (along its last
    dimension) to keep it sorted: before equal values, or after them with ``right=True``.

    >>> searchsorted(tensor([1, 3, 5, 7]), tensor([3, 6]))
    tensor([1, 3])
    """
    check_tensor(sorted_sequence, "searchsorted")
    seq = sorted_sequence._data
    v = input._data if isinstance(input, Tensor) else np.asarray(input)
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, -1)
    if seq.ndim > 1 and seq.shape[:-1] != v.shape[:-1]:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the "
                           "first N-1 dimensions of boundaries tensor and input value tensor "
                           f"must match, but we got boundaries tensor {list(seq.shape)} and "
                           f"input value tensor {list(v.shape)}")
    r = _search(seq, v, _side(right, side, "torch.searchsorted"))
    return _make(np.asarray(r, np.int32 if out_int32 else np.int64))


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False,
              out: Any = None) -> Tensor:
    """The bucket of each value among the sorted 1-D `boundaries`: i with
    ``boundaries[i-1] < x <= boundaries[i]`` (``<=`` and ``<`` swap with ``right=True``).

    >>> bucketize(tensor([3, 6, 9]), tensor([1, 3, 5, 7]))
    tensor([1, 3, 4])
    """
    b = boundaries._data
    if b.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({b.ndim})")
    v = input._data if isinstance(input, Tensor) else np.asarray(input)
    r = np.searchsorted(b, v, side="right" if right else "left")
    return _make(np.asarray(r, np.int32 if out_int32 else np.int64))


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """Whether each element of `elements` occurs in `test_elements` (a bool tensor of
    elements' shape).

    >>> isin(tensor([1, 2, 3]), tensor([2, 4]))
    tensor([False,  True, False])
    """
    e = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    t = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return _make(np.asarray(np.isin(e, t, invert=invert)))


def unravel_index(indices: Any, shape: Any) -> tuple:
    """The coordinates, in a tensor of `shape`, of each flat index (negative ones count from the
    end), as a tuple of int64 tensors.

    >>> unravel_index(tensor([4, 1]), (2, 3))
    (tensor([1, 0]), tensor([1, 1]))
    """
    i = indices._data if isinstance(indices, Tensor) else np.asarray(indices)
    if i.dtype.kind not in "iu":
        dt = indices.dtype if isinstance(indices, Tensor) else i.dtype
        raise TypeError(f"expected 'indices' to be integer dtype, but got {dt}")
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)
    if any(n < 0 for n in shape):
        raise RuntimeError("'shape' cannot have negative values, but got "
                           f"({', '.join(map(str, shape))})")
    # NOTE: PyTorch divides and wraps, without a range check (7 in (2, 3) is (0, 1))
    i = i.astype(np.int64)
    coords, stride = [], 1
    for n in reversed(shape):
        coords.append((i // stride) % n if n else np.zeros_like(i))
        stride *= n
    return tuple(_i64(c) for c in reversed(coords))


Tensor.unique = unique
Tensor.unique_consecutive = unique_consecutive
Tensor.bincount = bincount
Tensor.histc = histc
Tensor.histogram = histogram
