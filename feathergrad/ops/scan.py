"""Cumulative ops along one dim: cumsum, cumprod, cummax, cummin, logcumsumexp; and diff,
their discrete inverse.

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
from . import return_types
from ._core import HANDLED, defop
from .reduce import check_tensor, data, type_name
from .scatter import _gather_back

_make = Tensor._make

__all__ = [
    "cumsum",
    "cumprod",
    "cummax",
    "cummin",
    "logcumsumexp",
    "diff",
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
    npdt = (np.dtype(np.int64) if dtype is None else d.dtype) if d.dtype.kind in "biu" else None
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


# ---- cummax / cummin: the running extremum and where it was last reached --------------------
def _running_index(d: np.ndarray, ax: int, big: bool) -> np.ndarray:
    """Index of the running max (min) along `ax`: a new element takes over when it reaches
    the running value (ties go to the later one) or is NaN (which then sticks), as PyTorch."""
    acc = (np.fmax if big else np.fmin).accumulate(d, axis=ax) if d.dtype.kind == "f" else \
        (np.maximum if big else np.minimum).accumulate(d, axis=ax)
    n = d.shape[ax]
    prev = np.concatenate([np.take(acc, [0], axis=ax), np.take(acc, np.arange(n - 1), axis=ax)],
                          axis=ax)
    with np.errstate(invalid="ignore"):
        takes = (d >= prev) if big else (d <= prev)
    pos = np.arange(n).reshape((n,) + (1,) * (d.ndim - ax - 1))
    if d.dtype.kind == "f":
        nan = np.isnan(d)
        seen = np.maximum.accumulate(nan, axis=ax)
        takes = np.where(seen, nan, takes)   # NOTE: after a NaN, only another NaN takes over
    return np.maximum.accumulate(np.where(takes, pos, 0), axis=ax)


def _cumext_fwd(x, idx, ax, shape):
    return np.take_along_axis(x, idx, ax) if x.ndim else x.copy()


def _cumext_rule(g, out, x, idx, ax, shape):
    # the gradient of each output goes to the element it copies (repeats add up)
    return _gather_back(g, ax, idx, shape) if shape else g


_cummax = defop("cummax", _cumext_fwd, "CummaxBackward0", x=_cumext_rule)
_cummin = defop("cummin", _cumext_fwd, "CumminBackward0", x=_cumext_rule)


def _cumext(input: Tensor, dim: int, big: bool) -> Any:
    fname = "cummax" if big else "cummin"
    check_tensor(input, fname)
    d = input._data
    ax = _wrap_dim(int(dim), d.ndim)
    if d.ndim == 0 or d.size == 0:
        idx = np.zeros(d.shape, np.int64)
    else:
        idx = _running_index(d, ax, big)
    values = (_cummax if big else _cummin)(input, idx, ax, d.shape)
    rt = return_types.cummax if big else return_types.cummin
    return rt((values, _make(idx.astype(np.int64, copy=False))))


def cummax(input: Tensor, dim: int) -> Any:
    """Running maximum along `dim` and the index where it was (last) reached
    (``torch.return_types.cummax``); NaN propagates. Each output's gradient goes to the
    element it copies.

    >>> cummax(tensor([1., 3., 2., 5.]), 0).indices
    tensor([0, 1, 1, 3])
    """
    return _cumext(input, dim, True)


def cummin(input: Tensor, dim: int) -> Any:
    """Running minimum along `dim` and where it was (last) reached; see `cummax`.

    >>> cummin(tensor([3., 1., 2., 0.]), 0).values
    tensor([3., 1., 1., 0.])
    """
    return _cumext(input, dim, False)


# ---- logcumsumexp ------------------------------------------------------------------------------
def _lcse_fwd(x, ax):
    if x.ndim == 0 or x.size == 0:
        return x.copy()
    return np.logaddexp.accumulate(x, axis=ax)


def _rlcse(a: np.ndarray, ax: int) -> np.ndarray:
    """log(sum_{j >= i} exp(a_j)) along `ax`."""
    return np.flip(_lcse_fwd(np.flip(a, ax), ax), ax)


def _lcse_rule(g, out, x, ax):
    # grad_i = sum_{j >= i} g_j exp(x_i - out_j)
    if x.ndim == 0 or x.shape[ax] <= 1:
        return g
    if type(g) is not Tensor:
        # NOTE: in log space, positive and negative parts of g apart: no overflow
        with np.errstate(divide="ignore", invalid="ignore"):
            pos = _rlcse(np.log(np.maximum(g, 0)) - out, ax)
            neg = _rlcse(np.log(np.maximum(-g, 0)) - out, ax)
            return np.exp(x + pos) - np.exp(x + neg)
    # differentiable form (create_graph): all pairs j >= i, exponents clipped at 0
    xs, gs, os_ = np.moveaxis(x, ax, -1), np.moveaxis(g, ax, -1), np.moveaxis(out, ax, -1)
    n = xs.shape[-1]
    later = np.arange(n)[None, :] >= np.arange(n)[:, None]     # [i, j]: j >= i
    e = np.exp(np.minimum(xs[..., :, None] - os_[..., None, :], 0))
    return np.moveaxis(np.where(later, gs[..., None, :] * e, 0).sum(-1), -1, ax)


_logcumsumexp = defop("logcumsumexp", _lcse_fwd, "LogcumsumexpBackward0", x=_lcse_rule)


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """``log(cumsum(exp(input)))`` along `dim`, computed without overflow.

    >>> logcumsumexp(tensor([0., 0., 0.]), 0)
    tensor([0.0000, 0.6931, 1.0986])
    """
    check_tensor(input, "logcumsumexp")
    d = input._data
    ax = _wrap_dim(int(dim), d.ndim)
    if d.dtype.kind not in "fc":
        raise NotImplementedError("\"logcumsumexp_out_cpu\" not implemented for "
                                  f"'{type_name(d.dtype)}'")
    return _logcumsumexp(input, ax)


# ---- diff ----------------------------------------------------------------------------------
def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:
    """The `n`-th forward difference ``x[i+1] - x[i]`` along `dim`, after joining `prepend` and
    `append` (bool tensors give ``x[i+1] != x[i]``). Written in slicing and subtraction, so
    its gradient is theirs.

    >>> diff(tensor([1, 3, 6, 10]))
    tensor([2, 3, 4])
    """
    import feathergrad as fg
    check_tensor(input, "diff")
    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    ax = _wrap_dim(int(dim), input._data.ndim)
    parts = [t for t in (prepend, input, append) if t is not None]
    x = fg.cat(parts, ax) if len(parts) > 1 else input
    for _ in range(n):
        m = x.shape[ax]
        if m == 0:
            break
        a = fg.narrow(x, ax, 1, m - 1)
        b = fg.narrow(x, ax, 0, m - 1)
        x = fg.logical_xor(a, b) if x._data.dtype == np.bool_ else a - b
    return x


def _np_scan(f: Any) -> Any:
    def fn(a, axis=None, dtype=None, out=None):
        if axis is None:
            a, axis = a.reshape(-1), 0
        return f(a, axis, dtype=None if dtype is None else _dtype.to_dtype(dtype))
    return fn


Tensor.cumsum = cumsum
Tensor.cumprod = cumprod
Tensor.cummax = cummax
Tensor.cummin = cummin
Tensor.logcumsumexp = logcumsumexp
Tensor.diff = diff
HANDLED.update({np.cumsum: _np_scan(cumsum), np.cumprod: _np_scan(cumprod)})
