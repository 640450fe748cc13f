"""Samples for the reductions: sum, mean, prod, max/min, amax/amin, std/var, logsumexp,
norms, cumsum/cumprod (feathergrad/ops/{reduce,extrema,stats,norms,scan}.py)."""

from __future__ import annotations

import numpy as np

from . import OpSample, positive, rand

S = OpSample
INF = float("inf")


def _distinct(*shape: int) -> np.ndarray:
    """Values with no ties (max/min along a dim are then differentiable), shuffled."""
    n = int(np.prod(shape))
    rng = np.random.default_rng(n)
    return (rng.permutation(n) * 0.37 - n * 0.15).reshape(shape)


def _ties() -> np.ndarray:
    # two exact ties at the max (3.0) and at the min (-1.0): central differences then see the
    # even split PyTorch uses for max()/amax
    return np.array([[3.0, -1.0, 0.5], [1.5, 3.0, -1.0]])


SAMPLES = [
    # sum / mean: dims as int, negative, tuple; keepdim; 0-d; empty; non-contiguous
    S(("sum",), lambda m, x: m.sum(x), [rand()], name="0-d"),
    S(("sum",), lambda m, x: x.t().sum(), [rand(3, 4)], name="noncontig"),
    S(("sum_dim",), lambda m, x: m.sum(x, -1, keepdim=True), [rand(2, 3)], name="neg-kd"),
    S(("sum_dim",), lambda m, x: x.sum((0, -1)), [rand(2, 3, 4)], name="tuple"),
    S(("sum_dim",), lambda m, x: x.sum(0), [rand(0, 3)], name="empty"),
    S(("sum_dim",), lambda m, x: x[:, ::2].sum(1), [rand(3, 5)], name="strided"),
    S(("mean",), lambda m, x: m.mean(x), [rand()], name="0-d"),
    S(("mean_dim",), lambda m, x: x.mean((0, 2), keepdim=True), [rand(2, 3, 4)], name="tuple-kd"),
    S(("mean_dim",), lambda m, x: x.t().mean(-1), [rand(3, 4)], name="noncontig"),
    # prod: PyTorch's formula at zeros (one zero, several zeros), dims, 0-d, empty
    S(("prod",), lambda m, x: m.prod(x), [rand(2, 3)]),
    S(("prod",), lambda m, x: m.prod(x), [rand()], name="0-d"),
    S(("prod",), lambda m, x: x.prod(), [np.array([2.0, 0.0, -1.5, 0.7])], name="one-zero"),
    S(("prod",), lambda m, x: x.prod(), [np.array([[2.0, 0.0], [0.0, 0.7]])], name="two-zeros"),
    S(("prod",), lambda m, x: x.prod(), [rand(0, 2)], name="empty"),
    S(("prod_dim",), lambda m, x: m.prod(x, 1), [rand(3, 4)]),
    S(("prod_dim",), lambda m, x: x.prod(-2, keepdim=True), [rand(3, 4)], name="neg-kd"),
    S(("prod_dim",), lambda m, x: x.prod(1),
      [np.array([[2.0, 0.0, 3.0], [0.0, 1.5, 0.0], [1.0, 2.0, -1.0]])], name="zeros"),
    S(("prod_dim",), lambda m, x: x.t().prod(0), [rand(3, 2)], name="noncontig"),
    # full max/min: ties split evenly; max(dim)/min(dim) to the index (no ties here)
    S(("max",), lambda m, x: m.max(x), [_distinct(3, 4)]),
    S(("max",), lambda m, x: x.max(), [_ties()], name="ties"),
    S(("max",), lambda m, x: x.max(), [rand()], name="0-d"),
    S(("min",), lambda m, x: m.min(x), [_ties()], name="ties"),
    S(("max_dim",), lambda m, x: tuple(m.max(x, 1)), [_distinct(3, 4)]),
    S(("max_dim",), lambda m, x: tuple(x.max(-2, keepdim=True)), [_distinct(3, 4)], name="kd"),
    S(("max_dim",), lambda m, x: x.max(0).values, [rand()], name="0-d"),
    S(("max_dim",), lambda m, x: x.t().max(1)[0], [_distinct(3, 2)], name="noncontig"),
    S(("min_dim",), lambda m, x: tuple(m.min(x, 0)), [_distinct(2, 3, 2)]),
    S(("min_dim",), lambda m, x: x.min(-1, True).values, [_distinct(4, 3)], name="kd"),
    S(("amax",), lambda m, x: m.amax(x), [_ties()], name="ties"),
    S(("amax",), lambda m, x: m.amax(x, (0, 2), keepdim=True), [_distinct(2, 3, 2)], name="kd"),
    S(("amax",), lambda m, x: x.amax(1), [rand(0, 3)], name="empty"),
    S(("amin",), lambda m, x: m.amin(x, -1), [_ties()], name="ties"),
    S(("amin",), lambda m, x: x.amin(), [rand()], name="0-d"),
    # std / var: correction, unbiased, dims, keepdim; std_mean / var_mean share a node
    S(("var",), lambda m, x: m.var(x), [rand(3, 4)]),
    S(("var",), lambda m, x: x.var(1, correction=0, keepdim=True), [rand(3, 4)], name="c0"),
    S(("var",), lambda m, x: x.var((0, -1), unbiased=False), [rand(2, 3, 4)], name="tuple"),
    S(("var",), lambda m, x: m.var(x, correction=0), [rand()], name="0-d"),
    S(("std",), lambda m, x: m.std(x), [rand(3, 4)]),
    S(("std",), lambda m, x: x.t().std(-1, keepdim=True, correction=2), [rand(5, 3)],
      name="noncontig"),
    S(("std",), lambda m, x: x.std(0, False), [rand(4, 2)], name="unbiased-positional"),
    S(("std",), lambda m, x: m.std(x * 0 + 1.5, 1), [rand(2, 3)], name="zero-std",
      second_order=False),
    S(("var_mean",), lambda m, x: m.var_mean(x, 1), [rand(3, 4)]),
    S(("var_mean",), lambda m, x: m.var_mean(x, correction=0)[1], [rand(3, 4)], name="mean-only"),
    S(("std_mean",), lambda m, x: m.std_mean(x, (0, 1), keepdim=True), [rand(3, 4)]),
    S(("std_mean",), lambda m, x: m.std_mean(x)[0], [rand(3, 4)], name="std-only"),
    # logsumexp: stable for large values, 0-d, empty
    S(("logsumexp",), lambda m, x: m.logsumexp(x, 1), [rand(3, 4)]),
    S(("logsumexp",), lambda m, x: x.logsumexp((0, 1), keepdim=True), [rand(3, 4)], name="kd"),
    S(("logsumexp",), lambda m, x: m.logsumexp(x * 500, -1), [rand(2, 3)], name="large",
      rtol=1e-2, atol=1e-3),
    S(("logsumexp",), lambda m, x: m.logsumexp(x, 0), [rand()], name="0-d"),
    S(("logsumexp",), lambda m, x: m.logsumexp(x, 1), [rand(0, 3)], name="empty"),
    # norms: every order, dims, and the subgradient at 0
    S(("vector_norm",), lambda m, x: m.linalg.vector_norm(x), [rand(3, 4)]),
    S(("vector_norm",), lambda m, x: m.linalg.vector_norm(x, 1, -1), [rand(3, 4, away_from=0.0)],
      name="p1"),
    S(("vector_norm",), lambda m, x: m.linalg.vector_norm(x, INF, (0, 1), keepdim=True),
      [_distinct(3, 4)], name="inf"),
    S(("vector_norm",), lambda m, x: m.linalg.vector_norm(x, -INF, 0),
      [rand(3, 4, away_from=0.0) + 7.0], name="-inf"),
    S(("vector_norm",), lambda m, x: m.linalg.vector_norm(x, INF),
      [np.array([3.0, -3.0, 1.0])], name="inf-ties"),
    S(("vector_norm",), lambda m, x: m.linalg.vector_norm(x, 3, 1), [rand(3, 4)], name="p3"),
    S(("vector_norm",), lambda m, x: m.linalg.vector_norm(x, 1.5), [rand(3, 4, away_from=0.0)],
      name="p1.5"),
    S(("vector_norm",), lambda m, x: m.linalg.vector_norm(x, 0.5, 0), [positive(3, 2)],
      name="p0.5"),
    S(("vector_norm",), lambda m, x: m.linalg.vector_norm(x, 0), [rand(3)], name="p0",
      second_order=False),
    S(("vector_norm",), lambda m, x: m.linalg.vector_norm(x, -1, 1), [positive(2, 3)],
      name="p-1"),
    S(("vector_norm",), lambda m, x: m.norm(x), [rand(3, 4)], name="torch.norm"),
    S(("vector_norm",), lambda m, x: x.norm(dim=1, keepdim=True), [np.array([[0.0, 0.0],
      [1.0, -2.0]])], name="zero-row", second_order=False),
    S(("vector_norm",), lambda m, x: x.norm(p="fro", dim=(0, 1)), [rand(2, 3)], name="fro"),
    S(("vector_norm",), lambda m, x: x.t().norm(p=2, dim=0), [rand(3, 4)], name="noncontig"),
    S(("vector_norm",), lambda m, x: m.linalg.norm(x), [rand(2, 3, 2)], name="linalg.norm"),
    S(("vector_norm",), lambda m, x: m.linalg.vector_norm(x), [rand()], name="0-d"),
    S(("vector_norm",), lambda m, x: m.linalg.vector_norm(x, 2, 0), [rand(0, 3)], name="empty"),
    S(("vector_norm",), lambda m, x: m.linalg.matrix_norm(x), [rand(2, 3, 4)], name="matrix-fro"),
    S(("sum_dim", "amax"), lambda m, x: m.linalg.matrix_norm(x, 1),
      [rand(3, 4, away_from=0.0)], name="matrix-1"),
    S(("sum_dim", "amin"), lambda m, x: m.linalg.matrix_norm(x, -INF, keepdim=True),
      [rand(2, 3, 4, away_from=0.0)], name="matrix--inf"),
    S(("sum_dim", "amax"), lambda m, x: m.linalg.norm(x, INF), [rand(3, 3, away_from=0.0)],
      name="linalg.norm-inf"),
    # cumsum / cumprod (zeros: PyTorch's formula, exact to second order)
    S(("cumsum",), lambda m, x: m.cumsum(x, 1), [rand(3, 4)]),
    S(("cumsum",), lambda m, x: x.cumsum(-2), [rand(3, 4)], name="neg"),
    S(("cumsum",), lambda m, x: x.t().cumsum(0), [rand(3, 4)], name="noncontig"),
    S(("cumsum",), lambda m, x: x.cumsum(0), [rand()], name="0-d"),
    S(("cumsum",), lambda m, x: x.cumsum(0), [rand(0, 2)], name="empty"),
    S(("cumprod",), lambda m, x: m.cumprod(x, 1), [rand(3, 4)]),
    S(("cumprod",), lambda m, x: x.cumprod(0), [np.array([2.0, 0.0, 3.0, 0.5, -1.0])],
      name="one-zero"),
    S(("cumprod",), lambda m, x: x.cumprod(-1),
      [np.array([[2.0, 0.0, 3.0, 0.0, -1.0], [0.0, 2.0, 1.5, -1.0, 0.5]])], name="zeros"),
    S(("cumprod",), lambda m, x: x.t().cumprod(1), [rand(4, 2)], name="noncontig"),
    S(("cumprod",), lambda m, x: x.cumprod(0), [rand()], name="0-d"),
]
