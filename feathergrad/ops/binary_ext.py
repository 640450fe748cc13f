"""Binary and ternary elementwise ops beyond + - * /: rounding division and remainders, atan2,
maximum/minimum/fmax/fmin, hypot, copysign, xlogy, logaddexp, lerp, addcmul/addcdiv, clamp with
tensor bounds, shifts, and the ops PyTorch computes but refuses to differentiate (floor_divide,
heaviside): those get a ``NotImplemented`` node that raises on backward, as in PyTorch.

Ops with a Python-number operand get PyTorch's separate nodes (``RemainderBackward0`` for
``x % 2``, ``RemainderBackward1`` for ``x % y``); both follow PyTorch's type promotion.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _dtype
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ..tensor import Tensor
from ._core import HANDLED, binary, defop, unary_p
from .unary_ext import not_implemented_for, zeros_of

_make = Tensor._make
ndarray = np.ndarray

__all__ = [
    "floor_divide", "remainder", "fmod", "atan2", "arctan2", "maximum", "minimum", "fmax",
    "fmin", "hypot", "copysign", "xlogy", "logaddexp", "logaddexp2", "float_power", "lerp",
    "addcmul", "addcdiv", "clamp_min", "clamp_max", "heaviside", "bitwise_left_shift",
    "bitwise_right_shift",
]


# ---- ops PyTorch does not differentiate ---------------------------------------------------
class NotImplementedNode(Node):
    """The grad_fn of a result PyTorch computes but cannot differentiate; backward raises."""

    __slots__ = ("_op",)

    def name(self) -> str:
        return "torch::autograd::NotImplemented"

    def apply(self, g: Any, create_graph: bool) -> tuple:
        raise RuntimeError(f"derivative for aten::{self._op} is not implemented\nfeathergrad: "
                           f"{self._op} is piecewise constant or has no derivative in PyTorch; "
                           "detach its inputs (x.detach()) if no gradient should flow there.")


NotImplementedNode.__name__ = NotImplementedNode.__qualname__ = "NotImplemented"


def refuse_grad(out: Tensor, op: str, *inputs: Any) -> Tensor:
    """Give `out` a NotImplemented grad_fn when an input requires grad (as PyTorch does)."""
    if not _state.enabled:
        return out
    edges = tuple(t._edge() for t in inputs if type(t) is Tensor and t._requires_grad)
    if not edges:
        return out
    n = NotImplementedNode()
    n._op = op
    n.next_functions = edges
    return _make(out._data, n)


# ---- argument helpers ----------------------------------------------------------------------
def _is_num(v: Any) -> bool:
    return type(v) in (int, float, bool) or isinstance(v, np.generic)


def _tensors(name: str, input: Any, other: Any, second: str = "other") -> None:
    if type(input) is not Tensor:
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if type(other) is not Tensor:
        raise TypeError(f"{name}(): argument '{second}' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")


def with_scalar(input: Tensor, s: Any) -> tuple[Tensor, ndarray]:
    """`input` and a Python number as operands of one op, both in PyTorch's result dtype (the
    number as a 0-d array): an int tensor and a float give the default float, a float tensor
    keeps its dtype."""
    if isinstance(s, np.generic):
        s = s.item()
    rd = _dtype.result_np(input, s)
    if input._data.dtype != rd:
        input = input.to(_dtype.from_np(rd))
    return input, np.asarray(s).astype(rd)      # astype: ints wrap into narrow dtypes (PyTorch)


_C_TYPES = {"float16": "c10::Half", "int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t",
            "int32": "int"}


def check_fits(npdt: np.dtype, v: Any) -> None:
    """Ops that convert a number to the tensor's dtype (pow's exponent, clamp's bounds) refuse
    an overflow, as PyTorch does."""
    name = _C_TYPES.get(npdt.name)
    if name is None or type(v) is bool:
        return
    lim = np.finfo(npdt) if npdt.kind == "f" else np.iinfo(npdt)
    if (type(v) is int or npdt.kind == "f") and math.isfinite(v) and not lim.min <= v <= lim.max:
        raise RuntimeError(f"value cannot be converted to type {name} without overflow")


def _to_float(input: Tensor) -> Tensor:
    if input._data.dtype.kind in "fc":
        return input
    return _make(input._data.astype(_dtype._default[0].np))


def _kind_of(a: Any, b: Any) -> np.dtype:
    return a.dtype if isinstance(a, ndarray) else np.asarray(b).dtype


def _int_div_check(a: Any, b: Any, kernel: str) -> str:
    dt = _kind_of(a, b)
    k = dt.kind
    if k == "b":
        raise not_implemented_for(kernel, dt)
    if k in "iu" and not np.all(b):
        raise RuntimeError("ZeroDivisionError")
    return k


# ---- rounding division, remainders ---------------------------------------------------------
def _floor_div_fwd(a, b):
    _int_div_check(a, b, "div_floor_cpu")
    return np.floor_divide(a, b)   # NOTE: floats as Python's // (and PyTorch's div_floor)


def _trunc_div_fwd(a, b):
    if _int_div_check(a, b, "div_trunc_cpu") == "f":
        return np.trunc(np.true_divide(a, b))
    q = np.floor_divide(a, b)
    return q + ((q < 0) & (q * b != a))    # floor went one below a negative inexact quotient


def _rem_fwd(a, b):
    _int_div_check(a, b, "remainder_cpu")
    return np.remainder(a, b)      # sign of the divisor, as Python's %


def _fmod_fwd(a, b):
    _int_div_check(a, b, "fmod_cpu")
    return np.fmod(a, b)           # sign of the dividend, as C's fmod


_zero2 = lambda g, out, a, b: zeros_of(g)    # the rule of the piecewise-constant ops
# NOTE: div with rounding_mode has a zero gradient, as in PyTorch
div_trunc = binary("div_trunc", _trunc_div_fwd, "DivBackward2", a=_zero2, b=_zero2)
div_floor = binary("div_floor", _floor_div_fwd, "DivBackward2", a=_zero2, b=_zero2)
_floor_divide = binary("floor_divide", _floor_div_fwd, "", None, None)
_remainder_v = binary("remainder", _rem_fwd, "", None, None)


def _floordiv(a, b):
    if type(a) is Tensor or type(b) is Tensor:
        return div_floor(a, b)
    return np.floor_divide(a, b)


def _truncdiv(a, b):
    if type(a) is Tensor or type(b) is Tensor:
        return div_trunc(a, b)
    return np.trunc(a / b)


_remainder = binary("remainder", _rem_fwd, "RemainderBackward1", a=lambda g, out, a, b: g,
                    b=lambda g, out, a, b: -g * _floordiv(a, b))
_remainder_s = unary_p("remainder_scalar", _rem_fwd, "RemainderBackward0", lambda g, out, x, p: g)
_fmod = binary("fmod", _fmod_fwd, "FmodBackward1", a=lambda g, out, a, b: g,
               b=lambda g, out, a, b: -g * _truncdiv(a, b))
_fmod_s = unary_p("fmod_scalar", _fmod_fwd, "FmodBackward0", lambda g, out, x, p: g)


def floor_divide(input: Any, other: Any) -> Tensor:
    """input // other, rounded toward -inf. PyTorch does not differentiate it: the result of
    inputs that require grad has a NotImplemented grad_fn whose backward raises."""
    return refuse_grad(_floor_divide(input, other), "floor_divide", input, other)


def remainder(input: Any, other: Any) -> Tensor:
    """input - floor(input / other) * other (the sign of `other`, as Python's %).

    Gradient: 1 for input, -floor(input / other) for other (PyTorch's convention).

    >>> remainder(tensor([-3., 3.]), 2)
    tensor([1., 1.])
    """
    if type(input) is Tensor:
        if _is_num(other):
            return _remainder_s(*with_scalar(input, other))
        return _remainder(input, other)
    # NOTE: a number % tensor is computed but not differentiated, as in PyTorch
    return refuse_grad(_remainder_v(input, other), "remainder", other)


def fmod(input: Tensor, other: Any) -> Tensor:
    """input - trunc(input / other) * other (the sign of `input`, as C's fmod).

    Gradient: 1 for input, -trunc(input / other) for other.

    >>> fmod(tensor([-3., 3.]), 2)
    tensor([-1.,  1.])
    """
    if type(input) is not Tensor:
        raise TypeError(f"fmod(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if _is_num(other):
        return _fmod_s(*with_scalar(input, other))
    return _fmod(input, other)


# ---- two-argument functions ------------------------------------------------------------------
def _atan2_a(g, out, a, b):
    # NOTE: at a == b == 0 the gradient is 0 (PyTorch masks the 0/0)
    den = a * a + b * b
    return g * b / (den + (den == 0))


def _atan2_b(g, out, a, b):
    den = a * a + b * b
    return -g * a / (den + (den == 0))


_atan2 = binary("atan2", np.arctan2, "Atan2Backward0", a=_atan2_a, b=_atan2_b, kind="float")


def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle of the point (other, input): arctan(input / other) in the right quadrant."""
    _tensors("atan2", input, other)
    return _atan2(input, other)


arctan2 = atan2

# NOTE: at ties maximum/minimum split the gradient half/half between the operands; a nan
# operand makes the result nan and both get the gradient (PyTorch's convention)
_maximum = binary("maximum", np.maximum, "MaximumBackward0",
                  a=lambda g, out, a, b: np.where(a == b, g / 2, np.where(a < b, 0.0, g)),
                  b=lambda g, out, a, b: np.where(a == b, g / 2, np.where(a > b, 0.0, g)))
_minimum = binary("minimum", np.minimum, "MinimumBackward0",
                  a=lambda g, out, a, b: np.where(a == b, g / 2, np.where(a > b, 0.0, g)),
                  b=lambda g, out, a, b: np.where(a == b, g / 2, np.where(a < b, 0.0, g)))
# NOTE: fmax/fmin ignore nan; at ties the whole gradient goes to input (PyTorch's convention)
_fmax = binary("fmax", np.fmax, "FmaxBackward0",
               a=lambda g, out, a, b: np.where((a >= b) | np.isnan(b), g, 0.0),
               b=lambda g, out, a, b: np.where((a >= b) | np.isnan(b), 0.0, g))
_fmin = binary("fmin", np.fmin, "FminBackward0",
               a=lambda g, out, a, b: np.where((a <= b) | np.isnan(b), g, 0.0),
               b=lambda g, out, a, b: np.where((a <= b) | np.isnan(b), 0.0, g))


def _float_only(f: Any, kernel: str) -> Any:
    def fwd(a, b):
        dt = _kind_of(a, b)
        if dt.kind not in "fc":
            raise not_implemented_for(kernel, dt)
        return f(a, b)
    return fwd


# NOTE: hypot'(0, 0) is nan (0/0), as in PyTorch
_hypot = binary("hypot", _float_only(np.hypot, "hypot_cpu"), "HypotBackward0",
                a=lambda g, out, a, b: g * a / out, b=lambda g, out, a, b: g * b / out)
_logaddexp = binary("logaddexp", _float_only(np.logaddexp, "logaddexp_cpu"), "LogaddexpBackward0",
                    a=lambda g, out, a, b: g / (1 + np.exp(b - a)),
                    b=lambda g, out, a, b: g / (1 + np.exp(a - b)))
_logaddexp2 = binary("logaddexp2", _float_only(np.logaddexp2, "logaddexp2_cpu"),
                     "Logaddexp2Backward0", a=lambda g, out, a, b: g / (1 + np.exp2(b - a)),
                     b=lambda g, out, a, b: g / (1 + np.exp2(a - b)))


def _tensor_pair(name: str, op: Any, doc: str) -> Any:
    def f(input: Tensor, other: Tensor) -> Tensor:
        _tensors(name, input, other)
        return op(input, other)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


maximum = _tensor_pair("maximum", _maximum, "Elementwise maximum (nan propagates); ties split "
                       "the gradient half/half.")
minimum = _tensor_pair("minimum", _minimum, "Elementwise minimum (nan propagates); ties split "
                       "the gradient half/half.")
fmax = _tensor_pair("fmax", _fmax, "Elementwise maximum ignoring nan; ties send the gradient to "
                    "input.")
fmin = _tensor_pair("fmin", _fmin, "Elementwise minimum ignoring nan; ties send the gradient to "
                    "input.")
hypot = _tensor_pair("hypot", _hypot, "sqrt(input**2 + other**2) without overflow.")
logaddexp = _tensor_pair("logaddexp", _logaddexp, "log(exp(input) + exp(other)), computed "
                         "stably.")
logaddexp2 = _tensor_pair("logaddexp2", _logaddexp2, "log2(2**input + 2**other), computed "
                          "stably.")


def _copysign_grad(g, x, out):
    # NOTE: d/dx copysign(x, y) = sign(x) * sign(result): 0 at x == 0 (PyTorch's convention)
    return g * (np.sign(x) * np.sign(out))


_copysign = binary("copysign", np.copysign, "CopysignBackward0", kind="float",
                   a=lambda g, out, a, b: _copysign_grad(g, a, out), b=_zero2)
_copysign_s = unary_p("copysign_scalar", np.copysign, "CopysignBackward1",
                      lambda g, out, x, p: _copysign_grad(g, x, out))


def copysign(input: Tensor, other: Any) -> Tensor:
    """|input| with the sign of other; the gradient flows to input only."""
    if _is_num(other):
        x, s = with_scalar(_to_float(input), other)
        return _copysign_s(x, s)
    return _copysign(input, other)


def _xlogy_fwd(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((x == 0) & ~np.isnan(y), 0.0, x * np.log(y)).astype(
            np.result_type(x, y), copy=False)


def _xlogy_dx(g, x, y):
    # NOTE: 0 where x == 0 (unless y is nan), log(y) elsewhere, as PyTorch's xlogy(x != 0, y)
    return np.where((x != 0) | np.isnan(y), g * np.log(y), 0.0)


_xlogy = binary("xlogy", _xlogy_fwd, "XlogyBackward0", kind="float",
                a=lambda g, out, a, b: _xlogy_dx(g, a, b), b=lambda g, out, a, b: g * a / b)
_xlogy_sx = unary_p("xlogy_scalar_self", lambda y, s: _xlogy_fwd(s, y), "XlogyBackward1",
                    lambda g, out, x, p: g * p / x)
_xlogy_sy = unary_p("xlogy_scalar_other", _xlogy_fwd, "XlogyBackward2",
                    lambda g, out, x, p: _xlogy_dx(g, x, p))


def xlogy(input: Any, other: Any) -> Tensor:
    """input * log(other), and 0 where input == 0 (even where other == 0).

    >>> xlogy(tensor([0., 2.]), tensor([0., 1.]))
    tensor([0., 0.])
    """
    if type(input) is Tensor and _is_num(other):
        x, s = with_scalar(_to_float(input), other)
        return _xlogy_sy(x, s)
    if type(other) is Tensor and _is_num(input):
        y, s = with_scalar(_to_float(other), input)
        return _xlogy_sx(y, s)
    return _xlogy(input, other)


def float_power(input: Any, exponent: Any) -> Tensor:
    """input ** exponent computed in float64 (inputs cast first, differentiably)."""
    from .elementwise import pow
    f64 = _dtype.float64
    if type(input) is Tensor:
        input = input.to(f64)
    if type(exponent) is Tensor:
        exponent = exponent.to(f64)
    if type(input) is not Tensor and type(exponent) is not Tensor:
        raise TypeError("float_power(): expected at least one Tensor argument")
    if _is_num(exponent) and not isinstance(exponent, complex):
        exponent = float(exponent)
    if _is_num(input) and not isinstance(input, complex):
        input = float(input)
    return pow(input, exponent)


# ---- ternary: lerp, addcmul, addcdiv ---------------------------------------------------------
_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}


def _lerp_fwd(a, b, w):
    # PyTorch's formula: exact at both ends (w == 0 gives a, w == 1 gives b)
    d = b - a
    if type(w) is float:
        return a + w * d if abs(w) < 0.5 else b - d * (1 - w)
    return np.where(np.abs(w) < 0.5, a + w * d, b - d * (1 - w))


_lerp_s = defop("lerp_scalar", _lerp_fwd, "LerpBackward0",
                a=lambda g, out, a, b, w: g * (1 - w), b=lambda g, out, a, b, w: g * w)
_lerp_t = defop("lerp", _lerp_fwd, "LerpBackward1",
                a=lambda g, out, a, b, w: g * (1 - w), b=lambda g, out, a, b, w: g * w,
                w=lambda g, out, a, b, w: g * (b - a))


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """input + weight * (end - input); weight a number or a tensor (differentiable in all)."""
    _tensors("lerp", input, end, "end")
    dt = input._data.dtype
    scalar = _is_num(weight)
    for name, t in (("end", end), ("weight", weight)):
        if type(t) is Tensor and t._data.dtype != dt:
            raise RuntimeError(f"expected dtype {_C_NAMES.get(dt.name, dt.name)} for `{name}` "
                               f"but got dtype {_C_NAMES.get(t._data.dtype.name, t._data.dtype)}")
    if dt.kind not in "fc":
        raise not_implemented_for("lerp_kernel_scalar" if scalar else "lerp_kernel_tensor", dt)
    if scalar:
        return _lerp_s(input, end, float(weight))
    return _lerp_t(input, end, weight)


def _addc_fwd(s, t1, t2, v, rd, div):
    s, t1, t2 = (np.asarray(a).astype(rd, copy=False) for a in (s, t1, t2))
    v = np.asarray(v).astype(rd)
    return s + v * (t1 / t2 if div else t1 * t2)


_addcmul = defop("addcmul", _addc_fwd, "AddcmulBackward0",
                 s=lambda g, out, s, t1, t2, v, rd, div: g,
                 t1=lambda g, out, s, t1, t2, v, rd, div: g * t2 * v,
                 t2=lambda g, out, s, t1, t2, v, rd, div: g * t1 * v)
_addcdiv = defop("addcdiv", _addc_fwd, "AddcdivBackward0",
                 s=lambda g, out, s, t1, t2, v, rd, div: g,
                 t1=lambda g, out, s, t1, t2, v, rd, div: g * v / t2,
                 t2=lambda g, out, s, t1, t2, v, rd, div: -g * v * t1 / (t2 * t2))


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """input + value * tensor1 * tensor2 (broadcasting, PyTorch's type promotion)."""
    rd = _dtype.result_np(input, tensor1, tensor2)
    return _addcmul(input, tensor1, tensor2, value, rd, False)


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """input + value * tensor1 / tensor2; integer tensor1 and tensor2 are refused (PyTorch)."""
    if tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))"
            ".to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
            "float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    rd = _dtype.result_np(input, tensor1, tensor2)
    return _addcdiv(input, tensor1, tensor2, value, rd, True)


# ---- clamp with tensor bounds, clamp_min, clamp_max ---------------------------------------------
def _clamp_t_fwd(x, lo, hi, rd):
    x = x.astype(rd, copy=False)
    if lo is not None:
        x = np.maximum(x, lo.astype(rd, copy=False))
    if hi is not None:
        x = np.minimum(x, hi.astype(rd, copy=False))
    return x


def _clamp_t_x(g, out, x, lo, hi, rd):
    # NOTE: the gradient passes at the bounds (x == min or x == max), as in PyTorch
    if lo is None:
        inside = x <= hi
    elif hi is None:
        inside = x >= lo
    else:
        inside = (x >= lo) & (x <= hi)
    return np.where(inside, g, 0.0)


def _clamp_t_lo(g, out, x, lo, hi, rd):
    # NOTE: min gets the gradient where x < min, except where min > max (max wins there)
    return np.where((x < lo) if hi is None else (x < lo) & (lo < hi), g, 0.0)


def _clamp_t_hi(g, out, x, lo, hi, rd):
    return np.where((x > hi) if lo is None else (x > hi) | (hi < lo), g, 0.0)


_clamp_t = defop("clamp_tensor", _clamp_t_fwd, "ClampBackward0",
                 x=_clamp_t_x, lo=_clamp_t_lo, hi=_clamp_t_hi)


def clamp_tensor(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """clamp(input, min, max) where a bound is a tensor: differentiable in input and bounds."""
    bounds = [b for b in (min, max) if b is not None]
    rd = _dtype.result_np(input, *bounds)
    lo = _make(np.asarray(min, dtype=rd)) if _is_num(min) else min
    hi = _make(np.asarray(max, dtype=rd)) if _is_num(max) else max
    return _clamp_t(input, lo, hi, rd)


# NOTE: the gradient passes to input at the bound (x == min), as in PyTorch
_clamp_min_s = unary_p("clamp_min", np.maximum, "ClampMinBackward0",
                       lambda g, out, x, p: np.where(x >= p, g, 0.0))
_clamp_max_s = unary_p("clamp_max", np.minimum, "ClampMaxBackward0",
                       lambda g, out, x, p: np.where(x <= p, g, 0.0))
_clamp_min_t = binary("clamp_min_tensor", np.maximum, "ClampMinBackward1",
                      a=lambda g, out, a, b: np.where(a >= b, g, 0.0),
                      b=lambda g, out, a, b: np.where(a < b, g, 0.0))
_clamp_max_t = binary("clamp_max_tensor", np.minimum, "ClampMaxBackward1",
                      a=lambda g, out, a, b: np.where(a <= b, g, 0.0),
                      b=lambda g, out, a, b: np.where(a > b, g, 0.0))


def _bound_error(name: str, input: Any, v: Any) -> TypeError:
    a = "Tensor" if type(input) is Tensor else type(input).__name__
    b = "Tensor" if type(v) is Tensor else type(v).__name__
    return TypeError(f"{name}() received an invalid combination of arguments - got ({a}, {b}), "
                     f"but expected one of:\n * (Tensor input, Tensor {name[6:]}, *, Tensor out "
                     f"= None)\n * (Tensor input, Number {name[6:]}, *, Tensor out = None)\n")


def clamp_min(input: Tensor, min: Any) -> Tensor:  # noqa: A002
    """max(input, min) elementwise; the gradient goes to input where input >= min."""
    if type(input) is not Tensor:
        raise _bound_error("clamp_min", input, min)
    if _is_num(min):
        x, s = with_scalar(input, min)
        if s.dtype.kind == "f":
            check_fits(s.dtype, min)
        if s.dtype.kind == "b":
            raise not_implemented_for("clamp_min_scalar_cpu", s.dtype)
        return _clamp_min_s(x, s)
    if type(min) is not Tensor:
        raise _bound_error("clamp_min", input, min)
    return _clamp_min_t(input, min)


def clamp_max(input: Tensor, max: Any) -> Tensor:  # noqa: A002
    """min(input, max) elementwise; the gradient goes to input where input <= max."""
    if type(input) is not Tensor:
        raise _bound_error("clamp_max", input, max)
    if _is_num(max):
        x, s = with_scalar(input, max)
        if s.dtype.kind == "f":
            check_fits(s.dtype, max)
        if s.dtype.kind == "b":
            raise not_implemented_for("clamp_max_scalar_cpu", s.dtype)
        return _clamp_max_s(x, s)
    if type(max) is not Tensor:
        raise _bound_error("clamp_max", input, max)
    return _clamp_max_t(input, max)


# ---- heaviside, shifts (no gradient) ----------------------------------------------------------
def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """0 where input < 0, values where input == 0, 1 where input > 0. Not differentiable."""
    _tensors("heaviside", input, values, "values")
    a, v = input._data, values._data
    if a.dtype != v.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    if a.dtype.kind in "fc":
        out = np.heaviside(a, v)
    else:
        out = np.where(a == 0, v, a > 0).astype(a.dtype)
    return refuse_grad(_make(np.asarray(out)), "heaviside", input, values)


def _shift(f: Any, kernel: str, left: bool) -> Any:
    def fwd(a, b):
        dt = _kind_of(a, b)
        if dt.kind not in "iu":
            raise not_implemented_for(kernel, dt)
        bits = dt.itemsize * 8
        out = f(a, np.clip(b, 0, bits - 1).astype(dt, copy=False))
        # NOTE: shifting by the width or more gives 0 (left) or the sign fill (right), as PyTorch
        return np.where(np.asarray(b) >= bits, 0, out).astype(dt) if left else out
    return fwd


bitwise_left_shift = binary("bitwise_left_shift", _shift(np.left_shift, "lshift_cpu", True), "",
                            None, None)
bitwise_right_shift = binary("bitwise_right_shift", _shift(np.right_shift, "rshift_cpu", False),
                             "", None, None)


# ---- Tensor methods and NumPy dispatch ---------------------------------------------------------
def _operand(v: Any, like: Any) -> Any:
    """A NumPy-style operand (number, ndarray) as a Tensor, for ops PyTorch defines on tensors
    only: numbers take the dtype PyTorch would give them next to `like`."""
    if type(v) is Tensor:
        return v
    if isinstance(v, ndarray):
        return _make(v)
    return _make(np.asarray(v, dtype=_dtype.result_np(like, v) if type(like) is Tensor else None))


def _np_binary(op: Any) -> Any:
    def f(a: Any, b: Any, **kw: Any) -> Tensor:
        if kw:
            raise TypeError(f"feathergrad's numpy.{op.__name__} takes no keyword arguments "
                            f"(got {sorted(kw)})")
        return op(_operand(a, b), _operand(b, a))
    return f


for _name, _f in (("floor_divide", floor_divide), ("remainder", remainder), ("fmod", fmod),
                  ("atan2", atan2), ("arctan2", atan2), ("maximum", maximum),
                  ("minimum", minimum), ("fmax", fmax), ("fmin", fmin), ("hypot", hypot),
                  ("copysign", copysign), ("xlogy", xlogy), ("logaddexp", logaddexp),
                  ("logaddexp2", logaddexp2), ("float_power", float_power), ("lerp", lerp),
                  ("addcmul", addcmul), ("addcdiv", addcdiv), ("clamp_min", clamp_min),
                  ("clamp_max", clamp_max), ("heaviside", heaviside),
                  ("bitwise_left_shift", bitwise_left_shift),
                  ("bitwise_right_shift", bitwise_right_shift)):
    setattr(Tensor, _name, _f)
Tensor.__floordiv__ = floor_divide
Tensor.__rfloordiv__ = lambda self, other: floor_divide(other, self)
Tensor.__mod__ = remainder
Tensor.__rmod__ = lambda self, other: remainder(other, self)
Tensor.__lshift__ = bitwise_left_shift
Tensor.__rlshift__ = lambda self, other: bitwise_left_shift(other, self)
Tensor.__rshift__ = bitwise_right_shift
Tensor.__rrshift__ = lambda self, other: bitwise_right_shift(other, self)

HANDLED.update({
    np.floor_divide: _np_binary(floor_divide), np.remainder: _np_binary(remainder),
    np.fmod: _np_binary(fmod),
    np.arctan2: _np_binary(atan2), np.maximum: _np_binary(maximum),
    np.minimum: _np_binary(minimum), np.fmax: _np_binary(fmax), np.fmin: _np_binary(fmin),
    np.hypot: _np_binary(hypot), np.copysign: copysign, np.logaddexp: _np_binary(logaddexp),
    np.logaddexp2: _np_binary(logaddexp2), np.float_power: float_power,
    np.heaviside: _np_binary(heaviside), np.left_shift: bitwise_left_shift,
    np.right_shift: bitwise_right_shift,
})
