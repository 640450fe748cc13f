"""SGD with momentum, dampening, Nesterov and weight decay (PyTorch's algorithm)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, step by step as PyTorch computes it:

        g = grad (+ weight_decay * p); negated when maximize
        buf = g (first step), else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf (nesterov) or buf (momentum != 0)
        p = p - lr * g
    """

    def __init__(self, params: Any, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure: Callable | None = None) -> Any:
        """One update of every parameter that has a gradient."""
        loss = self._closure(closure)
        for group in self.param_groups:
            lr, wd, mom = group["lr"], group["weight_decay"], group["momentum"]
            damp, nest, maxi = group["dampening"], group["nesterov"], group["maximize"]
            state = self.state
            for p in group["params"]:
                gt = p._grad
                if gt is None:
                    continue
                d, g = p._data, gt._data
                if maxi:
                    g = -g
                if wd != 0:
                    g = g + d * wd
                if mom != 0:
                    st = state[p]
                    buf = st.get("momentum_buffer")
                    if buf is None:
                        buf = st["momentum_buffer"] = Tensor._make(np.array(g, copy=True))
                    else:
                        b = buf._data
                        b *= mom
                        if damp == 0:
                            b += g
                        else:
                            b += g * (1 - damp)
                    g = g + buf._data * mom if nest else buf._data
                # NOTE: Python floats act as the parameter's dtype (float32 stays float32)
                d -= g * lr
                p._vc[0] += 1
        return loss
