"""Custom autograd Functions: ``class SQ(Function)`` with static forward/backward.

The ctx passed to forward and backward is the graph node itself (an ``SQBackward`` instance),
as in PyTorch, so it shares the node machinery of the built-in ops.

Both of PyTorch's styles work: ``forward(ctx, *args)``, or ``forward(*args)`` plus a
``setup_context(ctx, inputs, output)`` staticmethod. ``ctx.mark_dirty`` makes an in-place
Function's output the modified input itself (its version bumped, so stale saved values are
caught); ``@once_differentiable`` lets a backward run without recording and makes a later
attempt to differentiate through it raise PyTorch's error.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import warnings
from typing import Any

import numpy as np

from .grad_mode import _state, set_grad_enabled
from .graph import _FREED, Node


class FunctionCtx:
    """What forward and backward see as ``ctx``: saving tensors and marking outputs."""

    def save_for_backward(self, *tensors: Any) -> None:
        from ..tensor import Tensor
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{i} is of type {type(t).__name__}")
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
        """The tensors given to ``save_for_backward``; a saved output comes back with this
        node as its ``grad_fn`` (so a backward that uses it can itself be differentiated).
        Raises if the values were freed by a backward without ``retain_graph``, or modified
        in place since they were saved."""
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
            t, vc, v, nr = item
            if vc[0] != v:
                raise _modified_error(self, t, vc[0], v, nr)
            if nr is not None:   # a saved output, stored as its data (see apply)
                t = Tensor._make(t, self if nr >= 0 else None, output_nr=max(nr, 0))
                t._vc = vc
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


def _producer(node: Any) -> str:
    """The op name PyTorch's version error prints for a node ("Mul", "Exp")."""
    fwd = getattr(node, "_forward_cls", None)
    return fwd.__name__ if fwd is not None else re.sub(r"Backward\d*$", "", node.name())


def _modified_error(node: Any, t: Any, version: int, expected: int, nr: int | None) -> Exception:
    from ..ops._core import _type_name
    data = t if nr is not None else t._data
    if nr is not None:
        which = f", which is output {max(nr, 0)} of {_producer(node)},"
    elif t._grad_fn is not None:
        which = f", which is output {t._output_nr} of {_producer(t._grad_fn)},"
    else:
        which = ""
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{_type_name(data.dtype)} {list(data.shape)}]{which} is at version "
        f"{version}; expected version {expected} instead. Hint: enable anomaly detection to find "
        "the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).\nfeathergrad: a tensor "
        f"saved by {node.name()} (save_for_backward) was modified in place after it was saved. "
        "Use an out-of-place op (y = y * 2 instead of y.mul_(2)) or save a .clone().")


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

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        """Forward-mode rule: the tangents of the outputs from those of the inputs."""
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions "
                      "are all static, so you should invoke them on the class itself. "
                      "Instantiating an autograd function will raise an error in a future "
                      "version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Legacy autograd function with non-static forward method is "
                           "deprecated. Please use new-style autograd function with static "
                           "forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward without recording and, if an input requires grad (and grad mode is on),
        make the outputs children of a new ``<Name>Backward`` node."""
        from ..tensor import Tensor
        ctx = cls._backward_cls()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        setup = cls.setup_context
        custom_setup = setup is not None and not getattr(setup, "_is_default", False)
        with set_grad_enabled(False):
            if custom_setup:
                # NOTE: binding first gives PyTorch's error when forward still takes ctx
                _forward_signature(cls).bind(*args, **kwargs)
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        dirty = ctx.dirty_tensors
        if dirty and not all(any(d is o for o in outs) for d in dirty):
            raise RuntimeError("Some elements marked as dirty during the forward method were not "
                               "returned as output. The inputs that are modified inplace must "
                               "all be outputs of the Function.")
        record = _state.enabled and any(ctx.needs_input_grad)
        if not record:
            for d in dirty:
                d._vc[0] += 1   # as PyTorch: marking dirty bumps the version once more
            res = tuple(_plain_output(o, args, dirty) for o in outs)
            return res[0] if single else res
        ctx.next_functions = tuple(a._edge() for a in args if isinstance(a, Tensor))
        ctx._in_meta = tuple((a._data.shape, a._data.dtype) if isinstance(a, Tensor) else None
                             for a in args)
        ctx._n_out = len(outs)
        ctx._multi = len(outs) > 1
        nondiff = {id(t) for t in ctx.non_differentiable}
        wrapped = []
        metas = []
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                wrapped.append(o)
                metas.append(((), np.dtype(np.float32)))
                continue
            metas.append((o._data.shape, o._data.dtype))
            if any(o is d for d in dirty):
                _mark_dirty_output(ctx, o, i, args)
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
        ctx._out_meta = metas
        saved = []
        for t in ctx.to_save:
            if t is None:
                saved.append(None)
                continue
            nr = next((i for i, o in enumerate(outs) if t is o), None)
            if nr is None:
                saved.append((t, t._vc, t._vc[0], None))
            else:
                # NOTE: a saved output is stored as data (and rebuilt on access), so the node
                # does not keep its own output alive (no reference cycle)
                saved.append((t._data, t._vc, t._vc[0], -1 if id(t) in nondiff else nr))
        ctx._saved = tuple(saved)
        ctx.to_save = ()
        if _check_functions[0]:
            from .check import _auto_check
            _auto_check(cls, args)
        if _jvp_hook[0] is not None:   # a forward-AD level is active (forward_ad.py)
            wrapped = _jvp_hook[0](cls, ctx, args, wrapped)
        return wrapped[0] if single else tuple(wrapped)


# set_check_functions(True) or FEATHERGRAD_CHECK_FUNCTIONS=1: check_function on first use
_check_functions = [os.environ.get("FEATHERGRAD_CHECK_FUNCTIONS", "") not in ("", "0")]
_jvp_hook: list = [None]   # set by autograd.forward_ad while a dual level is active


def _forward_signature(cls: type) -> inspect.Signature:
    sig = cls.__dict__.get("_fwd_signature")
    if sig is None:
        sig = inspect.signature(cls.forward)
        cls._fwd_signature = sig
    return sig


def _mark_dirty_output(ctx: BackwardCFunction, o: Any, i: int, args: tuple) -> None:
    """Make the in-place modified input `o` the Function's output `i`: bump its version and
    rebase its history onto ctx (through CopySlices when `o` is a view), as PyTorch does."""
    base = o._x.base if o._x is not None else None
    if o._grad_fn is None and o._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                           "operation.\nfeathergrad: mark_dirty modifies its input; pass a "
                           "copy (x.clone()) or call the Function under torch.no_grad().")
    if base is not None and base._grad_fn is None and base._requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    o._vc[0] += 1
    if base is None:
        o._grad_fn, o._output_nr, o._requires_grad = ctx, i, True
        return
    from ..tensor import Tensor
    first = next((a for a in args if isinstance(a, Tensor)), None)
    if first is not o or ctx._n_out != 1:
        raise NotImplementedError(
            "feathergrad: mark_dirty on a view is supported when the view is the first tensor "
            "input and the only output of the Function; pass a contiguous copy instead.")
    from ..ops.inplace import _rebase
    _rebase(o, ctx, 0)


def _plain_output(o: Any, args: tuple, dirty: tuple) -> Any:
    """An output when nothing is recorded: an input returned as output comes back as an alias
    that does not require grad (a dirty input that needs no grad comes back itself)."""
    from ..tensor import Tensor
    if isinstance(o, Tensor) and any(o is a for a in args) and (
            o._requires_grad or not any(o is d for d in dirty)):
        w = Tensor._make(o._data)
        w._vc = o._vc
        return w
    return o


class _DelayedError(Node):
    """The node behind the outputs of a ``@once_differentiable`` backward run under
    ``create_graph``: differentiating through it raises PyTorch's error."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self._n = n
        self._multi = n > 1
        self.next_functions = ((None, 0),) * n

    def _num_outputs(self) -> int:
        return self._n

    def name(self) -> str:
        return "torch::autograd::Error"

    def apply(self, grads: Any, create_graph: bool) -> list:
        raise RuntimeError("trying to differentiate twice a function that was marked with "
                           "@once_differentiable\nfeathergrad: this Function's backward is not "
                           "differentiable; write it with differentiable ops (and drop "
                           "@once_differentiable) to take higher derivatives.")


_DelayedError.__name__ = _DelayedError.__qualname__ = "Error"


def once_differentiable(fn: Any) -> Any:
    """Decorate a Function's backward that is not itself differentiable: it runs without
    recording, and when its result would need a graph (``create_graph=True`` with incoming
    gradients that require grad) the result hangs from a node that raises PyTorch's error
    ("trying to differentiate twice ...") if a later backward reaches it."""
    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        from ..tensor import Tensor
        with set_grad_enabled(False):
            outputs = fn(ctx, *args)
        if not _state.enabled or not any(isinstance(a, Tensor) and a._requires_grad
                                         for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        err = _DelayedError(len(outs))
        res = tuple(Tensor._make(o._data, err, output_nr=i) if isinstance(o, Tensor) else o
                    for i, o in enumerate(outs))
        return res[0] if single else res
    return wrapper
