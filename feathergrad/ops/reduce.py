"""Reductions: sum, mean, prod, all/any/count_nonzero, and the helpers every reduction
family uses.

Their rules spread the gradient back over the reduced axes. max/min/amax/amin/argmax/argmin
live in ``extrema.py``, std/var/logsumexp in ``stats.py``, norms in ``norms.py``, cumulative
ops in ``scan.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from .._broadcast import normalize_dims
from ..tensor import Tensor, _wrap_dim
from ._core import HANDLED, defop

__all__ = [
    "sum",
    "mean",
    "prod",
    "all",
    "any",
    "count_nonzero",
    "nansum",
    "nanmean",
]

_make = Tensor._make


# ---- helpers shared by the reduction families --------------------------------------------
def _kept_shape(shape: tuple, axes: tuple | None) -> tuple:
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def keep(g: Any, shape: tuple, axes: tuple | None, keepdims: bool) -> Any:
    """Put the reduced axes of a reduction result back as size-1 axes (PyTorch's
    ``unsqueeze_multiple``), so it broadcasts against the input."""
    return g if keepdims else g.reshape(_kept_shape(shape, axes))


def expand_back(g: Any, shape: tuple, axes: tuple | None, keepdims: bool) -> Any:
    """The adjoint of a sum over `axes`: put the reduced axes back and broadcast."""
    if not keepdims:
        g = g.reshape(_kept_shape(shape, axes))
    return np.broadcast_to(g, shape)


def data(t: Any) -> Any:
    """The ndarray behind a Tensor (masks and counts are constants, computed on data)."""
    return t._data if type(t) is Tensor else t


def check_tensor(input: Any, fname: str) -> Tensor:
    if type(input) is not Tensor and not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input


def reduce_dims(input: Tensor, dim: Any, axis: Any, fname: str = "sum") -> tuple | None:
    """`dim` (or its NumPy alias `axis`) as a sorted tuple of axes; None means all."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{fname}(): got both 'dim' and its NumPy alias 'axis'")
        dim = axis
    axes = normalize_dims(dim, input._data.ndim)
    if axes is not None and input._data.ndim == 0:
        return None
    return axes


def type_name(npdt: np.dtype) -> str:
    """PyTorch's ScalarType name of a dtype, as its error messages spell it (Long, Float)."""
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
            "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool", "complex64": "ComplexFloat",
            "complex128": "ComplexDouble"}.get(str(npdt), str(npdt))


def no_dim_keepdim(fname: str, sigs: str) -> TypeError:
    """PyTorch's TypeError for ``keepdim=True`` without a dim (no overload takes it)."""
    return TypeError(f"{fname}() received an invalid combination of arguments - got "
                     f"(keepdim=bool, ), but expected one of:\n{sigs}\nfeathergrad: give the "
                     "dims to reduce, e.g. x.sum(dim=(0, 1), keepdim=True)")


def bad_dim(fname: str, dim: Any, sigs: str) -> TypeError:
    return TypeError(f"{fname}() received an invalid combination of arguments - got "
                     f"({type(dim).__name__}), but expected one of:\n{sigs}")


_SUM_SIGS = (" * (*, torch.dtype dtype = None)\n"
             " * (tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)")


def _check_dim_arg(fname: str, dim: Any, keepdim: Any, keepdims: Any, axis: Any) -> None:
    if dim is None and axis is None and keepdim and keepdims is None:
        raise no_dim_keepdim(fname, _SUM_SIGS)
    if isinstance(dim, float):
        raise bad_dim(fname, dim, _SUM_SIGS)


def _nonempty(input: Tensor, axes: tuple | None, fname: str) -> None:
    d = input._data
    if d.size:
        return
    if axes is None:
        raise RuntimeError(f"{fname}(): Expected reduction dim to be specified for "
                           "input.numel() == 0. Specify the reduction dim with the 'dim' "
                           "argument.")
    for a in axes:
        if d.shape[a] == 0:
            raise IndexError(f"{fname}(): Expected reduction dim {a} to have non-zero size.")


# ---- sum and mean ------------------------------------------------------------------------
def _sum_fwd(x, axes, keepdims, shape, npdt):
    return np.sum(x, axis=axes, keepdims=keepdims, dtype=npdt)


def _sum_rule(g, out, x, axes, keepdims, shape, npdt):
    return expand_back(g, shape, axes, keepdims)


_sum0 = defop("sum", _sum_fwd, "SumBackward0", x=_sum_rule)
_sum1 = defop("sum_dim", _sum_fwd, "SumBackward1", x=_sum_rule)


def _mean_fwd(x, axes, keepdims, shape, n):
    return np.mean(x, axis=axes, keepdims=keepdims)


def _mean_rule(g, out, x, axes, keepdims, shape, n):
    return expand_back(g, shape, axes, keepdims) / n


_mean0 = defop("mean", _mean_fwd, "MeanBackward0", x=_mean_rule)
_mean1 = defop("mean_dim", _mean_fwd, "MeanBackward1", x=_mean_rule)


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
        axis: Any = None, keepdims: bool | None = None) -> Tensor:  # noqa: A001
    """Sum of all elements, or over `dim` (int or tuple). Integer and bool sums give int64.

    >>> sum(tensor([[1., 2.], [3., 4.]]), 0)
    tensor([4., 6.])
    """
    check_tensor(input, "sum")
    if (keepdim and dim is None) or type(dim) is float:
        _check_dim_arg("sum", dim, keepdim, keepdims, axis)
    if keepdims is not None:
        keepdim = keepdims
    d = input._data
    axes = reduce_dims(input, dim, axis, "sum")
    if dtype is not None:
        npdt = _dtype.to_dtype(dtype).np
    else:
        npdt = np.dtype(np.int64) if d.dtype.kind in "biu" else None
    op = _sum0 if dim is None and axis is None else _sum1
    return op(input, axes, bool(keepdim), d.shape, npdt)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
         axis: Any = None, keepdims: bool | None = None) -> Tensor:
    """Mean of all elements, or over `dim`. Refuses integer input, as PyTorch does.

    >>> mean(tensor([1., 2., 6.]))
    tensor(3.)
    """
    check_tensor(input, "mean")
    if (keepdim and dim is None) or type(dim) is float:
        _check_dim_arg("mean", dim, keepdim, keepdims, axis)
    if keepdims is not None:
        keepdim = keepdims
    d = input._data
    if dtype is not None:
        input = input.to(dtype)
        d = input._data
    if d.dtype.kind not in "fc":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {type_name(d.dtype)} (convert first: x.float().mean())")
    axes = reduce_dims(input, dim, axis, "mean")
    n = d.size if axes is None else int(np.prod([d.shape[a] for a in axes]))
    op = _mean0 if dim is None and axis is None else _mean1
    return op(input, axes, bool(keepdim), d.shape, n)


# ---- nansum and nanmean: NaN counts as zero / is left out ----------------------------------
def _nansum_fwd(x, axes, keepdims, shape, npdt):
    return np.nansum(x, axis=axes, keepdims=keepdims, dtype=npdt)


_nansum = defop("nansum", _nansum_fwd, "NansumBackward0",
                x=lambda g, out, x, axes, keepdims, shape, npdt:
                expand_back(g, shape, axes, keepdims) * ~np.isnan(data(x)))


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """`sum` with NaN counted as zero (NaN elements get no gradient).

    >>> nansum(tensor([1., float('nan'), 3.]))
    tensor(4.)
    """
    check_tensor(input, "nansum")
    d = input._data
    axes = reduce_dims(input, dim, None, "nansum")
    if dtype is not None:
        npdt = _dtype.to_dtype(dtype).np
    else:
        npdt = np.dtype(np.int64) if d.dtype.kind in "biu" else None
    return _nansum(input, axes, bool(keepdim), d.shape, npdt)


def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
            ) -> Tensor:
    """`mean` of the non-NaN elements (NaN where all are NaN).

    >>> nanmean(tensor([1., float('nan'), 3.]))
    tensor(2.)
    """
    check_tensor(input, "nanmean")
    if dtype is not None:
        input = input.to(dtype)
    d = input._data
    if d.dtype.kind not in "fc":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {type_name(d.dtype)}")
    axes = reduce_dims(input, dim, None, "nanmean")
    count = np.sum(~np.isnan(d), axis=axes, keepdims=bool(keepdim)).astype(d.dtype)
    return nansum(input, dim, keepdim) / _make(count)


# ---- prod --------------------------------------------------------------------------------
def _prod_fwd(x, axes, keepdims, npdt):
    return np.prod(x, axis=axes, keepdims=keepdims, dtype=npdt)


def _prod_rule(g, out, x, axes, keepdims, npdt):
    shape = x.shape
    if not shape:
        return g
    if not (data(x) == 0).any():
        return expand_back(g, shape, axes, keepdims) * (keep(out, shape, axes, keepdims) / x)
    # NOTE: with zeros, out / x is 0/0. PyTorch's formula: the product of all the other
    # elements, from exclusive cumulative products (exact, also to second order).
    return expand_back(g, shape, axes, keepdims) * _others_product(x, axes)


def _others_product(x: Any, axes: tuple | None) -> Any:
    """For each element, the product of the other elements along the reduced axis."""
    if axes is None:
        return _others_along(x.reshape(-1), 0).reshape(x.shape)
    return _others_along(x, axes[0])


def _others_along(x: Any, ax: int) -> Any:
    n = x.shape[ax]
    one = np.ones(x.shape[:ax] + (1,) + x.shape[ax + 1:], dtype=data(x).dtype)
    if n <= 1 or data(x).size == 0:
        return np.ones(x.shape, dtype=one.dtype)
    if type(x) is Tensor:
        one = _make(one)
    pre = (slice(None),) * ax
    left = np.cumprod(np.concatenate([one, x[pre + (slice(0, n - 1),)]], axis=ax), axis=ax)
    rev = np.flip(x[pre + (slice(1, None),)], ax)
    right = np.flip(np.cumprod(np.concatenate([one, rev], axis=ax), axis=ax), ax)
    return left * right


_prod0 = defop("prod", _prod_fwd, "ProdBackward0", x=_prod_rule)
_prod1 = defop("prod_dim", _prod_fwd, "ProdBackward1", x=_prod_rule)


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: Any = None,
         axis: int | None = None, keepdims: bool | None = None) -> Tensor:
    """Product of all elements, or along `dim` (an int). Integer and bool inputs give int64.

    The gradient of element i is the product of the other elements, also where some are
    zero (PyTorch's convention; no 0/0).

    >>> prod(tensor([2., 0., 3.]))
    tensor(0.)
    """
    check_tensor(input, "prod")
    if dim is None and axis is None and keepdim and keepdims is None:
        raise no_dim_keepdim("prod", " * (*, torch.dtype dtype = None)\n"
                             " * (int dim, bool keepdim = False, *, torch.dtype dtype = None)")
    if keepdims is not None:
        keepdim = keepdims
    if axis is not None:
        dim = axis
    if dtype is not None:
        input = input.to(dtype)
    d = input._data
    npdt = np.dtype(np.int64) if d.dtype.kind in "biu" else None
    if dim is None:
        return _prod0(input, None, False, npdt)
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"prod() received an invalid combination of arguments - got (Tensor, "
                        f"{type(dim).__name__}), but expected one of: (Tensor input, int dim, "
                        "bool keepdim, *, dtype); reduce one dim at a time, e.g. "
                        "x.prod(0).prod(0)")
    ax = _wrap_dim(int(dim), d.ndim)
    axes = None if d.ndim == 0 else (ax,)
    return _prod1(input, axes, bool(keepdim), npdt)


# ---- logical reductions (no gradient) ---------------------------------------------------
def _logical(input: Tensor, dim: Any, keepdim: bool, f: Any, fname: str) -> Tensor:
    check_tensor(input, fname)
    d = input._data
    axes = None if dim is None else normalize_dims(dim, d.ndim)
    if d.ndim == 0:
        axes = None
    r = np.asarray(f(d, axis=axes, keepdims=bool(keepdim)))
    # NOTE: as in PyTorch, uint8 input gives a uint8 result; everything else gives bool
    return _make(r.astype(np.uint8) if d.dtype == np.uint8 else r)


def all(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
        keepdims: bool | None = None) -> Tensor:  # noqa: A001
    """Whether every element (over `dim`) is nonzero.

    >>> all(tensor([True, False]))
    tensor(False)
    """
    return _logical(input, dim if axis is None else axis,
                    keepdim if keepdims is None else keepdims, np.all, "all")


def any(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
        keepdims: bool | None = None) -> Tensor:  # noqa: A001
    """Whether some element (over `dim`) is nonzero.

    >>> any(tensor([0., 2.]))
    tensor(True)
    """
    return _logical(input, dim if axis is None else axis,
                    keepdim if keepdims is None else keepdims, np.any, "any")


def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """Number of nonzero elements (over `dim`), as int64.

    >>> count_nonzero(tensor([0., 2., 3.]))
    tensor(2)
    """
    check_tensor(input, "count_nonzero")
    d = input._data
    axes = None if dim is None else normalize_dims(dim, d.ndim)
    if d.ndim == 0:
        axes = None
    return _make(np.asarray(np.count_nonzero(d, axis=axes), dtype=np.int64))


# ---- Tensor methods and NumPy protocol ---------------------------------------------------
def _np_red(f: Any, name: str) -> Any:
    def fn(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
        if out is not None:
            raise TypeError(f"numpy.{name}(..., out=) is not supported for feathergrad tensors")
        if dtype is not None:
            a = a.to(dtype)
        return f(a, axis=axis, keepdims=bool(keepdims))
    return fn


def _np_prod(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    if isinstance(axis, (tuple, list)):
        axes = normalize_dims(axis, a.ndim)
        for ax in reversed(axes or ()):
            a = prod(a, ax, bool(keepdims), dtype=dtype)
        return a if axes else prod(a, dtype=dtype)
    r = prod(a, axis, bool(keepdims), dtype=dtype)
    if axis is None and keepdims:
        r = r.reshape((1,) * a.ndim)
    return r


def sum_to_size(self: Tensor, *size: Any) -> Tensor:
    """Sum `self` down to `size` (the adjoint of expanding `size` to self's shape).

    >>> ones(2, 3).sum_to_size(1, 3)
    tensor([[2., 2., 2.]])
    """
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    shape = tuple(int(n) for n in shape)
    have = self._data.shape
    lead = len(have) - len(shape)
    if lead < 0 or [n for i, n in enumerate(shape) if n != 1 and n != have[lead + i]]:
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(have)}}}.")
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape)
                                      if n == 1 and have[lead + i] != 1)
    if not axes:
        return self
    r = sum(self, axes, keepdim=True)
    return r.reshape(shape) if lead else r


Tensor.sum_to_size = sum_to_size
for _n in ("sum", "mean", "prod", "all", "any", "count_nonzero", "nansum", "nanmean"):
    setattr(Tensor, _n, globals()[_n])
HANDLED.update({
    np.sum: sum, np.mean: mean, np.prod: _np_prod,
    np.all: _np_red(all, "all"), np.any: _np_red(any, "any"),
    np.count_nonzero: lambda a, axis=None, *, keepdims=False: count_nonzero(a, axis),
    np.nansum: _np_red(lambda a, axis, keepdims: nansum(a, axis, keepdims), "nansum"),
    np.nanmean: _np_red(lambda a, axis, keepdims: nanmean(a, axis, keepdims), "nanmean"),
})
