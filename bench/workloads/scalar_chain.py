"""Workload 2, scalar-chain: a graph of 1,000 0-d ops over two leaves, forward and backward.

The ops cycle through ``+b, *a, sin, exp, tanh, **2``; the chain contracts to a fixed point, so
values stay finite at any depth. Reported per op: this is the engine's per-op overhead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import harness
from . import Case

A, B = 0.9, 0.1
# the six ops of one cycle, for a chain whose length is not a multiple of six
_STEPS = (lambda m, x, a, b: x + b, lambda m, x, a, b: x * a, lambda m, x, a, b: m.sin(x),
          lambda m, x, a, b: m.exp(x), lambda m, x, a, b: m.tanh(x), lambda m, x, a, b: x ** 2)


def chain(m: Any, a: Any, b: Any, n: int) -> tuple:
    """PyTorch-style: n ops starting from leaf `a`; returns (result, d/da, d/db)."""
    a.grad = None
    b.grad = None
    x = a
    sin, exp, tanh = m.sin, m.exp, m.tanh
    for _ in range(n // 6):
        x = tanh(exp(sin((x + b) * a))) ** 2
    for step in _STEPS[:n % 6]:
        x = step(m, x, a, b)
    x.backward()
    return x, a.grad, b.grad


def chain_limit(a: np.float32, b: np.float32, n: int) -> tuple:
    """The NumPy limit: the same ops on float32 scalars, a hand-written tape and backward."""
    sin, exp, tanh = np.sin, np.exp, np.tanh
    tape = []
    x = a
    for _ in range(n // 6):
        x1 = x + b
        x2 = x1 * a
        x4 = exp(sin(x2))
        x5 = tanh(x4)
        x = x5 * x5
        tape.append((x1, x2, x4, x5))
    rest = []   # (op index, input, output) of the last partial cycle
    for k in range(n % 6):
        y = (x + b, x * a, sin(x), exp(x), tanh(x), x * x)[k]
        rest.append((k, x, y))
        x = y
    with np.errstate(under="ignore"):   # the gradient decays geometrically along the chain
        return x, *_chain_limit_backward(a, rest, tape)


def _chain_limit_backward(a: np.float32, rest: list, tape: list) -> tuple:
    sin, cos, tanh, exp = np.sin, np.cos, np.tanh, np.exp  # noqa: F841
    one = np.float32(1)
    g, ga, gb = one, np.float32(0), np.float32(0)
    for k, xin, y in reversed(rest):
        if k == 0:
            gb = gb + g
        elif k == 1:
            ga = ga + g * xin
            g = g * a
        elif k == 2:
            g = g * cos(xin)
        elif k == 3:
            g = g * y
        elif k == 4:
            g = g * (one - y * y)
        else:
            g = g * 2 * xin
    for x1, x2, x4, x5 in reversed(tape):
        g = g * 2 * x5 * (one - x5 * x5) * x4 * cos(x2)   # **2, tanh, exp, sin
        ga = ga + g * x1                                   # *a
        g = g * a
        gb = gb + g                                        # +b
    return ga + g, gb   # x started as a: its gradient joins a's


def make(contender: str, n: int) -> Callable[[], tuple] | None:
    if contender == "numpy":
        a, b = np.float32(A), np.float32(B)
        return lambda: chain_limit(a, b, n)
    m = harness.module(contender)
    if m is None:
        return None
    a = m.tensor(A, requires_grad=True)
    b = m.tensor(B, requires_grad=True)
    return lambda: chain(m, a, b, n)


def cases(quick: bool) -> list[Case]:
    return [Case("scalar-chain", make, size=1000, per=1000, budget_s=2.0 if quick else 10.0)]
