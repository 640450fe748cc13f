"""Tensor ``repr`` identical to PyTorch's, computed on NumPy arrays.

This is a port of ``torch/_tensor_str.py`` (PyTorch 2.x, strided CPU tensors only).
The rules, quirks included, are PyTorch's: the width of a column is taken from the
non-zero finite values only, ``nan``/``inf``/zeros are padded to it; the suffix line
length is computed with PyTorch's off-by-two; ``edgeitems=0`` adds a ``size=`` suffix.

The module deliberately imports nothing from feathergrad so the tensor class can
import it without a cycle.  Elements are formatted from Python floats obtained with
``tolist()``/``item()``, exactly as PyTorch does, so float32/float16 values are
printed from their exact double value.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

__all__ = ["get_printoptions", "printoptions", "set_printoptions", "tensor_repr"]


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()

# Below this many elements the formatter scans a Python list: for tiny tensors the
# fixed cost of several NumPy calls dominates (and 0-d tensors get their own path).
_SMALL = 32


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set options for printing, with ``torch.set_printoptions`` semantics.

    As in PyTorch, ``sci_mode`` is always assigned, so any call that omits it
    goes back to the automatic choice.
    """
    if profile is not None:
        if profile == "default":
            PRINT_OPTS.precision, PRINT_OPTS.threshold = 4, 1000
            PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 3, 80
        elif profile == "short":
            PRINT_OPTS.precision, PRINT_OPTS.threshold = 2, 1000
            PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 2, 80
        elif profile == "full":
            PRINT_OPTS.precision, PRINT_OPTS.threshold = 4, math.inf
            PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 3, 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Current options, as keyword arguments accepted by :func:`set_printoptions`."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change the print options (same arguments as set_printoptions)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Chooses int/fixed/scientific mode and a common width for a set of values.

    PyTorch formats every non-zero finite value to find the widest; the width of a
    fixed or scientific string is monotone in |value| per sign (rounding is
    monotone, so are the integer digits and the exponent), hence formatting the
    largest and smallest positive and negative values gives the same maximum.
    """

    __slots__ = ("floating", "int_mode", "sci_mode", "max_width", "precision")

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode: Any = False
        self.max_width = 1
        self.precision = PRINT_OPTS.precision
        if values.size == 0:
            return
        if not self.floating:
            # ints and bools: the longest str() is at the min or the max
            # (for bools min() is False when present, the longer word).
            lo, hi = values.min().item(), values.max().item()
            self.max_width = max(1, len(str(lo)), len(str(hi)))
            return

        if values.size <= _SMALL:
            vals = [v for v in values.reshape(-1).tolist() if v != 0 and math.isfinite(v)]
            if not vals:
                return  # only zeros / nan / inf: int mode, width 1
            pos = [v for v in vals if v > 0]
            neg = [v for v in vals if v < 0]
            abs_vals = [abs(v) for v in vals]
            lo_abs, hi_abs = min(abs_vals), max(abs_vals)
            # An exact double test is the same as PyTorch's `v != ceil(v)` in the
            # tensor's own dtype: ceil of a float32/float16 value is representable.
            self.int_mode = all(v.is_integer() for v in vals)
            cands = [f(s) for s in (pos, neg) if s for f in (min, max)]
        else:
            flat = values.reshape(-1)
            vals_np = flat[np.isfinite(flat) & (flat != 0)]
            if vals_np.size == 0:
                return
            abs_np = np.abs(vals_np).astype(np.float64)  # float16 would overflow at 1e8
            lo_abs, hi_abs = float(abs_np.min()), float(abs_np.max())
            self.int_mode = bool(np.all(vals_np == np.ceil(vals_np)))
            pos_np, neg_np = vals_np[vals_np > 0], vals_np[vals_np < 0]
            cands = [float(f(s)) for s in (pos_np, neg_np) if s.size for f in (np.min, np.max)]

        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = hi_abs / lo_abs > 1000.0 or hi_abs > 1.0e8 or lo_abs < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        p = self.precision
        if self.sci_mode:
            width = max(len(f"{v:.{p}e}") for v in cands)
        elif self.int_mode:
            # whole numbers get a trailing "." to show the dtype is floating
            width = max(len(f"{v:.0f}") for v in cands) + 1
        else:
            width = max(len(f"{v:.{p}f}") for v in cands)
        self.max_width = max(self.max_width, width)

    def format(self, value: Any) -> str:
        if self.floating:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{self.precision}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{self.precision}f}"
        else:
            ret = f"{value}"
        return ret.rjust(self.max_width)


def _scalar_float_str(value: float) -> str:
    """What a _Formatter built on this single value would print, without building it."""
    if value == 0 or not math.isfinite(value):
        # no non-zero finite value: int mode, no scientific notation
        ret = f"{value:.0f}"
        return ret if math.isnan(value) or math.isinf(value) else ret + "."
    p = PRINT_OPTS.precision
    sci = PRINT_OPTS.sci_mode
    if sci is None:
        a = abs(value)
        sci = a > 1.0e8 or a < 1.0e-4  # ratio max/min is 1
    if sci:
        return f"{value:.{p}e}"
    if value.is_integer():
        return f"{value:.0f}."
    return f"{value:.{p}f}"


def _join_complex(real_str: str, imag_str: str) -> str:
    imag_str = (imag_str + "j").lstrip()
    # the imaginary part carries its own sign ("-", or "+" never; "+0.j" is added here)
    if imag_str[0] == "+" or imag_str[0] == "-":
        return real_str + imag_str
    return real_str + "+" + imag_str


def _scalar_str(data: np.ndarray) -> str:
    value = data.item()
    kind = data.dtype.kind
    if kind == "f":
        return _scalar_float_str(value)
    if kind == "c":
        return _join_complex(_scalar_float_str(value.real), _scalar_float_str(value.imag))
    return f"{value}"


_Fmts = tuple[_Formatter, "_Formatter | None"]


def _vector_str(data: np.ndarray, indent: int, summarize: bool, fmts: _Fmts) -> str:
    f1, f2 = fmts
    # element length includes the ", " separator (and "j" for complex)
    element_length = f1.max_width + 2
    if f2 is not None:
        element_length += f2.max_width + 1
    elements_per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    if f2 is None:
        fmt: Callable[[Any], str] = f1.format
    else:

        def fmt(val: complex) -> str:
            return _join_complex(f1.format(val.real), f2.format(val.imag))

    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        items = ["..."]
    elif summarize and data.shape[0] > 2 * edge:
        items = (
            [fmt(v) for v in data[:edge].tolist()]
            + [" ..."]
            + [fmt(v) for v in data[-edge:].tolist()]
        )
    else:
        items = [fmt(v) for v in data.tolist()]

    lines = [
        ", ".join(items[i : i + elements_per_line]) for i in range(0, len(items), elements_per_line)
    ]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(data: np.ndarray, indent: int, summarize: bool, fmts: _Fmts) -> str:
    dim = data.ndim
    if dim == 0:
        f1, f2 = fmts
        value = data.item()
        if f2 is None:
            return f1.format(value)
        return _join_complex(f1.format(value.real), f2.format(value.imag))
    if dim == 1:
        return _vector_str(data, indent, summarize, fmts)

    edge = PRINT_OPTS.edgeitems
    n = data.shape[0]
    if summarize and n > 2 * edge:
        rows = list(range(edge)) + [-1] + list(range(n - edge, n))
    else:
        rows = list(range(n))
    slices = [
        "..." if i == -1 else _tensor_str_with_formatter(data[i], indent + 1, summarize, fmts)
        for i in rows
    ]
    # sub-tensors of a 3-d tensor are separated by a blank line, and so on
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized_data(data: np.ndarray) -> np.ndarray:
    """The elements that will be shown, for the formatter (get_summarized_data)."""
    edge = PRINT_OPTS.edgeitems
    if data.ndim == 0:
        return data
    if data.ndim >= 2 and not edge:
        # PyTorch returns an empty tensor here; for 1-d, cat(x[:0], x[-0:]) is all of x
        return data[(slice(0, 0),) * data.ndim]
    for axis, n in enumerate(data.shape):
        if n > 2 * edge and edge:
            keep = np.r_[0:edge, n - edge : n]
            data = data.take(keep, axis=axis)
    return data


def _tensor_str(data: np.ndarray, indent: int) -> str:
    if data.size == 0:
        return "[]"
    if data.ndim == 0:
        return _scalar_str(data)  # fast path: no summarization, no formatter object
    summarize = data.size > PRINT_OPTS.threshold
    shown = _summarized_data(data) if summarize else data
    if data.dtype.kind == "c":
        fmts: _Fmts = (_Formatter(shown.real), _Formatter(shown.imag))
    else:
        fmts = (_Formatter(shown), None)
    return _tensor_str_with_formatter(data, indent, summarize, fmts)


def _add_suffixes(tensor_str: str, suffixes: list[str], indent: int) -> str:
    parts = [tensor_str]
    # PyTorch's own arithmetic (+1 where +0 would be exact, and +2 with no newline)
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(
    data: np.ndarray,
    dtype_name: str,
    *,
    default_dtype_name: str = "float32",
    grad_fn_name: str | None = None,
    requires_grad: bool = False,
    prefix: str = "tensor(",
) -> str:
    """``repr()`` of a dense CPU tensor holding ``data``, as PyTorch writes it.

    ``dtype_name`` is the torch dtype without the ``torch.`` prefix; it only decides
    the ``dtype=`` suffix, the values are formatted according to ``data.dtype``.
    """
    if not isinstance(data, np.ndarray):
        data = np.asarray(data)
    indent = len(prefix)
    suffixes: list[str] = []
    if data.size == 0:
        # NumPy-like: the shape is shown unless it is (0,); with no values to go by,
        # the dtype is shown for anything but the default float dtype (even int64).
        if data.ndim != 1:
            suffixes.append(f"size={tuple(data.shape)}")
        if dtype_name != default_dtype_name:
            suffixes.append(f"dtype=torch.{dtype_name}")
        tensor_str = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(data.shape)}")
        default_complex = "complex128" if default_dtype_name == "float64" else "complex64"
        if dtype_name not in (default_dtype_name, default_complex, "int64", "bool"):
            suffixes.append(f"dtype=torch.{dtype_name}")
        tensor_str = _tensor_str(data, indent)

    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    if not suffixes:
        return prefix + tensor_str + ")"
    return _add_suffixes(prefix + tensor_str, suffixes, indent)
