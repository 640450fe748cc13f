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
    return isinstance(v, _dtype.dtype) or v is float or v is int or v is bool


_TO_SIGNATURES = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool "
    "copy = False, *, torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format "
    "memory_format = None)\n")


def _type_desc(v: Any) -> str:
    if isinstance(v, Tensor):
        return "Tensor"
    if isinstance(v, (_dtype.dtype, device)):
        return "torch." + type(v).__name__
    return type(v).__name__


def _to_args(args: tuple, kwargs: dict) -> tuple:
    """PyTorch's three forms of ``to``: (device, dtype, non_blocking, copy), (dtype,
    non_blocking, copy) and (tensor, non_blocking, copy); returns (dtype, device, copy)."""
    first = args[0] if args else None
    if isinstance(first, Tensor) or _is_dtype(first):
        names, dtype, dev = ("non_blocking", "copy"), (first.dtype if isinstance(
            first, Tensor) else first), None
        rest = args[1:]
    else:
        names, dtype, dev, rest = ("device", "dtype", "non_blocking", "copy"), None, None, args
    vals = dict(zip(names, rest))
    ok = len(rest) <= len(names) and not (set(vals) & set(kwargs))
    for k, v in kwargs.items():
        ok = ok and (k in names or k == "memory_format")
        vals[k] = v
    dev = vals.get("device", dev)
    dtype = vals.get("dtype", dtype)
    ok = ok and (dtype is None or _is_dtype(dtype)) and (
        dev is None or isinstance(dev, (str, device)) or type(dev) is int)
    ok = ok and all(isinstance(vals.get(k, False), bool) for k in ("non_blocking", "copy"))
    if not ok:
        got = ", ".join([_type_desc(a) for a in args] +
                        [f"{k}={_type_desc(v)}" for k, v in kwargs.items()])
        raise TypeError(f"to() received an invalid combination of arguments - got ({got}), but "
                        "expected one of:\n" + _TO_SIGNATURES)
    return dtype, dev, vals.get("copy", False)


def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """This tensor in another dtype (differentiably: ``ToCopyBackward0``), or itself if nothing
    changes; ``copy=True`` always copies. Devices other than the CPU raise (feathergrad runs on
    the CPU); ``non_blocking`` and ``memory_format`` are accepted and change nothing.

    >>> tensor([1, 2]).to("cpu", torch.float64)
    tensor([1., 2.], dtype=torch.float64)
    """
    if len(args) == 1 and not kwargs and type(args[0]) is _dtype.dtype:
        dtype, dev, copy = args[0], None, False   # x.to(torch.float64), x.double(): no parsing
    else:
        dtype, dev, copy = _to_args(args, kwargs) if args or kwargs else (None, None, False)
    if dev is not None:
        _check_device(dev)
    src = self._data.dtype
    npdt = src if dtype is None else _dtype.to_dtype(dtype).np
    if npdt == src and not copy:
        return self
    if not self._requires_grad or npdt.kind not in "fc":
        return Tensor._make(self._data.astype(npdt))
    return _to(self, npdt, src)


def _caster(d: _dtype.dtype):
    def cast(self: Tensor, memory_format: Any = None) -> Tensor:
        return to(self, d)
    cast.__name__ = d.name
    cast.__doc__ = f"This tensor as {d} (itself if it already is)."
    return cast


def type_(self: Tensor, dtype: Any = None, non_blocking: bool = False, **kwargs: Any) -> Any:
    """Without argument, PyTorch's type string (``'torch.FloatTensor'``); with a dtype, a typed
    class (``torch.DoubleTensor``) or its name, the tensor converted as by ``to``.

    >>> tensor([1.5]).type()
    'torch.FloatTensor'
    """
    from .._legacy import NAME_OF, TYPE_NAMES, tensortype
    if dtype is None:
        return NAME_OF[self._data.dtype.name]
    if isinstance(dtype, str):
        if dtype.startswith("torch.cuda."):
            _check_device("cuda")
        if dtype not in TYPE_NAMES:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = TYPE_NAMES[dtype].dtype
    elif isinstance(dtype, tensortype):
        if dtype.is_cuda:
            _check_device("cuda")
        dtype = dtype.dtype
    elif not isinstance(dtype, _dtype.dtype):
        raise ValueError(f"invalid type: '{getattr(dtype, '__name__', dtype)}'")
    return to(self, dtype)


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy that stays in the graph (its gradient flows back to `input`)."""
    return _clone(input)


def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    return self if self._data.flags.c_contiguous else _clone(self)


def cpu(self: Tensor, memory_format: Any = None) -> Tensor:
    """This tensor (feathergrad tensors always live on the CPU)."""
    return self


def cuda(self: Tensor, device: Any = None, non_blocking: bool = False,
         memory_format: Any = None) -> Tensor:
    """Raises PyTorch's error for a build without CUDA: feathergrad runs on the CPU."""
    _check_device("cuda" if device is None else device)
    return self


def pin_memory(self: Tensor, device: Any = None) -> Tensor:
    """Raises, as PyTorch does without an accelerator (there is no pinned memory to use)."""
    raise RuntimeError("Cannot access accelerator device when none is available.\nfeathergrad "
                       "runs on the CPU only; drop .pin_memory() (and pin_memory=True).")


def is_pinned(self: Tensor, device: Any = None) -> bool:
    """False: feathergrad tensors live in ordinary CPU memory."""
    return False


def _needs_grad(objs: Any) -> bool:
    """Whether any Tensor among (nested) arguments requires grad."""
    stack = list(objs)
    while stack:
        o = stack.pop()
        if type(o) is Tensor:
            if o._requires_grad:
                return True
        elif isinstance(o, (list, tuple)):
            stack.extend(o)
        elif isinstance(o, dict):
            stack.extend(o.values())
    return False


def _plain(o: Any) -> Any:
    if type(o) is Tensor:
        return o._data
    if isinstance(o, (list, tuple)):
        return type(o)(_plain(x) for x in o)
    return o


def _np_name(f: Any) -> str:
    mod = getattr(f, "__module__", None) or "numpy"
    mod = mod.replace("numpy._core", "numpy").replace("numpy.lib._", "numpy.lib.")
    return f"{mod}.{f.__name__}" if mod.startswith("numpy") else f"numpy.{f.__name__}"


def __array_ufunc__(self: Tensor, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    fn = HANDLED.get(ufunc)
    if method == "__call__" and fn is not None and kwargs.get("out") is None:
        kwargs.pop("out", None)
        return fn(*inputs, **kwargs)
    if not _needs_grad(inputs) and not _needs_grad(kwargs.values()):
        # NOTE: nothing to differentiate: NumPy computes on the arrays, as with PyTorch tensors
        return getattr(ufunc, method)(*_plain(inputs), **{k: _plain(v) for k, v in
                                                          kwargs.items()})
    raise TypeError(
        f"feathergrad has no differentiation rule for numpy.{ufunc.__name__}"
        f"{'' if method == '__call__' else '.' + method} (with out=, or this method); use the "
        "feathergrad op of the same name, or call it on t.detach().numpy() (which drops the "
        "gradient).")


def __array_function__(self: Tensor, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    fn = HANDLED.get(func)
    if fn is not None:
        return fn(*args, **kwargs)
    if not _needs_grad(args) and not _needs_grad(kwargs.values()):
        # NOTE: nothing to differentiate: NumPy computes on the arrays, as with PyTorch tensors
        return func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})
    raise TypeError(
        f"feathergrad has no differentiation rule for {_np_name(func)}; use a feathergrad op, or "
        "call it on t.detach().numpy() (which drops the gradient).")


Tensor.to = to
Tensor.type = type_
Tensor.clone = clone
Tensor.contiguous = contiguous
Tensor.cpu = cpu
Tensor.cuda = cuda
Tensor.pin_memory = pin_memory
Tensor.is_pinned = is_pinned
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
