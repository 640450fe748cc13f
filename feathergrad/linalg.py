"""feathergrad.linalg: the torch.linalg namespace (norms, inverse, determinants, solve,
decompositions).

    import feathergrad as torch
    A = torch.tensor([[2., 1.], [1., 3.]], requires_grad=True)
    torch.linalg.det(A).backward()      # A.grad is the cofactor matrix [[3., -1.], [-1., 2.]]
"""

from __future__ import annotations

from typing import Any

from .ops.diag import diagonal as _diagonal
from .ops.linalg import matmul
from .ops.linalg_decomp import (
    cholesky_ex,
    cond,
    eig,
    eigh,
    eigvals,
    eigvalsh,
    lstsq,
    matrix_exp,
    matrix_power,
    matrix_rank,
    pinv,
    solve_triangular,
    svdvals,
)
from .ops.linalg_decomp import linalg_cholesky as cholesky
from .ops.linalg_decomp import linalg_qr as qr
from .ops.linalg_decomp import linalg_svd as svd
from .ops.linalg_solve import LinAlgError, det, inv, solve
from .ops.linalg_solve import linalg_slogdet as slogdet
from .ops.norms import matrix_norm, vector_norm
from .ops.products import linalg_cross as cross
from .tensor import Tensor

__all__ = [
    "LinAlgError",
    "cholesky",
    "cholesky_ex",
    "cond",
    "cross",
    "det",
    "diagonal",
    "eig",
    "eigh",
    "eigvals",
    "eigvalsh",
    "inv",
    "inv_ex",
    "lstsq",
    "matmul",
    "matrix_exp",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_triangular",
    "svd",
    "svdvals",
    "vecdot",
    "vector_norm",
]


def norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """A vector norm (dim an int, or A 1-D) or a matrix norm (dim a 2-tuple, or A 2-D with
    `ord` given); with neither `ord` nor `dim`, the 2-norm of all elements.

    >>> norm(tensor([[3., 0.], [0., 4.]]))
    tensor(5.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got "
                           f"{list(dim)}")
    if dim is None and ord is not None and A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be "
                           f"1D or 2D. Got {A.ndim}D.")
    if (dim is not None and len(dim) == 2) or (dim is None and ord is not None and A.ndim == 2):
        return matrix_norm(A, "fro" if ord is None else ord, (-2, -1) if dim is None else dim,
                           keepdim, dtype=dtype)
    if isinstance(ord, str):   # a matrix norm of a non-matrix: matrix_norm's error
        return matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonals of a batch of matrices (a view): torch.diagonal with matrix defaults."""
    return _diagonal(A, offset, dim1, dim2)


def multi_dot(tensors: Any) -> Tensor:
    """The product of a chain of matrices (the first may be 1-D, the last too), left to right.

    >>> multi_dot([ones(2, 3), ones(3, 4), ones(4)])
    tensor([12., 12.])
    """
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        if t.ndim not in ((1, 2) if i in (0, len(tensors) - 1) else (2,)):
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D"
                               + (" or 1D" if i in (0, len(tensors) - 1) else "")
                               + f" but got {t.ndim}D")
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    return out


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """Dot products of vectors along `dim` (broadcasting the rest): (x * y).sum(dim).

    >>> vecdot(tensor([[1., 2.], [3., 4.]]), tensor([1., 1.]))
    tensor([3., 7.])
    """
    return (x * y).sum(dim)



def inv_ex(A: Tensor, *, check_errors: bool = False) -> Any:
    """``(inverse, info)``: info is 0, or (for a singular A) the LAPACK pivot index, with NaN
    in the inverse, unless `check_errors`."""
    import numpy as np

    from .ops import return_types
    from .ops.linalg_solve import _square, _zero_pivot
    d = _square(A, "linalg.inv_ex")
    try:
        return return_types.linalg_inv_ex((inv(A), Tensor._make(np.zeros(d.shape[:-2],
                                                                          np.int32))))
    except LinAlgError:
        if check_errors:
            raise
        info = np.array([_zero_pivot(m) for m in d.reshape((-1,) + d.shape[-2:])], np.int32)
        return return_types.linalg_inv_ex((Tensor._make(np.full(d.shape, np.nan, d.dtype)),
                                           Tensor._make(info.reshape(d.shape[:-2]))))
