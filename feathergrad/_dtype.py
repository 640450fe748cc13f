"""PyTorch dtypes over NumPy dtypes, and PyTorch's type-promotion rules."""

from __future__ import annotations

import builtins

import numpy as np

__all__ = [
    "dtype", "float16", "float32", "float64", "bfloat16", "complex64", "complex128",
    "int8", "int16", "int32", "int64", "uint8", "bool",
    "half", "float", "double", "short", "int", "long", "cfloat", "cdouble",
    "set_default_dtype", "get_default_dtype", "promote_types", "result_type", "can_cast",
    "finfo", "iinfo", "is_floating_point", "is_complex",
    "layout", "strided", "sparse_coo", "memory_format", "contiguous_format", "preserve_format",
    "channels_last", "channels_last_3d",
]


class dtype:
    """A PyTorch dtype: a name and the NumPy dtype that stores it."""

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize")

    def __init__(self, name: str, np_dtype: np.dtype) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        kind = self.np.kind
        self.is_floating_point = kind == "f"
        self.is_complex = kind == "c"
        self.is_signed = kind in "fci"
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self) -> dtype:
        return {"complex64": float32, "complex128": float64}.get(self.name, self)

    def to_complex(self) -> dtype:
        return {"float32": complex64, "float64": complex128, "float16": complex64}.get(
            self.name, self)


float16 = dtype("float16", np.float16)
float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
complex64 = dtype("complex64", np.complex64)
complex128 = dtype("complex128", np.complex128)
int8 = dtype("int8", np.int8)
int16 = dtype("int16", np.int16)
int32 = dtype("int32", np.int32)
int64 = dtype("int64", np.int64)
uint8 = dtype("uint8", np.uint8)
bool = dtype("bool", np.bool_)  # noqa: A001 - PyTorch's name
# NOTE: NumPy has no bfloat16; it is stored as float32 and reported as float32.
bfloat16 = float32
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
cfloat, cdouble = complex64, complex128

_ALL = (float16, float32, float64, complex64, complex128, int8, int16, int32, int64, uint8, bool)
_FROM_NP: dict[np.dtype, dtype] = {d.np: d for d in _ALL}


def _by_name(name: str) -> dtype:
    return globals()[name]


_default = [float32]


def get_default_dtype() -> dtype:
    """The dtype of floating tensors created from Python floats (float32 unless changed)."""
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype (float32 or float64), as torch.set_default_dtype."""
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def to_dtype(d) -> dtype:
    """Accept a feathergrad dtype, a NumPy dtype or a Python type and return a feathergrad dtype."""
    if type(d) is dtype:
        return d
    if d is builtins.float:
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool
    if d is builtins.complex:
        return complex128
    try:
        return _FROM_NP[np.dtype(d)]
    except (TypeError, KeyError):
        raise TypeError(f"invalid dtype: {d!r}; use one of feathergrad's dtypes such as "
                        "feathergrad.float32") from None


def from_np(npdt: np.dtype) -> dtype:
    try:
        return _FROM_NP[npdt]
    except KeyError:
        raise TypeError(f"NumPy dtype {npdt} has no feathergrad equivalent; supported: "
                        + ", ".join(d.name for d in _ALL)) from None


# ---- type promotion ---------------------------------------------------------
# PyTorch, unlike NumPy, keeps the floating type when an integer meets a float
# (int64 + float32 -> float32), and lets 0-d tensors and Python numbers take part
# only by category (float32[3] + float64 0-d -> float32).

def _category(d: np.dtype) -> builtins.int:
    return "bui fc".index(d.kind) if d.kind != "b" else 0


def _promote_np(a: np.dtype, b: np.dtype) -> np.dtype:
    if a is b:
        return a
    ka, kb = a.kind, b.kind
    if ka == kb or (ka in "iu" and kb in "iu"):
        return np.promote_types(a, b)
    if ka == "b":
        return b
    if kb == "b":
        return a
    if ka in "iu":  # b is float or complex
        return b
    if kb in "iu":
        return a
    return np.promote_types(a, b)  # float with complex


_CAT = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _combine(higher, lower):
    """PyTorch's combine_categories: the higher-priority tier wins unless the lower is of a
    higher category (then promote)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if _CAT[lower.kind] > _CAT[higher.kind]:
        if higher.kind == "f" and lower.kind == "c":
            return np.promote_types(higher, np.complex64)
        return lower if higher.kind in "biu" else _promote_np(higher, lower)
    return higher


def _scalar_np(v) -> np.dtype:
    t = type(v)
    if t is builtins.bool or t is np.bool_:
        return np.dtype(np.bool_)
    if t is builtins.int or isinstance(v, np.integer):
        return np.dtype(np.int64)
    if t is builtins.complex or isinstance(v, np.complexfloating):
        return np.dtype(np.complex64 if _default[0] is float32 else np.complex128)
    return _default[0].np


def result_np(*operands) -> np.dtype:
    """The result NumPy dtype of an op over tensors and Python numbers, by PyTorch's rules."""
    dim = zero = wrapped = None
    for o in operands:
        d = getattr(o, "_data", None)
        if d is None:
            if isinstance(o, np.ndarray):
                d = o
            else:
                wrapped = _scalar_np(o) if wrapped is None else _promote_np(wrapped, _scalar_np(o))
                continue
        if d.ndim:
            dim = d.dtype if dim is None else _promote_np(dim, d.dtype)
        else:
            zero = d.dtype if zero is None else _promote_np(zero, d.dtype)
    return _combine(dim, _combine(zero, wrapped))


def promote_types(type1: dtype, type2: dtype) -> dtype:
    """The smallest dtype to which both can be cast, by PyTorch's rules (int + float -> float)."""
    return from_np(_promote_np(to_dtype(type1).np, to_dtype(type2).np))


def result_type(tensor1, tensor2) -> dtype:
    """The dtype PyTorch's arithmetic would produce for these operands."""
    return from_np(result_np(tensor1, tensor2))


def can_cast(from_: dtype, to: dtype) -> builtins.bool:
    """Whether PyTorch's casting rules allow from_ -> to (no float->int, no anything->bool)."""
    f, t = _CAT[to_dtype(from_).np.kind], _CAT[to_dtype(to).np.kind]
    return f <= t and not (t == 0 and f != 0)


class finfo:
    """Machine limits of a floating dtype, as torch.finfo (default: the default dtype)."""

    def __init__(self, type: dtype | None = None) -> None:  # noqa: A002
        d = to_dtype(type if type is not None else _default[0])
        if not (d.is_floating_point or d.is_complex):
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        fi = np.finfo(d.np)
        self.bits = builtins.int(fi.bits)
        self.eps, self.max, self.min = (builtins.float(v) for v in (fi.eps, fi.max, fi.min))
        self.tiny = self.smallest_normal = builtins.float(fi.tiny)
        # NOTE: PyTorch's resolution is exactly 10 ** -precision (NumPy's is rounded to dtype)
        self.resolution = 10.0 ** -builtins.int(fi.precision)
        self.dtype = d.to_real().name

    def __eq__(self, other: object) -> builtins.bool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self) -> builtins.int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
                f"dtype={self.dtype})")


class iinfo:
    """Machine limits of an integer dtype, as torch.iinfo."""

    def __init__(self, type: dtype) -> None:  # noqa: A002
        d = to_dtype(type)
        if d is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if d.np.kind not in "iu":
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo "
                            "to handle 'torch.iinfo'")
        ii = np.iinfo(d.np)
        self.bits = d.itemsize * 8
        self.max = builtins.int(ii.max)
        self.min = builtins.int(ii.min)
        self.dtype = d.name

    def __eq__(self, other: object) -> builtins.bool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self) -> builtins.int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        # NOTE: PyTorch prints the limits with %g (iinfo(min=-2.14748e+09, ...))
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def is_floating_point(input) -> builtins.bool:  # noqa: A002
    """Whether `input` (a Tensor) has a floating dtype (float16/32/64)."""
    d = getattr(input, "_data", None)
    if d is None:
        raise TypeError("is_floating_point(): argument 'input' (position 1) must be Tensor, "
                        f"not {type(input).__name__}")
    return d.dtype.kind == "f"


def is_complex(input) -> builtins.bool:  # noqa: A002
    """Whether `input` (a Tensor) has a complex dtype."""
    d = getattr(input, "_data", None)
    if d is None:
        raise TypeError("is_complex(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return d.dtype.kind == "c"


# ---- layouts and memory formats -------------------------------------------------------
# Accepted wherever PyTorch takes layout= / memory_format=; feathergrad stores every tensor
# dense and C-contiguous, so they change nothing.
class layout:
    """A tensor layout, as torch.layout (feathergrad tensors are all ``torch.strided``)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


class memory_format:
    """A memory format, as torch.memory_format (accepted; feathergrad keeps C order)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


strided, sparse_coo = layout("strided"), layout("sparse_coo")
contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
