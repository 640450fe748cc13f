"""Helpers shared by nn.functional: argument checks, reductions, in-place application, and
functions that rules call on ndarrays (first order) and on Tensors (create_graph) alike."""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from .. import _dtype
from ..autograd.grad_mode import _state
from ..ops._core import _as_tensor_arg, record_inplace_site
from ..ops.elementwise import sigmoid as _sigmoid_op
from ..tensor import Tensor

ndarray = np.ndarray
_make = Tensor._make


def as_tensor_arg(x: Any, fname: str, arg: str = "input", pos: int = 1) -> Tensor:
    if type(x) is Tensor:
        return x
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (ndarray, np.generic)):
        return _as_tensor_arg(x, fname)
    raise TypeError(f"{fname}(): argument '{arg}' (position {pos}) must be Tensor, not "
                    f"{type(x).__name__}")


_LONG = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
         "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def need_float(x: Tensor, kernel: str) -> None:
    """PyTorch's NotImplementedError for integer input to a floating-point kernel."""
    if x._data.dtype.kind != "f":
        raise NotImplementedError(
            f'"{kernel}" not implemented for \'{_LONG.get(x._data.dtype.name, x.dtype.name)}\''
            f"\nfeathergrad: convert the input to floating point first, e.g. x.float()")


def reduction_of(size_average: Any, reduce: Any, reduction: str) -> str:
    """PyTorch's legacy (size_average, reduce) pair mapped to `reduction`, then checked."""
    if size_average is not None or reduce is not None:
        sa = True if size_average is None else size_average
        rd = True if reduce is None else reduce
        reduction = "none" if not rd else ("mean" if sa else "sum")
        warnings.warn("size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", UserWarning, stacklevel=3)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def reduce_fwd(l: ndarray, red: str) -> ndarray:
    if red == "none":
        return l
    return np.sum(l) if red == "sum" else np.mean(l)


def scale_g(g: Any, red: str, n: int) -> Any:
    """The incoming gradient of a reduced loss, spread per element (by broadcasting)."""
    return g / n if red == "mean" else g


def sigmoid_any(x: Any) -> Any:
    if type(x) is Tensor:
        return _sigmoid_op(x)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def softplus_np(x: ndarray) -> ndarray:
    """log(1 + exp(x)) without overflow."""
    with np.errstate(under="ignore"):
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def check_shapes_warn(input: Tensor, target: Tensor) -> None:
    if input._data.shape != target._data.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.", UserWarning, stacklevel=3)


def inplace_apply(prim: Callable, x: Tensor, *params: Any) -> Tensor:
    """Run the out-of-place primitive and write its result into `x`, rebasing x's graph
    history on the new node (what PyTorch's ``relu_`` and ``inplace=True`` do)."""
    from ..ops.inplace import check_inplace
    check_inplace(x)
    src = x
    if x._requires_grad and _state.enabled:
        if x._x is not None and x._x.base is not None:
            raise RuntimeError(
                "feathergrad: in-place activations on a view of a tensor that requires grad are "
                "not supported; use the out-of-place form (inplace=False).")
        # NOTE: the node must not save `x` itself (its version changes below) nor its storage
        # (overwritten below): it gets an alias on the same graph edge, with a copy of the
        # data only when its rule reads the input.
        cls = prim._node
        d = x._data.copy() if cls._save[0] else x._data
        src = _make(d, x._grad_fn, True, x._output_nr)
        if x._grad_fn is None:   # a leaf outside grad mode never gets here (check_inplace)
            src = x
    r = prim(src, *params)
    np.copyto(x._data, r._data)
    if r._grad_fn is not None:
        x._grad_fn = r._grad_fn
        x._output_nr = 0
        x._requires_grad = True
    record_inplace_site(x)
    return x


def default_float() -> np.dtype:
    return _dtype._default[0].np


def np_dtype_of(dtype: Any) -> np.dtype | None:
    return None if dtype is None else _dtype.to_dtype(dtype).np
