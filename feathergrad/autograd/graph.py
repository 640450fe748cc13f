"""Graph nodes: the backward half of every op, and AccumulateGrad for leaves.

A node holds `next_functions` (one ``(node, output_nr)`` edge per differentiable input, ``None``
where the input needs no gradient) and what its backward needs. Nodes never point at the tensors
they produced, so a graph that nobody references is freed by reference counting alone.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from typing import Any

_seq = itertools.count()
_FREED = object()   # marks saved values released after backward


class RemovableHandle:
    """Returned by register_*hook; ``.remove()`` unregisters the hook."""

    __slots__ = ("_hooks", "_key")
    _ids = itertools.count()

    def __init__(self, hooks: dict) -> None:
        self._hooks = hooks
        self._key = next(RemovableHandle._ids)

    def remove(self) -> None:
        self._hooks.pop(self._key, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class _Ext:
    """A node's rarely used state, kept off the hot path (one slot, usually None)."""

    __slots__ = ("hooks", "prehooks", "tpre", "post", "anomaly", "meta")

    def __init__(self) -> None:
        self.hooks = self.prehooks = self.tpre = self.post = self.anomaly = self.meta = None


class Node:
    """The backward function of one op (PyTorch's ``torch.autograd.graph.Node``)."""

    __slots__ = ("next_functions", "_saved", "_seq", "_ext", "__weakref__")
    _multi = False   # several outputs: the engine hands apply() a list of gradients

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if "_num_outputs" in cls.__dict__ and "_multi" not in cls.__dict__:
            cls._multi = True

    def __init__(self) -> None:
        self._seq = next(_seq)
        self._ext = None
        self._saved = ()

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def _x(self) -> _Ext:
        x = self._ext
        if x is None:
            x = self._ext = _Ext()
        return x

    @property
    def metadata(self) -> dict:
        x = self._x()
        if x.meta is None:
            x.meta = {}
        if x.anomaly is not None:
            x.meta.setdefault("traceback_", x.anomaly)
        return x.meta

    # hooks: hook(grad_inputs, grad_outputs) after, prehook(grad_outputs) before the node runs
    def register_hook(self, fn: Callable) -> RemovableHandle:
        """Call ``fn(grad_inputs, grad_outputs)`` after this node runs; it may return new
        grad_inputs."""
        x = self._x()
        if x.hooks is None:
            x.hooks = {}
        h = RemovableHandle(x.hooks)
        x.hooks[h._key] = fn
        return h

    def register_prehook(self, fn: Callable) -> RemovableHandle:
        """Call ``fn(grad_outputs)`` before this node runs; it may return new grad_outputs."""
        x = self._x()
        if x.prehooks is None:
            x.prehooks = {}
        h = RemovableHandle(x.prehooks)
        x.prehooks[h._key] = fn
        return h

    def _register_tensor_hook(self, output_nr: int, fn: Callable) -> RemovableHandle:
        """A Tensor.register_hook on an output of this node: runs before the node, per output."""
        x = self._x()
        if x.tpre is None:
            x.tpre = {}
        d = x.tpre.setdefault(output_nr, {})
        h = RemovableHandle(d)
        d[h._key] = fn
        return h

    def _num_outputs(self) -> int:
        return 1

    def apply(self, grads: Any, create_graph: bool) -> tuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def _release(self) -> None:
        if self._saved:
            self._saved = _FREED


class AccumulateGrad(Node):
    """Sink node of a leaf: adds the incoming gradient into ``variable.grad``."""

    __slots__ = ("_var",)
    next_functions = ()  # type: ignore[assignment]

    def __init__(self, var: Any) -> None:
        self._seq = 1 << 62   # NOTE: as in PyTorch, a leaf's sink runs as soon as it is ready
        self._ext = None
        self._saved = ()
        self._var = weakref.ref(var)

    @property
    def variable(self) -> Any:
        return self._var()

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"
