"""Activation checkpointing: run a segment without saving its intermediates, recompute them
during backward. Trades compute for memory, as ``torch.utils.checkpoint``."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import creation
from ..autograd import backward as _backward
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential"]


class _Checkpoint(Function):
    @staticmethod
    def forward(ctx: Any, run_function: Callable, preserve_rng_state: bool, *args: Any) -> Any:
        ctx.run_function = run_function
        ctx.rng_state = (creation._rng[0].bit_generator.state if preserve_rng_state else None)
        ctx.inputs = [a if not isinstance(a, Tensor) else None for a in args]
        ctx.tensor_idx = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> tuple:
        args = list(ctx.inputs)
        detached = []
        for i, t in zip(ctx.tensor_idx, ctx.saved_tensors):
            d = t.detach()
            d.requires_grad_(t.requires_grad)
            args[i] = d
            detached.append(d)
        if ctx.rng_state is not None:
            saved = creation._rng[0].bit_generator.state
            creation._rng[0].bit_generator.state = ctx.rng_state
        try:
            with enable_grad():
                outs = ctx.run_function(*args)
        finally:
            if ctx.rng_state is not None:
                creation._rng[0].bit_generator.state = saved
        outs = (outs,) if isinstance(outs, Tensor) else tuple(outs)
        pairs = [(o, g) for o, g in zip(outs, grads)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if pairs:
            _backward([o for o, _ in pairs], [g for _, g in pairs])
        res: list = [None, None] + [None] * len(ctx.inputs)
        for i, d in zip(ctx.tensor_idx, detached):
            res[2 + i] = d.grad if d.requires_grad else None
        return tuple(res)


def checkpoint(function: Callable, *args: Any, use_reentrant: bool | None = None,
               preserve_rng_state: bool = True, **kwargs: Any) -> Any:
    """``function(*args)`` without keeping its intermediate values; they are recomputed in
    backward. Parameters used inside `function` still receive gradients.

    >>> y = checkpoint(lambda h: (h @ w).relu(), x, use_reentrant=False)   # doctest: +SKIP
    """
    if kwargs:
        fn = function
        function = lambda *a: fn(*a, **kwargs)  # noqa: E731
    # NOTE: a dummy input that requires grad makes the segment part of the graph even when no
    # argument requires grad (parameters used inside `function` still get their gradients)
    return _Checkpoint.apply(lambda _d, *a: function(*a), preserve_rng_state, _dummy(), *args)


def _dummy() -> Tensor:
    return Tensor._make(np.zeros((), dtype=np.float32), None, True)


def checkpoint_sequential(functions: Any, segments: int, input: Any, *,
                          use_reentrant: bool | None = None, **kwargs: Any) -> Any:
    """Run a sequence of modules/functions in `segments` checkpointed chunks."""
    fns = list(functions.children()) if hasattr(functions, "children") else list(functions)
    size = max(1, int(np.ceil(len(fns) / segments)))

    def run(chunk: list) -> Callable:
        def f(x: Any) -> Any:
            for fn in chunk:
                x = fn(x)
            return x
        return f

    for s in range(0, len(fns), size):
        input = checkpoint(run(fns[s:s + size]), input, use_reentrant=use_reentrant)
    return input
