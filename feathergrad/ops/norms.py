"""Norms: linalg.vector_norm (every order), torch.norm, linalg.matrix_norm ('fro', 1, inf).

The gradient follows PyTorch's ``norm_backward``: at a zero norm the 2-norm (and p > 1)
takes the subgradient 0; the inf-norm splits the gradient evenly among the largest |x|.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _dtype
from .._broadcast import normalize_dims
from ..tensor import Tensor
from ._core import HANDLED, defop
from .extrema import amax, amin
from .reduce import check_tensor, data, keep, type_name

__all__ = [
    "norm",
]

_INF = math.inf


def _vn_fwd(x, ord, axes, keepdims):
    a = np.abs(x)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if ord == 2:
            return np.sqrt(np.sum(a * a, axis=axes, keepdims=keepdims))
        if ord == 1:
            return np.sum(a, axis=axes, keepdims=keepdims)
        if ord == _INF:
            return np.amax(a, axis=axes, keepdims=keepdims)
        if ord == -_INF:
            return np.amin(a, axis=axes, keepdims=keepdims)
        if ord == 0:
            return np.sum(a != 0, axis=axes, keepdims=keepdims).astype(a.dtype)
        r = np.sum(a ** ord, axis=axes, keepdims=keepdims) ** (1.0 / ord)
        return r.astype(a.dtype, copy=False)   # NumPy < 2 widens 0-d float32 ** float


def _vn_rule(g, out, x, ord, axes, keepdims):
    shape = x.shape
    g = keep(g, shape, axes, keepdims)
    if ord == 0:
        return np.broadcast_to(g, shape) * 0
    if ord == 1:
        return np.sign(x) * g
    nrm = keep(out, shape, axes, keepdims)
    zero = data(nrm) == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        if ord == 2:
            # NOTE: |x|'(0) = 0, PyTorch's subgradient: the 0/0 of x / |x| is masked to 0
            return g * np.where(zero, 0, x / nrm)
        if ord == _INF or ord == -_INF:
            # NOTE: the largest (smallest) |x| share the gradient evenly, as for amax
            a = np.abs(data(x))
            mask = (a == data(nrm)) | np.isnan(a)
            count = mask.sum(axis=axes, keepdims=True).astype(data(g).dtype)
            return np.sign(x) * ((g / count) * mask)
        if ord < 1:
            scaled = np.sign(x) * np.where(data(x) == 0, 0, np.abs(x) ** (ord - 1))
            return scaled * g * nrm ** (1 - ord)
        scaled = (np.sign(x) * np.abs(x) ** (ord - 1) if ord < 2
                  else x * np.abs(x) ** (ord - 2))
        return scaled * np.where(zero, 0, g / nrm ** (ord - 1))


_vector_norm = defop("vector_norm", _vn_fwd, "LinalgVectorNormBackward0", x=_vn_rule)


def vector_norm(x: Tensor, ord: float = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """The vector ord-norm of `x` over `dim` (all elements by default):
    (sum |x|^ord)^(1/ord); ord = inf/-inf give max/min |x|, ord = 0 the count of nonzeros.

    Gradient at a zero norm: 0 (PyTorch's subgradient); for inf, shared among ties.

    >>> vector_norm(tensor([3., -4.]))
    tensor(5.)
    """
    check_tensor(x, "linalg.vector_norm")
    if isinstance(ord, (str, bool)) or not isinstance(ord, (int, float, np.number)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not "
                        f"{type(ord).__name__}")
    if dtype is not None:
        target = _dtype.to_dtype(dtype).np
        src = x._data.dtype
        if src.kind in "fc" and np.promote_types(src, target) != target:
            raise RuntimeError(f"linalg.vector_norm: the dtype of the input ({type_name(src)}) "
                               "should be convertible without narrowing to the specified dtype "
                               f"({type_name(target)})")
        x = x.to(dtype)
    d = x._data
    if d.dtype.kind not in "fc":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {type_name(d.dtype)}")
    axes = normalize_dims(dim, d.ndim)
    if d.ndim == 0:
        axes = None
    if abs(ord) == _INF and d.size == 0:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor "
                           "because the operation does not have an identity")
    return _vector_norm(x, float(ord), axes, bool(keepdim))


def matrix_norm(A: Tensor, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """Matrix norm over the two dims `dim`: 'fro' (Frobenius), 'nuc' (sum of the singular
    values), 2 / -2 (largest / smallest singular value), 1 / -1 (max / min column abs-sum),
    inf / -inf (max / min row abs-sum).

    >>> matrix_norm(tensor([[1., -2.], [3., 4.]]), 1)
    tensor(6.)
    """
    check_tensor(A, "linalg.matrix_norm")
    nd = A._data.ndim
    if nd < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if isinstance(dim, (int, np.integer)):
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
    dims = normalize_dims(dim, nd)
    if dims is None or len(dims) != 2 or len(tuple(dim)) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {list(dim)}")
    d0, d1 = (int(v) % nd for v in dim)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if ord in ("nuc", 2, -2):   # from the singular values
        from .linalg_decomp import svdvals
        if dtype is not None:
            A = A.to(dtype)
        s = svdvals(A.movedim((d0, d1), (-2, -1)))
        kd = bool(keepdim)
        r = s.sum(-1, keepdim=kd) if ord == "nuc" else (amax if ord == 2 else amin)(s, -1, kd)
        return r.unsqueeze(-1).movedim((-2, -1), (d0, d1)) if kd else r
    if ord not in (1, -1, _INF, -_INF):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if dtype is not None:
        A = A.to(dtype)
    if A._data.dtype.kind not in "fc":
        raise RuntimeError("linalg.matrix_norm: Expected a floating point or complex tensor "
                           f"as input. Got {type_name(A._data.dtype)}")
    if abs(ord) == _INF:          # row sums: sum over the columns first
        d0, d1 = d1, d0
    s = A.abs().sum(d0, keepdim=keepdim)
    if not keepdim and d1 > d0:
        d1 -= 1
    return (amax if ord > 0 else amin)(s, d1, keepdim)


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False,
         out: Any = None, dtype: Any = None) -> Tensor:
    """torch.norm: the vector p-norm over `dim` (all elements by default); 'fro' is the
    2-norm. Prefer linalg.vector_norm / linalg.matrix_norm, as PyTorch advises.

    >>> norm(tensor([[3., 4.], [0., 0.]]))
    tensor(5.)
    """
    check_tensor(input, "norm")
    if isinstance(p, str) and p != "fro" and isinstance(dim, int):
        return matrix_norm(input, p, dim, keepdim, dtype=dtype)
    if isinstance(dim, int):
        dim = (dim,)
    if isinstance(p, str):
        if p == "fro" and (dim is None or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        return matrix_norm(input, p, dim if dim is not None else tuple(range(input.ndim)),
                           keepdim, dtype=dtype)
    return vector_norm(input, 2.0 if p is None else p, dim, keepdim, dtype=dtype)


def _np_norm(x, ord=None, axis=None, keepdims=False):
    if axis is None and ord is None:
        return vector_norm(x, 2, None, keepdims)
    if isinstance(axis, int) or (axis is None and x.ndim == 1) or (
            axis is not None and len(axis) == 1):
        return vector_norm(x, 2 if ord is None else ord, axis, keepdims)
    return matrix_norm(x, "fro" if ord is None else ord, (-2, -1) if axis is None else axis,
                       keepdims)


def _method_norm(self: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False,
                 dtype: Any = None) -> Tensor:
    return norm(self, p, dim, keepdim, dtype=dtype)


Tensor.norm = _method_norm
HANDLED.update({np.linalg.norm: _np_norm})
