"""More unary elementwise ops: exponentials and logarithms, trigonometric and hyperbolic
functions and their inverses, erf/erfc/erfinv, logit, rounding, and the float predicates
(isnan, isinf, signbit, ...). One line per op, forward beside backward, as in elementwise.py.

Integer and bool inputs of the floating functions give the default float dtype, as in PyTorch;
the rounding functions keep an integer dtype (and refuse bool, as PyTorch does).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor
from . import _erf
from ._core import HANDLED, unary, unary_p

_make = Tensor._make
ndarray = np.ndarray

__all__ = [
    "exp2", "expm1", "log2", "log10", "log1p", "rsqrt", "square",
    "tan", "asin", "acos", "atan", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh",
    "erf", "erfc", "erfinv", "logit", "sinc", "deg2rad", "rad2deg",
    "floor", "ceil", "round", "trunc", "fix", "frac", "sgn", "positive", "nan_to_num",
    "isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit", "isreal",
]

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_RSQRTPI = 2.0 / math.sqrt(math.pi)
_SQRTPI_2 = math.sqrt(math.pi) / 2.0
_PI = math.pi
_D2R = math.pi / 180.0

_TYPE_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
               "int64": "Long", "float16": "Half", "float32": "Float", "float64": "Double",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def not_implemented_for(kernel: str, npdt: np.dtype) -> NotImplementedError:
    """PyTorch's error for a kernel without a loop for this dtype."""
    return NotImplementedError(f'"{kernel}" not implemented for '
                               f"'{_TYPE_NAMES.get(npdt.name, npdt.name)}'")


def zeros_of(g: Any) -> Any:
    """A zero gradient shaped like `g` that records nothing (PyTorch: ``zeros_like(grad)``)."""
    if type(g) is Tensor:
        return _make(np.zeros(g._data.shape, g._data.dtype))
    return np.zeros(np.shape(g), g.dtype)


_zero = lambda g, out, x: zeros_of(g)      # the rule of the step functions

# ---- exponentials and logarithms ------------------------------------------------------
exp2 = unary("exp2", np.exp2, "Exp2Backward0", rule=lambda g, out, x: g * (out * _LN2))
expm1 = unary("expm1", np.expm1, "Expm1Backward0", rule=lambda g, out, x: g * (out + 1))
log2 = unary("log2", np.log2, "Log2Backward0", rule=lambda g, out, x: g / (x * _LN2))
log10 = unary("log10", np.log10, "Log10Backward0", rule=lambda g, out, x: g / (x * _LN10))
log1p = unary("log1p", np.log1p, "Log1PBackward0", rule=lambda g, out, x: g / (x + 1))
# NOTE: rsqrt'(0) = -inf, as PyTorch (and sqrt'(0) = inf)
rsqrt = unary("rsqrt", lambda x: np.reciprocal(np.sqrt(x)), "RsqrtBackward0",
              rule=lambda g, out, x: g * (-0.5 * (out * out * out)))

# ---- trigonometric and hyperbolic -------------------------------------------------------
# NOTE: at the ends of their domains (asin/acos at +-1, atanh at +-1, acosh at 1) the
# derivatives are +-inf, as in PyTorch; outside the domain values and gradients are nan.
tan = unary("tan", np.tan, "TanBackward0", rule=lambda g, out, x: g * (1 + out * out))
asin = unary("asin", np.arcsin, "AsinBackward0", rule=lambda g, out, x: g / np.sqrt(1 - x * x))
acos = unary("acos", np.arccos, "AcosBackward0", rule=lambda g, out, x: -g / np.sqrt(1 - x * x))
atan = unary("atan", np.arctan, "AtanBackward0", rule=lambda g, out, x: g / (x * x + 1))
sinh = unary("sinh", np.sinh, "SinhBackward0", rule=lambda g, out, x: g * np.cosh(x))
cosh = unary("cosh", np.cosh, "CoshBackward0", rule=lambda g, out, x: g * np.sinh(x))
asinh = unary("asinh", np.arcsinh, "AsinhBackward0", rule=lambda g, out, x: g / np.sqrt(x * x + 1))
acosh = unary("acosh", np.arccosh, "AcoshBackward0", rule=lambda g, out, x: g / np.sqrt(x * x - 1))
atanh = unary("atanh", np.arctanh, "AtanhBackward0", rule=lambda g, out, x: g / (1 - x * x))
deg2rad = unary("deg2rad", np.deg2rad, "Deg2RadBackward0", rule=lambda g, out, x: g * _D2R)
rad2deg = unary("rad2deg", np.rad2deg, "Rad2DegBackward0", rule=lambda g, out, x: g / _D2R)


def _sinc_grad(g, out, x):
    # NOTE: 0 at x == 0 (PyTorch masks it); elsewhere (pi x cos(pi x) - sin(pi x)) / (pi x^2)
    xs = np.where(x == 0, 1.0, x)
    p = xs * _PI
    return np.where(x == 0, 0.0, g * ((p * np.cos(p) - np.sin(p)) / (p * xs)))


def _sinc_fwd(x):
    if x.dtype == np.float16:    # as PyTorch: half precision computes in float32
        return np.sinc(x.astype(np.float32)).astype(np.float16)
    return np.sinc(x)


sinc = unary("sinc", _sinc_fwd, "SincBackward0", rule=_sinc_grad)

# ---- error function ---------------------------------------------------------------------
erf = unary("erf", _erf.erf, "ErfBackward0",
            rule=lambda g, out, x: g * (_TWO_RSQRTPI * np.exp(-(x * x))))
erfc = unary("erfc", _erf.erfc, "ErfcBackward0",
             rule=lambda g, out, x: g * (-_TWO_RSQRTPI * np.exp(-(x * x))))
erfinv = unary("erfinv", _erf.erfinv, "ErfinvBackward0",
               rule=lambda g, out, x: g * (_SQRTPI_2 * np.exp(out * out)))


def _logit_fwd(x, eps):
    if eps is not None:
        x = np.clip(x, eps, 1.0 - eps)
    return np.log(x / (1 - x))


def _logit_grad(g, out, x, eps):
    # NOTE: as PyTorch: nan outside [0, 1] without eps, 0 outside [eps, 1 - eps] with eps
    lo, hi, fill = (0.0, 1.0, np.nan) if eps is None else (eps, 1.0 - eps, 0.0)
    return np.where((x < lo) | (x > hi), fill, g / (x * (1 - x)))


_logit = unary_p("logit", _logit_fwd, "LogitBackward0", _logit_grad)


def _float(input: Any, name: str) -> Tensor:
    if type(input) is not Tensor:
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input._data.dtype.kind not in "fc":
        return _make(input._data.astype(_dtype._default[0].np))
    return input


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given.

    Gradient: 1 / (p (1 - p)); nan outside [0, 1] without eps, 0 outside [eps, 1 - eps] with it.

    >>> logit(tensor([0.25, 0.5]))
    tensor([-1.0986,  0.0000])
    """
    return _logit(_float(input, "logit"), None if eps is None else float(eps))


# ---- rounding: zero gradient almost everywhere (PyTorch returns zeros) -------------------
def _rounding(f: Any, kernel: str) -> Any:
    def fwd(x):
        k = x.dtype.kind
        if k == "f":
            return f(x)
        if k == "b" or k == "c":
            raise not_implemented_for(kernel, x.dtype)
        return x.copy()      # integers are already whole
    return fwd


def _frac_fwd(x):
    if x.dtype.kind != "f":
        raise not_implemented_for("frac_cpu", x.dtype)
    return x - np.trunc(x)


def sign_fwd(x):
    """sign as PyTorch: 0 at nan and at -0.0 (NumPy gives nan and -0.0)."""
    if x.dtype.kind == "b":
        return x.copy()
    return np.subtract(x > 0, x < 0, dtype=x.dtype)


floor = unary("floor", _rounding(np.floor, "floor_vml_cpu"), "FloorBackward0", False, _zero)
ceil = unary("ceil", _rounding(np.ceil, "ceil_vml_cpu"), "CeilBackward0", False, _zero)
trunc = unary("trunc", _rounding(np.trunc, "trunc_vml_cpu"), "TruncBackward0", False, _zero)
# NOTE: ties round to even, as PyTorch (np.rint is round-half-even too)
_round0 = unary("round", _rounding(np.rint, "round_vml_cpu"), "RoundBackward0", False, _zero)
frac = unary("frac", _frac_fwd, "FracBackward0", False, lambda g, out, x: g)
sgn = unary("sgn", sign_fwd, "SgnBackward0", False, _zero)


def _round_dec_fwd(x, decimals):
    if x.dtype.kind != "f":
        return _rounding(np.rint, "round_vml_cpu")(x)
    # as PyTorch: scale by 10**|decimals| in the tensor's dtype, round half to even, unscale
    ten = np.asarray(10.0 ** abs(decimals), dtype=x.dtype)
    if decimals >= 0:
        return np.rint(x * ten) / ten
    return np.rint(x / ten) * ten


_round1 = unary_p("round_decimals", _round_dec_fwd, "RoundBackward1",
                  lambda g, out, x, decimals: zeros_of(g))


def round(input: Tensor, *, decimals: int | None = None) -> Tensor:  # noqa: A001
    """Round to the nearest integer (ties to even), or to `decimals` decimal places.

    The gradient is zero everywhere (PyTorch's convention for step functions).

    >>> round(tensor([0.5, 1.5, 2.567]), decimals=None)
    tensor([0., 2., 3.])
    """
    if decimals is None:
        return _round0(input)
    return _round1(input, int(decimals))


def fix(input: Tensor) -> Tensor:
    """Alias of trunc."""
    return trunc(input)


def _nan_to_num_fwd(x, p):
    if x.dtype.kind not in "fc":
        return x.copy()
    nan, posinf, neginf = p
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


# NOTE: the gradient passes where the input is finite and is 0 at nan and +-inf (PyTorch)
_nan_to_num = unary_p("nan_to_num", _nan_to_num_fwd, "NanToNumBackward0",
                      lambda g, out, x, p: np.where(np.isfinite(x), g, 0.0))


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """Replace nan by `nan` and +-inf by `posinf`/`neginf` (default: the dtype's extremes).

    >>> nan_to_num(tensor([float('nan'), 1.0]))
    tensor([0., 1.])
    """
    return _nan_to_num(input, (nan, posinf, neginf))


def square(input: Tensor) -> Tensor:
    """input * input, recorded as ``pow(input, 2)`` (PowBackward0) as in PyTorch."""
    if input._data.dtype.kind == "b":
        input = _make(input._data.astype(np.int64))
    return input ** 2


def positive(input: Tensor) -> Tensor:
    """The input itself (``+x``); refused for bool as in PyTorch."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


# ---- float predicates (bool results, no gradient) ----------------------------------------
def _pred(name: str, f: Any, default: Any) -> Any:
    def op(input: Tensor) -> Tensor:
        d = input._data
        if d.dtype.kind in "fc":
            return _make(np.asarray(f(d)))
        return _make(np.asarray(default(d)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name} as a bool tensor (never differentiable)."
    return op


def _false(d):
    return np.zeros(d.shape, np.bool_)


def _true(d):
    return np.ones(d.shape, np.bool_)


isnan = _pred("isnan", np.isnan, _false)
isinf = _pred("isinf", np.isinf, _false)
isfinite = _pred("isfinite", np.isfinite, _true)
isposinf = _pred("isposinf", lambda d: d == np.inf, _false)
isneginf = _pred("isneginf", lambda d: d == -np.inf, _false)
signbit = _pred("signbit", np.signbit, lambda d: d < 0 if d.dtype.kind == "i" else _false(d))
isreal = _pred("isreal", lambda d: np.imag(d) == 0, _true)


# ---- docstrings of the one-line ops: what they compute and their gradient's edge cases --------
for _f, _doc in (
        (exp2, "2 ** input."), (expm1, "exp(input) - 1, accurate near 0."),
        (log2, "Base-2 logarithm; gradient inf at 0."), (log10, "Base-10 logarithm."),
        (log1p, "log(1 + input), accurate near 0; gradient inf at -1."),
        (rsqrt, "1 / sqrt(input); gradient -inf at 0."), (tan, "Tangent."),
        (asin, "Inverse sine on [-1, 1]; gradient inf at +-1, nan outside."),
        (acos, "Inverse cosine on [-1, 1]; gradient -inf at +-1, nan outside."),
        (atan, "Inverse tangent."), (sinh, "Hyperbolic sine."), (cosh, "Hyperbolic cosine."),
        (asinh, "Inverse hyperbolic sine."),
        (acosh, "Inverse hyperbolic cosine on [1, inf); gradient inf at 1."),
        (atanh, "Inverse hyperbolic tangent on (-1, 1); gradient inf at +-1."),
        (deg2rad, "Degrees to radians."), (rad2deg, "Radians to degrees."),
        (sinc, "sin(pi x) / (pi x), 1 at 0; gradient 0 at 0."),
        (erf, "The error function (NumPy-only, about 1e-16 relative in float64)."),
        (erfc, "1 - erf(input), accurate in the tails."),
        (erfinv, "The inverse of erf on (-1, 1); +-inf at +-1, nan outside."),
        (floor, "Largest integer <= input (integer tensors are returned as they are); zero "
                "gradient."),
        (ceil, "Smallest integer >= input; zero gradient."),
        (trunc, "Rounds toward zero; zero gradient."),
        (frac, "input - trunc(input); gradient 1."),
        (sgn, "The sign (-1, 0, 1; 0 at nan) for real input; zero gradient.")):
    _f.__doc__ = _doc


# ---- Tensor methods and NumPy dispatch ---------------------------------------------------
for _f in (exp2, expm1, log2, log10, log1p, rsqrt, square, tan, asin, acos, atan, sinh, cosh,
           asinh, acosh, atanh, erf, erfc, erfinv, logit, sinc, deg2rad, rad2deg, floor, ceil,
           round, trunc, fix, frac, sgn, positive, nan_to_num, isnan, isinf, isfinite, isposinf,
           isneginf, signbit, isreal):
    setattr(Tensor, _f.__name__, _f)
arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh
Tensor.arcsin, Tensor.arccos, Tensor.arctan = asin, acos, atan
Tensor.arcsinh, Tensor.arccosh, Tensor.arctanh = asinh, acosh, atanh
Tensor.__pos__ = positive


def _np_round(a: Tensor, decimals: int = 0, out: Any = None) -> Tensor:
    if out is not None:
        raise TypeError("numpy.round(out=...) is not supported on feathergrad tensors")
    return round(a) if decimals == 0 else round(a, decimals=decimals)


def _np_nan_to_num(x: Tensor, copy: bool = True, nan: float = 0.0, posinf: float | None = None,
                   neginf: float | None = None) -> Tensor:
    return nan_to_num(x, nan, posinf, neginf)


HANDLED.update({
    np.exp2: exp2, np.expm1: expm1, np.log2: log2, np.log10: log10, np.log1p: log1p,
    np.square: square, np.tan: tan, np.arcsin: asin, np.arccos: acos, np.arctan: atan,
    np.sinh: sinh, np.cosh: cosh, np.arcsinh: asinh, np.arccosh: acosh, np.arctanh: atanh,
    np.deg2rad: deg2rad, np.radians: deg2rad, np.rad2deg: rad2deg, np.degrees: rad2deg,
    np.sinc: sinc, np.floor: floor, np.ceil: ceil, np.trunc: trunc, np.fix: fix,
    np.rint: _round0, np.round: _np_round, np.around: _np_round, np.positive: positive,
    np.nan_to_num: _np_nan_to_num, np.isnan: isnan, np.isinf: isinf, np.isfinite: isfinite,
    np.isposinf: isposinf, np.isneginf: isneginf, np.signbit: signbit, np.isreal: isreal,
})
