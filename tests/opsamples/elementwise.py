"""Samples for the elementwise families (unary_ext.py, binary_ext.py, elementwise.py).

Inputs sit inside each op's domain and away from its kinks (integers for the rounding ops,
ties for maximum/minimum, bounds for clamp), so finite differences see a smooth function.
"""

from __future__ import annotations

import numpy as np

from . import OpSample, positive, rand

S = OpSample


def _frac_away(*shape: int, low: float = -3.0, high: float = 3.0) -> np.ndarray:
    """Random values whose fractional part stays in [0.2, 0.8] (away from integers)."""
    a = rand(*shape, low=low, high=high)
    return np.floor(a) + 0.2 + 0.6 * (a - np.floor(a))


def _ratio_away(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Shift x so that x / y has its fractional part in [0.2, 0.8]."""
    q = x / y
    return (np.floor(q) + 0.2 + 0.6 * (q - np.floor(q))) * y


_X34, _Y4 = rand(3, 4, seed=1), positive(4, low=0.7, high=1.6)
_INT = np.array([[1, -2, 3], [0, 5, -1]])

SAMPLES = [
    # ---- exponentials and logarithms ----------------------------------------------------
    S(("exp2",), lambda m, x: m.exp2(x), [rand(3, 4)]),
    S(("exp2",), lambda m, x, n: m.exp2(n) * x, [rand(2, 3), _INT], name="int-input"),
    S(("expm1",), lambda m, x: m.expm1(x.t()), [rand(3, 2)], name="t"),
    S(("expm1",), lambda m, x: x.expm1(), [rand(0, 3)], name="empty"),
    S(("log2",), lambda m, x: m.log2(x), [positive(5)]),
    S(("log10",), lambda m, x: x.log10(), [positive(2, 3)]),
    S(("log1p",), lambda m, x: m.log1p(x), [rand(4, low=-0.5, high=2.0)]),
    S(("log1p",), lambda m, x: m.log1p(x), [positive()], name="0-d"),
    S(("rsqrt",), lambda m, x: m.rsqrt(x), [positive(3, 2)]),
    S(("pow_scalar",), lambda m, x: m.square(x), [rand(3, 2)], name="square"),
    S(("pow_scalar",), lambda m, x: x.square().t(), [rand(2, 3)], name="square-t"),
    # ---- trigonometric and hyperbolic ----------------------------------------------------
    S(("tan",), lambda m, x: m.tan(x), [rand(2, 3, low=-1.2, high=1.2)]),
    S(("asin",), lambda m, x: m.asin(x), [rand(5, low=-0.9, high=0.9)]),
    S(("asin",), lambda m, x: m.arcsin(x.t()), [rand(2, 3, low=-0.9, high=0.9)], name="alias"),
    S(("acos",), lambda m, x: m.acos(x), [rand(5, low=-0.9, high=0.9)]),
    S(("atan",), lambda m, x: m.atan(x), [rand(3, 3)]),
    S(("atan",), lambda m, x: x.arctan(), [rand()], name="0-d"),
    S(("sinh",), lambda m, x: m.sinh(x), [rand(4)]),
    S(("cosh",), lambda m, x: m.cosh(x), [rand(4)]),
    S(("asinh",), lambda m, x: m.asinh(x), [rand(2, 2)]),
    S(("acosh",), lambda m, x: m.acosh(x), [rand(4, low=1.3, high=3.0)]),
    S(("atanh",), lambda m, x: m.atanh(x), [rand(4, low=-0.8, high=0.8)]),
    S(("deg2rad",), lambda m, x: m.deg2rad(x), [rand(3)]),
    S(("rad2deg",), lambda m, x: m.rad2deg(x), [rand(3)]),
    S(("sinc",), lambda m, x: m.sinc(x), [rand(6, away_from=0.0)]),
    # ---- error function, logit ---------------------------------------------------------
    S(("erf",), lambda m, x: m.erf(x), [rand(3, 4)]),
    S(("erf",), lambda m, x: x.erf(), [rand(5, low=-6.0, high=6.0)], name="tails"),
    S(("erfc",), lambda m, x: m.erfc(x), [rand(2, 3)]),
    S(("erfinv",), lambda m, x: m.erfinv(x), [rand(5, low=-0.9, high=0.9)]),
    S(("logit",), lambda m, x: m.logit(x), [rand(5, low=0.1, high=0.9)]),
    S(("logit",), lambda m, x: m.logit(x, eps=0.05), [np.array([0.01, 0.2, 0.5, 0.97])],
      name="eps"),
    # ---- gamma family --------------------------------------------------------------------
    S(("lgamma",), lambda m, x: m.lgamma(x), [rand(3, 4, low=0.2, high=6.0)]),
    S(("lgamma",), lambda m, x: x.lgamma(), [_frac_away(5, low=-4.0, high=-0.1)], name="neg"),
    S(("digamma",), lambda m, x: m.digamma(x.t()), [rand(3, 2, low=0.3, high=15.0)], name="t"),
    S(("digamma",), lambda m, x: m.digamma(x), [_frac_away(4, low=-3.0, high=-0.1)],
      name="neg"),
    S(("polygamma",), lambda m, x: m.polygamma(1, x) + m.polygamma(2, x), [rand(5, low=0.5,
                                                                              high=4.0)]),
    S(("polygamma",), lambda m, x: x.polygamma(3), [rand(low=0.5, high=4.0)], name="0-d"),
    S(("mvlgamma",), lambda m, x: m.mvlgamma(x, 3), [rand(2, 3, low=1.2, high=5.0)]),
    S(("polygamma_",), lambda m, x: (x * 1).polygamma_(1), [rand(4, low=0.5, high=4.0)]),
    # ---- rounding (zero gradient) ------------------------------------------------------
    S(("floor",), lambda m, x: m.floor(x) * x, [_frac_away(5)]),
    S(("ceil",), lambda m, x: m.ceil(x) + x, [_frac_away(2, 3)]),
    S(("trunc",), lambda m, x: m.trunc(x) * x, [_frac_away(4)]),
    S(("trunc",), lambda m, x: m.fix(x.t()), [_frac_away(2, 3)], name="fix"),
    S(("round",), lambda m, x: m.round(x) * x, [_frac_away(5)]),
    S(("round_decimals",), lambda m, x: m.round(x * 10, decimals=-1) * x,
      [_frac_away(4) / 10 + 0.05]),
    S(("frac",), lambda m, x: m.frac(x), [_frac_away(6)]),
    S(("sgn",), lambda m, x: m.sgn(x) * x, [rand(5, away_from=0.0)]),
    S(("nan_to_num",), lambda m, x: m.nan_to_num(x), [rand(3, 2)]),
    S(("nan_to_num",), lambda m, x: m.nan_to_num(m.log(x), neginf=-5.0),
      [positive(4)], name="log"),
    # ---- rounding division and remainders --------------------------------------------------
    S(("div_floor",), lambda m, x, y: m.div(x, y, rounding_mode="floor") * x,
      [_ratio_away(_X34, _Y4), _Y4]),
    S(("div_trunc",), lambda m, x, y: m.div(x, y, rounding_mode="trunc") * y,
      [_ratio_away(_X34, _Y4), _Y4]),
    S(("remainder",), lambda m, x, y: m.remainder(x, y), [_ratio_away(_X34, _Y4), _Y4]),
    S(("remainder",), lambda m, x, y: x % y, [_ratio_away(_X34, -_Y4), -_Y4], name="neg-div"),
    S(("remainder_scalar",), lambda m, x: x % 1.5, [_ratio_away(rand(5), np.full(5, 1.5))]),
    S(("fmod",), lambda m, x, y: m.fmod(x, y), [_ratio_away(_X34, _Y4), _Y4]),
    S(("fmod_scalar",), lambda m, x: m.fmod(x, -1.5), [_ratio_away(rand(5), np.full(5, 1.5))]),
    # ---- two-argument functions ------------------------------------------------------------
    S(("atan2",), lambda m, y, x: m.atan2(y, x), [rand(3, 1, away_from=0.0), rand(4)]),
    S(("atan2",), lambda m, y, x: y.arctan2(x.t()), [rand(2, 3), rand(3, 2, away_from=0.0)],
      name="t"),
    S(("maximum",), lambda m, a, b: m.maximum(a, b), [rand(3, 4, seed=3), rand(4, seed=4)]),
    S(("maximum",), lambda m, a, b: a.maximum(b), [rand(seed=5), rand(3, seed=6)], name="0-d"),
    S(("minimum",), lambda m, a, b: m.minimum(a, b), [rand(2, 3, seed=7), rand(2, 1, seed=8)]),
    S(("fmax",), lambda m, a, b: m.fmax(a, b), [rand(5, seed=9), rand(5, seed=10)]),
    S(("fmin",), lambda m, a, b: m.fmin(a, b), [rand(2, 3, seed=11), rand(3, seed=12)]),
    S(("hypot",), lambda m, a, b: m.hypot(a, b), [rand(3, 1, away_from=0.0), rand(2)]),
    S(("logaddexp",), lambda m, a, b: m.logaddexp(a, b), [rand(3, 2), rand(2)]),
    S(("logaddexp2",), lambda m, a, b: m.logaddexp2(a, b), [rand(4), rand(4)]),
    S(("ldexp",), lambda m, a, b: m.ldexp(a, b), [rand(3, 2), rand(2)]),
    # NOTE: PyTorch computes 2 ** other in integers for an integer other (2 ** -2 == 0); we
    # give the true input * 2.0 ** other, so this sample is not compared with PyTorch
    S(("ldexp",), lambda m, a, n: m.ldexp(a, n), [rand(2, 3), _INT], name="int-exp",
      compare_torch=False),
    S(("maximum",), lambda m, a, b: m.maximum(a, b), [rand(0, 3), rand(3)], name="empty"),
    S(("erf",), lambda m, x: m.erf(x), [rand(2, 0)], name="empty"),
    S(("copysign",), lambda m, a, b: m.copysign(a, b),
      [rand(2, 3, away_from=0.0), rand(3, away_from=0.0)]),
    S(("copysign_scalar",), lambda m, a: m.copysign(a, -1.0), [rand(4, away_from=0.0)]),
    S(("xlogy",), lambda m, a, b: m.xlogy(a, b), [rand(3, 2), positive(2)]),
    S(("xlogy_scalar_other",), lambda m, a: m.xlogy(a, 2.5), [rand(4)]),
    S(("xlogy_scalar_self",), lambda m, b: m.xlogy(2.5, b), [positive(4)]),
    S(("pow", "pow_scalar", "pow_scalar_base"),
      lambda m, a, b: m.float_power(a, b) + m.float_power(a, 2) + m.float_power(2, b),
      [positive(3), rand(3)], name="float_power"),
    # ---- lerp, addcmul, addcdiv ----------------------------------------------------------
    S(("lerp_scalar",), lambda m, a, b: m.lerp(a, b, 0.3), [rand(3, 2), rand(2)]),
    S(("lerp_scalar",), lambda m, a, b: a.lerp(b, 0.8), [rand(4), rand(4)], name="w>0.5"),
    S(("lerp",), lambda m, a, b, w: m.lerp(a, b, w),
      [rand(2, 3), rand(3), rand(2, 1, low=-0.5, high=1.5)]),
    S(("addcmul",), lambda m, s, a, b: m.addcmul(s, a, b, value=0.5),
      [rand(3, 1), rand(4), rand(3, 4)]),
    S(("addcmul",), lambda m, s, a, b: s.addcmul(a, b), [rand(2), rand(2), rand(2)],
      name="method"),
    S(("addcdiv",), lambda m, s, a, b: m.addcdiv(s, a, b, value=-2),
      [rand(2, 3), rand(3), positive(2, 1)]),
    # ---- clamp ---------------------------------------------------------------------------
    S(("clamp_tensor",), lambda m, x, lo, hi: m.clamp(x, lo, hi),
      [np.array([-1.0, 0.1, 0.5, 0.9, 2.0, 0.4]), np.array([0.0, 0.0, 0.2, 0.2, 0.2, 0.6]),
       np.array([1.0, 1.0, 0.8, 0.8, 0.8, 0.3])], name="min>max"),
    S(("clamp_tensor",), lambda m, x, lo: m.clamp(x, min=lo), [rand(3, 4, seed=13),
                                                              rand(4, seed=14)], name="min"),
    S(("clamp_tensor",), lambda m, x, hi: x.clamp(max=hi), [rand(2, 3, seed=15),
                                                           rand(2, 1, seed=16)], name="max"),
    S(("clamp_min",), lambda m, x: m.clamp_min(x, 0.3), [rand(6, away_from=0.3)]),
    S(("clamp_max",), lambda m, x: x.clamp_max(-0.2), [rand(2, 3, away_from=-0.2)]),
    S(("clamp_min_tensor",), lambda m, x, lo: m.clamp_min(x, lo),
      [rand(3, 2, seed=19), rand(2, seed=20)]),
    S(("clamp_max_tensor",), lambda m, x, hi: x.clamp_max(hi),
      [rand(4, seed=21), rand(4, seed=22)]),
    S(("where",), lambda m, x: m.where(x > 0, x, 2.5), [rand(5, away_from=0.0)], name="scalar"),
]
