"""Function transforms, vectorised vs looped, feathergrad vs PyTorch (torch.func) in one run.

1. The Jacobian of a 100 -> 100 function, ``tanh(W2 @ tanh(W1 @ x + b1))``: feathergrad's
   ``autograd.functional.jacobian`` looped (one backward per row) and vectorised, ``func.jacrev``
   and ``func.jacfwd``; the same four in PyTorch.
2. Per-example gradients of a small MLP (32 -> 64 -> 10, tanh, cross-entropy) over a batch of
   256: ``vmap(grad(loss))`` against a Python loop of ``grad(loss)`` per example.

Every vectorised result is checked against its looped twin before it is timed. Run:
``python bench/bench_func.py [--repeat 7] [--threads 1]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _timeit(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of `repeat` calls, in milliseconds (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def jacobian_cases(m: Any) -> dict[str, Callable[[], Any]]:
    rng = np.random.default_rng(0)
    W1, W2 = (m.tensor(rng.standard_normal((100, 100)) / 10, dtype=m.float32) for _ in "ab")
    b1 = m.tensor(rng.standard_normal(100), dtype=m.float32)
    x = m.tensor(rng.standard_normal(100), dtype=m.float32)

    def f(v: Any) -> Any:
        return m.tanh(W2 @ m.tanh(W1 @ v + b1))
    fn = m.autograd.functional
    return {"jacobian (loop)": lambda: fn.jacobian(f, x),
            "jacobian (vectorize)": lambda: fn.jacobian(f, x, vectorize=True),
            "func.jacrev": lambda: m.func.jacrev(f)(x),
            "func.jacfwd": lambda: m.func.jacfwd(f)(x)}


def per_example_cases(m: Any) -> dict[str, Callable[[], Any]]:
    rng = np.random.default_rng(1)
    params = {"w1": m.tensor(rng.standard_normal((64, 32)) / 6, dtype=m.float32),
              "b1": m.tensor(rng.standard_normal(64) / 6, dtype=m.float32),
              "w2": m.tensor(rng.standard_normal((10, 64)) / 8, dtype=m.float32),
              "b2": m.tensor(rng.standard_normal(10) / 8, dtype=m.float32)}
    X = m.tensor(rng.standard_normal((256, 32)), dtype=m.float32)
    Y = m.tensor(rng.integers(0, 10, 256))
    F = m.nn.functional

    def loss(p: dict, x: Any, y: Any) -> Any:
        h = m.tanh(F.linear(x, p["w1"], p["b1"]))
        return F.cross_entropy(F.linear(h, p["w2"], p["b2"])[None], y[None])
    g = m.func.grad(loss)
    vg = m.func.vmap(g, in_dims=(None, 0, 0))

    def loop() -> dict:
        per = [g(params, X[i], Y[i]) for i in range(X.shape[0])]
        return {k: m.stack([d[k] for d in per]) for k in params}
    return {"per-example grads (loop)": loop,
            "per-example grads (vmap)": lambda: vg(params, X, Y)}


def _check(cases: dict, pairs: list[tuple[str, str]]) -> None:
    for a, b in pairs:
        ra, rb = cases[a](), cases[b]()
        if isinstance(ra, dict):
            for k in ra:
                np.testing.assert_allclose(_np(ra[k]), _np(rb[k]), rtol=1e-4, atol=1e-6)
        else:
            np.testing.assert_allclose(_np(ra), _np(rb), rtol=1e-4, atol=1e-6)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1, help="PyTorch intra-op threads")
    args = ap.parse_args(argv)
    import feathergrad
    libs: dict[str, Any] = {"feathergrad": feathergrad}
    try:
        import torch
        torch.set_num_threads(args.threads)
        libs["torch"] = torch
    except ImportError:
        print("(PyTorch not installed: feathergrad only)")
    rows = []
    for name, m in libs.items():
        for build, pairs in ((jacobian_cases, [("jacobian (loop)", "jacobian (vectorize)"),
                                               ("jacobian (loop)", "func.jacrev"),
                                               ("jacobian (loop)", "func.jacfwd")]),
                             (per_example_cases, [("per-example grads (loop)",
                                                   "per-example grads (vmap)")])):
            cases = build(m)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                _check(cases, pairs)
            fallbacks = sorted({str(w.message).split("rule for ")[1].split(";")[0]
                                for w in caught if "batching rule" in str(w.message)})
            for case, fn in cases.items():
                rows.append((case, name, _timeit(fn, args.repeat), fallbacks))
    print(f"{'case':28s} {'library':12s} {'ms (median)':>12s}")
    for case, name, ms, fallbacks in sorted(rows, key=lambda r: (r[0].split(" (")[0], r[1])):
        note = f"  loop fallbacks: {', '.join(fallbacks)}" if fallbacks and "(loop)" not in \
            case else ""
        print(f"{case:28s} {name:12s} {ms:12.2f}{note}")
    by = {(c, n): ms for c, n, ms, _ in rows}
    for n in libs:
        pe = by[("per-example grads (loop)", n)] / by[("per-example grads (vmap)", n)]
        jac = by[("jacobian (loop)", n)] / by[("jacobian (vectorize)", n)]
        print(f"{n}: vmap over the loop, per-example grads {pe:.1f}x; vectorised Jacobian "
              f"{jac:.1f}x")


if __name__ == "__main__":
    main()
