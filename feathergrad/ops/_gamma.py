"""lgamma, digamma and polygamma on ndarrays, NumPy only, computed in float64.

lgamma: Lanczos' approximation (g = 7, 9 terms) for x >= 0.5, the reflection formula below.
digamma: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the asymptotic series;
reflection for x < 0. polygamma(n >= 1): (-1)^(n+1) n! zeta(n + 1, x), the Hurwitz zeta by
direct summation up to x >= 10 + n and the Euler-Maclaurin tail.
Values at the poles follow PyTorch: lgamma = inf, digamma(+-0) = -+inf, digamma(-k) = nan.
The ops and their derivatives live in gamma.py.
"""

from __future__ import annotations

import math

import numpy as np

_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012,
            9.9843695780195716e-6, 1.5056327351493116e-7)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
# B_2j / (2j) for the digamma series, B_2j / (2j)! for the Euler-Maclaurin tail
_B = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798)


def _f64(x: np.ndarray) -> tuple[np.ndarray, np.dtype]:
    x = np.asarray(x)
    return x.astype(np.float64, copy=False), x.dtype


def _lgamma_pos(x: np.ndarray) -> np.ndarray:
    """lgamma for x >= 0.5 (Lanczos)."""
    z = x - 1.0
    a = np.full_like(z, _LANCZOS[0])
    for i in range(1, 9):
        a = a + _LANCZOS[i] / (z + i)
    t = z + 7.5
    return _HALF_LOG_2PI + (z + 0.5) * np.log(t) - t + np.log(a)


def lgamma(x: np.ndarray) -> np.ndarray:
    """log|Gamma(x)|, elementwise; inf at 0 and the negative integers."""
    x, dt = _f64(x)
    with np.errstate(all="ignore"):
        small = x < 0.5
        pos = _lgamma_pos(np.where(small, 1.0 - x, x))
        r = x - np.round(x)                  # sin(pi x) up to sign, without losing digits
        refl = math.log(math.pi) - np.log(np.abs(np.sin(math.pi * r))) - pos
        out = np.where(small, refl, pos)
        out = np.where((x == np.floor(x)) & (x <= 0) | np.isinf(x), np.inf, out)
    return out.astype(dt, copy=False)


def digamma(x: np.ndarray) -> np.ndarray:
    """The logarithmic derivative of Gamma; -inf at 0, nan at the negative integers."""
    x, dt = _f64(x)
    with np.errstate(all="ignore"):
        neg = x < 0
        y = np.where(neg, 1.0 - x, x)
        acc = np.zeros_like(y)
        for _ in range(10):                   # y > 0: ten steps bring it past 10
            low = y < 10.0
            acc = acc - np.where(low, 1.0 / y, 0.0)
            y = np.where(low, y + 1.0, y)
        z = 1.0 / (y * y)
        poly = 0.0
        for k in range(8, 0, -1):            # sum_k B_2k / (2k) z^k, by Horner
            poly = poly * z + _B[k - 1] / (2 * k)
        out = acc + np.log(y) - 0.5 / y - poly * z
        r = x - np.round(x)
        out = np.where(neg, out - math.pi / np.tan(math.pi * r), out)
        zero = np.where(np.signbit(x), np.inf, -np.inf)     # the side 0 is approached from
        out = np.where(x == 0, zero, np.where(neg & (r == 0), np.nan, out))
        out = np.where(x == np.inf, np.inf, out)
    return out.astype(dt, copy=False)


def polygamma(n: int, x: np.ndarray) -> np.ndarray:
    """The n-th derivative of digamma (n >= 1): (-1)^(n+1) n! zeta(n + 1, x)."""
    if n == 0:
        return digamma(x)
    x, dt = _f64(x)
    s = n + 1.0
    with np.errstate(all="ignore"):
        target = 10.0 + n
        lo = float(np.nanmin(x)) if x.size else target
        steps = int(min(max(0.0, math.ceil(target - lo)), 1e6)) if math.isfinite(lo) else 0
        q = x.copy()
        acc = np.zeros_like(q)
        for _ in range(steps):
            low = q < target
            acc = acc + np.where(low, q ** -s, 0.0)
            q = np.where(low, q + 1.0, q)
        # Euler-Maclaurin: q^(1-s)/(s-1) + q^(-s)/2 + sum_j B_2j/(2j)! s(s+1)..(s+2j-2) q^(-s-2j+1)
        tail = q ** (1.0 - s) / (s - 1.0) + 0.5 * q ** -s
        rising, fact, qp = s, 2.0, q ** (-s - 1.0)
        for j in range(1, 10):
            tail = tail + (_B[j - 1] / fact) * rising * qp
            rising *= (s + 2 * j - 1) * (s + 2 * j)
            fact *= (2 * j + 1) * (2 * j + 2)
            qp = qp / (q * q)
        zeta = acc + tail
        out = (-1.0) ** (n + 1) * math.factorial(n) * zeta
        pole = (x == np.floor(x)) & (x <= 0)
        out = np.where(pole, np.inf if n % 2 else -np.inf, out)
        out = np.where(x == np.inf, 0.0, out)
    return out.astype(dt, copy=False)
