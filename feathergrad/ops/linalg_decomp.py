"""Matrix decompositions and the functions built on them: linalg.svd / svdvals (and torch.svd),
eigh / eigvalsh, cholesky (+ cholesky_ex), qr, pinv, lstsq, matrix_exp, solve_triangular
(+ torch.triangular_solve); matrix_rank, cond, matrix_power, eig / eigvals (no gradient).

Gradients are PyTorch's (real case), each written in matmuls, solves and elementwise ops so it
stays differentiable under ``create_graph``:
  svd   gA = U[(skew(UᵀgU)/E) S + S (skew(VᵀgV)/E) + diag(gS)]Vᵀ (+ the parts off the span
        when U or V is not square), E_ij = s_j² - s_i² (infinite at repeated singular values)
  eigh  gA = sym(V (diag(gL) + (VᵀgV)/E) Vᵀ), E_ij = λ_j - λ_i, sym(X) = (X + Xᵀ)/2
  cholesky  gA = L⁻ᵀ Φ(LᵀgL) L⁻¹ (Φ: lower triangle, diagonal halved)
  qr    gA = (gQ + Q copyltu(R gRᵀ - gQᵀQ)) R⁻ᵀ (m ≥ n; wide matrices split as in PyTorch)
  matrix_exp  gA = the upper-right block of exp([[Aᵀ, g], [0, Aᵀ]])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.grad_mode import _state
from ..tensor import Tensor
from . import return_types
from ._core import defop
from ._multi import jointop
from .linalg_solve import LinAlgError, _solve_any, _square, inv
from .reduce import check_tensor, type_name

__all__ = [
    "svd",
    "cholesky",
    "pinverse",
    "matrix_exp",
    "matrix_power",
    "triangular_solve",
    "qr",
]

_make = Tensor._make


def _t(a: Any) -> Any:
    return np.swapaxes(a, -1, -2)


def _matrices(A: Any, fname: str) -> np.ndarray:
    check_tensor(A, fname)
    d = A._data
    if d.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    if d.dtype.kind not in "fc":
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as input. "
                           f"Got {type_name(d.dtype)}")
    return d


def _eye(n: int, dtype: Any) -> np.ndarray:
    return np.eye(n, dtype=dtype)


def _rsolve(X: Any, A: Any) -> Any:
    """X A⁻¹ (differentiable)."""
    return _t(_solve_any(_t(A), _t(X)))


def _recorded(*ts: Any) -> bool:
    return _state.enabled and any(isinstance(t, Tensor) and t._requires_grad for t in ts)


# ---- svd ----------------------------------------------------------------------------------
def _svd_fwd(arrays, full):
    U, S, Vh = np.linalg.svd(arrays[0], full_matrices=full)
    return U, S.astype(arrays[0].dtype, copy=False), Vh


def _svd_grad(U: Any, S: Any, Vh: Any, gU: Any, gS: Any, gVh: Any) -> Any:
    k = S.shape[-1]
    dt = (S._data if type(S) is Tensor else S).dtype
    if gU is None and gVh is None:
        return U @ (gS[..., :, None] * Vh)
    E = (S * S)[..., None, :] - (S * S)[..., :, None] + _eye(k, dt)
    inner = gS[..., :, None] * _eye(k, dt) if gS is not None else 0
    if gU is not None:
        UhgU = _t(U) @ gU
        inner = inner + ((UhgU - _t(UhgU)) / E) * S[..., None, :]
    if gVh is not None:
        VhgV = Vh @ _t(gVh)
        inner = inner + S[..., :, None] * ((VhgV - _t(VhgV)) / E)
    gA = U @ inner @ Vh
    if gU is not None and U.shape[-2] > k:   # the part of gU off the span of U
        gA = gA + ((gU - U @ UhgU) / S[..., None, :]) @ Vh
    if gVh is not None and Vh.shape[-1] > k:
        gA = gA + U @ ((gVh - (gVh @ _t(Vh)) @ Vh) / S[..., :, None])
    return gA


def _svd_rule(g, out, needs, ins, full):
    U, S, Vh = out
    gU, gS, gVh = g
    if full:   # NOTE: as PyTorch, the gradient uses the first k columns of U and rows of Vh
        k = S.shape[-1]
        U, Vh = U[..., :, :k], Vh[..., :k, :]
        gU = None if gU is None else gU[..., :, :k]
        gVh = None if gVh is None else gVh[..., :k, :]
    return (_svd_grad(U, S, Vh, gU, gS, gVh),)


_svd = jointop("linalg_svd", "LinalgSvdBackward0", _svd_fwd, _svd_rule, n_out=3,
               save_inputs=False)


def linalg_svd(A: Tensor, full_matrices: bool = True, *, driver: Any = None) -> Any:
    """``A = U diag(S) Vh`` with singular values in descending order
    (``torch.return_types.linalg_svd``).

    >>> linalg_svd(tensor([[2., 0.], [0., 3.]])).S
    tensor([3., 2.])
    """
    _matrices(A, "linalg.svd")
    return return_types.linalg_svd(_svd([A], bool(full_matrices)))


def svdvals(A: Tensor, *, driver: Any = None) -> Tensor:
    """The singular values of A, in descending order (gradient: U diag(g) Vh)."""
    _matrices(A, "linalg.svdvals")
    return _svd([A], False)[1]


def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> Any:
    """torch.svd: ``(U, S, V)`` with ``input = U diag(S) Vᵀ`` (V, not Vh)."""
    _matrices(input, "svd")
    U, S, Vh = _svd([input], not some)
    if not compute_uv:
        return return_types.svd((U.new_zeros(U.shape), S, Vh.new_zeros(Vh.shape)))
    return return_types.svd((U, S, Vh.mT))


# ---- eigh -----------------------------------------------------------------------------------
def _eigh_fwd(arrays, uplo):
    L, V = np.linalg.eigh(arrays[0], UPLO=uplo)
    return L.astype(arrays[0].dtype, copy=False), V


def _eigh_rule(g, out, needs, ins, uplo):
    L, V = out
    gL, gV = g
    n = L.shape[-1]
    dt = (L._data if type(L) is Tensor else L).dtype
    inner = gL[..., :, None] * _eye(n, dt) if gL is not None else 0
    if gV is not None:
        E = L[..., None, :] - L[..., :, None] + _eye(n, dt)
        inner = inner + (_t(V) @ gV) / E * (1 - _eye(n, dt))
    gA = V @ inner @ _t(V)
    return (0.5 * (gA + _t(gA)),)   # NOTE: symmetrized, as PyTorch returns it


_eigh = jointop("linalg_eigh", "LinalgEighBackward0", _eigh_fwd, _eigh_rule, n_out=2,
                save_inputs=False)


def _uplo(UPLO: str) -> str:
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO


def _not_for_ints(A: Any, kernel: str) -> None:
    check_tensor(A, kernel)
    if A._data.dtype.kind not in "fc":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(A._data.dtype)}'")


def eigh(A: Tensor, UPLO: str = "L") -> Any:
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix, read from
    its lower (or upper, ``UPLO='U'``) triangle (``torch.return_types.linalg_eigh``)."""
    _not_for_ints(A, "linalg_eigh_cpu")
    _square(A, "linalg.eigh")
    return return_types.linalg_eigh(_eigh([A], _uplo(UPLO)))


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    """The eigenvalues of a symmetric matrix, ascending (gradient: V diag(g) Vᵀ)."""
    _not_for_ints(A, "linalg_eigh_cpu")
    _square(A, "linalg.eigvalsh")
    return _eigh([A], _uplo(UPLO))[0]


def _no_grad_eig(A: Tensor, fname: str) -> np.ndarray:
    d = _square(A, fname)
    if _recorded(A):
        raise NotImplementedError(f"feathergrad: {fname} has no derivative yet (its results are "
                                  "complex); use linalg.eigh for symmetric matrices.")
    return d


def _complex(a: np.ndarray, real_dt: np.dtype) -> np.ndarray:
    return a.astype(np.complex64 if real_dt == np.float32 else np.complex128)


def eig(A: Tensor) -> Any:
    """Eigenvalues and eigenvectors of a general square matrix, as complex tensors. No gradient.
    """
    d = _no_grad_eig(A, "linalg.eig")
    w, v = np.linalg.eig(d)
    return return_types.linalg_eig((_make(_complex(w, d.dtype)), _make(_complex(v, d.dtype))))


def eigvals(A: Tensor) -> Tensor:
    """Eigenvalues of a general square matrix, as a complex tensor. No gradient."""
    d = _no_grad_eig(A, "linalg.eigvals")
    return _make(_complex(np.linalg.eigvals(d), d.dtype))


# ---- cholesky -------------------------------------------------------------------------------
def _bad_minor(a: np.ndarray) -> tuple:
    """(batch element, order) of the first leading minor that is not positive-definite."""
    for b, m in enumerate(a.reshape((-1,) + a.shape[-2:])):
        for k in range(1, m.shape[0] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                return b, k
    return 0, 1


def _not_pd(fname: str, a: np.ndarray) -> LinAlgError:
    b, k = _bad_minor(a)
    where = f"(Batch element {b}): " if a.ndim > 2 else ""
    return LinAlgError(f"{fname}: {where}The factorization could not be completed because the "
                       f"input is not positive-definite (the leading minor of order {k} is not "
                       "positive-definite).")


def _potf2(a: np.ndarray) -> tuple:
    """LAPACK's unblocked Cholesky (lower): the factor as far as it got, and info (0, or the
    order of the first minor that is not positive-definite, whose pivot is left in place)."""
    a = np.tril(a)
    for j in range(a.shape[0]):
        ajj = a[j, j] - a[j, :j] @ a[j, :j]
        if not ajj > 0:
            a[j, j] = ajj
            return a, j + 1
        a[j, j] = np.sqrt(ajj)
        a[j + 1:, j] = (a[j + 1:, j] - a[j + 1:, :j] @ a[j, :j]) / a[j, j]
    return a, 0


def _chol_fwd(A, upper, fname, partial):
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        if not partial:
            raise _not_pd(fname, A) from None
        L = np.stack([_potf2(m)[0] for m in A.reshape((-1,) + A.shape[-2:])]).reshape(A.shape)
    return _t(L).copy() if upper else L


def _chol_rule(g, out, A, upper, fname, partial):
    L, gL = (_t(out), _t(g)) if upper else (out, g)
    P = np.tril(_t(L) @ gL)
    P = 0.5 * (P + _t(np.tril(P, -1)))   # NOTE: Φ, with the strict lower part mirrored
    return _rsolve(_solve_any(_t(L), P), L)


_chol = defop("linalg_cholesky", _chol_fwd, "LinalgCholeskyExBackward0", A=_chol_rule)
_chol_legacy = defop("cholesky", _chol_fwd, "CholeskyBackward0", A=_chol_rule)


def linalg_cholesky(A: Tensor, *, upper: bool = False, out: Any = None) -> Tensor:
    """The lower-triangular L with ``A = L Lᵀ`` (its transpose with ``upper=True``) for a
    symmetric positive-definite A; LinAlgError otherwise."""
    _square(A, "linalg.cholesky")
    return _chol(A, bool(upper), "linalg.cholesky", False)


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False) -> Any:
    """``(L, info)``: info is 0, or the order of the first leading minor that is not
    positive-definite (L then holds NaN there)."""
    d = _square(A, "linalg.cholesky_ex")
    if check_errors:
        L = _chol(A, bool(upper), "linalg.cholesky_ex", False)
        return return_types.linalg_cholesky_ex((L, _make(np.zeros(d.shape[:-2], np.int32))))
    info = np.array([_potf2(m)[1] for m in d.reshape((-1,) + d.shape[-2:])], np.int32)
    # NOTE: as LAPACK (and PyTorch), a failed factorization returns the partial factor
    L = _chol(A, bool(upper), "linalg.cholesky", True)
    return return_types.linalg_cholesky_ex((L, _make(info.reshape(d.shape[:-2]))))


def cholesky(input: Tensor, upper: bool = False, *, out: Any = None) -> Tensor:
    """torch.cholesky (deprecated in PyTorch for linalg.cholesky)."""
    _not_for_ints(input, "cholesky_cpu")
    _square(input, "cholesky")
    return _chol_legacy(input, bool(upper), "linalg.cholesky", False)


# ---- qr -------------------------------------------------------------------------------------
def _qr_fwd(arrays, mode):
    A = arrays[0]
    if mode == "r":
        r = np.linalg.qr(A, mode="r")
        return np.zeros((0,), A.dtype), r
    return np.linalg.qr(A, mode=mode)


def _copyltu(M: Any) -> Any:
    return np.tril(M) + _t(np.tril(M, -1))


def _qr_tall(Q: Any, R: Any, gQ: Any, gR: Any) -> Any:
    M = 0
    if gR is not None:
        M = R @ _t(gR)
    if gQ is not None:
        M = M - _t(gQ) @ Q
    b = Q @ _copyltu(M)
    if gQ is not None:
        b = b + gQ
    return _rsolve(b, _t(R))


def _qr_rule(g, out, needs, ins, mode):
    Q, R = out
    gQ, gR = g
    if mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when "
                           "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going "
                           "to differentiate through linalg.qr.")
    m, n = Q.shape[-2], R.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and "
                           "nrows > ncols.")
    if m >= n:
        return (_qr_tall(Q, R, gQ, gR),)
    # NOTE: wide A = [X | Y]: X = Q U is a tall QR, and Y = Q V only passes gradients through
    import feathergrad as fg
    A = ins[0]
    Y = A[..., :, m:]
    U = R[..., :, :m]
    gV = gR[..., :, m:] if gR is not None else None
    gQx = gQ
    if gV is not None:
        gQx = Y @ _t(gV) if gQ is None else gQ + Y @ _t(gV)
    gX = _qr_tall(Q, U, gQx, None if gR is None else gR[..., :, :m])
    gY = Q @ gV if gV is not None else Y * 0
    cat = fg.cat if type(gX) is Tensor else np.concatenate
    return (cat([gX, gY], -1),)


_qr = jointop("linalg_qr", "LinalgQrBackward0", _qr_fwd, _qr_rule, n_out=2)


def linalg_qr(A: Tensor, mode: str = "reduced") -> Any:
    """``A = Q R`` with orthonormal Q and upper-triangular R (``torch.return_types.linalg_qr``);
    mode 'reduced', 'complete' or 'r' (R only, Q empty)."""
    _matrices(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    return return_types.linalg_qr(_qr([A], mode))


def qr(input: Tensor, some: bool = True) -> Any:
    """torch.qr (deprecated in PyTorch for linalg.qr): ``(Q, R)``, reduced unless `some` is
    False."""
    return return_types.qr(linalg_qr(input, "reduced" if some else "complete"))


# ---- pinv, lstsq, matrix_rank, cond -----------------------------------------------------------
def _tolerance(s: np.ndarray, shape: tuple, atol: Any, rtol: Any) -> np.ndarray:
    smax = s[..., :1] if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else np.finfo(s.dtype).eps * max(shape[-2:])
    return np.maximum(0.0 if atol is None else atol, rtol * smax)


def _pinv_fwd(A, atol, rtol, hermitian):
    U, s, Vh = np.linalg.svd(A, full_matrices=False)
    keep = s > _tolerance(s, A.shape, atol, rtol)
    sinv = np.where(keep, 1 / np.where(keep, s, 1), 0).astype(A.dtype)
    return _t(Vh) @ (sinv[..., :, None] * _t(U))


def _pinv_grad(g, P, A):
    m, n = A.shape[-2], A.shape[-1]
    Ph, gh = _t(P), _t(g)
    if m <= n:
        K = gh @ P
        KPh = K @ Ph
        return -_t(P @ K) + KPh - (A @ P) @ KPh + (Ph @ P) @ (gh - K @ A)
    K = P @ gh
    PhK = Ph @ K
    return -_t(K @ P) + (gh - A @ K) @ P @ Ph + PhK - PhK @ P @ A


_pinv = defop("linalg_pinv", _pinv_fwd, "LinalgPinvBackward0",
              A=lambda g, out, A, atol, rtol, hermitian: _pinv_grad(g, out, A))


def pinv(A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False,
         out: Any = None) -> Tensor:
    """The Moore-Penrose pseudo-inverse (singular values below ``max(atol, rtol * s_max)``
    count as zero)."""
    check_tensor(A, "linalg.pinv")
    if A._data.dtype.kind not in "fc" or A._data.ndim < 2:
        raise RuntimeError(f"linalg.pinv({type_name(A._data.dtype)}{{{list(A._data.shape)}}}): "
                           "expected a tensor with 2 or more dimensions of float, double, "
                           "cfloat or cdouble types")
    return _pinv(A, atol, rtol, bool(hermitian))


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """torch.pinverse: `pinv` with a relative cutoff `rcond`."""
    _matrices(input, "pinverse")
    return _pinv(input, None, rcond, False)


def _float_only(A: Any) -> None:
    check_tensor(A, "linalg")
    if A._data.dtype.kind != "f":
        raise RuntimeError("This function doesn't handle types other than float and double")


def matrix_rank(A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False,
                tol: Any = None) -> Tensor:
    """The number of singular values above ``max(atol, rtol * s_max)`` (int64)."""
    _float_only(A)
    d = _matrices(A, "linalg.matrix_rank")
    if tol is not None:
        atol, rtol = tol, 0.0
    s = np.linalg.svd(d, compute_uv=False)
    return _make(np.asarray((s > _tolerance(s, d.shape, atol, rtol)).sum(-1), np.int64))


def cond(A: Tensor, p: Any = None) -> Tensor:
    """The condition number in the norm `p` (2 by default: s_max / s_min)."""
    from .norms import matrix_norm
    _matrices(A, "linalg.cond")
    if p in (None, 2, -2):
        s = svdvals(A)
        r = s[..., 0] / s[..., -1]
        return r if p != -2 else 1 / r
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def _lstsq_fwd(arrays):
    A, B = arrays
    vec = B.ndim == A.ndim - 1
    b = B[..., None] if vec else B
    X = _pinv_fwd(A, None, None, False) @ b
    return X[..., 0] if vec else X


def _lstsq_rule(g, out, needs, ins):
    A, B = ins
    vec = B.ndim == A.ndim - 1
    P = _pinv(A, None, None, False) if type(A) is Tensor else _pinv_fwd(A, None, None, False)
    gm = g[..., None] if vec else g
    gA = gB = None
    if needs[0]:
        gA = _pinv_grad(gm @ _t(B[..., None] if vec else B), P, A)
    if needs[1]:
        gB = _t(P) @ gm
        gB = gB[..., 0] if vec else gB
    return [gA, gB]


_lstsq = jointop("linalg_lstsq", "LinalgLstsqBackward0", _lstsq_fwd, _lstsq_rule)


def lstsq(A: Tensor, B: Tensor, rcond: Any = None, *, driver: Any = None) -> Any:
    """The least-squares solution X of A X ≈ B (``torch.return_types.linalg_lstsq``; as with
    PyTorch's default CPU driver 'gelsy', residuals and singular_values are empty unless the
    driver is 'gelsd'/'gelss')."""
    _float_only(A)
    a = _matrices(A, "linalg.lstsq")
    b = B._data
    if b.dtype != a.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same "
                           f"dtype, but got input's dtype {type_name(a.dtype)} and other's dtype "
                           f"{type_name(b.dtype)}")
    X = _lstsq((A, B))
    s = np.linalg.svd(a, compute_uv=False)
    rank = _make(np.asarray((s > _tolerance(s, a.shape, None, rcond)).sum(-1), np.int64))
    empty = _make(np.zeros((0,), a.dtype))
    res, sv = empty, empty
    if driver in ("gelsd", "gelss"):
        sv = _make(s.astype(a.dtype))
        m, n = a.shape[-2:]
        if m > n and bool((rank._data == n).all()):
            r = a @ X._data - b
            res = _make((r * r).sum(-2).astype(a.dtype))
    return return_types.linalg_lstsq((X, res, rank, sv))


# ---- matrix_exp, matrix_power ---------------------------------------------------------------
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
           40840800., 960960., 16380., 182., 1.)


def _expm(A: np.ndarray) -> np.ndarray:
    """exp(A) by scaling and squaring with the [13/13] Padé approximant (Higham 2005)."""
    a = A.astype(np.float64 if A.dtype.kind == "f" else np.complex128)
    n = a.shape[-1]
    norm = np.abs(a).sum(-2).max(-1) if n else np.zeros(a.shape[:-2])
    s = int(max(0, math.ceil(math.log2(float(np.max(norm)) / 5.371920351148152)))
            ) if np.max(norm, initial=0) > 0 else 0
    a = a / 2.0 ** s
    b = _PADE13
    eye = np.broadcast_to(np.eye(n), a.shape)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2
             + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 \
        + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return r.astype(A.dtype)


def _expm_rule(g, out, A):
    # NOTE: the Fréchet derivative's adjoint is a block of the exponential of a block matrix
    n = A.shape[-1]
    At = _t(A)
    if type(A) is Tensor or type(g) is Tensor:
        import feathergrad as fg
        At = At if type(At) is Tensor else _make(np.ascontiguousarray(At))
        g = g if type(g) is Tensor else _make(g)
        z = fg.zeros_like(At)
        big = fg.cat([fg.cat([At, g], -1), fg.cat([z, At], -1)], -2)
        return _expm_op(big)[..., :n, n:]
    z = np.zeros_like(At)
    big = np.concatenate([np.concatenate([At, g], -1), np.concatenate([z, At], -1)], -2)
    return _expm(big)[..., :n, n:]


_expm_op = defop("linalg_matrix_exp", _expm, "LinalgMatrixExpBackward0", A=_expm_rule)


def matrix_exp(A: Tensor) -> Tensor:
    """The matrix exponential ``sum_k A^k / k!`` (Padé approximant with scaling and squaring).

    >>> matrix_exp(zeros(2, 2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    _square(A, "linalg.matrix_exp")
    return _expm_op(A)


def matrix_power(A: Tensor, n: int) -> Tensor:
    """``A @ A @ ... @ A`` (n factors) by repeated squaring; n = 0 gives the identity, n < 0
    powers of the inverse."""
    check_tensor(A, "linalg.matrix_power")
    d = A._data
    if d.ndim < 2 or d.shape[-1] != d.shape[-2]:
        raise RuntimeError("linalg.matrix_power: A must be batches of square matrices, but they "
                           f"are {d.shape[-2] if d.ndim > 1 else 1} by {d.shape[-1]} matrices")
    n = int(n)
    if n == 0:   # NOTE: a copy of the identity into a clone of A, as PyTorch (CopyBackwards)
        return A.clone().copy_(_make(np.broadcast_to(np.eye(d.shape[-1], dtype=d.dtype),
                                                     d.shape)))
    if n < 0:
        A, n = inv(A), -n
        if n == 1:
            return A
    if n == 1:
        return A.clone()
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


# ---- triangular solves ---------------------------------------------------------------------
def _tri(A: Any, upper: bool, unit: bool) -> Any:
    T = np.triu(A) if upper else np.tril(A)
    if unit:
        n, dt = A.shape[-1], (T._data if type(T) is Tensor else T).dtype
        T = T * (1 - _eye(n, dt)) + _eye(n, dt)
    return T


def _trisolve_fwd(arrays, upper, left, unit, trans):
    A, B = arrays
    T = _tri(A, upper, unit)
    if trans:
        T = _t(T)
    return np.linalg.solve(T, B) if left else _t(np.linalg.solve(_t(T), _t(B)))


def _trisolve_grads(g, X, A, needs, upper, left, unit, trans):
    T = _tri(A, upper, unit)
    if trans:
        T = _t(T)
    gB = _solve_any(_t(T), g) if left else _rsolve(g, _t(T))
    gA = None
    if needs[0]:
        gA = -(gB @ _t(X)) if left else -(_t(X) @ gB)
        if trans:
            gA = _t(gA)
        gA = np.triu(gA, int(unit)) if upper else np.tril(gA, -int(unit))
    return [gA, gB if needs[1] else None]


_trisolve = jointop("linalg_solve_triangular", "LinalgSolveTriangularBackward0",
                    _trisolve_fwd,
                    lambda g, out, needs, ins, *f: _trisolve_grads(g, out, ins[0], needs, *f),
                    save_inputs=(0,))


def _legacy_rule(g, out, needs, ins, upper, left, unit, trans):
    gX, gC = g
    if gX is None:
        return [gC, None]
    r = _trisolve_grads(gX, out[0], ins[0], needs, upper, left, unit, trans)
    if gC is not None and r[0] is not None:   # the cloned coefficient's gradient, all of it
        r[0] = r[0] + gC
    return r


_trisolve_legacy = jointop("triangular_solve", "TriangularSolveBackward0",
                           lambda arrays, *f: (_trisolve_fwd(arrays, *f), arrays[0].copy()),
                           _legacy_rule, n_out=2, save_inputs=(0,))


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,
                     unitriangular: bool = False, out: Any = None) -> Tensor:
    """The solution X of A X = B (X A = B with ``left=False``) reading only the upper or lower
    triangle of A (its diagonal taken as ones with `unitriangular`)."""
    _not_for_ints(A, "triangular_solve_cpu")
    _square(A, "linalg.solve_triangular")
    return _trisolve((A, B), bool(upper), bool(left), bool(unitriangular), False)


def triangular_solve(b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False) -> Any:
    """torch.triangular_solve: ``(solution, cloned_coefficient)`` of A X = b (Aᵀ X = b with
    `transpose`)."""
    _not_for_ints(A, "triangular_solve_cpu")
    _square(A, "triangular_solve")
    return return_types.triangular_solve(
        _trisolve_legacy((A, b), bool(upper), True, bool(unitriangular), bool(transpose)))


Tensor.svd = svd
Tensor.cholesky = cholesky
Tensor.pinverse = pinverse
Tensor.matrix_exp = matrix_exp
Tensor.matrix_power = matrix_power
Tensor.triangular_solve = triangular_solve
Tensor.qr = qr
