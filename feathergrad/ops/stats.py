"""Statistics: var, std (with Bessel's correction), var_mean, std_mean, logsumexp."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor
from ._core import HANDLED, defop
from ._multi import jointop
from .reduce import check_tensor, data, expand_back, keep, reduce_dims

__all__ = [
    "var",
    "std",
    "var_mean",
    "std_mean",
    "logsumexp",
]


# ---- var and std ----------------------------------------------------------------------
def _var_fwd(x, axes, keepdims, c, n):
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = x - np.mean(x, axis=axes, keepdims=True)
        sq = dev * dev if x.dtype.kind != "c" else (dev * dev.conj()).real
        r = np.sum(sq, axis=axes, keepdims=keepdims) / _bmax(n - c, 0)
        # NOTE: NumPy < 2 widens a 0-d float32 divided by a Python number to float64
        return r.astype(sq.dtype, copy=False)


def _std_fwd(x, axes, keepdims, c, n):
    return np.sqrt(_var_fwd(x, axes, keepdims, c, n))


def _bmax(a: float, b: float) -> float:
    return a if a > b else b


def _var_rule(g, out, x, axes, keepdims, c, n):
    dof = _bmax(n - c, 0)
    scale = 2.0 / dof if dof else float("inf")
    return (keep(g, x.shape, axes, keepdims) * scale) * (x - np.mean(x, axis=axes, keepdims=True))


def _std_rule(g, out, x, axes, keepdims, c, n):
    # NOTE: std'(x) = (x - mean) / (dof * std); where std == 0 the gradient is 0 (PyTorch's
    # masked_fill), not 0/0.
    with np.errstate(divide="ignore", invalid="ignore"):
        gv = np.where(data(out) == 0, 0, g / (out * 2))
    return _var_rule(gv, None, x, axes, keepdims, c, n)


_var = defop("var", _var_fwd, "VarBackward0", x=_var_rule)
_std = defop("std", _std_fwd, "StdBackward0", x=_std_rule)


def _moments_rule(rule: Any) -> Any:
    def joint(g, out, needs, ins, axes, keepdims, c, n):
        x = ins[0]
        gs, gm = g
        res = None
        if gs is not None:
            res = rule(gs, out[0], x, axes, keepdims, c, n)
        if gm is not None:
            r = expand_back(gm, x.shape, axes, keepdims) / n
            res = r if res is None else res + r
        return [res]
    return joint


def _moments_fwd(fwd: Any) -> Any:
    def f(arrays, axes, keepdims, c, n):
        x = arrays[0]
        return fwd(x, axes, keepdims, c, n), np.mean(x, axis=axes, keepdims=keepdims)
    return f


_var_mean = jointop("var_mean", "VarMeanBackward0", _moments_fwd(_var_fwd),
                    _moments_rule(_var_rule), n_out=2)
_std_mean = jointop("std_mean", "StdMeanBackward0", _moments_fwd(_std_fwd),
                    _moments_rule(_std_rule), n_out=2)


def _var_args(input: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: Any,
              axis: Any, keepdims: Any, fname: str) -> tuple:
    check_tensor(input, fname)
    if isinstance(dim, bool):              # std(x, unbiased) overload
        if unbiased is not None:
            raise TypeError(f"{fname}() received an invalid combination of arguments")
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{fname}() received an invalid combination of arguments - got "
                        f"(correction={type(correction).__name__}, unbiased=bool, ), but "
                        "expected one of: unbiased= or correction=, not both (correction=0 is "
                        "unbiased=False, correction=1 is unbiased=True)")
    c = correction if correction is not None else (1 if unbiased is None else int(unbiased))
    if keepdims is not None:
        keepdim = keepdims
    d = input._data
    if d.dtype.kind not in "fc":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    axes = reduce_dims(input, dim, axis, fname)
    n = d.size if axes is None else int(np.prod([d.shape[a] for a in axes]))
    if n - c <= 0:
        warnings.warn(f"{fname}(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)
    return input, axes, bool(keepdim), c, n


def var(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False,
        *, correction: float | None = None, axis: Any = None,
        keepdims: bool | None = None) -> Tensor:
    """Variance over `dim` (all by default): sum((x - mean)^2) / (N - correction), with
    correction=1 (Bessel) unless told otherwise (``unbiased=False`` means correction=0).

    >>> var(tensor([1., 2., 3., 4.]))
    tensor(1.6667)
    """
    x, axes, kd, c, n = _var_args(input, dim, unbiased, keepdim, correction, axis, keepdims,
                                  "var")
    return _var(x, axes, kd, c, n)


def std(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False,
        *, correction: float | None = None, axis: Any = None,
        keepdims: bool | None = None) -> Tensor:
    """Standard deviation, sqrt of `var` (same arguments). Its gradient where std is 0 is 0
    (PyTorch's convention).

    >>> std(tensor([1., 2., 3., 4.]), correction=0)
    tensor(1.1180)
    """
    x, axes, kd, c, n = _var_args(input, dim, unbiased, keepdim, correction, axis, keepdims,
                                  "std")
    return _std(x, axes, kd, c, n)


def var_mean(input: Tensor, dim: Any = None, unbiased: bool | None = None,
             keepdim: bool = False, *, correction: float | None = None) -> tuple:
    """``(var, mean)`` in one pass; both outputs share one graph node.

    >>> var_mean(tensor([1., 3.]))
    (tensor(2.), tensor(2.))
    """
    x, axes, kd, c, n = _var_args(input, dim, unbiased, keepdim, correction, None, None,
                                  "var_mean")
    return _var_mean((x,), axes, kd, c, n)


def std_mean(input: Tensor, dim: Any = None, unbiased: bool | None = None,
             keepdim: bool = False, *, correction: float | None = None) -> tuple:
    """``(std, mean)`` in one pass; both outputs share one graph node.

    >>> std_mean(tensor([1., 3.]))
    (tensor(1.4142), tensor(2.))
    """
    x, axes, kd, c, n = _var_args(input, dim, unbiased, keepdim, correction, None, None,
                                  "std_mean")
    return _std_mean((x,), axes, kd, c, n)


# ---- logsumexp ------------------------------------------------------------------------
def _lse_fwd(x, axes, keepdims):
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if x.size == 0:
            return np.log(np.sum(np.exp(x), axis=axes, keepdims=keepdims))
        # NOTE: shift by the max so exp never overflows; an infinite max is not subtracted
        m = np.amax(x, axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0).astype(x.dtype, copy=False)
        r = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
    if keepdims:
        return r
    return r.reshape(tuple(s for i, s in enumerate(r.shape) if axes is not None and i not in axes))


def _lse_rule(g, out, x, axes, keepdims):
    shape = x.shape
    return keep(g, shape, axes, keepdims) * np.exp(x - keep(out, shape, axes, keepdims))


_logsumexp = defop("logsumexp", _lse_fwd, "LogsumexpBackward0", x=_lse_rule)


def logsumexp(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
              keepdims: bool | None = None) -> Tensor:
    """log(sum(exp(x))) over `dim`, computed without overflow. Its gradient is softmax(x).

    >>> logsumexp(tensor([1000., 1000.]), 0)
    tensor(1000.6931)
    """
    check_tensor(input, "logsumexp")
    if dim is None and axis is None:
        raise TypeError("logsumexp() missing 1 required positional arguments: \"dim\"")
    if input._data.dtype.kind not in "fc":
        input = input.to(_dtype.get_default_dtype())
    axes = reduce_dims(input, dim, axis, "logsumexp")
    return _logsumexp(input, axes, bool(keepdim if keepdims is None else keepdims))


def _np_var(f: Any) -> Any:
    def fn(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
        if dtype is not None:
            a = a.to(dtype)
        return f(a, axis, keepdim=bool(keepdims), correction=ddof)
    return fn


Tensor.var, Tensor.std, Tensor.logsumexp = var, std, logsumexp
HANDLED.update({np.var: _np_var(var), np.std: _np_var(std)})
