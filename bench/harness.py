"""The measuring instrument: contenders, interleaved timing, statistics, machine facts, memory.

Three contenders run every workload: ``feathergrad`` (PyTorch-style code on feathergrad), ``numpy``
(the limit: the same computation with a hand-derived gradient, no autograd) and ``torch`` (the
peer, pinned to NumPy's BLAS thread count). They are timed in one interleaved loop
(A B C A B C ...) so that noise from other processes on a shared machine falls on all of them.
"""

from __future__ import annotations

import ctypes
import gc
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTENDERS = ("feathergrad", "numpy", "torch")


# ---- contenders -------------------------------------------------------------------

def feathergrad() -> Any:
    import feathergrad as fg
    return fg


_torch_state: list = []   # [module or None], filled once


def torch() -> Any | None:
    """PyTorch with NumPy's BLAS thread count, or None when it is not installed."""
    if not _torch_state:
        try:
            import torch as t
        except ImportError:
            t = None
        if t is not None:
            t.set_num_threads(blas_threads())
        _torch_state.append(t)
    return _torch_state[0]


def module(name: str) -> Any | None:
    """The module a PyTorch-style workload runs on: feathergrad or torch (None if missing)."""
    return feathergrad() if name == "feathergrad" else torch()


def to_numpy(t: Any) -> np.ndarray:
    """A tensor's (or array's) values as a float64 ndarray, for comparisons."""
    if isinstance(t, np.ndarray | np.generic | float | int):
        return np.asarray(t, dtype=np.float64)
    return np.asarray(t.detach().numpy(), dtype=np.float64)


def assert_close(name: str, got: Any, want: Any, rtol: float = 2e-4, atol: float = 1e-5) -> None:
    """Compare relative to the largest magnitude (float32 sums differ in their last digits)."""
    g, w = to_numpy(got), to_numpy(want)
    if g.shape != w.shape:
        raise AssertionError(f"{name}: shape {g.shape} != {w.shape}")
    scale = max(float(np.max(np.abs(w), initial=0.0)), 1.0)
    err = float(np.max(np.abs(g - w), initial=0.0))
    if not np.isfinite(g).all() or err > atol + rtol * scale:
        raise AssertionError(f"{name}: max abs error {err:.3g} (scale {scale:.3g})")


# ---- machine facts ----------------------------------------------------------------

def _openblas() -> tuple[Any, str, str] | None:
    """The OpenBLAS library NumPy loaded and its symbol prefix, read from /proc/self/maps."""
    try:
        with open("/proc/self/maps") as f:
            paths = {ln.split()[-1] for ln in f if "openblas" in ln.lower() and "/" in ln}
    except OSError:
        return None
    for p in sorted(paths):
        try:
            lib = ctypes.CDLL(p)
        except OSError:
            continue
        for pre, suf in (("scipy_openblas_", "64_"), ("openblas_", "64_"), ("openblas_", ""),
                         ("scipy_openblas_", "")):
            if hasattr(lib, f"{pre}get_num_threads{suf}"):
                return lib, pre, suf
    return None


def blas_threads() -> int:
    """NumPy's BLAS thread count: asked of OpenBLAS itself (threadpoolctl need not be installed),
    else the usual environment variables, else the number of cores."""
    ob = _openblas()
    if ob is not None:
        lib, pre, suf = ob
        n = getattr(lib, f"{pre}get_num_threads{suf}")()
        if n > 0:
            return int(n)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        v = os.environ.get(var, "")
        if v.isdigit() and int(v) > 0:
            return int(v)
    return os.cpu_count() or 1


def set_threads(n: int) -> None:
    """Use `n` BLAS threads in NumPy (through OpenBLAS), in torch and in child processes."""
    os.environ["OPENBLAS_NUM_THREADS"] = str(n)   # children inherit it
    ob = _openblas()
    if ob is not None:
        lib, pre, suf = ob
        getattr(lib, f"{pre}set_num_threads{suf}")(n)
    if _torch_state and _torch_state[0] is not None:
        _torch_state[0].set_num_threads(n)


def machine() -> dict:
    """What the numbers were measured on: CPU, cores, versions, BLAS kernel and threads."""
    info: dict[str, Any] = {"python": platform.python_version(), "numpy": np.__version__,
                            "cores": os.cpu_count(), "platform": platform.platform()}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(ln.split(":", 1)[1].strip() for ln in f
                               if ln.startswith("model name"))
    except (OSError, StopIteration):
        info["cpu"] = platform.processor() or "unknown"
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:   # NumPy < 1.26 has no mode="dicts"
        info["blas"] = "unknown"
    ob = _openblas()
    if ob is not None:
        lib, pre, suf = ob
        core = getattr(lib, f"{pre}get_corename{suf}", None)
        if core is not None:
            core.restype = ctypes.c_char_p
            info["blas_core"] = core().decode()
    info["blas_threads"] = blas_threads()
    # NOTE: where OPENBLAS_CORETYPE is set (older OpenBLAS builds need it on some CPUs) a current
    # NumPy runs a slower kernel; we record it rather than change it.
    info["env"] = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                               "OPENBLAS_NUM_THREADS", "OPENBLAS_THREAD_TIMEOUT",
                                               "OMP_NUM_THREADS", "OMP_WAIT_POLICY")
                   if k in os.environ}
    try:
        info["load_avg_1min"] = round(os.getloadavg()[0], 2)   # others' work skews every number
    except OSError:
        pass
    try:   # which feathergrad was measured
        r = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                           capture_output=True, text=True, timeout=10)
        if r.returncode == 0:
            info["commit"] = r.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    t = torch()
    info["torch"] = (f"{t.__version__}, threads: {t.get_num_threads()}" if t
                     else "not installed")
    return info


# ---- timing -----------------------------------------------------------------------

@dataclass
class Stats:
    """Seconds per call of one contender: median and inter-quartile range of the samples."""
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def iqr(self) -> float:
        if len(self.samples) < 4:
            return max(self.samples) - min(self.samples)
        q = statistics.quantiles(self.samples, n=4)
        return q[2] - q[0]


def time_interleaved(fns: dict[str, Callable[[], Any]], budget_s: float, min_reps: int = 3,
                     max_reps: int = 200, sample_s: float = 0.02,
                     warmup_s: float = 0.1) -> dict[str, Stats]:
    """Time each zero-argument callable, interleaved A B C A B C ..., after a warm-up.

    A sample is `inner` back-to-back calls (so each sample lasts about `sample_s`, above the
    clock's noise); `inner` and the number of samples are chosen from a first timing so that the
    whole loop lasts about `budget_s`. Returns seconds per call.
    """
    inner: dict[str, int] = {}
    per_call: dict[str, float] = {}
    for name, fn in fns.items():
        t0 = time.perf_counter()
        fn()
        n, t = 1, time.perf_counter() - t0
        while t < warmup_s and n < 10_000:   # warm-up, and a first estimate of one call
            k = max(1, n)
            t0 = time.perf_counter()
            for _ in range(k):
                fn()
            t, n = t + time.perf_counter() - t0, n + k
        per_call[name] = t / n
        inner[name] = max(1, int(sample_s / max(per_call[name], 1e-9)))
    one_round = sum(per_call[k] * inner[k] for k in fns)
    reps = max(min_reps, min(max_reps, int(budget_s / max(one_round, 1e-9))))
    out = {name: Stats() for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            k = inner[name]
            t0 = time.perf_counter()
            for _ in range(k):
                fn()
            out[name].samples.append((time.perf_counter() - t0) / k)
    return out


def time_once_each(fns: dict[str, Callable[[], Any]], reps: int) -> dict[str, Stats]:
    """For long calls (seconds): no warm-up loop, `reps` interleaved single calls."""
    out = {name: Stats() for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            gc.collect()
            t0 = time.perf_counter()
            fn()
            out[name].samples.append(time.perf_counter() - t0)
    return out


def subprocess_env() -> dict:
    """The environment of child processes: this one's, with the repository importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_child(args: list[str], timeout: float = 600) -> str:
    """Run ``python <args>`` in the repository root; return its stdout (raise on failure)."""
    r = subprocess.run([sys.executable, *args], cwd=ROOT, env=subprocess_env(),
                       capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{r.stderr[-2000:]}")
    return r.stdout


# ---- memory -----------------------------------------------------------------------

def _status_kib(key: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for ln in f:
                if ln.startswith(key + ":"):
                    return int(ln.split()[1])
    except OSError:
        pass
    return None


def rss_mib() -> float:
    """Resident memory now (MiB)."""
    kib = _status_kib("VmRSS")
    if kib is None:
        import resource
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024


def reset_peak() -> bool:
    """Reset the peak-RSS mark to the current RSS (Linux >= 4.0: write 5 to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_mib() -> float:
    """Peak resident memory (MiB) since start, or since the last `reset_peak`."""
    kib = _status_kib("VmHWM")
    if kib is None:
        import resource
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024


def fmt_time(s: float) -> str:
    if not math.isfinite(s):
        return "n/a"
    for unit, f in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if s >= f:
            return f"{s / f:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"
