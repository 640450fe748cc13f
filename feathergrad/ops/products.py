"""More products: addmv, addr, addbmm, cross (and linalg.cross), kron, inner, chain_matmul,
distances (cdist, dist) and renorm.

addmv/addr/addbmm reuse the matmul rules (``linalg.py``); cross is its own adjoint
(ga = b × g, gb = g × a); cdist and dist send the gradient through the p-norm rule of
``norms.py`` applied to the pairwise differences.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..tensor import Tensor, _wrap_dim
from ._core import defop
from .linalg import _addmm_fwd, _ga, _gb, _pair, _same_dtype, _scaled, bmm, matmul, mv
from .norms import _vector_norm, _vn_fwd, _vn_rule
from .reduce import check_tensor, type_name
from .shape import _reshape_copy

__all__ = [
    "addmv",
    "addr",
    "addbmm",
    "cross",
    "kron",
    "inner",
    "chain_matmul",
    "cdist",
    "dist",
    "renorm",
]

_make = Tensor._make


# ---- addmv, addr, addbmm ----------------------------------------------------------------------
_addmv = defop("addmv", _addmm_fwd, "AddmvBackward0",
               c=lambda g, out, c, a, b, beta, alpha: _scaled(g, beta),
               a=lambda g, out, c, a, b, beta, alpha: _scaled(_ga(g, out, a, b), alpha),
               b=lambda g, out, c, a, b, beta, alpha: _scaled(_gb(g, out, a, b), alpha))


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1,
          out: Any = None) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``.

    >>> addmv(ones(2), eye(2), tensor([1., 2.]))
    tensor([2., 3.])
    """
    input, mat = _pair(input, mat, "addmv")
    mv(mat, vec)   # PyTorch's shape and dtype checks
    return _addmv(input, mat, vec, beta, alpha)


def _addr_fwd(c, a, b, beta, alpha):
    return _addmm_fwd(c, a[:, None], b[None, :], beta, alpha)


_addr = defop("addr", _addr_fwd, "AddrBackward0",
              c=lambda g, out, c, a, b, beta, alpha: _scaled(g, beta),
              a=lambda g, out, c, a, b, beta, alpha: _scaled(g @ b, alpha),
              b=lambda g, out, c, a, b, beta, alpha: _scaled(a @ g, alpha))


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1,
         out: Any = None) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``.

    >>> addr(zeros(2, 2), tensor([1., 2.]), tensor([3., 4.]))
    tensor([[3., 4.],
            [6., 8.]])
    """
    input, vec1 = _pair(input, vec1, "addr")
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got "
                               f"{v._data.ndim}-D")
    _same_dtype(vec1._data, vec2._data)
    return _addr(input, vec1, vec2, beta, alpha)


def _addbmm_fwd(c, a, b, beta, alpha):
    return _addmm_fwd(c, np.matmul(a, b).sum(0), np.eye(b.shape[-1], dtype=b.dtype), beta,
                      alpha)


_addbmm = defop("addbmm", _addbmm_fwd, "AddbmmBackward0",
                c=lambda g, out, c, a, b, beta, alpha: _scaled(g, beta),
                a=lambda g, out, c, a, b, beta, alpha:
                _scaled(np.expand_dims(g, 0) @ np.swapaxes(b, -1, -2), alpha),
                b=lambda g, out, c, a, b, beta, alpha:
                _scaled(np.swapaxes(a, -1, -2) @ np.expand_dims(g, 0), alpha))


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1,
           out: Any = None) -> Tensor:
    """``beta * input + alpha * sum_i batch1[i] @ batch2[i]``.

    >>> addbmm(zeros(2, 2), ones(3, 2, 3), ones(3, 3, 2))
    tensor([[9., 9.],
            [9., 9.]])
    """
    input, batch1 = _pair(input, batch1, "addbmm")
    bmm(batch1, batch2)   # PyTorch's shape and dtype checks
    return _addbmm(input, batch1, batch2, beta, alpha)


# ---- cross, kron, inner, chain_matmul -----------------------------------------------------
def _cross_any(a: Any, b: Any, dim: int) -> Any:
    if type(a) is not Tensor and type(b) is not Tensor:
        return np.cross(a, b, axis=dim)
    return _cross(a if type(a) is Tensor else _make(np.asarray(a)),
                  b if type(b) is Tensor else _make(np.asarray(b)), dim)


_cross = defop("cross", lambda a, b, dim: np.cross(a, b, axis=dim), "LinalgCrossBackward0",
               a=lambda g, out, a, b, dim: _cross_any(b, g, dim),
               b=lambda g, out, a, b, dim: _cross_any(g, a, dim))


def _linalg_cross(input: Tensor, other: Tensor, dim: int, fname: str) -> Tensor:
    a, b = input._data, other._data
    if a.ndim != b.ndim:
        raise RuntimeError(f"{fname}: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[dim] if a.ndim else 0} and {b.shape[dim] if b.ndim else 0}")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise RuntimeError(f"{fname}: the size of tensor a must match the size of tensor b "
                           "at non-singleton dimension") from None
    d = _wrap_dim(dim, len(shape))
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"{fname}: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[d]} and {b.shape[d]}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"{fname}: expected both inputs to have same dtype, but input has "
                           f"dtype {type_name(a.dtype)} and other has dtype "
                           f"{type_name(b.dtype)}")
    return _cross(input, other, d)


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1, out: Any = None) -> Tensor:
    """The cross product of 3-vectors along `dim` (inputs broadcast).

    >>> linalg_cross(tensor([1., 0., 0.]), tensor([0., 1., 0.]))
    tensor([0., 0., 1.])
    """
    check_tensor(input, "linalg.cross")
    return _linalg_cross(input, other, dim, "linalg.cross")


def cross(input: Tensor, other: Tensor, dim: int | None = None, *, out: Any = None) -> Tensor:
    """torch.cross: `linalg_cross` along `dim`; without `dim`, along the first dim of size 3
    (with PyTorch's deprecation warning)."""
    check_tensor(input, "cross")
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease "
                      "either pass the dim explicitly or simply use torch.linalg.cross.\nThe "
                      "default value of dim will change to agree with that of linalg.cross in a "
                      "future release.", UserWarning, stacklevel=2)
        shape = np.broadcast_shapes(input._data.shape, other._data.shape)
        dim = next((i for i, n in enumerate(shape) if n == 3), -1)
    return _linalg_cross(input, other, dim, "linalg.cross")


def kron(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """The Kronecker product: blocks ``input[i, j] * other`` (any number of dims).

    >>> kron(eye(2), tensor([[1., 2.]]))
    tensor([[1., 2., 0., 0.],
            [0., 0., 1., 2.]])
    """
    check_tensor(input, "kron")
    nd = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (nd - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (nd - other.ndim) + tuple(other.shape))
    # interleave: a's axis i pairs with b's axis i, then merge each pair
    ai = a.reshape(tuple(x for n in a.shape for x in (n, 1)))
    bi = b.reshape(tuple(x for n in b.shape for x in (1, n)))
    prod = ai * bi
    # NOTE: PyTorch merges the pairs with an unsafe view of the fresh product
    return _reshape_copy(prod, tuple(p * q for p, q in zip(a.shape, b.shape)),
                         prod._data.shape)


def inner(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Dot products over the last dims of both (a scalar times a tensor when either is 0-d).

    >>> inner(tensor([1., 2.]), tensor([3., 4.]))
    tensor(11.)
    """
    from .einsum import tensordot
    check_tensor(input, "inner")
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, dims=([-1], [-1]))


def chain_matmul(*matrices: Tensor, out: Any = None) -> Tensor:
    """The product of 2-D matrices, left to right (deprecated in PyTorch for multi_dot)."""
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    r = matrices[0]
    if len(matrices) == 1:
        return r.clone()
    for m in matrices[1:]:
        r = matmul(r, m)
    return r


# ---- distances, renorm --------------------------------------------------------------------
def _pair_diff(a: Any, b: Any) -> Any:
    return np.expand_dims(a, -2) - np.expand_dims(b, -3)


def _cdist_fwd(a, b, p):
    d = _pair_diff(a, b)
    return _vn_fwd(d, p, (d.ndim - 1,), False)


def _cdist_grad(g, out, a, b, p):
    d = _pair_diff(a, b)
    return _vn_rule(g, out, d, float(p), (d.ndim - 1,), False)


_cdist = defop("cdist", _cdist_fwd, "CdistBackward0",
               a=lambda g, out, a, b, p: _cdist_grad(g, out, a, b, p).sum(-2),
               b=lambda g, out, a, b, p: -_cdist_grad(g, out, a, b, p).sum(-3))


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:  # noqa: E501
    """p-norm distances between each row of `x1` and each row of `x2` (batched over leading
    dims). The gradient at a zero distance is zero, as in PyTorch.

    >>> cdist(tensor([[0., 0.]]), tensor([[3., 4.], [0., 1.]]))
    tensor([[5., 1.]])
    """
    a, b = x1._data, x2._data
    if a.ndim < 2 or b.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {a.ndim}D")
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} "
                           f"X2: {b.shape[-1]}")
    if a.dtype.kind != "f":
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: "
                           f"{type_name(a.dtype)}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    return _cdist(x1, x2, float(p))


def _dist_fwd(a, b, p):
    return _vn_fwd(a - b, p, None, False)


def _dist_grad(g, out, a, b, p):
    return _vn_rule(g, out, a - b, p, None, False)


_dist = defop("dist", _dist_fwd, "DistBackward0",
              a=lambda g, out, a, b, p: _dist_grad(g, out, a, b, p),
              b=lambda g, out, a, b, p: -_dist_grad(g, out, a, b, p))


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The p-norm of ``input - other`` (broadcast).

    >>> dist(tensor([0., 0.]), tensor([3., 4.]))
    tensor(5.)
    """
    check_tensor(input, "dist")
    input, other = _pair(input, other, "dist")
    return _dist(input, other, float(p))


def _norm_any(x: Any, p: float, axes: tuple) -> Any:
    if type(x) is Tensor:
        return _vector_norm(x, p, axes, True)
    return _vn_fwd(x, p, axes, True)


def _renorm_fwd(x, p, axes, maxnorm):
    norm = _vn_fwd(x, p, axes, True)
    factor = np.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1).astype(x.dtype)
    return x * factor


def _renorm_rule(g, out, x, p, axes, maxnorm):
    # PyTorch's renorm_backward: the scaled slices also get the derivative of their norm
    norm = _norm_any(x, p, axes)
    nb = _vn_rule((x * g).sum(axis=axes, keepdims=True), norm, x, p, axes, True)
    inv = 1 / (norm + 1e-7)
    factor = inv * maxnorm
    return np.where(_data(norm) > maxnorm, factor * g - factor * inv * nb, g)


def _data(t: Any) -> Any:
    return t._data if type(t) is Tensor else t


_renorm = defop("renorm", _renorm_fwd, "RenormBackward0", x=_renorm_rule)


def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Each slice along `dim` whose p-norm exceeds `maxnorm` scaled down to norm `maxnorm`
    (PyTorch's factor ``maxnorm / (norm + 1e-7)``); the others unchanged.

    >>> renorm(ones(2, 3), 2, 0, 1.).norm(dim=1)
    tensor([1.0000, 1.0000])
    """
    check_tensor(input, "renorm")
    d = input._data
    if p <= 0:
        raise RuntimeError(f"renorm: non-positive-norm not supported, got p={p}")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if d.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {d.ndim} dimensions")
    dim = _wrap_dim(dim, d.ndim)
    others = tuple(i for i in range(d.ndim) if i != dim)
    return _renorm(input, float(p), others, float(maxnorm))


for _n in ("addmv", "addr", "addbmm", "cross", "kron", "inner", "dist", "renorm"):
    setattr(Tensor, _n, globals()[_n])
