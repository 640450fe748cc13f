"""Generated from the op table: every op is checked against finite differences (first and
second order, float64) and, when torch is installed, against PyTorch."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import feathergrad as fg
from feathergrad.autograd import gradcheck, gradgradcheck
from feathergrad.ops import OPS
from tests.opsamples import OpSample, all_samples

# modules that add ops to the table when first imported (lazy subpackages)
for _mod in ("feathergrad.nn.functional", "feathergrad.linalg"):
    try:
        importlib.import_module(_mod)
    except ImportError:   # pragma: no cover - while a subpackage is being written
        pass

SAMPLES = all_samples()


def _fg_inputs(s: OpSample) -> list:
    out = []
    for i, a in enumerate(s.inputs):
        if isinstance(a, np.ndarray) and a.dtype.kind == "f" and i not in s.nondiff:
            out.append(fg.tensor(a.copy(), requires_grad=True))
        elif isinstance(a, np.ndarray):
            out.append(fg.tensor(a.copy()))
        else:
            out.append(a)
    return out


def _call(s: OpSample, m, *args):
    return s.fn(m, *args)


def test_every_op_has_samples():
    covered = {k for s in SAMPLES for k in s.ops}
    missing = sorted(set(OPS) - covered)
    assert not missing, f"ops without samples in tests/opsamples: {missing}"
    unknown = sorted(covered - set(OPS))
    assert not unknown, f"samples name ops that are not in the table: {unknown}"


@pytest.mark.parametrize("s", SAMPLES, ids=str)
def test_gradcheck(s: OpSample):
    ins = _fg_inputs(s)
    assert gradcheck(lambda *a: _call(s, fg, *a), ins, eps=s.eps, atol=s.atol, rtol=s.rtol)


@pytest.mark.parametrize("s", [s for s in SAMPLES if s.second_order], ids=str)
def test_gradgradcheck(s: OpSample):
    ins = _fg_inputs(s)
    assert gradgradcheck(lambda *a: _call(s, fg, *a), ins, eps=s.eps, atol=s.atol, rtol=s.rtol)


def _np(t):
    try:
        return t.detach().numpy()
    except RuntimeError:   # PyTorch's ZeroTensor (a symbolic zero gradient)
        return np.zeros(tuple(t.shape))


def _outs(r):
    return list(r) if isinstance(r, (tuple, list)) else [r]


@pytest.mark.parametrize("s", [s for s in SAMPLES if s.compare_torch], ids=str)
def test_matches_torch(s: OpSample):
    torch = pytest.importorskip("torch")
    fins = _fg_inputs(s)
    tins = []
    for a, f in zip(s.inputs, fins):
        if isinstance(a, np.ndarray):
            tins.append(torch.tensor(a.copy(), requires_grad=bool(f.requires_grad)))
        else:
            tins.append(a)
    fo, to = _outs(_call(s, fg, *fins)), _outs(_call(s, torch, *tins))
    assert len(fo) == len(to)
    for a, b in zip(fo, to):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-9)
        assert a.dtype.name == str(b.dtype).replace("torch.", "")
        assert (a.grad_fn is None) == (b.grad_fn is None)
        if b.grad_fn is not None and s.check_names:
            assert a.grad_fn.name() == b.grad_fn.name()
    # first and second derivatives through a random cotangent
    rng = np.random.default_rng(0)
    fdiff = [t for t in fins if isinstance(t, fg.Tensor) and t.requires_grad]
    tdiff = [t for t in tins if isinstance(t, torch.Tensor) and t.requires_grad]
    pairs = [(a, b) for a, b in zip(fo, to) if b.requires_grad]
    if not pairs or not fdiff:
        return
    vs = [rng.standard_normal(b.shape) for _, b in pairs]
    fg_g = fg.autograd.grad([a for a, _ in pairs], fdiff, [fg.tensor(v) for v in vs],
                            create_graph=True, allow_unused=True)
    t_g = torch.autograd.grad([b for _, b in pairs], tdiff, [torch.tensor(v) for v in vs],
                              create_graph=True, allow_unused=True)
    for a, b in zip(fg_g, t_g):
        if b is None:
            assert a is None or not np.any(a.detach().numpy())
            continue
        np.testing.assert_allclose(a.detach().numpy(), _np(b), rtol=1e-6, atol=1e-9)
    if not s.second_order:
        return
    live = []
    for a, b in zip(fg_g, t_g):
        if b is None or not b.requires_grad:
            continue
        if a is None or not a.requires_grad:
            # feathergrad knows this derivative is constant: PyTorch's must then be zero
            w = torch.tensor(rng.standard_normal(tuple(b.shape)))
            t2 = torch.autograd.grad(b, tdiff, w, retain_graph=True, allow_unused=True)
            assert all(x is None or not np.any(_np(x)) for x in t2)
            continue
        live.append((a, b))
    if not live:
        return
    ws = [rng.standard_normal(tuple(b.shape)) for _, b in live]
    fg2 = fg.autograd.grad([a for a, _ in live], fdiff, [fg.tensor(w) for w in ws],
                           allow_unused=True)
    t2 = torch.autograd.grad([b for _, b in live], tdiff, [torch.tensor(w) for w in ws],
                             allow_unused=True)
    for a, b in zip(fg2, t2):
        if b is None:
            assert a is None or not np.any(a.numpy())
            continue
        if a is None:
            assert not np.any(_np(b))
            continue
        np.testing.assert_allclose(a.numpy(), _np(b), rtol=1e-6, atol=1e-9)


def test_saved_values_found_from_bytecode_match_dis():
    """The fast bytecode scan that decides what each op saves agrees with `dis` on every rule."""
    from feathergrad.ops._core import _used_params, _used_params_dis
    rules = [r for cls in OPS.values() for r in getattr(cls, "_rules", ()) if r is not None]
    assert len(rules) > 100
    for r in rules:
        assert _used_params(r) == _used_params_dis(r), r
