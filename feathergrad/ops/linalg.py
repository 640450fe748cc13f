"""Matrix products: matmul, mm, bmm, mv, dot, vdot, outer, addmm, baddbmm.

One rule pair covers every product (1-D, 2-D, batched with broadcasting); OpNode sums
broadcast batch axes back. trace/diag/diagonal/tril/triu live in ``diag.py``, einsum and
tensordot in ``einsum.py``, inv/det/solve in ``linalg_solve.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._core import HANDLED, _as_tensor_arg, defop

__all__ = [
    "matmul",
    "mm",
    "bmm",
    "mv",
    "dot",
    "vdot",
    "outer",
    "ger",
    "addmm",
    "baddbmm",
]


def _c_name(npdt: np.dtype) -> str:
    """PyTorch's C++ name of a dtype, as its error messages spell it."""
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}.get(str(npdt), str(npdt))


def _ga(g, out, a, b):
    if b.ndim == 1:
        if a.ndim == 1:
            return g * b
        return np.expand_dims(g, -1) * b
    if a.ndim == 1:
        return np.matmul(b, np.expand_dims(g, -1))[..., 0]
    return np.matmul(g, np.swapaxes(b, -1, -2))


def _gb(g, out, a, b):
    if a.ndim == 1:
        if b.ndim == 1:
            return g * a
        return np.expand_dims(a, -1) * np.expand_dims(g, -2)
    if b.ndim == 1:
        return np.matmul(np.swapaxes(a, -1, -2), np.expand_dims(g, -1))[..., 0]
    return np.matmul(np.swapaxes(a, -1, -2), g)


def _mm(a, b):
    return np.matmul(a, b)


_dot = defop("dot", _mm, "DotBackward0", a=_ga, b=_gb)
_mv = defop("mv", _mm, "MvBackward0", a=_ga, b=_gb)
_mmop = defop("mm", _mm, "MmBackward0", a=_ga, b=_gb)
# NOTE: PyTorch names batched products after its internal reshapes; we keep its top node's
# name: an unsafe view, or, where it folds a 2-D @ batched product through a transpose, that
# transpose or the copy making it contiguous
_bmm = defop("matmul", _mm, "UnsafeViewBackward0", a=_ga, b=_gb)
_bmm_clone = defop("matmul_folded", _mm, "CloneBackward0", a=_ga, b=_gb)
_bmm_t = defop("matmul_folded_t", _mm, "TransposeBackward0", a=_ga, b=_gb)
_vm = defop("vm", _mm, "SqueezeBackward4", a=_ga, b=_gb)


def _check_batch(a: np.ndarray, b: np.ndarray) -> None:
    lead_a, lead_b = a.shape[:-2], b.shape[:-2]
    for i in range(1, min(len(lead_a), len(lead_b)) + 1):
        x, y = lead_a[-i], lead_b[-i]
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {len(lead_a) - i}")


def _matmul_error(a: np.ndarray, b: np.ndarray) -> RuntimeError:
    """PyTorch's message for mismatched inner sizes: that of the kernel matmul dispatches to
    (dot, mv, mm, or bmm after folding or broadcasting the batch dims)."""
    if a.ndim == 1 and b.ndim == 1:
        return RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src "
                            f"[{b.shape[0]}] to have the same number of elements, but got "
                            f"{a.shape[0]} and {b.shape[0]} elements respectively")
    if b.ndim >= 3:
        batch = int(np.prod(np.broadcast_shapes(a.shape[:-2], b.shape[:-2])))
        return RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                            f"[{batch}, {a.shape[-1]}] but got: [{batch}, {b.shape[-2]}].")
    rows = int(np.prod(a.shape[:-1]))
    if b.ndim == 1:
        return RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{a.shape[-1]}), vec "
                            f"({b.shape[0]})")
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{a.shape[-1]} and "
                        f"{b.shape[0]}x{b.shape[1]})")


def _batched(input: Tensor, a: np.ndarray, b: np.ndarray) -> Callable:
    """The node PyTorch's matmul ends with for a batched product (see the NOTE above)."""
    if input._requires_grad and b.ndim >= 3 and (
            a.ndim == 2 or (a.ndim == 3 == b.ndim and a.shape[0] == 1 != b.shape[0])):
        return _bmm_t if a.shape[-2] == 1 or b.shape[-1] == 1 else _bmm_clone
    return _bmm


def matmul(input: Any, other: Any) -> Tensor:
    """Matrix product with NumPy/PyTorch semantics for 1-D, 2-D and batched operands."""
    if type(input) is not Tensor or type(other) is not Tensor:
        input, other = _as_tensor_arg(input, "matmul"), _as_tensor_arg(other, "matmul")
    a, b = input._data, other._data
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a.ndim}D and {b.ndim}D")
    if a.ndim > 2 and b.ndim > 2:
        _check_batch(a, b)
    if a.shape[-1] != (b.shape[-2] if b.ndim > 1 else b.shape[0]):
        raise _matmul_error(a, b)
    if a.dtype is not b.dtype:
        if a.ndim == 1 and b.ndim == 1:
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                               f"{_tn(a.dtype)} and {_tn(b.dtype)}")
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_c_name(a.dtype)} != {_c_name(b.dtype)}")
    if a.dtype == np.bool_:
        _no_bool(a, "dot" if a.ndim == b.ndim == 1 else "addmv_impl_cpu" if b.ndim == 1
                 else "addmm_impl_cpu_")
    if a.ndim == 1:
        op = _dot if b.ndim == 1 else (_vm if b.ndim == 2 else _bmm)
    elif b.ndim <= 2 and a.ndim == 2:
        op = _mv if b.ndim == 1 else _mmop
    else:
        op = _batched(input, a, b) if b.ndim > 1 else _bmm
    return op(input, other)


def _rmatmul(self: Tensor, other: Any) -> Tensor:
    return matmul(other, self)


_bmm3 = defop("bmm", _mm, "BmmBackward0", a=_ga, b=_gb)
_vdot = defop("vdot", _mm, "VdotBackward0", a=_ga, b=_gb)


def _same_dtype(a: np.ndarray, b: np.ndarray) -> None:
    if a.dtype is not b.dtype and a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_c_name(a.dtype)} != {_c_name(b.dtype)}")


def _pair(input: Any, other: Any, fname: str) -> tuple:
    if type(input) is not Tensor or type(other) is not Tensor:
        input, other = _as_tensor_arg(input, fname), _as_tensor_arg(other, fname)
    return input, other


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Matrix product of two 2-D tensors (no broadcasting; see matmul).

    >>> mm(tensor([[1., 2.]]), tensor([[3.], [4.]]))
    tensor([[11.]])
    """
    input, mat2 = _pair(input, mat2, "mm")
    _check_mm(input._data, mat2._data)
    return _mmop(input, mat2)


def _no_bool(a: np.ndarray, kernel: str) -> None:
    if a.dtype == np.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _check_mm(a: np.ndarray, b: np.ndarray) -> None:
    _no_bool(a, "addmm_impl_cpu_")
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]}"
                           f" and {b.shape[0]}x{b.shape[1]})")
    _same_dtype(a, b)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of two 3-D tensors with equal batch sizes (no broadcasting).

    >>> bmm(ones(2, 1, 3), ones(2, 3, 1)).shape
    torch.Size([2, 1, 1])
    """
    input, mat2 = _pair(input, mat2, "bmm")
    a, b = input._data, mat2._data
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    _same_dtype(a, b)
    _no_bool(a, "bmm")
    return _bmm3(input, mat2)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product.

    >>> mv(tensor([[1., 2.], [3., 4.]]), tensor([1., 1.]))
    tensor([3., 7.])
    """
    input, vec = _pair(input, vec, "mv")
    a, b = input._data, vec._data
    if a.ndim != 2 or b.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {b.ndim}")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x"
                           f"{a.shape[1]}), vec ({b.shape[0]})")
    _same_dtype(a, b)
    _no_bool(a, "addmv_impl_cpu")
    return _mv(input, vec)


def _vectors(input: Any, other: Any, fname: str) -> tuple:
    input, other = _pair(input, other, fname)
    a, b = input._data, other._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape != b.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src "
                           f"[{b.shape[0]}] to have the same number of elements, but got "
                           f"{a.shape[0]} and {b.shape[0]} elements respectively")
    if a.dtype != b.dtype:
        raise RuntimeError(f"{fname} : expected both vectors to have same dtype, but found "
                           f"{_tn(a.dtype)} and {_tn(b.dtype)}")
    _no_bool(a, fname)
    return input, other


def _tn(npdt: np.dtype) -> str:
    from .reduce import type_name
    return type_name(npdt)


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """Inner product of two 1-D tensors of the same size and dtype.

    >>> dot(tensor([1., 2.]), tensor([3., 4.]))
    tensor(11.)
    """
    return _dot(*_vectors(input, tensor, "dot"))


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """Inner product conj(input) . other of two 1-D tensors (the same as dot for reals)."""
    input, other = _vectors(input, other, "vdot")
    if input._data.dtype.kind == "c":
        raise NotImplementedError("vdot of complex tensors is not supported yet")
    return _vdot(input, other)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two vectors, recorded as PyTorch does: input[:, None] * vec2.

    >>> outer(tensor([1., 2.]), tensor([1., 10.]))
    tensor([[ 1., 10.],
            [ 2., 20.]])
    """
    input, vec2 = _pair(input, vec2, "outer")
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got "
                               f"{t._data.ndim}-D")
    return input.reshape(-1, 1) * vec2


ger = outer


def _addmm_fwd(c, a, b, beta, alpha):
    p = np.matmul(a, b)
    if alpha != 1:
        p = p * alpha
    if beta == 0:   # NOTE: as in PyTorch, input is ignored (its nan/inf do not propagate)
        return np.broadcast_to(p, np.broadcast_shapes(c.shape, p.shape)).copy()
    return p + (c if beta == 1 else c * beta)


def _scaled(g: Any, s: Any) -> Any:
    return g if s == 1 else g * s


_addmm = defop("addmm", _addmm_fwd, "AddmmBackward0",
               c=lambda g, out, c, a, b, beta, alpha: _scaled(g, beta),
               a=lambda g, out, c, a, b, beta, alpha: _scaled(_ga(g, out, a, b), alpha),
               b=lambda g, out, c, a, b, beta, alpha: _scaled(_gb(g, out, a, b), alpha))
_baddbmm = defop("baddbmm", _addmm_fwd, "BaddbmmBackward0",
                 c=lambda g, out, c, a, b, beta, alpha: _scaled(g, beta),
                 a=lambda g, out, c, a, b, beta, alpha: _scaled(_ga(g, out, a, b), alpha),
                 b=lambda g, out, c, a, b, beta, alpha: _scaled(_gb(g, out, a, b), alpha))


def _broadcastable(c: Tensor, shape: tuple) -> None:
    cs = c._data.shape
    try:
        if np.broadcast_shapes(cs, shape) == shape:
            return
    except ValueError:
        pass
    lead = len(shape) - len(cs)
    for i in range(len(cs) - 1, -1, -1):
        if cs[i] != 1 and cs[i] != shape[i + lead]:
            raise RuntimeError(
                f"The expanded size of the tensor ({shape[i + lead]}) must match the existing "
                f"size ({cs[i]}) at non-singleton dimension {i + lead}.  Target sizes: "
                f"{list(shape)}.  Tensor sizes: {list(cs)}")
    raise RuntimeError(f"expand: the tensor of shape {list(cs)} cannot be broadcast to "
                       f"{list(shape)}")


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2), input broadcast to the product's shape.

    >>> addmm(zeros(1), tensor([[1., 2.]]), tensor([[3.], [4.]]), alpha=2)
    tensor([[22.]])
    """
    input, mat1 = _pair(input, mat1, "addmm")
    _check_mm(mat1._data, mat2._data)
    shape = (mat1._data.shape[0], mat2._data.shape[1])
    _broadcastable(input, shape)
    return _addmm(input, mat1, mat2, beta, alpha)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
            alpha: Any = 1) -> Tensor:
    """beta * input + alpha * bmm(batch1, batch2), input broadcast to the product's shape.

    >>> baddbmm(zeros(2, 1, 1), ones(2, 1, 3), ones(2, 3, 1)).flatten()
    tensor([3., 3.])
    """
    input, batch1 = _pair(input, batch1, "baddbmm")
    a, b = batch1._data, batch2._data
    if a.ndim != 3 or b.ndim != 3:
        bmm(batch1, batch2)
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        bmm(batch1, batch2)
    _same_dtype(a, b)
    _broadcastable(input, (a.shape[0], a.shape[1], b.shape[2]))
    return _baddbmm(input, batch1, batch2, beta, alpha)


Tensor.__matmul__ = Tensor.matmul = matmul
Tensor.__rmatmul__ = _rmatmul
for _n in ("mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "addmm", "baddbmm"):
    setattr(Tensor, _n, globals()[_n])
HANDLED.update({
    np.matmul: matmul, np.dot: lambda a, b, out=None: matmul(a, b), np.vdot: vdot,
    np.outer: lambda a, b, out=None: outer(a.reshape(-1), b.reshape(-1)),
})
