"""What the learner's tools share: walking a graph, replaying its backward pass node by node,
naming tensors, and printing values without flooding the terminal.

The replay calls each node's ``apply`` the way the engine does (same order: latest-created node
first, a node runs once all its consumers have run), but keeps every gradient it sees, never
touches ``.grad``, never frees saved values and runs no hooks: looking must not change anything.
"""

from __future__ import annotations

import heapq
import os
import sys
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import numpy as np

from ..autograd.graph import _FREED, AccumulateGrad, Node

_SUMMARY_OVER = 8   # tensors with more elements are summarised, never printed whole


# ---- printing values ------------------------------------------------------------------------
def num(v: Any) -> str:
    """A short, exact-looking number: 4 -> '4', 0.1 + 0.2 -> '0.3', 1e-20 -> '1e-20'."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (complex, np.complexfloating)):
        return f"({num(v.real)}{'+' if v.imag >= 0 else '-'}{num(abs(v.imag))}j)"
    v = float(v)
    if v == 0:
        return "0"   # also -0.0: a learner reads "-0" as a mistake
    return format(v, ".6g")


def fmt(value: Any) -> str:
    """A tensor, array or number as one short line; large arrays become a summary."""
    from ..tensor import Tensor
    if value is None:
        return "None"
    if isinstance(value, Tensor):
        value = value._data
    if isinstance(value, (list, tuple)) and not all(isinstance(v, (int, float)) for v in value):
        return "(" + ", ".join(fmt(v) for v in value) + ")"
    a = np.asarray(value)
    if a.dtype.kind not in "biufc":
        return repr(value)[:60]
    if a.ndim == 0:
        return num(a.item())
    if a.size <= _SUMMARY_OVER:
        if a.ndim == 1:
            return "[" + ", ".join(num(v) for v in a.tolist()) + "]"
        return np.array2string(a, precision=4, separator=", ").replace("\n", "")
    return summary(a)


def summary(a: np.ndarray) -> str:
    """``<shape (1000,) float32: min -1, max 1, mean 0.01>`` (NaN/inf counted, not hidden)."""
    desc = f"<shape {tuple(a.shape)} {a.dtype}"
    if a.size == 0:
        return desc + ": empty>"
    if a.dtype.kind not in "biuf":
        return desc + ">"
    finite = np.isfinite(a) if a.dtype.kind == "f" else np.ones(a.shape, bool)
    bad = a.size - int(finite.sum())
    if bad == a.size:
        return desc + f": all {bad} values are NaN or inf>"
    f = a[finite].astype(np.float64)
    text = f"{desc}: min {num(f.min())}, max {num(f.max())}, mean {num(f.mean())}"
    return text + (f", {bad} NaN/inf>" if bad else ">")


def shape_str(a: np.ndarray) -> str:
    return f"{tuple(a.shape)} {_dtype_name(a.dtype)}"


def _dtype_name(npdt: np.dtype) -> str:
    try:
        from .._dtype import from_np
        return from_np(npdt).name if hasattr(from_np(npdt), "name") else str(npdt)
    except Exception:   # pragma: no cover - an exotic dtype only prints less nicely
        return str(npdt)


# ---- naming tensors -----------------------------------------------------------------------
@dataclass
class Names:
    """Python names of the tensors of a graph: leaves by identity, outputs by their node."""

    leaves: dict[int, str] = field(default_factory=dict)       # id(tensor) -> name
    outputs: dict[tuple[int, int], str] = field(default_factory=dict)  # (id(node), nr) -> name
    tensors: dict[tuple[int, int], Any] = field(default_factory=dict)  # (id(node), nr) -> tensor

    def leaf(self, acc: AccumulateGrad, default: str = "leaf") -> str:
        var = acc.variable
        return self.leaves.get(id(var), default) if var is not None else default

    def output(self, node: Node, nr: int = 0) -> str | None:
        return self.outputs.get((id(node), nr))


def names_from(mapping: dict[str, Any] | None, frame: FrameType | None) -> Names:
    """Collect names from an explicit {name: tensor} mapping, else from the caller's variables
    (locals first, then globals, skipping private names)."""
    from ..tensor import Tensor
    names = Names()
    scopes: list[dict] = []
    if mapping is not None:
        scopes.append(mapping)
    elif frame is not None:
        scopes += [frame.f_locals, frame.f_globals]
    for scope in scopes:
        for k, v in list(scope.items()):
            if type(v) is not Tensor and not isinstance(v, Tensor):
                continue
            if k.startswith("_") and mapping is None:
                continue
            if v._grad_fn is None:
                names.leaves.setdefault(id(v), k)
            else:
                names.outputs.setdefault((id(v._grad_fn), v._output_nr), k)
                names.tensors.setdefault((id(v._grad_fn), v._output_nr), v)
    return names


def caller_frame(depth: int) -> FrameType | None:
    """The first frame `depth` levels up that is outside feathergrad (the user's code)."""
    try:
        f: FrameType | None = sys._getframe(depth + 1)
    except ValueError:   # pragma: no cover - called from the top of the stack
        return None
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # feathergrad/
    while f is not None and f.f_code.co_filename.startswith(pkg):
        f = f.f_back
    return f


# ---- graph structure --------------------------------------------------------------------------
def nodes_of(root: Node) -> list[Node]:
    """Every node reachable from `root`, in first-visit order (no recursion)."""
    seen = {root: None}
    stack = [root]
    while stack:
        for e in stack.pop().next_functions:
            m = e[0]
            if m is not None and m not in seen:
                seen[m] = None
                stack.append(m)
    return list(seen)


def is_freed(node: Node) -> bool:
    return node._saved is _FREED


def input_names(node: Node) -> list[str]:
    """One name per entry of ``node.next_functions``: the rule's parameter names for built-in
    ops (``a``, ``b``, ``x``), the forward's parameter names for custom Functions."""
    n = len(node.next_functions)
    cls = type(node)
    fwd = getattr(cls, "_forward_cls", None)
    if fwd is not None:
        return _custom_input_names(node, fwd, n)
    rules = getattr(cls, "_rules", ())
    argpos = getattr(cls, "_argpos", ())
    if rules and len(argpos) == n:
        code = rules[0].__code__
        params = code.co_varnames[2:code.co_argcount]
        try:
            return [params[p] for p in argpos]
        except IndexError:   # pragma: no cover - a rule with an unusual signature
            pass
    if n == 1:
        return ["x"]
    if n == 2:
        return ["a", "b"]
    return [f"input {i}" for i in range(n)]


def _custom_input_names(node: Node, fwd: type, n: int) -> list[str]:
    import inspect
    try:
        params = list(inspect.signature(fwd.forward).parameters)[1:]
    except (TypeError, ValueError):   # pragma: no cover - a builtin forward
        params = []
    metas = getattr(node, "_in_meta", None)
    if metas is None:
        return [f"input {i}" for i in range(n)]
    out = []
    for i, m in enumerate(metas):
        if m is not None:
            out.append(params[i] if i < len(params) and not params[i].startswith("*")
                       else f"input {i}")
    return out[:n] + [f"input {i}" for i in range(len(out), n)]


def saved_values(node: Node) -> list[tuple[str, Any]] | None:
    """What the node saved in the forward pass, as (name, value); None once freed."""
    from ..tensor import Tensor
    saved = node._saved
    if saved is _FREED:
        return None
    if not saved:
        return []
    cls = type(node)
    if getattr(cls, "_forward_cls", None) is not None:   # custom Function: (t, vc, v) triples
        out = []
        for i, item in enumerate(saved):
            if item is not None:
                out.append((f"saved_tensors[{i}]", item[0]))
        return out
    kind = _layout(cls)
    if kind == "unary":
        x, out_, _ = saved
        pairs = [("x", x), ("result", out_)]
    elif kind == "param":
        x, out_, _, p = saved
        pairs = [("x", x), ("result", out_), (_param_name(node), p)]
    elif kind == "binary":
        a, b, out_, _ = saved
        pairs = [("a", a), ("b", b), ("result", out_)]
    elif kind == "op":
        args, out_, _ = saved
        rules = cls._rules
        code = rules[0].__code__
        params = code.co_varnames[2:code.co_argcount]
        pairs = list(zip(params, args)) + [("result", out_)]
    else:   # an unknown layout: show the tensors and arrays it holds
        pairs = [(f"saved[{i}]", v) for i, v in enumerate(saved)
                 if isinstance(v, (Tensor, np.ndarray))]
    return [(k, v) for k, v in pairs if v is not None and _showable(v)]


def _showable(v: Any) -> bool:
    from ..tensor import Tensor
    if isinstance(v, (Tensor, np.ndarray, int, float, bool, np.generic)):
        return True
    if isinstance(v, tuple):
        return all(x is None or isinstance(x, (int, float, bool)) for x in v)
    return False


def _layout(cls: type) -> str:
    from ..ops import _core
    for name, kind in (("ParamNode", "param"), ("UnaryNode", "unary"),
                       ("BinaryNode", "binary"), ("OpNode", "op")):
        base = getattr(_core, name, None)
        if base is not None and issubclass(cls, base):
            if kind == "op" and not getattr(cls, "_rules", ()):
                return "other"
            return kind
    return "other"


def _param_name(node: Node) -> str:
    from .formulas import formula
    f = formula(node)
    return f.param if f is not None and f.param else "p"


def edge_target(node: Node, names: Names, steps: dict[Node, int]) -> str:
    """How to name the node a gradient flows into: a leaf's name, or the node and its step."""
    if type(node) is AccumulateGrad:
        return f"{names.leaf(node)} (leaf)"
    step = steps.get(node)
    return f"{node.name()} (step {step})" if step else node.name()


# ---- replaying the backward pass --------------------------------------------------------------
@dataclass
class Step:
    """One node run in the replayed backward pass."""

    index: int
    node: Node
    grad_in: Any                  # ndarray, list of them (several outputs) or None (unknown)
    grads_out: list[Any]          # one per next_functions entry (None: no gradient flows)
    local: list[Any] | None       # per input: the elementwise local derivative, if meaningful
    error: str | None = None      # why the node could not be replayed


@dataclass
class Replay:
    """The backward pass from a root, replayed: steps in execution order and leaf gradients."""

    steps: list[Step]
    leaf_grads: dict[AccumulateGrad, Any]
    contributions: dict[AccumulateGrad, list[tuple[Step | None, Any]]]
    step_of: dict[Node, int]
    complete: bool


def replay(root: tuple[Node, int], seed: np.ndarray, local: bool = True) -> Replay:
    """Run the backward pass from the edge `root` with gradient `seed`, node by node."""
    from ..autograd.grad_mode import no_grad
    node0, nr0 = root
    deps: dict[Node, int] = {node0: 0}
    stack = [node0]
    while stack:
        for e in stack.pop().next_functions:
            m = e[0]
            if m is None:
                continue
            if m in deps:
                deps[m] += 1
            else:
                deps[m] = 1
                stack.append(m)
    buffers: dict[Node, Any] = {}
    _put(buffers, node0, nr0, seed)
    steps: list[Step] = []
    leaf_grads: dict = {}
    contributions: dict = {}
    complete = True
    tainted: set = set()
    heap = [(-node0._seq, id(node0), node0)]
    with no_grad(), np.errstate(all="ignore"):
        while heap:
            node = heapq.heappop(heap)[2]
            g = buffers.pop(node, None)
            if type(node) is AccumulateGrad:
                leaf_grads[node] = None if node in tainted else g
                if node is node0:
                    contributions.setdefault(node, []).append((None, g))
                continue
            step = Step(len(steps) + 1, node, g, [None] * len(node.next_functions), None)
            steps.append(step)
            if node in tainted:
                # NOTE: a consumer failed, so g is missing a part: showing it would mislead
                step.grad_in = None
                step.error = "its gradient is unknown: an earlier step failed"
            elif g is not None and not (isinstance(g, list) and all(x is None for x in g)):
                try:
                    step.grads_out = list(node.apply(g, False))
                except Exception as exc:   # freed values, a failing custom backward, ...
                    step.error = _error_text(exc, node)
                else:
                    if local:
                        step.local = _local(node, g, step.grads_out)
            failed = step.error is not None
            complete = complete and not failed
            for e, gi in zip(node.next_functions, step.grads_out):
                m = e[0]
                if m is None:
                    continue
                if failed:
                    tainted.add(m)
                elif gi is not None:
                    _put(buffers, m, e[1], gi)
                    if type(m) is AccumulateGrad:
                        contributions.setdefault(m, []).append((step, gi))
                deps[m] -= 1
                if deps[m] == 0:
                    heapq.heappush(heap, (-m._seq, id(m), m))
    return Replay(steps, leaf_grads, contributions,
                  {s.node: s.index for s in steps}, complete)


def _put(buffers: dict, node: Node, nr: int, g: Any) -> None:
    if node._multi:
        b = buffers.get(node)
        if b is None:
            b = buffers[node] = [None] * node._num_outputs()
        b[nr] = g if b[nr] is None else b[nr] + g
    else:
        prev = buffers.get(node)
        buffers[node] = g if prev is None else prev + g


def _error_text(exc: Exception, node: Node) -> str:
    if is_freed(node):
        return ("its saved values were freed by an earlier backward(); call explain() before "
                "backward(), or backward(retain_graph=True)")
    first = str(exc).split("\n", 1)[0]
    return f"{type(exc).__name__}: {first}"


def _local(node: Node, g: Any, outs: list[Any]) -> list[Any] | None:
    """Elementwise local derivatives d(out)/d(input), for ops where that is a number per
    element: the rule applied to a gradient of ones, kept only where it has g's shape."""
    from .formulas import formula
    f = formula(node)
    if f is None or not f.elementwise or isinstance(g, list):
        return None
    ones = np.ones(np.shape(g), dtype=np.asarray(g).dtype)
    try:
        res = list(node.apply(ones, False))
    except Exception:   # pragma: no cover - the same call just worked with g
        return None
    return [r if r is not None and np.shape(r) == np.shape(g) else None for r in res]
