"""nn benchmark: one training step of an MLP and of a small CNN, three ways.

    python bench/bench_nn.py            # about a minute
    python bench/bench_nn.py --quick    # a few seconds per row
    python bench/bench_nn.py --threads 1

- feathergrad: PyTorch-style code (nn.Linear / nn.Conv2d, F.cross_entropy, optim.SGD),
- torch: the very same code on PyTorch CPU (same BLAS thread count as NumPy),
- numpy: the limit, a hand-written step (forward, hand-derived backward, in-place SGD).

Each contender starts from the same weights and batch; one step of each is checked against the
NumPy limit (loss and updated weights) before anything is timed. Steps are timed interleaved
(A B C A B C ...) so background load falls on all three; medians are reported.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from typing import Any, Callable

if __name__ == "__main__" and "--threads" in sys.argv:
    # NOTE: BLAS reads its thread count when NumPy loads, so this must come first
    _n = sys.argv[sys.argv.index("--threads") + 1]
    for _k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_k] = _n

import numpy as np  # noqa: E402

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

LR = 0.01


# ---- PyTorch-style models (run unchanged on feathergrad and torch) -------------------------
def mlp_model(m: Any, sizes: tuple) -> Any:
    nn = m.nn
    return nn.Sequential(nn.Linear(sizes[0], sizes[1]), nn.ReLU(), nn.Linear(sizes[1], sizes[2]),
                         nn.ReLU(), nn.Linear(sizes[2], sizes[3]))


def cnn_model(m: Any) -> Any:
    nn = m.nn
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(16 * 7 * 7, 10))


def torch_style_step(m: Any, model: Any, opt: Any, x: Any, y: Any) -> Any:
    opt.zero_grad()
    loss = m.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss


def make_torch_style(m: Any, build: Callable, weights: list[np.ndarray], x: np.ndarray,
                     y: np.ndarray) -> tuple[Callable, Callable]:
    model = build(m)
    with m.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.data = m.from_numpy(w.copy())
    opt = m.optim.SGD(model.parameters(), lr=LR)
    xt, yt = m.from_numpy(x), m.from_numpy(y)

    def step() -> Any:
        return torch_style_step(m, model, opt, xt, yt)

    def state() -> list[np.ndarray]:
        return [p.detach().numpy().copy() for p in model.parameters()]
    return step, state


# ---- the NumPy limit ----------------------------------------------------------------------
def _xent(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    n = z.shape[0]
    rows = np.arange(n)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    se = e.sum(axis=1, keepdims=True)
    loss = float(np.mean(np.log(se[:, 0]) - z[rows, y]))
    dz = e / se
    dz[rows, y] -= 1
    dz /= n
    return loss, dz


def mlp_limit(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> Callable:
    def step() -> float:
        W1, b1, W2, b2, W3, b3 = params
        h1 = x @ W1.T
        h1 += b1
        a1 = np.maximum(h1, 0)
        h2 = a1 @ W2.T
        h2 += b2
        a2 = np.maximum(h2, 0)
        z = a2 @ W3.T
        z += b3
        loss, dz = _xent(z, y)
        d2 = dz @ W3
        d2 *= h2 > 0
        d1 = d2 @ W2
        d1 *= h1 > 0
        grads = (d1.T @ x, d1.sum(0), d2.T @ a1, d2.sum(0), dz.T @ a2, dz.sum(0))
        for p, g in zip(params, grads):
            p -= LR * g
        return loss
    return step


def _im2col(x: np.ndarray) -> np.ndarray:
    """3x3 windows of x padded by 1: (N*H*W, C*9)."""
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(2, 3))  # N C H W 3 3
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * h * w, c * 9)


def _col2im(dcols: np.ndarray, shape: tuple) -> np.ndarray:
    n, c, h, w = shape
    d = dcols.reshape(n, h, w, c, 3, 3)
    dxp = np.zeros((n, c, h + 2, w + 2), dtype=dcols.dtype)
    for i in range(3):
        for j in range(3):
            dxp[:, :, i:i + h, j:j + w] += d[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return dxp[:, :, 1:-1, 1:-1]


def _conv(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n, _, h, w = x.shape
    cols = _im2col(x)
    out = cols @ W.reshape(W.shape[0], -1).T
    out += b
    return out.reshape(n, h, w, -1).transpose(0, 3, 1, 2), cols


def _pool(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n, c, h, w = a.shape
    r = a.reshape(n, c, h // 2, 2, w // 2, 2)
    out = r.max(axis=(3, 5))
    mask = r == out[:, :, :, None, :, None]
    # NOTE: ties go to the first maximum, as max pooling does
    first = np.cumsum(mask.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5)
                      .reshape(n, c, h // 2, w // 2, 4), axis=-1) == 1
    m = (mask.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4) & first)
    return out, m


def _unpool(g: np.ndarray, m: np.ndarray) -> np.ndarray:
    n, c, h2, w2, _ = m.shape
    d = (m * g[..., None]).reshape(n, c, h2, w2, 2, 2).transpose(0, 1, 2, 4, 3, 5)
    return d.reshape(n, c, h2 * 2, w2 * 2)


def cnn_limit(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> Callable:
    def step() -> float:
        W1, b1, W2, b2, W3, b3 = params
        n = x.shape[0]
        h1, c1 = _conv(x, W1, b1)
        a1 = np.maximum(h1, 0)
        p1, m1 = _pool(a1)
        h2, c2 = _conv(p1, W2, b2)
        a2 = np.maximum(h2, 0)
        p2, m2 = _pool(a2)
        f = p2.reshape(n, -1)
        z = f @ W3.T
        z += b3
        loss, dz = _xent(z, y)
        gW3, gb3 = dz.T @ f, dz.sum(0)
        dp2 = (dz @ W3).reshape(p2.shape)
        dh2 = _unpool(dp2, m2) * (h2 > 0)
        g2 = dh2.transpose(0, 2, 3, 1).reshape(-1, W2.shape[0])
        gW2, gb2 = (g2.T @ c2).reshape(W2.shape), g2.sum(0)
        dp1 = _col2im(g2 @ W2.reshape(W2.shape[0], -1), p1.shape)
        dh1 = _unpool(dp1, m1) * (h1 > 0)
        g1 = dh1.transpose(0, 2, 3, 1).reshape(-1, W1.shape[0])
        gW1, gb1 = (g1.T @ c1).reshape(W1.shape), g1.sum(0)
        for p, g in zip(params, (gW1, gb1, gW2, gb2, gW3, gb3)):
            p -= LR * g
        return loss
    return step


# ---- workloads ----------------------------------------------------------------------------
def _uniform(rng: np.random.Generator, fan_in: int, shape: tuple) -> np.ndarray:
    k = 1 / math.sqrt(fan_in)
    return rng.uniform(-k, k, shape).astype(np.float32)


def mlp_setup(batch: int) -> tuple:
    sizes = (784, 512, 512, 10)
    rng = np.random.default_rng(0)
    ws = []
    for i in range(3):
        ws += [_uniform(rng, sizes[i], (sizes[i + 1], sizes[i])),
               _uniform(rng, sizes[i], (sizes[i + 1],))]
    x = rng.standard_normal((batch, 784)).astype(np.float32)
    y = rng.integers(0, 10, batch).astype(np.int64)
    return (lambda m: mlp_model(m, sizes)), mlp_limit, ws, x, y


def cnn_setup(batch: int) -> tuple:
    rng = np.random.default_rng(0)
    ws = [_uniform(rng, 9, (8, 1, 3, 3)), _uniform(rng, 9, (8,)),
          _uniform(rng, 72, (16, 8, 3, 3)), _uniform(rng, 72, (16,)),
          _uniform(rng, 784, (10, 784)), _uniform(rng, 784, (10,))]
    x = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, batch).astype(np.int64)
    return cnn_model, cnn_limit, ws, x, y


WORKLOADS = {"mlp 784-512-512-10, batch 128": (mlp_setup, 128),
             "mlp 784-512-512-10, batch 16": (mlp_setup, 16),
             "cnn 28x28 (2 conv + 2 pool + linear), batch 64": (cnn_setup, 64)}


def contenders(setup: Callable, batch: int) -> dict[str, tuple[Callable, Callable]]:
    build, limit, ws, x, y = setup(batch)
    out = {}
    import feathergrad
    out["feathergrad"] = make_torch_style(feathergrad, build, ws, x, y)
    params = [w.copy() for w in ws]
    out["numpy"] = (limit(params, x, y), lambda: [p.copy() for p in params])
    try:
        import torch
        torch.set_num_threads(_blas_threads())
        out["torch"] = make_torch_style(torch, build, ws, x, y)
    except ImportError:
        pass
    return out


def _blas_threads() -> int:
    for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(k):
            return int(os.environ[k])
    return os.cpu_count() or 1


def check(name: str, cs: dict) -> None:
    """One step of each; losses and updated weights must agree with the NumPy limit."""
    got = {}
    for c, (step, state) in cs.items():
        r = step()
        loss = r if isinstance(r, float) else r.item()
        got[c] = (loss, state())
    want = got["numpy"]
    for c, (loss, ws) in got.items():
        if abs(loss - want[0]) > 1e-4 * max(1.0, abs(want[0])):
            raise AssertionError(f"{name}: {c} loss {loss} != limit {want[0]}")
        for a, b in zip(ws, want[1]):
            np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5, err_msg=f"{name}: {c}")


def time_interleaved(cs: dict, budget_s: float) -> dict[str, list[float]]:
    for step, _ in cs.values():   # warm up
        step()
    times: dict[str, list[float]] = {c: [] for c in cs}
    order = list(cs)
    end = time.perf_counter() + budget_s
    while time.perf_counter() < end or min(len(v) for v in times.values()) < 5:
        # NOTE: a new order each round, so no contender always runs right after another
        # (PyTorch's idle worker threads spin for a while after each of its steps)
        order = order[1:] + order[:1]
        for c in order:
            step = cs[c][0]
            t = time.perf_counter()
            step()
            times[c].append(time.perf_counter() - t)
    return times


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 s of timing per row (else 8 s)")
    ap.add_argument("--threads", type=int, help="BLAS threads (set before NumPy loads)")
    args = ap.parse_args(argv)
    budget = 2.0 if args.quick else 8.0
    rows = []
    for name, (setup, batch) in WORKLOADS.items():
        cs = contenders(setup, batch)
        check(name, cs)
        times = time_interleaved(cs, budget)
        med = {c: statistics.median(v) for c, v in times.items()}
        rows.append((name, med))
        print(f"  {name}: " + ", ".join(f"{c} {m * 1e3:.2f} ms" for c, m in med.items()),
              flush=True)
    print()
    print("| workload | feathergrad | NumPy limit | PyTorch | vs limit | vs PyTorch |")
    print("|---|---|---|---|---|---|")
    for name, med in rows:
        f, n, t = med["feathergrad"], med["numpy"], med.get("torch")
        tt = f"{t * 1e3:.2f} ms" if t else "-"
        rt = f"{f / t:.2f}x" if t else "-"
        print(f"| {name} | {f * 1e3:.2f} ms | {n * 1e3:.2f} ms | {tt} | {f / n:.2f}x | {rt} |")
    print(f"\nBLAS threads: {_blas_threads()}; targets (mlp 128): <= 1.05x limit, <= 1.0x PyTorch")


if __name__ == "__main__":
    main()
