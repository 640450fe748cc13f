"""feathergrad.viz: plots of f and f', and drawings of the computation graph (DOT, text, SVG)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import feathergrad as fg
from feathergrad.viz import graph, plot_derivative

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def plt():
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt
    yield plt
    plt.close("all")


def test_import_feathergrad_loads_no_toolkit_and_no_matplotlib():
    code = ("import sys, feathergrad as fg; fg.tensor(1.); "
            "bad = [m for m in sys.modules if m.startswith(('matplotlib', 'feathergrad.viz', "
            "'feathergrad.cli', 'feathergrad.autograd.check'))]; print(bad); "
            "assert fg.plot is fg.viz.plot_derivative and fg.explain and fg.why_no_grad; "
            "assert 'matplotlib' not in sys.modules")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


# ---- plots --------------------------------------------------------------------------------------
def test_plot_relu_and_its_derivative(plt):
    fig = fg.plot(fg.relu, (-10, 10), 1001)
    (ax,) = fig.axes
    f, d = ax.lines
    xs = np.linspace(-10, 10, 1001)
    assert np.array_equal(f.get_xdata(), xs) and np.array_equal(d.get_xdata(), xs)
    assert np.array_equal(f.get_ydata(), np.maximum(xs, 0))
    assert np.array_equal(d.get_ydata(), (xs > 0).astype(float))   # relu'(0) = 0, as PyTorch
    assert [line.get_label() for line in ax.lines] == ["relu(x)", "relu'(x)"]
    assert ax.get_legend() is not None and ax.get_xlabel() == "x"


def test_plot_second_derivative_and_expressions(plt):
    fig = plot_derivative(lambda x: x ** 3, (-2, 2), 50, second=True)
    xs = np.linspace(-2, 2, 50)
    ys = [line.get_ydata() for line in fig.axes[0].lines]
    assert len(ys) == 3
    np.testing.assert_allclose(ys[0], xs ** 3)
    np.testing.assert_allclose(ys[1], 3 * xs ** 2)
    np.testing.assert_allclose(ys[2], 6 * xs)
    fig = plot_derivative("sin(t)", "0:3", 30)
    ts = np.linspace(0, 3, 30)
    ys = [line.get_ydata() for line in fig.axes[0].lines]
    np.testing.assert_allclose(ys[1], np.cos(ts), atol=1e-12)
    assert "sin(t)" in fig.axes[0].get_title() and fig.axes[0].get_xlabel() == "t"


def test_plot_on_given_axes_and_at_given_points(plt):
    fig, ax = plt.subplots()
    assert plot_derivative(fg.exp, np.array([0.0, 1.0, 2.0]), ax=ax) is fig
    np.testing.assert_allclose(ax.lines[1].get_ydata(), np.exp([0.0, 1.0, 2.0]))
    fig = plot_derivative(lambda x: 3 + 0 * x, (0, 1), 5)   # constant: f' is 0
    assert np.array_equal(fig.axes[0].lines[1].get_ydata(), np.zeros(5))


def test_plot_refuses_bad_arguments(plt):
    with pytest.raises(ValueError, match="elementwise"):
        plot_derivative(lambda x: x.sum(), (0, 1))
    with pytest.raises(ValueError, match="low < high"):
        plot_derivative(fg.exp, (1, 0))
    with pytest.raises(ValueError, match="points"):
        plot_derivative(fg.exp, (0, 1), 1)
    with pytest.raises(ValueError, match="one variable"):
        plot_derivative("x*y", (0, 1))
    with pytest.raises(TypeError):
        plot_derivative(42, (0, 1))
    with pytest.raises(ValueError, match="not allowed"):
        plot_derivative("x.__class__", (0, 1))


# ---- graphs -------------------------------------------------------------------------------------
def _lab_graph():
    x = fg.tensor(2.0, requires_grad=True)
    y = x ** 2 + 2 * x + 1
    return x, y


def _walk(fn):
    """Node class names of a graph, by an independent walk of grad_fn.next_functions."""
    seen, stack, names = set(), [fn], []
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        names.append(type(n).__name__)
        stack.extend(e[0] for e in n.next_functions)
    return sorted(names)


def _parse_dot(src: str):
    nodes = dict(re.findall(r'^  (\w+) \[label="((?:[^"\\]|\\.)*)"', src, re.M))
    edges = re.findall(r"^  (\w+) -> (\w+)", src, re.M)
    return nodes, edges


def test_dot_text_has_ops_shapes_saved_values_and_grads():
    x, y = _lab_graph()
    src = graph(y).source
    assert src.startswith("digraph") and src.rstrip().endswith("}")
    assert src.count("{") == src.count("}")
    nodes, edges = _parse_dot(src)
    ops = sorted(label.split("\\n")[0].split(" ")[0] for k, label in nodes.items() if k != "out")
    want = sorted("x" if n == "AccumulateGrad" else n for n in _walk(y.grad_fn))
    assert ops == want == sorted(["AddBackward0", "AddBackward0", "PowBackward0",
                                  "MulBackward0", "x"])
    assert all(a in nodes and b in nodes for a, b in edges)
    assert len(edges) == 1 + 5   # output <- Add <- (Add <- (Pow, Mul)), Pow <- x, Mul <- x
    assert "x (leaf)\\n() float32\\nvalue 2" in src
    assert "saved x = 2" in src and "saved n = 2" in src and "out = x**n" in src
    assert "y\\n() float32\\nvalue 9" in src
    assert "grad" not in src.split("edge [")[1]
    y.backward()
    assert "x (leaf)\\n() float32\\nvalue 2\\ngrad 6" in graph(y).source   # 2x + 2 at 2
    assert "saved values freed" in graph(y).source


def test_graph_node_names_match_pytorch():
    torch = pytest.importorskip("torch")

    def f(m, a, b):
        h = m.tanh(a * b).sum() + (a / b).exp().mean()
        return h * h

    a, b = np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.5, 1.0])
    ours = f(fg, fg.tensor(a, requires_grad=True), fg.tensor(b, requires_grad=True))
    theirs = f(torch, torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True))
    nodes, _ = _parse_dot(graph(ours).source)
    names = sorted(label.split("\\n")[0].split(" ")[0] for k, label in nodes.items()
                   if k != "out" and "(leaf)" not in label)
    assert names == [n for n in _walk(theirs.grad_fn) if n != "AccumulateGrad"]


def test_graph_with_gradients_on_edges():
    u = fg.tensor(2.0, requires_grad=True)
    v = fg.tensor(1.0, requires_grad=True)
    w = u * v
    f = w + w ** 2
    src = graph(f, grads=True).source
    nodes, _ = _parse_dot(src)
    assert 'label="a grad 5"' in src and 'label="b grad 10"' in src   # v+2uv^2, u+2u^2v
    assert any(label.startswith("MulBackward0 -> w") for label in nodes.values())
    assert u.grad is None   # drawing changes nothing


def test_graph_text_terminal_drawing():
    x, y = _lab_graph()
    text = graph(y).text()
    lines = text.splitlines()
    assert lines[0].startswith("y  () float32  value 9")
    assert sum("x (leaf)" in line for line in lines) == 2
    assert sum("(shown above)" in line for line in lines) == 1
    assert all(line.startswith(("y", "`-", "|", " ")) for line in lines)
    depth = {line.split(": ", 1)[-1].split()[0]: len(line) - len(line.lstrip(" |`-"))
             for line in lines}
    assert depth["PowBackward0"] > depth["AddBackward0"]


def test_graph_summarises_large_tensors_and_caps_nodes():
    x = fg.linspace(-1, 1, 1000, requires_grad=True)
    y = fg.relu(x).sum()
    src = graph(y).source
    assert "<shape (1000,) float32: min -1, max 1, mean 0>" in src
    assert max(len(line) for line in src.splitlines()) < 400
    z = fg.tensor(1.0, requires_grad=True)
    for _ in range(1000):
        z = z * 1.0
    g = graph(z, max_nodes=50)
    assert len(g.nodes) == 52 and "951 more nodes" in g.source   # 1000 Mul + the leaf
    assert len(g.text().splitlines()) <= 60


def test_render_svg_and_png_without_graphviz(tmp_path, monkeypatch, plt):
    import feathergrad.viz._graph as gmod
    monkeypatch.setattr(gmod.shutil, "which", lambda name: None)
    x, y = _lab_graph()
    g = graph(y)
    svg = g.render(tmp_path / "g.svg")
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    for word in ("PowBackward0", "MulBackward0", "AddBackward0", "x (leaf)"):
        assert word in text
    assert g._repr_svg_().count("<svg") == 1
    png = g.render(tmp_path / "g.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert g.render(tmp_path / "g.dot").read_text() == g.source


@pytest.mark.skipif(not __import__("shutil").which("dot"), reason="Graphviz not installed")
def test_render_with_graphviz(tmp_path):
    x, y = _lab_graph()
    assert "PowBackward0" in graph(y).render(tmp_path / "g.svg").read_text()


def test_graph_of_leaf_and_of_constant():
    x = fg.tensor(3.0, requires_grad=True)
    assert "a leaf" in graph(x).source
    assert "does not require grad" in graph(fg.tensor(1.0) * 2).source
    with pytest.raises(TypeError):
        graph(3.0)


def test_graph_of_custom_function():
    class Double(fg.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            return i * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = fg.tensor(1.0, requires_grad=True)
    src = graph(Double.apply(x) + x).source
    assert "DoubleBackward\\ncustom Function Double" in src
