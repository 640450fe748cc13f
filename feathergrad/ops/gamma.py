"""The gamma family: lgamma, digamma, polygamma, mvlgamma. Each derivative is the next member
(lgamma' = digamma, digamma' = polygamma(1, .), polygamma(n, .)' = polygamma(n + 1, .)), so
derivatives of every order exist. Integer inputs give the default float dtype, as in PyTorch."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor
from . import _gamma
from ._core import unary, unary_p

_make = Tensor._make

__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma"]


def _psi(n: int, x: Any) -> Any:
    """polygamma(n, x) on an ndarray or (differentiably) on a Tensor."""
    if type(x) is Tensor:
        return digamma(x) if n == 0 else _polygamma(x, n)
    return _gamma.polygamma(n, x)


lgamma = unary("lgamma", _gamma.lgamma, "LgammaBackward0", rule=lambda g, out, x: g * _psi(0, x))
# NOTE: digamma'(x) = polygamma(1, x); at the poles the gradient is inf or nan, as PyTorch's
digamma = unary("digamma", _gamma.digamma, "DigammaBackward0",
                rule=lambda g, out, x: g * _psi(1, x))
_polygamma = unary_p("polygamma", lambda x, n: _gamma.polygamma(n, x), "PolygammaBackward0",
                     lambda g, out, x, n: g * _psi(n + 1, x))
# PyTorch names the node of the in-place form differently
polygamma_inplace_op = unary_p("polygamma_", lambda x, n: _gamma.polygamma(n, x),
                               "PolygammaBackward1", lambda g, out, x, n: g * _psi(n + 1, x))


lgamma.__doc__ = "log|Gamma(input)|; inf at 0 and the negative integers. Gradient: digamma."
digamma.__doc__ = ("The logarithmic derivative of Gamma; -inf at 0, nan at the negative integers. "
                   "Gradient: polygamma(1, input).")


def _float(input: Tensor) -> Tensor:
    if input._data.dtype.kind not in "fc":
        return _make(input._data.astype(_dtype._default[0].np))
    return input


def polygamma(n: int, input: Tensor) -> Tensor:
    """The n-th derivative of digamma (polygamma(0, x) is digamma(x)).

    >>> polygamma(1, tensor([1.0]))     # pi ** 2 / 6
    tensor([1.6449])
    """
    if type(n) is not int and not isinstance(n, np.integer) or n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _polygamma(_float(input), int(n))


def _mvlgamma_fwd(x, p):
    c = p * (p - 1) / 4 * math.log(math.pi)
    return c + sum(_gamma.lgamma(x - i / 2) for i in range(p))


_mvlgamma = unary_p("mvlgamma", _mvlgamma_fwd, "MvlgammaBackward0",
                    lambda g, out, x, p: g * sum(_psi(0, x - i / 2) for i in range(p)))


def mvlgamma(input: Tensor, p: int) -> Tensor:
    """The multivariate log-gamma of dimension p: p(p-1)/4 log(pi) + sum_i lgamma(x - i/2).

    Defined for x > (p - 1) / 2; elsewhere the lgamma terms give inf or nan, as in PyTorch.

    >>> mvlgamma(tensor([2.5]), 2)
    tensor([0.8570])
    """
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return _mvlgamma(_float(input), int(p))


Tensor.lgamma = lgamma
Tensor.digamma = digamma
Tensor.polygamma = lambda self, n: polygamma(n, self)
Tensor.mvlgamma = mvlgamma
