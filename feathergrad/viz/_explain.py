"""explain(y): the backward pass of y, step by step, as a learner would work it out by hand."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.graph import AccumulateGrad, Node
from . import _walk
from ._walk import Names, Replay, Step, fmt
from .formulas import formula, rule_source

__all__ = ["explain", "Explanation"]


class Explanation:
    """The trace returned by :func:`explain`; ``print()`` it, or let a notebook display it.

    ``steps`` are the replayed nodes in execution order; ``grads`` maps each leaf's name to the
    gradient that ``y.backward()`` accumulates into its ``.grad``.
    """

    def __init__(self, text: str, replay: Replay, grads: dict[str, np.ndarray | None]) -> None:
        self.text = text
        self.replay = replay
        self.steps = replay.steps
        self.grads = grads

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:   # IPython/Jupyter
        p.text(self.text)


def explain(y: Any, gradient: Any = None, *, names: dict[str, Any] | None = None) -> Explanation:
    """Trace the backward pass of `y`: for each node in execution order, its local derivative
    formula, the incoming gradient, the chain-rule product and what flows to each input, then
    the gradients accumulated in the leaves. Nothing is modified: ``.grad`` is left alone and
    the graph is not freed, so it works before ``y.backward()`` (or after one with
    ``retain_graph=True``; after a plain ``backward()`` the saved values are gone and the trace
    shows the structure and the leaves' ``.grad``).

    Tensors are named after the caller's variables (or `names`, {name: tensor}). Large tensors
    are summarised, never printed whole. At kinks the trace states the convention used
    (relu'(0) = 0, |x|'(0) = 0, ties of max share the gradient).

    >>> x = tensor(2., requires_grad=True)
    >>> y = x ** 2 + 2 * x + 1
    >>> print(explain(y))        # 4 from the square, 2 from 2*x: 6 in x.grad
    """
    from ..tensor import Tensor
    if not isinstance(y, Tensor):
        raise TypeError(f"explain() expects a Tensor, got {type(y).__name__}")
    if not y._requires_grad:
        raise RuntimeError(
            "element 0 of tensors does not require grad and does not have a grad_fn\n"
            "feathergrad: there is no backward pass to explain; feathergrad.why_no_grad(x, y) "
            "says why a tensor is cut from the graph.")
    seed = _seed(y, gradient)
    nm = _walk.names_from(names, _walk.caller_frame(1) if names is None else None)
    root_name = nm.output(y._grad_fn, y._output_nr) if y._grad_fn is not None else None
    if y._grad_fn is None:
        root_name = nm.leaves.get(id(y))
    root_name = root_name or "y"
    rep = _walk.replay(y._edge(), seed)
    lines = [f"Backward pass of {root_name} = {fmt(y)}"
             + (f" (grad_fn=<{y._grad_fn.name()}>)" if y._grad_fn is not None else " (a leaf)"),
             f"start: d{root_name}/d{root_name} = {fmt(seed)}"
             + ("" if gradient is None else " (the gradient passed in)")]
    for step in rep.steps:
        lines.append("")
        lines += _step_lines(step, nm, rep)
    grads = _leaf_lines(lines, rep, nm, root_name)
    return Explanation("\n".join(lines), rep, grads)


def _seed(y: Any, gradient: Any) -> np.ndarray:
    from ..tensor import Tensor
    d = y._data
    if gradient is None:
        if d.size != 1:
            raise RuntimeError(
                "grad can be implicitly created only for scalar outputs\nfeathergrad: pass the "
                "gradient of the output (explain(y, torch.ones_like(y))) or reduce it first "
                "(explain(y.sum())).")
        return np.ones(d.shape, dtype=d.dtype)
    g = gradient._data if isinstance(gradient, Tensor) else np.asarray(gradient, dtype=d.dtype)
    if g.shape != d.shape:
        raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                           f"torch.Size({list(g.shape)}) and output[0] has a shape of "
                           f"torch.Size({list(d.shape)}).")
    return g


def _step_lines(step: Step, nm: Names, rep: Replay) -> list[str]:
    node = step.node
    f = formula(node)
    custom = getattr(type(node), "_forward_cls", None)
    out_name = nm.output(node)
    what = f" -> {out_name}" if out_name else ""
    if custom is not None:
        head = (f"step {step.index}  {node.name()}{what}: custom Function "
                f"{custom.__name__}; its backward is your {custom.__name__}.backward")
    elif f is not None:
        head = f"step {step.index}  {node.name()}{what}: out = {f.forward}"
    else:
        head = f"step {step.index}  {node.name()}{what}"
    lines = [head]
    saved = _walk.saved_values(node)
    if saved:
        lines.append("    saved in forward: " + ", ".join(f"{k} = {fmt(v)}" for k, v in saved))
    if step.error is not None:
        lines.append(f"    not replayed: {step.error}")
        _structure(lines, node, nm, rep, f)
        return lines
    g = step.grad_in
    gname = "grad_output" if custom is not None else "g"
    if g is None:
        lines.append("    no gradient reaches this node: nothing flows on")
        return lines
    if isinstance(g, list):
        lines.append("    incoming gradients: "
                     + ", ".join(f"{gname}[{i}] = {fmt(x)}" for i, x in enumerate(g)))
    else:
        lines.append(f"    incoming gradient {gname} = {fmt(g)}")
    names = _walk.input_names(node)
    src = rule_source(node) if f is None and custom is None else None
    if src:
        lines.append(f"    rule (from the op table): {src}")
    for i, (e, gi) in enumerate(zip(node.next_functions, step.grads_out)):
        name = names[i] if i < len(names) else f"input {i}"
        if e[0] is None:
            lines.append(f"    {name}: a constant, no gradient")
            continue
        target = _walk.edge_target(e[0], nm, rep.step_of)
        if gi is None:
            lines.append(f"    {name}: no gradient (backward returned None) -> {target}")
            continue
        if custom is not None:
            lines.append(f"    {name}: backward returned {fmt(gi)} -> {target}")
            continue
        local = step.local[i] if step.local is not None and i < len(step.local) else None
        expr = f.local.get(name) if f is not None else None
        if f is not None and f.elementwise and local is not None and not isinstance(g, list):
            value = fmt(local)
            law = f"d out/d {name} = {expr}" if expr else f"d out/d {name}"
            law += "" if expr == value else f" = {value}"
            if f.param:
                p = dict(saved or []).get(f.param)
                if p is not None:
                    law += f" (with {f.param} = {fmt(p)})"
            lines.append(f"    {name}: {law}")
            if _small(g) and _small(local):
                product = f"{gname} * {value} = {fmt(g)} * {value} = {fmt(gi)}"
            else:
                product = f"{gname} * (d out/d {name}) = {fmt(gi)}"
            lines.append(f"        chain rule: {product} -> {target}")
        elif expr:
            lines.append(f"    {name}: gradient = {expr} = {fmt(gi)} -> {target}")
        else:
            lines.append(f"    {name}: gradient {fmt(gi)} -> {target}")
    note = _kink_note(node, f, saved, names)
    if note:
        lines.append(f"    note: {note}")
    return lines


def _structure(lines: list[str], node: Node, nm: Names, rep: Replay, f: Any) -> None:
    names = _walk.input_names(node)
    for i, e in enumerate(node.next_functions):
        name = names[i] if i < len(names) else f"input {i}"
        if e[0] is None:
            lines.append(f"    {name}: a constant, no gradient")
            continue
        expr = f.local.get(name) if f is not None else None
        law = f" (d out/d {name} = {expr})" if expr and f.elementwise else \
            (f" (gradient = {expr})" if expr else "")
        lines.append(f"    {name}{law} -> {_walk.edge_target(e[0], nm, rep.step_of)}")


def _small(a: Any) -> bool:
    return np.size(a) <= _walk._SUMMARY_OVER


def _kink_note(node: Node, f: Any, saved: list | None, names: list[str]) -> str | None:
    """Name the convention when an input sits exactly on a kink (relu/abs at 0, max ties)."""
    if f is None or not f.note:
        return None
    values = {k: np.asarray(v._data if hasattr(v, "_data") else v) for k, v in saved or []
              if not isinstance(v, tuple)}
    for i, e in enumerate(node.next_functions):   # a leaf input is known even if not saved
        if type(e[0]) is AccumulateGrad and i < len(names) and names[i] not in values:
            var = e[0].variable
            if var is not None:
                values[names[i]] = var._data
    name = node.name()
    hits = None
    if name in ("ReluBackward0", "AbsBackward0") and "x" in values:
        hits = values["x"] == 0
    elif name in ("MaximumBackward0", "MinimumBackward0") and "a" in values and "b" in values:
        try:
            hits = np.broadcast_arrays(values["a"], values["b"])
            hits = hits[0] == hits[1]
        except ValueError:   # pragma: no cover - shapes that broadcast in forward broadcast here
            return None
    elif name == "SqrtBackward0" and "result" in values:
        hits = values["result"] == 0
    if hits is None or not np.any(hits):
        return None
    count = int(np.count_nonzero(hits))
    where = "here" if np.size(hits) == 1 else f"at {count} element{'s' if count > 1 else ''}"
    return f"{f.note} ({where})"


def _leaf_lines(lines: list[str], rep: Replay, nm: Names, root: str) -> dict:
    grads: dict[str, np.ndarray | None] = {}
    leaves = [n for n in rep.contributions] + [n for n in rep.leaf_grads
                                               if n not in rep.contributions]
    lines.append("")
    if not leaves:
        lines.append(f"no leaf receives a gradient from {root}")
        return grads
    lines.append(f"gradients accumulated in the leaves (what {root}.backward() adds to .grad):")
    for acc in leaves:
        var = acc.variable
        name = nm.leaf(acc, default=f"leaf {len(grads)}")
        parts = rep.contributions.get(acc, [])
        total = rep.leaf_grads.get(acc)
        current = "None" if var is None or var._grad is None else fmt(var._grad)
        if total is None and not rep.complete:
            grads[name] = None if var is None or var._grad is None else var._grad._data
            lines.append(f"  {name}: unknown (the replay stopped early); {name}.grad is now "
                         f"{current}")
            continue
        grads[name] = None if total is None else np.asarray(total)
        value = f" = {fmt(var)}" if var is not None else ""
        if len(parts) > 1:
            terms = " + ".join(f"{fmt(g)} (step {s.index})" if s else fmt(g) for s, g in parts)
            lines.append(f"  {name}{value}: {terms} = {fmt(total)}")
        elif parts:
            s, g = parts[0]
            lines.append(f"  {name}{value}: {fmt(g)}" + (f" (step {s.index})" if s else ""))
        else:
            lines.append(f"  {name}{value}: no gradient")
        lines.append(f"      {name}.grad is now {current}"
                     + ("" if current != "None" else f" (call {root}.backward() to fill it)"))
    return grads
