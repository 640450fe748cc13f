"""Shape ops and indexing beyond the generated op checks: views share memory and the version
counter, copies do not; errors, return types and NumPy dispatch as in PyTorch; repeated indices
accumulate; multi-output nodes (split, unbind) with partial gradients, hooks and a second pass."""

from __future__ import annotations

import numpy as np
import pytest

import feathergrad as fg


def _base() -> fg.Tensor:
    return fg.tensor(np.arange(24.0).reshape(2, 3, 4))


VIEWS = {
    "reshape": lambda x: x.reshape(6, 4),
    "view": lambda x: x.view(-1),
    "reshape-alias": lambda x: x.transpose(0, 1).reshape(3, 2, 2, 2),
    "transpose": lambda x: x.transpose(0, 2),
    "permute": lambda x: x.permute(2, 0, 1),
    "movedim": lambda x: x.movedim(0, -1),
    "T": lambda x: x[0].T,
    "mT": lambda x: x.mT,
    "expand": lambda x: x[:, :1].expand(2, 5, 4),
    "squeeze": lambda x: x[:, :1].squeeze(1),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "flatten": lambda x: x.flatten(1),
    "unflatten": lambda x: x.unflatten(2, (2, 2)),
    "narrow": lambda x: x.narrow(2, 1, 2),
    "select": lambda x: x.select(1, -1),
    "getitem": lambda x: x[1, ::2, None],
    "split": lambda x: x.split(2, dim=2)[1],
    "chunk": lambda x: x.chunk(3, 1)[2],
    "unbind": lambda x: x.unbind(2)[3],
    "tensor_split": lambda x: x.tensor_split(2, dim=2)[1],
    "atleast_3d": lambda x: fg.atleast_3d(x[0]),
    "unfold": lambda x: x.unfold(2, 2, 1),
}


@pytest.mark.parametrize("name", VIEWS)
def test_views_share_memory_and_version_counter(name):
    x = _base()
    y = VIEWS[name](x)
    assert y._base is x
    assert np.shares_memory(y.numpy(), x.numpy())
    v = y._version
    x.add_(1)
    assert y._version == v + 1 == x._version
    np.testing.assert_array_equal(y.numpy(), VIEWS[name](x).numpy())


COPIES = {
    "flip": lambda x: x.flip(0),
    "roll": lambda x: x.roll(1, 1),
    "repeat": lambda x: x.repeat(1, 1, 1),
    "tile": lambda x: x.tile((1,)),
    "cat": lambda x: fg.cat([x]),
    "stack": lambda x: fg.stack([x]),
    "index": lambda x: x[[0, 1]],
    "mask": lambda x: x[x > 3],
    "index_select": lambda x: x.index_select(0, fg.tensor([0, 1])),
    "gather": lambda x: x.gather(0, fg.zeros(2, 3, 4, dtype=fg.int64)),
    "take": lambda x: x.take(fg.tensor([0, 1])),
    "masked_fill": lambda x: x.masked_fill(x > 100, 0.0),
    "scatter": lambda x: x.scatter(0, fg.zeros(1, 1, 1, dtype=fg.int64), 5.0),
    "contiguous": lambda x: x.transpose(0, 1).contiguous(),
    "reshape-copy": lambda x: x.transpose(0, 1).reshape(-1),
    "narrow_copy": lambda x: x.narrow_copy(1, 0, 2),
    "rot90": lambda x: x.rot90(),
    "index_fill": lambda x: x.index_fill(0, fg.tensor([0]), 1.0),
    "put": lambda x: x.put(fg.tensor([0]), fg.tensor([1.0], dtype=fg.float64)),
    "index_put": lambda x: x.index_put((fg.tensor([0]),), fg.tensor(1.0, dtype=fg.float64)),
    "slice_scatter": lambda x: fg.slice_scatter(x, x[:1] * 2, 0, 0, 1),
}


@pytest.mark.parametrize("name", COPIES)
def test_copies_do_not_alias(name):
    x = _base()
    y = COPIES[name](x)
    assert y._base is None
    assert not np.shares_memory(y.numpy(), x.numpy())
    before = y.numpy().copy()
    x.add_(1)
    np.testing.assert_array_equal(y.numpy(), before)


# ---- errors: same type and message as PyTorch ------------------------------------------------
ERRORS = {
    "cat-empty": lambda m, x: m.cat([]),
    "cat-tensor": lambda m, x: m.cat(x),
    "cat-ndim": lambda m, x: m.cat([x, x[0]]),
    "cat-size": lambda m, x: m.cat([x, x[:, :2]], 0),
    "cat-0d": lambda m, x: m.cat([x[0, 0], x[0, 0]]),
    "cat-dim": lambda m, x: m.cat([x, x], 2),
    "stack-size": lambda m, x: m.stack([x, x[:, :2]]),
    "stack-empty": lambda m, x: m.stack([]),
    "split-neg": lambda m, x: x.split(-1),
    "split-zero": lambda m, x: x.split(0),
    "split-sizes": lambda m, x: x.split([1, 1]),
    "chunk-zero": lambda m, x: x.chunk(0),
    "unbind-0d": lambda m, x: x[0, 0].unbind(),
    "narrow-over": lambda m, x: x.narrow(1, 3, 2),
    "narrow-start": lambda m, x: x.narrow(1, 5, 0),
    "narrow-len": lambda m, x: x.narrow(1, 0, -1),
    "select-range": lambda m, x: x.select(1, 4),
    "flip-dup": lambda m, x: x.flip(0, 0),
    "roll-align": lambda m, x: x.roll((1, 2), (0,)),
    "roll-nodims": lambda m, x: x.roll((1, 2)),
    "repeat-few": lambda m, x: x.repeat(2),
    "repeat-neg": lambda m, x: x.repeat(-1, 1),
    "movedim-dup": lambda m, x: x.movedim((0, 0), (1, 0)),
    "movedim-len": lambda m, x: x.movedim((0, 1), (1,)),
    "unflatten": lambda m, x: x.unflatten(1, (3, 2)),
    "unflatten-empty": lambda m, x: x.unflatten(1, ()),
    "squeeze-dim": lambda m, x: x.squeeze(2),
    "expand-lead": lambda m, x: x.expand(-1, 3, 4),
    "view-stride": lambda m, x: x.t().view(-1),
    "index-range": lambda m, x: x[m.tensor([3])],
    "index-range-dim1": lambda m, x: x[:, [0, 7]],
    "index-range-mask": lambda m, x: x[None][m.ones(1, 3, dtype=m.bool), [-5]],
    "index-range-int": lambda m, x: x[1, [9]],
    "index-mask": lambda m, x: x[m.tensor([True, False])],
    "index-float": lambda m, x: x[m.tensor([1.0])],
    "index-int16": lambda m, x: x[m.tensor([0], dtype=m.int16)],
    "index-too-many": lambda m, x: x[m.tensor([0]), m.tensor([0]), m.tensor([0])],
    "index-bcast": lambda m, x: x[m.tensor([0, 1]), m.tensor([0, 1, 2])],
    "index_select-range": lambda m, x: x.index_select(1, m.tensor([4])),
    "index_select-neg": lambda m, x: x.index_select(1, m.tensor([-1])),
    "index_select-2d": lambda m, x: x.index_select(1, m.tensor([[0]])),
    "index_select-float": lambda m, x: x.index_select(1, m.tensor([0.0])),
    "gather-range": lambda m, x: x.gather(1, m.tensor([[0, 5]])),
    "gather-shape": lambda m, x: x.gather(1, m.zeros(4, 1, dtype=m.int64)),
    "gather-ndim": lambda m, x: x.gather(1, m.zeros(3, dtype=m.int64)),
    "gather-float": lambda m, x: x.gather(1, m.zeros(3, 1)),
    "gather-list": lambda m, x: m.gather(x, 1, [[0]]),
    "scatter-range": lambda m, x: x.scatter(1, m.tensor([[0, 5]]), 1.0),
    "scatter-src": lambda m, x: x.scatter(1, m.zeros(3, 2, dtype=m.int64), m.ones(3, 1)),
    "scatter-dtype": lambda m, x: x.scatter(1, m.zeros(3, 2, dtype=m.int64),
                                            m.ones(3, 2, dtype=m.float64)),
    "scatter_add-value": lambda m, x: m.scatter_add(x, 1, m.zeros(3, 2, dtype=m.int64), 1.0),
    "index_add-shape": lambda m, x: x.index_add(0, m.tensor([0, 0]), m.ones(2, 3)),
    "index_add-len": lambda m, x: x.index_add(0, m.tensor([0, 1, 2]), m.ones(2, 4)),
    "index_add-range": lambda m, x: x.index_add(0, m.tensor([0, 5]), m.ones(2, 4)),
    "masked_fill-1d": lambda m, x: x.masked_fill(x > 0, m.tensor([1.0])),
    "masked_fill-float": lambda m, x: x.masked_fill(x, 1.0),
    "masked_fill-bcast": lambda m, x: x.masked_fill(m.ones(2, 4, dtype=m.bool), 1.0),
    "masked_select-float": lambda m, x: x.masked_select(x),
    "take-range": lambda m, x: x.take(m.tensor([12])),
    "take-int32": lambda m, x: x.take(m.tensor([0], dtype=m.int32)),
    "take_along_dim-ndim": lambda m, x: m.take_along_dim(x, m.zeros(3, dtype=m.int64), 1),
    "hsplit": lambda m, x: x.hsplit(3),
    "hstack-tensor": lambda m, x: m.hstack(x),
    "vstack-empty": lambda m, x: m.vstack([]),
    "rot90-dims": lambda m, x: x.rot90(1, (0, 1, 2)),
    "rot90-1d": lambda m, x: x[0].rot90(),
    "rot90-same": lambda m, x: x.rot90(1, (0, 0)),
    "unfold-size": lambda m, x: x.unfold(1, 5, 1),
    "unfold-step": lambda m, x: x.unfold(1, 2, 0),
    "index_fill-value": lambda m, x: x.index_fill(1, m.tensor([0]), m.ones(2)),
    "index_fill-range": lambda m, x: x.index_fill(1, m.tensor([5]), 1.0),
    "index_fill-2d": lambda m, x: x.index_fill(1, m.tensor([[0]]), 1.0),
    "index_copy-len": lambda m, x: x.index_copy(1, m.tensor([0]), m.ones(3, 2)),
    "index_copy-range": lambda m, x: x.index_copy(1, m.tensor([5]), m.ones(3, 1)),
    "index_copy-dtype": lambda m, x: x.index_copy(1, m.tensor([0]), m.ones(3, 1, dtype=m.float64)),
    "slice_scatter-size": lambda m, x: m.slice_scatter(x, m.ones(3, 3), 1, 0, 2),
    "masked_scatter-short": lambda m, x: x.masked_scatter(x > -10, m.ones(5)),
    "masked_scatter-dtype": lambda m, x: x.masked_scatter(x > 0, m.ones(12, dtype=m.float64)),
    "masked_scatter-float": lambda m, x: x.masked_scatter(m.ones(3, 4), x),
    "put-range": lambda m, x: x.put(m.tensor([12]), m.ones(1)),
    "put-len": lambda m, x: x.put(m.tensor([1, 2]), m.ones(3)),
    "index_put-range": lambda m, x: x.index_put((m.tensor([5]),), m.ones(4)),
    "index_put-shape": lambda m, x: x.index_put((m.tensor([0]),), m.ones(3)),
    "index_put-none": lambda m, x: x.index_put((None, m.tensor([0, 1])), m.ones(3, 2)),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_match_torch(name):
    torch = pytest.importorskip("torch")
    f = ERRORS[name]
    with pytest.raises(Exception) as te:
        f(torch, torch.randn(3, 4))
    with pytest.raises(Exception) as fe:
        f(fg, fg.randn(3, 4))
    assert type(fe.value) is type(te.value)
    expected = str(te.value).split("\n")[0].split(" (Triggered internally")[0]
    assert str(fe.value).startswith(expected[:100])


# ---- return types and shapes ----------------------------------------------------------------
SPLITS = {
    "split": lambda m, x: x.split(2),
    "split-dim": lambda m, x: m.split(x, 3, dim=1),
    "split-sizes": lambda m, x: x.split([1, 0, 4]),
    "chunk": lambda m, x: x.chunk(3, 1),
    "chunk-more": lambda m, x: x.chunk(9),
    "unbind": lambda m, x: x.unbind(1),
    "tensor_split": lambda m, x: x.tensor_split([1, 3], dim=1),
    "tensor_split-n": lambda m, x: m.tensor_split(x, 3),
    "hsplit": lambda m, x: m.hsplit(x, [2]),
    "vsplit": lambda m, x: x.vsplit(5),
    "empty-unbind": lambda m, x: x[:0].unbind(),
    "empty-split": lambda m, x: x[:, :0].split(2, 1),
}


@pytest.mark.parametrize("name", SPLITS)
def test_split_family_returns_tuples_like_torch(name):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(0).standard_normal((5, 4))
    f = SPLITS[name]
    fo = f(fg, fg.tensor(a, requires_grad=True))
    to = f(torch, torch.tensor(a, requires_grad=True))
    assert type(fo) is tuple and type(to) is tuple
    assert len(fo) == len(to)
    for p, q in zip(fo, to):
        assert isinstance(p, fg.Tensor)
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
        assert p.grad_fn.name() == q.grad_fn.name()
        assert p.output_nr == q.output_nr


def test_repeated_indices_accumulate_like_bincount():
    idx = np.array([0, 3, 3, 3, 1, 0])
    for f in (lambda x, i: x[i], lambda x, i: x.index_select(0, i), lambda x, i: x.take(i),
              lambda x, i: x.gather(0, i)):
        x = fg.zeros(5, requires_grad=True)
        f(x, fg.tensor(idx)).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), np.bincount(idx, minlength=5))


def test_mixed_index_placement_matches_numpy():
    a = np.arange(120.0).reshape(2, 3, 4, 5)
    i, j = np.array([0, 1, 1]), np.array([3, 0, -2])
    x = fg.tensor(a)
    for ix in [(i, slice(None), slice(None), j), (slice(None), i, j), (None, i, Ellipsis, j),
               (slice(None), np.ones((3, 4), bool)), (Ellipsis, j), (i[:, None], i[None])]:
        np.testing.assert_array_equal(x[ix].numpy(), a[ix])


def test_int_first_then_index_as_torch():
    # NOTE: PyTorch applies integers as selects before the advanced indices (NumPy does not)
    x = fg.zeros(2, 3, 4)
    assert x[1, :, [0, 1]].shape == (3, 2)
    assert x[fg.tensor(1), :, [0, 1]].shape == (3, 2)


def test_split_partial_gradient_and_second_pass():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(1).standard_normal((5, 2))
    grads = []
    for m in (fg, torch):
        x = m.tensor(a, requires_grad=True)
        p = x.split(2)
        (p[2] * 3).sum().backward()
        (p[0] ** 2).sum().backward()    # a second pass through the same SplitBackward0
        q = x.unbind(1)
        q[1].sum().backward()
        grads.append(x.grad.numpy().copy())
    np.testing.assert_allclose(grads[0], grads[1])


def test_hooks_and_retain_grad_on_pieces():
    x = fg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    a, b = x.chunk(2)
    a.retain_grad()
    seen = []
    b.register_hook(lambda g: seen.append(g.numpy().copy()) or g * 10)
    (a * 2 + b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(seen[0], [1.0, 1.0])
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 10.0, 10.0])


def test_iteration_unbinds():
    x = fg.randn(3, 2, requires_grad=True)
    rows = list(x)
    assert len(rows) == 3 and rows[0].grad_fn.name() == "UnbindBackward0"
    sum(r.sum() * i for i, r in enumerate(rows)).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0], [1, 1], [2, 2]])


def test_no_grad_results_do_not_require_grad():
    x = fg.randn(3, 4, requires_grad=True)
    with fg.no_grad():
        outs = [fg.cat([x, x]), fg.stack([x]), *x.split(2), x[[0, 0]], x.flip(0),
                x.gather(1, fg.zeros(3, 1, dtype=fg.int64)), x.masked_fill(x > 0, 1.0)]
    assert not any(o.requires_grad for o in outs)


def test_cat_promotes_and_casts_gradients_back():
    a = fg.ones(2, dtype=fg.float32, requires_grad=True)
    b = fg.ones(1, dtype=fg.float64, requires_grad=True)
    c = fg.tensor([1], dtype=fg.int64)
    y = fg.cat([a, b, c])
    assert y.dtype == fg.float64
    y.sum().backward()
    assert a.grad.dtype == fg.float32 and b.grad.dtype == fg.float64


def test_numpy_functions_dispatch_to_ops():
    a = np.random.default_rng(2).standard_normal((3, 4))
    x = fg.tensor(a, requires_grad=True)
    cases = [
        (np.concatenate([x, x], axis=1), np.concatenate([a, a], axis=1), "CatBackward0"),
        (np.stack([x, x]), np.stack([a, a]), "StackBackward0"),
        (np.flip(x, 0), np.flip(a, 0), "FlipBackward0"),
        (np.roll(x, 2, 1), np.roll(a, 2, 1), "RollBackward0"),
        (np.tile(x, 2), np.tile(a, 2), "RepeatBackward0"),
        (np.moveaxis(x, 0, 1), np.moveaxis(a, 0, 1), "PermuteBackward0"),
        (np.take(x, [1, -1]), np.take(a, [1, -1]), "TakeBackward0"),
        (np.take(x, [[2, 0]], axis=1), np.take(a, [[2, 0]], axis=1), "ViewBackward0"),
        (np.repeat(x, 2, axis=0), np.repeat(a, 2, axis=0), "ViewBackward0"),
        (np.take_along_axis(x, fg.tensor([[1], [0], [3]]), 1),
         np.take_along_axis(a, np.array([[1], [0], [3]]), 1), "GatherBackward0"),
    ]
    for y, expected, node in cases:
        np.testing.assert_allclose(y.detach().numpy(), expected)
        assert y.grad_fn.name() == node


@pytest.mark.parametrize("case", ["rows", "dim1", "pairs", "negative", "float32"])
def test_add_at_bincount_path_matches_numpy(case):
    # NOTE: large updates take the bincount path, small ones np.add.at: both must agree
    from feathergrad.ops.index import add_at
    rng = np.random.default_rng(3)
    shape, idx, vshape, dt = {
        "rows": ((50, 40, 3), (rng.integers(0, 50, 700),), (700, 40, 3), np.float64),
        "dim1": ((5, 40, 30), (slice(None), rng.integers(0, 40, (20, 6))), (5, 20, 6, 30),
                 np.float64),
        "pairs": ((50, 40), (rng.integers(0, 50, 6000), rng.integers(0, 40, 6000)), (6000,),
                  np.float64),
        "negative": ((50, 40), (rng.integers(-50, 50, 5000),), (1, 40), np.float64),
        "float32": ((50, 40), (slice(None), rng.integers(0, 40, 500)), (50, 500), np.float32),
    }[case]
    v = rng.standard_normal(vshape).astype(dt)
    expected = np.zeros(shape, dt)
    np.add.at(expected, idx, v)
    got = add_at(np.zeros(shape, dt), idx, v)
    assert got.dtype == dt
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4)


MISC = {
    "repeat_interleave-tensor": lambda m, x: x.repeat_interleave(m.tensor([1, 0, 2]), dim=0),
    "repeat_interleave-1": lambda m, x: m.repeat_interleave(x, m.tensor([2]), dim=1),
    "tensor_split-tensor": lambda m, x: x.tensor_split(m.tensor([1, 2]), dim=1)[1],
    "chunk-many": lambda m, x: x.chunk(5, 1)[3],
    "broadcast_tensors": lambda m, x: m.broadcast_tensors(x, x[:1])[1],
    "atleast_1d-many": lambda m, x: m.atleast_1d(x[0, 0], x)[0],
    "row_stack": lambda m, x: m.row_stack([x, x[0]]),
    "flatten-same": lambda m, x: x.flatten(1, 1) * 1.0,
    "movedim-list": lambda m, x: m.movedim(x, [0, 1], [1, 0]),
    "squeeze-empty-tuple": lambda m, x: x.squeeze(()),
    "unsqueeze-0d": lambda m, x: x[0, 0].unsqueeze(-1),
    "narrow-tensor-start": lambda m, x: x.narrow(1, m.tensor(1), 2),
    "gather-0d": lambda m, x: x[0].gather(0, m.tensor(2)),
    "index_select-0d-input": lambda m, x: x[0, 0].index_select(0, m.tensor([0])),
    "take_along_dim-bcast": lambda m, x: m.take_along_dim(x, m.tensor([[0, 3]]), 1),
    "masked_fill-int-value": lambda m, x: x.masked_fill(x > 0, 2),
    "index-bool-scalar": lambda m, x: x[0, 0][m.tensor(True)],
}


@pytest.mark.parametrize("name", MISC)
def test_misc_match_torch(name):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(4).standard_normal((3, 4))
    outs = []
    for m in (fg, torch):
        x = m.tensor(a, requires_grad=True)
        y = MISC[name](m, x)
        v = np.random.default_rng(5).standard_normal(tuple(y.shape))
        (g,) = m.autograd.grad(y, x, m.tensor(v))
        outs.append((y.detach().numpy(), g.numpy(), y.grad_fn.name(), str(y.dtype)))
    (fy, fgr, fn, fd), (ty, tgr, tn, td) = outs
    np.testing.assert_allclose(fy, ty)
    np.testing.assert_allclose(fgr, tgr)
    assert (fn, fd) == (tn, td)


def test_numpy_split_family_on_tensors():
    a = np.arange(12.0).reshape(3, 4)
    x = fg.tensor(a, requires_grad=True)
    for got, want in [(np.split(x, 2, axis=1), np.split(a, 2, axis=1)),
                      (np.array_split(x, 3, axis=1), np.array_split(a, 3, axis=1)),
                      ([np.hstack([x, x])], [np.hstack([a, a])]),
                      ([np.vstack([x, x])], [np.vstack([a, a])]),
                      ([np.repeat(x, 2)], [np.repeat(a, 2)]),
                      ([np.rot90(x)], [np.rot90(a)])]:
        assert len(got) == len(want)
        for p, q in zip(got, want):
            np.testing.assert_array_equal(p.detach().numpy(), q)
            assert p.grad_fn is not None
