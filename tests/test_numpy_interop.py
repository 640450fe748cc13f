"""NumPy functions on tensors that require grad are differentiated (``np.sin(t)`` records
SinBackward0), functions without a rule refuse with a TypeError, and plain arrays stay plain."""

from __future__ import annotations

import numpy as np
import pytest

import feathergrad as fg
from feathergrad.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(7)


def _t(a):
    return fg.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def _any(shape=(3, 4)):
    return RNG.uniform(-2, 2, shape)


def _pos(shape=(3, 4)):
    return RNG.uniform(0.5, 2, shape)


def _unit(shape=(3, 4)):
    return RNG.uniform(-0.9, 0.9, shape)


def _away(shape=(3, 4)):     # away from integers and from 0 (kinks of floor, abs, ...)
    a = RNG.uniform(-2, 2, shape)
    return np.floor(a) + 0.2 + 0.6 * (a - np.floor(a))


UNARY = [
    (np.sin, fg.sin, _any), (np.cos, fg.cos, _any), (np.tan, fg.tan, _unit),
    (np.arcsin, fg.asin, _unit), (np.arccos, fg.acos, _unit), (np.arctan, fg.atan, _any),
    (np.sinh, fg.sinh, _any), (np.cosh, fg.cosh, _any), (np.tanh, fg.tanh, _any),
    (np.arcsinh, fg.asinh, _any), (np.arccosh, fg.acosh, lambda: _pos() + 1),
    (np.arctanh, fg.atanh, _unit), (np.exp, fg.exp, _any), (np.exp2, fg.exp2, _any),
    (np.expm1, fg.expm1, _any), (np.log, fg.log, _pos), (np.log2, fg.log2, _pos),
    (np.log10, fg.log10, _pos), (np.log1p, fg.log1p, _pos), (np.sqrt, fg.sqrt, _pos),
    (np.square, fg.square, _any), (np.reciprocal, fg.reciprocal, _pos),
    (np.negative, fg.neg, _any), (np.positive, fg.positive, _any), (np.abs, fg.abs, _away),
    (np.fabs, fg.abs, _away), (np.sign, fg.sign, _away), (np.floor, fg.floor, _away),
    (np.ceil, fg.ceil, _away), (np.trunc, fg.trunc, _away), (np.rint, fg.round, _away),
    (np.deg2rad, fg.deg2rad, _any), (np.radians, fg.deg2rad, _any),
    (np.rad2deg, fg.rad2deg, _any), (np.degrees, fg.rad2deg, _any), (np.sinc, fg.sinc, _away),
    (np.fix, fg.trunc, _away), (np.round, fg.round, _away),
]


@pytest.mark.parametrize("npf,fgf,make", UNARY, ids=[u[0].__name__ for u in UNARY])
def test_unary_numpy_functions_are_differentiated(npf, fgf, make):
    a = make()
    x = _t(a)
    y = npf(x)
    assert type(y) is fg.Tensor and y.requires_grad
    ref = fgf(x)    # np.positive(x) is x itself, as torch.positive
    assert (y is x) if ref is x else y.grad_fn.name() == ref.grad_fn.name()
    np.testing.assert_allclose(y.detach().numpy(), npf(a), rtol=1e-12, atol=1e-15)
    assert gradcheck(npf, [_t(a)])
    assert gradgradcheck(npf, [_t(a)])


BINARY = [
    (np.add, _any, _any), (np.subtract, _any, _any), (np.multiply, _any, _any),
    (np.divide, _any, _pos), (np.true_divide, _any, _pos), (np.power, _pos, _any),
    (np.float_power, _pos, _any), (np.arctan2, _any, _pos), (np.hypot, _pos, _any),
    (np.maximum, _any, _any), (np.minimum, _any, _any), (np.fmax, _any, _any),
    (np.fmin, _any, _any), (np.logaddexp, _any, _any), (np.logaddexp2, _any, _any),
    (np.copysign, _away, _away), (np.remainder, _pos, lambda s: _pos(s) + 3),
    (np.mod, _pos, lambda s: _pos(s) + 3), (np.fmod, _pos, lambda s: _pos(s) + 3),
]


@pytest.mark.parametrize("npf,ma,mb", BINARY, ids=[b[0].__name__ for b in BINARY])
def test_binary_numpy_functions_are_differentiated(npf, ma, mb):
    a, b = ma((3, 4)), mb((4,))
    y = npf(_t(a), _t(b))
    assert type(y) is fg.Tensor and y.grad_fn is not None
    np.testing.assert_allclose(y.detach().numpy(), npf(a, b), rtol=1e-12)
    assert gradcheck(npf, [_t(a), _t(b)])
    # mixed with a plain array or a number: still a Tensor, still differentiated
    z = npf(_t(a), b)
    assert type(z) is fg.Tensor and z.grad_fn is not None
    np.testing.assert_allclose(z.detach().numpy(), npf(a, b), rtol=1e-12)
    w = npf(a, _t(b))
    assert type(w) is fg.Tensor and w.grad_fn is not None
    s = npf(_t(a), 1.5)
    np.testing.assert_allclose(s.detach().numpy(), npf(a, 1.5), rtol=1e-12)


def test_reductions_with_numpy_keywords():
    a = _any((2, 3, 4))
    for f in (np.sum, np.mean):
        for kw in ({}, {"axis": 0}, {"axis": (0, 2)}, {"axis": -1, "keepdims": True}):
            y = f(_t(a), **kw)
            assert type(y) is fg.Tensor and y.grad_fn is not None
            np.testing.assert_allclose(y.detach().numpy(), f(a, **kw), rtol=1e-12)
            assert gradcheck(lambda x, f=f, kw=kw: f(x, **kw), [_t(a)])


def test_matmul_and_where():
    a, b = _any((3, 4)), _any((4, 2))
    y = np.matmul(_t(a), _t(b))
    assert y.grad_fn is not None
    np.testing.assert_allclose(y.detach().numpy(), a @ b, rtol=1e-12)
    assert gradcheck(np.matmul, [_t(a), _t(b)])
    assert type(a @ _t(b)) is fg.Tensor            # ndarray @ Tensor goes through the Tensor
    c = a > 0
    w = np.where(c, _t(a), 0.0)
    assert w.grad_fn is not None
    np.testing.assert_allclose(w.detach().numpy(), np.where(c, a, 0.0))
    assert gradcheck(lambda x, y: np.where(c, x, y), [_t(a), _t(_any((4,)))])
    z = np.clip(_t(a), -1.0, a_max=1.0)
    np.testing.assert_allclose(z.detach().numpy(), np.clip(a, -1.0, 1.0))


def _numpy_style(x):
    """Written for NumPy arrays only; feathergrad tensors flow through it with gradients."""
    y = np.tanh(x) * np.exp(-x ** 2) + np.sqrt(np.abs(x) + 1)
    z = np.maximum(y, 0.2 * y) / (1 + np.square(np.sin(x)))
    return np.sum(np.log1p(np.exp(z)) + np.arctan2(x, 2.0), axis=0)


def test_numpy_style_function_gains_gradients_matching_finite_differences():
    a = _away((4, 3))
    x = _t(a)
    out = _numpy_style(x)
    np.testing.assert_allclose(out.detach().numpy(), _numpy_style(a), rtol=1e-12)
    (g,) = fg.autograd.grad(out.sum(), [x])
    eps, fd = 1e-6, np.zeros_like(a)
    for i in np.ndindex(a.shape):
        ap, am = a.copy(), a.copy()
        ap[i] += eps
        am[i] -= eps
        fd[i] = (_numpy_style(ap).sum() - _numpy_style(am).sum()) / (2 * eps)
    np.testing.assert_allclose(g.numpy(), fd, rtol=1e-6, atol=1e-8)
    assert gradgradcheck(_numpy_style, [_t(a)])


@pytest.mark.parametrize("call", [
    lambda t: np.fft.fft(t), lambda t: np.linalg.eigvals(t), lambda t: np.add.reduce(t),
    lambda t: np.sin(t, out=np.empty((2, 2))), lambda t: np.cbrt(t),
    lambda t: np.add.accumulate(t),
], ids=["fft", "eigvals", "ufunc.reduce", "out=", "cbrt", "accumulate"])
def test_functions_without_a_rule_refuse_clearly(call):
    t = _t(_pos((2, 2)))
    with pytest.raises(TypeError, match="no differentiation rule"):
        call(t)


def test_plain_arrays_stay_plain():
    a = _pos((2, 3))
    for f in (np.sin, np.exp, np.sqrt, np.floor, np.sign, np.isnan, np.sinc, np.round):
        assert type(f(a)) is np.ndarray
    assert type(np.maximum(a, 1.0)) is np.ndarray
    assert type(np.sum(a, axis=0)) is np.ndarray
    assert type(np.where(a > 1, a, 0)) is np.ndarray
    assert type(np.matmul(a, a.T)) is np.ndarray
    assert type(np.fft.fft(a)) is np.ndarray


def test_predicates_and_rounding_give_tensors_without_graph():
    x = _t([1.5, float("nan"), float("inf"), -2.5])
    for f in (np.isnan, np.isinf, np.isfinite, np.isposinf, np.isneginf, np.signbit):
        r = f(x)
        assert type(r) is fg.Tensor and r.dtype == fg.bool and r.grad_fn is None
        np.testing.assert_array_equal(r.numpy(), f(x.detach().numpy()))
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(np.nan_to_num(x, posinf=9.0).detach().numpy(),
                                      np.nan_to_num(x.detach().numpy(), posinf=9.0))


def test_second_order_through_numpy_calls():
    x = _t([0.3, -0.7])
    (g,) = fg.autograd.grad(np.sum(np.sin(x) * np.exp(x)), [x], create_graph=True)
    (h,) = fg.autograd.grad(np.sum(g), [x])
    a = x.detach().numpy()
    np.testing.assert_allclose(h.numpy(), 2 * np.cos(a) * np.exp(a), rtol=1e-12)
