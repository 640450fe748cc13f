"""Run the benchmark suite and print one table: feathergrad against the NumPy limit and PyTorch.

    python -m bench                       # everything (several minutes)
    python -m bench --quick               # about a minute
    python bench/run.py --only lab mlp --json out.json

Every row is checked for correct gradients (against the NumPy limit) before it is timed. Times
are medians of interleaved repeated runs after a warm-up, with the inter-quartile range as
spread; ratios are of medians from this one run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

# NOTE: before NumPy loads: idle OpenBLAS threads spin for ~0.1 s after each call by default,
# holding the cores that the next contender in the interleaved loop needs (it slowed torch's MLP
# step 2-3x). 4 is OpenBLAS's shortest spin; a value set by the user wins. (`python -m bench`
# does the same in bench/__main__.py; importing this module changes nothing.)
if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

if __package__ in (None, ""):   # `python bench/run.py`: make the repository importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "bench"   # noqa: A001

from bench import harness  # noqa: E402
from bench.harness import Stats  # noqa: E402
from bench.workloads import Case, all_cases  # noqa: E402

Row = dict[str, Any]


def _med(row: Row, c: str) -> float | None:
    s = row["stats"].get(c)
    return s.median if s is not None and s.samples else None


def _ratio(row: Row, c: str) -> float | None:
    a, b = _med(row, "feathergrad"), _med(row, c)
    return a / b if a is not None and b else None


def _deep(row: Row, rows: dict[str, Row]) -> bool | None:
    ref = rows.get("scalar-chain")
    if ref is None or _med(ref, "feathergrad") is None:
        return None
    return _med(row, "feathergrad") <= 1.5 * _med(ref, "feathergrad")


def _both(*checks: Callable[[Row], bool | None]) -> Callable[[Row, dict], bool | None]:
    def met(row: Row, rows: dict) -> bool | None:
        res = [chk(row) for chk in checks]
        return None if None in res else all(res)
    return met


def _vs(c: str, limit: float) -> Callable[[Row], bool | None]:
    def chk(row: Row) -> bool | None:
        r = _ratio(row, c)
        return None if r is None else r <= limit
    return chk


def _plus(c: str, extra: float) -> Callable[[Row], bool | None]:
    def chk(row: Row) -> bool | None:
        a, b = _med(row, "feathergrad"), _med(row, c)
        return None if a is None or b is None else a <= b + extra
    return chk


# The targets: row name -> (text, met(row, all rows) -> True/False/None for n/a)
TARGETS: dict[str, tuple[str, Callable[[Row, dict], bool | None]]] = {
    "lab": ("≤ 0.2× PyTorch", _both(_vs("torch", 0.2))),
    "scalar-chain": ("≤ 0.3× PyTorch", _both(_vs("torch", 0.3))),
    "deep-chain 1e5": ("per op ≤ 1.5× scalar-chain", _deep),
    "deep-chain 1e6": ("per op ≤ 1.5× scalar-chain", _deep),
    "elementwise 1e7": ("≤ 1.15× limit", _both(_vs("numpy", 1.15))),
    "mlp 128": ("≤ 1.05× limit, ≤ 1.0× PyTorch", _both(_vs("numpy", 1.05), _vs("torch", 1.0))),
    "mlp 16": ("≤ 1.0× PyTorch", _both(_vs("torch", 1.0))),
    "import": ("≤ NumPy + 0.05 s", _both(_plus("numpy", 0.05))),
    "memory elementwise 1e7": ("≤ 1.1× limit", _both(_vs("numpy", 1.1))),
    "memory mlp 128": ("≤ limit + 10 MiB", _both(_plus("numpy", 10.0))),
}


def _fmt(v: float | None, unit: str, per: int) -> str:
    if v is None:
        return "n/a"
    if unit == "MiB":
        return f"{v:.1f} MiB"
    if unit == "s":
        return f"{v:.3f} s"
    return harness.fmt_time(v) + ("/op" if per > 1 else "")


def _cell(row: Row, c: str) -> str:
    s: Stats | None = row["stats"].get(c)
    if s is None or not s.samples:
        return "n/a"
    text = _fmt(s.median, row["unit"], row["per"])
    if c == "feathergrad" and s.median:
        text += f" (IQR {100 * s.iqr / s.median:.0f}%)"
    return text


def _ratio_text(r: float | None) -> str:
    return "n/a" if r is None else f"{r:.2f}×"


def measure(case: Case, log: Callable[[str], None]) -> Row:
    row: Row = {"name": case.name, "unit": case.unit, "per": case.per, "stats": {},
                "error": None}
    t0 = time.perf_counter()
    try:
        if case.measure is None:
            case.check()
        row["stats"] = case.run()
    except Exception as e:   # a wrong or crashing workload is a result, not the end of the run
        row["error"] = f"{type(e).__name__}: {e}".splitlines()[0][:200]
    log(f"  {case.name}: {time.perf_counter() - t0:.1f} s"
        + (f"  FAILED: {row['error']}" if row["error"] else ""))
    return row


def table(rows: list[Row]) -> str:
    by_name = {r["name"]: r for r in rows}
    head = ["workload", "feathergrad median (IQR)", "NumPy limit", "PyTorch",
            "ratio vs limit", "ratio vs PyTorch", "target", "met?"]
    lines = []
    for r in rows:
        target, met = TARGETS.get(r["name"], ("", None))
        if r["error"]:
            cells = [r["name"], "FAILED: " + r["error"], "", "", "", "", target, "no"]
        else:
            ok = met(r, by_name) if target else None
            r["target"], r["met"] = target, ok
            cells = [r["name"], _cell(r, "feathergrad"), _cell(r, "numpy"), _cell(r, "torch"),
                     _ratio_text(_ratio(r, "numpy")), _ratio_text(_ratio(r, "torch")), target,
                     "" if not target else {True: "yes", False: "no", None: "n/a"}[ok]]
        lines.append(cells)
    widths = [max(len(x[i]) for x in [head, *lines]) for i in range(len(head))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(x, widths)) + " |" for x in lines]
    return "\n".join(out)


def to_json(rows: list[Row], info: dict, quick: bool) -> dict:
    def stats(s: Stats | None) -> dict | None:
        if s is None or not s.samples:
            return None
        return {"median": s.median, "iqr": s.iqr, "samples": s.samples}
    return {"machine": info, "quick": quick, "rows": [
        {"name": r["name"], "unit": r["unit"], "per_op": r["per"] > 1, "error": r["error"],
         "target": r.get("target"), "met": r.get("met"),
         "ratio_vs_limit": _ratio(r, "numpy"), "ratio_vs_torch": _ratio(r, "torch"),
         **{c: stats(r["stats"].get(c)) for c in harness.CONTENDERS}} for r in rows]}


def _busy() -> bool:
    """Load average above half the cores: other processes hold cores our threads need."""
    try:
        return os.getloadavg()[0] > (os.cpu_count() or 1) / 2
    except OSError:
        return False


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="short budgets, about a minute")
    p.add_argument("--only", nargs="+", metavar="NAME",
                   help="rows whose name starts with one of these (e.g. lab mlp memory)")
    p.add_argument("--json", metavar="PATH", help="also write every sample as JSON")
    p.add_argument("--threads", type=int, metavar="N",
                   help="BLAS/torch threads for all contenders (default: NumPy's BLAS count, "
                   "or 1 on a busy machine)")
    a = p.parse_args(argv)
    log = lambda s: print(s, file=sys.stderr, flush=True)
    if a.threads:
        harness.set_threads(a.threads)
    elif _busy() and harness.blas_threads() > 1:
        # NOTE: on busy cores a multi-threaded BLAS call waits for its descheduled partner
        # thread: MLP steps measured 10-100x slower, for every contender, in no stable ratio
        log(f"machine busy (load average {_load()} on {os.cpu_count()} cores): 1 BLAS/torch "
            "thread for every contender; --threads N overrides")
        harness.set_threads(1)
    cases = all_cases(a.quick)
    if a.only:
        cases = [c for c in cases if any(c.name.startswith(o) for o in a.only)]
        if not cases:
            p.error(f"no workload matches {a.only}")
    info = harness.machine()
    log("machine: " + "; ".join(f"{k}: {v}" for k, v in info.items()))
    from bench.workloads import mlp
    if _busy() and info["blas_threads"] > 1:
        log(f"WARNING: machine busy (load average {_load()}): multi-threaded numbers are erratic")
    log(f"mlp variant (what feathergrad offers, run by both): {mlp.variant()}")
    t0 = time.perf_counter()
    rows = [measure(c, log) for c in cases]
    print(table(rows))
    print(f"\n{'quick' if a.quick else 'full'} run, {time.perf_counter() - t0:.0f} s; "
          f"feathergrad {info.get('commit', '?')}; "
          f"{info['cpu']}, {info['cores']} cores; NumPy {info['numpy']} ({info['blas']}, "
          f"{info.get('blas_core', '?')} kernel, threads: {info['blas_threads']}); "
          f"PyTorch {info['torch']}; Python {info['python']}; load average "
          f"{info.get('load_avg_1min', '?')} at start, {_load()} at end"
          + (f"; env {info['env']}" if info["env"] else ""))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(to_json(rows, info, a.quick), f, indent=1)
    return 1 if any(r["error"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
