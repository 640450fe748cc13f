"""Forward-mode AD (autograd.forward_ad): a JVP for every op of the op table, checked against
reverse mode (vᵀ(J u) == (Jᵀ v)ᵀ u) and central finite differences on the op samples; the
dual-tensor API and custom ``Function.jvp`` against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import feathergrad as fg
import feathergrad.autograd.forward_ad as fwAD
from tests.opsamples import OpSample, all_samples

SAMPLES = [s for s in all_samples()
           if any(isinstance(a, np.ndarray) and a.dtype.kind == "f" and i not in s.nondiff
                  for i, a in enumerate(s.inputs))]
# Forward mode differentiates the backward rule (double-backward trick), so it inherits the
# rule's behaviour at the point: these rules are not differentiable there (0/0 in the masked
# branch of np.where), which the op samples also mark with second_order=False.
KNOWN = {"std:zero-std": "std's backward divides by std before masking std == 0 (stats.py)"}
# Samples at ties, where a random direction u changes which element is selected: the JVP is
# still checked against reverse mode, but central differences along u mean nothing there.
NO_FD = {"mode:(2, 4)"}


def _params():
    return [pytest.param(s, marks=pytest.mark.xfail(reason=KNOWN[str(s)], strict=True))
            if str(s) in KNOWN else s for s in SAMPLES]


def _outs(r):
    return list(r) if isinstance(r, (tuple, list)) else [r]


def _diff_idx(s: OpSample) -> list[int]:
    return [i for i, a in enumerate(s.inputs)
            if isinstance(a, np.ndarray) and a.dtype.kind == "f" and i not in s.nondiff]


def _call(s: OpSample, arrays: dict[int, np.ndarray], wrap=None) -> list:
    args = []
    for i, a in enumerate(s.inputs):
        if i in arrays:
            t = fg.tensor(arrays[i].copy(), requires_grad=wrap is None)
            args.append(wrap(i, t) if wrap else t)
        elif isinstance(a, np.ndarray):
            args.append(fg.tensor(a.copy()))
        else:
            args.append(a)
    return _outs(s.fn(fg, *args))


@pytest.mark.parametrize("s", _params(), ids=str)
def test_jvp_matches_reverse_mode_and_finite_differences(s: OpSample):
    rng = np.random.default_rng(0)
    idx = _diff_idx(s)
    x = {i: s.inputs[i] for i in idx}
    u = {i: np.asarray(rng.standard_normal(np.shape(s.inputs[i]))) for i in idx}
    with fwAD.dual_level():
        outs = _call(s, x, lambda i, t: fwAD.make_dual(t, fg.tensor(u[i])))
        jvps = [fwAD.unpack_dual(o).tangent for o in outs]
    floats = [k for k, o in enumerate(outs) if o.dtype.is_floating_point]
    for k in range(len(outs)):
        if k not in floats:
            assert jvps[k] is None or not np.any(jvps[k].numpy())
    if not floats:
        return
    # reverse mode: vᵀ (J u) == (Jᵀ v)ᵀ u
    ins = {i: fg.tensor(x[i].copy(), requires_grad=True) for i in idx}
    routs = _call(s, x, lambda i, t: ins[i])
    vs = [np.asarray(rng.standard_normal(tuple(routs[k].shape))) for k in floats]
    pairs = [(routs[k], v) for k, v in zip(floats, vs) if routs[k].requires_grad]
    lhs = sum(float((jvps[k].numpy() * v).sum()) for k, v in zip(floats, vs))
    rhs = 0.0
    if pairs:
        gs = fg.autograd.grad([o for o, _ in pairs], [ins[i] for i in idx],
                              [fg.tensor(v) for _, v in pairs], allow_unused=True)
        rhs = sum(float((g.numpy() * u[i]).sum()) for g, i in zip(gs, idx) if g is not None)
    assert lhs == pytest.approx(rhs, rel=1e-7, abs=1e-8)
    if str(s) in NO_FD:
        return
    # central differences along u, in float64
    eps = s.eps

    def shifted(sign):
        return _call(s, {i: np.asarray(x[i] + sign * eps * u[i]) for i in idx})
    plus, minus = shifted(1), shifted(-1)
    for k in floats:
        fd = (plus[k].detach().numpy() - minus[k].detach().numpy()) / (2 * eps)
        np.testing.assert_allclose(jvps[k].numpy(), fd, atol=s.atol * 10, rtol=s.rtol * 10)


# ---- the dual-tensor API and custom Functions, against PyTorch --------------------------------

def _api(m, fwad):
    x = m.tensor([1.0, 2.0, 3.0], dtype=m.float64)
    t = m.tensor([1.0, 0.5, -1.0], dtype=m.float64)
    out = []
    with fwad.dual_level():
        d = fwad.make_dual(x, t)
        y = (d.sin() * d).sum()
        out += [fwad.unpack_dual(y).primal, fwad.unpack_dual(y).tangent]
        assert fwad.unpack_dual(d).tangent is t
        assert fwad.unpack_dual(x).tangent is None            # not a dual
        assert fwad.unpack_dual(m.ones(3) * 2).tangent is None  # does not depend on one
        assert fwad.unpack_dual(y.argmax()).tangent is None   # not differentiable
        out.append(fwad.unpack_dual(m.stack([d, d.exp()])).tangent)
    assert fwad.unpack_dual(y).tangent is None                # the level is gone
    return out


def test_dual_api_matches_torch():
    torch = pytest.importorskip("torch")
    a = _api(fg, fwAD)
    b = _api(torch, torch.autograd.forward_ad)
    for u, v in zip(a, b):
        np.testing.assert_allclose(u.detach().numpy(), v.detach().numpy(), rtol=1e-12)


def test_reverse_over_forward():
    p = fg.tensor([0.5, -1.0, 2.0], requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(p, fg.ones(3))
        jv = fwAD.unpack_dual((d ** 3).sum()).tangent     # sum 3 p^2
    assert jv.requires_grad
    (g,) = fg.autograd.grad(jv, p)
    np.testing.assert_allclose(g.numpy(), 6 * p.detach().numpy())


@pytest.mark.parametrize("call", [
    lambda m, fwad: fwad.make_dual(m.ones(3), m.ones(3)),
    lambda m, fwad: _in_level(fwad, lambda: fwad.make_dual(m.ones(3), m.ones(2))),
    lambda m, fwad: _in_level(fwad, lambda: fwad.make_dual(m.arange(3), m.ones(3))),
    lambda m, fwad: _in_level(fwad, lambda: fwad.make_dual(m.ones(3), m.arange(3))),
    lambda m, fwad: _in_level(fwad, lambda: _in_level(fwad, lambda: None)),
    lambda m, fwad: _in_level(fwad, lambda: fwad.make_dual(
        fwad.make_dual(m.ones(3), m.ones(3)) * 2, m.ones(3))),
    lambda m, fwad: fwad.exit_dual_level(level=5),
])
def test_api_errors_match_torch(call):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as te:
        call(torch, torch.autograd.forward_ad)
    with pytest.raises(Exception) as fe:
        call(fg, fwAD)
    assert type(fe.value) is type(te.value)
    assert str(fe.value) == str(te.value)


def _in_level(fwad, fn):
    with fwad.dual_level():
        return fn()


def _functions(m):
    class Scaled(m.autograd.Function):   # jvp deliberately differs from backward
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_forward(x, y)
            ctx.save_for_backward(x)
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g, g

        @staticmethod
        def jvp(ctx, tx, ty):
            x, y = ctx.saved_tensors
            return tx * 100 + ty * x

    class ForwardOnly(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def jvp(ctx, tx):
            return tx * 7

    class NoJvp(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2
    return Scaled, ForwardOnly, NoJvp


def _custom(m, fwad):
    Scaled, ForwardOnly, NoJvp = _functions(m)
    x = m.tensor([1.0, 2.0, 3.0], dtype=m.float64)
    y = m.tensor([0.5, 0.25, 2.0], dtype=m.float64)
    out = []
    with fwad.dual_level():
        d = fwad.make_dual(x, m.ones(3, dtype=m.float64))
        out.append(fwad.unpack_dual(Scaled.apply(d, y)).tangent)
        out.append(fwad.unpack_dual(Scaled.apply(d, y).sin() * d).tangent)
        out.append(fwad.unpack_dual(Scaled.apply(y, d)).tangent)
        assert fwad.unpack_dual(Scaled.apply(y, y)).tangent is None
        out.append(fwad.unpack_dual(ForwardOnly.apply(d).sin()).tangent)
        with pytest.raises(NotImplementedError, match="must implement the jvp function"):
            fwad.unpack_dual(NoJvp.apply(d))
    return out


def test_custom_function_jvp_matches_torch():
    torch = pytest.importorskip("torch")
    for u, v in zip(_custom(fg, fwAD), _custom(torch, torch.autograd.forward_ad)):
        np.testing.assert_allclose(u.detach().numpy(), v.detach().numpy(), rtol=1e-12)
