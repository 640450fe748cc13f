"""``torch.testing``: ``assert_close`` (PyTorch's default tolerances per dtype and its error
report), ``make_tensor`` and the deprecated ``assert_allclose``.

>>> import feathergrad as torch
>>> torch.testing.assert_close(torch.tensor([1., 2.]), torch.tensor([1., 2.000001]))
"""

from __future__ import annotations

import cmath
import collections.abc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _dtype
from ._compare import _close
from .tensor import Size, Tensor

__all__ = ["assert_close", "assert_allclose", "make_tensor"]

# (rtol, atol) by dtype, as PyTorch's; every other dtype is compared exactly
_PRECISIONS = {"float16": (0.001, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
               "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}
_NUMBER_DTYPES = {int: "int64", float: "float64", complex: "complex128"}


class _Mismatch(Exception):
    """A failed comparison: the exception type to raise, its message, and where it occurred
    (the path of indices and keys into nested sequences and mappings)."""

    def __init__(self, type: type, msg: str, id: tuple = ()) -> None:  # noqa: A002
        super().__init__(msg)
        self.type, self.msg, self.id = type, msg, id

    def to_error(self, msg: str | Callable[[str], str] | None = None) -> Exception:
        if not isinstance(msg, str):
            generated = self.msg
            if self.id:
                generated += ("\n\nThe failure occurred for item "
                              + "".join(str([item]) for item in self.id))
            msg = msg(generated) if callable(msg) else generated
        return self.type(msg)


class _Unsupported(Exception):
    """This kind of pair cannot compare these inputs; try the next kind."""


def _type_repr(t: type) -> str:
    return "<class 'torch.Tensor'>" if t is Tensor else repr(t)


def _tolerances(names: tuple, rtol: float | None, atol: float | None, id: tuple) -> tuple:  # noqa: A002
    if (rtol is None) ^ (atol is None):
        raise _Mismatch(ValueError, "Both 'rtol' and 'atol' must be either specified or omitted, "
                        f"but got no {'rtol' if rtol is None else 'atol'}.", id)
    if rtol is not None:
        return rtol, atol
    rtols, atols = zip(*[_PRECISIONS.get(n, (0.0, 0.0)) for n in names])
    return max(rtols), max(atols)


def _mismatch_msg(kind: str, extra: str, abs_diff: Any, abs_idx: Any, atol: float,
                  rel_diff: Any, rel_idx: Any, rtol: float) -> str:
    equality = rtol == 0 and atol == 0
    msg = f"{kind} are not {'equal' if equality else 'close'}!\n\n{extra.strip()}\n"
    for name, diff, idx, tol in (("absolute", abs_diff, abs_idx, atol),
                                 ("relative", rel_diff, rel_idx, rtol)):
        msg += (f"{name.title()} difference: {diff}" if idx is None
                else f"Greatest {name} difference: {diff} at index {idx}")
        msg += "\n" if equality else f" (up to {tol} allowed)\n"
    return msg.strip()


def _scalar_msg(actual: Any, expected: Any, rtol: float, atol: float) -> str:
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg("Scalars", f"Expected {expected} but got {actual}.", abs_diff, None,
                         atol, rel_diff, None, rtol)


def _tensor_msg(a: np.ndarray, e: np.ndarray, matches: np.ndarray, rtol: float,
                atol: float) -> str:
    n = matches.size
    bad = n - int(matches.sum())
    extra = f"Mismatched elements: {bad} / {n} ({bad / n:.1%})"
    a, e, m = a.reshape(-1), e.reshape(-1), matches.reshape(-1)
    if a.dtype.kind not in "fc":
        a, e = a.astype(np.int64), e.astype(np.int64)
    with np.errstate(all="ignore"):
        abs_diff = np.abs(a - e)
        abs_diff[m] = 0
        denom = np.abs(e)
        if abs_diff.dtype.kind not in "fc":   # integer true division gives the default float
            f = _dtype._default[0].np
            rel_diff = abs_diff.astype(f) / denom.astype(f)
        else:
            rel_diff = abs_diff / denom
        rel_diff[m] = 0
    ia, ir = int(np.argmax(abs_diff)), int(np.argmax(rel_diff))
    return _mismatch_msg("Tensor-likes", extra, abs_diff[ia].item(),
                         tuple(int(i) for i in np.unravel_index(ia, matches.shape)), atol,
                         rel_diff[ir].item(),
                         tuple(int(i) for i in np.unravel_index(ir, matches.shape)), rtol)


def _number_pair(actual: Any, expected: Any, id: tuple, rtol: Any, atol: Any,  # noqa: A002
                 equal_nan: bool, check_dtype: bool, **_: Any) -> Callable[[], None]:
    if not all(isinstance(v, (int, float, complex, np.number)) and not isinstance(v, bool)
               for v in (actual, expected)):
        raise _Unsupported
    actual, expected = (v.item() if isinstance(v, np.number) else v for v in (actual, expected))
    rtol, atol = _tolerances((_NUMBER_DTYPES[type(actual)], _NUMBER_DTYPES[type(expected)]),
                             rtol, atol, id)

    def compare() -> None:
        if check_dtype and type(actual) is not type(expected):
            raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != "
                            f"{type(expected)}.", id)
        if actual == expected:
            return
        if equal_nan and cmath.isnan(actual) and cmath.isnan(expected):
            return
        diff = abs(actual - expected)
        if cmath.isfinite(diff) and diff <= atol + rtol * abs(expected):
            return
        raise _Mismatch(AssertionError, _scalar_msg(actual, expected, rtol, atol), id)
    return compare


def _tensor_pair(actual: Any, expected: Any, id: tuple, rtol: Any, atol: Any,  # noqa: A002
                 equal_nan: bool, check_dtype: bool, allow_subclasses: bool,
                 check_device: bool, **_: Any) -> Callable[[], None]:
    if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
        raise _Unsupported
    if not allow_subclasses and type(actual) is not type(expected):
        raise _Unsupported
    try:
        a, e = (v._data if isinstance(v, Tensor) else np.asarray(v) for v in (actual, expected))
        da, de = _dtype.from_np(a.dtype), _dtype.from_np(e.dtype)
    except (TypeError, ValueError):
        raise _Unsupported from None
    rtol, atol = _tolerances((da.name, de.name), rtol, atol, id)

    def compare() -> None:
        def differ(attr: str, x: Any, y: Any) -> _Mismatch:
            return _Mismatch(AssertionError, f"The values for attribute '{attr}' do not match: "
                             f"{x} != {y}.", id)
        if a.shape != e.shape:
            raise differ("shape", Size(a.shape), Size(e.shape))
        if check_dtype and da is not de:
            raise differ("dtype", da, de)
        x, y = a, e
        if da is not de:
            common = _dtype.promote_types(da, de).np
            x, y = a.astype(common), e.astype(common)
        matches = _close(x, y, rtol, atol, equal_nan)
        if matches.all():
            return
        if not x.shape:
            raise _Mismatch(AssertionError, _scalar_msg(x.item(), y.item(), rtol, atol), id)
        raise _Mismatch(AssertionError, _tensor_msg(x, y, matches, rtol, atol), id)
    return compare


def _none_pair(actual: Any, expected: Any, id: tuple, **_: Any) -> Callable[[], None]:  # noqa: A002
    if not (actual is None or expected is None):
        raise _Unsupported

    def compare() -> None:
        if not (actual is None and expected is None):
            raise _Mismatch(AssertionError, f"None mismatch: {actual} is not {expected}", id)
    return compare


def _bool_pair(actual: Any, expected: Any, id: tuple, **_: Any) -> Callable[[], None]:  # noqa: A002
    if not all(isinstance(v, (bool, np.bool_)) for v in (actual, expected)):
        raise _Unsupported
    a, e = bool(actual), bool(expected)

    def compare() -> None:
        if a is not e:
            raise _Mismatch(AssertionError, f"Booleans mismatch: {a} is not {e}", id)
    return compare


_PAIRS = (_none_pair, _bool_pair, _number_pair, _tensor_pair)


def _originate(actual: Any, expected: Any, id: tuple, options: dict) -> list:  # noqa: A002
    """The comparisons to make (recursing through sequences and mappings); raises at once
    for structural mismatches, as PyTorch does before comparing any value."""
    seq = collections.abc.Sequence
    if (isinstance(actual, seq) and not isinstance(actual, str)
            and isinstance(expected, seq) and not isinstance(expected, str)):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, "The length of the sequences mismatch: "
                            f"{len(actual)} != {len(expected)}", id)
        return [c for i in range(len(actual))
                for c in _originate(actual[i], expected[i], (*id, i), options)]
    mapping = collections.abc.Mapping
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        ka, ke = set(actual.keys()), set(expected.keys())
        if ka != ke:
            raise _Mismatch(AssertionError, "The keys of the mappings do not match:\n"
                            f"Missing keys in the actual mapping: {sorted(ke - ka)}\n"
                            f"Additional keys in the actual mapping: {sorted(ka - ke)}", id)
        try:
            keys = sorted(ka)
        except TypeError:
            keys = list(ka)
        return [c for k in keys for c in _originate(actual[k], expected[k], (*id, k), options)]
    for make in _PAIRS:
        try:
            return [make(actual, expected, id=id, **options)]
        except _Unsupported:
            continue
    raise _Mismatch(TypeError, "No comparison pair was able to handle inputs of type "
                    f"{_type_repr(type(actual))} and {_type_repr(type(expected))}.", id)


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True,
                 rtol: float | None = None, atol: float | None = None, equal_nan: bool = False,
                 check_device: bool = True, check_dtype: bool = True, check_layout: bool = True,
                 check_stride: bool = False,
                 msg: str | Callable[[str], str] | None = None) -> None:
    """Assert ``|actual - expected| <= atol + rtol * |expected|`` elementwise, as PyTorch's.

    Tensors (and ndarrays) must also match in shape and, with `check_dtype`, dtype; Python
    numbers compare with the tolerances of float64/int64/complex128; sequences and mappings
    compare item by item. Default tolerances by dtype: float16 (1e-3, 1e-5), float32
    (1.3e-6, 1e-5), float64 (1e-7, 1e-7); integers and bools exactly. Infinities must be
    equal; NaNs match only with ``equal_nan=True``. Raises AssertionError with PyTorch's report
    (``msg`` replaces it, or transforms it when callable).

    >>> assert_close(tensor([1., 2.]), tensor([1., 2.1]))
    Traceback (most recent call last):
    ...
    AssertionError: Tensor-likes are not close!
    <BLANKLINE>
    Mismatched elements: 1 / 2 (50.0%)
    Greatest absolute difference: 0.09999990463256836 at index (1,) (up to 1e-05 allowed)
    Greatest relative difference: 0.04761900380253792 at index (1,) (up to 1.3e-06 allowed)
    """
    __tracebackhide__ = True
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype,
                   allow_subclasses=allow_subclasses, check_device=check_device)
    try:
        comparisons = _originate(actual, expected, (), options)
    except _Mismatch as m:
        raise m.to_error() from None
    for compare in comparisons:
        try:
            compare()
        except _Mismatch as m:
            raise m.to_error(msg) from None


def assert_allclose(actual: Any, expected: Any, rtol: float | None = None,
                    atol: float | None = None, equal_nan: bool = True, msg: str = "") -> None:
    """Deprecated in PyTorch (use `assert_close`): compares after converting both to tensors,
    ignoring dtypes."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed "
                  "in a future release. Please use `torch.testing.assert_close()` instead. You "
                  "can find detailed upgrade instructions in "
                  "https://github.com/pytorch/pytorch/issues/61844.", FutureWarning, stacklevel=2)
    from .creation import as_tensor
    a = actual if isinstance(actual, Tensor) else as_tensor(actual)
    e = expected if isinstance(expected, Tensor) else as_tensor(expected, dtype=a.dtype)
    assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=False,
                 msg=msg or None)


def make_tensor(*shape: Any, dtype: Any, device: Any = None, low: float | None = None,
                high: float | None = None, requires_grad: bool = False,
                noncontiguous: bool = False, exclude_zero: bool = False,
                memory_format: Any = None) -> Tensor:
    """A tensor of the given shape and dtype filled with random values in [low, high)
    (default [-9, 9]; bools random; unsigned from 0), as torch.testing.make_tensor."""
    from .creation import _finish, _gen, _shape
    npdt = _dtype.to_dtype(dtype).np
    shape = _shape(shape)
    rng = _gen(None)
    if npdt.kind == "b":
        data = rng.integers(0, 2, shape).astype(npdt)
    else:
        lo = (0 if npdt.kind == "u" else -9) if low is None else low
        hi = 10 if high is None and npdt.kind in "iu" else (9 if high is None else high)
        if low is not None and high is not None and low > high:
            raise ValueError(f"`low` must be less than or equal to `high`, but got {low} > {high}")
        if npdt.kind in "iu":
            data = rng.integers(int(np.ceil(lo)), int(np.ceil(hi)), shape).astype(npdt)
        else:
            data = rng.uniform(lo, hi, shape)
            if npdt.kind == "c":
                data = data + 1j * rng.uniform(lo, hi, shape)
            data = data.astype(npdt)
        if exclude_zero:
            tiny = 1 if npdt.kind in "iu" else np.finfo(npdt).tiny
            data[data == 0] = tiny
    return _finish(data, requires_grad, device)
