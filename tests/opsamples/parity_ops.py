"""Samples for the ops added by the differential review against PyTorch: order statistics
(feathergrad/ops/sorting.py), nansum, aminmax, cummax/cummin/logcumsumexp (scan.py),
scatter_reduce and fill_diagonal_ (scatter_ext.py)."""

from __future__ import annotations

import numpy as np

from . import OpSample, rand

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
]
