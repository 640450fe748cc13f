"""Numerical calculus and covariance on samples: trapezoid (trapz), cumulative_trapezoid,
gradient, cov, corrcoef.

Each is written, as in PyTorch, in slicing, arithmetic, sums and products of other ops, so its
gradient (of any order) is theirs; spacings and weights enter as constants.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor, _wrap_dim
from ._core import defop
from .reduce import check_tensor

__all__ = [
    "trapezoid",
    "trapz",
    "cumulative_trapezoid",
    "gradient",
    "cov",
    "corrcoef",
]

_make = Tensor._make


# NOTE: PyTorch scales by a C++ Scalar here, so its nodes are the Scalar overloads' (Backward1)
# (astype: NumPy < 2 widens a 0-d float32 times a Python float to float64)
_scale = defop("scale_by_scalar", lambda x, c: (x * c).astype(x.dtype, copy=False),
               "MulBackward1", x=lambda g, out, x, c: g * c)
_halve = defop("divide_by_scalar", lambda x, c: (x / c).astype(x.dtype, copy=False),
               "DivBackward1", x=lambda g, out, x, c: g / c)


def _floating(t: Tensor) -> Tensor:
    return t if t._data.dtype.kind in "fc" else t.to(_dtype._default[0])


def _sl(t: Tensor, dim: int, start: Any, stop: Any) -> Tensor:
    return t[(slice(None),) * dim + (slice(start, stop),)]


# ---- integration ------------------------------------------------------------------------------
def _trapezoid(y: Tensor, x: Any, dx: Any, dim: int, cumulative: bool) -> Tensor:
    import feathergrad as fg
    fname = "cumulative_trapezoid" if cumulative else "trapezoid"
    check_tensor(y, fname)
    if y._data.ndim == 0:
        if cumulative:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _wrap_dim(dim, y._data.ndim)
    n = y.shape[d] if y._data.ndim else 0
    y = _floating(y)
    pair = _sl(y, d, 1, None) + _sl(y, d, None, -1) if n else None
    if x is not None:
        if not isinstance(x, Tensor):
            raise TypeError(f"{fname}(): argument 'x' must be Tensor, not {type(x).__name__}")
        if x._data.ndim == 1:
            if x.shape[0] != n:
                raise RuntimeError(f"{fname}: There must be one `x` value for each sample point")
            shape = [1] * y._data.ndim
            shape[d] = n
            x = x.reshape(shape)
        elif x.shape[d if x._data.ndim == y._data.ndim else -1] != n:
            raise RuntimeError(f"{fname}: There must be one `x` value for each sample point")
        if not n:
            return fg.zeros(y.shape[:d] + y.shape[d + 1:], dtype=y.dtype)
        spacing = fg.diff(x, dim=d if x._data.ndim == y._data.ndim else -1)
        if cumulative:
            return _halve(fg.cumsum(spacing * pair, d), 2)
        return _halve((spacing * pair).sum(d), 2)
    step = 1 if dx is None else dx
    if not n:
        return fg.zeros(y.shape[:d] + y.shape[d + 1:] if y._data.ndim else (), dtype=y.dtype)
    if cumulative:
        return fg.cumsum(pair * (step / 2), d)
    ends = y.select(d, 0) + y.select(d, -1)
    return _scale(y.sum(d) - ends * 0.5, step)


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
              dim: int = -1) -> Tensor:
    """The trapezoidal rule along `dim`: with sample points `x` (a tensor), or evenly spaced
    by `dx` (default 1).

    >>> trapezoid(tensor([1., 2., 3.]))
    tensor(4.)
    """
    return _trapezoid(y, x, dx, dim, False)


def trapz(y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1
          ) -> Tensor:
    """Alias of `trapezoid`."""
    return _trapezoid(y, x, dx, dim, False)


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
                         dim: int = -1) -> Tensor:
    """The running trapezoidal integral along `dim` (one value less than `y` has there).

    >>> cumulative_trapezoid(tensor([1., 2., 3.]))
    tensor([1.5000, 4.0000])
    """
    return _trapezoid(y, x, dx, dim, True)


# ---- gradient ---------------------------------------------------------------------------------
def _coordinates(spacing: Any, dims: list, shape: tuple) -> list:
    """Per dim: a float step, or the sample coordinates as an ndarray."""
    if isinstance(spacing, (int, float, np.number)):
        return [float(spacing)] * len(dims)
    if isinstance(spacing, Tensor) and spacing._data.ndim == 0:
        return [float(spacing)] * len(dims)
    items = list(spacing)
    if len(items) != len(dims):
        raise RuntimeError("torch.gradient expected spacing to be unspecified, a scalar or it's "
                           "spacing and dim arguments to have the same length, but got a spacing "
                           f"argument of length {len(items)} and a dim argument of length "
                           f"{len(dims)}.")
    out = []
    for d, s in zip(dims, items):
        if isinstance(s, Tensor) and s._data.ndim == 1:
            if s.shape[0] != shape[d]:
                raise RuntimeError("torch.gradient expected each tensor to be on the same "
                                   "device and the length of each tensor to match the size "
                                   f"of the input along its dim, but got {s.shape[0]} and "
                                   f"{shape[d]}")
            out.append(s._data.astype(np.float64))
        else:
            out.append(float(s))
    return out


def _along(f: Tensor, d: int, dx: Any, edge_order: int) -> Tensor:
    import feathergrad as fg
    n = f.shape[d]
    if n < edge_order + 1:
        raise RuntimeError("torch.gradient expected each dimension size to be at least "
                           "edge_order+1")
    if isinstance(dx, float):
        h = np.full(n - 1, dx)
    else:
        h = np.diff(dx)
    dt = f._data.dtype

    def c(v: Any) -> Any:   # a coefficient, broadcast along d
        v = np.asarray(v, dtype=dt)
        if v.ndim:
            v = v.reshape((-1,) + (1,) * (f._data.ndim - d - 1))
        return _make(v)

    # NOTE: NumPy's (and PyTorch's) second-order formulas for uneven spacing
    if n > 2:
        hd, hs = h[:-1], h[1:]
        a = -hs / (hd * (hd + hs))
        b = (hs - hd) / (hd * hs)
        cc = hd / (hs * (hd + hs))
        interior = (_sl(f, d, None, -2) * c(a) + _sl(f, d, 1, -1) * c(b)
                    + _sl(f, d, 2, None) * c(cc))
    if edge_order == 1:
        first = (_sl(f, d, 1, 2) - _sl(f, d, 0, 1)) / c(h[0])
        last = (_sl(f, d, n - 1, n) - _sl(f, d, n - 2, n - 1)) / c(h[-1])
    else:
        d1, d2 = h[0], h[1]
        first = (_sl(f, d, 0, 1) * c(-(2 * d1 + d2) / (d1 * (d1 + d2)))
                 + _sl(f, d, 1, 2) * c((d1 + d2) / (d1 * d2))
                 + _sl(f, d, 2, 3) * c(-d1 / (d2 * (d1 + d2))))
        d1, d2 = h[-2], h[-1]
        last = (_sl(f, d, n - 3, n - 2) * c(d2 / (d1 * (d1 + d2)))
                + _sl(f, d, n - 2, n - 1) * c(-(d2 + d1) / (d1 * d2))
                + _sl(f, d, n - 1, n) * c((2 * d2 + d1) / (d2 * (d1 + d2))))
    parts = [first, interior, last] if n > 2 else [first, last]
    return fg.cat(parts, d)


def gradient(input: Tensor, *, spacing: Any = 1, dim: Any = None, edge_order: int = 1
             ) -> tuple:
    """The derivative estimated by finite differences along each dim in `dim` (all by
    default): central differences inside, one-sided (``edge_order`` 1 or 2) at the ends.
    `spacing` is a step, one step per dim, or the sample coordinates per dim.

    >>> gradient(tensor([1., 4., 9., 16.]))
    (tensor([3., 4., 6., 7.]),)
    """
    check_tensor(input, "gradient")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    nd = input._data.ndim
    dims = list(range(nd)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    dims = [_wrap_dim(d, nd) for d in dims]
    f = _floating(input)
    return tuple(_along(f, d, dx, edge_order)
                 for d, dx in zip(dims, _coordinates(spacing, dims, input._data.shape)))


# ---- covariance ---------------------------------------------------------------------------
def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,
        aweights: Tensor | None = None) -> Tensor:
    """The covariance matrix of the variables in the rows of `input` (observations in the
    columns), with frequency and/or reliability weights; a scalar for a single variable.

    >>> cov(tensor([[0., 1., 2.], [2., 1., 0.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    check_tensor(input, "cov")
    if input._data.ndim > 2:
        raise RuntimeError("cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input._data.ndim} dimensions")
    x = _floating(input)
    x = x.reshape(1, -1) if x._data.ndim < 2 else x
    n = x.shape[1]
    w = None
    for name, wt in (("fweights", fweights), ("aweights", aweights)):
        if wt is not None:
            if wt._data.ndim > 1 or wt._data.size != n:
                raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions and "
                                   f"the same number of elements as the observations ({n})")
            wt = wt.to(x.dtype)
            w = wt if w is None else w * wt
    if w is None:
        avg = x.mean(1)
        wsum = float(n)
        norm = wsum - correction
    else:
        wsum_t = w.sum()
        avg = (x * w).sum(1) / wsum_t
        wsum = float(wsum_t)
        if correction == 0:
            norm = wsum
        elif aweights is None:
            norm = wsum - correction
        else:
            norm = wsum - correction * float((w * aweights.to(x.dtype)).sum()) / wsum
    if norm <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        norm = 0.0
    xm = x - avg.unsqueeze(1)
    xw = xm if w is None else xm * w
    with np.errstate(divide="ignore", invalid="ignore"):
        c = (xw @ xm.mT) / norm if norm else (xw @ xm.mT) / _make(np.asarray(0.0, x._data.dtype))
    return c.squeeze()


def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the rows of `input`, clamped to [-1, 1].

    >>> corrcoef(tensor([[0., 1., 2.], [2., 1., 0.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    c = cov(input)
    if c._data.ndim == 0:
        return c / c
    s = c.diagonal().sqrt()
    c = c / s.unsqueeze(1)
    c = c / s.unsqueeze(0)
    return c.clamp(-1, 1)


Tensor.cov = lambda self, *, correction=1, fweights=None, aweights=None: cov(
    self, correction=correction, fweights=fweights, aweights=aweights)
Tensor.corrcoef = corrcoef
