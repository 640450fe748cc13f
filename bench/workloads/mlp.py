"""Workload 5, mlp: one SGD step of a 784-512-512-10 ReLU MLP with softmax cross-entropy
(batch 128 and 16): matmuls, a fused loss and an optimizer update, float32.

The PyTorch-style code uses ``nn.Linear`` and ``nn.functional.cross_entropy`` when feathergrad
has them, else plain parameters and a loss written with existing ops; torch runs whichever variant
feathergrad runs, so both execute the same code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import harness
from . import Case

SIZES = (784, 512, 512, 10)
LR = 0.01


def _get(obj: Any, *path: str) -> Any:
    try:
        for p in path:
            obj = getattr(obj, p)
        return obj
    except (AttributeError, ImportError):
        return None


def variant() -> dict[str, bool]:
    """What feathergrad offers now (another engineer is writing feathergrad.nn)."""
    fg = harness.feathergrad()
    return {"linear": _get(fg, "nn", "Linear") is not None,
            "cross_entropy": _get(fg, "nn", "functional", "cross_entropy") is not None,
            "amax": hasattr(fg.Tensor, "amax"),
            "inplace_sub": hasattr(fg.Tensor, "__isub__")}


class MLP:
    """PyTorch-style model: ``forward(x) = l3(relu(l2(relu(l1(x)))))``."""

    def __init__(self, m: Any, weights: list[np.ndarray], v: dict[str, bool]) -> None:
        self.m = m
        ps = [m.from_numpy(w.copy()) for w in weights]
        if v["linear"]:
            self.layers = []
            for i in range(3):
                lin = m.nn.Linear(SIZES[i], SIZES[i + 1])
                lin.weight.data, lin.bias.data = ps[2 * i], ps[2 * i + 1]
                self.layers.append(lin)
            self.params = [p for lin in self.layers for p in (lin.weight, lin.bias)]
        else:
            self.params = [p.requires_grad_() for p in ps]
            W = self.params
            self.layers = [lambda x, w=W[2 * i], b=W[2 * i + 1]: x @ w.t() + b for i in range(3)]

    def __call__(self, x: Any) -> Any:
        l1, l2, l3 = self.layers
        relu = self.m.relu
        return l3(relu(l2(relu(l1(x)))))


def softmax_xent(m: Any, z: Any, onehot: Any, amax: bool) -> Any:
    """Mean softmax cross-entropy from existing ops: log-sum-exp shifted by the (constant) row
    maximum, the target's logit picked by a one-hot product."""
    if amax:
        c = z.detach().amax(dim=1, keepdim=True)
    else:
        c = m.from_numpy(z.detach().numpy().max(axis=1, keepdims=True))
    s = z - c
    lse = s.exp().sum(dim=1, keepdim=True).log()
    return (lse.sum() - (s * onehot).sum()) / z.shape[0]


def train_step(m: Any, model: MLP, x: Any, target: Any, v: dict[str, bool]) -> tuple:
    """Zero grads, forward, loss, backward, SGD update; returns (loss, grads..., params...)."""
    params = model.params
    for p in params:
        p.grad = None
    z = model(x)
    if v["cross_entropy"]:
        loss = m.nn.functional.cross_entropy(z, target)
    else:
        loss = softmax_xent(m, z, target, v["amax"])
    loss.backward()
    with m.no_grad():
        for p in params:
            if v["inplace_sub"]:
                p -= LR * p.grad
            else:
                p.data = p.data - LR * p.grad
    return (loss, *[p.grad for p in params], *params)


def limit_step(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> tuple:
    """The NumPy limit: forward, hand-derived backward, in-place SGD update."""
    W1, b1, W2, b2, W3, b3 = params
    n = x.shape[0]
    rows = np.arange(n)
    h1 = x @ W1.T
    h1 += b1
    a1 = np.maximum(h1, 0)
    h2 = a1 @ W2.T
    h2 += b2
    a2 = np.maximum(h2, 0)
    z = a2 @ W3.T
    z += b3
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    se = e.sum(axis=1, keepdims=True)
    loss = np.mean(np.log(se[:, 0]) - z[rows, y])
    dz = e / se                     # softmax - onehot, over the batch
    dz[rows, y] -= 1
    dz /= n
    d2 = dz @ W3
    d2 *= h2 > 0
    d1 = d2 @ W2
    d1 *= h1 > 0
    grads = (d1.T @ x, d1.sum(0), d2.T @ a1, d2.sum(0), dz.T @ a2, dz.sum(0))
    for p, g in zip(params, grads):
        p -= LR * g
    return (loss, *grads, *params)


def init(batch: int) -> tuple:
    """Weights as nn.Linear initialises them ((out, in), uniform ±1/sqrt(in)), a batch, labels."""
    rng = np.random.default_rng(0)
    weights = []
    for i in range(3):
        k = 1 / math.sqrt(SIZES[i])
        weights.append(rng.uniform(-k, k, (SIZES[i + 1], SIZES[i])).astype(np.float32))
        weights.append(rng.uniform(-k, k, SIZES[i + 1]).astype(np.float32))
    x = rng.standard_normal((batch, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], batch)
    return weights, x, y


def make(contender: str, batch: int, v: dict[str, bool] | None = None
         ) -> Callable[[], tuple] | None:
    """One training step of `contender`; `v` forces a variant (default: what feathergrad has)."""
    weights, x, y = init(batch)
    if contender == "numpy":
        return lambda: limit_step(weights, x, y)
    m = harness.module(contender)
    if m is None:
        return None
    v = variant() if v is None else v
    model = MLP(m, weights, v)
    xt = m.from_numpy(x)
    if v["cross_entropy"]:
        target = m.from_numpy(y.astype(np.int64))
    else:
        target = m.from_numpy(np.eye(SIZES[-1], dtype=np.float32)[y])
    return lambda: train_step(m, model, xt, target, v)


def cases(quick: bool) -> list[Case]:
    b = 2.0 if quick else 10.0
    return [Case(f"mlp {n}", make, size=n, budget_s=b, rtol=1e-3) for n in (128, 16)]
