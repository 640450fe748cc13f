"""graph(y): the computation graph of y as Graphviz DOT text, indented text, SVG or an image.

DOT is written here, by hand; Graphviz's ``dot`` renders it when installed, otherwise the graph
is laid out in layers and drawn with matplotlib. In Jupyter the object shows itself as SVG.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..autograd.graph import AccumulateGrad, Node
from . import _walk
from ._walk import fmt, shape_str
from .formulas import formula

__all__ = ["graph", "Graph"]

_FILL = {"leaf": "#cfe8fc", "output": "#d4f4c4", "op": "#f2f2f2", "custom": "#fde2c8",
         "more": "#ffffff"}


@dataclass
class GNode:
    """One box of the drawing: `kind` is leaf, op, custom, output or more."""

    key: str
    kind: str
    lines: list[str]
    inputs: list[tuple[str, str]] = field(default_factory=list)   # (source key, edge label)


class Graph:
    """The drawing of a computation graph: ``.source`` (DOT), ``.text()``, ``.render(path)``,
    ``.svg()``; Jupyter displays it as SVG."""

    def __init__(self, nodes: list[GNode], title: str) -> None:
        self.nodes = nodes
        self.title = title

    # ---- DOT ----
    @property
    def source(self) -> str:
        """The graph in Graphviz's DOT language (forward direction: inputs above outputs)."""
        out = ["digraph feathergrad {",
               f"  graph [rankdir=TB, label={_q(self.title)}, labelloc=t, fontsize=12];",
               '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
               "  edge [fontname=\"Helvetica\", fontsize=9];"]
        for n in self.nodes:
            out.append(f"  {n.key} [label={_q(chr(10).join(n.lines))}, "
                       f"fillcolor={_q(_FILL[n.kind])}];")
        for n in self.nodes:
            for src, label in n.inputs:
                out.append(f"  {src} -> {n.key}" + (f" [label={_q(label)}];" if label else ";"))
        out.append("}")
        return "\n".join(out) + "\n"

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"<feathergrad graph of {self.title!r}: {len(self.nodes)} nodes>"

    # ---- text ----
    def text(self) -> str:
        """The graph as indented text, from the output down to the leaves (no Graphviz needed).
        A node reached a second time is named, not repeated."""
        by_key = {n.key: n for n in self.nodes}
        roots = [n for n in self.nodes if n.kind == "output"] or self.nodes[:1]
        lines: list[str] = []
        seen: set[str] = set()
        stack: list[tuple[str, str, str, str]] = [(r.key, "", "", "") for r in reversed(roots)]
        while stack:
            key, lead, child_lead, edge = stack.pop()
            n = by_key[key]
            label = "  ".join(n.lines)
            if edge:
                label = f"{edge}: {label}"
            if key in seen:
                lines.append(f"{lead}{edge + ': ' if edge else ''}{n.lines[0]} (shown above)")
                continue
            seen.add(key)
            lines.append(lead + label)
            kids = n.inputs
            for i, (src, elabel) in reversed(list(enumerate(kids))):
                last = i == len(kids) - 1
                stack.append((src, child_lead + ("`- " if last else "|- "),
                              child_lead + ("   " if last else "|  "), elabel))
        return "\n".join(lines)

    # ---- images ----
    def svg(self) -> str:
        """The drawing as SVG text (Graphviz if installed, else matplotlib)."""
        dot = shutil.which("dot")
        if dot:
            try:
                r = subprocess.run([dot, "-Tsvg"], input=self.source, capture_output=True,
                                   text=True, timeout=60, check=True)
                return r.stdout
            except (OSError, subprocess.SubprocessError):
                pass
        import io
        buf = io.StringIO()
        self._save(buf, "svg")
        return buf.getvalue()

    def _repr_svg_(self) -> str:
        return self.svg()

    def render(self, path: str | os.PathLike, format: str | None = None) -> Path:  # noqa: A002
        """Write the drawing to `path` (format from the extension: svg, png, pdf, ..., or dot)
        with Graphviz's ``dot`` when installed, else with matplotlib. Returns the path."""
        path = Path(path)
        fmt_ = (format or path.suffix.lstrip(".") or "svg").lower()
        if fmt_ in ("dot", "gv"):
            path.write_text(self.source)
            return path
        dot = shutil.which("dot")
        if dot:
            try:
                subprocess.run([dot, f"-T{fmt_}", "-o", str(path)], input=self.source,
                               capture_output=True, text=True, timeout=60, check=True)
                return path
            except (OSError, subprocess.SubprocessError):
                pass   # an unknown format for dot, or a broken install: matplotlib below
        self._save(path, fmt_)
        return path

    def _save(self, target: Any, fmt_: str) -> None:
        import matplotlib

        from ._draw import draw
        # NOTE: text stays text in SVG (searchable, selectable), not glyph outlines
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            draw(self).savefig(target, format=fmt_, bbox_inches="tight")


def _q(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def graph(y: Any, *, names: dict[str, Any] | None = None, grads: bool = False,
          max_nodes: int = 300) -> Graph:
    """The computation graph of `y`: one box per node with its op name and formula, saved
    values, and for leaves and the output their shape, dtype, value and (after backward)
    ``.grad``. With `grads`, the backward pass is replayed (nothing is modified) and every
    edge shows the gradient that flows along it. Large tensors are summarised.

    >>> g = graph(x ** 2 + 2 * x + 1)
    >>> print(g.text())              # in a terminal
    >>> g.render("g.svg")            # Graphviz if installed, else matplotlib
    """
    from ..tensor import Tensor
    if not isinstance(y, Tensor):
        raise TypeError(f"graph() expects a Tensor, got {type(y).__name__}")
    nm = _walk.names_from(names, _walk.caller_frame(1) if names is None else None)
    keys: dict[Node, str] = {}
    nodes: list[GNode] = []
    flows = _flows(y) if grads and y._requires_grad else {}
    name = (nm.output(y._grad_fn, y._output_nr) if y._grad_fn is not None
            else nm.leaves.get(id(y))) or "y"
    out = GNode("out", "output", [name] + _tensor_lines(y))
    nodes.append(out)
    root = y._grad_fn if y._grad_fn is not None else (
        y._x.accum if y._x is not None and y._x.accum is not None else None)
    if root is None:
        out.lines.append("(no graph: " + ("a leaf)" if y._requires_grad else
                                          "does not require grad)"))
        return Graph(nodes, f"graph of {name}")
    order = _walk.nodes_of(root)
    shown = order[:max_nodes]
    for i, node in enumerate(shown):
        keys[node] = f"n{i}"
    for node in shown:
        nodes.append(_box(node, keys[node], nm, flows.get(("in", node))))
    more = len(order) - len(shown)
    if more:
        nodes.append(GNode("more", "more", [f"... {more} more nodes (max_nodes={max_nodes})"]))
    out.inputs.append((keys[root], _flow_label(flows, root, y._output_nr, y._grad_fn)))
    by_key = {n.key: n for n in nodes}
    for node in shown:
        names_in = _walk.input_names(node)
        for i, e in enumerate(node.next_functions):
            m = e[0]
            if m is None:
                continue
            src = keys.get(m, "more")
            label = names_in[i] if len(node.next_functions) > 1 and i < len(names_in) else ""
            g = flows.get((node, i))
            if g is not None:
                label = (label + " " if label else "") + f"grad {fmt(g)}"
            by_key[keys[node]].inputs.append((src, label))
    return Graph(nodes, f"graph of {name}")


def _tensor_lines(t: Any) -> list[str]:
    lines = [shape_str(t._data), f"value {fmt(t)}"]
    g = t._grad
    if g is not None:
        lines.append(f"grad {fmt(g)}")
    return lines


def _box(node: Node, key: str, nm: _walk.Names, grad_in: Any) -> GNode:
    if type(node) is AccumulateGrad:
        var = node.variable
        lines = [f"{nm.leaf(node)} (leaf)"]
        lines += _tensor_lines(var) if var is not None else ["(freed)"]
        return GNode(key, "leaf", lines)
    custom = getattr(type(node), "_forward_cls", None)
    lines = [node.name()]
    f = formula(node)
    if custom is not None:
        lines.append(f"custom Function {custom.__name__}")
    elif f is not None:
        lines.append(f"out = {f.forward}")
    outname = nm.output(node)
    if outname:
        lines[0] += f" -> {outname}"
    t = nm.tensors.get((id(node), 0))
    if t is not None:   # the output, known from the caller's variables
        lines.append(f"out {shape_str(t._data)}")
    elif grad_in is not None and not isinstance(grad_in, list):
        lines.append(f"out {shape_str(np.asarray(grad_in))}")   # a gradient has its shape
    saved = _walk.saved_values(node)
    if saved is None:
        lines.append("saved values freed")
    else:
        lines += [f"saved {k} = {fmt(v)}" for k, v in saved if k != "result"][:6]
    return GNode(key, "custom" if custom is not None else "op", lines)


def _flows(y: Any) -> dict:
    """(node, input index) -> gradient flowing along that edge, from a replayed backward."""
    d = y._data
    rep = _walk.replay(y._edge(), np.ones(d.shape, d.dtype), local=False)
    flows: dict = {}
    for step in rep.steps:
        for i, g in enumerate(step.grads_out):
            if g is not None:
                flows[(step.node, i)] = g
        flows[("in", step.node)] = step.grad_in
    return flows


def _flow_label(flows: dict, root: Node, nr: int, fn: Any) -> str:
    g = flows.get(("in", root)) if fn is not None else None
    if g is None:
        return ""
    return f"grad {fmt(g[nr] if isinstance(g, list) else g)}"
