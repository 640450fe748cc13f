"""PyTorch's type promotion, checked against PyTorch over a grid of dtype pairs and dims.

PyTorch promotes by category (bool < integer < floating < complex): an integer tensor meets a
float32 tensor in float32 (NumPy would say float64), and a 0-d tensor or a Python number only
raises the category, never the width (float32[3] + float64 0-d is float32).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import feathergrad as fg

torch = pytest.importorskip("torch")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128"]
REAL = DTYPES[:-2]
DIMS = [0, 1]

OPS = {
    "add": lambda m, a, b: a + b,
    "sub": lambda m, a, b: a - b,
    "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / b,
    "pow": lambda m, a, b: a ** b,
    "maximum": lambda m, a, b: m.maximum(a, b),
    "where": lambda m, a, b: m.where(m.tensor([True, False, True]), a, b),
    "eq": lambda m, a, b: a == b,
    "lt": lambda m, a, b: a < b,
    "remainder": lambda m, a, b: a % b,
    "atan2": lambda m, a, b: m.atan2(a, b),
    "floor_div": lambda m, a, b: m.div(a, b, rounding_mode="floor"),
    "clamp_min": lambda m, a, b: m.clamp_min(a, b),
}


def _tensor(m, dt, ndim):
    vals = [1, 2, 3] if ndim else 2
    return m.tensor(vals, dtype=getattr(m, dt))


def _outcome(m, f, *args):
    try:
        with np.errstate(all="ignore"):
            r = f(m, *args)
            v = r.numpy()
    except Exception as e:  # noqa: BLE001 - the exception type is part of the outcome
        return type(e).__name__, None
    return str(r.dtype).replace("torch.", ""), v


def _check(fa, ta, where):
    assert fa[0] == ta[0], f"{where}: feathergrad {fa[0]}, torch {ta[0]}"
    if fa[1] is not None:
        np.testing.assert_allclose(fa[1].astype(np.complex128), ta[1].astype(np.complex128),
                                   rtol=2e-3, err_msg=where)


@pytest.mark.parametrize("op", list(OPS))
def test_tensor_tensor_promotion_matches_torch(op):
    f = OPS[op]
    dts = DTYPES if op in ("add", "sub", "mul", "div", "eq") else REAL
    for (da, na), (db, nb) in itertools.product(itertools.product(dts, DIMS), repeat=2):
        if {da, db} & {"float16"} and {da, db} & {"complex64", "complex128"}:
            continue    # PyTorch may give complex32, which NumPy (and feathergrad) lacks
        fa = _outcome(fg, f, _tensor(fg, da, na), _tensor(fg, db, nb))
        ta = _outcome(torch, f, _tensor(torch, da, na), _tensor(torch, db, nb))
        _check(fa, ta, f"{op}({da}[{na}-d], {db}[{nb}-d])")


SCALARS = [True, 3, -2, 2.5, 1e10]


@pytest.mark.parametrize("op", [k for k in OPS if k not in ("maximum", "atan2")])
def test_tensor_number_promotion_matches_torch(op):
    f = OPS[op]
    for dt, nd, s in itertools.product(REAL, DIMS, SCALARS):
        for left in (True, False):
            def run(m, dt=dt, nd=nd, s=s, left=left):
                t = _tensor(m, dt, nd)
                return _outcome(m, f, *((t, s) if left else (s, t)))
            _check(run(fg), run(torch), f"{op} {'tensor, number' if left else 'number, tensor'}"
                                        f" {dt}[{nd}-d] {s!r}")


@pytest.mark.parametrize("default", ["float32", "float64"])
def test_default_dtype_decides_int_and_number_results(default):
    torch_default = torch.get_default_dtype()
    try:
        for m in (fg, torch):
            m.set_default_dtype(getattr(m, default))
        cases = [lambda m: m.tensor([1, 2]) + 2.5, lambda m: m.tensor([1, 2]) / 2,
                 lambda m: m.tensor([1, 2]) / m.tensor([2, 2]), lambda m: m.exp(m.tensor([1])),
                 lambda m: m.tensor(True) * 1.5, lambda m: m.atan2(m.tensor([1]), m.tensor([2])),
                 lambda m: m.where(m.tensor([True]), m.tensor([1]), 2.5)]
        for c in cases:
            assert str(c(fg).dtype) == str(c(torch).dtype)
    finally:
        fg.set_default_dtype(fg.float32)
        torch.set_default_dtype(torch_default)


def test_promote_types_and_result_type_match_torch():
    for da, db in itertools.product(DTYPES, repeat=2):
        a, b = getattr(fg, da), getattr(fg, db)
        ta, tb = getattr(torch, da), getattr(torch, db)
        assert str(fg.promote_types(a, b)) == str(torch.promote_types(ta, tb)), (da, db)
        for na, nb in itertools.product(DIMS, repeat=2):
            if {da, db} & {"float16"} and {da, db} & {"complex64", "complex128"}:
                continue    # complex32 again
            r = fg.result_type(_tensor(fg, da, na), _tensor(fg, db, nb))
            t = torch.result_type(_tensor(torch, da, na), _tensor(torch, db, nb))
            assert str(r) == str(t), (da, na, db, nb)
        for s in SCALARS:
            assert str(fg.result_type(_tensor(fg, da, 1), s)) == str(
                torch.result_type(_tensor(torch, da, 1), s)), (da, s)


def test_gradient_dtype_follows_each_input():
    """Promotion is undone in backward: each input gets a gradient of its own dtype."""
    for m in (fg, torch):
        a = m.tensor([1.0, 2.0], dtype=m.float32, requires_grad=True)
        b = m.tensor(3.0, dtype=m.float64, requires_grad=True)
        c = m.tensor([0.5, 0.25], dtype=m.float64, requires_grad=True)
        y = (a * b).sum() + (a * c).sum()
        y.backward()
        assert str(a.grad.dtype).endswith("float32") and str(b.grad.dtype).endswith("float64")
        assert str(c.grad.dtype).endswith("float64")
        assert str((a * b).dtype).endswith("float32") and str((a * c).dtype).endswith("float64")
