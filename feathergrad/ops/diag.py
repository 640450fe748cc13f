"""Structural matrix ops: trace, diagonal (a view), diag, diag_embed, tril, triu.

Taking a diagonal and placing values on one are each other's adjoints, so their rules call
each other and every order of derivative is available.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, _wrap_dim
from ._core import HANDLED, defop
from .shape import _view_of

__all__ = [
    "trace",
    "diag",
    "diagonal",
    "diag_embed",
    "tril",
    "triu",
    "diagonal_scatter",
]


# ---- trace, diagonals, triangles --------------------------------------------------------
def _trace_fwd(x, npdt, shape):
    return np.trace(x, dtype=npdt)


_trace = defop("trace", _trace_fwd, "TraceBackward0",
               x=lambda g, out, x, npdt, shape: np.where(np.eye(*shape, dtype=bool), g, 0))


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a matrix (integer inputs give int64).

    >>> trace(tensor([[1., 2.], [3., 4.]]))
    tensor(5.)
    """
    d = input._data
    if d.dtype.kind == "b":
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    if d.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {d.ndim}")
    return _trace(input, np.dtype(np.int64) if d.dtype.kind in "iu" else None, d.shape)


def _diag_view(x: np.ndarray, offset: int, d1: int, d2: int) -> np.ndarray:
    v = np.diagonal(x, offset, d1, d2)
    if x.flags.writeable:
        try:   # NOTE: NumPy's diagonal views are read-only by default; PyTorch's are writable
            v.flags.writeable = True
        except ValueError:
            pass
    return v


def _diag_place(g: np.ndarray, shape: tuple, offset: int, d1: int, d2: int) -> np.ndarray:
    """Zeros of `shape` with `g` on the (offset, d1, d2) diagonal."""
    z = np.zeros(shape, dtype=g.dtype)
    v = np.diagonal(z, offset, d1, d2)
    v.flags.writeable = True
    v[...] = g
    return z


def _diag_back(g, out, x, offset, d1, d2, shape):
    # NOTE: the adjoint of taking a diagonal is placing g on it; itself a differentiable op
    if type(g) is Tensor:
        return _diag_place_op(g, shape, offset, d1, d2)
    return _diag_place(g, shape, offset, d1, d2)


_diag_place_op = defop("diagonal_backward", _diag_place, "DiagonalBackwardBackward0",
                       g=lambda gg, out, g, shape, offset, d1, d2:
                       np.diagonal(gg, offset, d1, d2))
_diagonal = defop("diagonal", lambda x, offset, d1, d2, shape: _diag_view(x, offset, d1, d2),
                  "DiagonalBackward0", x=_diag_back)
_diag_copy = defop("diag", lambda x, offset, d1, d2, shape: np.diagonal(x, offset, d1, d2).copy(),
                   "DiagonalBackward0_copy", x=_diag_back)
_diag_embed = defop("diag_embed", _diag_place, "DiagEmbedBackward0",
                    g=lambda gg, out, g, shape, offset, d1, d2: np.diagonal(gg, offset, d1, d2))


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A view of the diagonal (offset above the main one if > 0) of the (dim1, dim2)
    matrices, appended as the last dim.

    >>> diagonal(tensor([[1., 2.], [3., 4.]]), 1)
    tensor([2.])
    """
    d = input._data
    d1, d2 = _wrap_dim(dim1, d.ndim), _wrap_dim(dim2, d.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _view_of(_diagonal(input, int(offset), d1, d2, d.shape), input)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices (in dims dim1, dim2) whose `offset` diagonal is the last dim of `input`.

    >>> diag_embed(tensor([1., 2.]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    d = input._data
    nd = d.ndim + 1
    d1, d2 = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = (d.shape[-1] if d.ndim else 1) + abs(int(offset))
    rest = list(d.shape[:-1])
    shape = []
    for i in range(nd):
        shape.append(n if i in (d1, d2) else rest.pop(0))
    src = input if d.ndim else input.reshape(1)
    return _diag_embed(src, tuple(shape), int(offset), d1, d2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """1-D input: a square matrix with it on the `diagonal`-th diagonal. 2-D input: a copy
    of that diagonal.

    >>> diag(tensor([[1., 2.], [3., 4.]]))
    tensor([1., 4.])
    """
    d = input._data
    if d.ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if d.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {d.ndim}D")
    return _diag_copy(input, int(diagonal), 0, 1, d.shape)


_tril = defop("tril", lambda x, k: np.tril(x, k), "TrilBackward0",
              x=lambda g, out, x, k: np.tril(g, k))
_triu = defop("triu", lambda x, k: np.triu(x, k), "TriuBackward0",
              x=lambda g, out, x, k: np.triu(g, k))


def _triangle(op: Any, input: Tensor, diagonal: int, fname: str) -> Tensor:
    if input._data.ndim < 2:
        raise RuntimeError(f"{fname}: input tensor must have at least 2 dimensions")
    return op(input, int(diagonal))


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below the `diagonal`-th diagonal) of the last two dims.

    >>> tril(ones(2, 2))
    tensor([[1., 0.],
            [1., 1.]])
    """
    return _triangle(_tril, input, diagonal, "tril")


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above the `diagonal`-th diagonal) of the last two dims.

    >>> triu(ones(2, 2), 1)
    tensor([[0., 1.],
            [0., 0.]])
    """
    return _triangle(_triu, input, diagonal, "triu")


def _dscat_fwd(x, src, offset, d1, d2):
    out = x.copy()
    v = np.diagonal(out, offset, d1, d2)
    v.flags.writeable = True
    v[...] = src
    return out


def _zero_diag(g: Any, offset: int, d1: int, d2: int) -> Any:
    """g with zeros on the diagonal (the gradient of what diagonal_scatter overwrote)."""
    if type(g) is not Tensor:
        return _dscat_fwd(g, 0, offset, d1, d2)
    return _dscat(g, Tensor._make(np.zeros((), g._data.dtype)), offset, d1, d2)


_dscat = defop("diagonal_scatter", _dscat_fwd, "DiagonalScatterBackward0",
               x=lambda g, out, x, src, offset, d1, d2: _zero_diag(g, offset, d1, d2),
               src=lambda g, out, x, src, offset, d1, d2: np.diagonal(g, offset, d1, d2))


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:
    """A copy of `input` with `src` written on its (offset, dim1, dim2) diagonal; the gradient
    of `input` is zero there, that of `src` the gradient's diagonal.

    >>> diagonal_scatter(zeros(2, 2), ones(2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    d = input._data
    d1, d2 = _wrap_dim(dim1, d.ndim), _wrap_dim(dim2, d.ndim)
    want = np.diagonal(d, int(offset), d1, d2).shape
    if tuple(src._data.shape) != want:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src._data.shape)}, slice size = {list(want)}")
    if src._data.dtype != d.dtype:
        src = src.to(input.dtype)
    return _dscat(input, src, int(offset), d1, d2)


def _np_diag(v, k=0):
    return diag(v, k)


for _n in ("trace", "diag", "diagonal", "diag_embed", "tril", "triu", "diagonal_scatter"):
    setattr(Tensor, _n, globals()[_n])
HANDLED.update({
    np.trace: lambda a, offset=0, axis1=0, axis2=1, dtype=None, out=None:
        diagonal(a, offset, axis1, axis2).sum(-1),
    np.diagonal: lambda a, offset=0, axis1=0, axis2=1: diagonal(a, offset, axis1, axis2),
    np.diag: _np_diag, np.tril: lambda m, k=0: tril(m, k), np.triu: lambda m, k=0: triu(m, k),
})
