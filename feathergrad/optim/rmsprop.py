"""RMSprop and Adagrad (PyTorch's single-tensor algorithms)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import _dtype
from ..tensor import Tensor
from .adam import lerp_
from .optimizer import Optimizer, bump, grads_of

__all__ = ["RMSprop", "Adagrad"]


def _step_tensor() -> Tensor:
    return Tensor._make(np.array(0.0, dtype=_dtype.float32.np))


class RMSprop(Optimizer):
    r"""RMSprop: v = alpha v + (1 - alpha) g²; p -= lr g / (sqrt(v) + eps)
    (centered: v minus the squared running mean of g; momentum: on g / (sqrt(v) + eps))."""

    def __init__(self, params: Any, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Callable | None = None) -> Any:
        loss = self._closure(closure)
        for group in self.param_groups:
            lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
            wd, mom, centered = group["weight_decay"], group["momentum"], group["centered"]
            for p, d, g in grads_of(group):
                t = d.dtype.type
                st = self.state[p]
                if not st:
                    st["step"] = _step_tensor()
                    st["square_avg"] = Tensor._make(np.zeros_like(d))
                    if mom > 0:
                        st["momentum_buffer"] = Tensor._make(np.zeros_like(d))
                    if centered:
                        st["grad_avg"] = Tensor._make(np.zeros_like(d))
                if group["maximize"]:
                    g = -g
                st["step"]._data += 1
                if wd != 0:
                    g = g + d * t(wd)
                v = st["square_avg"]._data
                v *= t(alpha)
                v += t(1 - alpha) * g * g
                if centered:
                    ga = st["grad_avg"]._data
                    lerp_(ga, g, 1 - alpha)
                    avg = np.sqrt(v + t(-1) * ga * ga)
                else:
                    avg = np.sqrt(v)
                avg += t(eps)
                if mom > 0:
                    buf = st["momentum_buffer"]._data
                    buf *= t(mom)
                    buf += g / avg
                    d += t(-lr) * buf
                else:
                    d += t(-lr) * g / avg
                bump(p)
        return loss


class Adagrad(Optimizer):
    r"""Adagrad: s += g²; p -= lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps)."""

    def __init__(self, params: Any, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                st = self.state[p]
                st["step"] = _step_tensor()
                st["sum"] = Tensor._make(np.full_like(p._data, initial_accumulator_value))

    def step(self, closure: Callable | None = None) -> Any:
        loss = self._closure(closure)
        for group in self.param_groups:
            lr, lr_decay, eps, wd = group["lr"], group["lr_decay"], group["eps"], \
                group["weight_decay"]
            for p, d, g in grads_of(group):
                t = d.dtype.type
                st = self.state[p]
                st["step"]._data += 1
                step = float(st["step"]._data)
                if group["maximize"]:
                    g = -g
                if wd != 0:
                    g = g + d * t(wd)
                clr = lr / (1 + (step - 1) * lr_decay)
                s = st["sum"]._data
                s += g * g
                std = np.sqrt(s)
                std += t(eps)
                d += t(-clr) * g / std
                bump(p)
        return loss
