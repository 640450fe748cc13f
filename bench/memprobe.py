"""Peak memory of one workload iteration in this (fresh) process, printed as JSON.

    python -m bench.memprobe elementwise 10000000 10 feathergrad

Imports the contender and runs the workload once at a tiny size (so lazy imports and caches are
in the baseline), then resets the peak mark, builds the real inputs and runs two iterations.
"""

from __future__ import annotations

import gc
import importlib
import json
import sys

from . import harness


def main(argv: list[str]) -> None:
    workload, size, tiny, contender = argv[0], int(argv[1]), int(argv[2]), argv[3]
    mod = importlib.import_module(f"bench.workloads.{workload}")
    if contender != "numpy" and harness.module(contender) is None:
        print(json.dumps({"peak_mib": None}))
        return
    mod.make(contender, tiny)()
    gc.collect()
    base = harness.rss_mib()
    exact = harness.reset_peak()
    fn = mod.make(contender, size)
    fn()
    fn()
    peak = harness.peak_mib()
    print(json.dumps({"peak_mib": peak - base, "exact": exact}))


if __name__ == "__main__":
    main(sys.argv[1:])
