"""Workload 1, lab: one whole iteration of the classic lab's first cell, tensor creation to x.grad.

Targets per-call overhead: four tiny ops, a backward pass and a leaf's gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import harness
from . import Case


def lab(m: Any) -> tuple:
    """PyTorch-style: y = x**2 + 2x + 1 at x = 2; returns (y, dy/dx)."""
    x = m.tensor(2., requires_grad=True)
    y = x ** 2 + 2 * x + 1
    y.backward()
    return y, x.grad


def lab_limit() -> tuple:
    """The NumPy limit: the same forward on a 0-d float32 array, dy/dx = 2x + 2 by hand."""
    x = np.array(2., dtype=np.float32)
    y = x ** 2 + 2 * x + 1
    return y, 2 * x + 2


def make(contender: str, size: Any = None) -> Callable[[], tuple] | None:
    if contender == "numpy":
        return lab_limit
    m = harness.module(contender)
    return None if m is None else (lambda: lab(m))


def cases(quick: bool) -> list[Case]:
    return [Case("lab", make, budget_s=1.5 if quick else 8.0)]
