"""Shape ops and basic indexing. Results are views: they share storage and the version
counter with their base, as in PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Size, Tensor, _wrap_dim
from ._core import HANDLED, defop

ndarray = np.ndarray

__all__ = [
    "reshape",
    "view",
    "transpose",
    "swapaxes",
    "swapdims",
    "t",
    "permute",
    "expand",
    "squeeze",
    "unsqueeze",
    "flatten",
]


def _view_of(out: Tensor, base: Tensor) -> Tensor:
    """Make `out` a view of `base`: shared version counter, and `_base` for in-place checks."""
    out._vc = base._vc
    x = out._ex()
    bx = base._x
    x.base = bx.base if bx is not None and bx.base is not None else base
    return out


def _shape_arg(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size, ndarray)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _infer(shape: tuple, size: int, old: tuple) -> tuple:
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if neg:
        if known == 0 or size % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")
        shape = tuple(size // known if s == -1 else s for s in shape)
    elif known != size:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")
    return shape


_reshape = defop("view", lambda x, shape, old: x.reshape(shape), "ViewBackward0",
                 x=lambda g, out, x, shape, old: g.reshape(old))
_reshape_copy = defop("reshape_copy", lambda x, shape, old: x.reshape(shape),
                      "UnsafeViewBackward0", x=lambda g, out, x, shape, old: g.reshape(old))


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """A tensor with the same data in a new shape (a view when the strides allow)."""
    d = input._data
    shape = _infer(_shape_arg(shape), d.size, d.shape)
    if d.flags.c_contiguous or d.ndim < 2:
        return _view_of(_reshape(input, shape, d.shape), input)
    return _reshape_copy(input, shape, d.shape)


def view(input: Tensor, *shape: Any) -> Tensor:
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, Size, int)):
        return input.to(shape[0])   # view(dtype): not supported beyond a same-size cast
    d = input._data
    shape = _infer(_shape_arg(shape), d.size, d.shape)
    if not d.flags.c_contiguous and d.ndim >= 2:
        try:
            np.reshape(d.view(), shape, copy=False)
        except (ValueError, TypeError, AttributeError):
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            ) from None
    return _view_of(_reshape(input, shape, d.shape), input)


def _swap(x, d0, d1):
    return np.swapaxes(x, d0, d1)


_transpose = defop("transpose", _swap, "TransposeBackward0",
                   x=lambda g, out, x, d0, d1: np.swapaxes(g, d0, d1))
_t = defop("t", _swap, "TBackward0", x=lambda g, out, x, d0, d1: np.swapaxes(g, d0, d1))


def _perm_fwd(x, dims):
    return np.transpose(x, dims)


_permute = defop("permute", _perm_fwd, "PermuteBackward0",
                 x=lambda g, out, x, dims: np.transpose(g, np.argsort(dims)))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    n = input._data.ndim
    return _view_of(_transpose(input, _wrap_dim(dim0, n), _wrap_dim(dim1, n)), input)


def t(input: Tensor) -> Tensor:
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    return _view_of(_t(input, 0, n - 1 if n else 0), input)


def permute(input: Tensor, *dims: Any) -> Tensor:
    n = input._data.ndim
    dims = tuple(_wrap_dim(d, n) for d in _shape_arg(dims))
    if sorted(dims) != list(range(n)):
        raise RuntimeError("permute(): dims must be a permutation of the tensor's dimensions, "
                           f"got {list(dims)} for a {n}-d tensor")
    return _view_of(_permute(input, dims), input)


def _T(self: Tensor) -> Tensor:
    n = self._data.ndim
    return permute(self, tuple(range(n - 1, -1, -1)))


def _mT(self: Tensor) -> Tensor:
    if self._data.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {self._data.ndim}-D tensor.")
    return transpose(self, -2, -1)


# ---- basic indexing: int, slice, None, Ellipsis --------------------------------------
def _sel_fwd(x, index, shape):
    return x[index]


def _place(g, index, shape):
    z = np.zeros(shape, dtype=g.dtype)
    z[index] = g
    return z


def _sel_back(g, out, x, index, shape):
    # NOTE: the gradient of x[index] is g placed into zeros; itself differentiable (-> g[index])
    return _place(g, index, shape) if type(g) is not Tensor else _place_op(g, index, shape)


_place_op = defop("index_backward", _place, "SelectBackwardBackward0",
                  g=lambda gg, out, g, index, shape: gg[index])


_select = defop("select", _sel_fwd, "SelectBackward0", x=_sel_back)
_slice = defop("slice", _sel_fwd, "SliceBackward0", x=_sel_back)
_alias = defop("alias", lambda x: x[...], "AliasBackward0", x=lambda g, out, x: g)
_unsq = defop("unsqueeze", lambda x, index, shape: x[index], "UnsqueezeBackward0",
              x=lambda g, out, x, index, shape: g.reshape(shape))


def _basic(index: Any) -> bool:
    items = index if type(index) is tuple else (index,)
    for i in items:
        if not (i is None or i is Ellipsis or type(i) in (int, slice, bool)
                or isinstance(i, np.integer)):
            return False
    return True


def getitem(self: Tensor, index: Any) -> Tensor:
    """Basic indexing as a chain of views (select, slice, unsqueeze), one node per step as in
    PyTorch; anything else goes to advanced indexing."""
    if not _basic(index):
        from .index import advanced_getitem
        return advanced_getitem(self, index)
    items = list(index) if type(index) is tuple else [index]
    n_ell = builtins_sum(1 for i in items if i is Ellipsis)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    consumed = builtins_sum(1 for i in items if i is not None and i is not Ellipsis)
    nd = self._data.ndim
    if nd == 0 and consumed:
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    if consumed > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    multi = len(items) > 1 or n_ell
    if n_ell:
        k = items.index(Ellipsis)
        items[k:k + 1] = [slice(None)] * (nd - consumed)
        if not items:
            return _view_of(_alias(self), self)
    t = self
    dim = 0
    for it in items:
        shape = t._data.shape
        if it is None:
            idx = (slice(None),) * dim + (None,)
            t = _view_of(_unsq(t, idx, shape), self)
            dim += 1
        elif type(it) is slice:
            if it == slice(None) and multi:
                dim += 1
                continue
            start, stop, step = it.indices(shape[dim])
            if step <= 0:
                raise ValueError("step must be greater than zero")
            idx = (slice(None),) * dim + (it,)
            t = _view_of(_slice(t, idx, shape), self)
            dim += 1
        else:
            i = int(it)
            size = shape[dim]
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size "
                                 f"{size}")
            idx = (slice(None),) * dim + (i,)
            t = _view_of(_select(t, idx, shape), self)
    if t is self:
        return _view_of(_alias(self), self)
    return t


import builtins  # noqa: E402

builtins_sum = builtins.sum


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to a larger shape without copying (-1 keeps a size)."""
    sizes = _shape_arg(sizes)
    d = input._data
    lead = len(sizes) - d.ndim
    if lead < 0:
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(d.shape)}}}, size={list(sizes)}): "
                           "the number of sizes provided must be greater or equal to the number "
                           "of dimensions in the tensor")
    shape = tuple(d.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
    for i, s in enumerate(d.shape):
        if s != 1 and s != shape[i + lead]:
            raise RuntimeError(f"The expanded size of the tensor ({shape[i + lead]}) must match "
                               f"the existing size ({s}) at non-singleton dimension {i + lead}.  "
                               f"Target sizes: {list(sizes)}.  Tensor sizes: {list(d.shape)}")
    if shape == d.shape:
        return _view_of(_expand(input, shape), input)
    return _view_of(_expand(input, shape), input)


def _sum_to_rule(g, out, x, shape):
    from .._broadcast import sum_to
    return sum_to(g, x.shape) if hasattr(x, "shape") else g


_expand = defop("expand", lambda x, shape: np.broadcast_to(x, shape), "ExpandBackward0",
                x=lambda g, out, x, shape: g)   # NOTE: OpNode sums the stretched axes back


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    d = input._data
    if dim is None:
        axes = tuple(i for i, s in enumerate(d.shape) if s == 1)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        axes = tuple(i for i in (_wrap_dim(x, d.ndim) for x in dims) if d.shape[i] == 1)
    shape = tuple(s for i, s in enumerate(d.shape) if i not in axes)
    return _view_of(_squeeze(input, shape, d.shape), input)


_squeeze = defop("squeeze", lambda x, shape, old: x.reshape(shape), "SqueezeBackward0",
                 x=lambda g, out, x, shape, old: g.reshape(old))


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    d = input._data
    dim = _wrap_dim(dim, d.ndim + 1)
    idx = (slice(None),) * dim + (None,)
    return _view_of(_unsq(input, idx, d.shape), input)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    d = input._data
    if d.ndim == 0:
        return reshape(input, (1,))
    s, e = _wrap_dim(start_dim, d.ndim), _wrap_dim(end_dim, d.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = d.shape[:s] + (-1,) + d.shape[e + 1:]
    return reshape(input, shape)


def _expand_as(self: Tensor, other: Tensor) -> Tensor:
    return expand(self, other._data.shape)


def _view_as(self: Tensor, other: Tensor) -> Tensor:
    return view(self, other._data.shape)


def _reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return reshape(self, other._data.shape)


def _np_reshape(a, newshape=None, order="C", *, shape=None, copy=None):
    return reshape(a, shape if shape is not None else newshape)


def _np_transpose(a, axes=None):
    return permute(a, axes if axes is not None else tuple(range(a.ndim - 1, -1, -1)))


def _np_expand_dims(a, axis):
    if isinstance(axis, int):
        return unsqueeze(a, axis)
    for ax in sorted(_wrap_dim(x, a.ndim + len(axis)) for x in axis):
        a = unsqueeze(a, ax)
    return a


Tensor.reshape = reshape
Tensor.view = view
Tensor.transpose = transpose
Tensor.swapaxes = Tensor.swapdims = transpose
Tensor.t = t
Tensor.permute = permute
Tensor.T = property(_T)
Tensor.mT = property(_mT)
Tensor.__getitem__ = getitem
Tensor.expand = expand
Tensor.expand_as = _expand_as
Tensor.view_as = _view_as
Tensor.reshape_as = _reshape_as
Tensor.squeeze = squeeze
Tensor.unsqueeze = unsqueeze
Tensor.flatten = flatten
HANDLED.update({
    np.reshape: _np_reshape, np.transpose: _np_transpose,
    np.swapaxes: transpose, np.expand_dims: _np_expand_dims,
    np.broadcast_to: lambda a, shape, subok=False: expand(a, shape),
    np.squeeze: lambda a, axis=None: squeeze(a, axis),
})
swapaxes = swapdims = transpose
