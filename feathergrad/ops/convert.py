"""Conversions and copies: to/float/double/long, clone, contiguous, zero_, NumPy protocols."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor, _check_device, device
from ._core import HANDLED, defop

__all__ = [
    "clone",
]

_to = defop("to", lambda x, npdt, src: x.astype(npdt), "ToCopyBackward0",
            x=lambda g, out, x, npdt, src: g.astype(src) if type(g) is np.ndarray
            else g.to(_dtype.from_np(src)))
_clone = defop("clone", lambda x: x.copy(), "CloneBackward0", x=lambda g, out, x: g)


def _is_dtype(v: Any) -> bool:
    return isinstance(v, _dtype.dtype) or v in (float, int, bool)


def to(self: Tensor, *args: Any, dtype: Any = None, device: Any = None, non_blocking: bool = False,
       copy: bool = False, memory_format: Any = None) -> Tensor:
    """Convert dtype (differentiably); devices other than the CPU are refused."""
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif _is_dtype(a):
            dtype = a
        elif isinstance(a, (str, type(None))) or type(a).__name__ == "device" or isinstance(a, int):
            device = a
        else:
            raise TypeError(f"to() received an invalid combination of arguments: {a!r}")
    if device is not None:
        _check_device(device)
    if dtype is None:
        return _clone(self) if copy else self
    npdt = _dtype.to_dtype(dtype).np
    if npdt == self._data.dtype:
        return _clone(self) if copy else self
    if not self._requires_grad or npdt.kind not in "fc":
        return Tensor._make(self._data.astype(npdt))
    return _to(self, npdt, self._data.dtype)


def _caster(d: _dtype.dtype):
    def cast(self: Tensor, memory_format: Any = None) -> Tensor:
        return to(self, d)
    cast.__name__ = d.name
    return cast


def type_(self: Tensor, dtype: Any = None, non_blocking: bool = False, **kw: Any) -> Any:
    names = {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
             "float16": "torch.HalfTensor", "int64": "torch.LongTensor",
             "int32": "torch.IntTensor", "int16": "torch.ShortTensor", "int8": "torch.CharTensor",
             "uint8": "torch.ByteTensor", "bool": "torch.BoolTensor",
             "complex64": "torch.ComplexFloatTensor", "complex128": "torch.ComplexDoubleTensor"}
    if dtype is None:
        return names[self.dtype.name]
    if isinstance(dtype, str):
        inv = {v: k for k, v in names.items()}
        if dtype not in inv:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = getattr(_dtype, inv[dtype])
    return to(self, dtype)


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy that stays in the graph (its gradient flows back to `input`)."""
    return _clone(input)


def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    return self if self._data.flags.c_contiguous else _clone(self)


def cpu(self: Tensor, memory_format: Any = None) -> Tensor:
    return self


def cuda(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    device("cuda")
    return self


def __array_ufunc__(self: Tensor, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    fn = HANDLED.get(ufunc)
    if method != "__call__" or fn is None or kwargs.get("out") is not None:
        raise TypeError(
            f"feathergrad has no differentiation rule for numpy.{ufunc.__name__}"
            f"{'' if method == '__call__' else '.' + method}; use the feathergrad op of the same "
            "name, or call it on t.detach().numpy() (which drops the gradient).")
    kwargs.pop("out", None)
    return fn(*inputs, **kwargs)


def __array_function__(self: Tensor, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    fn = HANDLED.get(func)
    if fn is None:
        raise TypeError(
            f"feathergrad has no differentiation rule for numpy.{func.__name__}; use a "
            "feathergrad op, or call it on t.detach().numpy() (which drops the gradient).")
    return fn(*args, **kwargs)


Tensor.to = to
Tensor.type = type_
Tensor.clone = clone
Tensor.contiguous = contiguous
Tensor.cpu = cpu
Tensor.cuda = cuda
Tensor.__array_ufunc__ = __array_ufunc__
Tensor.__array_function__ = __array_function__
Tensor.float = _caster(_dtype.float32)
Tensor.double = _caster(_dtype.float64)
Tensor.half = _caster(_dtype.float16)
Tensor.long = _caster(_dtype.int64)
Tensor.int = _caster(_dtype.int32)
Tensor.short = _caster(_dtype.int16)
Tensor.bool = _caster(_dtype.bool)
Tensor.byte = _caster(_dtype.uint8)
Tensor.char = _caster(_dtype.int8)
Tensor.cfloat = _caster(_dtype.complex64)
Tensor.cdouble = _caster(_dtype.complex128)
HANDLED.update({np.copy: lambda a, order="K", subok=False: clone(a)})
