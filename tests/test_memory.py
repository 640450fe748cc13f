"""Memory: no graph or gradient leaks over a training loop; checkpointing lowers the peak."""

from __future__ import annotations

import tracemalloc

import numpy as np

import feathergrad as fg
from feathergrad.utils.checkpoint import checkpoint, checkpoint_sequential


def _mlp_params(rng, sizes):
    return [(fg.tensor(rng.standard_normal((a, b)) / np.sqrt(a), requires_grad=True),
             fg.tensor(np.zeros(b), requires_grad=True)) for a, b in zip(sizes, sizes[1:])]


def _step(params, x, y, lr=0.01):
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w + b
        if i < len(params) - 1:
            h = h.relu()
    loss = ((h - y) ** 2).mean()
    loss.backward()
    with fg.no_grad():
        for w, b in params:
            w -= lr * w.grad
            b -= lr * b.grad
            w.grad = None
            b.grad = None
    return loss.item()


def test_training_loop_memory_is_flat():
    rng = np.random.default_rng(0)
    params = _mlp_params(rng, [32, 64, 64, 8])
    x = fg.tensor(rng.standard_normal((16, 32)))
    y = fg.tensor(rng.standard_normal((16, 8)))
    # NOTE: warm-up: NumPy's and Python's internal caches and free lists fill during the first
    # ~1,000 steps (about 190 KiB here), then stay flat
    for _ in range(1500):
        _step(params, x, y)
    tracemalloc.start()
    try:
        first = None
        loss0 = _step(params, x, y)
        for i in range(1000):
            loss = _step(params, x, y)
            if i == 99:
                first = tracemalloc.get_traced_memory()[0]
        last, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert loss < loss0
    # a leaked graph or gradient would grow by kilobytes per step (megabytes over 900 steps);
    # allocator caches vary by NumPy version (a few KiB with NumPy 2, ~17 KiB with 1.24)
    assert last - first < 128 * 1024, (first, last)
    assert peak - first < 1024 * 1024, (first, peak)


def _layer(W):
    return lambda t: (t @ W).tanh()


def _deep(segment: int, Ws, x0):
    for W in Ws:
        W.grad = None
    layers = [_layer(W) for W in Ws]
    tracemalloc.start()
    try:
        h = x0
        if segment:
            h = checkpoint_sequential(layers, len(layers) // segment, h, use_reentrant=False)
        else:
            for f in layers:
                h = f(h)
        h.sum().backward()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, [W.grad.numpy().copy() for W in Ws]


def test_checkpoint_same_gradients_lower_peak():
    rng = np.random.default_rng(1)
    Ws = [fg.tensor(rng.standard_normal((64, 64)) / 8, requires_grad=True) for _ in range(24)]
    x0 = fg.tensor(rng.standard_normal((1024, 64)))
    p_plain, g_plain = _deep(0, Ws, x0)
    p_ckpt, g_ckpt = _deep(4, Ws, x0)
    for a, b in zip(g_plain, g_ckpt):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # without checkpointing each of the 24 layers keeps its 1024x64 float64 activation (512 KiB)
    # until backward; with 6 segments of 4 layers only the segment inputs are kept, and one
    # segment's activations are recomputed at a time
    print(f"peak without checkpointing {p_plain / 2**20:.2f} MiB, with {p_ckpt / 2**20:.2f} MiB")
    assert p_ckpt < 0.6 * p_plain, (p_plain, p_ckpt)


def test_checkpoint_input_gradient_and_rng():
    x = fg.tensor([0.5, -1.0], requires_grad=True)
    w = fg.tensor([2.0, 3.0], requires_grad=True)

    def f(t):
        return (t * w).sin() + fg.rand(2)   # random draw replayed identically in backward

    y = checkpoint(f, x, use_reentrant=False)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (np.cos([1.0, -3.0]) * [2.0, 3.0]), rtol=1e-6)
    np.testing.assert_allclose(w.grad.numpy(), (np.cos([1.0, -3.0]) * [0.5, -1.0]), rtol=1e-6)
