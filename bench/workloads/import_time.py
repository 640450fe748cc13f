"""Workload 6, import: wall time of ``python -c "import feathergrad"`` against the same for numpy
(the limit: feathergrad cannot import faster than its one dependency) and torch. Fresh
interpreters, interleaved, so the interpreter's own start-up is in all three."""

from __future__ import annotations

import subprocess
import sys
import time

from .. import harness
from ..harness import Stats
from . import Case

MODULES = {"feathergrad": "feathergrad", "numpy": "numpy", "torch": "torch"}


def import_seconds(module: str) -> float:
    """Wall time of a fresh ``python -c "import <module>"``."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], cwd=harness.ROOT,
                   env=harness.subprocess_env(), check=True, capture_output=True)
    return time.perf_counter() - t0


def _installed(module: str) -> bool:
    r = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=harness.ROOT,
                       env=harness.subprocess_env(), capture_output=True)
    return r.returncode == 0


def measure(case: Case) -> dict[str, Stats | None]:
    live = [c for c, mod in MODULES.items() if _installed(mod)]   # also warms the file cache
    out: dict[str, Stats | None] = {c: (Stats() if c in live else None) for c in MODULES}
    for _ in range(case.size):
        for c in live:
            out[c].samples.append(import_seconds(MODULES[c]))
    return out


def cases(quick: bool) -> list[Case]:
    return [Case("import", lambda c, s: None, size=5 if quick else 10, unit="s",
                 measure=measure)]
