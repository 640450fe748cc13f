"""feathergrad.func against torch.func: grad, vjp, jvp, jacrev, jacfwd, hessian, linearize,
vmap (generated over the op samples: batched result == stacked per-example results, and its
gradients), functional_call, closed forms, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import feathergrad as fg
import feathergrad.func as ffunc
from tests.opsamples import OpSample, all_samples

torch = pytest.importorskip("torch")
tfunc = torch.func


def _flat(z) -> list:
    if isinstance(z, dict):
        return [t for k in sorted(z) for t in _flat(z[k])]
    if isinstance(z, (tuple, list)):
        return [t for v in z for t in _flat(v)]
    return [z]


def _close(a, b, atol=1e-7):
    fa, fb = _flat(a), _flat(b)
    assert len(fa) == len(fb)
    for u, v in zip(fa, fb):
        assert tuple(u.shape) == tuple(v.shape)
        np.testing.assert_allclose(u.detach().numpy(), v.detach().numpy(), atol=atol, rtol=1e-6)


# ---- vmap over every op sample -------------------------------------------------------------

SAMPLES = [s for s in all_samples()
           if any(isinstance(a, np.ndarray) and a.dtype.kind == "f" and i not in s.nondiff
                  for i, a in enumerate(s.inputs))]


def _batch(s: OpSample, n: int = 3) -> dict:
    rng = np.random.default_rng(0)
    # NOTE: small perturbations keep inputs in their domain (probabilities, positives)
    return {i: np.stack([a + 1e-3 * k * rng.standard_normal(a.shape) for k in range(n)])
            for i, a in enumerate(s.inputs)
            if isinstance(a, np.ndarray) and a.dtype.kind == "f" and i not in s.nondiff}


def _args(s: OpSample, batch: dict, k: int | None) -> list:
    out = []
    for i, a in enumerate(s.inputs):
        if i in batch:
            out.append(fg.tensor(batch[i] if k is None else batch[i][k], requires_grad=True))
        elif isinstance(a, np.ndarray):
            out.append(fg.tensor(a.copy()))
        else:
            out.append(a)
    return out


@pytest.mark.parametrize("s", SAMPLES, ids=str)
def test_vmap_matches_loop(s: OpSample):
    batch = _batch(s)
    in_dims = tuple(0 if i in batch else None for i in range(len(s.inputs)))
    bargs = _args(s, batch, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the loop fallback announces itself
        got = ffunc.vmap(lambda *a: s.fn(fg, *a), in_dims=in_dims)(*bargs)
    refs = [s.fn(fg, *_args(s, batch, k)) for k in range(3)]
    got, refs = _flat(got), [_flat(r) for r in refs]
    for j, g in enumerate(got):
        exp = np.stack([r[j].detach().numpy() for r in refs])
        np.testing.assert_allclose(g.detach().numpy(), exp, rtol=1e-7, atol=1e-9)
        assert g.dtype == refs[0][j].dtype
    # the batched computation is differentiable: its gradient is the loop's
    live = [g for g in got if g.requires_grad]
    if not live:
        return
    rng = np.random.default_rng(1)
    ws = [fg.tensor(rng.standard_normal(tuple(g.shape))) for g in live]
    diff = [a for a in bargs if isinstance(a, fg.Tensor) and a.requires_grad]
    gb = fg.autograd.grad(live, diff, ws, allow_unused=True)
    for k in range(3):
        ak = _args(s, batch, k)
        outs = [o for o in _flat(s.fn(fg, *ak)) if o.requires_grad]
        dk = [a for a in ak if isinstance(a, fg.Tensor) and a.requires_grad]
        gk = fg.autograd.grad(outs, dk, [w[k] for w in ws], allow_unused=True)
        for a, b in zip(gb, gk):
            if b is None:
                assert a is None or not np.any(a.numpy()[k])
            else:
                np.testing.assert_allclose(a.numpy()[k], b.numpy(), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("s", SAMPLES, ids=str)
def test_nested_vmap_matches_double_loop(s: OpSample):
    rng = np.random.default_rng(2)
    batch = {i: np.asarray([[a + 1e-3 * (3 * j + k) * rng.standard_normal(a.shape)
                             for k in range(3)] for j in range(2)])
             for i, a in enumerate(s.inputs)
             if isinstance(a, np.ndarray) and a.dtype.kind == "f" and i not in s.nondiff}

    def args(j=None, k=None):
        return [fg.tensor(batch[i] if j is None else batch[i][j][k], requires_grad=True)
                if i in batch else
                fg.tensor(a.copy()) if isinstance(a, np.ndarray) else a
                for i, a in enumerate(s.inputs)]
    in_dims = tuple(0 if i in batch else None for i in range(len(s.inputs)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = _flat(ffunc.vmap(ffunc.vmap(lambda *a: s.fn(fg, *a), in_dims=in_dims),
                               in_dims=in_dims)(*args()))
    refs = [[_flat(s.fn(fg, *args(j, k))) for k in range(3)] for j in range(2)]
    for n, g in enumerate(got):
        exp = np.asarray([[r[n].detach().numpy() for r in row] for row in refs])
        np.testing.assert_allclose(g.detach().numpy(), exp, rtol=1e-7, atol=1e-9)


VECTORISED = [   # (function, in_dims): must run without the loop fallback
    (lambda x, W, b: fg.nn.functional.linear(x, W, b).relu().sum(), (0, None, None)),
    (lambda x, W, b: (x @ W.T + b).tanh().mean(), (0, None, None)),
    (lambda x, W, b: fg.nn.functional.cross_entropy((x @ W.T + b)[None], fg.tensor([1])),
     (0, None, None)),
    (lambda x, W, b: fg.nn.functional.mse_loss(fg.sigmoid(W @ x) + b, b), (0, None, None)),
    (lambda x, W, b: fg.softmax(W @ x, 0).log().sum() + x.reshape(1, -1).t().sum(),
     (0, None, None)),
    (lambda x, W, b: fg.einsum("ij,j->i", W, x).max() + fg.stack([x, x], 1)[1:].std(),
     (0, None, None)),
    (lambda x, W, b: (x[:2] * W[0, 1:3]).sum(-1) + fg.cat([x, b]).amax(0), (0, 0, None)),
]


@pytest.mark.parametrize("k", range(len(VECTORISED)))
def test_vmap_rules_need_no_loop(k):
    fn, in_dims = VECTORISED[k]
    rng = np.random.default_rng(k)
    x, W, b = (rng.standard_normal(s) for s in ((5, 3), (2, 3), (2,)))
    if in_dims[1] == 0:
        W = rng.standard_normal((5, 2, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ffunc.vmap(fn, in_dims=in_dims)(fg.tensor(x), fg.tensor(W), fg.tensor(b))
    ref = [fn(fg.tensor(x[i]), fg.tensor(W[i] if in_dims[1] == 0 else W), fg.tensor(b))
           for i in range(5)]
    np.testing.assert_allclose(got.numpy(), np.stack([r.numpy() for r in ref]), rtol=1e-7)


def test_vmap_nested_in_dims_out_dims():
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    y = np.random.default_rng(1).standard_normal(4)

    def f(m):
        return m.func.vmap(m.func.vmap(lambda a, b: (a * b).sum() + a, in_dims=(0, None)),
                           in_dims=(1, None), out_dims=1)
    _close(f(fg)(fg.tensor(x), fg.tensor(y)), f(torch)(torch.tensor(x), torch.tensor(y)))
    g = ffunc.vmap(lambda a: (a.sum(), [a * 2]), in_dims=-1, out_dims=(0, -1))
    h = tfunc.vmap(lambda a: (a.sum(), [a * 2]), in_dims=-1, out_dims=(0, -1))
    _close(g(fg.tensor(x)), h(torch.tensor(x)))
    d = {"a": x, "b": y}
    fd = ffunc.vmap(lambda d: d["a"] @ d["b"], in_dims=({"a": 0, "b": None},))
    td = tfunc.vmap(lambda d: d["a"] @ d["b"], in_dims=({"a": 0, "b": None},))
    _close(fd({k: fg.tensor(v) for k, v in d.items()}),
           td({k: torch.tensor(v) for k, v in d.items()}))
    _close(ffunc.vmap(lambda a: a * 2, chunk_size=2)(fg.tensor(x)), torch.tensor(x) * 2)


def test_vmap_fallbacks_are_exact_and_warn_once():
    from feathergrad.func import _batched
    _batched._warned.clear()
    x = np.random.default_rng(0).standard_normal((4, 3, 3))
    with pytest.warns(UserWarning, match="no batching rule for 'trace'"):
        got = ffunc.vmap(fg.trace)(fg.tensor(x))
    np.testing.assert_allclose(got.numpy(), np.trace(x, axis1=1, axis2=2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # once per op
        ffunc.vmap(fg.trace)(fg.tensor(x))
    # data-dependent Python control flow: the whole function runs per element
    with pytest.warns(UserWarning, match="whole function"):
        got = ffunc.vmap(lambda a: a * 2 if a.sum() > 0 else a * 3)(fg.tensor(x))
    ref = [a * 2 if a.sum() > 0 else a * 3 for a in x]
    np.testing.assert_allclose(got.numpy(), np.stack(ref))


def test_vmap_randomness():
    x = fg.zeros(4, 3)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        ffunc.vmap(lambda a: a + fg.rand(3))(x)
    same = ffunc.vmap(lambda a: a + fg.rand(3), randomness="same")(x)
    assert np.allclose(same.numpy(), same.numpy()[0])
    diff = ffunc.vmap(lambda a: a + fg.randn(3), randomness="different")(x)
    assert not np.allclose(diff.numpy(), diff.numpy()[0])
    drop = ffunc.vmap(lambda a: fg.nn.functional.dropout(a + 1, 0.5), randomness="different")
    assert drop(fg.zeros(64, 8)).shape == (64, 8)


@pytest.mark.parametrize("call", [
    lambda m: m.func.vmap(lambda x: x, in_dims=None)(m.ones(3)),
    lambda m: m.func.vmap(lambda: 1)(),
    lambda m: m.func.vmap(lambda x, y: x + y)(m.ones(3), m.ones(4)),
    lambda m: m.func.vmap(lambda x: x, in_dims=(0, 0))(m.ones(3)),
    lambda m: m.func.vmap(lambda x: x, in_dims=1)(m.ones(3)),
    lambda m: m.func.vmap(lambda x: x, in_dims=(None,))(m.ones(3)),
    lambda m: m.func.vmap(lambda x, y: x, in_dims=(0, 0))(m.ones(3), 2.0),
    lambda m: m.func.vmap(lambda x: 1.0)(m.ones(3)),
    lambda m: m.func.vmap(lambda x: x, out_dims=None)(m.ones(3)),
    lambda m: m.func.vmap(lambda x: x, out_dims=(0, 0))(m.ones(3)),
    lambda m: m.func.vmap(lambda x: x, randomness="foo")(m.ones(3)),
    lambda m: m.func.vmap(lambda x: x, chunk_size=0)(m.ones(3)),
    lambda m: m.func.grad(lambda x: x)(m.ones(3)),
    lambda m: m.func.grad(lambda x: 1.0)(m.ones(3)),
    lambda m: m.func.grad(lambda x: x.sum(), has_aux=True)(m.ones(3)),
    lambda m: m.func.grad(lambda x: x.sum(), argnums=1)(m.ones(3)),
    lambda m: m.func.grad(lambda x, y: x.sum(), argnums=1.0)(m.ones(3), m.ones(3)),
    lambda m: m.func.grad(lambda x, y: x.sum(), argnums=())(m.ones(3), m.ones(3)),
    lambda m: m.func.grad(lambda x, y: x.sum(), argnums=(0, 0))(m.ones(3), m.ones(3)),
    lambda m: m.func.grad(lambda x: x.sum())(m.arange(3)),
    lambda m: m.func.grad(lambda x: x)(3.0),
    lambda m: m.func.jvp(lambda x: x, (m.ones(3),), (m.ones(2),)),
    lambda m: m.func.jvp(lambda x: x, m.ones(3), m.ones(3)),
    lambda m: m.func.jvp(lambda x: x, (m.ones(3),), (m.ones(3), m.ones(3))),
    lambda m: m.func.jvp(lambda x: 2.0, (m.ones(3),), (m.ones(3),)),
    lambda m: m.func.vjp(lambda x: x, m.ones(3))[1](m.ones(2)),
    lambda m: m.func.vjp(lambda x: (x, x), m.ones(3))[1](m.ones(3)),
    lambda m: m.func.vjp(lambda x: x * 2, m.ones(3), has_aux=True),
    lambda m: m.func.jacrev(lambda x: 1.0)(m.ones(3)),
    lambda m: m.func.jacfwd(lambda x: x * 2)(m.arange(3)),
])
def test_errors_match_torch(call):
    with pytest.raises(Exception) as te:
        call(torch)
    with pytest.raises(Exception) as fe:
        call(fg)
    assert type(fe.value) is type(te.value)
    assert str(fe.value).split("\n")[0][:60] == str(te.value).split("\n")[0][:60]


# ---- transforms and their compositions against torch.func --------------------------------------

_RNG = np.random.default_rng(0)
_X, _A, _Y = _RNG.standard_normal(3), _RNG.standard_normal((3, 3)), _RNG.standard_normal(2)

CASES = {
    "grad": lambda m, f, x, A, y: f.grad(lambda x: (x.sin() * x).sum())(x),
    "grad-grad": lambda m, f, x, A, y: f.grad(f.grad(lambda x: x.sin().sum()))(x[0]),
    "grad-argnums": lambda m, f, x, A, y: f.grad(lambda x, y: (x.sum() * y).prod(),
                                                 argnums=(0, 1))(x, y),
    "grad-neg-argnum": lambda m, f, x, A, y: f.grad(lambda x, y: (x * y[0]).sum(),
                                                    argnums=-1)(x, y),
    "grad-unused": lambda m, f, x, A, y: f.grad(lambda x, y: x.sum(), argnums=1)(x, y),
    "grad-aux": lambda m, f, x, A, y: f.grad(lambda x: ((x * x).sum(), x.cos()),
                                             has_aux=True)(x),
    "grad-dict": lambda m, f, x, A, y: f.grad(lambda d: (d["a"] * d["b"]).sum())(
        {"a": x, "b": x * 2}),
    "grad_and_value": lambda m, f, x, A, y: f.grad_and_value(
        lambda x: ((x ** 3).sum(), x * 2), has_aux=True)(x),
    "vjp": lambda m, f, x, A, y: f.vjp(lambda x: x.exp() * 2, x)[1](A[0]),
    "vjp-aux": lambda m, f, x, A, y: f.vjp(lambda x: (x.exp(), {"a": x}), x, has_aux=True)[::2],
    "vjp-two": lambda m, f, x, A, y: f.vjp(lambda x, y: x * y.sum(), x, y)[1](A[1]),
    "jvp": lambda m, f, x, A, y: f.jvp(lambda x: x.exp() * 2, (x,), (A[0],)),
    "jvp-aux": lambda m, f, x, A, y: f.jvp(lambda x: (x.sin(), x.sum()), (x,), (A[0],),
                                           has_aux=True),
    "jvp-dict": lambda m, f, x, A, y: f.jvp(lambda d: d["a"] * 2, ({"a": x},), ({"a": A[1]},)),
    "linearize": lambda m, f, x, A, y: f.linearize(lambda x: x.sin() * x, x)[1](A[1]),
    "jacrev": lambda m, f, x, A, y: f.jacrev(lambda x: (A @ x).tanh())(x),
    "jacfwd": lambda m, f, x, A, y: f.jacfwd(lambda x: (A @ x).tanh())(x),
    "jacrev-argnums": lambda m, f, x, A, y: f.jacrev(lambda x, y: (x.sum() * y, x * 2),
                                                     argnums=(0, 1))(x, y),
    "jacfwd-argnums": lambda m, f, x, A, y: f.jacfwd(lambda x, y: (x.sum() * y, x * 2),
                                                     argnums=(0, 1))(x, y),
    "jacrev-aux": lambda m, f, x, A, y: f.jacrev(lambda x: (x * 2, x.sum()), has_aux=True)(x),
    "jacfwd-aux": lambda m, f, x, A, y: f.jacfwd(lambda x: (x * 2, x.sum()), has_aux=True)(x),
    "jacrev-dict-out": lambda m, f, x, A, y: f.jacrev(lambda x: {"a": x * 2, "b": x.sum()})(x),
    "jacrev-scalar": lambda m, f, x, A, y: f.jacrev(lambda x: x * 2)(x[0]),
    "hessian": lambda m, f, x, A, y: f.hessian(lambda x: x @ A @ x)(x),
    "hessian-argnums": lambda m, f, x, A, y: f.hessian(lambda x, y: (x * x).sum() * y.sum(),
                                                       argnums=(0, 1))(x, y),
    "jacfwd(jacrev)": lambda m, f, x, A, y: f.jacfwd(f.jacrev(
        lambda x: (A @ x).tanh().sum()))(x),
    "jacrev(jacrev)": lambda m, f, x, A, y: f.jacrev(f.jacrev(
        lambda x: (A @ x).tanh().sum()))(x),
    "jacrev(jacfwd)": lambda m, f, x, A, y: f.jacrev(f.jacfwd(lambda x: (x.sin() * x)))(x),
    "vmap(grad)": lambda m, f, x, A, y: f.vmap(f.grad(lambda w, x: (w * x).sum().tanh()),
                                               in_dims=(None, 0))(x, A),
    "vmap(jacrev)": lambda m, f, x, A, y: f.vmap(f.jacrev(lambda x: x.sin() * x.sum()))(A),
    "vmap(hessian)": lambda m, f, x, A, y: f.vmap(f.hessian(
        lambda x: (x.sin() * x.sum()).sum()))(A),
    "vmap(jvp)": lambda m, f, x, A, y: f.vmap(lambda t: f.jvp(lambda x: x.exp(), (x,),
                                                             (t,))[1])(A),
    "vmap(vjp_fn)": lambda m, f, x, A, y: f.vmap(f.vjp(lambda x: x.exp() * x.sum(),
                                                       x)[1])(A),
    "grad(vmap)": lambda m, f, x, A, y: f.grad(lambda x: f.vmap(
        lambda r: (r * x).sum().sin())(A).sum())(x),
    "jvp(grad)": lambda m, f, x, A, y: f.jvp(f.grad(lambda x: (x.sin() ** 2).sum()), (x,),
                                             (A[2],)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_transforms_match_torch_func(name):
    fn = CASES[name]
    a = fn(fg, ffunc, fg.tensor(_X), fg.tensor(_A), fg.tensor(_Y))
    b = fn(torch, tfunc, torch.tensor(_X), torch.tensor(_A), torch.tensor(_Y))
    _close([v for v in _flat(a) if isinstance(v, fg.Tensor)],
           [v for v in _flat(b) if isinstance(v, torch.Tensor)])


def test_closed_forms():
    rng = np.random.default_rng(3)
    A, x, M = rng.standard_normal((4, 4)), rng.standard_normal(4), rng.standard_normal((3, 4))
    H = ffunc.hessian(lambda v: v @ fg.tensor(A) @ v)(fg.tensor(x))
    np.testing.assert_allclose(H.numpy(), A + A.T, rtol=1e-12)
    for jac in (ffunc.jacrev, ffunc.jacfwd):
        J = jac(lambda v: fg.tensor(M) @ v)(fg.tensor(x))
        np.testing.assert_allclose(J.numpy(), M, rtol=1e-12)
    g2 = ffunc.grad(ffunc.grad(fg.sin))(fg.tensor(0.7, dtype=fg.float64))
    assert float(g2) == pytest.approx(-np.sin(0.7), rel=1e-12)


def test_results_keep_a_graph_only_when_needed():
    w = fg.tensor([1.0, 2.0], requires_grad=True)
    x = fg.tensor([3.0, 4.0])
    assert not ffunc.grad(lambda v: (v * v).sum())(x).requires_grad
    g = ffunc.grad(lambda v: (w * v * v).sum())(x)   # captured w requires grad
    assert g.requires_grad
    g.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 * x.numpy())
    xr = fg.tensor([3.0, 4.0], requires_grad=True)
    out, jv = ffunc.jvp(lambda v: (v ** 3).sum(), (xr,), (fg.ones(2),))
    assert jv.requires_grad
    jv.backward()
    np.testing.assert_allclose(xr.grad.numpy(), 6 * xr.detach().numpy())


# ---- functional_call and per-example gradients ----------------------------------------------

def _nn():
    try:
        import feathergrad.nn  # noqa: F401
    except ImportError:
        pytest.skip("feathergrad.nn is not available")
    return fg.nn


def _mlp(m, seed=0):
    rng = np.random.default_rng(seed)
    net = m.nn.Sequential(m.nn.Linear(4, 8), m.nn.Tanh(), m.nn.Linear(8, 3))
    with m.no_grad():
        for p in net.parameters():
            p.copy_(m.tensor(rng.standard_normal(tuple(p.shape)), dtype=m.float32))
    return net


def test_functional_call_and_per_example_grads():
    _nn()
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((16, 4)).astype(np.float32), rng.integers(0, 3, 16)
    res = []
    for m in (fg, torch):
        net = _mlp(m)
        params = {k: v.detach() for k, v in net.named_parameters()}

        def loss(p, x, y, m=m, net=net):
            out = m.func.functional_call(net, p, (x.unsqueeze(0),))
            return m.nn.functional.cross_entropy(out, y.unsqueeze(0))
        with warnings.catch_warnings():
            warnings.simplefilter("error")   # vectorised: no loop fallback
            res.append(m.func.vmap(m.func.grad(loss), in_dims=(None, 0, 0))(
                params, m.tensor(X), m.tensor(Y)))
        assert all(p.requires_grad for p in net.parameters())   # restored
    _close(res[0], res[1], atol=1e-5)


def test_functional_call_options_match_torch():
    _nn()
    for m in (fg, torch):
        lin = m.nn.Linear(2, 2)
        ones = m.ones(2, 2)
        with pytest.raises(RuntimeError, match="Unexpected key\\(s\\): 'foo'.\n\tMissing key"):
            m.func.functional_call(lin, {"weight": ones, "foo": ones}, (m.ones(2),), strict=True)
        with pytest.raises(ValueError, match="appeared in multiple dictionaries"):
            m.func.functional_call(lin, ({"weight": ones}, {"weight": ones}), (m.ones(2),))
        seq = m.nn.Sequential(m.nn.Linear(2, 2))
        seq.add_module("b", seq[0])
        with pytest.raises(ValueError, match="which are tied"):
            m.func.functional_call(seq, {"0.weight": ones, "b.weight": m.zeros(2, 2)}, m.ones(2))
        out = m.func.functional_call(lin, {"weight": ones, "bias": m.zeros(2)}, m.ones(2))
        np.testing.assert_allclose(out.detach().numpy(), [2.0, 2.0])


def test_bench_and_example_run():
    import importlib.util
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.spec_from_file_location("bench_func",
                                                  os.path.join(root, "bench", "bench_func.py"))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench._check(bench.jacobian_cases(fg), [("jacobian (loop)", "jacobian (vectorize)"),
                                           ("jacobian (loop)", "func.jacfwd")])
    out = subprocess.run([sys.executable, os.path.join(root, "examples",
                                                       "newton_and_per_example_grads.py")],
                         capture_output=True, text=True, timeout=120, cwd=root)
    assert out.returncode == 0, out.stderr
    assert "minimum found at (1.000000, 1.000000)" in out.stdout
    diff = float(out.stdout.split("max difference ")[1].split(")")[0])
    assert diff < 1e-10   # vmap(grad) == the loop


def test_ensemble_with_stack_module_state():
    _nn()
    x = np.random.default_rng(2).standard_normal((5, 4)).astype(np.float32)
    res = []
    for m in (fg, torch):
        models = [_mlp(m, seed) for seed in range(3)]
        params, buffers = m.func.stack_module_state(models)
        assert all(p.requires_grad and p.is_leaf and p.shape[0] == 3 for p in params.values())
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            def run(p, b, x, m=m, base=models[0]):
                return m.func.functional_call(base, (p, b), (x,))
            out = m.func.vmap(run, in_dims=(0, 0, None))(params, buffers, m.tensor(x))
        ref = m.stack([mod(m.tensor(x)) for mod in models])
        _close(out, ref, atol=1e-6)
        res.append(out)
        with pytest.raises(RuntimeError, match="Expected at least one model"):
            m.func.stack_module_state([])
    _close(res[0], res[1], atol=1e-5)
