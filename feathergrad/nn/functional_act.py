"""Activations and softmax as op-table primitives: NumPy forward, one differentiable rule.

Rules use only what ndarrays and Tensors share (operators, ``np.where``/``np.tanh``/...,
``.sum(axis=, keepdims=)``) or the dispatchers in ``_util`` (``sigmoid_any``), so with
``create_graph=True`` the backward records its own graph and higher derivatives follow.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..creation import _rng
from ..ops._core import defop, unary
from ..ops.elementwise import mul, neg
from ..ops.elementwise import relu as _relu_op
from ..ops.elementwise import sigmoid as _sigmoid
from ..ops.elementwise import tanh as _tanh
from ..tensor import Tensor
from ._util import as_tensor_arg, inplace_apply, need_float, sigmoid_any, softplus_np

__all__ = [
    "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "selu_",
    "celu", "celu_", "gelu", "silu", "mish", "softplus", "softsign", "hardtanh", "hardtanh_",
    "hardsigmoid", "hardswish", "tanh", "sigmoid", "logsigmoid", "softmax", "softmin",
    "log_softmax", "dropout", "dropout1d", "dropout2d", "tanhshrink", "threshold",
]

_make = Tensor._make
_SQRT1_2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


# ---- the standard normal CDF (exact GELU) ---------------------------------------------
_erf_py = np.frompyfunc(math.erf, 1, 1)


def _ndtr_np(x: np.ndarray) -> np.ndarray:
    # NOTE: NumPy has no erf; libm's through frompyfunc is exact (and slower than a ufunc)
    return (0.5 * (1 + _erf_py(x * _SQRT1_2).astype(x.dtype))).astype(x.dtype, copy=False)


def _phi(x: Any) -> Any:
    """The standard normal density, in ops shared by ndarrays and Tensors."""
    return np.exp(x * x * -0.5) * _INV_SQRT_2PI


_ndtr = unary("special_ndtr", _ndtr_np, "SpecialNdtrBackward0",
              rule=lambda g, out, x: g * _phi(x))


def _ndtr_any(x: Any) -> Any:
    return _ndtr(x) if type(x) is Tensor else _ndtr_np(x)


# ---- primitives ---------------------------------------------------------------------------
def _leaky_fwd(x, slope):
    return np.where(x > 0, x, x * slope).astype(x.dtype, copy=False)


_leaky = defop("leaky_relu", _leaky_fwd, "LeakyReluBackward0",
               x=lambda g, out, x, slope: np.where(x > 0, g, g * slope))


def _elu_fwd(x, alpha, scale, iscale):
    neg_part = np.expm1(np.minimum(x, 0) * iscale) * (alpha * scale)
    return np.where(x > 0, x * scale, neg_part).astype(x.dtype, copy=False)


def _elu_rule(g, out, x, alpha, scale, iscale):
    # NOTE: x == 0 takes the exponential branch (slope alpha*scale*iscale), as in PyTorch
    return np.where(x > 0, g * scale, g * ((out + alpha * scale) * iscale))


_elu = defop("elu", _elu_fwd, "EluBackward0", x=_elu_rule)
_celu = defop("celu", _elu_fwd, "CeluBackward0", x=_elu_rule)


def _hardtanh_fwd(x, lo, hi):
    return np.clip(x, lo, hi).astype(x.dtype, copy=False)


# NOTE: zero gradient at the bounds themselves (PyTorch's convention)
_hardtanh = defop("hardtanh", _hardtanh_fwd, "HardtanhBackward0",
                  x=lambda g, out, x, lo, hi: np.where((x > lo) & (x < hi), g, 0))


def _gelu_fwd(x, approx):
    if approx == "tanh":
        inner = (x + 0.044715 * x * x * x) * math.sqrt(2 / math.pi)
        return (0.5 * x * (1 + np.tanh(inner))).astype(x.dtype, copy=False)
    return x * _ndtr_np(x)


def _gelu_rule(g, out, x, approx):
    if approx == "tanh":
        k_beta = math.sqrt(2 / math.pi)
        x_sq = x * x
        t = np.tanh((x + 0.044715 * x_sq * x) * k_beta)
        left = x * 0.5
        return g * ((1 + t) * 0.5 + left * (1 - t * t) * ((1 + 3 * 0.044715 * x_sq) * k_beta))
    return g * (_ndtr_any(x) + x * _phi(x))


_gelu = defop("gelu", _gelu_fwd, "GeluBackward0", x=_gelu_rule)


def _silu_rule(g, out, x):
    s = sigmoid_any(x)
    return g * (s * (1 + x * (1 - s)))


_silu = defop("silu", lambda x: (x * sigmoid_any(x)).astype(x.dtype, copy=False),
              "SiluBackward0", x=_silu_rule)


def _softplus_fwd(x, beta, threshold):
    bx = x * beta
    return np.where(bx > threshold, x, softplus_np(bx) / beta).astype(x.dtype, copy=False)


_softplus = defop("softplus", _softplus_fwd, "SoftplusBackward0",
                  x=lambda g, out, x, beta, threshold: np.where(
                      x * beta > threshold, g, g * sigmoid_any(x * beta)))


def _softplus_any(x: Any) -> Any:
    return _softplus(x, 1.0, 20.0) if type(x) is Tensor else _softplus_fwd(x, 1.0, 20.0)


def _mish_rule(g, out, x):
    tsp = np.tanh(_softplus_any(x))
    return g * (tsp + x * sigmoid_any(x) * (1 - tsp * tsp))


_mish = defop("mish", lambda x: (x * np.tanh(_softplus_fwd(x, 1.0, 20.0))).astype(x.dtype),
              "MishBackward0", x=_mish_rule)


def _logsigmoid_fwd(x):
    return (np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)


_logsigmoid = defop("logsigmoid", _logsigmoid_fwd, "LogSigmoidBackward0",
                    x=lambda g, out, x: g * sigmoid_any(-x))


def _hardsigmoid_fwd(x):
    return (np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)


_hardsigmoid = defop("hardsigmoid", _hardsigmoid_fwd, "HardsigmoidBackward0",
                     x=lambda g, out, x: np.where((x > -3) & (x < 3), g / 6, 0))


def _hardswish_fwd(x):
    return (x * np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)


# NOTE: PyTorch's kinks: slope 0 below -3, x/3 + 1/2 on [-3, 3], 1 above
_hardswish = defop("hardswish", _hardswish_fwd, "HardswishBackward0",
                   x=lambda g, out, x: np.where(x < -3, 0, np.where(x <= 3, g * (x / 3 + 0.5), g)))


def exp_quiet(a: Any) -> Any:
    """exp, without NumPy's warning when tiny results underflow to 0 (expected here)."""
    if type(a) is Tensor:
        return np.exp(a)
    with np.errstate(under="ignore"):
        return np.exp(a)


def _softmax_fwd(x, dim):
    if x.ndim == 0:
        return np.ones_like(x)
    e = exp_quiet(x - np.max(x, axis=dim, keepdims=True))
    e /= e.sum(axis=dim, keepdims=True)
    return e


def _log_softmax_fwd(x, dim):
    if x.ndim == 0:
        return np.zeros_like(x)
    s = x - np.max(x, axis=dim, keepdims=True)
    s -= np.log(exp_quiet(s).sum(axis=dim, keepdims=True))
    return s


_softmax = defop("softmax", _softmax_fwd, "SoftmaxBackward0",
                 x=lambda g, out, x, dim: out * (g - (g * out).sum(axis=dim, keepdims=True)))
_log_softmax = defop("log_softmax", _log_softmax_fwd, "LogSoftmaxBackward0",
                     x=lambda g, out, x, dim: g - exp_quiet(out) * g.sum(axis=dim, keepdims=True))


def _threshold_fwd(x, th, value):
    return np.where(x > th, x, value).astype(x.dtype, copy=False)


_threshold = defop("threshold", _threshold_fwd, "ThresholdBackward0",
                   x=lambda g, out, x, th, value: np.where(x > th, g, 0))


# ---- public functions ----------------------------------------------------------------------
def _inp(x: Any, name: str) -> Tensor:
    return x if type(x) is Tensor else as_tensor_arg(x, name)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(0, x). Gradient 0 at x == 0 (PyTorch's convention).

    >>> relu(tensor([-1., 2.]))
    tensor([0., 2.])
    """
    if inplace:
        return inplace_apply(_relu_op, input)
    return _relu_op(input)


def relu_(input: Tensor) -> Tensor:
    return relu(input, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(0, x), 6) (a hardtanh on [0, 6]); gradient 0 at both kinks."""
    return hardtanh(input, 0.0, 6.0, inplace)


def _run(prim: Any, input: Tensor, inplace: bool, *params: Any) -> Tensor:
    return inplace_apply(prim, input, *params) if inplace else prim(input, *params)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope * x otherwise (slope negative_slope at 0)."""
    input = _inp(input, "leaky_relu")
    need_float(input, "leaky_relu_cpu")
    return _run(_leaky, input, inplace, negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    input = _inp(input, "elu")
    need_float(input, "elu_cpu")
    return _run(_elu, input, inplace, float(alpha), 1.0, 1.0)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants."""
    input = _inp(input, "selu")
    need_float(input, "elu_cpu")
    return _run(_elu, input, inplace, _SELU_ALPHA, _SELU_SCALE, 1.0)


def selu_(input: Tensor) -> Tensor:
    return selu(input, True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    input = _inp(input, "celu")
    need_float(input, "elu_cpu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _run(_celu, input, inplace, float(alpha), 1.0, 1.0 / alpha)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) (Phi the standard normal CDF), or its tanh approximation."""
    input = _inp(input, "gelu")
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    need_float(input, "GeluKernelImpl")
    return _gelu(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (swish)."""
    input = _inp(input, "silu")
    need_float(input, "silu_cpu")
    return _run(_silu, input, inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    input = _inp(input, "mish")
    need_float(input, "mish_cpu")
    return _run(_mish, input, inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold."""
    input = _inp(input, "softplus")
    need_float(input, "softplus_cpu")
    return _softplus(input, beta, threshold)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """x clipped to [min_val, max_val]; gradient 0 outside and at the bounds."""
    input = _inp(input, "hardtanh")
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _run(_hardtanh, input, inplace, min_val, max_val)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, True)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6."""
    input = _inp(input, "hardsigmoid")
    need_float(input, "hardsigmoid_cpu")
    return _run(_hardsigmoid, input, inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6."""
    input = _inp(input, "hardswish")
    need_float(input, "hardswish_cpu")
    return _run(_hardswish, input, inplace)


def tanh(input: Tensor) -> Tensor:
    return _tanh(input)


def sigmoid(input: Tensor) -> Tensor:
    return _sigmoid(input)


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)), computed without overflow."""
    input = _inp(input, "logsigmoid")
    need_float(input, "log_sigmoid_cpu")
    return _logsigmoid(input)


def tanhshrink(input: Tensor) -> Tensor:
    return input - _tanh(input)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value."""
    return _run(_threshold, _inp(input, "threshold"), inplace, threshold, value)


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _prep_softmax(input: Any, dim: Any, dtype: Any, name: str, kernel: str,
                  stacklevel: int) -> tuple:
    input = _inp(input, name)
    if dtype is not None:
        input = input.to(dtype)
    nd = input._data.ndim
    if dim is None:
        dim = _softmax_dim(name, nd, stacklevel + 1)
    n = max(nd, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    need_float(input, kernel)
    return input, dim % n if nd else 0


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim` (stable: the maximum is subtracted first).

    >>> softmax(tensor([1000., 1000.]), dim=0)
    tensor([0.5000, 0.5000])
    """
    input, dim = _prep_softmax(input, dim, dtype, "softmax", "softmax_lastdim_kernel_impl",
                               _stacklevel)
    return _softmax(input, dim)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """softmax(-x)."""
    input, dim = _prep_softmax(input, dim, dtype, "softmin", "softmax_lastdim_kernel_impl",
                               _stacklevel)
    return _softmax(neg(input), dim)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:
    """x - log(sum(exp(x))) along `dim`, exact at large |x| (no overflow, no log(0))."""
    input, dim = _prep_softmax(input, dim, dtype, "log_softmax",
                               "log_softmax_lastdim_kernel_impl", _stacklevel)
    return _log_softmax(input, dim)


def _softmax_method(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    return softmax(self, dim, dtype=dtype)


def _log_softmax_method(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    return log_softmax(self, dim, dtype=dtype)


Tensor.softmax = _softmax_method
Tensor.log_softmax = _log_softmax_method


# ---- dropout -------------------------------------------------------------------------------
def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout_mask(shape: tuple, p: float, npdt: np.dtype) -> np.ndarray:
    # NOTE: feathergrad's generator, so manual_seed makes masks reproducible
    keep = _rng[0].random(shape, dtype=np.float64) >= p
    if p == 1.0:
        return np.zeros(shape, dtype=npdt)
    return keep.astype(npdt) * npdt.type(1.0 / (1.0 - p))


def _apply_mask(input: Tensor, mask: np.ndarray, inplace: bool) -> Tensor:
    if inplace:
        return inplace_apply(mul, input, _make(mask))
    return mul(input, _make(mask))


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
            ) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p) (training only).

    >>> _ = manual_seed(0); dropout(ones(4), 0.5)      # doctest: +SKIP
    tensor([2., 0., 2., 2.])
    """
    _check_p(p)
    input = _inp(input, "dropout")
    if not training or p == 0.0:
        return input
    need_float(input, "bernoulli_tensor_cpu_self_")
    return _apply_mask(input, _dropout_mask(input._data.shape, p, input._data.dtype), inplace)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool, nd: int,
                     name: str) -> Tensor:
    _check_p(p)
    input = _inp(input, name)
    d = input._data
    if d.ndim not in (nd, nd + 1):
        raise RuntimeError(f"{name}: Expected {nd}D or {nd + 1}D input, but received a "
                           f"{d.ndim}D input.")
    if not training or p == 0.0:
        return input
    batched = d.ndim == nd + 1
    shape = d.shape[:2] if batched else d.shape[:1]
    mask = _dropout_mask(shape + (1,) * (d.ndim - len(shape)), p, d.dtype)
    return _apply_mask(input, mask, inplace)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
              ) -> Tensor:
    """Zero whole channels of (N, C, L) input with probability p."""
    return _feature_dropout(input, p, training, inplace, 2, "dropout1d")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
              ) -> Tensor:
    """Zero whole channels of (N, C, H, W) input with probability p."""
    return _feature_dropout(input, p, training, inplace, 3, "dropout2d")

