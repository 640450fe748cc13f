"""Reductions and linear algebra beyond the generated op checks: return types, gradient
conventions at ties and kinks, integer dtypes, errors (type and message, against PyTorch),
NumPy's protocol, and einsum against PyTorch on many equations."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

import feathergrad as fg

torch = pytest.importorskip("torch")
INF = float("inf")


def _grad(m, f, x):
    """d(sum(f(x) * w))/dx for a fixed random w, under module m (feathergrad or torch)."""
    t = m.tensor(np.array(x, dtype=np.float64), requires_grad=True)
    y = f(m, t)
    w = np.random.default_rng(1).standard_normal(tuple(y.shape))
    (g,) = m.autograd.grad(y, t, m.tensor(w))
    return g.numpy()


def _hessian(m, f, x):
    """The Hessian of a scalar f at x, row by row through double backward."""
    t = m.tensor(np.array(x, dtype=np.float64), requires_grad=True)
    (g,) = m.autograd.grad(f(t), t, create_graph=True)
    rows = []
    for k in range(g.numel()):
        (h,) = m.autograd.grad(g.reshape(-1)[k], t, retain_graph=True, allow_unused=True)
        rows.append(np.zeros(t.shape) if h is None else h.detach().numpy())
    return np.array(rows).reshape(tuple(t.shape) * 2)


def _same_grad(f, x):
    np.testing.assert_allclose(_grad(fg, f, x), _grad(torch, f, x), rtol=1e-7, atol=1e-12)


# ---- return types ----------------------------------------------------------------------
@pytest.mark.parametrize("fname", ["max", "min"])
def test_max_dim_returns_named_tuple_printed_as_pytorch(fname):
    x = np.array([[1.0, 5.0, 5.0], [4.0, 2.0, 0.0]])
    r = getattr(fg, fname)(fg.tensor(x, requires_grad=True), 1)
    t = getattr(torch, fname)(torch.tensor(x, requires_grad=True), 1)
    assert isinstance(r, tuple) and len(r) == 2
    values, indices = r
    assert values is r.values and indices is r.indices and r[0] is r.values
    assert repr(r) == repr(t).replace("torch.return_types", "torch.return_types")
    assert indices.dtype == fg.int64 and indices.grad_fn is None
    assert type(r).__name__ == fname and fg.return_types.max.__name__ == "max"
    back = pickle.loads(pickle.dumps(fg.max(fg.tensor(x), 0)))
    assert back.indices.tolist() == torch.max(torch.tensor(x), 0).indices.tolist()


def test_slogdet_return_types():
    a = np.array([[0.0, 2.0], [1.0, 0.0]])
    for name in ("slogdet", "linalg.slogdet"):
        f = (lambda m, name=name: m.linalg.slogdet if "." in name else m.slogdet)
        r, t = f(fg)(fg.tensor(a)), f(torch)(torch.tensor(a))
        assert repr(r) == repr(t)
        assert r.sign.item() == t.sign.item() and r.logabsdet.item() == pytest.approx(
            t.logabsdet.item())


def test_std_mean_outputs_share_one_node():
    x = fg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    s, m = fg.std_mean(x, 1)
    assert s.grad_fn is m.grad_fn and s.output_nr == 0 and m.output_nr == 1
    (s.sum() + 2 * m.sum()).backward()
    tx = torch.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    ts, tm = torch.std_mean(tx, 1)
    (ts.sum() + 2 * tm.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


# ---- gradient conventions at ties and kinks (against PyTorch) ----------------------------
TIES = [[3.0, 1.0, 3.0, 3.0], [2.0, 2.0, -1.0, 0.0]]


@pytest.mark.parametrize("f", [
    lambda m, x: m.max(x),                       # even split among the three 3.0s
    lambda m, x: m.min(x),
    lambda m, x: x.max(1).values,                # to the first maximum only
    lambda m, x: x.min(0, keepdim=True).values,
    lambda m, x: m.amax(x, 1),                   # even split along the dim
    lambda m, x: m.amin(x, (0, 1)),
    lambda m, x: m.linalg.vector_norm(x, INF, 1),
    lambda m, x: m.linalg.vector_norm(-x, -INF),
], ids=["max", "min", "max-dim", "min-dim", "amax", "amin", "inf-norm", "-inf-norm"])
def test_ties_split_like_pytorch(f):
    _same_grad(f, TIES)


def test_max_dim_index_is_the_first_maximum():
    x = [1.0, 3.0, 3.0, 0.0, 3.0]
    assert fg.max(fg.tensor(x), 0).indices.item() == torch.max(torch.tensor(x), 0).indices.item()
    assert fg.argmax(fg.tensor(x)).item() == torch.argmax(torch.tensor(x)).item()
    assert fg.argmin(fg.tensor(x)).item() == torch.argmin(torch.tensor(x)).item()


@pytest.mark.parametrize("x", [[2.0, 0.0, 3.0, -1.0], [2.0, 0.0, 3.0, 0.0], [0.0, 0.0, 0.0]],
                         ids=["one-zero", "two-zeros", "all-zeros"])
def test_prod_and_cumprod_with_zeros_like_pytorch(x):
    _same_grad(lambda m, t: t.prod(), x)
    _same_grad(lambda m, t: t.cumprod(0), x)
    _same_grad(lambda m, t: t.reshape(-1, 1).prod(0, keepdim=True), x)


def test_prod_second_derivative_with_zeros_like_pytorch():
    # d2/dx_i dx_j prod(x) = product of the others: nonzero where exactly two zeros meet
    x = np.array([2.0, 0.0, 3.0, 0.0])
    h = [_hessian(fg, lambda t: t.prod(), x), _hessian(torch, lambda t: t.prod(), x)]
    np.testing.assert_allclose(h[0], h[1])
    assert h[0][1, 3] == 6.0


@pytest.mark.parametrize("p", [2, 1.5, 3, 0.5, 1])
def test_norm_at_zero_has_subgradient_zero(p):
    x = [[0.0, 0.0, 0.0], [1.0, -2.0, 0.0]]
    _same_grad(lambda m, t: m.linalg.vector_norm(t, p, 1), x)
    g = _grad(fg, lambda m, t: m.linalg.vector_norm(t, p, 1), x)
    assert not np.isnan(g).any() and (g[0] == 0).all()


def test_std_of_constant_has_zero_gradient():
    _same_grad(lambda m, t: t.std(1), [[1.5, 1.5, 1.5], [1.0, 2.0, 4.0]])
    assert not np.isnan(_grad(fg, lambda m, t: t.std(), [2.0, 2.0])).any()


@pytest.mark.parametrize("a", [
    [[1.0, 2.0], [2.0, 4.0]],
    [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]],
    [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
], ids=["2x2", "3x3", "zero-row"])
def test_det_gradient_at_singular_matrix_is_the_cofactor_matrix(a):
    # NOTE: PyTorch's first-order det backward returns zeros at an exactly singular matrix
    # (its LU perturbation is scaled by det = 0); under create_graph it returns the cofactor
    # matrix, which finite differences confirm. feathergrad returns the cofactor matrix always.
    a = np.array(a)
    x = fg.tensor(a, requires_grad=True)
    (g,) = fg.autograd.grad(fg.linalg.det(x), x)
    t = torch.tensor(a, requires_grad=True)
    (tg,) = torch.autograd.grad(torch.linalg.det(t), t, create_graph=True)
    np.testing.assert_allclose(g.numpy(), tg.detach().numpy(), atol=1e-10)
    # the cofactor matrix from its definition: signed determinants of the minors
    n = len(a)
    cof = np.array([[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(a, i, 0), j, 1))
                     for j in range(n)] for i in range(n)])
    np.testing.assert_allclose(g.numpy(), cof, atol=1e-10)
    assert fg.autograd.gradcheck(fg.linalg.det, [fg.tensor(a, requires_grad=True)])


def test_det_hessian_at_singular_matrix_matches_pytorch():
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    h = [_hessian(fg, fg.linalg.det, a), _hessian(torch, torch.linalg.det, a)]
    np.testing.assert_allclose(h[0], h[1], atol=1e-10)


def test_slogdet_at_singular_matrix_is_infinite_not_an_error():
    a = fg.tensor([[1.0, 2.0], [2.0, 4.0]], requires_grad=True)
    sign, logabs = fg.linalg.slogdet(a)
    t = torch.linalg.slogdet(torch.tensor([[1.0, 2.0], [2.0, 4.0]]))
    assert logabs.item() == t.logabsdet.item() == -INF and sign.item() == 0
    (g,) = fg.autograd.grad(logabs, a)
    assert np.isinf(g.numpy()).all()


def test_logsumexp_is_stable():
    x = np.array([[1000.0, 1000.0, -INF], [-1000.0, -1001.0, -1002.0], [-INF, -INF, -INF]])
    for dim in (0, 1):
        np.testing.assert_allclose(fg.logsumexp(fg.tensor(x), dim).numpy(),
                                   torch.logsumexp(torch.tensor(x), dim).numpy())
    _same_grad(lambda m, t: m.logsumexp(t, 1), x[:2, :2])


# ---- dtypes -------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "bool", "float32"])
@pytest.mark.parametrize("f", [
    lambda m, x: m.sum(x), lambda m, x: x.sum(0), lambda m, x: m.prod(x),
    lambda m, x: x.prod(1, keepdim=True), lambda m, x: m.cumsum(x, 0), lambda m, x: x.cumprod(1),
    lambda m, x: m.max(x), lambda m, x: x.amin(0), lambda m, x: m.max(x, 1).indices,
    lambda m, x: m.argmax(x) if x.dtype != m.bool else x, lambda m, x: m.all(x, 1),
    lambda m, x: x.any(),
    lambda m, x: m.count_nonzero(x, 0), lambda m, x: m.trace(x) if x.dtype != m.bool else x,
    lambda m, x: m.logsumexp(x, 1) if x.dtype != m.bool else x,
], ids=lambda f: "")
def test_result_dtypes_follow_pytorch(dtype, f):
    x = np.array([[1, 2, 0], [3, 1, 1]]).astype(dtype)
    a, b = f(fg, fg.tensor(x)), f(torch, torch.tensor(x))
    assert a.dtype.name == str(b.dtype).replace("torch.", "")
    np.testing.assert_allclose(a.numpy().astype(np.float64), b.numpy().astype(np.float64),
                               rtol=1e-6)


def test_integer_matmul_and_einsum_stay_integer():
    a = np.arange(6).reshape(2, 3)
    for f in (lambda m, x: x @ x.T, lambda m, x: m.einsum("ij,kj->ik", x, x),
              lambda m, x: m.tensordot(x, x, ([1], [1]))):
        r, t = f(fg, fg.tensor(a)), f(torch, torch.tensor(a))
        assert r.dtype == fg.int64 and r.tolist() == t.tolist()


def test_integer_inputs_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        fg.tensor([1, 2]).requires_grad_()


# ---- errors: same type and message start as PyTorch --------------------------------------
ERRORS = {
    "max-empty": lambda m: m.max(m.zeros(0)),
    "max-dim-empty": lambda m: m.zeros(2, 0).max(1),
    "amax-empty": lambda m: m.amax(m.zeros(0, 3)),
    "argmax-empty": lambda m: m.argmax(m.zeros(0)),
    "prod-tuple": lambda m: m.prod(m.ones(2, 2), (0, 1)),
    "sum-dim": lambda m: m.ones(2).sum(2),
    "sum-dup": lambda m: m.ones(2, 2).sum((0, 0)),
    "mean-int": lambda m: m.tensor([1, 2]).mean(),
    "std-int": lambda m: m.tensor([1, 2]).std(),
    "std-both": lambda m: m.ones(3).std(unbiased=True, correction=1),
    "logsumexp-nodim": lambda m: m.logsumexp(m.ones(3)),
    "norm-int": lambda m: m.linalg.vector_norm(m.tensor([1, 2])),
    "norm-inf-empty": lambda m: m.linalg.vector_norm(m.zeros(0), INF),
    "norm-narrowing": lambda m: m.linalg.vector_norm(m.ones(2, dtype=m.float64), dtype=m.float32),
    "matrix-norm-1d": lambda m: m.linalg.matrix_norm(m.ones(3)),
    "cumsum-dim": lambda m: m.ones(3).cumsum(1),
    "mm": lambda m: m.mm(m.ones(2, 3), m.ones(4, 5)),
    "mm-1d": lambda m: m.mm(m.ones(3), m.ones(3, 2)),
    "mm-dtype": lambda m: m.mm(m.ones(2, 3), m.ones(3, 2, dtype=m.float64)),
    "bmm-2d": lambda m: m.bmm(m.ones(2, 3), m.ones(2, 3, 4)),
    "bmm-batch": lambda m: m.bmm(m.ones(2, 3, 4), m.ones(3, 4, 5)),
    "mv": lambda m: m.mv(m.ones(2, 3), m.ones(4)),
    "dot-2d": lambda m: m.dot(m.ones(2, 2), m.ones(2, 2)),
    "dot-size": lambda m: m.dot(m.ones(3), m.ones(4)),
    "dot-dtype": lambda m: m.dot(m.ones(3), m.ones(3, dtype=m.float64)),
    "outer-2d": lambda m: m.outer(m.ones(2, 2), m.ones(2)),
    "matmul-0d": lambda m: m.matmul(m.tensor(1.0), m.ones(2)),
    "matmul-batch": lambda m: m.matmul(m.ones(2, 3, 4), m.ones(5, 4, 2)),
    "matmul-3d-2d": lambda m: m.matmul(m.ones(2, 3, 4), m.ones(5, 2)),
    "matmul-3d-1d": lambda m: m.matmul(m.ones(2, 3, 4), m.ones(5)),
    "matmul-2d-3d": lambda m: m.matmul(m.ones(2, 3), m.ones(2, 5, 4)),
    "matmul-1d-3d": lambda m: m.matmul(m.ones(3), m.ones(2, 5, 4)),
    "matmul-2d-1d": lambda m: m.matmul(m.ones(2, 4), m.ones(5)),
    "addmm-bcast": lambda m: m.addmm(m.ones(2), m.ones(3, 2), m.ones(2, 3)),
    "trace-3d": lambda m: m.trace(m.ones(2, 2, 2)),
    "diag-3d": lambda m: m.diag(m.ones(2, 2, 2)),
    "diagonal-same": lambda m: m.diagonal(m.ones(2, 2), 0, 1, 1),
    "tril-1d": lambda m: m.tril(m.ones(3)),
    "einsum-char": lambda m: m.einsum("i1", m.ones(2, 3)),
    "einsum-ndim": lambda m: m.einsum("ij", m.ones(2, 3, 4)),
    "einsum-fewer": lambda m: m.einsum("ij,jk", m.ones(2, 3)),
    "einsum-more": lambda m: m.einsum("ij", m.ones(2, 3), m.ones(2)),
    "einsum-size": lambda m: m.einsum("ij,jk->ik", m.ones(2, 3), m.ones(4, 2)),
    "einsum-out-twice": lambda m: m.einsum("ii->ii", m.ones(2, 2)),
    "einsum-out-missing": lambda m: m.einsum("ij->k", m.ones(2, 3)),
    "einsum-diag-size": lambda m: m.einsum("ii->i", m.ones(2, 3)),
    "einsum-dtype": lambda m: m.einsum("i,i", m.ones(2), m.ones(2, dtype=m.float64)),
    "tensordot-int": lambda m: m.tensordot(m.ones(2, 3), m.ones(4, 5), 1),
    "tensordot-lists": lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 2), dims=([1], [1])),
    "inv-nonsquare": lambda m: m.linalg.inv(m.ones(2, 3)),
    "inv-1d": lambda m: m.linalg.inv(m.ones(3)),
    "inv-int": lambda m: m.linalg.inv(m.tensor([[1, 2], [3, 4]])),
    "inv-singular": lambda m: m.linalg.inv(m.tensor([[1.0, 2.0], [2.0, 4.0]])),
    "inv-singular-batch": lambda m: m.linalg.inv(m.stack([m.eye(2), m.zeros(2, 2)])),
    "det-nonsquare": lambda m: m.linalg.det(m.ones(2, 3)),
    "det-int": lambda m: m.det(m.tensor([[1, 2], [3, 4]])),
    "slogdet-nonsquare": lambda m: m.linalg.slogdet(m.ones(2, 3)),
    "solve-singular": lambda m: m.linalg.solve(m.tensor([[1.0, 2.0], [2.0, 4.0]]), m.ones(2)),
    "solve-shapes": lambda m: m.linalg.solve(m.eye(3), m.ones(2, 3)),
    "solve-vector-shapes": lambda m: m.linalg.solve(m.eye(3), m.ones(2)),
    "solve-dtype": lambda m: m.linalg.solve(m.eye(3), m.ones(3, dtype=m.float64)),
    "linalg-norm-dims": lambda m: m.linalg.norm(m.ones(2, 2, 2), dim=(0, 1, 2)),
    "linalg-norm-ord-3d": lambda m: m.linalg.norm(m.ones(2, 2, 2), ord=2),
    "multi-dot-one": lambda m: m.linalg.multi_dot([m.ones(2, 2)]),
}


def _raised(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 - the test compares whatever is raised
        return e
    raise AssertionError("no exception raised")


@pytest.mark.parametrize("name", ERRORS)
def test_errors_match_pytorch(name):
    t, f = _raised(lambda: ERRORS[name](torch)), _raised(lambda: ERRORS[name](fg))
    if isinstance(t, torch.linalg.LinAlgError):
        assert isinstance(f, fg.linalg.LinAlgError) and isinstance(f, RuntimeError)
    else:
        assert type(f) is type(t), (f, t)
    assert str(f).startswith(str(t).split("\n")[0].rstrip()), (str(f), str(t))


def test_dof_warning_and_nan_like_pytorch():
    for f in (lambda m: m.std(m.tensor([1.0])),
              lambda m: m.var(m.tensor([1.0, 2.0]), correction=2)):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            a = f(fg).item()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            b = f(torch).item()
        assert any("degrees of freedom is <= 0" in str(x.message) for x in w)
        assert (np.isnan(a) and np.isnan(b)) or a == b


def test_matrix_norms_from_singular_values():
    a = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]])
    s = np.linalg.svd(a, compute_uv=False)
    for ord, want in (("nuc", s.sum()), (2, s.max()), (-2, s.min())):
        got = fg.linalg.matrix_norm(fg.tensor(a), ord)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)


INPLACE = {   # op, index of the input modified in place after the forward
    "solve-B": (lambda m, a, b: m.linalg.solve(a, b), 1),
    "solve-A": (lambda m, a, b: m.linalg.solve(a, b), 0),
    "inv": (lambda m, a, b: m.linalg.inv(a), 0),
    "det": (lambda m, a, b: m.linalg.det(a), 0),
    "slogdet": (lambda m, a, b: m.linalg.slogdet(a)[1], 0),
    "einsum": (lambda m, a, b: m.einsum("ij,j->i", a, b), 1),
    "max-dim": (lambda m, a, b: a.max(1).values, 0),
    "amax": (lambda m, a, b: a.amax(1), 0),
    "prod": (lambda m, a, b: a.prod(), 0),
    "cumsum": (lambda m, a, b: a.cumsum(0), 0),
    "std": (lambda m, a, b: a.std(0), 0),
    "trace": (lambda m, a, b: a.trace(), 0),
    "tril": (lambda m, a, b: a.tril(), 0),
    "addmm-input": (lambda m, a, b: m.addmm(b, a, a), 1),
    "norm": (lambda m, a, b: a.norm(), 0),
}


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_after_forward_is_refused_exactly_where_pytorch_refuses(name):
    f, k = INPLACE[name]
    results = []
    for m in (fg, torch):
        ins = [m.tensor([[3.0, 1.0], [1.0, 2.0]], requires_grad=True),
               m.tensor([1.0, 2.0], requires_grad=True)]
        y = f(m, *ins)
        with m.no_grad():
            ins[k].mul_(2.0)
        try:
            y.sum().backward()
            results.append(None)
        except RuntimeError as e:
            results.append(str(e).split(":")[0])
    assert (results[0] is None) == (results[1] is None), results
    if results[1] is not None:
        assert results[0] == results[1]


@pytest.mark.parametrize("f", [
    lambda m, a: m.linalg.solve(a, a[0]), lambda m, a: m.einsum("ij,jk->ik", a, a),
    lambda m, a: m.linalg.slogdet(a)[1], lambda m, a: m.std_mean(a, 0)[0],
], ids=["solve", "einsum", "slogdet", "std_mean"])
def test_second_backward_through_joint_ops_raises_like_pytorch(f):
    for m in (fg, torch):
        a = m.tensor([[3.0, 1.0], [1.0, 2.0]], requires_grad=True)
        y = f(m, a).sum()
        y.backward(retain_graph=False)
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second"):
            y.backward()


# ---- aliases, views, NumPy protocol -------------------------------------------------------
def test_numpy_aliases_and_methods():
    x = np.arange(24.0).reshape(2, 3, 4) - 7
    t = fg.tensor(x)
    assert np.allclose(t.sum(axis=(0, 2), keepdims=True).numpy(), x.sum(axis=(0, 2), keepdims=True))
    assert np.allclose(t.amax(axis=1).numpy(), x.max(axis=1))
    assert np.allclose(t.prod(axis=2).numpy(), x.prod(axis=2))
    assert np.allclose(t.cumsum(axis=1).numpy(), x.cumsum(axis=1))
    assert t.argmax(axis=2, keepdims=True).shape == (2, 3, 1)
    tt = torch.tensor(x)
    for name in ("sum", "mean", "prod", "amax", "amin", "std", "var", "logsumexp", "norm",
                 "cumsum", "cumprod", "argmax", "argmin", "all", "any", "count_nonzero"):
        args = (1,) if name in ("logsumexp", "cumsum", "cumprod", "count_nonzero") else ()
        np.testing.assert_allclose(getattr(t, name)(*args).numpy().astype(float),
                                   getattr(tt, name)(*args).numpy().astype(float), rtol=1e-12)


def test_numpy_functions_dispatch_to_differentiable_ops():
    x = fg.tensor(np.array([[2.0, 1.0], [1.0, 3.0]]), requires_grad=True)
    ys = [np.sum(x), np.max(x), np.prod(x), np.std(x), np.var(x, ddof=1), np.cumsum(x)[-1],
          np.linalg.det(x), np.linalg.inv(x).sum(), np.einsum("ij,ji", x, x), np.trace(x),
          np.tensordot(x, x), np.linalg.norm(x), np.linalg.solve(x, x[0]).sum(), np.dot(x[0], x[1])]
    tx = torch.tensor(x.detach().numpy())
    expect = [tx.sum(), tx.max(), tx.prod(), tx.std(correction=0), tx.var(),
              tx.flatten().cumsum(0)[-1],
              torch.linalg.det(tx), torch.linalg.inv(tx).sum(), torch.einsum("ij,ji", tx, tx),
              torch.trace(tx), torch.tensordot(tx, tx), torch.linalg.norm(tx),
              torch.linalg.solve(tx, tx[0]).sum(), torch.dot(tx[0], tx[1])]
    for y, e in zip(ys, expect):
        assert isinstance(y, fg.Tensor) and y.requires_grad
        assert y.item() == pytest.approx(e.item())


def test_diagonal_is_a_view():
    x = fg.tensor(np.arange(9.0).reshape(3, 3))
    d = fg.diagonal(x, 1)
    assert d._base is x and d.tolist() == [1.0, 5.0]
    x.numpy()[0, 1] = 100.0
    assert d[0].item() == 100.0


def test_linalg_namespace_matches_torch():
    a = np.array([[3.0, 1.0, 0.0], [1.0, 4.0, 1.0], [0.0, 2.0, 5.0]])
    fa, ta = fg.tensor(a), torch.tensor(a)
    for name, args in [("det", ()), ("inv", ()), ("norm", ()), ("norm", (1,)), ("norm", (INF,)),
                       ("matrix_norm", ()), ("matrix_norm", (-1,)), ("vector_norm", (3,)),
                       ("solve", (fa[0],)), ("diagonal", ()), ("vecdot", (fa,)),
                       ("multi_dot", None)]:
        if args is None:
            r, t = fg.linalg.multi_dot([fa, fa, fa[0]]), torch.linalg.multi_dot([ta, ta, ta[0]])
        else:
            targs = tuple(torch.tensor(x.numpy()) if isinstance(x, fg.Tensor) else x for x in args)
            r, t = getattr(fg.linalg, name)(fa, *args), getattr(torch.linalg, name)(ta, *targs)
        np.testing.assert_allclose(r.numpy(), t.numpy(), rtol=1e-12, atol=1e-15, err_msg=name)


# ---- einsum against PyTorch on many equations ---------------------------------------------
EQUATIONS = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]), ("ij->ji", [(2, 3)]), ("ij->", [(2, 3)]), ("i,j->ij", [(2,), (3,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("i...->...", [(3, 2, 2)]), ("iij->j", [(3, 3, 2)]), ("iji->j", [(2, 3, 2)]),
    ("iii->i", [(2, 2, 2)]), ("ij,ij,ij->i", [(2, 3), (2, 3), (2, 3)]),
    ("abc,cd,db->a", [(2, 3, 4), (4, 5), (5, 3)]), (",i->i", [(), (3,)]), ("i,i->", [(4,), (4,)]),
    ("Ab,bC->AC", [(2, 3), (3, 2)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("i j , j k -> i k", [(2, 3), (3, 2)]), ("ijk,ijk->", [(2, 3, 4), (2, 3, 4)]),
    ("ij,i->ij", [(3, 4), (1,)]),
]


@pytest.mark.parametrize("eq,shapes", EQUATIONS, ids=[e for e, _ in EQUATIONS])
def test_einsum_matches_pytorch(eq, shapes):
    rng = np.random.default_rng(len(eq))
    arrays = [rng.standard_normal(s) for s in shapes]
    fs = [fg.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    r, t = fg.einsum(eq, *fs), torch.einsum(eq, *ts)
    np.testing.assert_allclose(r.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert r.grad_fn.name() == t.grad_fn.name()
    w = rng.standard_normal(tuple(t.shape))
    g1 = fg.autograd.grad(r, fs, fg.tensor(w), create_graph=True)
    g2 = torch.autograd.grad(t, ts, torch.tensor(w), create_graph=True)
    for a, b in zip(g1, g2):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
    # second order through a random cotangent on the gradients
    vs = [rng.standard_normal(tuple(b.shape)) for b in g2]
    live = [(a, b, v) for a, b, v in zip(g1, g2, vs) if b.requires_grad]
    if not live:
        return
    h1 = fg.autograd.grad([a for a, _, _ in live], fs, [fg.tensor(v) for _, _, v in live],
                          allow_unused=True)
    h2 = torch.autograd.grad([b for _, b, _ in live], ts, [torch.tensor(v) for _, _, v in live],
                             allow_unused=True)
    for a, b in zip(h1, h2):
        ea = np.zeros(1) if a is None else a.numpy()
        eb = np.zeros(1) if b is None else b.numpy()
        np.testing.assert_allclose(ea, eb, rtol=1e-10, atol=1e-12)


def test_einsum_large_operands_use_the_optimized_path_with_the_same_result():
    rng = np.random.default_rng(0)
    a, b, c = rng.standard_normal((40, 50)), rng.standard_normal((50, 60)), rng.standard_normal(60)
    r = fg.einsum("ij,jk,k->i", fg.tensor(a), fg.tensor(b), fg.tensor(c))
    np.testing.assert_allclose(r.numpy(), a @ b @ c, rtol=1e-10)
