"""why_no_grad(x, y): why ``x.grad`` is None or zero after ``y.backward()``, in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..autograd.graph import AccumulateGrad, Node
from . import _walk
from ._walk import fmt

__all__ = ["why_no_grad", "Diagnosis"]

# Nodes whose derivative is zero wherever it exists: a path through them carries no gradient.
_ZERO_OPS = {"SignBackward0": "sign", "SgnBackward0": "sign", "RoundBackward0": "round",
             "RoundBackward1": "round", "FloorBackward0": "floor", "CeilBackward0": "ceil",
             "TruncBackward0": "trunc"}

_CUT_HINT = ("Operations that cut the graph: .detach(), .data, .item(), .numpy() and "
             "torch.tensor(...) copies, comparisons (x > 0), argmax/argmin, conversions to an "
             "integer or bool dtype, and anything computed under no_grad() or inference_mode().")


@dataclass
class Diagnosis:
    """The answer of :func:`why_no_grad`: a short ``reason`` code and a ``message``.

    reason is one of: ``ok``, ``not_run``, ``integer_dtype``, ``not_leaf``, ``inference``,
    ``no_requires_grad``, ``detached``, ``output_no_grad``, ``not_connected``,
    ``zero_gradient``, ``zeroed``. ``node`` is the node where the path breaks (if one is known)
    and ``line`` the source line that created it (known under ``detect_anomaly()``).
    """

    reason: str
    message: str
    node: Node | None = None
    line: str | None = None

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:   # IPython/Jupyter
        p.text(self.message)


def why_no_grad(x: Any, y: Any = None, *, names: dict[str, Any] | None = None) -> Diagnosis:
    """Say why ``x.grad`` is None or zero after ``y.backward()`` (or would be).

    Finds: an integer dtype; a non-leaf without ``retain_grad()``; a tensor that does not
    require grad (created without ``requires_grad=True``, under ``no_grad()`` or from
    ``detach()``/``.data``); an output ``y`` that does not require grad; ``x`` not connected to
    ``y`` (naming the node that uses a detached copy of ``x`` where there is one); a path that
    only goes through zero-gradient ops (rounding, sign; relu of negative inputs), naming the
    node where the gradient becomes 0. Nothing is modified.

    >>> x = tensor(2., requires_grad=True)
    >>> y = x.detach() * 3
    >>> why_no_grad(x, y).reason
    'output_no_grad'
    """
    from ..tensor import Tensor
    if not isinstance(x, Tensor):
        raise TypeError(f"why_no_grad() expects a Tensor x, got {type(x).__name__}")
    if y is not None and not isinstance(y, Tensor):
        raise TypeError(f"why_no_grad() expects a Tensor y, got {type(y).__name__}")
    nm = _walk.names_from(names, _walk.caller_frame(1) if names is None else None)
    xn = _name(x, nm, "x")
    yn = _name(y, nm, "y") if y is not None else "y"
    if x._data.dtype.kind not in "fc":
        return Diagnosis("integer_dtype", (
            f"{xn} has dtype {x.dtype}: only floating point tensors carry gradients. Create it "
            f"as floating point with requires_grad=True, e.g. torch.tensor(2.0, "
            f"requires_grad=True), or {xn}.float().requires_grad_()."))
    if x._x is not None and x._x.inference:
        return Diagnosis("inference", (
            f"{xn} was created under inference_mode(): inference tensors never record a graph. "
            "Create it outside inference_mode() (or clone() it there) to differentiate."))
    if x._grad_fn is not None and not x.retains_grad:
        return Diagnosis("not_leaf", (
            f"{xn} is not a leaf: it was computed by {x._grad_fn.name()}, and backward() fills "
            f".grad only of leaves (tensors created with requires_grad=True). Call "
            f"{xn}.retain_grad() before {yn}.backward() to keep its gradient, or get it "
            f"directly with torch.autograd.grad({yn}, {xn})."), x._grad_fn)
    if not x._requires_grad:
        found = _detached_use(x, y) if y is not None and y._grad_fn is not None else None
        if found is not None:
            return _detached(xn, yn, found)
        return Diagnosis("no_requires_grad", (
            f"{xn} does not require grad, so no gradient is ever computed for it. Either it was "
            f"created without requires_grad=True, or computed under no_grad(), or taken from "
            f"a .detach()/.data copy. Create it with requires_grad=True (e.g. "
            f"torch.tensor(2.0, requires_grad=True)) or call {xn}.requires_grad_() before "
            f"computing {yn}."))
    if y is None:
        return _grad_state(x, xn, "y", None)
    if not y._requires_grad:
        return _output_no_grad(x, y, xn, yn)
    target = _target(x)
    root = y._grad_fn if y._grad_fn is not None else _target(y)
    if target is None or root is None or target not in _walk.nodes_of(root):
        if y is x:
            return _grad_state(x, xn, yn, None)
        found = _detached_use(x, y)
        if found is not None:
            return _detached(xn, yn, found)
        return Diagnosis("not_connected", (
            f"{xn} is not connected to {yn}: {yn}'s graph never reaches {xn}, so "
            f"{yn}.backward() gives {xn} no gradient. Somewhere between them the graph was cut. "
            + _CUT_HINT))
    # NOTE: a non-scalar y is seeded with ones: the gradient of y.sum()
    rep = _walk.replay(y._edge(), np.ones(y._data.shape, y._data.dtype), local=False)
    if not rep.complete:
        return _grad_state(x, xn, yn, None)
    flow = _flow_to(rep, target, x)
    if flow is None or not np.any(flow):
        return _zero_path(rep, target, xn, yn)
    return _grad_state(x, xn, yn, flow)


def _name(t: Any, nm: _walk.Names, default: str) -> str:
    if t._grad_fn is not None:
        return nm.output(t._grad_fn, t._output_nr) or default
    return nm.leaves.get(id(t), default)


def _target(t: Any) -> Node | None:
    """The node a gradient for `t` arrives at, without creating one."""
    if t._grad_fn is not None:
        return t._grad_fn
    x = t._x
    return x.accum if x is not None else None


def _line(node: Node | None) -> str | None:
    """The user's source line that created `node` (recorded under detect_anomaly())."""
    ext = getattr(node, "_ext", None)
    tb = ext.anomaly if ext is not None else None
    if not tb:
        return None
    last = tb[-1].strip().splitlines()
    where = last[0].strip()
    code = last[1].strip() if len(last) > 1 else ""
    return f"{where}: {code}" if code else where


def _where(node: Node) -> str:
    line = _line(node)
    if line:
        return f" ({line})"
    return (" (run the forward pass under torch.autograd.detect_anomaly() to see the line that "
            "created it)")


def _detached_use(x: Any, y: Any) -> tuple[Node, str] | None:
    """A node of y's graph that holds x's memory without x's gradient: a detach()/.data copy."""
    from ..tensor import Tensor
    root = y._grad_fn
    if root is None:
        return None
    for node in _walk.nodes_of(root):
        if type(node) is AccumulateGrad:
            var = node.variable
            if var is not None and var is not x and np.shares_memory(var._data, x._data):
                return node, "leaf"
            continue
        for k, v in _walk.saved_values(node) or []:
            if isinstance(v, Tensor) and v is not x and not v._requires_grad and \
                    np.shares_memory(v._data, x._data):
                return node, k
    return None


def _detached(xn: str, yn: str, found: tuple[Node, str]) -> Diagnosis:
    node, k = found
    if k == "leaf":
        what = (f"a leaf that shares {xn}'s memory (made by {xn}.detach().requires_grad_() or "
                "similar)")
    else:
        what = f"{node.name()}, whose input {k} is {xn}'s data cut from the graph"
    return Diagnosis("detached", (
        f"{xn} reaches {yn} only through a copy cut from the graph by {xn}.detach() or "
        f"{xn}.data: it is used in {what}{_where(node)}. Use {xn} itself there (keep .detach() "
        "for values that must not be differentiated)."), node, _line(node))


def _output_no_grad(x: Any, y: Any, xn: str, yn: str) -> Diagnosis:
    if y._x is not None and y._x.inference:
        why = f"{yn} was computed under inference_mode()"
    else:
        why = (f"none of {yn}'s inputs required grad when it was computed: it was computed "
               f"under no_grad(), or from tensors cut by .detach()/.data, or before "
               f"{xn}.requires_grad was set")
    found = _detached_use(x, y)
    extra = ""
    if found is not None:
        extra = f" ({found[0].name()} uses a detached copy of {xn}{_where(found[0])})"
    return Diagnosis("output_no_grad", (
        f"{yn} does not require grad: {why}{extra}. {yn}.backward() raises, and {xn} gets no "
        f"gradient. Compute {yn} from {xn} with grad mode on (outside no_grad())."),
        found[0] if found else None, _line(found[0]) if found else None)


def _flow_to(rep: _walk.Replay, target: Node, x: Any) -> Any:
    if type(target) is AccumulateGrad:
        return rep.leaf_grads.get(target)
    for step in rep.steps:
        if step.node is target:
            g = step.grad_in
            return g[x._output_nr] if isinstance(g, list) else g
    return None


def _zero_path(rep: _walk.Replay, target: Node, xn: str, yn: str) -> Diagnosis:
    """Find where the gradient on every path from y to x becomes zero."""
    leads = _walk_back(rep, target)
    for step in rep.steps:
        node = step.node
        if node not in leads or node is target or step.grad_in is None:
            continue
        g = step.grad_in
        if not any(np.any(v) for v in (g if isinstance(g, list) else [g]) if v is not None):
            continue
        toward = [gi for e, gi in zip(node.next_functions, step.grads_out) if e[0] in leads]
        if toward and not any(gi is not None and np.any(gi) for gi in toward):
            name = node.name()
            if name in _ZERO_OPS:
                why = (f"{_ZERO_OPS[name]}() is piecewise constant: its derivative is 0 "
                       "everywhere it exists")
            elif name == "ReluBackward0":
                why = "every input of relu is <= 0 here, where relu's derivative is 0"
            else:
                why = f"its gradient toward {xn} is 0 at this point (a product with 0?)"
            return Diagnosis("zero_gradient", (
                f"{xn} is connected to {yn} only through {name}{_where(node)}: {why}. So "
                f"{yn}.backward() gives {xn} a gradient of 0."), node, _line(node))
    return Diagnosis("zero_gradient", (
        f"the gradients reaching {xn} from {yn} cancel out: {yn} does not change (to first "
        f"order) when {xn} changes at this point."))


def _walk_back(rep: _walk.Replay, target: Node) -> set:
    """Nodes from which `target` can be reached (target included)."""
    leads = {target}
    changed = True
    nodes = [s.node for s in rep.steps]
    while changed:   # a few passes in reverse execution order converge quickly
        changed = False
        for node in reversed(nodes):
            if node not in leads and any(e[0] in leads for e in node.next_functions):
                leads.add(node)
                changed = True
    return leads


def _grad_state(x: Any, xn: str, yn: str, flow: Any) -> Diagnosis:
    g = x._grad
    if flow is not None:
        flow_text = fmt(flow)
        if g is None:
            return Diagnosis("not_run", (
                f"{xn}.grad is None because no backward pass has run yet (or it was reset by "
                f"zero_grad(set_to_none=True)). {yn}.backward() will give {xn}.grad = "
                f"{flow_text}."))
        if not np.any(g._data):
            return Diagnosis("zeroed", (
                f"{xn}.grad is 0 because it was zeroed after the backward pass (zero_grad() or "
                f"{xn}.grad.zero_()). {yn}.backward() gives {xn} a gradient of {flow_text}."))
        return Diagnosis("ok", f"{xn}.grad is {fmt(g)}: {xn} is connected to {yn} and receives "
                               f"a gradient ({flow_text} per backward pass of {yn}).")
    if g is None:
        return Diagnosis("not_run", (
            f"{xn}.grad is None: no backward pass has reached {xn} yet. Call backward() on a "
            f"result computed from {xn}."))
    return Diagnosis("ok", f"{xn}.grad is {fmt(g)}.")
