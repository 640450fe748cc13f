"""Extrema: max/min (full, along a dim with indices, or elementwise with a second tensor),
amax/amin, argmax/argmin.

Gradient conventions (PyTorch's): the full max()/min() and amax/amin split the gradient
evenly among tied elements; max(dim)/min(dim) send it to the returned index only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._broadcast import normalize_dims
from ..tensor import Tensor, _wrap_dim
from . import return_types
from ._core import HANDLED, defop
from ._multi import jointop
from .reduce import _nonempty, _np_red, bad_dim, check_tensor, data, keep, no_dim_keepdim

__all__ = [
    "max",
    "min",
    "amax",
    "amin",
    "argmax",
    "argmin",
    "aminmax",
]

_make = Tensor._make


# ---- max / min / amax / amin -------------------------------------------------------------
def _amax_fwd(x, axes, keepdims):
    return np.amax(x, axis=axes, keepdims=keepdims)


def _amin_fwd(x, axes, keepdims):
    return np.amin(x, axis=axes, keepdims=keepdims)


def _even_rule(g, out, x, axes, keepdims):
    # NOTE: ties share the gradient evenly (PyTorch's amax/amin and full max()/min()); the
    # mask and the count are constants, so the rule is linear in g.
    shape = x.shape
    mask = data(x) == keep(data(out), shape, axes, keepdims)
    count = mask.sum(axis=axes, keepdims=True).astype(data(g).dtype)
    return (keep(g, shape, axes, keepdims) / count) * mask


def _even_where(g, out, x, axes, keepdims):
    # NOTE: PyTorch's evenly_distribute_backward (full max()/min()/median()): the elements that
    # were not selected get +0, where amax's product with the mask gives -0 for a negative g
    shape = x.shape
    mask = data(x) == keep(data(out), shape, axes, keepdims)
    count = mask.sum(axis=axes, keepdims=True).astype(data(g).dtype)
    return np.where(mask, keep(g, shape, axes, keepdims) / count, 0)


_max_all = defop("max", _amax_fwd, "MaxBackward1", x=_even_where)
_min_all = defop("min", _amin_fwd, "MinBackward1", x=_even_where)
_amax = defop("amax", _amax_fwd, "AmaxBackward0", x=_even_rule)
_amin = defop("amin", _amin_fwd, "AminBackward0", x=_even_rule)


def _select_fwd(x, idx, dim, keepdim, shape):
    if x.ndim == 0:
        return x.copy()
    v = np.take_along_axis(x, idx, dim)
    return v if keepdim else v.reshape(v.shape[:dim] + v.shape[dim + 1:])


def _select_rule(g, out, x, idx, dim, keepdim, shape):
    # NOTE: max(dim)/min(dim) send the gradient to the returned index only (PyTorch's
    # value_selecting_reduction_backward), not split among ties.
    if not shape:
        return g
    if not keepdim:
        g = np.expand_dims(g, dim)
    n = shape[dim]
    pos = np.arange(n).reshape((n,) + (1,) * (len(shape) - dim - 1))
    return np.where(pos == idx, g, 0)


_max_dim = defop("max_dim", _select_fwd, "MaxBackward0", x=_select_rule)
_min_dim = defop("min_dim", _select_fwd, "MinBackward0", x=_select_rule)


def _extremum(input: Tensor, dim: Any, keepdim: bool, other: Any, big: bool) -> Any:
    fname = "max" if big else "min"
    check_tensor(input, fname)
    if isinstance(dim, Tensor):
        dim, other = None, dim
    if dim is not None and not isinstance(dim, (int, np.integer)):
        raise bad_dim(fname, dim, _SIGS)
    if other is not None:
        import feathergrad as fg
        return getattr(fg, "maximum" if big else "minimum")(input, other)
    d = input._data
    if dim is None:
        _nonempty(input, None, fname)
        return (_max_all if big else _min_all)(input, None, False)
    ax = _wrap_dim(int(dim), d.ndim)
    if d.ndim == 0:
        idx = np.zeros((), dtype=np.int64)
    else:
        _nonempty(input, (ax,), fname)
        idx = (np.argmax if big else np.argmin)(d, axis=ax, keepdims=True)
    values = (_max_dim if big else _min_dim)(input, idx, ax, bool(keepdim), d.shape)
    if d.ndim and not keepdim:
        idx = idx.reshape(idx.shape[:ax] + idx.shape[ax + 1:])
    rt = return_types.max if big else return_types.min
    return rt((values, _make(idx.astype(np.int64, copy=False))))


_SIGS = " * ()\n * (Tensor other)\n * (int dim, bool keepdim = False)"


def _no_dim(fname: str, dim: Any, keepdim: Any, other: Any, axis: Any, keepdims: Any) -> None:
    if dim is None and axis is None and other is None and keepdim is True and keepdims is None:
        raise no_dim_keepdim(fname, _SIGS)


def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None,
        axis: Any = None, keepdims: bool | None = None) -> Any:  # noqa: A001
    """Largest element; with `dim`, the named tuple ``(values, indices)`` along `dim`;
    with a Tensor second argument, the elementwise maximum.

    Gradient: the full max() splits it evenly among tied elements; max(dim) sends it to the
    returned index (the first maximum), as PyTorch does.

    >>> max(tensor([[1., 5.], [4., 2.]]), 1).indices
    tensor([1, 0])
    """
    _no_dim("max", dim, keepdim, other, axis, keepdims)
    return _extremum(input, dim if axis is None else axis,
                     keepdim if keepdims is None else keepdims, other, True)


def min(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None,
        axis: Any = None, keepdims: bool | None = None) -> Any:  # noqa: A001
    """Smallest element; with `dim`, ``(values, indices)``; see `max` for the gradient.

    >>> min(tensor([3., 1., 2.]))
    tensor(1.)
    """
    _no_dim("min", dim, keepdim, other, axis, keepdims)
    return _extremum(input, dim if axis is None else axis,
                     keepdim if keepdims is None else keepdims, other, False)


def _amaxmin(input: Tensor, dim: Any, keepdim: bool, big: bool) -> Tensor:
    fname = "amax" if big else "amin"
    check_tensor(input, fname)
    axes = None if dim is None else normalize_dims(dim, input._data.ndim)
    if input._data.ndim == 0:
        axes = None
    _nonempty(input, axes, fname)
    return (_amax if big else _amin)(input, axes, bool(keepdim))


def amax(input: Tensor, dim: Any = (), keepdim: bool = False, *, axis: Any = None,
         keepdims: bool | None = None) -> Tensor:
    """Largest elements over `dim` (all dims by default). Ties share the gradient evenly.

    >>> amax(tensor([[1., 5.], [4., 2.]]), 0)
    tensor([4., 5.])
    """
    return _amaxmin(input, dim if axis is None else axis,
                    keepdim if keepdims is None else keepdims, True)


def amin(input: Tensor, dim: Any = (), keepdim: bool = False, *, axis: Any = None,
         keepdims: bool | None = None) -> Tensor:
    """Smallest elements over `dim` (all dims by default). Ties share the gradient evenly.

    >>> amin(tensor([[1., 5.], [4., 2.]]), 1)
    tensor([1., 2.])
    """
    return _amaxmin(input, dim if axis is None else axis,
                    keepdim if keepdims is None else keepdims, False)


# ---- aminmax: both in one pass, one node ----------------------------------------------------
def _aminmax_rule(g, out, needs, ins, axes, keepdims):
    # NOTE: each of min and max splits its gradient evenly among ties (PyTorch's rule)
    x = ins[0]
    gmin, gmax = g
    r = None if gmin is None else _even_rule(gmin, out[0], x, axes, keepdims)
    if gmax is not None:
        m = _even_rule(gmax, out[1], x, axes, keepdims)
        r = m if r is None else r + m
    return (r,)


_aminmax = jointop("aminmax", "AminmaxBackward0",
                   lambda d, axes, keepdims: (_amin_fwd(d[0], axes, keepdims),
                                              _amax_fwd(d[0], axes, keepdims)),
                   _aminmax_rule, n_out=2)


def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False) -> Any:
    """``(min, max)`` of all elements, or along `dim` (``torch.return_types.aminmax``); each
    splits its gradient evenly among tied elements.

    >>> aminmax(tensor([[1., 5.], [4., 2.]]), dim=0)
    torch.return_types.aminmax(
    min=tensor([1., 2.]),
    max=tensor([4., 5.]))
    """
    check_tensor(input, "aminmax")
    d = input._data
    axes = None if dim is None or d.ndim == 0 else (_wrap_dim(int(dim), d.ndim),)
    if not d.size or (axes and not d.shape[axes[0]]):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    keepdim = bool(keepdim)
    if axes is None and keepdim:
        lo, hi = _aminmax([input], None, False)
        return return_types.aminmax((lo.reshape((1,) * d.ndim), hi.reshape((1,) * d.ndim)))
    return return_types.aminmax(_aminmax([input], axes, keepdim))


# ---- argmax / argmin (no gradient) -------------------------------------------------------
def _arg(input: Tensor, dim: Any, keepdim: bool, big: bool) -> Tensor:
    fname = "argmax" if big else "argmin"
    check_tensor(input, fname)
    d = input._data
    if d.dtype.kind == "b":
        raise RuntimeError(f"{fname}(): does not support bool input")
    f = np.argmax if big else np.argmin
    if dim is None:
        if not d.size:
            raise IndexError(f"{fname}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        r = np.asarray(f(d.reshape(-1)), dtype=np.int64)
        return _make(r.reshape((1,) * d.ndim) if keepdim else r)
    ax = _wrap_dim(int(dim), d.ndim)
    if d.ndim == 0:
        return _make(np.zeros((), dtype=np.int64))
    _nonempty(input, (ax,), fname)
    return _make(np.asarray(f(d, axis=ax, keepdims=bool(keepdim)), dtype=np.int64))


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False, *,
           axis: int | None = None, keepdims: bool | None = None) -> Tensor:
    """Index of the largest element (of the flattened input, or along `dim`): the first one
    among ties. Not differentiable (int64 result).

    >>> argmax(tensor([1., 3., 3.]))
    tensor(1)
    """
    return _arg(input, dim if axis is None else axis,
                keepdim if keepdims is None else keepdims, True)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False, *,
           axis: int | None = None, keepdims: bool | None = None) -> Tensor:
    """Index of the smallest element (first among ties). Not differentiable.

    >>> argmin(tensor([2., 1., 1.]))
    tensor(1)
    """
    return _arg(input, dim if axis is None else axis,
                keepdim if keepdims is None else keepdims, False)

def _np_arg(f: Any) -> Any:
    def fn(a, axis=None, out=None, *, keepdims=False):
        return f(a, axis, bool(keepdims))
    return fn


for _n in ("max", "min", "amax", "amin", "argmax", "argmin", "aminmax"):
    setattr(Tensor, _n, globals()[_n])
HANDLED.update({
    np.max: _np_red(amax, "max"), np.min: _np_red(amin, "min"),
    np.argmax: _np_arg(argmax), np.argmin: _np_arg(argmin),
})
if np.amax is not np.max:   # NumPy < 2: distinct function objects
    HANDLED.update({np.amax: HANDLED[np.max], np.amin: HANDLED[np.min]})
