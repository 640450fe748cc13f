"""Losses. Pointwise losses and the negative log-likelihood family are fused primitives (one
pass forward, one node, PyTorch's node names); variants PyTorch itself composes (label
smoothing, probability targets, weighted pointwise losses, KL divergence) are compositions.

A pointwise loss's rule is ``elementwise derivative * g`` where g is the incoming gradient,
divided by the element count for ``reduction='mean'`` (broadcasting spreads a scalar g).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops._core import defop
from ..tensor import Tensor
from ._util import (
    as_tensor_arg,
    check_shapes_warn,
    reduce_fwd,
    reduction_of,
    scale_g,
    sigmoid_any,
    softplus_np,
)
from .functional_act import _log_softmax, _softmax, _softplus, exp_quiet

__all__ = [
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "kl_div",
    "soft_margin_loss", "poisson_nll_loss",
]

_make = Tensor._make


def _arr(t: Any) -> Any:
    return t._data if isinstance(t, Tensor) else t


def _bshape(input: Tensor, target: Tensor) -> int:
    try:
        shape = np.broadcast_shapes(input._data.shape, target._data.shape)
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({input._data.shape[-1]}) must match the size "
                           f"of tensor b ({target._data.shape[-1]}) at non-singleton dimension "
                           f"{input._data.ndim - 1}") from None
    return int(np.prod(shape, dtype=np.int64))


def _pair(input: Any, target: Any, name: str) -> tuple:
    input = as_tensor_arg(input, name)
    target = as_tensor_arg(target, name, "target", 2)
    check_shapes_warn(input, target)
    return input, target


# ---- pointwise losses -----------------------------------------------------------------------
def _mse_fwd(x, t, red, n):
    d = x - t
    return reduce_fwd(d * d, red)


_mse = defop("mse_loss", _mse_fwd, "MseLossBackward0",
             x=lambda g, out, x, t, red, n: scale_g(g, red, n) * (2 * (x - t)),
             t=lambda g, out, x, t, red, n: scale_g(g, red, n) * (2 * (t - x)))


def _smooth_l1_fwd(x, t, red, n, beta):
    d = np.abs(x - t)
    if beta == 0:
        return reduce_fwd(d, red)
    return reduce_fwd(np.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), red)


def _smooth_l1_grad(g, d, beta):
    # NOTE: PyTorch: -g below -beta, g above beta, g * d / beta between (0 at d == 0)
    if beta == 0:
        return g * np.sign(d)
    return np.where(d < -beta, -g, np.where(d > beta, g, g * (d / beta)))


_smooth_l1 = defop(
    "smooth_l1_loss", _smooth_l1_fwd, "SmoothL1LossBackward0",
    x=lambda g, out, x, t, red, n, beta: _smooth_l1_grad(scale_g(g, red, n), x - t, beta),
    t=lambda g, out, x, t, red, n, beta: _smooth_l1_grad(scale_g(g, red, n), t - x, beta))


def _huber_fwd(x, t, red, n, delta):
    d = np.abs(x - t)
    return reduce_fwd(np.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta)), red)


def _huber_grad(g, d, delta):
    return np.where(d < -delta, -g * delta, np.where(d > delta, g * delta, g * d))


_huber = defop(
    "huber_loss", _huber_fwd, "HuberLossBackward0",
    x=lambda g, out, x, t, red, n, delta: _huber_grad(scale_g(g, red, n), x - t, delta),
    t=lambda g, out, x, t, red, n, delta: _huber_grad(scale_g(g, red, n), t - x, delta))


def _weighted(l: Tensor, weight: Any, input: Tensor, reduction: str, mean_by_weight: bool
              ) -> Tensor:
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    wl = l * weight
    if reduction == "none":
        return wl
    if reduction == "sum":
        return wl.sum()
    return wl.sum() / weight.sum() if mean_by_weight else wl.mean()


def mse_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean (or sum, or elementwise) squared error.

    >>> mse_loss(tensor([1., 2.]), tensor([0., 0.]))
    tensor(2.5000)
    """
    input, target = _pair(input, target, "mse_loss")
    reduction = reduction_of(size_average, reduce, reduction)
    if weight is not None:
        d = input - target
        return _weighted(d * d, weight, input, reduction, True)
    return _mse(input, target, reduction, _bshape(input, target))


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error (subgradient 0 where input == target)."""
    input, target = _pair(input, target, "l1_loss")
    reduction = reduction_of(size_average, reduce, reduction)
    a = (input - target).abs()
    if weight is not None:
        return _weighted(a, weight, input, reduction, True)
    return a if reduction == "none" else (a.sum() if reduction == "sum" else a.mean())


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d²/beta where |d| < beta, |d| - beta/2 elsewhere (d = input - target)."""
    input, target = _pair(input, target, "smooth_l1_loss")
    reduction = reduction_of(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _smooth_l1(input, target, reduction, _bshape(input, target), float(beta))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """0.5 d² where |d| < delta, delta (|d| - delta/2) elsewhere."""
    input, target = _pair(input, target, "huber_loss")
    reduction = reduction_of(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:
        l = _huber(input, target, "none", 1, float(delta))
        return _weighted(l, weight, input, reduction, False)
    return _huber(input, target, reduction, _bshape(input, target), float(delta))


# ---- binary cross-entropy --------------------------------------------------------------------
def _bce_fwd(x, t, w, red, n):
    # NOTE: logs are clamped at -100 (PyTorch), so x == 0 or 1 gives a finite loss
    with np.errstate(divide="ignore"):
        lx = np.maximum(np.log(x), -100)
        l1x = np.maximum(np.log1p(-x), -100)
    l = -((t * (lx - l1x) + l1x) if w is None else w * (t * (lx - l1x) + l1x))
    return reduce_fwd(l, red)


def _bce_x(g, out, x, t, w, red, n):
    r = scale_g(g, red, n) * (x - t) / np.clip((1 - x) * x, 1e-12, None)
    return r if w is None else r * w


def _bce_t(g, out, x, t, w, red, n):
    r = scale_g(g, red, n) * (np.log(1 - x) - np.log(x))
    return r if w is None else r * w


_bce = defop("binary_cross_entropy", _bce_fwd, "BinaryCrossEntropyBackward0",
             x=_bce_x, t=_bce_t)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: Any = None, reduce: Any = None,
                         reduction: str = "mean") -> Tensor:
    """-w (t log x + (1 - t) log(1 - x)) for probabilities x in [0, 1] (logs clamped at -100)."""
    input = as_tensor_arg(input, "binary_cross_entropy")
    target = as_tensor_arg(target, "binary_cross_entropy", "target", 2)
    reduction = reduction_of(size_average, reduce, reduction)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    x = input._data
    if x.size and (np.nanmin(x) < 0 or np.nanmax(x) > 1):
        raise RuntimeError("all elements of input should be between 0 and 1\nfeathergrad: "
                           "binary_cross_entropy takes probabilities; for raw scores (logits) "
                           "use binary_cross_entropy_with_logits, which is also more stable.")
    w = None
    if weight is not None:
        if isinstance(weight, Tensor) and weight.requires_grad:
            raise RuntimeError("The function 'binary_cross_entropy' is not differentiable with "
                               "respect to argument 'weight'. This input cannot have "
                               "requires_grad True.")
        w = np.broadcast_to(_arr(weight), x.shape).astype(x.dtype, copy=False)
    return _bce(input, target, w, reduction, x.size)


def _bcel_fwd(x, t, w, pw, red, n):
    sp = softplus_np(-x)   # -log(sigmoid(x)), stable
    if pw is None:
        l = (1 - t) * x + sp
    else:
        l = (1 - t) * x + (1 + (pw - 1) * t) * sp
    return reduce_fwd(l if w is None else l * w, red)


def _bcel_x(g, out, x, t, w, pw, red, n):
    s = sigmoid_any(x)
    r = (s - t) if pw is None else (s * (1 + (pw - 1) * t) - pw * t)
    r = scale_g(g, red, n) * r
    return r if w is None else r * w


def _softplus_any(x: Any) -> Any:
    return _softplus(x, 1.0, 20.0) if type(x) is Tensor else softplus_np(x)


def _bcel_t(g, out, x, t, w, pw, red, n):
    r = -x if pw is None else (pw - 1) * _softplus_any(-x) - x
    r = scale_g(g, red, n) * r
    return r if w is None else r * w


_bcel = defop("binary_cross_entropy_with_logits", _bcel_fwd,
              "BinaryCrossEntropyWithLogitsBackward0", x=_bcel_x, t=_bcel_t)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average: Any = None,
                                     reduce: Any = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross-entropy of sigmoid(input), computed stably from the logits:
    (1 - t) x + (1 + (pos_weight - 1) t) log(1 + exp(-x)), times weight."""
    input = as_tensor_arg(input, "binary_cross_entropy_with_logits")
    target = as_tensor_arg(target, "binary_cross_entropy_with_logits", "target", 2)
    reduction = reduction_of(size_average, reduce, reduction)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    x = input._data
    w = None if weight is None else np.asarray(_arr(weight), dtype=x.dtype)
    pw = None if pos_weight is None else np.asarray(_arr(pos_weight), dtype=x.dtype)
    n = int(np.prod(np.broadcast_shapes(x.shape, *(a.shape for a in (w, pw) if a is not None)),
                    dtype=np.int64))
    return _bcel(input, target, w, pw, reduction, n)


# ---- negative log-likelihood and cross-entropy ----------------------------------------------
def _nll_prep(x: np.ndarray, t: np.ndarray, w: Any, ii: int | None) -> tuple:
    """Safe indices and per-target weights (0 where ignored; None when all are 1).

    `ii` is None when no target equals ignore_index (the wrapper checked), the fast case."""
    if ii is None:
        return t, (None if w is None else w[t].astype(x.dtype, copy=False))
    ignored = t == ii
    safe = np.where(ignored, 0, t)
    wt = np.ones(t.shape, dtype=x.dtype) if w is None else w[safe].astype(x.dtype)
    wt[ignored] = 0
    return safe, wt


def _pick(x: np.ndarray, safe: np.ndarray) -> np.ndarray:
    if x.ndim == 1:
        return x[safe]
    if x.ndim == 2:
        return x[np.arange(x.shape[0]), safe]
    return np.take_along_axis(x, safe[:, None], axis=1)[:, 0]


def _nll_reduce(l: np.ndarray, wt: np.ndarray | None, red: str) -> np.ndarray:
    if red == "none":
        return l
    if wt is None:
        if red == "sum" or not l.size:
            return l.sum() if red == "sum" else l.mean()
        return l.sum() / l.dtype.type(l.size)
    s = l.sum()
    if red == "sum":
        return s
    with np.errstate(invalid="ignore", divide="ignore"):
        return s / wt.sum()   # NOTE: all targets ignored -> nan, as in PyTorch


def _nll_fwd(x, t, w, ii, red):
    safe, wt = _nll_prep(x, t, w, ii)
    picked = _pick(x, safe)
    return _nll_reduce(-picked if wt is None else -wt * picked, wt, red)


def _coef(x: Any, t: np.ndarray, w: Any, ii: int | None, red: str) -> np.ndarray:
    """d loss / d x of the picked entries (-weight / normaliser at each target, zeros
    elsewhere); the incoming gradient is still to be multiplied in."""
    xd = x if type(x) is np.ndarray else x._data
    safe, wt = _nll_prep(xd, t, w, ii)
    if wt is None:
        wt = np.full(t.shape, 1.0 / t.size if red == "mean" else 1.0, dtype=xd.dtype)
    elif red == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            wt = wt / wt.sum()
    m = np.zeros(xd.shape, dtype=xd.dtype)
    if xd.ndim == 1:
        m[safe] = -wt
    elif xd.ndim == 2:
        m[np.arange(xd.shape[0]), safe] = -wt
    else:
        np.put_along_axis(m, safe[:, None], -wt[:, None], axis=1)
    return m


def _g_b(g: Any, red: str, ndim: int) -> Any:
    """The incoming gradient, with a class axis for reduction='none'."""
    if red != "none" or ndim == 1:
        return g
    return g.reshape(g.shape[:1] + (1,) + tuple(g.shape[1:]))


_nll = defop("nll_loss", _nll_fwd, "NllLossBackward0",
             x=lambda g, out, x, t, w, ii, red: _coef(x, t, w, ii, red) * _g_b(g, red, x.ndim))
_nll2d = defop("nll_loss2d", _nll_fwd, "NllLoss2DBackward0",
               x=lambda g, out, x, t, w, ii, red: _coef(x, t, w, ii, red) * _g_b(g, red, x.ndim))


def _softmax_np(x: np.ndarray, axis: int) -> np.ndarray:
    e = exp_quiet(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def _ce_fwd(x, t, w, ii, red):
    safe, wt = _nll_prep(x, t, w, ii)
    axis = 0 if x.ndim == 1 else 1
    m = x.max(axis=axis, keepdims=True)
    lse = np.log(exp_quiet(x - m).sum(axis=axis))
    lse += m.reshape(lse.shape)
    l = lse - _pick(x, safe)
    return _nll_reduce(l if wt is None else wt * l, wt, red)


def _ce_rule(g, out, x, t, w, ii, red):
    # d/dx of -w_t log_softmax(x)[t] = w_t (softmax(x) - onehot(t))
    if type(x) is not Tensor and x.ndim == 2 and w is None and ii is None and red != "none":
        # NOTE: the common case, as a hand-written step would do it: (softmax - onehot) * g/N
        p = _softmax_np(x, 1)
        p[np.arange(x.shape[0]), t] -= 1
        p *= g / t.size if red == "mean" else g
        return p
    axis = 0 if x.ndim == 1 else 1
    m = _coef(x, t, w, ii, red)
    p = _softmax(x, axis) if type(x) is Tensor else _softmax_np(x, axis)
    return (p * -m.sum(axis=axis, keepdims=True) + m) * _g_b(g, red, x.ndim)


_ce = defop("cross_entropy", _ce_fwd, "NllLossBackward0", x=_ce_rule)
_ce2d = defop("cross_entropy2d", _ce_fwd, "NllLoss2DBackward0", x=_ce_rule)


def _check_target(input: Tensor, target: Tensor, weight: Any, name: str) -> tuple:
    x, t = input._data, target._data
    if t.dtype not in (np.int64, np.uint8):
        kind = {"float32": "Float", "float64": "Double", "bool": "Bool", "int32": "Int",
                "int16": "Short", "int8": "Char", "float16": "Half"}.get(t.dtype.name,
                                                                         t.dtype.name)
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {kind}\n"
                           "feathergrad: class-index targets are integers, e.g. "
                           "torch.tensor([0, 2, 1]) (int64)")
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if x.ndim == 1:
        if t.ndim != 0:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    else:
        if t.ndim != x.ndim - 1 or t.shape[0] != x.shape[0]:
            if t.ndim >= 1 and t.shape[0] != x.shape[0]:
                raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target "
                                 f"batch_size ({t.shape[0]}).")
            if x.ndim == 2:
                raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
            raise RuntimeError(f"Expected target size {[x.shape[0]] + list(x.shape[2:])}, got "
                               f"{list(t.shape)}")
        if t.shape[1:] != x.shape[2:]:
            raise RuntimeError(f"Expected target size {[x.shape[0]] + list(x.shape[2:])}, got "
                               f"{list(t.shape)}")
    c = x.shape[0 if x.ndim == 1 else 1]
    w = None
    if isinstance(weight, Tensor) and weight.requires_grad:
        raise RuntimeError("The function 'nll_loss_forward' is not differentiable with respect "
                           "to argument 'weight'. This input cannot have requires_grad True.")
    if weight is not None:
        w = np.asarray(_arr(weight), dtype=x.dtype)
        if w.shape != (c,):
            raise RuntimeError(f"weight tensor should be defined either for all {c} classes or "
                               f"no classes but got weight tensor of shape: {list(w.shape)}")
    return t, c, w


def _ignored_in(t: np.ndarray, c: int, ii: int) -> int | None:
    """Check the targets are classes (or ignore_index); ii if some are ignored, else None."""
    if not t.size:
        return None
    lo, hi = t.min(), t.max()
    if lo < 0 or hi >= c:
        bad = (t != ii) & ((t < 0) | (t >= c))
        if bad.any():
            raise IndexError(f"Target {t[bad].flat[0]} is out of bounds.")
    return ii if lo <= ii <= hi and (t == ii).any() else None


def _nll_like(ops: tuple, input: Tensor, target: Tensor, weight: Any, ignore_index: int,
              reduction: str, name: str) -> Tensor:
    t, c, w = _check_target(input, target, weight, name)
    ii = _ignored_in(t, c, ignore_index)
    nd = input._data.ndim
    if nd <= 2:
        return ops[0](input, t, w, ii, reduction)
    if nd == 3 and reduction == "none":
        # PyTorch runs 3-D input as 4-D and views the result back
        out = ops[1](input.unsqueeze(-1), t[..., None], w, ii, reduction)
        return out.view(t.shape)
    return ops[1](input, t, w, ii, reduction)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices: -weight[t] * input[n, t], input being
    log-probabilities of shape (C), (N, C) or (N, C, d1, ...). 'mean' divides by the sum of
    the weights of the targets that are not ``ignore_index``."""
    input = as_tensor_arg(input, "nll_loss")
    target = as_tensor_arg(target, "nll_loss", "target", 2)
    reduction = reduction_of(size_average, reduce, reduction)
    return _nll_like((_nll, _nll2d), input, target, weight, ignore_index, reduction, "nll_loss")


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy of logits `input` (C), (N, C) or (N, C, d1, ...) against class indices
    or class probabilities: ``nll_loss(log_softmax(input, 1), target)``, fused into one
    stable step for index targets.

    >>> cross_entropy(tensor([[0., 0.]]), tensor([1]))
    tensor(0.6931)
    """
    input = as_tensor_arg(input, "cross_entropy")
    target = as_tensor_arg(target, "cross_entropy", "target", 2)
    reduction = reduction_of(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    x, t = input._data, target._data
    if t.dtype.kind == "f" and x.ndim >= 1 and t.shape == x.shape:
        return _ce_prob(input, target, weight, reduction, label_smoothing)
    if t.dtype.kind == "f" and x.ndim >= 1 and x.ndim - 1 != t.ndim:
        raise RuntimeError("Expected floating point type for target with class probabilities, "
                           f"got {target.dtype}" if t.dtype.kind != "f" else
                           "0D or 1D target tensor expected, multi-target not supported")
    if label_smoothing > 0:
        return _ce_smooth(input, target, weight, ignore_index, reduction, label_smoothing)
    return _nll_like((_ce, _ce2d), input, target, weight, ignore_index, reduction,
                     "cross_entropy")


def _class_w(weight: Any, x: Tensor) -> Any:
    cdim = 0 if x.ndim == 1 else 1
    shape = [1] * x.ndim
    shape[cdim] = x.shape[cdim]
    w = weight if isinstance(weight, Tensor) else _make(np.asarray(weight, dtype=x._data.dtype))
    return w.reshape(shape)


def _ce_prob(input: Tensor, target: Tensor, weight: Any, reduction: str, ls: float) -> Tensor:
    # NOTE: PyTorch's composition, so node names and values match it
    cdim = 0 if input.ndim == 1 else 1
    c = input.shape[cdim]
    lsm = _log_softmax(input, cdim)
    if ls > 0:
        target = target * (1 - ls) + ls / c
    prod = lsm * target
    if weight is not None:
        prod = prod * _class_w(weight, input)
    if reduction == "none":
        return -prod.sum(cdim)
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum() / (input.numel() / c)


def _ce_smooth(input: Tensor, target: Tensor, weight: Any, ii: int, reduction: str,
               ls: float) -> Tensor:
    from ..ops.elementwise import where
    cdim = 0 if input.ndim == 1 else 1
    c = input.shape[cdim]
    lsm = _log_softmax(input, cdim)
    nll = nll_loss(lsm, target, weight, ignore_index=ii, reduction=reduction)
    t = target._data
    if weight is not None:
        smooth = -(lsm * _class_w(weight, input)).sum(cdim)
    else:
        smooth = -lsm.sum(cdim)
    ignored = t == ii
    smooth = where(_make(ignored), 0.0, smooth)
    if reduction == "mean":
        if weight is not None:
            w = np.asarray(_arr(weight))
            ret = smooth.sum() / float(w[t[~ignored]].sum())
        else:
            ret = smooth.sum() / float((~ignored).sum())
    elif reduction == "sum":
        ret = smooth.sum()
    else:
        ret = smooth
    return nll * (1 - ls) + ret * (ls / c)


# ---- other losses ----------------------------------------------------------------------------
def kl_div(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL(target || exp(input)) summed pointwise: target * (log(target) - input), with
    0 log 0 = 0; 'batchmean' divides the sum by the batch size (the mathematical KL)."""
    import warnings
    input = as_tensor_arg(input, "kl_div")
    target = as_tensor_arg(target, "kl_div", "target", 2)
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, "mean")
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", UserWarning, stacklevel=2)
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        l = target.exp() * (target - input)
    else:
        l = _xlogx(target) - target * input
    if reduction == "none":
        return l
    if reduction == "sum":
        return l.sum()
    if reduction == "batchmean":
        return l.sum() / input.shape[0] if input.ndim else l.sum()
    return l.mean()


def _xlogx(t: Tensor) -> Any:
    from ..ops.elementwise import where
    d = t._data
    pos = d > 0
    if not t.requires_grad:
        with np.errstate(divide="ignore", invalid="ignore"):
            return _make(np.where(pos, d * np.log(np.where(pos, d, 1)), 0).astype(d.dtype))
    safe = where(_make(pos), t, 1.0)
    return where(_make(pos), t * safe.log(), 0.0)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: Any = None,
                     reduce: Any = None, reduction: str = "mean") -> Tensor:
    """log(1 + exp(-target * input)), averaged."""
    reduction = reduction_of(size_average, reduce, reduction)
    l = _softplus(-(target * input), 1.0, 20.0)
    return l if reduction == "none" else (l.sum() if reduction == "sum" else l.mean())


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: Any = None, eps: float = 1e-8, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    """Poisson negative log-likelihood: exp(input) - target * input (log_input=True)."""
    reduction = reduction_of(size_average, reduce, reduction)
    if log_input:
        l = input.exp() - target * input
    else:
        l = input - target * (input + eps).log()
    if full:
        t = target._data
        st = np.where(t > 1, t * np.log(np.where(t > 1, t, 1)) - t
                      + 0.5 * np.log(2 * np.pi * np.where(t > 1, t, 1)), 0)
        l = l + _make(st.astype(t.dtype))
    return l if reduction == "none" else (l.sum() if reduction == "sum" else l.mean())
