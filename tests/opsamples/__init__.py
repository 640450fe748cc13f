"""Sample inputs for every op in the op table (feathergrad.ops.OPS).

Each family module defines ``SAMPLES: list[OpSample]``. A sample names the op-table keys it
covers and a function ``fn(m, *tensors)`` written once against the torch-shaped namespace `m`,
so the same sample runs on feathergrad (gradcheck, gradgradcheck in float64) and, when torch
is installed, on PyTorch (values, first and second derivatives compared).

An op in the table with no sample fails ``test_every_op_has_samples``.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np


@dataclass
class OpSample:
    ops: tuple[str, ...]              # op-table keys this sample exercises
    fn: Callable[..., Any]            # fn(m, *tensors) -> tensor or tuple of tensors
    inputs: list[Any]                 # float64 ndarrays (differentiable) or other values
    name: str = ""
    second_order: bool = True         # run gradgradcheck
    compare_torch: bool = True        # compare with PyTorch when installed
    atol: float = 1e-5
    rtol: float = 1e-3
    eps: float = 1e-6
    check_names: bool = True          # compare grad_fn names with PyTorch's
    nondiff: tuple[int, ...] = field(default_factory=tuple)  # indices of inputs not to diff

    def __str__(self) -> str:
        shapes = ",".join(str(tuple(np.shape(a))) for a in self.inputs)
        return f"{'+'.join(self.ops)}:{self.name or shapes}"


def rand(*shape: int, low: float = -2.0, high: float = 2.0, seed: int | None = None,
         away_from: float | None = None) -> np.ndarray:
    """Random float64 array; `away_from` keeps values at least 0.1 from a kink."""
    rng = np.random.default_rng(hash((shape, low, high, seed)) % (2 ** 32))
    a = rng.uniform(low, high, size=shape)
    if away_from is not None:
        near = np.abs(a - away_from) < 0.1
        a[near] = away_from + np.where(a[near] >= away_from, 0.1, -0.1) + 0.05 * np.sign(
            a[near] - away_from + 1e-12)
    return a


def positive(*shape: int, low: float = 0.5, high: float = 2.0) -> np.ndarray:
    return rand(*shape, low=low, high=high)


def all_samples() -> list[OpSample]:
    out: list[OpSample] = []
    for mod in pkgutil.iter_modules(__path__):
        m = importlib.import_module(f"{__name__}.{mod.name}")
        out.extend(getattr(m, "SAMPLES", []))
    return out
