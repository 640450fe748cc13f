"""Gradient clipping: by total norm (clip_grad_norm_) or elementwise (clip_grad_value_)."""

from __future__ import annotations

import warnings
from typing import Any, Iterable

import numpy as np

from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm"]


def _params(parameters: Any) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def _norm(a: np.ndarray, p: float) -> np.ndarray:
    if p == float("inf"):
        return np.max(np.abs(a)) if a.size else np.zeros((), a.dtype)
    if p == 2:
        return np.sqrt(np.dot(a.ravel(), a.ravel()))
    return np.sum(np.abs(a) ** p) ** (1.0 / p)


def get_total_norm(tensors: Any, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """The p-norm of the norms of `tensors` (= the norm of all their elements together)."""
    ts = _params(tensors)
    if not ts:
        return Tensor._make(np.array(0.0, dtype=np.float32))
    norm_type = float(norm_type)
    arrs = [t._data for t in ts]
    norms = np.array([_norm(a, norm_type) for a in arrs], dtype=arrs[0].dtype)
    total = np.asarray(_norm(norms, norm_type), dtype=arrs[0].dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` "
                           "is non-finite, so it cannot be clipped. To disable this error and "
                           "scale the gradients by the non-finite norm anyway, set "
                           "`error_if_nonfinite=False`")
    return Tensor._make(total)


def clip_grad_norm_(parameters: Any, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Scale all gradients together so that their total norm is at most max_norm.

    Multiplies every gradient by min(1, max_norm / (total_norm + 1e-6)) in place, as PyTorch
    does, and returns the total norm before clipping.
    """
    grads = [p._grad for p in _params(parameters) if p._grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    if not grads:
        return total
    coef = min(float(max_norm) / (float(total._data) + 1e-6), 1.0)
    for g in grads:
        d = g._data
        d *= d.dtype.type(coef)
        g._vc[0] += 1
    return total


def clip_grad_norm(parameters: Any, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Any, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient element into [-clip_value, clip_value] in place."""
    v = float(clip_value)
    for p in _params(parameters):
        g = p._grad
        if g is not None:
            np.clip(g._data, -v, v, out=g._data)
            g._vc[0] += 1


_ = Iterable
