"""Autograd semantics at PyTorch parity: grad API, higher order, hooks, in-place ops and version
counters, .data/.detach, inference mode, anomaly mode, thread-local grad mode. Each case is
PyTorch code run under both libraries (when torch is installed)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import feathergrad as fg
from tests._parity import norm, run_code

CASES = [
    # grad()
    "x = torch.tensor([1., 2.], requires_grad=True); y = (x ** 3).sum(); r = torch.autograd.grad(y, x), x.grad",
    "x = torch.tensor(2., requires_grad=True); z = torch.tensor(3., requires_grad=True); y = x * z; r = torch.autograd.grad([y, y * 2], [x, z])",
    "x = torch.tensor(2., requires_grad=True); h = x * 3; y = h ** 2; r = torch.autograd.grad(y, h)",
    "x = torch.tensor(2., requires_grad=True); z = torch.tensor(3., requires_grad=True); r = torch.autograd.grad(x * 2, [x, z], allow_unused=True)",
    "x = torch.tensor(2., requires_grad=True); z = torch.tensor(3., requires_grad=True); r = torch.autograd.grad(x * 2, [x, z], materialize_grads=True)",
    "x = torch.tensor([1., 2.], requires_grad=True); r = torch.autograd.grad(x * 2, x, torch.tensor([1., 10.]))",
    "x = torch.tensor(2., requires_grad=True); g, = torch.autograd.grad(x ** 3, x, create_graph=True); r = g, torch.autograd.grad(g, x)",
    "x = torch.tensor(2., requires_grad=True); g, = torch.autograd.grad(x ** 4, x, create_graph=True); h, = torch.autograd.grad(g, x, create_graph=True); r = torch.autograd.grad(h, x)",
    "x = torch.tensor([1., 2.], requires_grad=True); w = torch.tensor([0.5, -1.], requires_grad=True); y = (w * x.sin()).sum(); g, = torch.autograd.grad(y, x, create_graph=True); p = (g ** 2).sum(); p.backward(); r = w.grad, x.grad",
    "x = torch.tensor(2., requires_grad=True); y = x ** 3; y.backward(create_graph=True); g = x.grad; r = g.requires_grad, torch.autograd.grad(g, x)",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x.exp(); z = (y * y).sum(); r = torch.autograd.grad(z, [y, x])",
    "a = torch.tensor(1., requires_grad=True); b = torch.tensor(2., requires_grad=True); y = a * b; y.backward(inputs=[a]); r = a.grad, b.grad",
    "x = torch.tensor([1., 2.], requires_grad=True); torch.autograd.backward([(x * 2).sum(), (x * 3).sum()]); r = x.grad",
    "x = torch.tensor([1., 2.], requires_grad=True); torch.autograd.backward([x * 2], [torch.tensor([1., 1.])]); r = x.grad",
    # hooks
    "x = torch.tensor(2., requires_grad=True); y = x * 3; h = y.register_hook(lambda g: g * 10); y.backward(); r = x.grad",
    "x = torch.tensor(2., requires_grad=True); y = x * 3; h = y.register_hook(lambda g: g * 10); h.remove(); y.backward(); r = x.grad",
    "x = torch.tensor(2., requires_grad=True); x.register_hook(lambda g: g + 1); (x * 3).backward(); r = x.grad",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x * 2; y.retain_grad(); z = y * y; z.retain_grad(); z.sum().backward(); r = y.grad, z.grad, y.retains_grad, x.retains_grad",
    "x = torch.tensor(2., requires_grad=True); y = x * 3; y.retain_grad(); y.register_hook(lambda g: g * 2); (y * 1).backward(); r = y.grad, x.grad",
    "x = torch.tensor(2., requires_grad=True); y = x * 3; seen = []; y.grad_fn.register_hook(lambda gi, go: seen.append((gi[0].item(), go[0].item()))); y.backward(); r = seen",
    "x = torch.tensor(2., requires_grad=True); y = x * 3; y.grad_fn.register_prehook(lambda go: (go[0] * 5,)); y.backward(); r = x.grad",
    "x = torch.tensor(2., requires_grad=True); y = x * 3; y.grad_fn.register_hook(lambda gi, go: (gi[0] * 7, None)); y.backward(); r = x.grad",
    "x = torch.tensor(2., requires_grad=True); seen = []; x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.item())); (x * 3).backward(); (x * 3).backward(); r = seen",
    "x = torch.tensor(2., requires_grad=True); order = []; y = x * 3; y.register_hook(lambda g: order.append('t1')); y.retain_grad(); y.register_hook(lambda g: order.append('t2')); y.grad_fn.register_prehook(lambda go: order.append('pre')); y.grad_fn.register_hook(lambda gi, go: order.append('post')); x.register_hook(lambda g: order.append('leaf')); x.register_post_accumulate_grad_hook(lambda t: order.append('acc')); (y * 1).backward(); r = order",
    # in-place and versions
    "x = torch.tensor(1., requires_grad=True); x.add_(1)",
    "x = torch.tensor([1., 2.]); x.add_(1); x += 2; x *= 3; x -= 1; x /= 2; r = x, x._version",
    "x = torch.tensor([1, 2]); x += 1.5",
    "x = torch.tensor([1, 2]); x *= 2; r = x",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x * 1; y.mul_(3); y.sum().backward(); r = x.grad, y.grad_fn.name()",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x * 1; y.exp_(); y.sum().backward(); r = x.grad",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x.exp(); y.add_(1); y.sum().backward()",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x.sin(); z = y * y; y.add_(1); z.sum().backward()",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x * 1; y.sin_(); y.sum().backward(); r = x.grad",
    "a = torch.tensor([1.], requires_grad=True); b = a * 2\nwith torch.no_grad():\n    a.mul_(2)\nb.backward(); r = a.grad",
    "a = torch.tensor([1., 2., 3.], requires_grad=True); y = torch.tensor(5., requires_grad=True); x = a.clone(); x[0] = y * 2; x.sum().backward(); r = a.grad, y.grad, x.grad_fn.name()",
    "a = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = torch.tensor([5., 6.], requires_grad=True); x = a * 1; x[:, 1] = y ** 2; (x * torch.tensor([[1., 2.], [3., 4.]])).sum().backward(); r = a.grad, y.grad",
    "a = torch.tensor([1., 2., 3.], requires_grad=True); x = a * 1; x[torch.tensor([0, 2])] = torch.tensor(9.); (x * x).sum().backward(); r = a.grad, x.grad_fn.name()",
    "a = torch.tensor([1., 2., 3.], requires_grad=True); v = a[1:]; v.mul_(2)",
    "a = torch.tensor([1., 2., 3.], requires_grad=True); x = a * 1; v = x[1:]; v.mul_(2); x.sum().backward(); r = a.grad, x",
    "x = torch.tensor([1., 2., 3.]); v = x[1:]; w = x.view(3); x.add_(1); r = v._version, w._version, x._version, v",
    "x = torch.tensor([1., 2., 3.]); x.zero_(); x.fill_(2.5); r = x",
    "x = torch.ones(2, 2); x.masked_fill_(torch.tensor([[True, False], [False, True]]), 5.); r = x",
    "x = torch.zeros(3, 2); x.index_add_(0, torch.tensor([0, 2, 0]), torch.ones(3, 2)); r = x",
    "x = torch.tensor([1., 2.]); y = torch.tensor([3., 4.], requires_grad=True); x.copy_(y); x.sum().backward(); r = y.grad",
    "x = torch.tensor([-1., 2.]); x.clamp_(0, 1); x.relu_(); x.sigmoid_(); x.tanh_(); r = x",
    "x = torch.zeros(3); x[1] = 2; x[[0, 2]] = torch.tensor([5., 6.]); r = x",
    "x = torch.zeros(2, 3); x[0] = torch.tensor([1., 2., 3.]); x[:, 0] += 1; r = x",
    # .data / detach
    "x = torch.tensor([1., 2.], requires_grad=True); y = x.detach(); y.add_(1); r = x, x._version, y.requires_grad",
    "x = torch.tensor([1., 2.], requires_grad=True); y = x.data; y.add_(1); r = x, x._version",
    "x = torch.tensor([1., 2.], requires_grad=True); z = x * 2; y = z.sigmoid(); z.data.add_(1); y.sum().backward(); r = x.grad",
    "x = torch.tensor([1., 2.], requires_grad=True); z = x * 2; y = z.sigmoid(); z.detach().add_(1); y.sum().backward()",
    # inference mode
    "with torch.inference_mode():\n    x = torch.ones(2)\nr = x.requires_grad, torch.is_inference_mode_enabled()",
    "with torch.inference_mode():\n    x = torch.ones(2)\nx.requires_grad_()",
    "with torch.inference_mode():\n    x = torch.ones(2)\nx.add_(1)",
    "f = torch.inference_mode()(lambda: torch.is_grad_enabled()); r = f(), torch.is_grad_enabled()",
    "x = torch.ones(2)\nwith torch.inference_mode():\n    y = x * 2\nr = y.is_inference(), y.requires_grad",
    "x = torch.ones(2)\nwith torch.inference_mode():\n    y = x * 2\ny.requires_grad_()",
    "w = torch.ones(2, requires_grad=True)\nwith torch.inference_mode():\n    y = torch.ones(2) * 2\nz = y * w",
    "w = torch.ones(2, requires_grad=True)\nwith torch.inference_mode():\n    y = torch.ones(2) * 2\nz = y + w; z.sum().backward(); r = w.grad",
]


def _run(m, code):
    return run_code(m, code)


_norm = norm


@pytest.mark.parametrize("code", CASES)
def test_same_as_pytorch(code):
    torch = pytest.importorskip("torch")
    try:
        want = ("ok", _norm(repr(_run(torch, code))))
    except Exception as e:  # noqa: BLE001 - we compare the exception itself
        want = ("err", type(e), str(e).split("\n")[0][:50])
    try:
        got = ("ok", _norm(repr(_run(fg, code))))
    except Exception as e:  # noqa: BLE001
        got = ("err", type(e), str(e).split("\n")[0][:50])
    assert got == want


def test_second_derivative_closed_form():
    x = fg.tensor([0.3, 1.2], dtype=fg.float64, requires_grad=True)
    (g,) = fg.autograd.grad((x.sin() * x).sum(), x, create_graph=True)
    (h,) = fg.autograd.grad(g.sum(), x)
    xs = x.detach().numpy()
    np.testing.assert_allclose(h.numpy(), 2 * np.cos(xs) - xs * np.sin(xs), rtol=1e-12)


def test_grad_does_not_touch_leaf_grad():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    fg.autograd.grad((x * x).sum(), x)
    assert x.grad is None


def test_unreached_input_error():
    x = fg.tensor(1.0, requires_grad=True)
    z = fg.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        fg.autograd.grad(x * 2, [x, z])


def test_version_error_names_node_shape_and_line():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = x.sin()
    z = y * y
    y.add_(1)  # THE-INPLACE-LINE
    with pytest.raises(RuntimeError) as e:
        z.sum().backward()
    msg = str(e.value)
    assert msg.startswith("one of the variables needed for gradient computation has been "
                          "modified by an inplace operation")
    assert "is at version 1; expected version 0 instead" in msg
    assert "MulBackward0" in msg and "(2,)" in msg and "float32" in msg
    assert "test_semantics.py:" in msg


def test_implicit_grad_error_names_shape_and_fixes():
    y = fg.ones(2, 3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar") as e:
        y.backward()
    assert "(2, 3)" in str(e.value) and "y.sum().backward()" in str(e.value)
    assert "ones_like" in str(e.value)


@pytest.mark.parametrize("make, why", [
    ("with fg.no_grad():\n    y = x * 2", "grad mode was off"),
    ("y = x.detach() * 2", "detach()"),
    ("y = x.data * 2", ".data"),
    ("y = fg.tensor(3) * 2", "integer dtype"),
    ("y = fg.tensor(3.) * 2", "requires_grad=True"),
])
def test_no_grad_error_says_where_graph_was_cut(make, why):
    ns = {"fg": fg, "x": fg.tensor(2.0, requires_grad=True)}
    exec(make, ns)
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad") as e:
        ns["y"].backward()
    assert why in str(e.value)


def test_anomaly_mode_names_node_and_forward_line():
    x = fg.tensor([0.0, 1.0], requires_grad=True)
    with fg.autograd.detect_anomaly():
        y = x.sqrt() * 0  # THE-FORWARD-LINE
        with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan") as e:
            with np.errstate(all="ignore"):
                y.sum().backward()
    assert "THE-FORWARD-LINE" in str(e.value)
    assert not fg.autograd.is_anomaly_enabled()


def test_grad_mode_is_per_thread():
    seen = []

    def worker():
        seen.append(fg.is_grad_enabled())

    with fg.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert not fg.is_grad_enabled()
    assert seen == [True]
