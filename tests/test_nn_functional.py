"""nn.functional against PyTorch beyond the op-table samples: every reduction, float32
results and grad_fn names, stability at extreme inputs, in-place forms, dropout, and errors
(same exception type, PyTorch's message first)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import feathergrad as fg
import feathergrad.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

RNG = np.random.default_rng(0)


def _pair(a: np.ndarray, requires_grad: bool = True) -> tuple:
    return (fg.tensor(a.copy(), requires_grad=requires_grad),
            torch.tensor(a.copy(), requires_grad=requires_grad))


def _close(a, b, rtol=1e-6, atol=1e-7):
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else b
    np.testing.assert_allclose(a.detach().numpy(), b, rtol=rtol, atol=atol)


def _run_both(fn, *arrays, float32=False, grad=True, rtol=1e-6, atol=1e-7, names=True,
              const=()):
    """fn(m, F, *tensors) under both libraries: values, dtype, grad_fn name, input grads
    (inputs listed in `const` do not require grad)."""
    cast = (lambda a: a.astype(np.float32)) if float32 else (lambda a: a)
    fins, tins = [], []
    for i, a in enumerate(arrays):
        if isinstance(a, np.ndarray):
            a = cast(a) if a.dtype.kind == "f" else a
            rg = grad and a.dtype.kind == "f" and i not in const
            f, t = _pair(a, rg)
        else:
            f = t = a
        fins.append(f)
        tins.append(t)
    fo, to = fn(fg, F, *fins), fn(torch, TF, *tins)
    _close(fo, to, rtol, atol)
    assert fo.dtype.name == str(to.dtype).replace("torch.", "")
    if names and to.grad_fn is not None:
        assert fo.grad_fn.name() == to.grad_fn.name()
    if grad and to.requires_grad:
        w = RNG.standard_normal(tuple(to.shape)).astype(np.float32 if float32 else np.float64)
        fo.backward(fg.tensor(w))
        to.backward(torch.tensor(w))
        for f, t in zip(fins, tins):
            if isinstance(t, torch.Tensor) and t.requires_grad:
                _close(f.grad, t.grad, rtol, atol)


def _errors_match(call):
    """call(m, F) raises the same exception type with PyTorch's message first."""
    with pytest.raises(Exception) as te:
        call(torch, TF)
    with pytest.raises(type(te.value)) as fe:
        call(fg, F)
    assert str(fe.value).startswith(str(te.value).split("\n")[0]), (str(fe.value), str(te.value))


X = RNG.standard_normal((4, 5))
Y = RNG.standard_normal((4, 5))
P = RNG.uniform(0.05, 0.95, (4, 5))
T = np.array([0, 3, 1, 4])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_pointwise_losses(name, reduction):
    _run_both(lambda m, f, x, y: getattr(f, name)(x, y, reduction=reduction), X, Y)
    _run_both(lambda m, f, x, y: getattr(f, name)(x, y, reduction=reduction), X, Y,
              float32=True, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_weighted_pointwise_losses(reduction):
    w = RNG.uniform(0.1, 2, (4, 5))
    for name in ("mse_loss", "l1_loss", "huber_loss"):
        _run_both(lambda m, f, x, y, w, name=name: getattr(f, name)(
            x, y, reduction=reduction, weight=w), X, Y, w, names=False, const=(2,))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropies(reduction):
    w = RNG.uniform(0.1, 2, (5,))
    _run_both(lambda m, f, x, y: f.binary_cross_entropy(x, y, reduction=reduction), P, P[::-1])
    _run_both(lambda m, f, x, y, w: f.binary_cross_entropy(x, y, w, reduction=reduction),
              P, P[::-1].copy(), w, float32=True, rtol=1e-5, atol=1e-6, const=(2,))
    _run_both(lambda m, f, x, y, w, pw: f.binary_cross_entropy_with_logits(
        x, y, w, reduction=reduction, pos_weight=pw), X, P, w, w[::-1].copy(), const=(2, 3))


def test_bce_extremes_are_finite_and_match():
    x = np.array([0.0, 1.0, 1e-30, 1 - 1e-16])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    _run_both(lambda m, f, x, y: f.binary_cross_entropy(x, y, reduction="none"), x, y,
              grad=False)
    big = np.array([-1000.0, 1000.0, 50.0, -50.0])
    _run_both(lambda m, f, x, y: f.binary_cross_entropy_with_logits(x, y, reduction="sum"),
              big, y)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_and_nll_variants(reduction):
    w = RNG.uniform(0.5, 2, (5,))
    _run_both(lambda m, f, x, t: f.cross_entropy(x, t, reduction=reduction), X, T,
              float32=True, rtol=1e-5, atol=1e-6)
    _run_both(lambda m, f, x, t, w: f.cross_entropy(x, t, w, ignore_index=3,
                                                    reduction=reduction), X, T, w, const=(2,))
    _run_both(lambda m, f, x, t, w: f.cross_entropy(x, t, w, reduction=reduction,
                                                    label_smoothing=0.3), X, T, w, const=(2,))
    _run_both(lambda m, f, x, t: f.cross_entropy(x, t, reduction=reduction,
                                                 label_smoothing=0.1, ignore_index=1), X, T)
    _run_both(lambda m, f, x, p: f.cross_entropy(x, p, reduction=reduction,
                                                 label_smoothing=0.2), X, P,
              names=reduction != "mean")   # NOTE: PyTorch names x / number DivBackward1
    _run_both(lambda m, f, x, p, w: f.cross_entropy(x, p, w, reduction=reduction), X, P, w,
              names=reduction != "mean", const=(2,))
    _run_both(lambda m, f, x, t: f.nll_loss(x.log_softmax(1), t, reduction=reduction),
              X, T)
    x4 = RNG.standard_normal((2, 3, 4, 2))
    t4 = RNG.integers(0, 3, (2, 4, 2))
    _run_both(lambda m, f, x, t: f.cross_entropy(x, t, reduction=reduction, ignore_index=2),
              x4, t4)
    x3 = RNG.standard_normal((2, 3, 4))
    t3 = RNG.integers(0, 3, (2, 4))
    _run_both(lambda m, f, x, t: f.cross_entropy(x, t, reduction=reduction), x3, t3)
    _run_both(lambda m, f, x, t: f.cross_entropy(x, t, reduction=reduction),
              X[0], np.array(2))


def test_cross_entropy_is_stable_at_large_logits():
    x = np.array([[1e4, 0.0, -1e4], [-3e4, 3e4, 0.0]], dtype=np.float32)
    t = np.array([1, 1])
    _run_both(lambda m, f, x, t: f.cross_entropy(x, t), x, t, float32=True)
    _run_both(lambda m, f, x: f.log_softmax(x, dim=1), x, float32=True)
    _run_both(lambda m, f, x: f.softmax(x, dim=-1), x, float32=True)


def test_all_targets_ignored_gives_nan_like_pytorch():
    f = F.cross_entropy(fg.tensor(X), fg.tensor([-100] * 4))
    t = TF.cross_entropy(torch.tensor(X), torch.tensor([-100] * 4))
    assert np.isnan(f.item()) and np.isnan(t.item())


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    tgt = (np.log(P) if log_target else P).copy()
    fn = lambda m, f, x, y: f.kl_div(x, y, reduction=reduction, log_target=log_target)  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run_both(fn, np.log(P[::-1]).copy(), tgt, names=False)
        tgt[0, 0] = -np.inf if log_target else 0.0   # 0 log 0 = 0 (target held constant)
        _run_both(fn, np.log(P[::-1]).copy(), tgt, names=False, const=(1,))


@pytest.mark.parametrize("name,kw", [
    ("relu", {}), ("relu6", {}), ("leaky_relu", {"negative_slope": 0.1}), ("elu", {}),
    ("selu", {}), ("celu", {"alpha": 0.5}), ("gelu", {}), ("gelu", {"approximate": "tanh"}),
    ("silu", {}), ("mish", {}), ("softplus", {"beta": 2, "threshold": 5}), ("softsign", {}),
    ("hardtanh", {}), ("hardsigmoid", {}), ("hardswish", {}), ("tanh", {}), ("sigmoid", {}),
    ("logsigmoid", {}), ("tanhshrink", {}),
])
def test_activations_float32(name, kw):
    x = (RNG.standard_normal((3, 7)) * 4).astype(np.float32)
    # NOTE: float32 rounding in the tails (e.g. gelu-tanh's 1 + tanh near -1) differs by ~1e-6
    _run_both(lambda m, f, x: getattr(f, name)(x, **kw), x, float32=True, rtol=2e-6,
              atol=5e-6)


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "elu", "selu", "celu", "hardtanh",
                                  "silu", "hardswish"])
def test_inplace_activations(name):
    x = RNG.standard_normal((3, 4))

    def fn(m, f, a):
        b = a * 1.0
        r = getattr(f, name)(b, inplace=True)
        assert r is b
        return b * 2
    _run_both(fn, x, names=False)


def test_inplace_on_leaf_refused_and_views_of_no_grad_allowed():
    _errors_match(lambda m, f: f.relu(m.ones(2, requires_grad=True), inplace=True))
    a = fg.tensor([[-1.0, 2.0], [3.0, -4.0]])
    F.relu(a[0], inplace=True)
    assert a.tolist() == [[0.0, 2.0], [3.0, -4.0]]


def test_softmax_family_and_implicit_dim_warning():
    _run_both(lambda m, f, x: f.softmin(x, 1), X)
    _run_both(lambda m, f, x: f.softmax(x, 0, dtype=m.float32), X, names=False, rtol=1e-6)
    _run_both(lambda m, f, x: f.log_softmax(x, -1, dtype=m.float64), X.astype(np.float32))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        F.softmax(fg.tensor(X))
    assert F.softmax(fg.tensor(3.0), 0).item() == 1.0
    _run_both(lambda m, f, x: m.softmax(x, 1) + m.log_softmax(x, 0) + x.softmax(-1), X,
              names=False)


def test_dropout_semantics():
    x = fg.ones(1000, 10)
    fg.manual_seed(3)
    a = F.dropout(x, 0.3)
    fg.manual_seed(3)
    b = F.dropout(x, 0.3)
    assert np.array_equal(a.numpy(), b.numpy())                 # reproducible
    kept = a.numpy() != 0
    assert abs(kept.mean() - 0.7) < 0.02                         # keeps 1 - p
    np.testing.assert_allclose(a.numpy()[kept], 1 / 0.7, rtol=1e-6)   # rescales the kept
    assert F.dropout(x, 0.3, training=False) is x
    assert F.dropout(x, 1.0).numpy().sum() == 0
    y = fg.ones(4, 3, requires_grad=True)
    F.dropout(y, 0.5).sum().backward()
    assert set(np.unique(y.grad.numpy())) <= {0.0, 2.0}
    assert F.dropout(y, 0.5).grad_fn.name() == "MulBackward0"
    d2 = F.dropout2d(fg.ones(8, 16, 3, 3), 0.5).numpy()
    assert np.all(d2.reshape(8, 16, 9).std(-1) == 0)             # whole channels
    _errors_match(lambda m, f: f.dropout(m.ones(2), 1.5))


def test_bce_weight_must_not_require_grad():
    _errors_match(lambda m, f: f.binary_cross_entropy(m.rand(3), m.rand(3),
                                                      m.ones(3, requires_grad=True)))


def test_linear_bilinear_embedding_norms_pad():
    w, b = RNG.standard_normal((3, 5)), RNG.standard_normal(3)
    _run_both(lambda m, f, x, w, b: f.linear(x, w, b), X, w, b)
    _run_both(lambda m, f, x, w: f.linear(x, w), X, w)
    _run_both(lambda m, f, x, w, b: f.linear(x, w, b), RNG.standard_normal((2, 3, 5)), w, b)
    _run_both(lambda m, f, x, w, b: f.linear(x, w, b), X[0].copy(), w, b)
    wb = RNG.standard_normal((2, 4, 5))
    _run_both(lambda m, f, x1, x2, w, b: f.bilinear(x1, x2, w, b),
              RNG.standard_normal((3, 4)), RNG.standard_normal((3, 5)), wb, b[:2].copy())
    emb = RNG.standard_normal((6, 3))
    idx = np.array([[0, 2, 2], [5, 1, 0]])
    _run_both(lambda m, f, w, i: f.embedding(i, w, padding_idx=2), emb, idx)
    _run_both(lambda m, f, w, i: f.embedding(i, w, scale_grad_by_freq=True), emb, idx)
    _run_both(lambda m, f, x: f.layer_norm(x, (5,)), X)
    _run_both(lambda m, f, x: f.normalize(x, p=2, dim=1), X)
    _run_both(lambda m, f, x: f.normalize(x, p=1, dim=0), X, names=False)
    _run_both(lambda m, f, a, b: f.cosine_similarity(a, b, dim=0), X, Y)
    _run_both(lambda m, f, a, b: f.pairwise_distance(a, b), X, Y, names=False)
    _run_both(lambda m, f, x: f.pad(x, (2, -1, 1, 1), value=-3.0), X)
    _run_both(lambda m, f, x: f.pad(x, (1, 1, 0, 0, 2, 0)), RNG.standard_normal((2, 3, 2)))


def test_embedding_max_norm_renormalises_in_place():
    w = RNG.standard_normal((5, 3)) * 3
    fw, tw = fg.tensor(w), torch.tensor(w)
    idx = [1, 3]
    F.embedding(fg.tensor(idx), fw, max_norm=1.0)
    TF.embedding(torch.tensor(idx), tw, max_norm=1.0)
    np.testing.assert_allclose(fw.numpy(), tw.numpy(), rtol=1e-6)


def test_zero_vectors_have_zero_gradient():
    _run_both(lambda m, f, x: f.normalize(x, dim=1), np.zeros((2, 3)))
    _run_both(lambda m, f, a, b: f.cosine_similarity(a, b), np.zeros((2, 3)), Y[:2, :3].copy())


def test_one_hot():
    t = fg.tensor([0, 2, 1])
    assert F.one_hot(t).tolist() == TF.one_hot(torch.tensor([0, 2, 1])).tolist()
    assert F.one_hot(t, 5).dtype == fg.int64
    _errors_match(lambda m, f: f.one_hot(m.tensor([1, 5]), 3))
    _errors_match(lambda m, f: f.one_hot(m.tensor([1.0])))


def test_batch_norm_running_stats():
    x = RNG.standard_normal((6, 3)) * 2 + 1
    fr = (fg.zeros(3, dtype=fg.float64), fg.ones(3, dtype=fg.float64))
    tr = (torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64))
    for _ in range(3):
        F.batch_norm(fg.tensor(x), *fr, training=True, momentum=0.2)
        TF.batch_norm(torch.tensor(x), *tr, training=True, momentum=0.2)
    for a, b in zip(fr, tr):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
    _run_both(lambda m, f, x: f.batch_norm(x, m.zeros(3, dtype=m.float64) + 0.5,
                                           m.ones(3, dtype=m.float64) * 2, training=False), x)


@pytest.mark.parametrize("kw", [
    {}, {"stride": 2}, {"padding": 1}, {"padding": "same"}, {"dilation": 2},
    {"stride": (2, 1), "padding": (0, 2), "groups": 2},
])
def test_conv2d(kw):
    x = RNG.standard_normal((2, 4, 7, 6))
    w = RNG.standard_normal((6, 4 // kw.get("groups", 1), 3, 3))
    b = RNG.standard_normal(6)
    _run_both(lambda m, f, x, w, b: f.conv2d(x, w, b, **kw), x, w, b)
    _run_both(lambda m, f, x, w, b: f.conv2d(x, w, b, **kw), x, w, b, float32=True,
              rtol=1e-5, atol=1e-5)


def test_conv1d_and_unbatched():
    x = RNG.standard_normal((2, 3, 9))
    w = RNG.standard_normal((4, 3, 3))
    _run_both(lambda m, f, x, w: f.conv1d(x, w, stride=2, padding=1), x, w)
    x3 = RNG.standard_normal((3, 5, 9))   # unbatched (C, H, W)
    _run_both(lambda m, f, x, w: f.conv2d(x, w, padding=1), x3, w[..., None].repeat(3, -1))


@pytest.mark.parametrize("kw", [
    {"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1},
    {"kernel_size": 3, "stride": 2, "ceil_mode": True}, {"kernel_size": (2, 3), "stride": 1},
])
def test_pooling(kw):
    x = RNG.standard_normal((2, 3, 7, 6))
    _run_both(lambda m, f, x: f.max_pool2d(x, **kw), x)
    _run_both(lambda m, f, x: f.avg_pool2d(x, **kw), x)
    _run_both(lambda m, f, x: f.avg_pool2d(x, count_include_pad=False, **kw), x)
    fo, fi = F.max_pool2d(fg.tensor(x), return_indices=True, **kw)
    to, ti = TF.max_pool2d(torch.tensor(x), return_indices=True, **kw)
    assert np.array_equal(fi.numpy(), ti.numpy())


def test_pooling_1d_and_adaptive():
    x = RNG.standard_normal((2, 3, 8))
    _run_both(lambda m, f, x: f.max_pool1d(x, 3, 2, 1), x)
    _run_both(lambda m, f, x: f.avg_pool1d(x, 2), x)
    x4 = RNG.standard_normal((2, 3, 4, 6))
    _run_both(lambda m, f, x: f.adaptive_avg_pool2d(x, (2, 3)), x4, names=False)
    _run_both(lambda m, f, x: f.adaptive_avg_pool2d(x, 1), x4, names=False)


def test_max_pool_ties_go_to_the_first_maximum():
    x = np.zeros((1, 1, 4, 4))
    _run_both(lambda m, f, x: f.max_pool2d(x, 2), x)
    _run_both(lambda m, f, x: f.max_pool2d(x, 3, 1), x)


@pytest.mark.parametrize("call", [
    lambda m, f: f.cross_entropy(m.randn(4, 5), m.tensor([0, 1, 2])),
    lambda m, f: f.cross_entropy(m.randn(4, 5), m.tensor([0, 1, 2, 7])),
    lambda m, f: f.nll_loss(m.randn(4, 5), m.tensor([0, 1, 2, 3], dtype=m.int32)),
    lambda m, f: f.nll_loss(m.randn(4, 5), m.tensor([0.0, 1, 2, 3])),
    lambda m, f: f.nll_loss(m.randn(4, 5), m.tensor([0, 1, 2, 3]), weight=m.ones(3)),
    lambda m, f: f.cross_entropy(m.randn(4, 5), m.tensor([0, 1, 2, 3]), label_smoothing=1.5),
    lambda m, f: f.mse_loss(m.randn(3), m.randn(3), reduction="avg"),
    lambda m, f: f.binary_cross_entropy(m.tensor([1.5]), m.tensor([1.0])),
    lambda m, f: f.binary_cross_entropy(m.tensor([0.5]), m.tensor([[1.0]])),
    lambda m, f: f.binary_cross_entropy_with_logits(m.randn(3), m.rand(4)),
    lambda m, f: f.gelu(m.tensor([1, 2])),
    lambda m, f: f.softmax(m.tensor([1, 2]), 0),
    lambda m, f: f.softmax(m.randn(2, 3), 2),
    lambda m, f: f.linear(m.randn(2, 3), m.randn(4, 5)),
    lambda m, f: f.layer_norm(m.randn(2, 3), (4,)),
    lambda m, f: f.batch_norm(m.randn(1, 3), None, None, training=True),
    lambda m, f: f.conv2d(m.randn(1, 3, 5, 5), m.randn(2, 4, 3, 3)),
    lambda m, f: f.conv2d(m.randn(1, 3, 2, 2), m.randn(2, 3, 3, 3)),
    lambda m, f: f.max_pool2d(m.randn(1, 1, 6, 6), 2, padding=2),
    lambda m, f: f.max_pool2d(m.randn(1, 1, 2, 2), 3),
    lambda m, f: f.pad(m.randn(2, 3), (1, 2, 3)),
    lambda m, f: f.embedding(m.tensor([0, 9]), m.randn(4, 2)),
])
def test_errors_match_pytorch(call):
    _errors_match(call)


def test_mismatched_target_size_warns():
    with pytest.warns(UserWarning, match="Using a target size"):
        F.mse_loss(fg.randn(3, 1), fg.randn(3))


def test_legacy_size_average_and_reduce():
    a, b = _pair(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = F.mse_loss(a, fg.tensor(Y), size_average=False)
        t = TF.mse_loss(b, torch.tensor(Y), size_average=False)
    _close(f, t)
