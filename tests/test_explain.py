"""feathergrad.explain (the backward pass step by step) and feathergrad.why_no_grad."""

from __future__ import annotations

import re

import numpy as np
import pytest

import feathergrad as fg


def _step(e, name):
    return [s for s in e.steps if s.node.name() == name]


# ---- explain ------------------------------------------------------------------------------------
def test_lab_example_four_from_the_square_two_from_2x_six_in_grad():
    x = fg.tensor(2.0, requires_grad=True)
    y = x ** 2 + 2 * x + 1
    e = fg.explain(y)
    (pw,) = _step(e, "PowBackward0")
    (mul,) = _step(e, "MulBackward0")
    assert float(pw.grads_out[0]) == 2 * 2.0          # d(x^2)/dx = 2x
    assert float(mul.grads_out[0]) == 2.0             # d(2x)/dx = 2
    assert float(e.grads["x"]) == 2 * 2.0 + 2 == 6
    text = str(e)
    assert text.startswith("Backward pass of y = 9 (grad_fn=<AddBackward0>)")
    assert f"x = 2: 2 (step {mul.index}) + 4 (step {pw.index}) = 6" in text
    assert "d out/d x = n*x**(n-1) = 4 (with n = 2)" in text
    assert "chain rule: g * 4 = 1 * 4 = 4 -> x (leaf)" in text
    assert "d out/d a = b = 2" in text
    assert [s.index for s in e.steps] == list(range(1, 5))
    assert repr(e) == text


def test_steps_follow_the_engines_order():
    x = fg.tensor(0.5, requires_grad=True)
    y = (x.exp() * x.sin() + x.tanh()).sigmoid()
    order = []
    handles = [n.register_prehook(lambda g, n=n: order.append(n.name()))
               for n in _nodes(y.grad_fn) if n.name() != "AccumulateGrad"]
    e = fg.explain(y)
    y.backward()
    for h in handles:
        h.remove()
    assert [s.node.name() for s in e.steps] == order
    np.testing.assert_allclose(e.grads["x"], x.grad.numpy())


def _nodes(fn):
    seen, stack = [], [fn]
    while stack:
        n = stack.pop()
        if n is not None and n not in seen:
            seen.append(n)
            stack.extend(e[0] for e in n.next_functions)
    return seen


def test_explain_changes_nothing_and_works_after_retained_backward():
    x = fg.tensor(2.0, requires_grad=True)
    y = x ** 2 + 2 * x + 1
    fg.explain(y)
    assert x.grad is None
    y.backward(retain_graph=True)          # the graph was not freed by explain
    assert x.grad.item() == 6
    e = fg.explain(y)
    assert "x.grad is now 6" in str(e) and float(e.grads["x"]) == 6
    y.backward()
    e = fg.explain(y)                      # now the saved values are gone
    text = str(e)
    assert "freed" in text and "x.grad is now 12" in text


def test_partial_derivatives_match_pytorch():
    torch = pytest.importorskip("torch")

    def f(m, u, v):
        return u * v + (u * v) ** 2 + m.sin(u) / (1 + v * v)

    u, v = fg.tensor(2.0, requires_grad=True), fg.tensor(1.0, requires_grad=True)
    e = fg.explain(f(fg, u, v))
    tu = torch.tensor(2.0, requires_grad=True)
    tv = torch.tensor(1.0, requires_grad=True)
    f(torch, tu, tv).backward()
    assert float(e.grads["u"]) == pytest.approx(tu.grad.item(), rel=1e-6)
    assert float(e.grads["v"]) == pytest.approx(tv.grad.item(), rel=1e-6)


def test_large_tensors_are_summarised():
    x = fg.linspace(-10, 10, 1000, requires_grad=True)
    y = fg.relu(x).sum()
    e = fg.explain(y)
    text = str(e)
    assert max(len(line) for line in text.splitlines()) < 250
    assert "<shape (1000,) float32: min 0, max 1, mean 0.5>" in text
    np.testing.assert_array_equal(e.grads["x"], (np.linspace(-10, 10, 1000) > 0))


def test_kink_convention_is_stated():
    a = fg.tensor([0.0, 1.0, -1.0], requires_grad=True)
    text = str(fg.explain(fg.relu(a).sum()))
    assert "relu is not differentiable at 0; PyTorch uses 0 there (at 1 element)" in text
    assert "not differentiable" not in str(fg.explain(fg.relu(a + 0.5).sum()))


def test_custom_function_backward_is_shown():
    class SQ(fg.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            ctx.save_for_backward(i)
            return i ** 2

        @staticmethod
        def backward(ctx, grad_output):
            (i,) = ctx.saved_tensors
            return 2 * i      # the lab's mistake: grad_output is ignored

    x = fg.tensor(2.0, requires_grad=True)
    text = str(fg.explain(SQ.apply(x) * 3))
    assert "custom Function SQ; its backward is your SQ.backward" in text
    assert "incoming gradient grad_output = 3" in text
    assert "i: backward returned 4 -> x (leaf)" in text


def test_non_scalar_outputs_names_and_errors():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
        fg.explain(x * x)
    e = fg.explain(x * x, fg.tensor([1.0, 10.0]), names={"p": x})
    np.testing.assert_array_equal(e.grads["p"], [2.0, 40.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        fg.explain(fg.tensor(1.0) * 2)
    with pytest.raises(TypeError):
        fg.explain(1.0)
    leaf = fg.tensor(1.0, requires_grad=True)
    assert "(a leaf)" in str(fg.explain(leaf))


def test_unknown_node_falls_back_to_the_op_table_rule():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = fg.cumsum(x, 0).sum() if hasattr(fg, "cumsum") else None
    if y is None:
        pytest.skip("no cumsum in this build")
    text = str(fg.explain(y))
    assert re.search(r"CumsumBackward0", text)
    assert float(fg.explain(y).grads["x"][0]) == 2.0   # x0 appears in both partial sums


def test_explain_graph_and_why_agree_with_the_engine_on_every_op_sample():
    """For every sample of the op table: the leaves' gradients in explain() are the engine's,
    and graph()/why_no_grad() run. Samples the engine itself cannot differentiate are left out."""
    from tests.opsamples import all_samples
    checked, failures = 0, []
    for s in all_samples():
        ins = [fg.tensor(a, requires_grad=(a.dtype.kind == "f" and i not in s.nondiff))
               if isinstance(a, np.ndarray) else a for i, a in enumerate(s.inputs)]
        leaves = [t for t in ins if isinstance(t, fg.Tensor) and t.requires_grad]
        try:
            out = s.fn(fg, *ins)
            outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,))
                    if isinstance(o, fg.Tensor) and o.requires_grad]
            if not outs or not leaves:
                continue
            # distinct weights per element, so that every path's gradient is visible
            y = sum((o * fg.tensor(np.linspace(0.5, 1.5, o.numel()).reshape(o.shape),
                                   dtype=o.dtype)).sum() for o in outs)
            want = fg.autograd.grad(y, leaves, retain_graph=True, allow_unused=True)
        except Exception:
            continue
        checked += 1
        try:
            e = fg.explain(y, names={f"x{i}": t for i, t in enumerate(leaves)})
            for i, w in enumerate(want):
                got = e.grads.get(f"x{i}")
                if w is None:
                    assert got is None or not np.any(got)
                else:
                    np.testing.assert_allclose(np.broadcast_to(got, w.shape), w.numpy(),
                                               rtol=1e-6, atol=1e-9)
            assert str(e) and fg.viz.graph(y, grads=True).text()
            assert all(fg.why_no_grad(t, y).reason == "not_run"
                       for i, t in enumerate(leaves) if np.any(e.grads.get(f"x{i}")))
        except Exception as exc:
            failures.append(f"{s}: {exc!r}"[:300])
    assert checked > 100 and not failures, "\n".join(failures)


# ---- why_no_grad --------------------------------------------------------------------------------
def test_why_not_a_leaf():
    x = fg.tensor(2.0, requires_grad=True)
    h = x * 2
    y = h ** 2
    d = fg.why_no_grad(h, y)
    assert d.reason == "not_leaf" and "h.retain_grad()" in str(d) and "MulBackward0" in str(d)


def test_why_integer_and_no_requires_grad_and_inference():
    assert fg.why_no_grad(fg.tensor(3)).reason == "integer_dtype"
    p = fg.tensor(3.0)
    w = fg.tensor(1.0, requires_grad=True)
    d = fg.why_no_grad(p, p * w)
    assert d.reason == "no_requires_grad" and "requires_grad=True" in d.message
    with fg.inference_mode():
        t = fg.tensor(1.0)
    assert fg.why_no_grad(t).reason == "inference"


def test_why_detached_names_the_node_and_the_line():
    x = fg.tensor(2.0, requires_grad=True)
    w = fg.tensor(3.0, requires_grad=True)
    y = x.detach() * w
    d = fg.why_no_grad(x, y)
    assert d.reason == "detached" and d.node is y.grad_fn and "MulBackward0" in d.message
    z = x.data * w
    assert fg.why_no_grad(x, z).reason == "detached"
    with fg.autograd.detect_anomaly():
        y = x.detach() * w   # the line to be named
    d = fg.why_no_grad(x, y)
    assert d.line is not None and "y = x.detach() * w" in d.line and "test_explain.py" in d.line


def test_why_output_cut_under_no_grad():
    x = fg.tensor(2.0, requires_grad=True)
    with fg.no_grad():
        y = x * 3
    d = fg.why_no_grad(x, y)
    assert d.reason == "output_no_grad" and "no_grad()" in d.message


def test_why_not_connected():
    x = fg.tensor(2.0, requires_grad=True)
    w = fg.tensor(3.0, requires_grad=True)
    y = (x > 0).to(fg.float32) * w
    d = fg.why_no_grad(x, y)
    assert d.reason == "not_connected" and "comparisons" in d.message


def test_why_zero_gradient_through_rounding_and_dead_relu():
    x = fg.tensor(2.3, requires_grad=True)
    w = fg.tensor(1.5, requires_grad=True)
    d = fg.why_no_grad(x, fg.sign(x) * w)
    assert d.reason == "zero_gradient" and d.node.name() == "SignBackward0"
    if hasattr(fg, "round"):
        d = fg.why_no_grad(x, fg.round(x) * w + w)
        assert d.reason == "zero_gradient" and "RoundBackward0" in d.message
    a = fg.tensor([-1.0, -2.0], requires_grad=True)
    d = fg.why_no_grad(a, fg.relu(a).sum())
    assert d.reason == "zero_gradient" and "relu" in d.message


def test_why_ok_not_run_and_zeroed():
    x = fg.tensor(2.0, requires_grad=True)
    y = x ** 2
    d = fg.why_no_grad(x, y)
    assert d.reason == "not_run" and "x.grad = 4" in d.message   # 2x at 2
    y.backward()
    assert fg.why_no_grad(x, y).reason == "ok"
    x.grad.zero_()
    assert fg.why_no_grad(x, x ** 2).reason == "zeroed"
    with pytest.raises(TypeError):
        fg.why_no_grad(2.0)
