"""Adam and AdamW (PyTorch's single-tensor algorithm, operation for operation)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import _dtype
from ..tensor import Tensor
from .optimizer import Optimizer, bump, grads_of

__all__ = ["Adam", "AdamW"]


def lerp_(a: np.ndarray, b: np.ndarray, w: float) -> None:
    """a += w * (b - a), in PyTorch's two-branch form (exact at w = 1)."""
    if w < 0.5:
        a += (b - a) * a.dtype.type(w)
    else:
        np.subtract(b, (b - a) * a.dtype.type(1 - w), out=a)


class Adam(Optimizer):
    r"""Adam: running averages m of the gradient and v of its square, bias-corrected.

        m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) g²
        p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    ``weight_decay`` adds ``wd * p`` to g (L2); AdamW (``decoupled_weight_decay``) instead
    multiplies p by ``1 - lr * wd`` first.
    """

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def step(self, closure: Callable | None = None) -> Any:
        loss = self._closure(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            wd, ams, maxi = group["weight_decay"], group["amsgrad"], group["maximize"]
            decoupled = group["decoupled_weight_decay"]
            for p, d, g in grads_of(group):
                t = d.dtype.type
                st = self.state[p]
                if not st:
                    st["step"] = Tensor._make(np.array(0.0, dtype=_dtype.float32.np))
                    st["exp_avg"] = Tensor._make(np.zeros_like(d))
                    st["exp_avg_sq"] = Tensor._make(np.zeros_like(d))
                    if ams:
                        st["max_exp_avg_sq"] = Tensor._make(np.zeros_like(d))
                if maxi:
                    g = -g
                st["step"]._data += 1
                step = float(st["step"]._data)
                if wd != 0:
                    if decoupled:
                        d *= t(1 - lr * wd)
                    else:
                        g = g + d * t(wd)
                m, v = st["exp_avg"]._data, st["exp_avg_sq"]._data
                lerp_(m, g, 1 - beta1)
                v *= t(beta2)
                v += t(1 - beta2) * g * g
                bc1 = 1 - beta1 ** step
                bc2_sqrt = (1 - beta2 ** step) ** 0.5
                if ams:
                    vm = st["max_exp_avg_sq"]._data
                    np.maximum(vm, v, out=vm)
                    denom = np.sqrt(vm)
                else:
                    denom = np.sqrt(v)
                denom /= t(bc2_sqrt)
                denom += t(eps)
                d += t(-(lr / bc1)) * m / denom
                bump(p)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (default 1e-2): p *= 1 - lr * wd before the step."""

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
