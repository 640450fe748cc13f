"""Custom autograd Functions: both styles (ctx in forward, or setup_context), mark_dirty for
in-place Functions (with the version checks), once_differentiable, saved tensors after
retain_graph, and PyTorch's errors. The same code runs under both libraries when torch is
installed; closed forms check the gradients without it."""
# ruff: noqa: E501  (the tables hold PyTorch one-liners, kept whole so each reads as a script line)

from __future__ import annotations

import re

import numpy as np
import pytest

import feathergrad as fg
from tests._parity import norm, run_code

PRELUDE = '''
Function = torch.autograd.Function
once_differentiable = torch.autograd.function.once_differentiable

class MulTwo_(Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g * 2

class Zero_(Function):
    @staticmethod
    def forward(ctx, x):
        x.zero_()
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g * 0

class DirtyCopy(Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x * 1

    @staticmethod
    def backward(ctx, g):
        return g

class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y

class ExpOfInput(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.exp()

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * x.exp()

class ExpOnce(Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        y, = ctx.saved_tensors
        ctx.grad_mode_in_backward = torch.is_grad_enabled()
        return g * y

class ScaledCube(Function):
    @staticmethod
    def forward(x, k):
        return x ** 3 * k

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, k = inputs
        ctx.save_for_backward(x)
        ctx.k = k

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x ** 2 * ctx.k, None

class SplitSign(Function):
    @staticmethod
    def forward(ctx, x):
        s = (x > 0).to(x.dtype)
        ctx.mark_non_differentiable(s)
        ctx.save_for_backward(s)
        return x * 2, s

    @staticmethod
    def backward(ctx, g, gs):
        s, = ctx.saved_tensors
        return g * 2 + gs

class ForwardWithCtxAndSetup(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, g):
        return g

class SaveInt(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x, 3)
        return x * 1

    @staticmethod
    def backward(ctx, g):
        return g

class TwoGrads(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 1

    @staticmethod
    def backward(ctx, g):
        return g, g

a = torch.tensor([0.5, 2.0], requires_grad=True)
'''

CASES = [
    # mark_dirty: the input itself becomes the output, its version is bumped once more
    "b = a.clone(); c = MulTwo_.apply(b); r = c is b, b, b._version, b.grad_fn.name()",
    "b = a.clone(); c = MulTwo_.apply(b); c.sum().backward(); r = a.grad",
    "b = a.clone(); c = Zero_.apply(b); (c + b).sum().backward(); r = c, b._version, a.grad",
    "b = a.clone(); v = b[:1]; c = MulTwo_.apply(v); r = b, b.grad_fn.name(), c.grad_fn.name(); b.sum().backward(); r = r, a.grad",
    "b = torch.tensor([1., 2.]); c = MulTwo_.apply(b); r = c is b, b, b._version",
    "with torch.no_grad():\n    c = MulTwo_.apply(a)\nr = c, a._version, a",
    # saved outputs come back with the node as grad_fn; they serve higher derivatives
    "y = Exp.apply(a); s = y.sum(); s.backward(retain_graph=True); r = y.grad_fn.saved_tensors, y.grad_fn.saved_tensors[0].grad_fn.name(); s.backward(); r = r, a.grad",
    "y = Exp.apply(a); g, = torch.autograd.grad(y.sum(), a, create_graph=True); g.sum().backward(); r = g, a.grad",
    "y = ExpOfInput.apply(a); r = y.grad_fn.saved_tensors[0] is a, y.grad_fn.saved_tensors",
    "y = Exp.apply(a); r = y.grad_fn.name(), type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__, y.requires_grad",
    # once_differentiable: a plain first derivative, computed without recording
    "y = ExpOnce.apply(a); y.sum().backward(); r = a.grad, y.grad_fn.grad_mode_in_backward",
    "y = ExpOnce.apply(a); g, = torch.autograd.grad((y * y).sum(), a, create_graph=True); r = g, g.requires_grad, g.grad_fn.name()",
    # setup_context style
    "y = ScaledCube.apply(a, 2.0); y.sum().backward(); r = y, y.grad_fn.name(), a.grad",
    "y = ScaledCube.apply(a, 2.0); r = y.grad_fn.saved_tensors, y.grad_fn.k, y.grad_fn.needs_input_grad",
    # non-differentiable outputs
    "o, s = SplitSign.apply(a); o.sum().backward(); r = s, s.requires_grad, a.grad",
    "y = Exp.apply(torch.tensor([1., 2.])); r = y, y.requires_grad, y.grad_fn",
]

ERRORS = [
    "MulTwo_.apply(a)",
    "b = a.clone(); d = b * b; MulTwo_.apply(b); d.sum().backward()",
    "y = Exp.apply(a)\nwith torch.no_grad():\n    y.mul_(2)\ny.sum().backward()",
    "y = ExpOfInput.apply(a)\nwith torch.no_grad():\n    a.mul_(2)\ny.sum().backward()",
    "b = a * 1; y = ExpOfInput.apply(b)\nwith torch.no_grad():\n    b.mul_(2)\ny.sum().backward()",
    "DirtyCopy.apply(a.clone())",
    "y = ExpOnce.apply(a); g, = torch.autograd.grad((y * y).sum(), a, create_graph=True); g.sum().backward()",
    "y = ExpOnce.apply(a); g, = torch.autograd.grad(y.sum(), a, create_graph=True); g.sum().backward()",
    "y = Exp.apply(a); s = y.sum(); s.backward(); s.backward()",
    "y = Exp.apply(a); y.sum().backward(); y.grad_fn.saved_tensors",
    "ForwardWithCtxAndSetup.apply(a)",
    "SaveInt.apply(a)",
    "TwoGrads.apply(a).sum().backward()",
    "Exp()(a)",
]


def _run(m, code):
    return run_code(m, code, PRELUDE)


_norm = norm


@pytest.mark.parametrize("code", CASES)
def test_same_as_pytorch(code):
    torch = pytest.importorskip("torch")
    assert _norm(repr(_run(fg, code))) == _norm(repr(_run(torch, code)))


@pytest.mark.parametrize("code", ERRORS)
def test_same_error_as_pytorch(code):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as te:
        _run(torch, code)
    with pytest.raises(Exception) as fe:
        _run(fg, code)
    assert type(fe.value) is type(te.value)
    tmsg = str(te.value).split("\n")[0]
    # PyTorch names the op in its version errors; compare up to that point, then the versions
    head = tmsg.split(", which is")[0][:120]
    assert str(fe.value).startswith(head), (str(fe.value), tmsg)
    for part in re.findall(r"is at version \d+; expected version \d+", tmsg):
        assert part in str(fe.value)


# ---- without torch: closed forms ---------------------------------------------------------
def _ns():
    ns = {"torch": fg, "np": np}
    exec(PRELUDE, ns)
    return ns


def test_mark_dirty_gradient_and_version():
    ns = _ns()
    a = ns["a"]
    b = a.clone()
    v0 = b._version
    c = ns["MulTwo_"].apply(b)
    assert c is b and b._version == v0 + 2   # mul_ bumps once, mark_dirty once more
    (c * c).sum().backward()                 # d/da (2a)^2 = 8a
    np.testing.assert_allclose(a.grad.numpy(), 8 * a.detach().numpy())


def test_stale_value_after_dirty_function_raises():
    ns = _ns()
    b = ns["a"].clone()
    d = b * b
    ns["Zero_"].apply(b)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        d.sum().backward()


def test_once_differentiable_second_derivative_raises():
    ns = _ns()
    a = ns["a"]
    y = ns["ExpOnce"].apply(a)
    g, = fg.autograd.grad((y * y).sum(), a, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), 2 * np.exp(2 * a.detach().numpy()), rtol=1e-6)
    with pytest.raises(RuntimeError, match="trying to differentiate twice a function that was "
                                           "marked with @once_differentiable"):
        g.sum().backward()


def test_saved_output_supports_second_derivative():
    ns = _ns()
    a = ns["a"]
    y = ns["Exp"].apply(a)
    g, = fg.autograd.grad(y.sum(), a, create_graph=True)
    h, = fg.autograd.grad(g.sum(), a)
    np.testing.assert_allclose(h.numpy(), np.exp(a.detach().numpy()), rtol=1e-6)


def test_setup_context_style_gradient():
    ns = _ns()
    a = ns["a"]
    ns["ScaledCube"].apply(a, 2.0).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 6 * a.detach().numpy() ** 2)


def test_saved_tensors_after_retain_graph():
    ns = _ns()
    a = ns["a"]
    y = ns["Exp"].apply(a)
    s = y.sum()
    s.backward(retain_graph=True)
    saved, = y.grad_fn.saved_tensors
    np.testing.assert_allclose(saved.detach().numpy(), np.exp(a.detach().numpy()))
    s.backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * np.exp(a.detach().numpy()), rtol=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        _ = y.grad_fn.saved_tensors


def test_instantiating_a_function_warns():
    ns = _ns()
    with pytest.warns(DeprecationWarning, match="should not be instantiated"):
        ns["Exp"]()
