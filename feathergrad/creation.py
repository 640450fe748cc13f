"""Tensor creation: tensor, as_tensor, from_numpy, zeros/ones/full/empty, arange, linspace, eye,
*_like, and random tensors from feathergrad's own NumPy Generator."""

from __future__ import annotations

import math
import operator
from typing import Any, Sequence

import numpy as np

from . import _dtype
from ._dtype import to_dtype
from .autograd.grad_mode import _state
from .tensor import Size, Tensor, _check_device

_make = Tensor._make
class _LazyGenerator(list):
    """``[generator]``, made on first use: importing numpy.random costs import time."""

    def __getitem__(self, i: Any) -> Any:
        g = list.__getitem__(self, i)
        if g is None:
            g = np.random.default_rng()
            list.__setitem__(self, i, g)
        return g


_rng = _LazyGenerator([None])
_seed: list = [None]   # torch.initial_seed(); drawn on first use (random.initial_seed)

__all__ = [
    "tensor",
    "as_tensor",
    "from_numpy",
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "arange",
    "linspace",
    "logspace",
    "eye",
    "manual_seed",
    "seed",
    "rand",
    "randn",
    "randint",
    "rand_like",
    "randn_like",
    "randint_like",
    "randperm",
    "normal",
    "Generator",
    "scalar_tensor",
]


def _finish(data: np.ndarray, requires_grad: bool, device: Any = None,
            pin_memory: bool = False) -> Tensor:
    _check_device(device)
    if pin_memory:
        raise RuntimeError("pin_memory=True requires a CUDA or other accelerator backend; no "
                           "pinned memory allocator is available on this system.\nfeathergrad "
                           "runs on the CPU only: leave pin_memory out.")
    t = _make(data)
    if requires_grad:
        if data.dtype.kind not in "fc":   # NOTE: the factories' wording, not requires_grad_'s
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t.requires_grad_(True)
    if _state.inference:
        t._ex().inference = True
    return t


def _infer_np(data: Any) -> np.dtype:
    """PyTorch's dtype inference from Python data: bool < int64 < default float < complex."""
    kind = 0
    stack = [data]
    seen_scalar = False
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
            continue
        seen_scalar = True
        if isinstance(v, Tensor):
            k = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}[v._data.dtype.kind]
            if v._data.ndim:
                return v._data.dtype if kind <= k else np.dtype(np.float32)
            kind = max(kind, k)
        elif isinstance(v, (bool, np.bool_)):
            pass
        elif isinstance(v, (int, np.integer)):
            kind = max(kind, 1)
        elif isinstance(v, (float, np.floating)):
            kind = max(kind, 2)
        elif isinstance(v, (complex, np.complexfloating)):
            kind = 3
        else:
            raise TypeError(f"Could not infer dtype of {type(v).__name__}")
    if not seen_scalar:
        return _dtype._default[0].np   # an empty list gives the default float dtype
    if kind == 3:
        return np.dtype(np.complex64 if _dtype._default[0] is _dtype.float32 else np.complex128)
    return (np.dtype(np.bool_), np.dtype(np.int64), _dtype._default[0].np)[kind]


def _to_np(v: Any) -> Any:
    if isinstance(v, Tensor):
        return v._data
    if isinstance(v, (list, tuple)):
        return [_to_np(x) for x in v]
    return v


def tensor(data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor copied from `data` (nested lists, numbers, ndarrays, tensors).

    Python floats become float32 (the default dtype), ints int64, bools bool.

    >>> tensor(2.0, requires_grad=True)
    tensor(2., requires_grad=True)
    """
    if type(data) is float and dtype is None and device is None:
        # NOTE: fast path for the commonest call, tensor(2.0, requires_grad=True)
        t = _make(np.array(data, dtype=_dtype._default[0].np))
        if requires_grad:
            t._requires_grad = True
        if _state.inference:
            t._ex().inference = True
        return t
    if isinstance(data, np.generic) and dtype is None:
        data = np.asarray(data)   # a NumPy scalar keeps its dtype, as in PyTorch
    if isinstance(data, np.ndarray):
        npdt = to_dtype(dtype).np if dtype is not None else data.dtype
        arr = np.array(data, dtype=npdt)
        if arr.dtype.kind not in "biufc":
            raise TypeError(f"can't convert np.ndarray of type {data.dtype}. The only supported "
                            "types are: float64, float32, float16, complex64, complex128, int64, "
                            "int32, int16, int8, uint8, and bool.")
    elif isinstance(data, Tensor):
        arr = np.array(data._data, dtype=to_dtype(dtype).np if dtype is not None else None)
    else:
        if isinstance(data, (str, bytes)) or data is None:
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        npdt = to_dtype(dtype).np if dtype is not None else _infer_np(data)
        try:
            if dtype is not None and npdt.kind in "iu" and npdt.itemsize < 8:
                raise OverflowError   # NOTE: NumPy < 2 wraps silently: check the range first
            arr = np.array(_to_np(data), dtype=npdt)
        except (ValueError, TypeError) as e:
            raise _ragged(data, npdt) or e from None
        except OverflowError:
            arr = _checked_ints(data, npdt)
    if not arr.flags.writeable:
        arr = arr.copy()
    return _finish(arr, requires_grad, device, pin_memory)


def _ragged(data: Any, npdt: np.dtype) -> Exception | None:
    """PyTorch's error for nested sequences that are not a regular array, if they are not."""
    sizes, v = [], data
    while isinstance(v, (list, tuple)):
        sizes.append(len(v))
        if not v:
            break
        v = v[0]

    def walk(obj: Any, d: int) -> Exception | None:
        if d == len(sizes):
            if isinstance(obj, (list, tuple)):
                return TypeError(f"'{type(obj).__name__}' object cannot be interpreted as an "
                                 "integer" if npdt.kind in "biu" else
                                 f"must be real number, not {type(obj).__name__}")
            return None
        if not isinstance(obj, (list, tuple)):
            return TypeError("not a sequence")
        if len(obj) != sizes[d]:
            return ValueError(f"expected sequence of length {sizes[d]} at dim {d} "
                              f"(got {len(obj)})")
        for x in obj:
            err = walk(x, d + 1)
            if err is not None:
                return err
        return None
    return walk(data, 0)


def _checked_ints(data: Any, npdt: np.dtype) -> np.ndarray:
    """Integers out of a dtype's range: PyTorch's errors (it wraps -max..-1 for unsigned)."""
    try:
        wide = np.array(_to_np(data), dtype=np.float64 if npdt.kind in "fc" else np.int64)
    except OverflowError:
        raise ValueError("Overflow when unpacking long long") from None
    except (ValueError, TypeError) as e:
        raise _ragged(data, npdt) or e from None
    if npdt.kind in "iu":
        info = np.iinfo(npdt)
        lo = -int(info.max) if npdt.kind == "u" else int(info.min)
        if wide.size and (wide.min() < lo or wide.max() > info.max):
            raise RuntimeError(f"value cannot be converted to type {npdt} without overflow")
    return wide.astype(npdt)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like `tensor`, but shares memory with an ndarray (or returns a Tensor) when it can."""
    if isinstance(data, Tensor):
        return data if dtype is None or to_dtype(dtype) is data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray):
        arr = data if dtype is None else data.astype(to_dtype(dtype).np, copy=False)
        return _finish(arr, False, device)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with `ndarray` (changes to one show in the other)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if ndarray.dtype.kind not in "biufc":
        raise TypeError(f"can't convert np.ndarray of type {ndarray.dtype.type.__module__}."
                        f"{ndarray.dtype.type.__name__}. The only supported types are: float64, "
                        "float32, float16, complex64, complex128, int64, int32, int16, int8, "
                        "uint64, uint32, uint16, uint8, and bool.")
    _dtype.from_np(ndarray.dtype)
    return _make(ndarray)


def _shape(size: Sequence[Any], fname: str | None = None, varargs: bool = True) -> tuple:
    """The shape from ``*size`` (ints, or one sequence of ints), with PyTorch's TypeError for
    anything else when `fname` names the function."""
    single = len(size) == 1 and isinstance(size[0], (tuple, list, Size))
    if single:
        size = size[0]
    try:
        shape = tuple(operator.index(s) for s in size)
    except TypeError:
        if fname is None:
            raise TypeError(f"size must be a sequence of ints, got {size!r}") from None
        raise _size_error(size, single, fname, varargs) from None
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: "
                           f"{list(shape)}")
    return shape


def _size_error(size: Sequence[Any], single: bool, fname: str, varargs: bool) -> TypeError:
    # NOTE: PyTorch's argument parser words this differently for f(*size) and f(size)
    k, bad = next((i, v) for i, v in enumerate(size) if not _is_index(v))
    t = type(bad).__name__
    if single and not (varargs and k):
        return TypeError(f"{fname}(): argument 'size' (position 1) must be tuple of ints, but "
                         f"found element of type {t} at pos {k}")
    if not single and len(size) == 1:
        return TypeError(f"{fname}(): argument 'size' (position 1) must be tuple of ints, not {t}")
    if not single and k == 0 and fname in ("zeros", "ones", "empty"):
        return TypeError(f"{fname}() takes 1 positional argument but {len(size)} were given")
    return TypeError(f"{fname}(): argument 'size' failed to unpack the object at pos {k + 1} "
                     f"with error \"type must be tuple of ints,but got {t}\"")


def _is_index(v: Any) -> bool:
    try:
        operator.index(v)
        return True
    except TypeError:
        return False


def _dt(dtype: Any, default: Any = None) -> np.dtype:
    if dtype is not None:
        return to_dtype(dtype).np
    return default if default is not None else _dtype._default[0].np


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
          out: Any = None, layout: Any = None, pin_memory: bool = False) -> Tensor:
    return _finish(np.zeros(_shape(size, "zeros"), dtype=_dt(dtype)), requires_grad, device,
                   pin_memory)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
         out: Any = None, layout: Any = None, pin_memory: bool = False) -> Tensor:
    return _finish(np.ones(_shape(size, "ones"), dtype=_dt(dtype)), requires_grad, device,
                   pin_memory)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
          out: Any = None, layout: Any = None, pin_memory: bool = False,
          memory_format: Any = None) -> Tensor:
    # NOTE: zero-filled rather than uninitialised: same cost here, and never surprising
    return _finish(np.zeros(_shape(size, "empty"), dtype=_dt(dtype)), requires_grad, device,
                   pin_memory)


def _fill_dtype(fill_value: Any) -> np.dtype:
    return _infer_np(fill_value)


def full(size: Sequence[int], fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False, out: Any = None, layout: Any = None,
         pin_memory: bool = False) -> Tensor:
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if not isinstance(size, (tuple, list, Size)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    npdt = _dt(dtype, _fill_dtype(fill_value))
    return _finish(np.full(_shape((size,), "full", False), fill_value, dtype=npdt),
                   requires_grad, device, pin_memory)


def _like(input: Tensor, dtype: Any) -> np.dtype:
    return to_dtype(dtype).np if dtype is not None else input._data.dtype


def zeros_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False, layout: Any = None,
               memory_format: Any = None, pin_memory: bool = False) -> Tensor:
    return _finish(np.zeros(input._data.shape, dtype=_like(input, dtype)), requires_grad, device,
                   pin_memory)


def ones_like(input: Tensor, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False, layout: Any = None,
              memory_format: Any = None, pin_memory: bool = False) -> Tensor:
    return _finish(np.ones(input._data.shape, dtype=_like(input, dtype)), requires_grad, device,
                   pin_memory)


def empty_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False, layout: Any = None,
               memory_format: Any = None, pin_memory: bool = False) -> Tensor:
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad,
                      pin_memory=pin_memory)


def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False, layout: Any = None,
              memory_format: Any = None, pin_memory: bool = False) -> Tensor:
    return _finish(np.full(input._data.shape, fill_value, dtype=_like(input, dtype)),
                   requires_grad, device, pin_memory)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False, out: Any = None, layout: Any = None,
           pin_memory: bool = False) -> Tensor:
    """Values from start (default 0) up to end (excluded) by step; int64 for ints."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = math.ceil((end - start) / step)
    isint = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in vals)
    npdt = _dt(dtype, np.dtype(np.int64) if isint else None)
    data = (start + np.arange(n, dtype=np.float64) * step) if not isint else \
        np.arange(start, end, step, dtype=np.int64)
    return _finish(data.astype(npdt, copy=False), requires_grad, device, pin_memory)


def linspace(start: Any, end: Any, steps: int = None, *, dtype: Any = None,  # type: ignore
             device: Any = None, requires_grad: bool = False, out: Any = None,
             layout: Any = None, pin_memory: bool = False) -> Tensor:
    """`steps` evenly spaced values from start to end (both included)."""
    if steps is None or not _is_index(steps):
        got = ", ".join(type(v).__name__ for v in (start, end, steps) if v is not None)
        raise TypeError(f"linspace() received an invalid combination of arguments - got ({got}),"
                        " but expected one of: (Number start, Number end, int steps)")
    start = start.item() if isinstance(start, Tensor) else start
    end = end.item() if isinstance(end, Tensor) else end
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    npdt = _dt(dtype)
    if steps == 1:
        data = np.array([start], dtype=npdt)
    else:
        # NOTE: PyTorch's symmetric formula (from both ends), computed in the output dtype
        calc = npdt if npdt.kind in "fc" else np.dtype(np.float64)
        step = (np.asarray(end, calc) - np.asarray(start, calc)) / calc.type(steps - 1)
        i = np.arange(steps, dtype=calc)
        half = steps // 2
        data = np.where(i < half, np.asarray(start, calc) + step * i,
                        np.asarray(end, calc) - step * (steps - 1 - i)).astype(npdt)
    return _finish(data, requires_grad, device, pin_memory)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None,
             device: Any = None, requires_grad: bool = False, out: Any = None,
             layout: Any = None, pin_memory: bool = False) -> Tensor:
    lin = linspace(start, end, steps, dtype=float64_dt() if dtype is None else dtype)
    return _finish((base ** lin._data).astype(_dt(dtype)), requires_grad, device, pin_memory)


def float64_dt():
    return _dtype.float64


def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None,
        requires_grad: bool = False, out: Any = None, layout: Any = None,
        pin_memory: bool = False) -> Tensor:
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _finish(np.eye(n, m, dtype=_dt(dtype)), requires_grad, device, pin_memory)


# ---- random ----------------------------------------------------------------------------
def manual_seed(seed: int) -> Any:
    """Seed feathergrad's generator (values differ from PyTorch's, the statistics do not)."""
    _seed[0] = int(seed)
    _rng[0] = np.random.default_rng(int(seed))
    return _rng[0]


def seed() -> int:
    s = int(np.random.SeedSequence().entropy % (2 ** 63))
    manual_seed(s)
    return s


def _gen(generator: Any) -> np.random.Generator:
    if generator is None:
        return _rng[0]
    return generator if isinstance(generator, np.random.Generator) else generator._rng


def rand(*size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False, out: Any = None, layout: Any = None,
         pin_memory: bool = False) -> Tensor:
    """Uniform samples on [0, 1)."""
    npdt = _dt(dtype)
    return _finish(_gen(generator).random(_shape(size, "rand")).astype(npdt), requires_grad, device,
                   pin_memory)


def randn(*size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, out: Any = None, layout: Any = None,
          pin_memory: bool = False) -> Tensor:
    """Standard normal samples."""
    npdt = _dt(dtype)
    return _finish(_gen(generator).standard_normal(_shape(size, "randn")).astype(npdt),
                   requires_grad, device, pin_memory)


def randint(low: int, high: int | None = None, size: Sequence[int] = None, *,
            generator: Any = None, dtype: Any = None, device: Any = None,
            requires_grad: bool = False, out: Any = None, layout: Any = None,
            pin_memory: bool = False) -> Tensor:
    """Integers uniform on [low, high)."""
    if size is None and isinstance(high, (tuple, list, Size)):
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    if not isinstance(size, (tuple, list, Size)):
        raise TypeError(f"randint() received an invalid combination of arguments - got "
                        f"({type(low).__name__}, {type(high).__name__}, {type(size).__name__}), "
                        "but expected one of: (int low, int high, tuple of ints size)")
    data = _gen(generator).integers(low, high, _shape((size,), "randint", False))
    return _finish(data.astype(_dt(dtype, np.dtype(np.int64))), requires_grad, device,
                   pin_memory)


def rand_like(input: Tensor, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False, layout: Any = None, memory_format: Any = None,
              pin_memory: bool = False) -> Tensor:
    return rand(input._data.shape, dtype=dtype or input.dtype, requires_grad=requires_grad,
                device=device, pin_memory=pin_memory)


def randn_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False, layout: Any = None, memory_format: Any = None,
               pin_memory: bool = False) -> Tensor:
    return randn(input._data.shape, dtype=dtype or input.dtype, requires_grad=requires_grad,
                 device=device, pin_memory=pin_memory)


def randint_like(input: Tensor, low: int, high: int | None = None, *, dtype: Any = None,
                 device: Any = None, requires_grad: bool = False, layout: Any = None,
                 memory_format: Any = None, pin_memory: bool = False) -> Tensor:
    return randint(low, high, input._data.shape, dtype=dtype or input.dtype, device=device,
                   pin_memory=pin_memory)


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False, out: Any = None, layout: Any = None,
             pin_memory: bool = False) -> Tensor:
    return _finish(_gen(generator).permutation(n).astype(_dt(dtype, np.dtype(np.int64))),
                   requires_grad, device, pin_memory)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Sequence[int] | None = None, *,
           generator: Any = None, dtype: Any = None, device: Any = None,
           requires_grad: bool = False, out: Any = None, layout: Any = None,
           pin_memory: bool = False) -> Tensor:
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    shape = _shape((size,)) if size is not None else np.broadcast(m, s).shape
    npdt = _dt(dtype, m.dtype if isinstance(m, np.ndarray) else None)
    return _finish(_gen(generator).normal(m, s, shape).astype(npdt), requires_grad, device,
                   pin_memory)


class Generator:
    """A random generator object, as torch.Generator (wraps a NumPy Generator)."""

    def __init__(self, device: Any = "cpu") -> None:
        _check_device(device)
        self._rng = np.random.default_rng()
        self._seed = None

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self._rng = np.random.default_rng(int(seed))
        return self

    def initial_seed(self) -> int:
        return self._seed if self._seed is not None else 0

    def get_state(self) -> Any:
        return self._rng.bit_generator.state

    def set_state(self, state: Any) -> Generator:
        self._rng.bit_generator.state = state
        return self


def scalar_tensor(s: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
                  layout: Any = None, pin_memory: bool = False) -> Tensor:
    """A 0-d tensor holding `s`, of the default float dtype unless `dtype` is given."""
    return _finish(np.asarray(s, dtype=_dt(dtype)), requires_grad, device, pin_memory)


# ---- Tensor.new_*: new tensors of this tensor's dtype -------------------------------------
def _new_tensor(self: Tensor, data: Any, *, dtype: Any = None, device: Any = None,
                requires_grad: bool = False, layout: Any = None,
                pin_memory: bool = False) -> Tensor:
    if isinstance(data, Tensor):
        data = data._data
    return tensor(data, dtype=self.dtype if dtype is None else dtype, device=device,
                  requires_grad=requires_grad)


def _new_maker(make: Any) -> Any:
    def method(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False, layout: Any = None,
               pin_memory: bool = False) -> Tensor:
        return make(*size, dtype=self.dtype if dtype is None else dtype, device=device,
                    requires_grad=requires_grad, pin_memory=pin_memory)
    method.__name__ = f"new_{make.__name__}"
    method.__doc__ = f"``{make.__name__}(*size)`` with this tensor's dtype (unless `dtype`)."
    return method


def _new_full(self: Tensor, size: Any, fill_value: Any, *, dtype: Any = None,
              device: Any = None, requires_grad: bool = False, layout: Any = None,
              pin_memory: bool = False) -> Tensor:
    return full(size, fill_value, dtype=self.dtype if dtype is None else dtype, device=device,
                requires_grad=requires_grad, pin_memory=pin_memory)


def _new(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    # the legacy constructor: x.new(sizes...) (uninitialised: zeros here) or x.new(data)
    if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray, Tensor)) and not (
            isinstance(args[0], Size)):
        return _new_tensor(self, args[0])
    return zeros(*(args or (0,)), dtype=self.dtype)


Tensor.new_tensor = _new_tensor
Tensor.new_zeros = _new_maker(zeros)
Tensor.new_ones = _new_maker(ones)
Tensor.new_empty = _new_maker(empty)
Tensor.new_full = _new_full
Tensor.new = _new
