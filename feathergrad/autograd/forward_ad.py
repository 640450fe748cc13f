"""Forward-mode AD: dual tensors inside a ``dual_level``, as ``torch.autograd.forward_ad``.

    with forward_ad.dual_level():
        x = forward_ad.make_dual(primal, tangent)
        y = f(x)
        y_primal, jvp = forward_ad.unpack_dual(y)      # jvp = J_f(primal) @ tangent

How it works (the double-backward trick, no per-op forward rules): the vector-Jacobian product
``u -> J^T u`` of any graph is linear in ``u``, so ``J t = d/du <J^T u, t>``. A dual is a tensor
that the graph tracks (a fresh leaf that requires grad, or a view of a primal that already does)
and that the current level remembers with its tangent. ``unpack_dual(y)`` runs one backward from
`y` with a zero cotangent ``u`` that requires grad (``create_graph=True``, so ``J^T u`` is itself
a graph in ``u``), then one backward of ``<J^T u, t>`` to ``u``. Every op whose backward is
differentiable (all of them) therefore has a forward-mode derivative.

Cost: each ``unpack_dual`` is about two backward passes over the graph that produced `y` (the
first records a graph). Custom Functions that define ``jvp`` use it (their outputs' tangents come
from ``jvp(ctx, *tangents)``); a Function without ``jvp`` raises PyTorch's error under forward AD.

Differences from PyTorch that follow from the design: a dual and what is computed from it
require grad (they are tracked by the ordinary graph), and ops run under ``no_grad`` do not
carry tangents.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..tensor import Tensor
from . import function as _function
from .grad_mode import _DecoratorContextManager, enable_grad
from .graph import AccumulateGrad

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual",
           "unpack_dual", "dual_level"]


class _Level:
    """One forward-AD level: its duals ``[(tensor, tangent)]`` and which of them are exact
    (``make_dual``) rather than corrections (custom Function outputs, see `_custom_jvp`)."""

    __slots__ = ("duals", "ids", "public")

    def __init__(self, public: bool) -> None:
        self.duals: list = []
        self.ids: dict = {}      # id(dual tensor) -> (index in duals, exact?)
        self.public = public

    def add(self, t: Tensor, tangent: Tensor, exact: bool = True) -> None:
        # NOTE: the level keeps its duals alive, so an id is never reused while it is here
        self.ids[id(t)] = (len(self.duals), exact)
        self.duals.append((t, tangent))

    def own_nodes(self) -> set:
        """AccumulateGrad nodes of the fresh-leaf duals: walks stop there."""
        return {d._accumulator() for d, _ in self.duals if d._grad_fn is None}

    def dual_nodes(self) -> set:
        """The nodes of every dual (fresh leaves and views of primals that require grad)."""
        return {d._grad_fn or d._accumulator() for d, _ in self.duals}


_levels: list[_Level] = []


def enter_dual_level() -> int:
    """Enter a new forward grad level and make it the current one; returns its index."""
    if any(lv.public for lv in _levels):
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    return _push(public=True)


def exit_dual_level(*, level: int | None = None) -> None:
    """Exit the current forward grad level: the tangents it holds are dropped."""
    if level is None:
        level = len(_levels) - 1
    if level != len(_levels) - 1 or level < 0:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that "
                           "was created. This is not supported.")
    _pop()


def _push(public: bool = False) -> int:
    _levels.append(_Level(public))
    _function._jvp_hook[0] = _custom_jvp
    return len(_levels) - 1


def _pop() -> None:
    _levels.pop()
    if not _levels:
        _function._jvp_hook[0] = None


class dual_level(_DecoratorContextManager):
    """Context manager in which dual tensors are made and unpacked (one level at a time).

    >>> x = tensor([1., 2.])
    >>> with dual_level():
    ...     y = make_dual(x, tensor([1., 0.])) ** 2
    ...     unpack_dual(y).tangent
    tensor([2., 0.])
    """

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc: object) -> None:
        exit_dual_level()


def _level(level: int | None) -> _Level | None:
    if level is None:
        return _levels[-1] if _levels else None
    return _levels[level] if 0 <= level < len(_levels) else None


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A tensor aliasing `tensor` whose forward-mode derivative is `tangent`.

    The result shares memory with `tensor` and is differentiable backward (a view of it when
    `tensor` requires grad).
    """
    lv = _level(level)
    if lv is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    for name, t in (("primal", tensor), ("tangent", tangent)):
        if not isinstance(t, Tensor):
            raise TypeError(f"make_dual(): expected {name} to be a Tensor, got "
                            f"{type(t).__name__}")
        if t._data.dtype.kind not in "fc":
            raise ValueError(f"Expected {name} to be floating point or complex, but got: "
                             f"{t.dtype}")
    if tangent._data.shape != tensor._data.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}.")
    if tensor._requires_grad and _depends(tensor, lv):
        raise RuntimeError("Making a dual Tensor based on a Tensor that already has a forward "
                           f"gradient at the same level {_levels.index(lv)} is not supported.")
    return _new_dual(lv, tensor, tangent)


def _new_dual(lv: _Level, tensor: Tensor, tangent: Tensor) -> Tensor:
    if tensor._requires_grad:
        with enable_grad():
            d = tensor.view_as(tensor)
    else:
        d = tensor.detach().requires_grad_()
    lv.add(d, tangent)
    return d


class UnpackedDualTensor(NamedTuple):
    """``(primal, tangent)`` returned by `unpack_dual`."""

    primal: Tensor
    tangent: Tensor | None


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """Split a dual tensor into its primal value and its tangent (None when it has none).

    The tangent is ``sum_i J_i t_i`` over the level's duals ``x_i`` (tangents ``t_i``), where
    ``J_i`` is the Jacobian of `tensor` with respect to ``x_i``.
    """
    lv = _level(level)
    if lv is None or not isinstance(tensor, Tensor):
        return UnpackedDualTensor(tensor, None)
    entry = lv.ids.get(id(tensor))
    if entry is not None and entry[1]:
        t = lv.duals[entry[0]][1]
        return UnpackedDualTensor(tensor if tensor._grad_fn is not None else tensor.detach(), t)
    if not tensor._requires_grad or not lv.duals:
        return UnpackedDualTensor(tensor, None)
    reach = _walk([tensor], lv.own_nodes(), lv.dual_nodes())
    if not reach[0]:
        return UnpackedDualTensor(tensor, None)
    tangents = [t for _, t in lv.duals]
    graph = reach[1] or any(t._requires_grad for t in tangents)
    tangent = jvp_trick([tensor], [d for d, _ in lv.duals], tangents, create_graph=graph)[0]
    return UnpackedDualTensor(tensor if graph else tensor.detach(), tangent)


def _depends(t: Tensor, lv: _Level) -> bool:
    """Whether `t` was computed from one of the level's duals."""
    if id(t) in lv.ids:
        return True
    return _walk([t], lv.own_nodes(), lv.dual_nodes(), stop_at_hit=True)[0]


def _walk(tensors: list, own: set, targets: set | None = None,
          stop_at_hit: bool = False) -> tuple[bool, bool]:
    """Walk the graph above `tensors`: (reaches a node in `targets`, reaches a leaf not in
    `own`). Walks stop at the leaves in `own` (our fresh copies).

    The second answer says whether a result must keep a graph to something outside (an outer
    level, or a user's tensor that requires grad), i.e. whether ``create_graph`` is needed.
    """
    targets = own if targets is None else targets
    stack = [t._grad_fn if t._grad_fn is not None else t._accumulator()
             for t in tensors if t._requires_grad]
    seen: set = set()
    hit = foreign = False
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        if n in targets:
            hit = True
            if stop_at_hit:
                return True, foreign
        if type(n) is AccumulateGrad:
            if n not in own:
                foreign = True
            continue
        for e in n.next_functions:
            if e[0] is not None:
                stack.append(e[0])
    return hit, foreign


def jvp_trick(outputs: list, inputs: list, tangents: list, create_graph: bool) -> list:
    """``J @ tangents`` for each output (Jacobian w.r.t. `inputs`), by the double-backward trick;
    zeros where an output does not depend on the inputs. `inputs` must require grad."""
    from ..creation import zeros_like
    res: list = [None] * len(outputs)
    live = [i for i, o in enumerate(outputs) if o._requires_grad]
    if live:
        with enable_grad():
            us = [zeros_like(outputs[i], requires_grad=True) for i in live]
            gs = grad_(tuple(outputs[i] for i in live), inputs, us, create_graph=True)
        pairs = [(g, t) for g, t in zip(gs, tangents) if g is not None and g._requires_grad]
        if pairs:
            js = grad_(tuple(g for g, _ in pairs), us, [t for _, t in pairs],
                       create_graph=create_graph)
            for i, j in zip(live, js):
                res[i] = j
    return [r if r is not None else zeros_like(o) for r, o in zip(res, outputs)]


def grad_(outputs: tuple, inputs: list, grad_outputs: list, create_graph: bool) -> tuple:
    from . import grad
    return grad(outputs, inputs, grad_outputs, retain_graph=True, create_graph=create_graph,
                allow_unused=True)


class _JvpCtx:
    """What a custom Function's ``jvp`` sees as ctx: the node, with ``saved_tensors`` giving
    the tensors of ``save_for_forward`` (as PyTorch)."""

    def __init__(self, ctx: Any) -> None:
        object.__setattr__(self, "_ctx", ctx)

    def __getattr__(self, name: str) -> Any:
        if name in ("saved_tensors", "saved_variables"):
            sff = getattr(self._ctx, "saved_for_forward", None)
            if sff is not None:
                return tuple(sff)
        return getattr(self._ctx, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._ctx, name, value)


def _custom_jvp(cls: type, ctx: Any, args: tuple, outs: list) -> list:
    """Called by ``Function.apply`` while a level is active: the outputs' tangents come from
    ``cls.jvp``. An output `o` is registered as a dual whose tangent is the correction
    ``jvp - (J_o t through the graph)``, so that unpacking through `o` counts ``jvp`` instead of
    the path through the Function's backward (see docs/INTERNALS.md)."""
    from ..creation import zeros_like
    tensors = [a for a in args if isinstance(a, Tensor)]
    for lv in _levels:
        if not lv.duals or not any(a._requires_grad and _depends(a, lv) for a in tensors):
            continue
        if cls.jvp is _function.Function.jvp:
            if cls.__module__.startswith("feathergrad."):
                continue   # internal Functions (module hooks, checkpoint) pass tangents through
            _function.Function.jvp(ctx)   # raises PyTorch's NotImplementedError
        tin = []
        for a in args:
            if not isinstance(a, Tensor):
                continue
            t = unpack_dual(a, level=_levels.index(lv)).tangent
            tin.append(zeros_like(a) if t is None else t)
        tout = cls.jvp(_JvpCtx(ctx), *tin)
        tout = tout if isinstance(tout, tuple) else (tout,)
        outs = list(outs)
        pending = []
        for k, (o, t) in enumerate(zip(outs, tout)):
            if not isinstance(o, Tensor) or t is None or not o._requires_grad:
                continue
            if cls.backward is _function.Function.backward:
                # forward-only Function: cut the graph (its backward cannot run) and make the
                # output a dual of its own
                outs[k] = o.detach().requires_grad_()
                pending.append((outs[k], t, True))
                continue
            reach = _walk([o], lv.own_nodes(), lv.dual_nodes())
            through = jvp_trick([o], [d for d, _ in lv.duals], [x for _, x in lv.duals],
                                create_graph=reach[1])[0]
            pending.append((o, t - through, False))
        for o, t, exact in pending:
            lv.add(o, t, exact)
    return outs
