"""Tests for feathergrad._printing: the repr must be character-identical to PyTorch's.

Most tests compare against real PyTorch (skipped when it is not installed); a few
check known outputs, e.g. lines of the differentiation lab's expected transcript.
"""

from __future__ import annotations

import itertools
import timeit
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from feathergrad import _printing
from feathergrad._printing import get_printoptions, printoptions, set_printoptions, tensor_repr

DEFAULTS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}


def _reset_all() -> None:
    set_printoptions(profile="default")
    try:
        import torch
    except ImportError:
        return
    torch.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)


@pytest.fixture(autouse=True)
def _restore_printoptions() -> Iterator[None]:
    # Print options are global state, in PyTorch and here: every test starts and
    # ends with the defaults so a failure cannot leak into the next test.
    _reset_all()
    yield
    _reset_all()


def _both_set(**kwargs: Any) -> None:
    import torch

    torch.set_printoptions(**kwargs)
    set_printoptions(**kwargs)


def check(arr: np.ndarray, **kwargs: Any) -> str:
    """Assert tensor_repr(arr) == repr(torch tensor of arr); returns the repr."""
    torch = pytest.importorskip("torch")
    arr = np.asarray(arr)
    expected = repr(torch.from_numpy(arr.copy()))
    name = str(torch.from_numpy(arr.copy()).dtype).removeprefix("torch.")
    assert name == arr.dtype.name  # NumPy and PyTorch dtype names agree
    got = tensor_repr(arr, name, **kwargs)
    assert got == expected, f"\nexpected:\n{expected}\ngot:\n{got}"
    return got


def check_tensor(t: Any, **kwargs: Any) -> None:
    """Compare with a real (possibly autograd-tracked) torch tensor."""
    name = str(t.dtype).removeprefix("torch.")
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    got = tensor_repr(
        t.detach().numpy(), name, grad_fn_name=grad_fn, requires_grad=t.requires_grad, **kwargs
    )
    assert got == repr(t), f"\nexpected:\n{t!r}\ngot:\n{got}"


# ----------------------------------------------------------------- known outputs
# (no PyTorch needed; strings copied from what PyTorch printed)

LAB_X = (
    "tensor([-10.0000,  -7.7778,  -5.5556,  -3.3333,  -1.1111,   1.1111,   3.3333,\n"
    "          5.5556,   7.7778,  10.0000], requires_grad=True)"
)
LAB_Y = (
    "tensor([100.0000,  60.4938,  30.8642,  11.1111,   1.2346,   1.2346,  11.1111,\n"
    "         30.8642,  60.4938, 100.0000], grad_fn=<PowBackward0>)"
)
LAB_GRAD = (
    "tensor([-20.0000, -15.5556, -11.1111,  -6.6667,  -2.2222,   2.2222,   6.6667,\n"
    "         11.1111,  15.5556,  20.0000])"
)
LAB_RELU = (
    "tensor([0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0100, 0.0300, 0.0501, 0.0701,\n"
    "        0.0901], grad_fn=<SliceBackward0>)"
)


def test_lab_scalars() -> None:
    two = np.array(2.0, dtype=np.float32)
    assert tensor_repr(two, "float32") == "tensor(2.)"
    assert tensor_repr(two, "float32", requires_grad=True) == "tensor(2., requires_grad=True)"
    assert (
        tensor_repr(two * two, "float32", grad_fn_name="PowBackward0", requires_grad=True)
        == "tensor(4., grad_fn=<PowBackward0>)"
    )
    assert tensor_repr(np.float32(9.0), "float32", grad_fn_name="AddBackward0") == (
        "tensor(9., grad_fn=<AddBackward0>)"
    )


def test_lab_vectors() -> None:
    x = np.linspace(-10, 10, 10).astype(np.float32)
    assert tensor_repr(x, "float32", requires_grad=True) == LAB_X
    assert tensor_repr(x**2, "float32", grad_fn_name="PowBackward0") == LAB_Y
    assert tensor_repr(2 * x, "float32") == LAB_GRAD
    x = np.linspace(-10, 10, 1000).astype(np.float32)
    relu = np.maximum(x, 0)[495:505]
    assert tensor_repr((relu > 0).astype(np.float32), "float32") == (
        "tensor([0., 0., 0., 0., 0., 1., 1., 1., 1., 1.])"
    )
    assert tensor_repr(relu, "float32", grad_fn_name="SliceBackward0") == LAB_RELU


def test_lab_lines_are_in_spec() -> None:
    # keep the constants above honest against the transcript, when it is available
    import pathlib

    spec = pathlib.Path("/work/shared/spec/differentiation_lab.expected.txt")
    if not spec.exists():
        pytest.skip("spec transcript not available")
    text = spec.read_text()
    for expected in (LAB_X, LAB_Y, LAB_GRAD, LAB_RELU):
        assert expected in text


@pytest.mark.parametrize(
    ("arr", "name", "expected"),
    [
        (np.array(-0.0, np.float32), "float32", "tensor(-0.)"),
        (np.array(np.nan, np.float32), "float32", "tensor(nan)"),
        (np.array(-np.inf, np.float32), "float32", "tensor(-inf)"),
        (np.array(1.5, np.float64), "float64", "tensor(1.5000, dtype=torch.float64)"),
        (np.array(1e-5, np.float32), "float32", "tensor(1.0000e-05)"),
        (np.array(7, np.int64), "int64", "tensor(7)"),
        (np.array(7, np.int32), "int32", "tensor(7, dtype=torch.int32)"),
        (np.array(True), "bool", "tensor(True)"),
        (np.array(1 - 2j, np.complex64), "complex64", "tensor(1.-2.j)"),
        (np.zeros(0, np.float32), "float32", "tensor([])"),
        (np.zeros((0, 3), np.float32), "float32", "tensor([], size=(0, 3))"),
        (np.zeros(0, np.int64), "int64", "tensor([], dtype=torch.int64)"),
        (np.array([True, False]), "bool", "tensor([ True, False])"),
        (
            np.array([np.nan, 1.5, -np.inf], np.float32),
            "float32",
            "tensor([   nan, 1.5000,   -inf])",
        ),
        (np.array([1e-5, 1e5], np.float32), "float32", "tensor([1.0000e-05, 1.0000e+05])"),
        (
            np.array([[1, -2], [30, 4]], np.float32),
            "float32",
            "tensor([[ 1., -2.],\n        [30.,  4.]])",
        ),
        (np.arange(2000), "int64", "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"),
    ],
)
def test_known_outputs(arr: np.ndarray, name: str, expected: str) -> None:
    assert tensor_repr(arr, name) == expected


def test_printoptions_api() -> None:
    assert get_printoptions() == DEFAULTS
    set_printoptions(precision=2)
    assert tensor_repr(np.array([1.12345], np.float32), "float32") == "tensor([1.12])"
    set_printoptions(threshold=5)
    assert tensor_repr(np.arange(10), "int64") == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    set_printoptions(profile="default")
    assert get_printoptions() == DEFAULTS
    set_printoptions(profile="short", linewidth=100)
    assert get_printoptions() == {**DEFAULTS, "precision": 2, "edgeitems": 2, "linewidth": 100}
    set_printoptions(profile="full", sci_mode=True)
    assert get_printoptions()["threshold"] == float("inf")
    assert get_printoptions()["sci_mode"] is True
    set_printoptions(precision=3)  # like PyTorch, omitting sci_mode resets it
    assert get_printoptions()["sci_mode"] is None


def test_printoptions_context_manager() -> None:
    set_printoptions(sci_mode=False)
    with printoptions(precision=1, edgeitems=1):
        assert get_printoptions()["precision"] == 1
        assert get_printoptions()["sci_mode"] is None
        assert tensor_repr(np.array([0.25, 3.5], np.float32), "float32") == "tensor([0.2, 3.5])"
    assert get_printoptions() == {**DEFAULTS, "sci_mode": False}
    with pytest.raises(ZeroDivisionError), printoptions(precision=0):
        1 / 0  # noqa: B018
    assert get_printoptions()["precision"] == 4


def test_scalar_is_fast() -> None:
    # the engine prints 0-d tensors a lot; a generous bound (the real cost is ~1-2 µs)
    a = np.array(2.5, np.float32)
    per_call = min(timeit.repeat(lambda: tensor_repr(a, "float32"), number=2000, repeat=3)) / 2000
    assert per_call < 50e-6


def test_module_imports_only_stdlib_and_numpy() -> None:
    # no feathergrad import (the tensor class imports this module) and no torch
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(_printing))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            roots.add((node.module or "").split(".")[0])
    assert roots <= {
        "__future__",
        "contextlib",
        "dataclasses",
        "math",
        "collections",
        "typing",
        "numpy",
    }, roots


# --------------------------------------------------------- against real PyTorch

SHAPES = [
    (),
    (1,),
    (3,),
    (7,),
    (12,),
    (25,),
    (2, 3),
    (4, 1),
    (1, 9),
    (6, 7),
    (3, 4, 5),
    (2, 3, 2, 3),
]
FLOATS = [np.float32, np.float64, np.float16]
SCALES = [1e-10, 1e-6, 1e-4, 1e-2, 1.0, 7.0, 1e3, 1e5, 1e8, 1e10]


def _rand(seed: int, shape: tuple[int, ...], dtype: Any, scale: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    with np.errstate(over="ignore"):  # float16 saturates to inf at big scales: fine
        return np.asarray(rng.standard_normal(shape) * scale).astype(dtype)


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_random_floats(shape: tuple[int, ...], scale: float, dtype: Any) -> None:
    check(_rand(hash((shape, scale)) & 0xFFFF, shape, dtype, scale))


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", SHAPES[1:], ids=str)
def test_mixed_magnitudes_and_whole_numbers(shape: tuple[int, ...], dtype: Any) -> None:
    rng = np.random.default_rng(len(shape) * 100 + int(np.prod(shape)))
    mags = 10.0 ** rng.uniform(-10, 10, shape)
    with np.errstate(over="ignore"):
        check((rng.standard_normal(shape) * mags).astype(dtype))
        check(np.round(rng.standard_normal(shape) * 100).astype(dtype))  # int mode
        check(np.round(rng.standard_normal(shape) * 1e9).astype(dtype))  # int + sci
        check((rng.integers(-5, 5, shape) * 0.5).astype(dtype))


SPECIALS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, 123456.0, 1e-7, -2.5e9, 9.99995]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.complex64])
@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_special_values(n: int, dtype: Any) -> None:
    # every combination of n special values (nan/inf/signed zeros/rounding edges)
    for combo in itertools.islice(itertools.combinations_with_replacement(SPECIALS, n), 400):
        with np.errstate(over="ignore"):
            arr = np.array(combo).astype(dtype)
        check(arr)
        if n == 1:
            check(arr[0])  # 0-d fast path


@pytest.mark.parametrize(
    "dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8], ids=lambda d: np.dtype(d).name
)
@pytest.mark.parametrize("shape", SHAPES + [(40, 30)], ids=str)
def test_integers(shape: tuple[int, ...], dtype: Any) -> None:
    info = np.iinfo(dtype)
    rng = np.random.default_rng(int(np.prod(shape)))
    check(np.asarray(rng.integers(info.min, info.max, shape, endpoint=True)).astype(dtype))
    check(np.asarray(rng.integers(0, 10, shape)).astype(dtype))


@pytest.mark.parametrize("shape", SHAPES + [(40, 30)], ids=str)
def test_bools(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(3)
    check(np.asarray(rng.random(shape) > 0.5))
    check(np.ones(shape, bool))


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("shape", SHAPES + [(2000,), (30, 40)], ids=str)
def test_complex(shape: tuple[int, ...], dtype: Any) -> None:
    rng = np.random.default_rng(5)
    re, im = rng.standard_normal(shape), rng.standard_normal(shape)
    check(np.asarray(re + 1j * im).astype(dtype))
    check(np.asarray(re * 1e6 - 1j * np.round(im)).astype(dtype))


@pytest.mark.parametrize(
    "dtype", [np.float32, np.float64, np.float16, np.int64, np.int32, np.bool_, np.complex64]
)
@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 4), (0, 0), (1, 0, 1, 1)], ids=str)
def test_empty(shape: tuple[int, ...], dtype: Any) -> None:
    check(np.zeros(shape, dtype))


@pytest.mark.parametrize(
    "shape",
    [(1001,), (2000,), (7, 200), (200, 7), (40, 40), (11, 12, 13), (3, 2, 400), (5, 5, 5, 9)],
    ids=str,
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.bool_])
def test_summarization(shape: tuple[int, ...], dtype: Any) -> None:
    rng = np.random.default_rng(11)
    check(np.asarray(rng.standard_normal(shape) * 50).astype(dtype))
    # only the shown elements decide the format: a huge hidden value changes nothing
    arr = np.asarray(rng.standard_normal(shape)).astype(dtype)
    arr[tuple(s // 2 for s in shape)] = 1e30 if arr.dtype.kind == "f" else 1
    check(arr)


@pytest.mark.parametrize("n", range(1, 41))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_line_wrapping_and_suffixes(n: int, dtype: str) -> None:
    # lengths chosen to put the last line and the suffixes on both sides of 80 columns
    torch = pytest.importorskip("torch")
    x = (torch.arange(n, dtype=getattr(torch, dtype)) * 1.37 - 5).requires_grad_()
    check_tensor(x)
    check_tensor(x * 2)  # MulBackward0
    check_tensor((x**2).reshape(1, n))  # ViewBackward0 / 2-d
    check_tensor(x.detach())


def test_autograd_suffixes() -> None:
    torch = pytest.importorskip("torch")
    x = torch.tensor(2.0, requires_grad=True)
    for t in (x, x**2, x * 2 + 1, x.sum(), torch.relu(x), x.double(), x.exp() * 1e-9):
        check_tensor(t)
    m = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
    for t in (m, m[1:], m.t(), m @ m.t(), m.mean(0), torch.zeros(0, 3, requires_grad=True)):
        check_tensor(t)


def test_subclass_prefix() -> None:
    torch = pytest.importorskip("torch")

    class MyTensorSubclass(torch.Tensor):
        pass

    for t in (torch.arange(30.0), torch.randn(3, 9, dtype=torch.float64), torch.tensor(1.5)):
        sub = t.as_subclass(MyTensorSubclass)
        check_tensor(sub, prefix="MyTensorSubclass(")


OPTION_SETS = [
    {"precision": 0},
    {"precision": 2},
    {"precision": 8},
    {"threshold": 5},
    {"threshold": 0},
    {"edgeitems": 1},
    {"edgeitems": 0},
    {"edgeitems": 0, "threshold": 3},
    {"edgeitems": 5, "threshold": 20},
    {"linewidth": 10},
    {"linewidth": 40},
    {"linewidth": 200},
    {"sci_mode": True},
    {"sci_mode": False},
    {"profile": "short"},
    {"profile": "full"},
    {"profile": "short", "threshold": 10, "sci_mode": True},
]
OPTION_ARRAYS = [
    ("0d", lambda: np.array(3.14159, np.float32)),
    ("vec", lambda: _rand(1, (30,), np.float32, 3.0)),
    ("vec_sci", lambda: _rand(2, (30,), np.float64, 1e9)),
    ("mat", lambda: _rand(3, (9, 11), np.float32, 100.0)),
    ("whole", lambda: np.round(_rand(4, (4, 12), np.float32, 1e4))),
    ("3d", lambda: _rand(5, (4, 5, 6), np.float16, 0.01)),
    ("ints", lambda: np.arange(-40, 40).reshape(8, 10)),
    ("bools", lambda: np.arange(24).reshape(2, 3, 4) % 3 == 0),
    ("complex", lambda: (np.arange(12) * (1 - 0.5j)).astype(np.complex64)),
    ("specials", lambda: np.array([np.nan, 0.0, -np.inf, 2.0, 1e-3], np.float32)),
    ("big", lambda: _rand(6, (1200,), np.float32, 1.0)),
]


@pytest.mark.parametrize("arr_id", [a[0] for a in OPTION_ARRAYS])
@pytest.mark.parametrize(
    "opts", OPTION_SETS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items())
)
def test_printoptions_variants(opts: dict[str, Any], arr_id: str) -> None:
    pytest.importorskip("torch")
    _both_set(**opts)
    check(dict(OPTION_ARRAYS)[arr_id]())
    check(np.zeros((0, 2), np.float32))


@pytest.mark.parametrize(
    "dtype", [np.float32, np.float64, np.float16, np.complex64, np.complex128, np.int64, np.bool_]
)
@pytest.mark.parametrize("shape", [(), (5,), (0,), (0, 2), (3, 4)], ids=str)
def test_default_dtype_float64(shape: tuple[int, ...], dtype: Any) -> None:
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    check(
        _rand(7, shape, dtype, 3.0) if dtype != np.bool_ else np.ones(shape, bool),
        default_dtype_name="float64",
    )


# ------------------------------------------------------------------ property test

_float_arrays = st.sampled_from([np.float32, np.float64, np.float16]).flatmap(
    lambda dt: hnp.arrays(
        dt,
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=9),
        elements=st.floats(width=np.dtype(dt).itemsize * 8),
    )
)


@settings(max_examples=300, deadline=None)
@given(
    arr=_float_arrays,
    precision=st.sampled_from([None, 1, 4, 6]),
    sci=st.sampled_from([None, None, True, False]),
)
def test_property_matches_torch(arr: np.ndarray, precision: int | None, sci: bool | None) -> None:
    pytest.importorskip("torch")
    try:
        _both_set(precision=precision, sci_mode=sci)
        check(arr)
    finally:
        _reset_all()
