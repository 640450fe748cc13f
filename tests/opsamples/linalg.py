"""Samples for linear algebra: products, einsum/tensordot, trace/diagonals/triangles, inv,
det, slogdet, solve (feathergrad/ops/{linalg,einsum,diag,linalg_solve}.py)."""

from __future__ import annotations

import numpy as np

from . import OpSample, rand

S = OpSample


def wellcond(*shape: int) -> np.ndarray:
    """Random square matrices (batched) shifted by 3I: far from singular."""
    return rand(*shape, low=-1.0, high=1.0) + 3 * np.eye(shape[-1])


SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])   # rank 2

SAMPLES = [
    # matmul's batched cases PyTorch names after a fold through a transpose
    S(("matmul_folded",), lambda m, a, b: a @ b, [rand(2, 3), rand(4, 3, 2)]),
    S(("matmul_folded",), lambda m, a, b: m.matmul(a, b), [rand(1, 2, 3), rand(4, 3, 2)],
      name="batch-1"),
    S(("matmul_folded_t",), lambda m, a, b: a @ b, [rand(1, 3), rand(4, 3, 2)]),
    S(("matmul_folded_t",), lambda m, a, b: a @ b, [rand(2, 3), rand(2, 4, 3, 1)], name="col"),
    S(("matmul",), lambda m, a, b: a @ b, [rand(2, 1, 3, 4), rand(5, 4, 2)], name="bcast"),
    S(("matmul",), lambda m, a, b: a.t() @ b, [rand(3, 2), rand(4, 3, 2)], name="a-const",
      nondiff=(0,)),
    S(("mm",), lambda m, a, b: m.mm(a.t(), b), [rand(3, 2), rand(3, 4)], name="noncontig"),
    S(("mm",), lambda m, a, b: a.mm(b), [rand(2, 0), rand(0, 3)], name="empty"),
    S(("bmm",), lambda m, a, b: m.bmm(a, b), [rand(2, 3, 4), rand(2, 4, 2)]),
    S(("mv",), lambda m, a, b: m.mv(a, b), [rand(3, 4), rand(4)]),
    S(("dot",), lambda m, a, b: a.dot(b), [rand(5), rand(5)]),
    S(("vdot",), lambda m, a, b: m.vdot(a, b), [rand(4), rand(4)]),
    S(("view", "mul"), lambda m, a, b: m.outer(a, b), [rand(3), rand(4)], name="outer"),
    S(("view", "mul"), lambda m, a, b: a.ger(b), [rand(2), rand(3)], name="ger"),
    S(("addmm",), lambda m, c, a, b: m.addmm(c, a, b), [rand(2, 4), rand(2, 3), rand(3, 4)]),
    S(("addmm",), lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=-2.0),
      [rand(4), rand(2, 3), rand(3, 4)], name="bcast-scaled"),
    S(("addmm",), lambda m, c, a, b: c.addmm(a, b, beta=0), [rand(1, 1), rand(2, 3), rand(3, 4)],
      name="beta0"),
    S(("baddbmm",), lambda m, c, a, b: m.baddbmm(c, a, b, alpha=2.0),
      [rand(2, 1, 4), rand(2, 3, 2), rand(2, 2, 4)]),
    # einsum: each of PyTorch's final nodes; diagonals, broadcasting, ellipsis, sublists
    S(("einsum",), lambda m, a, b: m.einsum("ij,jk->ik", a, b), [rand(2, 3), rand(3, 4)]),
    S(("einsum",), lambda m, a, b: m.einsum("...ij,...jk", a, b), [rand(2, 3, 4), rand(1, 4, 2)],
      name="ellipsis-bcast"),
    S(("einsum",), lambda m, a, b, c: m.einsum("i,ij,jk->k", a, b, c),
      [rand(3), rand(3, 4), rand(4, 2)], name="three"),
    S(("einsum",), lambda m, a, b: m.einsum("iij,j->i", a, b), [rand(3, 3, 2), rand(2)],
      name="diag-operand"),
    S(("einsum",), lambda m, a: m.einsum("i,i->", a, a), [rand(4)], name="same-operand"),
    S(("einsum",), lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]), [rand(2, 3), rand(3, 2)],
      name="sublist"),
    S(("einsum",), lambda m, a, b: m.einsum("bij,bjk->bik", a, b), [rand(1, 2, 3), rand(2, 3, 2)],
      name="bcast-1"),
    S(("einsum",), lambda m, a, b: m.einsum("ij,jk->ik", a, b), [rand(2, 0), rand(0, 3)],
      name="empty"),
    S(("einsum_mul",), lambda m, a, b: m.einsum("i,j->ji", a, b), [rand(3), rand(2)]),
    S(("einsum_mul",), lambda m, a, b: m.einsum("ij,ij->ij", a, b), [rand(2, 3), rand(2, 3)],
      name="hadamard"),
    S(("einsum_permute",), lambda m, a: m.einsum("ii->i", a), [rand(3, 3)]),
    S(("einsum_permute",), lambda m, a: m.einsum("ijk->kji", a.transpose(0, 1)), [rand(2, 3, 4)],
      name="noncontig"),
    S(("einsum_sum",), lambda m, a: m.einsum("ii", a), [rand(3, 3)], name="trace"),
    S(("einsum_sum",), lambda m, a: m.einsum("ij->j", a), [rand(2, 3)]),
    S(("einsum_sum",), lambda m, a: m.einsum("i...->", a), [rand(2, 3)], name="ellipsis"),
    S(("tensordot",), lambda m, a, b: m.tensordot(a, b), [rand(2, 3, 4), rand(3, 4, 2)]),
    S(("tensordot",), lambda m, a, b: m.tensordot(a, b, dims=([2, 0], [1, 0])),
      [rand(2, 3, 4), rand(2, 4, 5)], name="lists"),
    S(("tensordot",), lambda m, a, b: m.tensordot(a, b, 0), [rand(2), rand(3)], name="outer"),
    # trace, diagonals, triangles
    S(("trace",), lambda m, a: m.trace(a), [rand(3, 4)]),
    S(("trace",), lambda m, a: a.t().trace(), [rand(3, 3)], name="noncontig"),
    S(("diagonal", "diagonal_backward"), lambda m, a: m.diagonal(a), [rand(3, 4)]),
    S(("diagonal", "diagonal_backward"), lambda m, a: m.diagonal(a, -1, 2, 0), [rand(3, 2, 4)],
      name="dims-offset"),
    S(("diagonal",), lambda m, a: a.diagonal(5), [rand(3, 3)], name="empty"),
    S(("diag_embed",), lambda m, a: m.diag(a), [rand(3)], name="diag-1d"),
    S(("diag_embed",), lambda m, a: m.diag(a, -2), [rand(2)], name="diag-1d-offset"),
    S(("diag_embed",), lambda m, a: m.diag_embed(a, 1, 0, 2), [rand(2, 3)]),
    S(("diag",), lambda m, a: m.diag(a), [rand(3, 4)]),
    S(("diag",), lambda m, a: a.diag(1), [rand(3, 4)], name="offset"),
    S(("tril",), lambda m, a: m.tril(a), [rand(3, 4)]),
    S(("tril",), lambda m, a: a.tril(-1), [rand(2, 3, 3)], name="batched"),
    S(("triu",), lambda m, a: m.triu(a, 1), [rand(4, 3)]),
    S(("triu",), lambda m, a: a.t().triu(), [rand(3, 3)], name="noncontig"),
    # inv, det (also at a singular matrix), slogdet, logdet, solve
    S(("inv",), lambda m, a: m.linalg.inv(a), [wellcond(3, 3)]),
    S(("inv",), lambda m, a: m.inverse(a), [wellcond(2, 3, 3)], name="batched"),
    S(("inv",), lambda m, a: m.linalg.inv(a.t()), [wellcond(2, 2)], name="noncontig"),
    S(("det",), lambda m, a: m.linalg.det(a), [rand(3, 3)]),
    S(("det",), lambda m, a: a.det(), [rand(2, 2, 2)], name="batched"),
    S(("det",), lambda m, a: m.det(a), [SINGULAR], name="singular"),
    # NOTE: at the zero matrix PyTorch's second derivative of det is nan (its SVD backward
    # with repeated singular values); ours is the exact one, checked by finite differences
    S(("det",), lambda m, a: m.linalg.det(a), [np.zeros((2, 2))], name="zero", compare_torch=False),
    S(("det",), lambda m, a: m.linalg.det(a), [np.zeros((2, 2))], name="zero-first-order",
      second_order=False),
    S(("det",), lambda m, a: m.linalg.det(a), [rand(0, 0)], name="empty"),
    S(("slogdet",), lambda m, a: tuple(m.linalg.slogdet(a)), [wellcond(3, 3)]),
    S(("slogdet",), lambda m, a: tuple(m.slogdet(a - 6 * m.eye(3, dtype=m.float64))),
      [wellcond(2, 3, 3)], name="negative-det"),
    S(("slogdet", "where"), lambda m, a: m.logdet(a @ a.mT), [wellcond(3, 3)], name="logdet"),
    S(("solve",), lambda m, a, b: m.linalg.solve(a, b), [wellcond(3, 3), rand(3, 2)]),
    S(("solve",), lambda m, a, b: m.linalg.solve(a, b), [wellcond(3, 3), rand(3)], name="vector"),
    S(("solve",), lambda m, a, b: m.linalg.solve(a, b), [wellcond(2, 3, 3), rand(2, 3)],
      name="batched-vector"),
    S(("solve",), lambda m, a, b: m.linalg.solve(a, b), [wellcond(4, 3, 3), rand(3, 4)],
      name="bcast"),
    S(("solve",), lambda m, a, b: m.linalg.solve(a, b, left=False), [wellcond(3, 3), rand(2, 3)],
      name="right"),
    S(("solve",), lambda m, a, b: m.linalg.solve(a, b), [wellcond(3, 3), rand(3, 2)],
      name="A-only", nondiff=(1,)),
]
