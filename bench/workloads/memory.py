"""Workload 7, memory: peak resident memory of elementwise 10^7 and mlp batch 128, each
contender in a fresh process (``python -m bench.memprobe``), minus the resident memory after
imports and a small warm-up run. Inputs are created after that baseline, so they count."""

from __future__ import annotations

import json

from .. import harness
from ..harness import CONTENDERS, Stats
from . import Case

PROBES = {"memory elementwise 1e7": ("elementwise", 10**7, 10),
          "memory mlp 128": ("mlp", 128, 2)}


def measure(case: Case) -> dict[str, Stats | None]:
    workload, size, tiny = PROBES[case.name]
    out: dict[str, Stats | None] = {c: Stats() for c in CONTENDERS}
    for _ in range(case.size):
        for c in CONTENDERS:
            if out[c] is None:
                continue
            r = json.loads(harness.run_child(["-m", "bench.memprobe", workload, str(size),
                                              str(tiny), c]))
            if r["peak_mib"] is None:
                out[c] = None
            else:
                out[c].samples.append(r["peak_mib"])
    return out


def cases(quick: bool) -> list[Case]:
    return [Case(name, lambda c, s: None, size=1 if quick else 3, unit="MiB", measure=measure)
            for name in PROBES]
