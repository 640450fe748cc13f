"""Samples for indexing by tensors: advanced indexing, index_select, index_add, gather, scatter,
scatter_add, masked_fill, masked_select, take. Repeated indices check that gradients add up."""

from __future__ import annotations

import numpy as np

from . import OpSample, rand

S = OpSample


def ix(*v: int) -> np.ndarray:
    return np.array(v, dtype=np.int64)


def mask(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random(shape) > 0.4


ROWS = ix(0, 2, 2, 1)              # repeated and unordered
G = np.array([[0, 0], [2, 1], [1, 1]])  # gather index for a (3, 3) input along dim 1

SAMPLES = [
    # advanced indexing: one IndexBackward0 after the views of ints/slices/None
    S(("index",), lambda m, x, i: x[i], [rand(3, 4), ROWS]),
    S(("index",), lambda m, x, i: x[:, i], [rand(3, 4), ix(3, -1, 3)], name="dim1-neg"),
    S(("index",), lambda m, x, i: x[i], [rand(3, 4), np.array([[0, 1], [1, 1]])], name="2d-idx"),
    S(("index",), lambda m, x: x[[0, 2, 0], [1, 1, 3]], [rand(3, 4)], name="lists"),
    S(("index",), lambda m, x: x[np.array([1, 1])], [rand(3, 2)], name="ndarray"),
    S(("index",), lambda m, x, k: x[k], [rand(3, 4), mask(3, 4)], name="mask"),
    S(("index",), lambda m, x, k: x[k], [rand(3, 4), mask(3, seed=2)], name="row-mask"),
    S(("index",), lambda m, x, k: x[:, k], [rand(2, 3, 4), mask(3, 4, seed=3)],
      name="mask-inner"),
    S(("index",), lambda m, x, i, j: x[i, :, j], [rand(3, 4, 5), ix(0, 2), ix(4, 4)],
      name="separated"),
    S(("index",), lambda m, x, i, j: x[:, i, j], [rand(3, 4, 5), ix(0, 3), ix(4, 4)],
      name="adjacent"),
    S(("index",), lambda m, x, i: x[None, ..., i], [rand(2, 3, 4), ix(1, 1)], name="none-ell"),
    S(("index", "select"), lambda m, x: x[1, :, [0, 0, 2]], [rand(2, 3, 4)], name="int-first"),
    S(("index", "slice"), lambda m, x, i: x[::2, i], [rand(5, 3), ix(2, 0, 2)], name="step"),
    S(("index",), lambda m, x, i: x.t()[i], [rand(3, 4), ROWS], name="noncontig"),
    S(("index",), lambda m, x: x[True], [rand(2, 3)], name="py-bool"),
    S(("index",), lambda m, x, i: x[i], [rand(3, 2), ix()], name="empty"),
    S(("select",), lambda m, x: x[m.tensor(1)], [rand(3, 2)], name="0d-tensor"),
    S(("index", "index_put_zeros"), lambda m, x, i: x[i] ** 2, [rand(4), ix(1, 3, 1)],
      name="second-order"),
    S(("index", "index_put_zeros"), lambda m, x, k: x[k] ** 2, [rand(2, 3), mask(2, 3)],
      name="second-order-mask"),
    # index_select / index_add
    S(("index_select",), lambda m, x, i: x.index_select(0, i), [rand(3, 4), ROWS]),
    S(("index_select",), lambda m, x, i: m.index_select(x, -1, i), [rand(3, 4), ix(3, 0, 3)],
      name="neg-dim"),
    S(("index_select",), lambda m, x, i: x.t().index_select(0, i), [rand(3, 4), ix(1, 1)],
      name="noncontig"),
    S(("index_select",), lambda m, x, i: x.index_select(1, i), [rand(3, 4), ix()], name="empty"),
    S(("index_select",), lambda m, x, i: x.index_select(1, i.int()), [rand(2, 3), ix(2, 2)],
      name="int32"),
    S(("index_select",), lambda m, x, i: x.index_select(0, i), [rand(3, 2), np.array(2)],
      name="0d-index"),
    S(("index_add",), lambda m, x, i, s: x.index_add(0, i, s), [rand(3, 2), ROWS, rand(4, 2)]),
    S(("index_add",), lambda m, x, i, s: m.index_add(x, 1, i, s, alpha=2.5),
      [rand(2, 3), ix(2, 2), rand(2, 2)], name="alpha"),
    # gather / scatter / scatter_add
    S(("gather",), lambda m, x, i: x.gather(1, i), [rand(3, 3), G]),
    S(("gather",), lambda m, x, i: m.gather(x, 0, i), [rand(3, 4), np.array([[2, 0, 2, 1]])],
      name="dim0-smaller"),
    S(("gather",), lambda m, x, i: x.gather(-1, i), [rand(2, 2, 3), np.zeros((2, 1, 4), int)],
      name="3d-repeat"),
    S(("gather",), lambda m, x, i: x.t().gather(0, i), [rand(3, 3), G], name="noncontig"),
    S(("gather",), lambda m, x, i: x.gather(0, i), [rand(4), np.array(2)], name="0d-index"),
    S(("gather",), lambda m, x, i: x.gather(0, i), [rand(), ix(0, 0)], name="0d-input"),
    S(("scatter_add",), lambda m, x, i, s: x.scatter_add(0, i, s), [rand(3), np.array(1), rand()],
      name="0d"),
    S(("scatter",), lambda m, x, i, s: x.scatter(0, i, s), [rand(), np.array(0), rand()],
      name="0d"),
    S(("index_select",), lambda m, x, i: x.index_select(0, i), [rand(), ix(0)], name="0d-input"),
    S(("gather",), lambda m, x, i: m.take_along_dim(x, i, 1), [rand(3, 4), np.array([[3, 0]])],
      name="take_along_dim"),
    S(("gather", "view"), lambda m, x, i: m.take_along_dim(x, i), [rand(3, 4), ix(11, 0, 11)],
      name="take_along_dim-flat"),
    S(("scatter",), lambda m, x, i, s: x.scatter(1, i, s),
      [rand(3, 4), np.array([[0, 3], [2, 1], [1, 0]]), rand(3, 2)]),
    S(("scatter",), lambda m, x, i, s: m.scatter(x, 0, i, s),
      [rand(3, 2), np.array([[2, 0]]), rand(1, 2)], name="dim0"),
    S(("scatter_value",), lambda m, x, i: x.scatter(1, i, 1.5),
      [rand(3, 4), np.array([[0, 3], [2, 2], [1, 0]])]),
    S(("scatter_value",), lambda m, x, i: m.scatter(x, -1, i, value=-2.0),
      [rand(2, 3), np.array([[1], [0]])], name="value-kw"),
    S(("scatter_add",), lambda m, x, i, s: x.scatter_add(1, i, s), [rand(3, 3), G, rand(3, 2)]),
    S(("scatter_add",), lambda m, x, i, s: m.scatter_add(x, 0, i, s),
      [rand(2, 3), np.array([[1, 1, 1], [1, 0, 1]]), rand(2, 3)], name="dim0-repeat"),
    # masks
    S(("masked_fill",), lambda m, x, k: x.masked_fill(k, 0.5), [rand(3, 4), mask(3, 4)]),
    S(("masked_fill",), lambda m, x, k: m.masked_fill(x, k, -1.0), [rand(3, 4), mask(4)],
      name="bcast-mask"),
    S(("masked_fill",), lambda m, x, k: x.masked_fill(k, 2.0), [rand(4), mask(3, 4)],
      name="bcast-input"),
    S(("masked_fill_tensor",), lambda m, x, k, v: x.masked_fill(k, v),
      [rand(3, 4), mask(3, 4), rand()]),
    S(("masked_fill_tensor",), lambda m, x, k, v: x.masked_fill(k, v * 2),
      [rand(2, 3), mask(3, seed=1), rand()], name="bcast"),
    S(("masked_select",), lambda m, x, k: x.masked_select(k), [rand(3, 4), mask(3, 4)]),
    S(("masked_select",), lambda m, x, k: m.masked_select(x, k), [rand(4), mask(3, 4)],
      name="bcast"),
    S(("masked_select",), lambda m, x, k: x.t().masked_select(k), [rand(3, 2), mask(2, 3)],
      name="noncontig"),
    # take
    S(("take",), lambda m, x, i: x.take(i), [rand(3, 4), ix(0, 11, 11, -1)]),
    S(("take",), lambda m, x, i: m.take(x, i), [rand(2, 3), np.array([[5, 0], [5, 5]])],
      name="2d-idx"),
    S(("take",), lambda m, x, i: x.t().take(i), [rand(2, 3), ix(1, 2, 1)], name="noncontig"),
    # writes: the gradient of what was overwritten is zero; the written values get theirs
    S(("index_fill",), lambda m, x, i: x.index_fill(1, i, -1.0), [rand(3, 4), ix(0, 2, 2)]),
    S(("index_fill",), lambda m, x, i: m.index_fill(x, 0, i, 2.0), [rand(3, 2), ix(-1)],
      name="neg"),
    S(("index_fill_tensor",), lambda m, x, i, v: x.index_fill(1, i, v),
      [rand(3, 4), ix(3, 1, 3), rand()]),
    S(("index_copy",), lambda m, x, i, s: x.index_copy(1, i, s),
      [rand(3, 4), ix(2, 0), rand(3, 2)]),
    S(("index_copy",), lambda m, x, i, s: m.index_copy(x.t(), 0, i, s),
      [rand(3, 4), ix(3), rand(1, 3)], name="noncontig"),
    S(("select_scatter",), lambda m, x, s: m.select_scatter(x, s, 1, -1), [rand(3, 4), rand(3)]),
    S(("slice_scatter",), lambda m, x, s: m.slice_scatter(x, s, 1, 0, None, 2),
      [rand(3, 4), rand(3, 2)]),
    S(("slice_scatter",), lambda m, x, s: x.slice_scatter(s, start=1), [rand(3, 2), rand(2, 2)],
      name="method"),
    S(("masked_scatter",), lambda m, x, k, s: x.masked_scatter(k, s),
      [rand(3, 4), mask(3, 4), rand(4, 3)]),
    S(("masked_scatter",), lambda m, x, k, s: m.masked_scatter(x, k, s),
      [rand(4), mask(3, 4, seed=5), rand(12)], name="bcast"),
    S(("put",), lambda m, x, i, s: x.put(i, s), [rand(3, 4), ix(0, 11, -2), rand(3)]),
    S(("put",), lambda m, x, i, s: x.put(i, s, accumulate=True),
      [rand(2, 3), np.array([[1, 1], [5, 1]]), rand(2, 2)], name="accumulate"),
    S(("index_put_op",), lambda m, x, i, v: x.index_put((i,), v), [rand(3, 4), ix(2, 0), rand(4)]),
    S(("index_put_op",), lambda m, x, i, j, v: m.index_put(x, (i, j), v, accumulate=True),
      [rand(3, 4), ix(1, 1, 0), ix(3, 3, 3), rand(3)], name="accumulate"),
    S(("index_put_op",), lambda m, x, k, v: x.index_put((k,), v), [rand(3, 4), mask(3, 4), rand()],
      name="mask-0d-value"),
]
