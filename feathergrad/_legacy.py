"""PyTorch's legacy spellings: the typed tensor classes (``FloatTensor``, ``LongTensor``, ...),
the ``torch.Tensor(...)`` constructor, ``set_default_tensor_type`` and the default device.

A typed class is not a subclass of Tensor (as in PyTorch): calling it makes a plain Tensor of
its dtype, and ``isinstance(t, FloatTensor)`` asks whether ``t`` is a float32 tensor.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import _dtype
from .autograd.grad_mode import _state
from .tensor import Size, Tensor, _check_device, _init, device

_device_of = device   # legacy_init has a local named `device`

__all__ = [
    "FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor", "IntTensor",
    "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor", "set_default_tensor_type",
    "get_default_device", "set_default_device",
]

# PyTorch's C++ spelling of each dtype, as its TensorOptions error message prints it
_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char",
            "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
            "complex128": "c10::complex<double>"}


def _options(npdt: np.dtype) -> str:
    return (f"TensorOptions(dtype={_C_NAMES.get(str(npdt), str(npdt))}, device=cpu, "
            "layout=Strided, requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


def _is_size_arg(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def legacy_init(t: Tensor, args: tuple, kwargs: dict, dt: _dtype.dtype | None) -> None:
    """Fill `t` as ``torch.Tensor(*args)`` (``dt`` None: the default dtype) or as a typed
    class ``FloatTensor(*args)`` (``dt`` its dtype) would.

    - no argument: an empty 1-d tensor;
    - ints or a ``Size``: a tensor of that shape (uninitialised in PyTorch, zeros here);
    - a tensor: an alias of it (same storage; a typed class insists on its dtype);
    - anything else: data (nested sequences, ndarrays), copied into the dtype.
    """
    device = kwargs.pop("device", None)
    if kwargs:
        _invalid(args, kwargs)
    if device is not None and not (type(device) is str and device == "cpu"):
        d = _device_of(device)
        if d.type != "cpu":
            raise RuntimeError(f"legacy constructor expects device type: cpu but device type: "
                               f"{d.type} was passed\nfeathergrad runs on the CPU only: leave "
                               "device= out.")
    npdt = (dt or _dtype._default[0]).np
    n = len(args)
    a = args[0] if n == 1 else None
    if n == 1 and isinstance(a, Tensor):
        if dt is not None and a._data.dtype != npdt:
            raise TypeError(f"expected {_options(npdt)} (got {_options(a._data.dtype)})")
        src = a
        if a._requires_grad and _state.enabled:
            from .ops.shape import _alias
            src = _alias(a)   # an alias recorded in the graph, as PyTorch's AliasBackward0
        _init(t, a._data, src._grad_fn, src._requires_grad)
        t._output_nr = src._output_nr
        t._vc = a._vc
        return
    if n == 0:
        data = np.zeros((0,), dtype=npdt)
    elif (n == 1 and isinstance(a, Size)) or all(_is_size_arg(v) for v in args):
        shape = tuple(int(s) for s in (a if isinstance(a, Size) else args))
        if any(s < 0 for s in shape):
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: "
                               f"{list(shape)}")
        # NOTE: PyTorch leaves the memory uninitialised; zeros cost the same and never surprise
        data = np.zeros(shape, dtype=npdt)
    elif n == 1:
        if isinstance(a, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(a).__name__}'")
        if isinstance(a, np.generic) or not (hasattr(a, "__len__") or hasattr(a, "__iter__")):
            raise TypeError(f"new(): data must be a sequence (got {type(a).__name__})")
        data = np.array(a if isinstance(a, np.ndarray) else _plain(a), dtype=npdt)
    else:
        _invalid(args, {})
    _init(t, data, None, False)


def _invalid(args: tuple, kwargs: dict) -> None:
    def name(v: Any) -> str:
        return "torch.dtype" if isinstance(v, _dtype.dtype) else type(v).__name__
    got = ", ".join([name(v) for v in args] + [f"{k}={name(v)}" for k, v in kwargs.items()])
    raise TypeError(
        f"new() received an invalid combination of arguments - got ({got}), but expected "
        "one of:\n * (*, torch.device device = None)\n * (torch.Storage storage)\n"
        " * (Tensor other)\n * (tuple of ints size, *, torch.device device = None)\n"
        " * (object data, *, torch.device device = None)\n")


def _plain(v: Any) -> Any:
    """Nested data with tensors replaced by their arrays (NumPy then converts it in one go)."""
    if isinstance(v, Tensor):
        return v._data
    if isinstance(v, (list, tuple, range)):
        return [_plain(x) for x in v]
    return v


class tensortype(type):
    """The type of the typed tensor classes (PyTorch's ``torch.tensortype``)."""

    dtype: _dtype.dtype
    is_cuda = False
    is_sparse = False

    def __call__(cls, *args: Any, **kwargs: Any) -> Tensor:
        if cls.is_cuda:
            raise TypeError(f"type {cls._qualname()} not available. Torch not compiled with CUDA "
                            "enabled.\nfeathergrad runs on the CPU only: use "
                            f"torch.{cls.__name__} (or a dtype) instead.")
        t = Tensor.__new__(Tensor)
        legacy_init(t, args, kwargs, cls.dtype)
        return t

    def __instancecheck__(cls, obj: Any) -> bool:
        return not cls.is_cuda and isinstance(obj, Tensor) and obj._data.dtype == cls.dtype.np

    def _qualname(cls) -> str:
        return ("torch.cuda." if cls.is_cuda else "torch.") + cls.__name__

    def __repr__(cls) -> str:
        return f"<class '{cls._qualname()}'>"


def _typed(name: str, dt: _dtype.dtype, cuda: bool = False) -> tensortype:
    """A typed tensor class; ``cuda=True`` makes ``torch.cuda.<name>``, which cannot be used."""
    doc = (f"Legacy constructor of {dt} tensors: ``{name}(data)``, ``{name}(2, 3)``; "
           f"``isinstance(t, {name})`` is True for every {dt} tensor.")
    return tensortype(name, (), {"dtype": dt, "__doc__": doc, "is_cuda": cuda,
                                 "__module__": "feathergrad.cuda" if cuda else "feathergrad"})


FloatTensor = _typed("FloatTensor", _dtype.float32)
DoubleTensor = _typed("DoubleTensor", _dtype.float64)
HalfTensor = _typed("HalfTensor", _dtype.float16)
# NOTE: bfloat16 is stored as float32 (NumPy has no bfloat16), see _dtype.py
BFloat16Tensor = _typed("BFloat16Tensor", _dtype.bfloat16)
LongTensor = _typed("LongTensor", _dtype.int64)
IntTensor = _typed("IntTensor", _dtype.int32)
ShortTensor = _typed("ShortTensor", _dtype.int16)
CharTensor = _typed("CharTensor", _dtype.int8)
ByteTensor = _typed("ByteTensor", _dtype.uint8)
BoolTensor = _typed("BoolTensor", _dtype.bool)

# 'torch.FloatTensor' -> FloatTensor, the strings Tensor.type() returns and accepts
TYPE_NAMES = {f"torch.{c.__name__}": c for c in (
    FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor,
    ByteTensor, BoolTensor)}
TYPE_NAMES["torch.ComplexFloatTensor"] = _typed("ComplexFloatTensor", _dtype.complex64)
TYPE_NAMES["torch.ComplexDoubleTensor"] = _typed("ComplexDoubleTensor", _dtype.complex128)
NAME_OF = {c.dtype.name: name for name, c in TYPE_NAMES.items() if c is not BFloat16Tensor}


def set_default_tensor_type(t: Any) -> None:
    """Deprecated in PyTorch: sets the default dtype from a typed class or its name.

    >>> set_default_tensor_type(DoubleTensor)   # same as set_default_dtype(float64)
    """
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
                  UserWarning, stacklevel=2)
    if isinstance(t, str):
        if t.startswith("torch.cuda."):
            _check_device("cuda")
        if t not in TYPE_NAMES:
            raise TypeError(f"invalid type: '{t}'")
        t = TYPE_NAMES[t]
    if not isinstance(t, tensortype):
        raise TypeError(f"invalid type object: only floating-point types are supported as the "
                        f"default type, got {t!r}")
    _dtype.set_default_dtype(t.dtype)


def get_default_device() -> device:
    """The device new tensors are created on: always the CPU."""
    return device("cpu")


def set_default_device(device: Any) -> None:
    """Accepts the CPU (and None); any other device raises, as feathergrad runs on the CPU."""
    _check_device(device)
