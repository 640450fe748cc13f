"""Samples for the ops behind in-place methods (fill_, copy_, masked_fill, index_add, x[i] = v)."""

from __future__ import annotations

import numpy as np

from . import OpSample, rand

S = OpSample
_MASK = np.array([[True, False, True], [False, False, True]])


def _setitem_adv(m, x, v):
    y = x * 1
    y[m.tensor([0, 2])] = v
    return y


def _setitem_basic(m, x, v):
    y = x * 1
    y[1, 1:] = v * 2
    return y


def _inplace_view(m, x, v):
    y = x * 1
    y[:, 0].mul_(v)
    return y


SAMPLES = [
    S(("fill",), lambda m, x: (x * 1).fill_(2.5) + x, [rand(3)]),
    S(("fill_tensor",), lambda m, x, v: (x * 1).fill_(v) * x, [rand(3), rand()]),
    S(("copy",), lambda m, x, s: (x * 1).copy_(s) * x, [rand(2, 3), rand(3)]),
    S(("masked_fill",), lambda m, x: x.masked_fill(m.tensor(_MASK), 0.5), [rand(2, 3)]),
    S(("masked_fill_tensor",), lambda m, x, v: x.masked_fill(m.tensor(_MASK), v),
      [rand(2, 3), rand()]),
    S(("index_add",), lambda m, x, s: x.index_add(0, m.tensor([2, 0, 2]), s, alpha=1.5),
      [rand(3, 2), rand(3, 2)]),
    # the double backward of index_put runs index_put_zero
    S(("index_put", "index_put_zero"), _setitem_adv, [rand(3, 2), rand(2)]),
    S(("index_put", "copy", "view_region", "view_place"), _setitem_basic, [rand(3, 3), rand(2)],
      check_names=False, name="copyslices"),
    S(("mul",), _inplace_view, [rand(3, 2), rand(3)], check_names=False,
      name="view-inplace"),
]
