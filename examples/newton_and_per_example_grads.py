"""Function transforms in practice: Newton's method with ``hessian``, and per-example gradient
norms with ``vmap(grad(...))``.

PyTorch code, run on feathergrad (``python examples/newton_and_per_example_grads.py``) or on
PyTorch itself (``... --torch``): the printed numbers agree.

1. Newton's method minimises the Rosenbrock function f(x, y) = (1 - x)^2 + 100 (y - x^2)^2
   from (-1.2, 1): each step solves H d = -g with the exact gradient and Hessian
   (``torch.func.grad`` and ``torch.func.hessian``) and converges in a few steps to (1, 1),
   where plain gradient descent needs thousands.
2. Per-example gradients: for a small classifier, ``vmap(grad(loss))`` gives the gradient of
   each example's loss in one vectorised pass; their norms show which examples pull hardest
   (the quantity DP-SGD clips). A Python loop over the batch gives the same numbers, slower.
"""

from __future__ import annotations

import sys
import time

import numpy as np

if "--torch" in sys.argv:
    import torch
else:
    import feathergrad as torch
from_func = torch.func


# ---- 1. Newton's method with the Hessian ------------------------------------------------------

def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def newton(f, p, steps=10):
    grad, hess = from_func.grad(f), from_func.hessian(f)
    for k in range(steps):
        g, H = grad(p), hess(p)
        p = p - torch.linalg.solve(H, g)
        print(f"  step {k + 1}: p = ({p[0].item(): .6f}, {p[1].item(): .6f})   "
              f"f = {f(p).item():.3e}   |g| = {g.norm().item():.3e}")
        if g.norm() < 1e-10:
            break
    return p


# ---- 2. per-example gradient norms ------------------------------------------------------------

def make_data(n=256, d=8, classes=3, seed=0):
    rng = np.random.default_rng(seed)   # NumPy draws, so both libraries see the same data
    y = np.arange(n) % classes
    x = rng.standard_normal((classes, d))[y] * 2 + rng.standard_normal((n, d))
    return torch.tensor(x), torch.tensor(y)


def init_params(d=8, hidden=16, classes=3, seed=1):
    rng = np.random.default_rng(seed)
    return {"w1": torch.tensor(rng.standard_normal((hidden, d)) / d ** 0.5),
            "b1": torch.zeros(hidden, dtype=torch.float64),
            "w2": torch.tensor(rng.standard_normal((classes, hidden)) / hidden ** 0.5),
            "b2": torch.zeros(classes, dtype=torch.float64)}


def loss_one(params, x, y):
    """The loss of ONE example (x: (d,), y: ()) - vmap adds the batch."""
    h = torch.tanh(params["w1"] @ x + params["b1"])
    logits = params["w2"] @ h + params["b2"]
    return torch.nn.functional.cross_entropy(logits[None], y[None])


def per_example_norms(params, x, y):
    grads = from_func.vmap(from_func.grad(loss_one), in_dims=(None, 0, 0))(params, x, y)
    return torch.sqrt(sum((g.reshape(g.shape[0], -1) ** 2).sum(1) for g in grads.values()))


def main() -> None:
    print(f"running on {torch.__name__}")
    print("Newton's method on the Rosenbrock function, from (-1.2, 1):")
    p = newton(rosenbrock, torch.tensor([-1.2, 1.0], dtype=torch.float64))
    print(f"  minimum found at ({p[0].item():.6f}, {p[1].item():.6f}); exact: (1, 1)")
    A = torch.tensor([[2.0, 1.0], [0.0, 3.0]], dtype=torch.float64)
    H = from_func.hessian(lambda v: v @ A @ v)(torch.ones(2, dtype=torch.float64))
    print(f"  the Hessian of x^T A x is A + A^T: {H.tolist()}")

    x, y = make_data()
    params = init_params()
    t = time.perf_counter()
    norms = per_example_norms(params, x, y)
    t_vmap = time.perf_counter() - t
    t = time.perf_counter()
    loop = torch.stack([torch.sqrt(sum((g ** 2).sum() for g in from_func.grad(loss_one)(
        params, x[i], y[i]).values())) for i in range(x.shape[0])])
    t_loop = time.perf_counter() - t
    print(f"\nper-example gradient norms of {x.shape[0]} examples "
          f"(vmap {t_vmap * 1e3:.1f} ms, loop {t_loop * 1e3:.1f} ms; "
          f"max difference {(norms - loop).abs().max().item():.1e}):")
    top = sorted(range(len(norms)), key=lambda i: -norms[i].item())[:6]
    for i in top:
        print(f"  example {i:3d} (class {y[i].item()}): |grad| = {norms[i].item():.4f}")
    print(f"  mean |grad| = {norms.mean().item():.4f}")


if __name__ == "__main__":
    main()
