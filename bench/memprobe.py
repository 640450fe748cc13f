"""Peak memory of one workload iteration in this (fresh) process, printed as JSON.

    python -m bench.memprobe elementwise 10000000 10 feathergrad

Imports the contender and runs the workload once at a tiny size (so lazy imports and caches are
in the baseline), takes the baseline, builds the real inputs (and model), resets the peak mark
(so the garbage of building them does not count, but the inputs do) and runs two iterations.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import sys

from . import harness


def _settle() -> None:
    """Collect garbage and hand freed heap pages back to the OS (glibc), so RSS is live data."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def main(argv: list[str]) -> None:
    workload, size, tiny, contender = argv[0], int(argv[1]), int(argv[2]), argv[3]
    mod = importlib.import_module(f"bench.workloads.{workload}")
    if contender != "numpy" and harness.module(contender) is None:
        print(json.dumps({"peak_mib": None}))
        return
    mod.make(contender, tiny)()
    _settle()
    base = harness.rss_mib()
    fn = mod.make(contender, size)
    _settle()
    exact = harness.reset_peak()
    fn()
    fn()
    peak = harness.peak_mib()
    print(json.dumps({"peak_mib": peak - base, "exact": exact}))


if __name__ == "__main__":
    main(sys.argv[1:])
