"""Binary elementwise ops beyond + - * /: rounding division and remainders, atan2,
maximum/minimum/fmax/fmin, hypot, copysign, xlogy, logaddexp, float_power, shifts, and the ops
PyTorch computes but refuses to differentiate (floor_divide, heaviside): those get a
``NotImplemented`` node that raises on backward, as in PyTorch (clamp_lerp.py has clamp,
lerp, addcmul, addcdiv).

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
from ._core import HANDLED, binary, unary_p
from .unary_ext import not_implemented_for, zeros_of

_make = Tensor._make
ndarray = np.ndarray
_LN2 = math.log(2.0)

__all__ = [
    "floor_divide", "remainder", "fmod", "atan2", "arctan2", "maximum", "minimum", "fmax",
    "fmin", "hypot", "copysign", "xlogy", "logaddexp", "logaddexp2", "float_power", "heaviside",
    "bitwise_left_shift", "bitwise_right_shift", "ldexp", "gcd", "lcm",
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
    if npdt.kind == "f" and npdt.itemsize >= 4:   # NOTE: hot path (x ** 2): nothing to check
        return
    if npdt.itemsize == 8 or (npdt.itemsize == 4 and npdt.kind == "f") or type(v) is bool:
        return       # a Python number always fits (or becomes inf, as in PyTorch)
    name = _C_TYPES.get(npdt.name)
    if name is None:
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


_ldexp = binary("ldexp", lambda a, b: a * np.exp2(b), "LdexpBackward0", kind="float",
                a=lambda g, out, a, b: g * np.exp2(b), b=lambda g, out, a, b: g * (out * _LN2))


def _int_only(f: Any, kernel: str) -> Any:
    def fwd(a, b):
        dt = _kind_of(a, b)
        if dt.kind not in "iu":
            raise not_implemented_for(kernel, dt)
        return f(a, b)
    return fwd


_gcd = binary("gcd", _int_only(np.gcd, "gcd_cpu"), "", None, None)
_lcm = binary("lcm", _int_only(np.lcm, "lcm_cpu"), "", None, None)
ldexp = _tensor_pair("ldexp", _ldexp, "input * 2.0 ** other (for integer `other` too, where "
                     "PyTorch computes 2 ** other in integers and gets 0 for negative other).")
gcd = _tensor_pair("gcd", _gcd, "Greatest common divisor of integer tensors (no gradient).")
lcm = _tensor_pair("lcm", _lcm, "Least common multiple of integer tensors (no gradient).")


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
                  ("logaddexp2", logaddexp2), ("float_power", float_power),
                  ("heaviside", heaviside), ("ldexp", ldexp), ("gcd", gcd), ("lcm", lcm),
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
    np.right_shift: bitwise_right_shift, np.ldexp: _np_binary(ldexp), np.gcd: _np_binary(gcd),
    np.lcm: _np_binary(lcm),
})
