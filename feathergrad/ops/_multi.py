"""Ops whose backward computes every input's gradient in one rule (so work is shared, as in
``solve``), ops with several outputs (``slogdet``, ``std_mean``).

A joint rule is ``rule(g, out, needs, inputs, *extras) -> one gradient per input``: `g` is the
output's gradient (a list with None for outputs that got none, when the op has several), `out`
the result(s), `needs[i]` whether input i wants a gradient, `inputs` the tensor arguments and
`extras` the other arguments. As with ``defop`` rules, it runs on ndarrays for a first-order
backward and on Tensors under ``create_graph=True``, so it must be written in differentiable ops.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd import engine as _engine
from ..autograd.grad_mode import _state
from ..autograd.graph import _FREED
from ..tensor import Tensor
from . import _core
from ._core import OPS, OpNode, _check_versions, _fit, _freed_error

ndarray = np.ndarray
_make = Tensor._make


class JointNode(OpNode):
    """Node of a joint op: ``_saved = ((inputs or None, extras), out(s) or None, versions)``."""

    __slots__ = ()
    _rule: Callable = None   # type: ignore[assignment]
    _n_out = 1
    _multi = False

    def _num_outputs(self) -> int:
        return self._n_out

    def apply(self, g: Any, create_graph: bool) -> list:
        saved = self._saved
        if saved is _FREED:
            raise _freed_error(self)
        (ins, extras), out, vers = saved
        if vers:
            _check_versions(self, vers)
        if create_graph:
            if out is not None:
                out = (_make(out, self) if self._n_out == 1 else
                       tuple(_make(o, self, output_nr=i) for i, o in enumerate(out)))
        elif ins is not None:
            ins = [a._data if type(a) is Tensor else a for a in ins]
        needs = [e[0] is not None for e in self.next_functions]
        res = list(self._rule(g, out, needs, ins, *extras))
        for i, meta in enumerate(self._bc):
            r = res[i]
            if meta is None or r is None or not needs[i]:
                res[i] = None
            else:
                res[i] = _fit(r, meta[0], meta[1], create_graph)
        return res


def jointop(key: str, node: str, fwd: Callable, rule: Callable, n_out: int = 1,
            save_inputs: bool | tuple = True, save_out: bool = True) -> Callable:
    """An op ``op(tensors, *extras)``: ``fwd(arrays, *extras)`` gives the result (a tuple of
    `n_out` arrays when ``n_out > 1``); `rule` (see the module docstring) all input gradients.
    `save_inputs` may list the positions of the inputs the rule reads (the others are passed
    to it as None, and may be modified in place after the forward).

    Every Tensor in `tensors` that requires grad is an input of the node (in order); other
    entries (ndarrays, None) have no edge. Results are wrapped into Tensors sharing one node.
    """
    cls = type(node, (JointNode,), {"__slots__": (), "_rule": staticmethod(rule),
                                    "_n_out": n_out, "_multi": n_out > 1,
                                    "__module__": "feathergrad.ops"})
    OPS[key] = cls

    def op(tensors: Any, *extras: Any) -> Any:
        datas = [t._data if type(t) is Tensor else t for t in tensors]
        res = fwd(datas, *extras)
        outs = (res,) if n_out == 1 else tuple(res)
        outs = tuple(o if type(o) is ndarray else np.asarray(o) for o in outs)
        node = None
        if _state.enabled:
            for t in tensors:
                if type(t) is Tensor and t._requires_grad:
                    node = _node(cls, tensors, extras, outs, save_inputs, save_out)
                    break
        if n_out == 1:
            return _make(outs[0], node)
        return tuple(_make(o, node, output_nr=i) for i, o in enumerate(outs))

    op.__name__ = op.__qualname__ = key
    op._node = cls
    return op


def _node(cls: type, tensors: Any, extras: tuple, outs: tuple, save_inputs: bool | tuple,
          save_out: bool) -> JointNode:
    n = cls()
    nf, bc, vers, saved = [], [], [], []
    for i, t in enumerate(tensors):
        if type(t) is Tensor and t._requires_grad:
            nf.append(t._edge())
            bc.append((t._data.shape, t._data.dtype))
        else:
            nf.append((None, 0))
            bc.append(None)
        keep = save_inputs is True or (save_inputs is not False and i in save_inputs)
        saved.append(t if keep else None)
        if keep and type(t) is Tensor:
            vc = t._vc
            vers.append((vc, vc[0], (t._data.shape, t._data.dtype)))
    n.next_functions = tuple(nf)
    n._bc = bc
    out = (outs[0] if cls._n_out == 1 else outs) if save_out else None
    n._saved = ((saved if save_inputs is not False else None, extras), out, tuple(vers))
    if _engine._anomaly[0]:
        remember = getattr(_core, "_remember_forward", None)
        if remember is not None:
            remember(n)
    return n
