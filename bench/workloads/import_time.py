"""Workload 6, import: wall time of ``python -c "import feathergrad"`` against the same for numpy
(the limit: feathergrad cannot import faster than its one dependency) and torch. Fresh
interpreters, interleaved, so the interpreter's own start-up is in all three.

Bytecode is cached (in a private PYTHONPYCACHEPREFIX, filled by a first untimed import), as it is
after ``pip install``: where PYTHONDONTWRITEBYTECODE is set, a source checkout would otherwise
recompile every module on every import and the row would time the compiler.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time

from .. import harness
from ..harness import Stats
from . import Case

MODULES = {"feathergrad": "feathergrad", "numpy": "numpy", "torch": "torch"}


def _env(cache: str) -> dict:
    env = harness.subprocess_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def import_seconds(module: str, env: dict) -> float:
    """Wall time of a fresh ``python -c "import <module>"``."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], cwd=harness.ROOT, env=env,
                   check=True, capture_output=True)
    return time.perf_counter() - t0


def _installed(module: str, env: dict) -> bool:
    r = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=harness.ROOT, env=env,
                       capture_output=True)
    return r.returncode == 0


def measure(case: Case) -> dict[str, Stats | None]:
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as cache:
        env = _env(cache)
        # the first import compiles into the cache and warms the file cache
        live = [c for c, mod in MODULES.items() if _installed(mod, env)]
        out: dict[str, Stats | None] = {c: (Stats() if c in live else None) for c in MODULES}
        for rep in range(case.size):
            for c in live:
                if c == "torch" and rep >= 5:   # for information only, and ~1.5 s a time
                    continue
                out[c].samples.append(import_seconds(MODULES[c], env))
    return out


def cases(quick: bool) -> list[Case]:
    return [Case("import", lambda c, s: None, size=5 if quick else 20, unit="s",
                 measure=measure)]
