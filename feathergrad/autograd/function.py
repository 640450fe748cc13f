"""Custom autograd Functions: ``class SQ(Function)`` with static forward/backward.

The ctx passed to forward and backward is the graph node itself (an ``SQBackward`` instance),
as in PyTorch, so it shares the node machinery of the built-in ops.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .grad_mode import _state, set_grad_enabled
from .graph import _FREED, Node


class FunctionCtx:
    """What forward and backward see as ``ctx``: saving tensors and marking outputs."""

    def save_for_backward(self, *tensors: Any) -> None:
        from ..tensor import Tensor
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self.to_save = tensors

    def save_for_forward(self, *tensors: Any) -> None:
        self.saved_for_forward = tensors

    def mark_non_differentiable(self, *tensors: Any) -> None:
        self.non_differentiable = tensors

    def mark_dirty(self, *tensors: Any) -> None:
        self.dirty_tensors = tensors

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)


class BackwardCFunction(FunctionCtx, Node):
    """Base of the node class generated for each custom Function (``<Name>Backward``)."""

    _forward_cls: Any = None
    materialize_grads = True
    to_save: tuple = ()
    non_differentiable: tuple = ()
    dirty_tensors: tuple = ()

    def __repr__(self) -> str:
        t = type(self)
        return f"<{t.__module__}.{t.__qualname__} object at {hex(id(self))}>"

    def _num_outputs(self) -> int:
        return self._n_out

    @property
    def saved_tensors(self) -> tuple:
        from ..tensor import Tensor
        saved = self._saved
        if saved is _FREED:
            from ..ops._core import _freed_error
            raise _freed_error(self)
        out = []
        for item in saved:
            if item is None:
                out.append(None)
                continue
            t, vc, v = item
            if vc[0] != v:
                from ..ops._core import _check_versions
                _check_versions(self, ((vc, v, (np.shape(t._data if isinstance(t, Tensor) else t),
                                                 (t._data if isinstance(t, Tensor) else t).dtype)),))
            if not isinstance(t, Tensor):   # a saved output, stored as its data
                t = Tensor._make(t)
            out.append(t)
        return tuple(out)

    saved_variables = saved_tensors

    def apply(self, grads: Any, create_graph: bool) -> list:
        from ..tensor import Tensor
        grads = list(grads) if self._n_out > 1 else [grads]
        metas = self._out_meta
        for i, g in enumerate(grads):
            if g is None:
                if self.materialize_grads:
                    shape, npdt = metas[i]
                    grads[i] = Tensor._make(np.zeros(shape, dtype=npdt))
            elif type(g) is not Tensor:
                grads[i] = Tensor._make(g if type(g) is np.ndarray else np.asarray(g))
        with set_grad_enabled(create_graph):
            res = self._forward_cls.backward(self, *grads)
        if not isinstance(res, tuple):
            res = (res,)
        n_in = len(self._in_meta)
        name = type(self).__name__
        if len(res) != n_in:
            if len(res) > n_in and all(r is None for r in res[n_in:]):
                res = res[:n_in]
            else:
                raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                                   f"(expected {n_in}, got {len(res)})")
        out = []
        for i, (r, meta) in enumerate(zip(res, self._in_meta)):
            if meta is None:
                if r is not None:
                    raise RuntimeError(f"function {name} returned a gradient different than None "
                                       f"at position {i + 1}, but the corresponding forward input "
                                       "was not a Variable")
                continue
            if r is None:
                out.append(None)
                continue
            if not isinstance(r, Tensor):
                raise TypeError(f"function {name} returned a gradient of type {type(r).__name__} "
                                f"at position {i + 1}; expected a Tensor or None")
            shape, npdt = meta
            if r._data.shape != shape:
                try:
                    np.broadcast_shapes(r._data.shape, shape)
                    ok = np.broadcast_shapes(r._data.shape, shape) == r._data.shape
                except ValueError:
                    ok = False
                if not ok:
                    raise RuntimeError(
                        f"Function {name} returned an invalid gradient at index {i} - got "
                        f"{list(r._data.shape)} but expected shape compatible with {list(shape)}")
                from .._broadcast import sum_to
                r = sum_to(r, shape)
            if r._data.dtype != npdt:
                r = r.to(_from_np(npdt))
            out.append(r if create_graph else r._data)
        return out


def _from_np(npdt: np.dtype) -> Any:
    from .._dtype import from_np
    return from_np(npdt)


class FunctionMeta(type):
    """Gives every Function subclass its node class, named ``<Name>Backward``."""

    def __init__(cls, name: str, bases: tuple, ns: dict) -> None:
        super().__init__(name, bases, ns)
        backward_cls = type(name + "Backward", (BackwardCFunction,),
                            {"_forward_cls": cls, "__module__": "feathergrad.autograd.function"})
        backward_cls.__qualname__ = name + "Backward"
        cls._backward_cls = backward_cls


class Function(metaclass=FunctionMeta):
    """Base class for custom differentiable operations.

    >>> class SQ(Function):
    ...     @staticmethod
    ...     def forward(ctx, i):
    ...         ctx.save_for_backward(i)
    ...         return i ** 2
    ...     @staticmethod
    ...     def backward(ctx, grad_output):
    ...         i, = ctx.saved_tensors
    ...         return grad_output * 2 * i
    """

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")

    vjp = backward
    setup_context = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Legacy autograd function with non-static forward method is "
                           "deprecated. Please use new-style autograd function with static "
                           "forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        from ..tensor import Tensor
        ctx = cls._backward_cls()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        setup = cls.setup_context
        custom_setup = setup is not None and not getattr(setup, "_is_default", False)
        with set_grad_enabled(False):
            if custom_setup:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        record = _state.enabled and any(ctx.needs_input_grad)
        if not record:
            res = tuple(_plain_output(o, args) for o in outs)
            return res[0] if single else res
        ctx.next_functions = tuple(a._edge() for a in args if isinstance(a, Tensor))
        ctx._in_meta = tuple((a._data.shape, a._data.dtype) if isinstance(a, Tensor) else None
                             for a in args)
        nondiff = {id(t) for t in ctx.non_differentiable}
        dirty = {id(t) for t in ctx.dirty_tensors}
        wrapped = []
        metas = []
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                wrapped.append(o)
                metas.append(((), np.dtype(np.float32)))
                continue
            metas.append((o._data.shape, o._data.dtype))
            if id(o) in dirty:
                if o._grad_fn is None and o._requires_grad:
                    raise RuntimeError("a leaf Variable that requires grad is being used in an "
                                       "in-place operation.")
                o._vc[0] += 1
                o._grad_fn, o._output_nr, o._requires_grad = ctx, i, True
                w = o
            elif id(o) in nondiff:
                w = Tensor._make(o._data)
            elif any(o is a for a in args) or o._grad_fn is not None or o._requires_grad:
                w = Tensor._make(o._data, ctx, output_nr=i)
                w._vc = o._vc
            else:
                w = o
                w._grad_fn, w._requires_grad, w._output_nr = ctx, True, i
            wrapped.append(w)
        ctx._n_out = len(outs)
        ctx._multi = len(outs) > 1
        ctx._out_meta = metas
        saved = []
        for t in ctx.to_save:
            if t is None:
                saved.append(None)
            elif any(t is o for o in outs):
                # NOTE: a saved output is stored as data, so the node does not keep its own
                # output alive (no reference cycle)
                saved.append((t._data, t._vc, t._vc[0]))
            else:
                saved.append((t, t._vc, t._vc[0]))
        ctx._saved = tuple(saved)
        ctx.to_save = ()
        if _check_functions[0]:
            from .gradcheck import _auto_check
            _auto_check(cls, args)
        return wrapped[0] if single else tuple(wrapped)


_check_functions = [False]


def _plain_output(o: Any, args: tuple) -> Any:
    from ..tensor import Tensor
    if isinstance(o, Tensor) and any(o is a for a in args):
        w = Tensor._make(o._data)
        w._vc = o._vc
        return w
    return o


def once_differentiable(fn: Any) -> Any:
    """Mark a Function's backward as not differentiable itself (its result has no graph)."""
    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with set_grad_enabled(False):
            outs = fn(ctx, *args)
        return outs
    return wrapper
