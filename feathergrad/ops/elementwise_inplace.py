"""In-place variants of the elementwise families (``x.floor_()``, ``x.atan2_(y)``,
``m.addcmul_(g, g, value=0.1)``, ``x.lerp_(y, 0.5)``), built on the machinery of inplace.py:
unrecorded, NumPy writes into the storage; recorded, the out-of-place op runs and the tensor's
history is rebased onto its node (a copy of the old value is kept when the rule needs it)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd.graph import Node
from ..tensor import Tensor
from . import binary_ext as B
from . import clamp_lerp as C
from . import gamma as G
from . import logical as L
from . import unary_ext as U
from .inplace import _apply_inplace, _unary_inplace


class _KeepsInput:
    """Stands for an op node whose rule reads the input: _apply_inplace then hands the op a
    copy of the old value, as PyTorch saves ``original_self`` for such in-place ops."""

    _save = (True,)


def _recorded(op: Callable, keeps_input: bool) -> Callable:
    f = lambda x, *a: op(x, *a)    # noqa: E731
    f._node = _KeepsInput if keeps_input else None
    return f


def _unary(name: str, op: Callable, ufunc: Any = None, keeps_input: bool = True) -> Callable:
    return _unary_inplace(name, _recorded(op, keeps_input), ufunc)


class _NoInplaceGrad(Node):
    """PyTorch records asinh_/acosh_/atanh_ but has no derivative for them: backward raises."""

    __slots__ = ()

    def apply(self, g: Any, create_graph: bool) -> tuple:
        op = type(self).__name__[:-9].lower()
        raise NotImplementedError(f"the derivative for 'inplace version of {op}' is not "
                                  "implemented.\nfeathergrad: use the out-of-place "
                                  f"x = x.{op}() where a gradient is needed.")


def _refused(name: str, op: Callable, ufunc: Any) -> Callable:
    cls = type(name.capitalize() + "Backward1", (_NoInplaceGrad,), {"__slots__": ()})

    def rec(x: Tensor) -> Tensor:
        r = op(x)
        if r._grad_fn is None:
            return r
        n = cls()
        n.next_functions = r._grad_fn.next_functions
        return Tensor._make(r._data, n)
    return _unary_inplace(name + "_", rec, ufunc)


def _binary(name: str, op: Callable, keeps_input: bool = True) -> Callable:
    rec = _recorded(op, keeps_input)

    def method(self: Tensor, other: Any) -> Tensor:
        return _apply_inplace(self, rec, other)
    method.__name__ = name
    return method


def _with_args(name: str, op: Callable, keeps_input: bool = True) -> Callable:
    """In-place form of an op taking more arguments: ``x.op_(*args, **kw)``."""
    def method(self: Tensor, *args: Any, **kw: Any) -> Tensor:
        return _apply_inplace(self, _recorded(lambda x: op(x, *args, **kw), keeps_input))
    method.__name__ = name
    return method


T = Tensor
# ufunc fast paths only where the op is a plain float ufunc (an int tensor is then refused by
# the cast check, as in PyTorch)
for _n, _op, _uf in (("exp2", U.exp2, np.exp2), ("expm1", U.expm1, np.expm1),
                     ("log2", U.log2, np.log2), ("log10", U.log10, np.log10),
                     ("log1p", U.log1p, np.log1p), ("tan", U.tan, np.tan),
                     ("asin", U.asin, np.arcsin), ("acos", U.acos, np.arccos),
                     ("atan", U.atan, np.arctan), ("sinh", U.sinh, np.sinh),
                     ("cosh", U.cosh, np.cosh), ("deg2rad", U.deg2rad, np.deg2rad),
                     ("rad2deg", U.rad2deg, np.rad2deg),
                     ("erf", U.erf, None), ("erfc", U.erfc, None), ("erfinv", U.erfinv, None),
                     ("rsqrt", U.rsqrt, None), ("sinc", U.sinc, None), ("square", U.square, None),
                     ("floor", U.floor, None), ("ceil", U.ceil, None), ("trunc", U.trunc, None),
                     ("fix", U.trunc, None), ("frac", U.frac, None), ("sgn", U.sgn, None)):
    setattr(T, _n + "_", _unary(_n + "_", _op, _uf))
T.asinh_ = _refused("asinh", U.asinh, np.arcsinh)
T.acosh_ = _refused("acosh", U.acosh, np.arccosh)
T.atanh_ = _refused("atanh", U.atanh, np.arctanh)
T.arcsin_, T.arccos_, T.arctan_ = T.asin_, T.acos_, T.atan_
T.arcsinh_, T.arccosh_, T.arctanh_ = T.asinh_, T.acosh_, T.atanh_
T.lgamma_ = _unary("lgamma_", G.lgamma)
T.digamma_ = _unary("digamma_", G.digamma)
T.polygamma_ = _with_args("polygamma_", lambda x, n: G.polygamma_inplace_op(G._float(x), n))
T.mvlgamma_ = _with_args("mvlgamma_", G.mvlgamma)
T.round_ = _with_args("round_", U.round, keeps_input=False)
T.nan_to_num_ = _with_args("nan_to_num_", U.nan_to_num)
T.logit_ = _with_args("logit_", U.logit)
for _n, _op, _keep in (("atan2", B.atan2, True), ("arctan2", B.atan2, True),
                       ("hypot", B.hypot, True), ("copysign", B.copysign, True),
                       ("xlogy", B.xlogy, True), ("fmod", B.fmod, True),
                       ("remainder", B.remainder, True), ("floor_divide", B.floor_divide, False),
                       ("logical_and", L.logical_and, False),
                       ("logical_or", L.logical_or, False), ("logical_xor", L.logical_xor, False),
                       ("bitwise_left_shift", B.bitwise_left_shift, False),
                       ("bitwise_right_shift", B.bitwise_right_shift, False)):
    setattr(T, _n + "_", _binary(_n + "_", _op, _keep))
T.bitwise_and_ = T.__iand__ = _binary("bitwise_and_", L.bitwise_and, False)
T.bitwise_or_ = T.__ior__ = _binary("bitwise_or_", L.bitwise_or, False)
T.bitwise_xor_ = T.__ixor__ = _binary("bitwise_xor_", L.bitwise_xor, False)
T.__imod__ = T.remainder_
T.__ifloordiv__ = T.floor_divide_
T.__ilshift__ = T.bitwise_left_shift_
T.__irshift__ = T.bitwise_right_shift_
T.logical_not_ = _with_args("logical_not_", L.logical_not, keeps_input=False)
T.lerp_ = _with_args("lerp_", C.lerp)    # a tensor weight's rule reads input
T.addcmul_ = _with_args("addcmul_", C.addcmul, keeps_input=False)
T.addcdiv_ = _with_args("addcdiv_", C.addcdiv, keeps_input=False)
