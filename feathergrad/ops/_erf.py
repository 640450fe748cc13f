"""erf, erfc and erfinv on ndarrays, NumPy only (no SciPy), to about 1e-16 relative in float64.

erf/erfc use W. J. Cody's rational Chebyshev approximations (Math. Comp. 1969; the CALERF
routine of SPECFUN): |x| <= 0.46875 a rational function for erf, 0.46875 < |x| <= 4 and
|x| > 4 rational functions for erfc scaled by exp(-x^2). erfinv starts from M. Giles'
approximation (2010) and polishes it with Halley steps on erf (Newton steps on log(erfc) in
the tails, where 1 - |x| is exact and erf itself would have lost the digits).
These are plain array functions: the ops and their derivatives live in unary_ext.py.
"""

from __future__ import annotations

import numpy as np

_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
      3.20937758913846947e03, 1.85777706184603153e-1)
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
      2.84423683343917062e03)
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
      2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
      2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
      1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
      3.43936767414372164e03, 1.23033935480374942e03)
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
      1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
      6.05183413124413191e-2, 2.33520497626869185e-3)
_RSQRTPI = 0.56418958354775628695
_THRESH = 0.46875


def _erf_small(x: np.ndarray) -> np.ndarray:
    """erf(x) for |x| <= 0.46875."""
    with np.errstate(under="ignore"):   # tiny x: z underflows to 0 harmlessly
        z = x * x
        num = _A[4] * z
        den = z
        for i in range(3):
            num = (num + _A[i]) * z
            den = (den + _B[i]) * z
        return x * (num + _A[3]) / (den + _B[3])


def _erfc_pos(y: np.ndarray) -> np.ndarray:
    """erfc(y) for y > 0.46875 (y >= 0; values below the threshold are not meaningful)."""
    with np.errstate(all="ignore"):     # inf and huge y: the selected branch is finite
        num = _C[8] * y
        den = y
        for i in range(7):
            num = (num + _C[i]) * y
            den = (den + _D[i]) * y
        r_mid = (num + _C[7]) / (den + _D[7])
        z = 1.0 / (y * y)
        num = _P[5] * z
        den = z
        for i in range(4):
            num = (num + _P[i]) * z
            den = (den + _Q[i]) * z
        r_big = (_RSQRTPI - z * (num + _P[4]) / (den + _Q[4])) / y
        r = np.where(y <= 4.0, r_mid, r_big)
        # NOTE: exp(-y*y) split as exp(-s*s) * exp(-(y-s)(y+s)), s = y rounded down to 1/16,
        # so the rounding error of y*y is not amplified by the steep exponential (Cody's trick)
        s = np.trunc(y * 16.0) / 16.0
        e = np.exp(-s * s) * np.exp(-(y - s) * (y + s))
        return np.where(np.isinf(y), 0.0, r * e)


def _f64(x: np.ndarray) -> tuple[np.ndarray, np.dtype]:
    x = np.asarray(x)
    return x.astype(np.float64, copy=False), x.dtype


def erf(x: np.ndarray) -> np.ndarray:
    """The error function 2/sqrt(pi) * integral_0^x exp(-t^2) dt, elementwise."""
    x, dt = _f64(x)
    y = np.abs(x)
    small = y <= _THRESH
    big = np.copysign(1.0 - _erfc_pos(np.where(small, 1.0, y)), x)
    out = np.where(small, _erf_small(np.where(small, x, 0.0)), big)
    return out.astype(dt, copy=False)


def erfc(x: np.ndarray) -> np.ndarray:
    """The complementary error function 1 - erf(x), accurate in the tails."""
    x, dt = _f64(x)
    y = np.abs(x)
    small = y <= _THRESH
    c = _erfc_pos(np.where(small, 1.0, y))
    big = np.where(x < 0, 2.0 - c, c)
    out = np.where(small, 1.0 - _erf_small(np.where(small, x, 0.0)), big)
    return out.astype(dt, copy=False)


def erfinv(x: np.ndarray) -> np.ndarray:
    """The inverse error function: erfinv(erf(y)) = y on (-1, 1); +-inf at +-1, nan outside."""
    x, dt = _f64(x)
    a = np.abs(x)
    inside = a < 1.0
    a = np.where(inside, a, 0.5)
    # M. Giles, "Approximating the erfinv function" (GPU Computing Gems, 2010): ~1e-7 relative
    w = -np.log((1.0 - a) * (1.0 + a))
    w1 = w - 2.5
    p1 = 2.81022636e-08
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
              -0.00417768164, 0.246640727, 1.50140941):
        p1 = p1 * w1 + c
    w2 = np.sqrt(np.maximum(w, 5.0)) - 3.0
    p2 = -0.000200214257
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
              0.00943887047, 1.00167406, 2.83297682):
        p2 = p2 * w2 + c
    y = np.where(w < 5.0, p1, p2) * a
    tail = a >= 0.5
    log_rest = np.log(1.0 - a)     # 1 - a is exact for a >= 0.5 (Sterbenz)
    with np.errstate(all="ignore"):
        for _ in range(4):
            e = (2.0 * _RSQRTPI) * np.exp(-y * y)
            # centre: Halley on erf(y) - a (f' = e, f'' = -2 y e); tails: Newton on
            # log(erfc(y)) - log(1 - a), nearly quadratic in y, so it converges from afar
            f = erf(y) - a
            c = erfc(y)
            y = np.where(tail, y + (np.log(c) - log_rest) * c / e, y - f / (e + y * f))
    y = np.copysign(y, x)
    out = np.where(inside, y, np.where(np.abs(x) == 1.0, np.copysign(np.inf, x), np.nan))
    return out.astype(dt, copy=False)
