"""clamp with tensor bounds, clamp_min/clamp_max, and the ternary elementwise ops lerp, addcmul,
addcdiv: differentiable in every tensor argument, with PyTorch's gradient conventions at the
bounds and PyTorch's type promotion."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor
from ._core import binary, defop, unary_p
from .binary_ext import _is_num, _tensors, check_fits, with_scalar
from .unary_ext import not_implemented_for

_make = Tensor._make

__all__ = ["lerp", "addcmul", "addcdiv", "clamp_min", "clamp_max"]


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

for _name, _f in (("lerp", lerp), ("addcmul", addcmul), ("addcdiv", addcdiv),
                  ("clamp_min", clamp_min), ("clamp_max", clamp_max)):
    setattr(Tensor, _name, _f)
