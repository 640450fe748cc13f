"""Graph nodes: the backward half of every op, and AccumulateGrad for leaves.

A node holds `next_functions` (one ``(node, output_nr)`` edge per differentiable input, ``None``
where the input needs no gradient) and what its backward needs. Nodes never point at the tensors
they produced, so a graph that nobody references is freed by reference counting alone.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any, Callable

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


class Node:
    """The backward function of one op (PyTorch's ``torch.autograd.graph.Node``)."""

    __slots__ = ("next_functions", "_saved", "_seq", "_hooks", "_prehooks", "_tpre",
                 "_anomaly", "__weakref__")

    def __init__(self) -> None:
        self._seq = next(_seq)
        self._hooks = self._prehooks = self._tpre = self._anomaly = None
        self._saved = ()

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    @property
    def metadata(self) -> dict:
        if self._anomaly is None or not isinstance(self._anomaly, dict):
            self._anomaly = {} if self._anomaly is None else {"traceback_": self._anomaly}
        return self._anomaly

    # hooks: hook(grad_inputs, grad_outputs) after, prehook(grad_outputs) before the node runs
    def register_hook(self, fn: Callable) -> RemovableHandle:
        if self._hooks is None:
            self._hooks = {}
        h = RemovableHandle(self._hooks)
        self._hooks[h._key] = fn
        return h

    def register_prehook(self, fn: Callable) -> RemovableHandle:
        if self._prehooks is None:
            self._prehooks = {}
        h = RemovableHandle(self._prehooks)
        self._prehooks[h._key] = fn
        return h

    def _register_tensor_hook(self, output_nr: int, fn: Callable) -> RemovableHandle:
        """A Tensor.register_hook on an output of this node: runs before the node, per output."""
        if self._tpre is None:
            self._tpre = {}
        d = self._tpre.setdefault(output_nr, {})
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

    __slots__ = ("_var", "_post")
    next_functions = ()  # type: ignore[assignment]

    def __init__(self, var: Any) -> None:
        self._seq = 1 << 62   # NOTE: as in PyTorch, a leaf's sink runs as soon as it is ready
        self._hooks = self._prehooks = self._tpre = self._anomaly = self._post = None
        self._saved = ()
        self._var = weakref.ref(var)

    @property
    def variable(self) -> Any:
        return self._var()
