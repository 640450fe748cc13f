"""Samples for the ops added by the differential review against PyTorch: order statistics
(feathergrad/ops/sorting.py), nansum, aminmax, cummax/cummin/logcumsumexp (scan.py),
scatter_reduce and fill_diagonal_ (scatter_ext.py), decompositions (linalg_decomp.py) and
products (products.py).

Singular and eigenvectors are defined up to sign, so their samples use sign-free functions of
them (U diag(w) Vh, |U|, V diag(w) Vᵀ), as the values must match PyTorch's."""

from __future__ import annotations

import numpy as np

from . import OpSample, positive, rand

S = OpSample


def _distinct(*shape: int) -> np.ndarray:
    """Values with no ties, shuffled (order statistics are then differentiable)."""
    n = int(np.prod(shape))
    rng = np.random.default_rng(n + 7)
    return (rng.permutation(n) * 0.41 - n * 0.2).reshape(shape)


def _with_nan(*shape: int) -> np.ndarray:
    a = _distinct(*shape)
    a.reshape(-1)[1] = np.nan
    return a


_IDX = np.array([[1, 1, 0], [0, 2, 2]])


def _spd(n: int) -> np.ndarray:
    a = rand(n, n, low=-1.0, high=1.0)
    return a @ a.T + n * np.eye(n)


def _usv(m, U, S, Vh):
    w = m.linspace(1.0, 2.0, S.shape[-1], dtype=m.float64)
    return U @ (w[:, None] * Vh), S, U.abs()


def _vlv(m, L, V):
    w = m.linspace(-1.0, 2.0, L.shape[-1], dtype=m.float64)
    return L, (V * w) @ V.mT


def _tied_extremes() -> np.ndarray:
    return np.array([[3.0, -1.0, 0.5, 3.0], [1.5, -1.0, 2.0, -1.0]])


SAMPLES = [
    # sort / topk: values read at the found indices
    S(("sort",), lambda m, x: tuple(m.sort(x)), [_distinct(3, 4)]),
    S(("sort",), lambda m, x: m.sort(x, 0, descending=True).values, [_distinct(3, 4)], name="d0"),
    S(("sort",), lambda m, x: m.sort(x).values, [rand()], name="0-d"),
    S(("sort",), lambda m, x: m.msort(x.t()), [_distinct(3, 4)], name="msort"),
    S(("topk",), lambda m, x: tuple(m.topk(x, 2)), [_distinct(3, 4)]),
    S(("topk",), lambda m, x: m.topk(x, 2, 0, largest=False).values, [_distinct(3, 4)],
      name="smallest"),
    # value-selecting reductions
    S(("kthvalue",), lambda m, x: tuple(m.kthvalue(x, 2, 1)), [_distinct(3, 4)]),
    S(("kthvalue",), lambda m, x: m.kthvalue(x, 1, 0, keepdim=True).values, [_distinct(3, 4)],
      name="kd"),
    S(("median",), lambda m, x: m.median(x), [_distinct(3, 4)]),
    S(("median",), lambda m, x: m.median(x), [np.array([1.0, 3.0, 3.0, 0.5])], name="ties",
      second_order=False),
    S(("median_dim",), lambda m, x: tuple(m.median(x, 1)), [_distinct(3, 5)]),
    S(("median_dim",), lambda m, x: m.median(x, 0, keepdim=True).values, [_distinct(4, 3)],
      name="kd"),
    S(("nanmedian",), lambda m, x: m.nanmedian(x), [_with_nan(3, 4)]),
    S(("nanmedian_dim",), lambda m, x: m.nanmedian(x, 1).values, [_with_nan(3, 4)]),
    S(("mode",), lambda m, x: m.mode(x, 1).values,
      [np.array([[1.5, 2.0, 1.5, 0.3], [0.1, 0.7, 0.9, 0.7]])]),
    S(("sort", "gather", "sub", "mul", "add", "squeeze"),
      lambda m, x: m.quantile(x, 0.3, dim=1), [_distinct(3, 5)], name="quantile",
      check_names=False),
    # nansum, aminmax
    S(("nansum",), lambda m, x: m.nansum(x), [_with_nan(3, 4)]),
    S(("nansum",), lambda m, x: x.nansum(1, keepdim=True), [_with_nan(3, 4)], name="dim"),
    S(("aminmax",), lambda m, x: tuple(m.aminmax(x)), [_distinct(3, 4)]),
    S(("aminmax",), lambda m, x: tuple(m.aminmax(x, dim=1)), [_tied_extremes()], name="ties"),
    S(("aminmax",), lambda m, x: m.aminmax(x, dim=0, keepdim=True).max, [_distinct(3, 4)],
      name="max-only"),
    # running extrema, logcumsumexp
    S(("cummax",), lambda m, x: tuple(m.cummax(x, 1)), [_distinct(3, 4)]),
    S(("cummin",), lambda m, x: m.cummin(x, 0).values, [_distinct(3, 4)]),
    S(("logcumsumexp",), lambda m, x: m.logcumsumexp(x, 1), [rand(3, 4)]),
    S(("logcumsumexp",), lambda m, x: m.logcumsumexp(x, 0), [rand(4) * 30], name="wide"),
    # scatter_reduce: every reduction, with and without self
    *[S(("scatter_reduce",),
        lambda m, x, s, red=red, inc=inc: x.scatter_reduce(1, m.tensor(_IDX), s, red,
                                                          include_self=inc),
        [rand(2, 4, low=0.5), rand(2, 3, low=0.5)], name=f"{red}-{inc}",
        # NOTE: PyTorch's prod rule without self is constant only up to rounding (g*r/r)
        second_order=red not in ("amax", "amin") and (red, inc) != ("prod", False))
      for red in ("sum", "prod", "mean", "amax", "amin") for inc in (True, False)],
    S(("fill_diagonal", "mul"), lambda m, x: (x * 1).fill_diagonal_(0.5, wrap=True),
      [rand(5, 2)], name="wrap", check_names=False),
    # decompositions
    S(("linalg_svd",), lambda m, a: _usv(m, *m.linalg.svd(a, full_matrices=False)),
      [rand(4, 3)]),
    S(("linalg_svd",), lambda m, a: _usv(m, *m.linalg.svd(a, full_matrices=False)),
      [rand(2, 3)], name="wide"),
    S(("linalg_svd",), lambda m, a: m.linalg.svdvals(a), [rand(2, 3, 3)], name="svdvals"),
    S(("linalg_eigh",), lambda m, a: _vlv(m, *m.linalg.eigh(a + a.mT)), [rand(3, 3)]),
    # NOTE: eigh and cholesky read one triangle: inputs are built symmetric, so that finite
    # differences see PyTorch's (symmetric) gradient
    S(("linalg_eigh",), lambda m, a: m.linalg.eigvalsh(a + a.mT, UPLO="U"), [rand(2, 3, 3)],
      name="eigvalsh"),
    S(("linalg_cholesky",), lambda m, a: m.linalg.cholesky(a @ a.mT + 3 * m.eye(3,
      dtype=m.float64)), [rand(3, 3)], check_names=False),
    S(("linalg_cholesky",), lambda m, a: m.linalg.cholesky(a @ a.mT + 3 * m.eye(3,
      dtype=m.float64), upper=True), [rand(3, 3)], name="upper", check_names=False),
    S(("cholesky",), lambda m, a: m.cholesky(a + a.mT), [_spd(3)], check_names=False),
    S(("linalg_qr",), lambda m, a: tuple(m.linalg.qr(a)), [rand(4, 3)]),
    S(("linalg_qr",), lambda m, a: tuple(m.linalg.qr(a)), [rand(3, 3)], name="square"),
    S(("linalg_qr", "cat"), lambda m, a: tuple(m.linalg.qr(a)), [rand(2, 4)], name="wide",
      check_names=False),
    S(("linalg_pinv",), lambda m, a: m.linalg.pinv(a), [rand(4, 3)]),
    S(("linalg_pinv",), lambda m, a: m.pinverse(a), [rand(2, 3)], name="wide"),
    S(("linalg_lstsq",), lambda m, a, b: m.linalg.lstsq(a, b).solution,
      [rand(4, 3), rand(4, 2)]),
    S(("linalg_matrix_exp",), lambda m, a: m.linalg.matrix_exp(a), [rand(3, 3)]),
    S(("linalg_matrix_exp",), lambda m, a: m.matrix_exp(a), [rand(2, 2, 2) * 3], name="batch"),
    S(("linalg_solve_triangular",), lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True),
      [rand(3, 3) + 3 * np.eye(3), rand(3, 2)]),
    S(("linalg_solve_triangular",), lambda m, a, b: m.linalg.solve_triangular(
        a, b, upper=False, left=False, unitriangular=True), [rand(3, 3), rand(2, 3)],
      name="right-unit"),
    S(("triangular_solve",), lambda m, a, b: tuple(m.triangular_solve(b, a, transpose=True)),
      [rand(3, 3) + 3 * np.eye(3), rand(3, 2)]),
    # products and distances
    S(("addmv",), lambda m, c, a, b: m.addmv(c, a, b, beta=0.5, alpha=2.0),
      [rand(2), rand(2, 3), rand(3)]),
    S(("addr",), lambda m, c, a, b: m.addr(c, a, b, alpha=-1.5), [rand(2, 3), rand(2), rand(3)]),
    S(("addbmm",), lambda m, c, a, b: m.addbmm(c, a, b, beta=2.0),
      [rand(2, 4), rand(3, 2, 5), rand(3, 5, 4)]),
    S(("cross",), lambda m, a, b: m.linalg.cross(a, b), [rand(2, 3), rand(2, 3)]),
    # NOTE: PyTorch has no second derivative of cdist
    S(("cdist",), lambda m, a, b: m.cdist(a, b), [rand(3, 2), rand(4, 2)], second_order=False),
    S(("cdist",), lambda m, a, b: m.cdist(a, b, p=1.5), [positive(2, 3, 2), -positive(2, 4, 2)],
      name="p1.5", second_order=False),
    S(("dist",), lambda m, a, b: m.dist(a, b), [rand(3, 2), rand(2)]),
    S(("dist",), lambda m, a, b: m.dist(a, b, 3), [positive(3), -positive(3)], name="p3"),
    S(("renorm",), lambda m, a: m.renorm(a, 2, 0, 1.5), [rand(3, 4)]),
    S(("scale_by_scalar",), lambda m, y: m.trapezoid(y, dx=0.5), [rand(3, 4)],
      check_names=False),
    S(("divide_by_scalar",), lambda m, y, x: m.trapezoid(y, x), [rand(3, 4), np.arange(4.0)],
      nondiff=(1,), check_names=False),
    S(("divide_by_scalar",), lambda m, y, x: m.cumulative_trapezoid(y, x, dim=0),
      [rand(3, 4), np.array([0.0, 1.0, 3.0])], nondiff=(1,), name="cumulative",
      check_names=False),
    S(("block_diag",), lambda m, a, b, c: m.block_diag(a, b, c), [rand(2, 3), rand(), rand(2)]),
    S(("diagonal_scatter",), lambda m, x, s: m.diagonal_scatter(x, s, 1),
      [rand(3, 3), rand(2)]),
    S(("renorm",), lambda m, a: a.renorm(1.5, 1, 2.0), [rand(3, 4)], name="p1.5"),
]
