"""The workloads. Each module holds three versions of one computation:

- PyTorch-style code taking the module ``m`` (feathergrad or torch: the same function runs on both),
- the NumPy limit: the same forward with its gradient derived by hand, no autograd,
- ``make(contender, size)``: a zero-argument callable running one whole iteration and returning
  what the correctness check compares (value, gradients), or None when the contender is missing.

A `Case` is one row of the results table. Its correctness check runs every contender once and
compares their outputs with the NumPy limit's before anything is timed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import harness
from ..harness import CONTENDERS, Stats


@dataclass
class Case:
    """One row of the table: how to build each contender's iteration, check it, and time it."""
    name: str
    make: Callable[[str, Any], Callable[[], Any] | None]
    size: Any = None
    check_size: Any = None        # size of the correctness run (default: `size`)
    per: int = 1                  # operations per iteration: times are reported per operation
    unit: str = "time"            # "time" (seconds per call), "MiB", "s" (import wall time)
    budget_s: float = 2.0         # seconds of interleaved timing
    long_reps: int = 0            # > 0: each call takes seconds; time this many single calls
    rtol: float = 2e-4
    atol: float = 1e-5
    measure: Callable[[Case], dict[str, Stats | None]] | None = None  # custom (memory, import)

    def check(self) -> None:
        """Run each contender once at `check_size`; raise AssertionError on a wrong result."""
        size = self.size if self.check_size is None else self.check_size
        outs = {}
        for c in CONTENDERS:
            fn = self.make(c, size)
            if fn is not None:
                outs[c] = fn()
        want = outs["numpy"]
        for c, got in outs.items():
            if c == "numpy":
                continue
            if len(got) != len(want):
                raise AssertionError(f"{self.name}: {c} returned {len(got)} values, "
                                     f"the limit {len(want)}")
            for i, (g, w) in enumerate(zip(got, want)):
                harness.assert_close(f"{self.name}: {c} output {i}", g, w, self.rtol, self.atol)

    def run(self) -> dict[str, Stats | None]:
        """Seconds per operation of each contender (None: not installed)."""
        if self.measure is not None:
            return self.measure(self)
        fns = {c: self.make(c, self.size) for c in CONTENDERS}
        live = {c: f for c, f in fns.items() if f is not None}
        if self.long_reps:
            stats = harness.time_once_each(live, self.long_reps)
        else:
            stats = harness.time_interleaved(live, self.budget_s)
        for s in stats.values():
            s.samples = [t / self.per for t in s.samples]
        return {c: stats.get(c) for c in CONTENDERS}


def all_cases(quick: bool) -> list[Case]:
    """Every row, in the issue's order."""
    from . import deep_chain, elementwise, import_time, lab, memory, mlp, scalar_chain
    cases: list[Case] = []
    for mod in (lab, scalar_chain, deep_chain, elementwise, mlp, import_time, memory):
        cases.extend(mod.cases(quick))
    return cases
