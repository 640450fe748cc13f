"""Elementwise ops: one line each, forward beside backward (rules in the vocabulary of
PyTorch's derivatives.yaml: `g` the incoming gradient, `out` the result, inputs by name)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._core import HANDLED, binary, defop, method, unary

_make = Tensor._make

__all__ = [
    "exp",
    "log",
    "sin",
    "cos",
    "tanh",
    "sqrt",
    "neg",
    "negative",
    "relu",
    "abs",
    "absolute",
    "sign",
    "reciprocal",
    "sigmoid",
    "add",
    "sub",
    "subtract",
    "mul",
    "multiply",
    "div",
    "divide",
    "true_divide",
    "rsub",
    "pow",
    "clamp",
    "clip",
    "where",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
]


def _relu(x):
    return np.maximum(x, 0, dtype=x.dtype) if x.dtype.kind != "b" else x


# ---- unary elementwise -----------------------------------------------------------------
exp = unary("exp", np.exp, "ExpBackward0", rule=lambda g, out, x: g * out)
log = unary("log", np.log, "LogBackward0", rule=lambda g, out, x: g / x)
sin = unary("sin", np.sin, "SinBackward0", rule=lambda g, out, x: g * np.cos(x))
cos = unary("cos", np.cos, "CosBackward0", rule=lambda g, out, x: g * -np.sin(x))
tanh = unary("tanh", np.tanh, "TanhBackward0", rule=lambda g, out, x: g * (1 - out * out))
sqrt = unary("sqrt", np.sqrt, "SqrtBackward0", rule=lambda g, out, x: g / (2 * out))  # NOTE: inf at 0
neg = unary("neg", np.negative, "NegBackward0", float_op=False, rule=lambda g, out, x: -g)
# NOTE: relu'(0) = 0 and abs'(0) = 0, as in PyTorch
relu = unary("relu", _relu, "ReluBackward0", float_op=False,
             rule=lambda g, out, x: np.where(out > 0, g, 0))
abs = unary("abs", np.abs, "AbsBackward0", float_op=False,  # noqa: A001
            rule=lambda g, out, x: g * np.sign(x))
sign = unary("sign", np.sign, "SignBackward0", float_op=False, rule=lambda g, out, x: g * 0)
reciprocal = unary("reciprocal", np.reciprocal, "ReciprocalBackward0",
                   rule=lambda g, out, x: -g * (out * out))


def _sigmoid(x):
    # NOTE: split by sign so exp never overflows
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


sigmoid = unary("sigmoid", _sigmoid, "SigmoidBackward0",
                rule=lambda g, out, x: g * ((1 - out) * out))

# ---- binary arithmetic -------------------------------------------------------------------
_add = binary("add", np.add, "AddBackward0", a=lambda g, out, a, b: g, b=lambda g, out, a, b: g)
_sub = binary("sub", np.subtract, "SubBackward0",
             a=lambda g, out, a, b: g, b=lambda g, out, a, b: -g)
mul = binary("mul", np.multiply, "MulBackward0",
             a=lambda g, out, a, b: g * b, b=lambda g, out, a, b: g * a)
div = binary("div", np.true_divide, "DivBackward0", kind="float",
             a=lambda g, out, a, b: g / b, b=lambda g, out, a, b: -g * ((a / b) / b))
rsub_ = defop("rsub", lambda x, s: s - x, "RsubBackward1", x=lambda g, out, x, s: -g)


def _pow_base_grad(g, out, a, b):
    # NOTE: d/da a**b = b * a**(b-1); zero where b == 0 (PyTorch's convention, also at a == 0)
    return np.where(b == 0, 0.0, g * (b * a ** (b - 1)))


def _pow_exp_grad(g, out, a, b):
    # NOTE: d/db a**b = a**b * log(a); taken as 0 where a == 0 and b >= 0 (PyTorch's convention)
    return np.where((a == 0) & (b >= 0), 0.0, g * (out * np.log(a)))


pow_tt = binary("pow", np.power, "PowBackward1", a=_pow_base_grad, b=_pow_exp_grad)
pow_ts = defop("pow_scalar", lambda x, e: np.power(x, e), "PowBackward0",
               x=lambda g, out, x, e: g * 0 if e == 0 else g * (e * x ** (e - 1)))
pow_st = defop("pow_scalar_base", lambda b, x: np.power(b, x), "PowBackward2",
               x=lambda g, out, b, x: np.where((b == 0) & (x >= 0), 0.0, g * (out * np.log(b))))


def _num(v: Any) -> bool:
    return type(v) in (int, float, bool) or isinstance(v, np.generic)


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001
    """input ** exponent. d/dx at x = 0 with exponent 0 is 0; d/dexponent at base 0 is 0."""
    if type(input) is Tensor and _num(exponent):
        e = exponent.item() if isinstance(exponent, np.generic) else exponent
        if input._data.dtype.kind in "iub" and type(e) is int and e < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if input._data.dtype.kind in "iub" and type(e) is float:
            input = input.to(_default_float())
        return pow_ts(input, e)
    if _num(input) and type(exponent) is Tensor:
        x = exponent
        if x._data.dtype.kind in "iub" and type(input) is float:
            x = x.to(_default_float())
        base = np.asarray(input, dtype=x._data.dtype) if x._data.dtype.kind in "fc" else input
        return pow_st(base, x)
    return pow_tt(input, exponent)


def _default_float():
    from .._dtype import _default
    return _default[0]


def _alpha(other: Any, alpha: Any) -> Any:
    if alpha == 1:
        return other
    return mul(other, alpha) if type(other) is Tensor else other * alpha


def torch_add(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """input + alpha * other."""
    return _add(input, _alpha(other, alpha))


def torch_sub(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """input - alpha * other."""
    return _sub(input, _alpha(other, alpha))


def rsub(input: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    """other - alpha * input."""
    if _num(other):
        return rsub_(_alpha(input, alpha), other)
    return _sub(other, _alpha(input, alpha))


def true_divide(input: Any, other: Any) -> Tensor:
    return div(input, other)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Clamp into [min, max]. The gradient passes at the bounds (PyTorch's convention)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if (min is None or _num(min)) and (max is None or _num(max)):
        return _clamp_s(input, min, max)
    from .binary_ext import clamp_tensor
    return clamp_tensor(input, min, max)


def _clamp_fwd(x, lo, hi):
    return np.clip(x, lo, hi).astype(x.dtype, copy=False)


def _in_bounds(x, lo, hi):
    if lo is None:
        return x <= hi
    if hi is None:
        return x >= lo
    return (x >= lo) & (x <= hi)


_clamp_s = defop("clamp", _clamp_fwd, "ClampBackward1",
                 x=lambda g, out, x, lo, hi: np.where(_in_bounds(x, lo, hi), g, 0))

def _where_fwd(c, a, b):
    return np.where(c, a, b)


_where = defop("where", _where_fwd, "WhereBackward0",
               a=lambda g, out, c, a, b: np.where(c, g, 0),
               b=lambda g, out, c, a, b: np.where(c, 0, g))


def where(condition: Any, input: Any = None, other: Any = None) -> Any:
    """Elements of input where condition holds, else of other (differentiable in both)."""
    if input is None and other is None:
        from .shape import nonzero
        return nonzero(condition, as_tuple=True)
    c = condition._data if type(condition) is Tensor else np.asarray(condition)
    if c.dtype.kind != "b":
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {Tensor._make(c).dtype}")
    ta, tb = type(input) is Tensor, type(other) is Tensor
    if ta and tb and input._data.dtype is not other._data.dtype:
        from .._dtype import from_np, result_np
        rd = from_np(result_np(input, other))
        input, other = input.to(rd), other.to(rd)
    elif ta and not tb:
        other = np.asarray(other, dtype=input._data.dtype) if _num(other) else other
    elif tb and not ta:
        input = np.asarray(input, dtype=other._data.dtype) if _num(input) else input
    return _where(c, input, other)


# ---- comparisons (no gradient) -------------------------------------------------------
eq = binary("eq", np.equal, "", None, None, kind="cmp")
ne = binary("ne", np.not_equal, "", None, None, kind="cmp")
lt = binary("lt", np.less, "", None, None, kind="cmp")
le = binary("le", np.less_equal, "", None, None, kind="cmp")
gt = binary("gt", np.greater, "", None, None, kind="cmp")
ge = binary("ge", np.greater_equal, "", None, None, kind="cmp")


logical_and = binary("logical_and", np.logical_and, "", None, None, kind="cmp")
logical_or = binary("logical_or", np.logical_or, "", None, None, kind="cmp")
logical_xor = binary("logical_xor", np.logical_xor, "", None, None, kind="cmp")
bitwise_and = binary("bitwise_and", np.bitwise_and, "", None, None, kind="cmp")
bitwise_or = binary("bitwise_or", np.bitwise_or, "", None, None, kind="cmp")
bitwise_xor = binary("bitwise_xor", np.bitwise_xor, "", None, None, kind="cmp")


def logical_not(input: Tensor) -> Tensor:
    return _make(np.logical_not(input._data))


def bitwise_not(input: Tensor) -> Tensor:
    d = input._data
    if d.dtype.kind not in "biu":
        raise TypeError("bitwise_not is only supported for integer and boolean tensors")
    return _make(np.invert(d))


# ---- Tensor methods and operators ---------------------------------------------------------
def _rpow(self: Tensor, other: Any) -> Tensor:
    return pow(other, self)


def _rdiv(self: Tensor, other: Any) -> Tensor:
    # NOTE: as in PyTorch, other / x is recorded as reciprocal(x) * other
    return mul(reciprocal(self), other)


Tensor.add = torch_add
Tensor.__add__ = _add
Tensor.__radd__ = lambda self, other: _add(other, self)
Tensor.__sub__ = _sub
Tensor.sub = torch_sub
Tensor.subtract = torch_sub
Tensor.__rsub__ = lambda self, other: rsub(self, other)
Tensor.__mul__ = Tensor.__rmul__ = Tensor.mul = Tensor.multiply = mul
Tensor.__truediv__ = Tensor.div = Tensor.divide = Tensor.true_divide = div
Tensor.__rtruediv__ = _rdiv
Tensor.__pow__ = Tensor.pow = pow
Tensor.__rpow__ = _rpow
Tensor.__neg__ = Tensor.neg = Tensor.negative = neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = Tensor.abs = Tensor.absolute = abs
Tensor.__eq__ = Tensor.eq = eq
Tensor.__ne__ = Tensor.ne = ne
Tensor.__lt__ = Tensor.lt = Tensor.less = lt
Tensor.__le__ = Tensor.le = Tensor.less_equal = le
Tensor.__gt__ = Tensor.gt = Tensor.greater = gt
Tensor.__ge__ = Tensor.ge = Tensor.greater_equal = ge
Tensor.__hash__ = lambda self: id(self)
Tensor.__and__ = Tensor.__rand__ = Tensor.bitwise_and = bitwise_and
Tensor.__or__ = Tensor.__ror__ = Tensor.bitwise_or = bitwise_or
Tensor.__xor__ = Tensor.__rxor__ = Tensor.bitwise_xor = bitwise_xor
Tensor.__invert__ = Tensor.bitwise_not = bitwise_not
Tensor.logical_and, Tensor.logical_or, Tensor.logical_xor = logical_and, logical_or, logical_xor
Tensor.logical_not = logical_not
Tensor.clamp = Tensor.clip = clamp
Tensor.where = lambda self, condition, other: where(condition, self, other)
for _f in (exp, log, sin, cos, tanh, sqrt, relu, sigmoid, reciprocal, sign):
    setattr(Tensor, _f.__name__, _f)

HANDLED.update({
    np.exp: exp, np.log: log, np.sin: sin, np.cos: cos, np.tanh: tanh, np.sqrt: sqrt,
    np.negative: neg, np.absolute: abs, np.reciprocal: reciprocal, np.add: _add,
    np.subtract: _sub, np.multiply: mul, np.true_divide: div, np.power: pow,
    np.equal: eq, np.not_equal: ne, np.less: lt, np.less_equal: le, np.greater: gt,
    np.greater_equal: ge, np.clip: clamp, np.sign: sign, np.where: where,
    np.logical_and: logical_and, np.logical_or: logical_or, np.logical_not: logical_not,
    np.bitwise_and: bitwise_and, np.bitwise_or: bitwise_or, np.invert: bitwise_not, np.positive: lambda x: x,
})

# public names: torch.add/sub take alpha=
add = torch_add  # noqa: F811
sub = subtract = torch_sub  # noqa: F811
negative = neg
absolute = abs
multiply = mul
divide = div
clip = clamp
