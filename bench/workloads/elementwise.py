"""Workload 4, elementwise: f = sum(sin(x) * x**2 + exp(-x)) over 10^6 and 10^7 float32
elements, forward and backward. Large arrays: the cost is passes over memory, so the target is
the NumPy limit's own speed (and, in workload 7, its peak memory)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import harness
from . import Case


def f(m: Any, x: Any) -> Any:
    """PyTorch-style forward."""
    return (m.sin(x) * x ** 2 + m.exp(-x)).sum()


def step(m: Any, x: Any) -> tuple:
    """One iteration: forward, backward; returns (f, df/dx)."""
    x.grad = None
    y = f(m, x)
    y.backward()
    return y, x.grad


def limit(x: np.ndarray) -> tuple:
    """The NumPy limit: df/dx = cos(x) x^2 + 2x sin(x) - exp(-x), reusing the forward's arrays."""
    s = np.sin(x)
    x2 = x * x
    e = np.exp(-x)
    y = (s * x2 + e).sum()
    return y, np.cos(x) * x2 + 2 * x * s - e


def inputs(n: int) -> np.ndarray:
    x = np.random.default_rng(0).random(n, dtype=np.float32)   # in place: no float64 temporary
    x *= 4
    x -= 2
    return x


def make(contender: str, n: int) -> Callable[[], tuple] | None:
    xs = inputs(n)
    if contender == "numpy":
        return lambda: limit(xs)
    m = harness.module(contender)
    if m is None:
        return None
    x = m.from_numpy(xs).requires_grad_()   # shares the array: no copy for anyone
    return lambda: step(m, x)


def cases(quick: bool) -> list[Case]:
    return [Case("elementwise 1e6", make, size=10**6, budget_s=1.5 if quick else 8.0),
            Case("elementwise 1e7", make, size=10**7, budget_s=3.0 if quick else 15.0)]
