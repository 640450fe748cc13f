"""autograd.functional (vjp, jvp, jacobian, hessian, vhp, hvp) against
torch.autograd.functional on PyTorch's docstring examples (values, requires_grad, errors),
vectorize=True against False, and closed forms."""

from __future__ import annotations

import numpy as np
import pytest

import feathergrad as fg
import feathergrad.autograd.functional as FF

torch = pytest.importorskip("torch")
TF = torch.autograd.functional

_R = np.random.default_rng(1)
X4, X2, A2, B2 = _R.random((4, 4)), _R.random((2, 2)), _R.random(2), _R.random(2)


def exp_reducer(x):
    return x.exp().sum(dim=1)


def adder(x, y):
    return 2 * x + 3 * y


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


def pow_reducer(x):
    return x.pow(3).sum()


def pow_adder_reducer(x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()


def linear_model(m):
    W = m.tensor([[2.0, -1.0], [0.0, 1.0]], dtype=m.float64)
    return lambda x: x @ W.T + 1


T = np.ones
CASES = {   # PyTorch's docstring examples (and variants), run under both libraries
    "vjp": lambda m, F: F.vjp(exp_reducer, m.tensor(X4), m.tensor(T(4))),
    "vjp-cg": lambda m, F: F.vjp(exp_reducer, m.tensor(X4), m.tensor(T(4)), create_graph=True),
    "vjp-adder": lambda m, F: F.vjp(adder, (m.tensor(A2), m.tensor(B2)), m.tensor(T(2))),
    "vjp-scalar-v-none": lambda m, F: F.vjp(pow_reducer, m.tensor(X2)),
    "jvp": lambda m, F: F.jvp(exp_reducer, m.tensor(X4), m.tensor(T((4, 4)))),
    "jvp-cg": lambda m, F: F.jvp(exp_reducer, m.tensor(X4), m.tensor(T((4, 4))),
                                 create_graph=True),
    "jvp-adder": lambda m, F: F.jvp(adder, (m.tensor(A2), m.tensor(B2)),
                                    (m.tensor(T(2)), m.tensor(T(2)))),
    "jacobian": lambda m, F: F.jacobian(exp_reducer, m.tensor(X2)),
    "jacobian-cg": lambda m, F: F.jacobian(exp_reducer, m.tensor(X2), create_graph=True),
    "jacobian-tuple": lambda m, F: F.jacobian(exp_adder, (m.tensor(A2), m.tensor(B2))),
    "jacobian-linear": lambda m, F: F.jacobian(linear_model(m), m.tensor(_R.random((4, 2)))),
    "jacobian-indep": lambda m, F: F.jacobian(lambda x, y: x * 2, (m.tensor(A2), m.tensor(B2))),
    "hessian": lambda m, F: F.hessian(pow_reducer, m.tensor(X2)),
    "hessian-cg": lambda m, F: F.hessian(pow_reducer, m.tensor(X2), create_graph=True),
    "hessian-tuple": lambda m, F: F.hessian(pow_adder_reducer, (m.tensor(A2), m.tensor(B2))),
    "hessian-linear": lambda m, F: F.hessian(lambda x: (x * 2).sum(), m.tensor(A2)),
    "vhp": lambda m, F: F.vhp(pow_reducer, m.tensor(X2), m.tensor(T((2, 2)))),
    "vhp-cg": lambda m, F: F.vhp(pow_reducer, m.tensor(X2), m.tensor(T((2, 2))),
                                 create_graph=True),
    "vhp-tuple": lambda m, F: F.vhp(pow_adder_reducer, (m.tensor(A2), m.tensor(B2)),
                                    (m.tensor(np.zeros(2)), m.tensor(T(2)))),
    "hvp": lambda m, F: F.hvp(pow_reducer, m.tensor(X2), m.tensor(T((2, 2)))),
    "hvp-cg": lambda m, F: F.hvp(pow_reducer, m.tensor(X2), m.tensor(T((2, 2))),
                                 create_graph=True),
    "hvp-tuple": lambda m, F: F.hvp(pow_adder_reducer, (m.tensor(A2), m.tensor(B2)),
                                    (m.tensor(np.zeros(2)), m.tensor(T(2)))),
}
VECTORIZABLE = {k for k in CASES if k.startswith(("jacobian", "hessian"))}


def _flat(z):
    if isinstance(z, (tuple, list)):
        return [t for v in z for t in _flat(v)]
    return [z]


def _check(a, b, grad_flags=True):
    fa, fb = _flat(a), _flat(b)
    assert len(fa) == len(fb)
    for u, v in zip(fa, fb):
        assert tuple(u.shape) == tuple(v.shape)
        assert u.dtype.name == str(v.dtype).replace("torch.", "")
        np.testing.assert_allclose(u.detach().numpy(), v.detach().numpy(), rtol=1e-7,
                                   atol=1e-10)
        if grad_flags:
            assert u.requires_grad == v.requires_grad


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name):
    _check(CASES[name](fg, FF), CASES[name](torch, TF))


@pytest.mark.parametrize("name", sorted(VECTORIZABLE))
def test_vectorize_and_forward_mode_give_the_same(name):
    import functools

    def with_opts(fn, **kw):
        class F:
            pass
        for api in ("jacobian", "hessian"):
            setattr(F, api, functools.partial(getattr(FF, api), **kw))
        return fn(fg, F)
    ref = with_opts(CASES[name])
    _check(with_opts(CASES[name], vectorize=True), ref)
    if "cg" not in name:
        key = "strategy" if name.startswith("jacobian") else "outer_jacobian_strategy"
        # NOTE: PyTorch's forward-over-reverse Hessian leaks a grad_fn; only values compared
        _check(with_opts(CASES[name], vectorize=True, **{key: "forward-mode"}), ref,
               grad_flags=False)


def test_closed_forms_and_create_graph():
    A = _R.standard_normal((3, 3))
    x = fg.tensor(_R.standard_normal(3), requires_grad=True)
    H = FF.hessian(lambda v: v @ fg.tensor(A) @ v, x)
    np.testing.assert_allclose(H.numpy(), A + A.T, rtol=1e-12)
    M = _R.standard_normal((2, 3))
    for vec in (False, True):
        J = FF.jacobian(lambda v: fg.tensor(M) @ v, x, vectorize=vec)
        np.testing.assert_allclose(J.numpy(), M, rtol=1e-12)
    # create_graph: the Jacobian is itself differentiable (d/dx sum(J) of x**3 is 6x)
    J = FF.jacobian(lambda v: v ** 3, x, create_graph=True)
    J.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * x.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("call", [
    lambda m, F: F.jacobian(lambda x, y: x * 2, (m.ones(2), m.ones(2)), strict=True),
    lambda m, F: F.jacobian(lambda x: x * 2, m.ones(2), strict=True, vectorize=True),
    lambda m, F: F.jacobian(lambda x: x * 2, m.ones(2), strategy="forward-mode"),
    lambda m, F: F.jacobian(lambda x: x * 2, m.ones(2), strategy="forward-mode",
                            vectorize=True, create_graph=True),
    lambda m, F: F.jacobian(lambda x: x * 2, m.ones(2), strategy="foo"),
    lambda m, F: F.jacobian(lambda x: x * 2, m.ones(2), strategy="forward-mode",
                            vectorize=True, strict=True),
    lambda m, F: F.vjp(lambda x: x * 2, m.ones(2)),
    lambda m, F: F.vjp(lambda x: x * 2, m.ones(2), m.ones(3)),
    lambda m, F: F.jvp(adder, (m.ones(2), m.ones(2)), (m.ones(2),)),
    lambda m, F: F.jacobian(lambda x: x * 2, [m.ones(2)]),
    lambda m, F: F.jacobian(lambda x: x * 2, 3.0),
    lambda m, F: F.jacobian(lambda x: 3.0, m.ones(2)),
    lambda m, F: F.hessian(lambda x: x * 2, m.ones(2)),
    lambda m, F: F.hessian(lambda x: (x.sum(),), m.ones(2)),
    lambda m, F: F.hessian(lambda x: (x * 2).sum(), m.ones(2), strict=True),
    lambda m, F: F.vjp(lambda x, y: x * 2, (m.ones(2), m.ones(2)), m.ones(2), strict=True),
    lambda m, F: F.vjp(lambda x: m.ones(2), m.ones(2), m.ones(2), strict=True),
    lambda m, F: F.vhp(lambda x: x * 2, m.ones(2), m.ones(2)),
    lambda m, F: F.hvp(lambda x: (x, x), m.ones(2), m.ones(2)),
    lambda m, F: F.jvp(lambda x: m.ones(2), m.ones(2), m.ones(2), strict=True),
])
def test_errors_match_torch(call):
    with pytest.raises(Exception) as te:
        call(torch, TF)
    with pytest.raises(Exception) as fe:
        call(fg, FF)
    assert type(fe.value) is type(te.value)
    assert str(fe.value) == str(te.value)
