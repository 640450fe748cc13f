"""Property tests for broadcasting: for random mutually broadcastable shapes, the gradients of
binary ops have their inputs' shapes (broadcasting undone once, by sum_to) and agree with
finite differences. Shapes stay small so a few dozen examples run in seconds."""

from __future__ import annotations

import numpy as np
import pytest

import feathergrad as fg
from feathergrad.autograd import gradcheck

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import mutually_broadcastable_shapes  # noqa: E402

BINARY = {
    "add": lambda x, y, c: x + y,
    "sub": lambda x, y, c: fg.sub(x, y, alpha=2.0),
    "mul": lambda x, y, c: x * y,
    "div": lambda x, y, c: x / y,
    "maximum": lambda x, y, c: fg.maximum(x, y),
    "where": lambda x, y, c: fg.where(c, x, y),
}

SHAPES = mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3)


def _values(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    # NOTE: |v| in [0.5, 2]: away from 0 (div) and, almost surely, from ties (maximum)
    return rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(shapes=SHAPES, op=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 2 ** 16))
def test_binary_gradients_have_input_shapes_and_match_finite_differences(shapes, op, seed):
    if op == "maximum" and not hasattr(fg, "maximum"):
        return
    f = BINARY[op]
    sa, sb, sc = shapes.input_shapes
    rng = np.random.default_rng(seed)
    x = fg.tensor(_values(rng, sa), dtype=fg.float64, requires_grad=True)
    y = fg.tensor(_values(rng, sb), dtype=fg.float64, requires_grad=True)
    c = fg.tensor(rng.random(sc) > 0.5)
    out = f(x, y, c)
    expected = np.broadcast_shapes(sa, sb, sc) if op == "where" else np.broadcast_shapes(sa, sb)
    assert tuple(out.shape) == expected
    v = fg.tensor(rng.standard_normal(expected), dtype=fg.float64)
    gx, gy = fg.autograd.grad(out, (x, y), v)
    assert tuple(gx.shape) == sa and tuple(gy.shape) == sb
    assert gx.dtype == x.dtype and gy.dtype == y.dtype
    assert gradcheck(lambda a, b: f(a, b, c), (x, y))


@settings(max_examples=15, deadline=None, derandomize=True)
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
       seed=st.integers(0, 2 ** 16))
def test_expand_then_reduce_is_adjoint_of_broadcast(shapes, seed):
    # <expand(x), v> == <x, sum_to(v)>: the gradient of expand is the adjoint of broadcasting
    sa, _ = shapes.input_shapes
    target = shapes.result_shape
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(sa)
    v = rng.standard_normal(target)
    x = fg.tensor(a, dtype=fg.float64, requires_grad=True)
    y = x.expand(target) if len(target) else x * 1.0
    (g,) = fg.autograd.grad(y, x, fg.tensor(v, dtype=fg.float64))
    assert tuple(g.shape) == sa
    np.testing.assert_allclose((np.broadcast_to(a, target) * v).sum(), (a * g.numpy()).sum())
