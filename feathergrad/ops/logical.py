"""Comparison, logical and bitwise ops: bool or integer results, never differentiable.

Operands follow PyTorch's type promotion before comparing (``int_tensor == 2.5`` compares in
float); the bitwise ops refuse floating tensors with PyTorch's error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._core import HANDLED, binary
from .unary_ext import not_implemented_for

_make = Tensor._make
ndarray = np.ndarray

__all__ = [
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
    "bitwise_or", "bitwise_xor", "bitwise_not",
]


# ---- comparisons --------------------------------------------------------------------------
eq = binary("eq", np.equal, "", None, None, kind="cmp")
ne = binary("ne", np.not_equal, "", None, None, kind="cmp")
lt = binary("lt", np.less, "", None, None, kind="cmp")
le = binary("le", np.less_equal, "", None, None, kind="cmp")
gt = binary("gt", np.greater, "", None, None, kind="cmp")
ge = binary("ge", np.greater_equal, "", None, None, kind="cmp")


logical_and = binary("logical_and", np.logical_and, "", None, None, kind="cmp")
logical_or = binary("logical_or", np.logical_or, "", None, None, kind="cmp")
logical_xor = binary("logical_xor", np.logical_xor, "", None, None, kind="cmp")


def _bitwise(f: Any, kernel: str) -> Any:
    def fwd(a, b):
        dt = a.dtype if isinstance(a, ndarray) else np.asarray(b).dtype
        if dt.kind not in "biu":
            raise not_implemented_for(kernel, dt)
        return f(a, b)
    return fwd


bitwise_and = binary("bitwise_and", _bitwise(np.bitwise_and, "bitwise_and_cpu"), "", None, None)
bitwise_or = binary("bitwise_or", _bitwise(np.bitwise_or, "bitwise_or_cpu"), "", None, None)
bitwise_xor = binary("bitwise_xor", _bitwise(np.bitwise_xor, "bitwise_xor_cpu"), "", None, None)


def logical_not(input: Tensor) -> Tensor:
    """Elementwise not (nonzero is True), as a bool tensor."""
    return _make(np.logical_not(input._data))


def bitwise_not(input: Tensor) -> Tensor:
    """~input for integer and bool tensors."""
    d = input._data
    if d.dtype.kind not in "biu":
        raise not_implemented_for("bitwise_not_cpu", d.dtype)
    return _make(np.invert(d))


def _invert(self: Tensor) -> Tensor:
    if self._data.dtype.kind not in "biu":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return _make(np.invert(self._data))


Tensor.__eq__ = Tensor.eq = eq
Tensor.__ne__ = Tensor.ne = Tensor.not_equal = ne
Tensor.__lt__ = Tensor.lt = Tensor.less = lt
Tensor.__le__ = Tensor.le = Tensor.less_equal = le
Tensor.__gt__ = Tensor.gt = Tensor.greater = gt
Tensor.__ge__ = Tensor.ge = Tensor.greater_equal = ge
Tensor.__hash__ = lambda self: id(self)    # __eq__ is elementwise, identity stays the hash
Tensor.__and__ = Tensor.__rand__ = Tensor.bitwise_and = bitwise_and
Tensor.__or__ = Tensor.__ror__ = Tensor.bitwise_or = bitwise_or
Tensor.__xor__ = Tensor.__rxor__ = Tensor.bitwise_xor = bitwise_xor
Tensor.__invert__ = _invert
Tensor.bitwise_not = bitwise_not
Tensor.logical_and, Tensor.logical_or, Tensor.logical_xor = logical_and, logical_or, logical_xor
Tensor.logical_not = logical_not

HANDLED.update({
    np.equal: eq, np.not_equal: ne, np.less: lt, np.less_equal: le, np.greater: gt,
    np.greater_equal: ge, np.logical_and: logical_and, np.logical_or: logical_or,
    np.logical_xor: logical_xor, np.logical_not: logical_not, np.bitwise_and: bitwise_and,
    np.bitwise_or: bitwise_or, np.bitwise_xor: bitwise_xor, np.invert: bitwise_not,
})

greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
