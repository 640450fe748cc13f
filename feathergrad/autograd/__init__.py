"""feathergrad.autograd: backward, grad, custom Functions and grad modes."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import engine as _engine
from .anomaly_mode import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)

__all__ = ["backward", "grad", "Function", "FunctionCtx", "once_differentiable", "no_grad",
           "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled", "detect_anomaly", "set_detect_anomaly",
           "is_anomaly_enabled"]


def _tuple(x: Any) -> tuple:
    from ..tensor import Tensor
    if x is None:
        return ()
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _shape_str(shape: tuple) -> str:
    return f"torch.Size({list(shape)})"


def _make_grads(outputs: tuple, grads: tuple, create_graph: bool) -> list:
    from ..tensor import Tensor
    out = []
    for i, (o, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if o._data.size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs\n"
                    f"feathergrad: this output has shape {tuple(o._data.shape)}. Reduce it to a "
                    "scalar first (y.sum().backward()), or pass the vector of the "
                    "vector-Jacobian product (y.backward(torch.ones_like(y))).")
            if o._data.dtype.kind not in "fc":
                raise RuntimeError(f"grad can be implicitly created only for real scalar "
                                   f"outputs but got {o.dtype}")
            a = np.ones(o._data.shape, dtype=o._data.dtype)
            out.append(Tensor._make(a) if create_graph else a)
            continue
        if not isinstance(g, Tensor):
            if isinstance(g, (int, float, np.ndarray, np.generic)):
                g = Tensor._make(np.asarray(g, dtype=o._data.dtype))
            else:
                raise TypeError("gradients can be either Tensors or None, but got "
                                f"{type(g).__name__}")
        if g._data.shape != o._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {_shape_str(g._data.shape)} "
                f"and output[{i}] has a shape of {_shape_str(o._data.shape)}.")
        if (g._data.dtype.kind in "fc") != (o._data.dtype.kind in "fc"):
            raise RuntimeError(f"For complex Tensors, both grad_output and output are required "
                               f"to have the same dtype. Mismatch in dtype: grad_output[{i}] has "
                               f"a dtype of {g.dtype} and output[{i}] has a dtype of {o.dtype}.")
        if g._data.dtype != o._data.dtype:
            g = g.to(o.dtype)
        out.append(g if create_graph else g._data)
    return out


def _no_grad_error(i: int, t: Any) -> RuntimeError:
    return RuntimeError(
        f"element {i} of tensors does not require grad and does not have a grad_fn\n"
        "feathergrad: " + _why_cut(t))


def _why_cut(t: Any) -> str:
    """Where the graph was cut above a tensor that does not require grad."""
    if t._data.dtype.kind not in "fc":
        return (f"this tensor has integer dtype {t.dtype}, which cannot carry gradients; make "
                "the inputs floating point (e.g. torch.tensor(2.0) instead of torch.tensor(2)).")
    cut = t._x.cut if t._x is not None else None
    if cut == "no_grad":
        return ("it was computed while grad mode was off (under torch.no_grad(), "
                "inference_mode() or set_grad_enabled(False)); compute it outside that block.")
    if cut in ("detach()", ".data"):
        return (f"it comes from {cut}, which cuts the graph; use the original tensor if you "
                "want gradients to flow back.")
    if t._grad_fn is None:
        return ("it is a leaf created without requires_grad=True; create it with "
                "requires_grad=True (or call .requires_grad_()) before computing with it.")
    return ("none of the tensors it was computed from requires grad; set requires_grad=True "
            "on the leaf you differentiate with respect to, before computing the output.")


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, grad_variables: Any = None,
             inputs: Any = None) -> None:
    """Accumulate d(tensors)/d(leaf) into ``.grad`` of every leaf of the graph."""
    outputs = _tuple(tensors)
    if grad_variables is not None:
        grad_tensors = grad_variables
    grads = _tuple(grad_tensors) if grad_tensors is not None else (None,) * len(outputs)
    if len(grads) == 1 and len(outputs) > 1 and grads[0] is None:
        grads = (None,) * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(grads)} tensors and {len(outputs)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    for i, t in enumerate(outputs):
        if not t._requires_grad:
            raise _no_grad_error(i, t)
        _check_inference(t)
    gs = _make_grads(outputs, grads, create_graph)
    roots = [t._edge() for t in outputs]
    in_edges = None
    ins = _tuple(inputs) if inputs is not None else None
    if ins is not None:
        if not ins:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        in_edges = [t._edge() for t in ins]
    from ..autograd.grad_mode import set_grad_enabled
    with set_grad_enabled(create_graph):
        res = _engine.run_backward(roots, gs, retain_graph, create_graph, in_edges, True)
    if ins is not None:
        from ..tensor import Tensor
        for t, r in zip(ins, res):
            if t._grad_fn is not None and r is not None:
                r = r if create_graph else Tensor._make(np.array(r, dtype=t._data.dtype))
                t._grad = r if t._grad is None else t._grad + r


def _check_inference(t: Any) -> None:
    if t._x is not None and t._x.inference:
        raise RuntimeError("Inference tensors cannot be saved for backward. To work around you "
                           "can make a clone to get a normal tensor and use it in autograd.")


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple:
    """The gradients of `outputs` w.r.t. `inputs`, returned (``.grad`` is left untouched).

    >>> x = tensor(3., requires_grad=True)
    >>> grad(x ** 2, x)
    (tensor(6.),)
    """
    from ..tensor import Tensor
    outs = _tuple(outputs)
    ins = _tuple(inputs)
    if not ins:
        raise RuntimeError("grad requires non-empty inputs.")
    if allow_unused is None:
        allow_unused = materialize_grads
    if materialize_grads and not allow_unused:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False.")
    go = _tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outs)
    if len(go) != len(outs):
        raise RuntimeError(f"grad_outputs should be a sequence of length {len(outs)}, "
                           f"got {len(go)}")
    for i, t in enumerate(outs):
        if not t._requires_grad:
            raise _no_grad_error(i, t)
    for t in ins:
        if not isinstance(t, Tensor):
            raise TypeError(f"grad(): inputs must be Tensors, got {type(t).__name__}")
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    gs = _make_grads(outs, go, create_graph)
    from .grad_mode import set_grad_enabled
    with set_grad_enabled(create_graph):
        res = _engine.run_backward([t._edge() for t in outs], gs, retain_graph, create_graph,
                                   [t._edge() for t in ins], accumulate=False)
    result = []
    for t, r in zip(ins, res):
        if r is None:
            if materialize_grads:
                result.append(Tensor._make(np.zeros(t._data.shape, dtype=t._data.dtype)))
                continue
            if not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
            result.append(None)
        elif create_graph:
            result.append(r if isinstance(r, Tensor) else Tensor._make(np.asarray(r)))
        else:
            r = np.array(np.broadcast_to(r, t._data.shape), dtype=t._data.dtype)
            result.append(Tensor._make(r))
    return tuple(result)


from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402

__all__ += ["gradcheck", "gradgradcheck", "GradcheckError", "check_function",
            "set_check_functions"]


def __getattr__(name: str) -> Any:
    # the learner's checks (check.py) load on first use
    if name in ("check_function", "set_check_functions", "FunctionCheck"):
        from . import check
        return getattr(check, name)
    if name in ("functional", "forward_ad"):   # function transforms load on first use
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
