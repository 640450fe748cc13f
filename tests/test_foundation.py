"""The foundation: tensor attributes, creation, engine behaviour, errors. PyTorch code run under
both libraries where torch is installed; closed forms and finite differences otherwise."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import feathergrad as fg
from tests._parity import assert_same_error, assert_same_repr, norm, run_code

CASES = [
    "r = torch.tensor(2.0, requires_grad=True)",
    "r = torch.tensor([1, 2])",
    "r = torch.tensor([[1.5, 2.0], [3.0, 4.25]], dtype=torch.float64)",
    "r = torch.tensor([True, False])",
    "r = torch.tensor([])",
    "r = torch.tensor(np.arange(3, dtype=np.int32))",
    "r = torch.as_tensor([1., 2.], dtype=torch.float64)",
    "r = torch.zeros(2, 3), torch.ones(2, dtype=torch.int32), torch.empty(0, 2)",
    "r = torch.full((2,), 3), torch.full((2,), 3.), torch.full((2,), True)",
    "r = torch.arange(5), torch.arange(0, 1, 0.25), torch.arange(1., 4.), torch.arange(5, 0, -2)",
    "r = torch.linspace(-10, 10, 10), torch.linspace(0, 1, 5), torch.linspace(2, 3, 1)",
    "r = torch.eye(2, 3), torch.eye(2)",
    "x = torch.tensor([[1., 2.], [3., 4.]]); r = torch.zeros_like(x), torch.ones_like(x), torch.full_like(x, 7)",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x * 2; r = y, x.is_leaf, y.is_leaf, y.requires_grad",
    "x = torch.tensor([1., 2.], requires_grad=True); r = x.detach().requires_grad, x.data, x.clone()",
    "x = torch.tensor([[1., 2.], [3., 4.]]); r = x.shape, x.size(), x.size(-1), x.dim(), x.ndim, x.numel(), x.dtype, x.T",
    "r = torch.tensor(3.5).item(), torch.tensor([[1, 2]]).tolist(), len(torch.zeros(3, 2))",
    "r = bool(torch.tensor([1.])), bool(torch.tensor(0.))",
    "x = torch.tensor([1, 2]); r = x.float(), x.double(), x.long(), x.to(torch.float64)",
    "r = torch.tensor([[1, 2]]) + torch.tensor(2.5)",
    "r = torch.tensor([1, 2], dtype=torch.int32) * torch.tensor([1.5])",
    "r = torch.tensor([1., 2.]) + torch.tensor(1., dtype=torch.float64)",
    "r = torch.tensor([1., 2.], dtype=torch.float64) + torch.tensor([1.])",
    "r = torch.tensor([1., 2.], dtype=torch.float16) * 2.5",
    "r = torch.tensor([True, False]) + 1, torch.tensor([3, 4]) / 2, torch.tensor(5) + 2.5",
    "r = torch.tensor([1, 2]) == torch.tensor([1, 3]), torch.tensor([1., 2.]) > 1.5",
    "x = torch.tensor([1., 2.], requires_grad=True); r = (x > 1).requires_grad",
    "r = torch.ones(2, 3).sum(1), torch.ones(2, 3).mean(0, keepdim=True), torch.ones(2, 3).sum((0, 1))",
    "r = torch.tensor([1, 2]).sum(), torch.tensor([True, True]).sum()",
    "x = torch.arange(6.).reshape(2, 3); r = x[1], x[:, 1], x[0, 1:], x[None, ..., None].shape, x[..., -1]",
    "x = torch.arange(6.).reshape(2, 3); r = x.view(3, 2), x.t(), x.transpose(0, 1), x.reshape(-1)",
    "r = torch.tensor([1.5, -2.5]).clamp(-1, 1), torch.tensor([1, -2]).abs(), torch.sqrt(torch.tensor([4, 9]))",
    "r = torch.relu(torch.tensor([-1., 0., 2.])), torch.sigmoid(torch.tensor([0., 1.])), torch.tanh(torch.tensor([0.5]))",
    "a = torch.ones(2, 3); b = torch.ones(3, 4); r = a @ b, torch.matmul(torch.ones(3), torch.ones(3))",
    "r = torch.ones(5, 2, 3) @ torch.ones(3, 4)",
    "x = torch.tensor(2.0, requires_grad=True); y = x ** 2 + 2 * x + 1; y.backward(); r = y, x.grad",
    "x = torch.tensor([1., 2.], requires_grad=True); (x ** 2).sum().backward(); (x ** 2).sum().backward(); r = x.grad",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x * 2; y.backward(torch.tensor([1., 0.5])); r = x.grad",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x * 2; y.retain_grad(); y.sum().backward(); r = y.grad",
    "u = torch.tensor(1.0, requires_grad=True); v = torch.tensor(2.0, requires_grad=True); f = u * v + u ** 2; f.backward(); r = u.grad, v.grad",
    "x = torch.tensor(2.0, requires_grad=True); y = x ** 2; r = y.grad_fn.name(), [type(n).__name__ for n, _ in y.grad_fn.next_functions]",
    "x = torch.tensor(2.0, requires_grad=True); y = x * 3; r = [(type(n).__name__ if n else n, i) for n, i in y.grad_fn.next_functions]",
    "x = torch.tensor(2.0, requires_grad=True); r = (x + 1).grad_fn.next_functions[0][0].variable is x",
    "x = torch.tensor(2.0, requires_grad=True); g = x.grad; x.grad = torch.tensor(5.); r = g, x.grad",
    "x = torch.tensor([1., 2.], requires_grad=True); torch.manual_seed(0); r = x.sum().backward(), x.grad",
    "with torch.no_grad(): r = (torch.tensor(1., requires_grad=True) * 2).requires_grad",
    "x = torch.tensor(1., requires_grad=True)\nwith torch.no_grad():\n  with torch.enable_grad():\n    r = (x * 2).requires_grad",
    "torch.set_grad_enabled(False); r = torch.is_grad_enabled(); torch.set_grad_enabled(True)",
    "f = torch.no_grad()(lambda x: x * 2); r = f(torch.tensor(1., requires_grad=True)).requires_grad",
    "torch.set_default_dtype(torch.float64); r = torch.tensor(1.5), torch.tensor([1.5]).dtype, torch.arange(0., 1., 0.5); torch.set_default_dtype(torch.float32)",
]

ERRORS = [
    "torch.tensor([1, 2]).requires_grad_()",
    "torch.tensor([1., 2.], requires_grad=True).numpy()",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x * 2; y.backward()",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x * 2; y.backward(torch.ones(3))",
    "x = torch.tensor([1., 2.], requires_grad=True); y = (x * x).sum(); y.backward(); y.backward()",
    "x = torch.tensor(2.); y = x * 2; y.backward()",
    "torch.ones(2, 3) + torch.ones(4)",
    "torch.ones(2, 3) @ torch.ones(2, 3)",
    "torch.tensor([1., 2.]).sum(dim=1)",
    "torch.tensor([1, 2]).mean()",
    "torch.tensor([1., 2.])[5]",
    "torch.tensor(1.)[0]",
    "torch.tensor([1, 2]) ** -1",
    "bool(torch.tensor([1., 2.]))",
    "torch.tensor([1., 2.]).item()",
    "torch.zeros(2, 3).view(4)",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x * 2; y.requires_grad = False",
    "x = torch.tensor([1., 2.], requires_grad=True); x.grad = torch.tensor([1., 2., 3.])",
]


def _run(m, code):
    return run_code(m, code)


_norm = norm


@pytest.mark.parametrize("code", CASES)
def test_same_as_pytorch(code):
    torch = pytest.importorskip("torch")
    assert_same_repr(fg, torch, _run, code)


@pytest.mark.parametrize("code", ERRORS)
def test_same_error_as_pytorch(code):
    torch = pytest.importorskip("torch")
    assert_same_error(fg, torch, _run, code)


def test_lab_values_without_torch():
    x = fg.tensor(2.0, requires_grad=True)
    y = x ** 2 + 2 * x + 1
    y.backward()
    assert repr(y) == "tensor(9., grad_fn=<AddBackward0>)"
    assert x.grad.item() == 6.0  # d/dx (x^2 + 2x + 1) = 2x + 2 at 2


def test_non_leaf_grad_warns():
    x = fg.tensor(2.0, requires_grad=True)
    y = x * 2
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert y.grad is None


def test_gradient_accumulates_and_retain_graph():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = (x ** 3).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * 3 * x.detach().numpy() ** 2)


def test_freed_graph_error_names_node():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp()).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time") as e:
        y.backward()
    assert "ExpBackward0" in str(e.value)


def test_graph_without_saved_values_backprops_twice():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_million_op_chain_backprops():
    x = fg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(1_000_000):
        y = y + 0.0
    y.backward()
    assert x.grad.item() == 1.0


def test_dropped_graph_is_freed_without_gc():
    gc.disable()
    try:
        x = fg.tensor([1.0, 2.0], requires_grad=True)
        y = (x.exp() * x).sum()
        node = weakref.ref(y.grad_fn)
        inner = weakref.ref(y.grad_fn.next_functions[0][0])
        y.backward()
        del y
        assert node() is None and inner() is None
        z = x * 2
        zr = weakref.ref(z)
        del z
        assert zr() is None
        h = x.exp()
        h.retain_grad()
        (h * h).sum().backward()
        hr = weakref.ref(h)
        del h
        assert hr() is None
    finally:
        gc.enable()


def test_leaf_keeps_no_graph_alive():
    gc.disable()
    try:
        x = fg.tensor(1.0, requires_grad=True)
        xr = weakref.ref(x)
        acc = weakref.ref((x * 2).grad_fn.next_functions[0][0])
        del x
        assert xr() is None and acc() is None
    finally:
        gc.enable()


def test_from_numpy_shares_memory():
    a = np.zeros(3, dtype=np.float32)
    t = fg.from_numpy(a)
    a[0] = 5
    assert t[0].item() == 5
    t.detach().numpy()[1] = 7
    assert a[1] == 7


def test_manual_seed_reproducible():
    fg.manual_seed(3)
    a = fg.rand(3, 2)
    fg.manual_seed(3)
    b = fg.rand(3, 2)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert fg.randn(4).dtype == fg.float32 and fg.randint(0, 5, (3,)).dtype == fg.int64
    r = fg.randint(2, 5, (1000,)).numpy()
    assert r.min() >= 2 and r.max() <= 4


def test_custom_function_like_the_lab():
    class Cube(fg.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x ** 3 * k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            assert ctx.needs_input_grad == (True, False)
            return g * 3 * x ** 2 * ctx.k, None

    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x, 2.0)
    assert y.grad_fn.name() == "CubeBackward"
    assert repr(y.grad_fn).startswith("<feathergrad.autograd.function.CubeBackward object at 0x")
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * np.array([1.0, 4.0]))


def test_custom_function_wrong_gradients():
    class Bad(fg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    class BadShape(fg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return fg.ones(5)

    x = fg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="returned an incorrect number of gradients"):
        Bad.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match="returned an invalid gradient at index 0"):
        BadShape.apply(x).sum().backward()


def test_custom_function_multiple_outputs_and_non_differentiable():
    class SplitSq(fg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            idx = (x > 0).long()
            ctx.mark_non_differentiable(idx)
            return x ** 2, x * 3, idx

        @staticmethod
        def backward(ctx, ga, gb, gi):
            (x,) = ctx.saved_tensors
            return ga * 2 * x + gb * 3

    x = fg.tensor([1.0, -2.0], requires_grad=True)
    a, b, i = SplitSq.apply(x)
    assert not i.requires_grad and a.grad_fn is b.grad_fn
    a.sum().backward()   # gb is materialized as zeros
    np.testing.assert_allclose(x.grad.numpy(), [2.0, -4.0])


def test_printoptions():
    fg.set_printoptions(precision=2)
    try:
        assert repr(fg.tensor([1.23456])) == "tensor([1.23])"
    finally:
        fg.set_printoptions(profile="default")
    assert repr(fg.tensor([1.23456])) == "tensor([1.2346])"
