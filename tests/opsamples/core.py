"""Samples for the foundation ops."""

from __future__ import annotations

import numpy as np

from . import OpSample, positive, rand

S = OpSample
SAMPLES = [
    # unary
    S(("exp",), lambda m, x: m.exp(x), [rand(3, 4)]),
    S(("exp",), lambda m, x: m.exp(x), [rand()], name="0-d"),
    S(("log",), lambda m, x: m.log(x), [positive(5)]),
    S(("sin",), lambda m, x: m.sin(x), [rand(2, 3)]),
    S(("cos",), lambda m, x: x.cos(), [rand(2, 3)]),
    S(("tanh",), lambda m, x: m.tanh(x), [rand(4)]),
    S(("sigmoid",), lambda m, x: m.sigmoid(x), [rand(4, 2, low=-6, high=6)]),
    S(("sqrt",), lambda m, x: m.sqrt(x), [positive(3, 2)]),
    S(("neg",), lambda m, x: -x, [rand(3)]),
    S(("relu",), lambda m, x: m.relu(x), [rand(10, away_from=0.0)]),
    S(("abs",), lambda m, x: m.abs(x), [rand(2, 5, away_from=0.0)]),
    S(("sign",), lambda m, x: m.sign(x) * x, [rand(6, away_from=0.0)]),
    S(("reciprocal",), lambda m, x: m.reciprocal(x), [positive(4)]),
    S(("clamp",), lambda m, x: m.clamp(x, -0.5, 0.7), [rand(8, away_from=0.7)]),
    S(("clamp",), lambda m, x: x.clamp(min=0.2), [rand(3, 3, away_from=0.2)], name="min"),
    # binary with broadcasting and scalars
    S(("add",), lambda m, x, y: x + y, [rand(3, 4), rand(4)]),
    S(("add",), lambda m, x, y: m.add(x, y, alpha=2.5), [rand(2, 1), rand(1, 3)], name="alpha"),
    S(("add",), lambda m, x: 1 + x, [rand(3)], name="scalar"),
    S(("sub",), lambda m, x, y: x - y, [rand(2, 3), rand(2, 1)]),
    S(("rsub",), lambda m, x: 2 - x, [rand(3)]),
    S(("mul",), lambda m, x, y: x * y, [rand(3, 1, 2), rand(4, 1)]),
    S(("mul",), lambda m, x: 3 * x, [rand()], name="scalar0d"),
    S(("div",), lambda m, x, y: x / y, [rand(3, 2), positive(2)]),
    S(("div", "mul", "reciprocal"), lambda m, x: 2 / x, [positive(3)], name="rdiv"),
    S(("pow_scalar",), lambda m, x: x ** 2, [rand(4)]),
    S(("pow_scalar",), lambda m, x: x ** 3.5, [positive(4)], name="frac"),
    S(("pow_scalar",), lambda m, x: x.pow(0), [rand(3)], name="zero-exp"),
    S(("pow",), lambda m, x, y: x ** y, [positive(3, 2), rand(2)]),
    S(("pow_scalar_base",), lambda m, x: 2 ** x, [rand(5)]),
    S(("where",), lambda m, x, y: m.where(x > 0, x, y), [rand(4, away_from=0.0), rand(4)]),
    # reductions
    S(("sum",), lambda m, x: m.sum(x), [rand(3, 4)]),
    S(("sum_dim",), lambda m, x: x.sum(1), [rand(3, 4)]),
    S(("sum_dim",), lambda m, x: x.sum(dim=(0, 2), keepdim=True), [rand(2, 3, 4)], name="kd"),
    S(("mean",), lambda m, x: x.mean(), [rand(5)]),
    S(("mean_dim",), lambda m, x: m.mean(x, -1), [rand(2, 5)]),
    # linear algebra
    S(("mm",), lambda m, a, b: a @ b, [rand(3, 4), rand(4, 2)]),
    S(("mv",), lambda m, a, b: a @ b, [rand(3, 4), rand(4)]),
    S(("dot",), lambda m, a, b: m.matmul(a, b), [rand(4), rand(4)]),
    S(("matmul",), lambda m, a, b: a @ b, [rand(2, 3, 4), rand(4, 2)], name="batched"),
    S(("matmul",), lambda m, a, b: a @ b, [rand(2, 3, 4), rand(2, 4, 2)], name="bmm"),
    S(("matmul",), lambda m, a, b: a @ b, [rand(4), rand(2, 4, 3)], name="1d-batched"),
    S(("matmul",), lambda m, a, b: a @ b, [rand(2, 1, 3, 4), rand(4)], name="bcast-1d"),
    S(("matmul",), lambda m, a, b: a @ b, [rand(3, 4), rand(2, 4, 2)], name="2d-3d",
      check_names=False),
    S(("vm",), lambda m, a, b: a @ b, [rand(3), rand(3, 2)]),
    # shape and basic indexing
    S(("view",), lambda m, x: x.reshape(4, 3) * 1.5, [rand(3, 4)]),
    S(("view",), lambda m, x: x.view(-1), [rand(2, 3)], name="view"),
    S(("reshape_copy",), lambda m, x: x.t().reshape(-1), [rand(2, 3)]),
    S(("transpose",), lambda m, x: x.transpose(0, 2), [rand(2, 3, 4)]),
    S(("t",), lambda m, x: x.t(), [rand(2, 3)]),
    S(("permute",), lambda m, x: x.permute(2, 0, 1), [rand(2, 3, 4)]),
    S(("permute",), lambda m, x: x.T, [rand(2, 3)], name="T"),
    S(("select",), lambda m, x: x[1], [rand(3, 2)]),
    S(("slice",), lambda m, x: x[1:3], [rand(5)]),
    S(("select", "slice"), lambda m, x: x[0, 1:3], [rand(2, 4)], name="chain"),
    S(("slice",), lambda m, x: x[::2, 1:], [rand(5, 3)], name="step"),
    S(("unsqueeze",), lambda m, x: x[None, :, None], [rand(3)]),
    S(("unsqueeze",), lambda m, x: x.unsqueeze(-1), [rand(3)], name="method"),
    S(("alias",), lambda m, x: x[...], [rand(2)]),
    S(("expand",), lambda m, x: x.expand(3, 2) * 1.0, [rand(1, 2)]),
    S(("squeeze",), lambda m, x: x.squeeze(), [rand(1, 3, 1)]),
    S(("to",), lambda m, x: x.to(m.float32).to(m.float64), [rand(3)], atol=1e-3, eps=1e-2),
    S(("clone",), lambda m, x: x.clone() * 2, [rand(3)]),
    S(("index_backward",), lambda m, x: x[1:], [rand(3)], name="slice-double"),
]
_ = np
