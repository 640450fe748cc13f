"""Workload 3, deep-chain: the scalar-chain's ops, 100,000 and 1,000,000 deep, forward and
backward. It must finish (no recursion anywhere, graph freed without a deep destructor chain)
and its time per op must not grow with depth."""

from __future__ import annotations

from . import Case
from .scalar_chain import make


def cases(quick: bool) -> list[Case]:
    sizes = (100_000,) if quick else (100_000, 1_000_000)
    return [Case(f"deep-chain {n:.0e}".replace("e+0", "e"), make, size=n, check_size=6_000,
                 per=n, long_reps=1 if quick else 3) for n in sizes]
