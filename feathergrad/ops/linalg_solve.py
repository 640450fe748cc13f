"""Inverse, determinant, solve: linalg.inv, linalg.det, linalg.slogdet, logdet, linalg.solve
(batched over leading dims, as in PyTorch).

Gradients: inv -> -A^-T g A^-T; det -> g det(A) A^-T, which is the cofactor matrix and stays
defined at singular A (computed there from an SVD, or under ``create_graph`` from the minors,
so second derivatives of det are exact at singular matrices too); slogdet -> g A^-T (infinite
at singular A); solve -> gB = A^-T g, gA = -gB X^T.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from . import return_types
from ._core import HANDLED, defop
from ._multi import jointop
from .reduce import _others_along, check_tensor, data, type_name

__all__ = [
    "inverse",
    "det",
    "logdet",
    "slogdet",
]

_make = Tensor._make


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed on its input (a singular matrix), as
    ``torch.linalg.LinAlgError``."""


LinAlgError.__module__ = "feathergrad.linalg"


def _square(A: Tensor, fname: str) -> np.ndarray:
    check_tensor(A, fname)
    d = A._data
    if d.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    if d.shape[-1] != d.shape[-2]:
        raise RuntimeError(f"{fname}: A must be batches of square matrices, but they are "
                           f"{d.shape[-2]} by {d.shape[-1]} matrices")
    if d.dtype.kind not in "fc":
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as input. "
                           f"Got {type_name(d.dtype)}")
    return d


def _zero_pivot(a: np.ndarray) -> int:
    """1-based index of the first zero pivot of LU with partial pivoting (LAPACK's info), or
    0 when there is none."""
    a = np.array(a, dtype=np.float64 if a.dtype.kind == "f" else np.complex128)
    n = a.shape[0]
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        if a[p, k] == 0:
            return k + 1
        a[[k, p]] = a[[p, k]]
        a[k + 1:, k] /= a[k, k]
        a[k + 1:, k + 1:] -= np.outer(a[k + 1:, k], a[k, k + 1:])
    return 0


def _singular_inv(A: np.ndarray) -> LinAlgError:
    for b, m in enumerate(A.reshape((-1,) + A.shape[-2:])):
        k = _zero_pivot(m)
        if k:
            where = f"(Batch element {b}): " if A.ndim > 2 else ""
            return LinAlgError(f"linalg.inv: {where}The diagonal element {k} is zero, the "
                               "inversion could not be completed because the input matrix is "
                               "singular.")
    return LinAlgError("linalg.inv: The inversion could not be completed because the input "
                       "matrix is singular.")


def _t(a: Any) -> Any:
    return np.swapaxes(a, -1, -2)


# ---- inv ----------------------------------------------------------------------------------
def _inv_fwd(A):
    try:
        return np.linalg.inv(A)
    except np.linalg.LinAlgError:
        raise _singular_inv(A) from None


_inv = defop("inv", _inv_fwd, "LinalgInvExBackward0",
             A=lambda g, out, A: -np.matmul(np.matmul(_t(out), g), _t(out)))


def inv(A: Tensor) -> Tensor:
    """The inverse of a square matrix (or of each in a batch). Raises LinAlgError when A is
    singular. Gradient: -A^-T g A^-T.

    >>> inv(tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    _square(A, "linalg.inv")
    return _inv(A)


inverse = inv


# ---- det, slogdet, logdet -------------------------------------------------------------------
def _cofactor_svd(A: np.ndarray) -> np.ndarray:
    """det(A) A^-T, the cofactor matrix, for any A (singular included): with A = U S Vh it is
    det(U) det(Vh) U diag(prod_{j != i} s_j) Vh."""
    U, s, Vh = np.linalg.svd(A)
    alpha = np.linalg.det(U) * np.linalg.det(Vh)
    return np.matmul(alpha[..., None, None] * (U * _others_along(s, s.ndim - 1)[..., None, :]),
                     Vh)


def _cofactor_minors(A: Tensor) -> Any:
    """The cofactor matrix from the minors, in differentiable ops (for higher-order
    derivatives at singular A): C_ij = (-1)^(i+j) det(A without row i and column j)."""
    from .einsum import einsum
    n = A.shape[-1]
    dt = A._data.dtype
    if n == 1:
        return np.ones(A.shape, dtype=dt)
    drop = np.stack([np.delete(np.eye(n, dtype=dt), i, axis=0) for i in range(n)])
    minors = einsum("iab,...bc,jdc->...ijad", _make(drop), A, _make(drop))
    sign = (-1.0) ** np.add.outer(np.arange(n), np.arange(n))
    return det(minors) * sign.astype(dt)


def _det_rule(g, out, A):
    # NOTE: the gradient of det is the cofactor matrix, also where A is singular (PyTorch
    # perturbs the LU; we take it from the SVD, or from the minors under create_graph)
    if type(A) is Tensor:
        if (data(out) != 0).all():
            return (g * out)[..., None, None] * _t(np.linalg.inv(A))
        return g[..., None, None] * _cofactor_minors(A)
    if (out != 0).all():
        try:
            return (g * out)[..., None, None] * _t(np.linalg.inv(A))
        except np.linalg.LinAlgError:
            pass
    return g[..., None, None] * _cofactor_svd(A)


_det = defop("det", np.linalg.det, "LinalgDetBackward0", A=_det_rule)


def det(A: Tensor) -> Tensor:
    """The determinant of a square matrix (or of each in a batch).

    Gradient: det(A) A^-T, i.e. the cofactor matrix, which is also right at singular A
    (first and second order). PyTorch agrees under ``create_graph=True``; its plain first-order
    backward returns zeros at an exactly singular A (its LU perturbation is scaled by det = 0).

    >>> det(tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    _square(A, "linalg.det")
    return _det(A)


def _slogdet_fwd(arrays):
    sign, logabs = np.linalg.slogdet(arrays[0])
    return np.asarray(sign), np.asarray(logabs)


def _slogdet_rule(g, out, needs, ins):
    gl = g[1]
    if gl is None:
        return [None]
    A = ins[0]
    if type(A) is Tensor:
        return [gl[..., None, None] * _t(np.linalg.inv(A))]
    try:
        return [gl[..., None, None] * _t(np.linalg.inv(A))]
    except np.linalg.LinAlgError:
        # NOTE: log|det| has an infinite gradient at singular A: cofactor / det, as in PyTorch
        with np.errstate(divide="ignore", invalid="ignore"):
            d = (out[0] * np.exp(out[1]))[..., None, None]
            return [gl[..., None, None] * (_cofactor_svd(A) / d)]


_slogdet = jointop("slogdet", "LinalgSlogdetBackward0", _slogdet_fwd, _slogdet_rule, n_out=2,
                   save_out=True)


def slogdet(A: Tensor) -> Any:
    """``(sign, logabsdet)`` with det(A) = sign * exp(logabsdet), without overflow. The sign
    has no gradient; logabsdet's is A^-T.

    >>> slogdet(tensor([[0., 1.], [1., 0.]]))
    torch.return_types.slogdet(
    sign=tensor(-1.),
    logabsdet=tensor(0.))
    """
    _square(A, "linalg.slogdet")
    return return_types.slogdet(_slogdet((A,)))


def linalg_slogdet(A: Tensor) -> Any:
    _square(A, "linalg.slogdet")
    return return_types.linalg_slogdet(_slogdet((A,)))


def logdet(A: Tensor) -> Tensor:
    """log(det(A)): nan where det < 0, -inf where det = 0 (computed from slogdet, as in
    PyTorch).

    >>> logdet(tensor([[2., 0.], [0., 3.]]))
    tensor(1.7918)
    """
    from .elementwise import where
    _square(A, "logdet")
    sign, logabs = _slogdet((A,))
    return where(sign == -1.0, float("nan"), logabs)


# ---- solve ----------------------------------------------------------------------------------
def _solve_fwd(arrays, vec, left):
    A, B = arrays
    if not left:    # X A = B is A^T X^T = B^T
        A = np.swapaxes(A, -1, -2)
    Bm = B[..., None] if vec else B if left else np.swapaxes(B, -1, -2)
    if Bm.ndim < A.ndim:
        # NOTE: NumPy < 2 reads a b with one dim fewer than a as a stack of vectors
        Bm = np.broadcast_to(Bm, A.shape[:-2] + Bm.shape[-2:])
    try:
        X = np.linalg.solve(A, Bm)
    except np.linalg.LinAlgError:
        raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is "
                          "singular.") from None
    return X[..., 0] if vec else X if left else np.swapaxes(X, -1, -2)


def _solve_any(A: Any, B: Any) -> Any:
    """A^-1 B for matrix B, differentiable when either is a Tensor."""
    if type(A) is Tensor or type(B) is Tensor:
        return _solve((A, B), False, True)
    return _solve_fwd((A, B), False, True)


def _solve_rule(g, out, needs, ins, vec, left):
    # A X = B: gB = A^-T g, gA = -gB X^T (for X A = B, the same on the transposed problem)
    A = ins[0] if left else _t(ins[0])
    if vec:
        gm, X = g[..., None], out[..., None]
    else:
        gm, X = (g, out) if left else (_t(g), _t(out))
    gB = _solve_any(_t(A), gm)
    gA = None
    if needs[0]:
        gA = -np.matmul(gB, _t(X))
        gA = gA if left else _t(gA)
    if needs[1]:
        gB = gB[..., 0] if vec else gB if left else _t(gB)
    return [gA, gB if needs[1] else None]


_solve = jointop("solve", "LinalgSolveExBackward0", _solve_fwd, _solve_rule, save_inputs=(0,))


def solve(A: Tensor, B: Tensor, *, left: bool = True, out: Any = None) -> Tensor:
    """The solution X of A X = B (of X A = B with ``left=False``). B is a vector (or a batch
    of vectors) when it has one dim less than A and the same leading sizes, as in PyTorch.

    >>> solve(tensor([[2., 0.], [0., 4.]]), tensor([2., 2.]))
    tensor([1.0000, 0.5000])
    """
    a = _square(A, "linalg.solve")
    check_tensor(B, "linalg.solve")
    b = B._data
    if b.dtype != a.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A "
                           f"of type {type_name(a.dtype)} and B of type {type_name(b.dtype)} "
                           "instead.")
    vec = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    rows, cols = (b.shape[-1], 1) if vec else b.shape[-2:] if left else b.shape[:-3:-1]
    if rows != a.shape[-1]:
        eq = "AX = B" if left else "XA = B"
        r, c = (rows, cols) if left else (cols, rows)
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{eq} ({a.shape[-2]}x{a.shape[-1]} and {r}x{c})")
    return _solve((A, B), vec, bool(left))


def _method_slogdet(self: Tensor) -> Any:
    return slogdet(self)


Tensor.inverse = inv
Tensor.det = det
Tensor.logdet = logdet
Tensor.slogdet = _method_slogdet
HANDLED.update({
    np.linalg.inv: inv, np.linalg.det: det, np.linalg.slogdet: linalg_slogdet,
    np.linalg.solve: lambda a, b: solve(a, b),
})
