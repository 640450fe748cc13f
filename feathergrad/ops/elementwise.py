"""Elementwise ops: one line each, forward beside backward (rules in the vocabulary of
PyTorch's derivatives.yaml: `g` the incoming gradient, `out` the result, inputs by name)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor
from ._core import HANDLED, binary, defop, record_inplace_site, scale, times, unary, unary_p
from .binary_ext import check_fits, div_floor, div_trunc
from .clamp_lerp import clamp_tensor
from .unary_ext import not_implemented_for, sign_fwd

_make = Tensor._make
ndarray = np.ndarray

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
]


def masked_grad(g, mask):
    """g where mask holds, else 0 (exactly 0, even where g is nan or inf, as in PyTorch)."""
    if type(g) is np.ndarray and g.ndim and g.size > 256:
        # NOTE: a multiply is ~6x faster than np.where; redo with where only if g had nan/inf
        r = np.multiply(g, mask, dtype=g.dtype)
        if np.isfinite(r).all():
            return r
    return np.where(mask, g, 0)


def _relu(x):
    return np.maximum(x, 0, dtype=x.dtype) if x.dtype.kind != "b" else x


def neg(input: Any) -> Tensor:
    """-input. Refused for bool tensors, as in PyTorch."""
    try:
        return _neg(input)
    except TypeError:   # NumPy refuses bool negation: say it the way PyTorch does
        if type(input) is Tensor and input._data.dtype.kind == "b":
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                               "If you are trying to invert a mask, use the `~` or "
                               "`logical_not()` operator instead.") from None
        raise


def abs(input: Any) -> Tensor:  # noqa: A001
    """|input|; its gradient at 0 is 0 (PyTorch's convention). Refused for bool tensors."""
    if type(input) is Tensor and input._data.dtype.kind == "b":
        raise not_implemented_for("abs_cpu", input._data.dtype)
    return _abs(input)


# ---- unary elementwise -----------------------------------------------------------------
exp = unary("exp", np.exp, "ExpBackward0", rule=lambda g, out, x: scale(g, out))
log = unary("log", np.log, "LogBackward0", rule=lambda g, out, x: g / x)
sin = unary("sin", np.sin, "SinBackward0", rule=lambda g, out, x: times(np.cos(x), g))
cos = unary("cos", np.cos, "CosBackward0", rule=lambda g, out, x: g * -np.sin(x))
tanh = unary("tanh", np.tanh, "TanhBackward0", rule=lambda g, out, x: g * (1 - out * out))
# NOTE: sqrt'(0) = inf, as in PyTorch
sqrt = unary("sqrt", np.sqrt, "SqrtBackward0", rule=lambda g, out, x: g / (2 * out))
_neg = unary("neg", np.negative, "NegBackward0", float_op=False, rule=lambda g, out, x: -g)
# NOTE: relu'(0) = 0 and abs'(0) = 0, as in PyTorch
relu = unary("relu", _relu, "ReluBackward0", float_op=False, scalar_ok=True,
             rule=lambda g, out, x: masked_grad(g, out > 0))
_abs = unary("abs", np.absolute, "AbsBackward0", float_op=False,
             rule=lambda g, out, x: g * np.sign(x))
neg._node, abs._node = _neg._node, _abs._node    # what in-place forms read (saved inputs)
sign = unary("sign", sign_fwd, "SignBackward0", float_op=False, rule=lambda g, out, x: g * 0)
reciprocal = unary("reciprocal", np.reciprocal, "ReciprocalBackward0",
                   rule=lambda g, out, x: -g * (out * out))


def _sigmoid(x):
    # NOTE: split by sign so exp never overflows
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


sigmoid = unary("sigmoid", _sigmoid, "SigmoidBackward0", scalar_ok=True,
                rule=lambda g, out, x: g * ((1 - out) * out))

# ---- binary arithmetic -------------------------------------------------------------------
_add = binary("add", np.add, "AddBackward0", a=lambda g, out, a, b: g, b=lambda g, out, a, b: g)
_sub = binary("sub", np.subtract, "SubBackward0",
             a=lambda g, out, a, b: g, b=lambda g, out, a, b: -g)
mul = binary("mul", np.multiply, "MulBackward0",
             a=lambda g, out, a, b: scale(g, b), b=lambda g, out, a, b: scale(g, a))
_div = binary("div", np.true_divide, "DivBackward0", kind="float",
              a=lambda g, out, a, b: g / b, b=lambda g, out, a, b: -g * ((a / b) / b))
rsub_ = defop("rsub", lambda x, s: s - x, "RsubBackward1", x=lambda g, out, x, s: -g)


def _is_bool(v: Any) -> bool:
    return type(v) is bool or (type(v) is Tensor and v._data.dtype.kind == "b")


def _sub_bool_error(input: Any, other: Any) -> RuntimeError:
    if type(input) is Tensor and type(other) is Tensor and _is_bool(input) and _is_bool(other):
        return RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                            "supported. Use the `^` or `logical_xor()` operator instead.")
    return RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                        "If you are trying to invert a mask, use the `~` or `logical_not()` "
                        "operator instead.")


def _checked_sub(input: Any, other: Any) -> Tensor:
    # NOTE: checks inlined: this is the hot path of every `a - b`
    if ((type(input) is Tensor and input._data.dtype.kind == "b") or type(other) is bool or
            (type(other) is Tensor and other._data.dtype.kind == "b") or type(input) is bool):
        raise _sub_bool_error(input, other)
    return _sub(input, other)


def _pow_rule(g, x, e):
    # NOTE: d/dx x**e = e * x**(e-1); 0 for e == 0 (PyTorch's convention, also at x == 0)
    if e == 0:
        return g * 0
    if e == 2:
        return times(2 * x, g)   # one pass less than 2 * x ** 1
    return g * (e * x ** (e - 1))


def _pow_base_grad(g, out, a, b):
    # NOTE: d/da a**b = b * a**(b-1); zero where b == 0 (PyTorch's convention, also at a == 0)
    return np.where(b == 0, 0.0, g * (b * a ** (b - 1)))


def _pow_exp_grad(g, out, a, b):
    # NOTE: d/db a**b = a**b * log(a); taken as 0 where a == 0 and b >= 0 (PyTorch's convention)
    return np.where((a == 0) & (b >= 0), 0.0, g * (out * np.log(a)))


def _pow_fwd(a, b):
    if isinstance(b, ndarray) and b.dtype.kind in "iu" and (b < 0).any():
        # NOTE: integer ** negative integer as PyTorch: 1 for base 1, +-1 for base -1, else 0
        p = np.power(a, np.abs(b))
        unit = np.where(b % 2 == 0, 1, a)
        return np.where(b >= 0, p, np.where(np.abs(a) == 1, unit, 0)).astype(p.dtype)
    return np.power(a, b)


pow_tt = binary("pow", _pow_fwd, "PowBackward1", a=_pow_base_grad, b=_pow_exp_grad)
pow_ts = unary_p("pow_scalar", np.power, "PowBackward0", lambda g, out, x, e: _pow_rule(g, x, e))
pow_st = defop("pow_scalar_base", lambda b, x: np.power(b, x), "PowBackward2",
               x=lambda g, out, b, x: np.where((b == 0) & (x >= 0), 0.0, g * (out * np.log(b))))


def _num(v: Any) -> bool:
    return type(v) in (int, float, bool) or isinstance(v, np.generic)


def _pow_bool_error() -> NotImplementedError:
    return NotImplementedError("\"pow\" not implemented for 'Bool'")


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001
    """input ** exponent. d/dx at x = 0 with exponent 0 is 0; d/dexponent at base 0 is 0."""
    if type(input) is Tensor:     # the hot case first: float tensor ** Python number
        te = type(exponent)
        d = input._data.dtype
        if (te is int or te is float) and d.kind == "f" and d.itemsize > 2:
            return pow_ts(input, exponent)
    if type(input) is Tensor and _num(exponent):
        e = exponent.item() if isinstance(exponent, np.generic) else exponent
        k = input._data.dtype.kind
        if k in "iub" and type(e) is int and e < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        check_fits(input._data.dtype, e)
        if k in "iub" and type(e) is float:
            input = input.to(_default_float())
        elif k == "b" and type(e) is bool:
            return _make(np.logical_or(input._data, not e))    # x ** True == x, x ** False == 1
        return pow_ts(input, e)
    if _num(input) and type(exponent) is Tensor:
        x = exponent
        if x._data.dtype.kind == "b" and type(input) is bool:
            raise _pow_bool_error()
        if x._data.dtype.kind in "iub" and type(input) is float:
            x = x.to(_default_float())
        base = np.asarray(input).astype(x._data.dtype) if x._data.dtype.kind != "b" else input
        return pow_st(base, x)
    if _is_bool(input) and _is_bool(exponent):
        raise _pow_bool_error()
    return pow_tt(input, exponent)


def _default_float():
    return _dtype._default[0]


def _alpha(other: Any, alpha: Any, input: Any) -> Any:
    if alpha == 1 and type(alpha) is not bool:
        return other
    if type(alpha) is bool and not (_is_bool(input) and _is_bool(other)):
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if type(alpha) is float and all(type(t) is not Tensor or t._data.dtype.kind in "biu"
                                    for t in (input, other)):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")
    return mul(other, alpha) if type(other) is Tensor else other * alpha


_CAST_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
               "int64": "Long", "float16": "Half", "float32": "Float", "float64": "Double",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _into(name: str, r: Tensor, out: Tensor) -> Tensor:
    """Write the result `r` of `name(..., out=out)` into `out`, as PyTorch's out= does."""
    if type(out) is not Tensor:
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if r._requires_grad:
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if not _dtype.can_cast(r.dtype, out.dtype):
        raise RuntimeError(f"result type {_CAST_NAMES[r.dtype.name]} can't be cast to the "
                           f"desired output type {_CAST_NAMES[out.dtype.name]}")
    from .inplace import check_inplace
    check_inplace(out)
    if out._data.shape == r._data.shape:
        out._data[...] = r._data
    else:
        if out._data.size:
            import warnings
            warnings.warn(f"An output with one or more elements was resized since it had shape "
                          f"{list(out._data.shape)}, which does not match the required output "
                          f"shape {list(r._data.shape)}. This behavior is deprecated, and in a "
                          "future PyTorch release outputs will not be resized unless they have "
                          "zero elements. You can explicitly reuse an out tensor t by resizing "
                          "it, inplace, to zero elements with t.resize_(0).", UserWarning,
                          stacklevel=3)
        out._data = r._data.astype(out._data.dtype)
    record_inplace_site(out)
    return out


def torch_add(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """input + alpha * other.

    >>> add(tensor([1., 2.]), tensor([1., 1.]), alpha=2)
    tensor([3., 4.])
    """
    r = _add(input, _alpha(other, alpha, input))
    return r if out is None else _into("add", r, out)


def torch_sub(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """input - alpha * other (refused for bool tensors, as PyTorch)."""
    r = _checked_sub(input, _alpha(other, alpha, input))
    return r if out is None else _into("sub", r, out)


def rsub(input: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    """other - alpha * input."""
    if _is_bool(input) or _is_bool(other):
        raise _sub_bool_error(input, other)
    if _num(other):
        if input._data.dtype.kind not in "fc":
            rd = _dtype.result_np(input, other)
            if rd != input._data.dtype:
                input = input.to(_dtype.from_np(rd))
            other = np.asarray(other).astype(rd)       # ints wrap, as in PyTorch
        return rsub_(_alpha(input, alpha, other), other)
    return _sub(other, _alpha(input, alpha, other))


def torch_div(input: Any, other: Any, *, rounding_mode: str | None = None,
              out: Any = None) -> Tensor:
    """input / other; rounding_mode 'trunc' or 'floor' rounds the quotient (zero gradient).

    Integer inputs give the default float dtype unless a rounding mode is given.

    >>> div(tensor([-7., 7.]), 2, rounding_mode='floor')
    tensor([-4.,  3.])
    """
    if rounding_mode is None:
        r = _div(input, other)
    elif rounding_mode == "trunc":
        r = div_trunc(input, other)
    elif rounding_mode == "floor":
        r = div_floor(input, other)
    else:
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    return r if out is None else _into("div", r, out)


def true_divide(input: Any, other: Any) -> Tensor:
    """input / other, always a true (floating) division."""
    return _div(input, other)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Clamp into [min, max]; min > max gives max everywhere. Bounds are numbers or tensors.

    The gradient passes at the bounds (PyTorch's convention); with tensor bounds, a bound gets
    the gradient where it is the result.

    >>> clamp(tensor([-1., 0.5, 2.]), 0, 1)
    tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if (min is None or _num(min)) and (max is None or _num(max)):
        if input._data.dtype.kind not in "fc":
            rd = _dtype.result_np(input, *[b for b in (min, max) if b is not None])
            if rd != input._data.dtype:
                input = input.to(_dtype.from_np(rd))
        return _clamp_s(input, min, max)
    if not (min is None or type(min) is Tensor) or not (max is None or type(max) is Tensor):
        # NOTE: PyTorch takes a tensor bound with a number bound only when the tensor is 0-d
        # (read as a number, so no gradient flows to it)
        lo = min.item() if type(min) is Tensor and min._data.ndim == 0 else min
        hi = max.item() if type(max) is Tensor and max._data.ndim == 0 else max
        if (lo is None or _num(lo)) and (hi is None or _num(hi)):
            return clamp(input, lo, hi)
        raise TypeError(
            "clamp() received an invalid combination of arguments - got (Tensor, "
            f"{type(min).__name__}, {type(max).__name__}), but expected one of:\n"
            " * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
            " * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n"
            "feathergrad: give both bounds as tensors (e.g. torch.full_like(x, 0.5)) or both "
            "as numbers.")
    return clamp_tensor(input, min, max)


def _clamp_fwd(x, lo, hi):
    return np.clip(x, lo, hi).astype(x.dtype, copy=False)


def _in_bounds(x, lo, hi):
    if lo is None:
        return x <= hi
    if hi is None:
        return x >= lo
    return (x >= lo) & (x <= hi)


_clamp_s1 = unary_p("clamp", lambda x, b: _clamp_fwd(x, b[0], b[1]), "ClampBackward1",
                   lambda g, out, x, b: np.where(_in_bounds(x, b[0], b[1]), g, 0))


def _clamp_s(x, lo, hi):
    return _clamp_s1(x, (lo, hi))


def _where_fwd(c, a, b):
    return np.where(c, a, b)


_where = defop("where", _where_fwd, "WhereBackward0",
               a=lambda g, out, c, a, b: np.where(c, g, 0),
               b=lambda g, out, c, a, b: np.where(c, 0, g))


def where(condition: Any, input: Any = None, other: Any = None) -> Any:
    """Elements of input where condition holds, else of other (differentiable in both).

    Numbers take part in type promotion as in PyTorch (``where(c, int_tensor, 2.5)`` is float).

    >>> where(tensor([True, False]), tensor([1., 2.]), 0.)
    tensor([1., 0.])
    """
    if input is None and other is None:
        from .shape import nonzero
        return nonzero(condition, as_tuple=True)
    c = condition._data if type(condition) is Tensor else np.asarray(condition)
    if c.dtype.kind != "b":
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {_CAST_NAMES.get(c.dtype.name, c.dtype.name)}")
    ta, tb = type(input) is Tensor, type(other) is Tensor
    if ta and tb:
        if input._data.dtype is not other._data.dtype:
            rd = _dtype.from_np(_dtype.result_np(input, other))
            input, other = input.to(rd), other.to(rd)
    else:
        rd = _dtype.result_np(input, other)
        if ta:
            if input._data.dtype != rd:
                input = input.to(_dtype.from_np(rd))
        else:
            input = np.asarray(input).astype(rd)     # astype: ints wrap, as in PyTorch
        if tb:
            if other._data.dtype != rd:
                other = other.to(_dtype.from_np(rd))
        else:
            other = np.asarray(other).astype(rd)
    return _where(c, input, other)


# ---- Tensor methods and operators ---------------------------------------------------------
def _rpow(self: Tensor, other: Any) -> Tensor:
    return pow(other, self)


def _rdiv(self: Tensor, other: Any) -> Tensor:
    # NOTE: as in PyTorch, other / x is recorded as reciprocal(x) * other
    if self._data.dtype.kind not in "fc":
        return _div(other, self)
    return mul(reciprocal(self), other)


def _np_clip(a: Any, a_min: Any = None, a_max: Any = None, out: Any = None, *,
             min: Any = None, max: Any = None, **kw: Any) -> Tensor:  # noqa: A002
    if out is not None or kw:
        raise TypeError("numpy.clip on a feathergrad tensor takes no out= or extra keywords")
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    return clamp(a, lo, hi)


Tensor.add = torch_add
Tensor.__add__ = _add
Tensor.__radd__ = lambda self, other: _add(other, self)
Tensor.__sub__ = _checked_sub
Tensor.sub = torch_sub
Tensor.subtract = torch_sub
Tensor.__rsub__ = lambda self, other: rsub(self, other)
Tensor.__mul__ = Tensor.__rmul__ = Tensor.mul = Tensor.multiply = mul
Tensor.__truediv__ = Tensor.true_divide = _div
Tensor.div = Tensor.divide = torch_div
Tensor.__rtruediv__ = _rdiv
Tensor.__pow__ = Tensor.pow = pow
Tensor.__rpow__ = _rpow
Tensor.__neg__ = Tensor.neg = Tensor.negative = neg
Tensor.__abs__ = Tensor.abs = Tensor.absolute = abs
Tensor.clamp = Tensor.clip = clamp
Tensor.where = lambda self, condition, other: where(condition, self, other)
for _f in (exp, log, sin, cos, tanh, sqrt, relu, sigmoid, reciprocal, sign):
    setattr(Tensor, _f.__name__, _f)

HANDLED.update({
    np.exp: exp, np.log: log, np.sin: sin, np.cos: cos, np.tanh: tanh, np.sqrt: sqrt,
    np.negative: neg, np.absolute: abs, np.fabs: abs, np.reciprocal: reciprocal, np.add: _add,
    np.subtract: _checked_sub, np.multiply: mul, np.true_divide: _div, np.power: pow,
    np.clip: _np_clip, np.sign: sign, np.where: where,
})

# public names: torch.add/sub take alpha=, torch.div takes rounding_mode=
add = torch_add
sub = subtract = torch_sub
multiply = mul
div = divide = torch_div
negative = neg
absolute = abs
clip = clamp
