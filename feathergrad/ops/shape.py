"""Shape ops and basic indexing. Results are views: they share storage and the version
counter with their base, as in PyTorch."""

from __future__ import annotations

import operator
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
    "movedim",
    "moveaxis",
    "expand",
    "broadcast_to",
    "broadcast_tensors",
    "broadcast_shapes",
    "squeeze",
    "unsqueeze",
    "flatten",
    "unflatten",
    "ravel",
    "narrow",
    "narrow_copy",
    "select",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "nonzero",
    "argwhere",
]


def _view_of(out: Tensor, base: Tensor) -> Tensor:
    """Make `out` a view of `base`: shared version counter, and `_base` for in-place checks."""
    out._vc = base._vc
    x = out._ex()
    bx = base._x
    x.base = bx.base if bx is not None and bx.base is not None else base
    return out


def _shape_arg(shape: tuple, fname: str = "reshape", arg: str = "shape") -> tuple:
    single = len(shape) == 1 and isinstance(shape[0], (tuple, list, Size, ndarray))
    if single:
        shape = tuple(shape[0])
    try:
        return tuple(operator.index(s) for s in shape)
    except TypeError:
        pass
    # NOTE: PyTorch's argument parser refuses non-integer sizes (x.reshape(2.0, 3))
    k, bad = next((i, v) for i, v in enumerate(shape) if not hasattr(v, "__index__"))
    t = type(bad).__name__
    if single:
        raise TypeError(f"{fname}(): argument '{arg}' (position 1) must be tuple of ints, but "
                        f"found element of type {t} at pos {k}")
    if len(shape) == 1:
        raise TypeError(f"{fname}(): argument '{arg}' (position 1) must be tuple of ints, not {t}")
    if k == 0:
        raise TypeError(f"{fname}() takes 1 positional argument but {len(shape)} were given")
    raise TypeError(f"{fname}(): argument '{arg}' failed to unpack the object at pos {k + 1} "
                    f"with error \"type must be tuple of ints,but got {t}\"")


def _infer(shape: tuple, size: int, old: tuple) -> tuple:
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if neg:
        if known == 0 and size == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} "
                               "because the unspecified dimension size -1 can be any value and "
                               "is ambiguous")
        if known == 0 or size % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")
        shape = tuple(size // known if s == -1 else s for s in shape)
    elif known != size:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")
    return shape


_reshape = defop("view", lambda x, shape, old: x.reshape(shape), "ViewBackward0",
                 x=lambda g, out, x, shape, old: g.reshape(old))
_reshape_alias = defop("reshape_alias", lambda x, shape, old: x.reshape(shape),
                       "ReshapeAliasBackward0", x=lambda g, out, x, shape, old: g.reshape(old))
_reshape_copy = defop("reshape_copy", lambda x, shape, old: x.reshape(shape),
                      "UnsafeViewBackward0", x=lambda g, out, x, shape, old: g.reshape(old))


def _as_view(d: ndarray, shape: tuple) -> ndarray | None:
    """`d` in a new shape without copying, or None when its strides do not allow that."""
    try:
        return np.reshape(d, shape, copy=False)   # NumPy >= 2.1
    except TypeError:   # older NumPy has no copy=: set the shape of a view instead
        v = d.view()
        try:
            v.shape = shape
        except AttributeError:
            return None
        return v
    except ValueError:
        return None


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """A tensor with the same data in a new shape: a view when the strides allow (as in
    PyTorch), else a copy (node UnsafeViewBackward0). One dimension may be -1 (inferred).

    >>> arange(6.).reshape(2, -1)
    tensor([[0., 1., 2.],
            [3., 4., 5.]])
    """
    d = input._data
    shape = _infer(_shape_arg(shape), d.size, d.shape)
    if d.flags.c_contiguous:
        return _view_of(_reshape(input, shape, d.shape), input)
    if _as_view(d, shape) is not None:   # NOTE: PyTorch names this view ReshapeAliasBackward0
        return _view_of(_reshape_alias(input, shape, d.shape), input)
    return _reshape_copy(input, shape, d.shape)


def view(input: Tensor, *shape: Any) -> Tensor:
    """The same data in a new shape, always a view; refused when the strides do not allow it."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, Size, int, np.integer)):
        return _view_dtype(input, shape[0])
    d = input._data
    shape = _infer(_shape_arg(shape), d.size, d.shape)
    if not d.flags.c_contiguous and d.ndim >= 2 and _as_view(d, shape) is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return _view_of(_reshape(input, shape, d.shape), input)


def _view_dtype(input: Tensor, dtype: Any) -> Tensor:
    """view(dtype): the same bytes read as another dtype (the last dim rescales when the
    element sizes differ). No gradient, as in PyTorch."""
    from .. import _dtype
    from .reduce import type_name
    d = input._data
    npdt = _dtype.to_dtype(dtype).np
    if npdt.itemsize != d.itemsize:
        last = d.shape[-1] if d.ndim else 1
        if d.ndim == 0 or (last * d.itemsize) % npdt.itemsize:
            raise RuntimeError(f"self.size(-1) must be divisible by {npdt.itemsize // d.itemsize}"
                               f" to view {type_name(d.dtype)} as {type_name(npdt)} (different "
                               f"element sizes), but got {last}")
    return _view_of(Tensor._make(d.view(npdt)), input)


def _swap(x, d0, d1):
    return np.swapaxes(x, d0, d1) if x.ndim else x[...]


_transpose = defop("transpose", _swap, "TransposeBackward0",
                   x=lambda g, out, x, d0, d1: _swap_any(g, d0, d1))
_t = defop("t", _swap, "TBackward0", x=lambda g, out, x, d0, d1: _swap_any(g, d0, d1))


def _swap_any(g: Any, d0: int, d1: int) -> Any:
    return g if g.ndim == 0 else np.swapaxes(g, d0, d1)


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
    if not dims:
        raise TypeError("permute() missing 1 required positional arguments: \"dims\"")
    n = input._data.ndim
    dims = _shape_arg(dims, "permute", "dims")
    if len(dims) != n:
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does "
                           "not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {n} is not equal to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _view_of(_permute(input, dims), input)


def _T(self: Tensor) -> Tensor:
    n = self._data.ndim
    return permute(self, tuple(range(n - 1, -1, -1)))


def _mT(self: Tensor) -> Tensor:
    if self._data.ndim == 0:   # NOTE: PyTorch's identity, with a deprecation warning
        import warnings
        warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity in "
                      "these cases.", UserWarning, stacklevel=2)
        return self
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
        # NOTE: a Python bool is an advanced index (x[True] adds a dim), as in PyTorch
        if not (i is None or i is Ellipsis or type(i) in (int, slice)
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
        first = next(i for i in items if i is not None and i is not Ellipsis)
        if consumed > 1 or n_ell:
            raise IndexError("too many indices for tensor of dimension 0")
        if type(first) is slice:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        if int(first) != 0:
            raise IndexError(f"index {int(first)} is out of bounds for dimension 0 with size 0")
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
            # NOTE: the trailing ... keeps a 0-d result a view (x[i] alone gives a NumPy scalar)
            idx = (slice(None),) * dim + (i, Ellipsis)
            t = _view_of(_select(t, idx, shape), self)
    if t is self:
        return _view_of(_alias(self), self)
    return t


import builtins  # noqa: E402

builtins_sum = builtins.sum


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to a larger shape without copying (-1 keeps a size). The gradient sums over
    the stretched and added dimensions.

    >>> tensor([1., 2.]).expand(2, -1)
    tensor([[1., 2.],
            [1., 2.]])
    """
    sizes = _shape_arg(sizes)
    d = input._data
    lead = len(sizes) - d.ndim
    if lead < 0:
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(d.shape)}}}, size={list(sizes)}): "
                           "the number of sizes provided must be greater or equal to the number "
                           "of dimensions in the tensor")
    for i in range(lead):
        if sizes[i] < 0:
            raise RuntimeError(f"The expanded size of the tensor ({sizes[i]}) isn't allowed in a "
                               f"leading, non-existing dimension {i}")
    shape = tuple(d.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
    for i, s in enumerate(d.shape):
        if s != 1 and s != shape[i + lead]:
            raise RuntimeError(f"The expanded size of the tensor ({shape[i + lead]}) must match "
                               f"the existing size ({s}) at non-singleton dimension {i + lead}.  "
                               f"Target sizes: {list(sizes)}.  Tensor sizes: {list(d.shape)}")
    return _view_of(_expand(input, shape), input)


_expand = defop("expand", lambda x, shape: np.broadcast_to(x, shape), "ExpandBackward0",
                x=lambda g, out, x, shape: g)   # NOTE: OpNode sums the stretched axes back


def broadcast_to(input: Tensor, size: Any) -> Tensor:
    """`input` expanded to `size` (a view), as numpy.broadcast_to."""
    return expand(input, size)


def broadcast_shapes(*shapes: Any) -> Size:
    """The shape that tensors of the given shapes broadcast to."""
    return _broadcast(shapes, True)


def _broadcast(shapes: Any, public: bool = False) -> Size:
    out: list = []
    for i, sh in enumerate(shapes):
        sh = (sh,) if isinstance(sh, (int, np.integer)) else tuple(sh)
        if len(sh) > len(out):
            out = [1] * (len(sh) - len(out)) + out
        for k in range(1, len(sh) + 1):
            a, b = out[-k], sh[-k]
            if a != b and a != 1 and b != 1:
                if public:   # torch.broadcast_shapes words it differently from the ops
                    raise RuntimeError(f"Attempting to broadcast a dimension of length {b} at "
                                       f"{-k}! Mismatching argument at index {i} had torch.Size("
                                       f"{list(sh)}); but expected shape should be "
                                       f"broadcastable to {out}")
                raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b "
                                   f"({b}) at non-singleton dimension {len(out) - k}")
            out[-k] = b if a == 1 else a
    return Size(out)


def broadcast_tensors(*tensors: Tensor) -> tuple:
    """The tensors expanded to their common shape (an input already of that shape is returned
    as it is)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = tuple(_broadcast([t._data.shape for t in tensors]))
    return tuple(t if t._data.shape == shape else expand(t, shape) for t in tensors)


_squeeze = defop("squeeze", lambda x, shape, old: x.reshape(shape), "SqueezeBackward0",
                 x=lambda g, out, x, shape, old: g.reshape(old))
_squeeze1 = defop("squeeze_dim", lambda x, shape, old: x.reshape(shape), "SqueezeBackward1",
                  x=lambda g, out, x, shape, old: g.reshape(old))
_squeeze2 = defop("squeeze_dims", lambda x, shape, old: x.reshape(shape), "SqueezeBackward2",
                  x=lambda g, out, x, shape, old: g.reshape(old))


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """A view without the size-1 dimensions (only those in `dim`, an int or tuple, if given).

    >>> zeros(2, 1, 3).squeeze().shape
    torch.Size([2, 3])
    """
    d = input._data
    if dim is None:
        op = _squeeze
        axes = tuple(i for i, s in enumerate(d.shape) if s == 1)
    else:
        op = _squeeze1 if isinstance(dim, (int, np.integer)) else _squeeze2
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        axes = tuple(i for i in (_wrap_dim(x, d.ndim) for x in dims) if d.ndim and d.shape[i] == 1)
    shape = tuple(s for i, s in enumerate(d.shape) if i not in axes)
    return _view_of(op(input, shape, d.shape), input)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """A view with a size-1 dimension inserted at `dim`."""
    d = input._data
    dim = _wrap_dim(dim, d.ndim + 1)
    idx = (slice(None),) * dim + (None,)
    return _view_of(_unsq(input, idx, d.shape), input)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims start_dim..end_dim into one (a view when the strides allow)."""
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


def ravel(input: Tensor) -> Tensor:
    """The elements as a 1-D tensor: a view of `input` if contiguous, else of a copy."""
    return view(input.contiguous(), (-1,))


def unflatten(input: Tensor, dim: int, sizes: Any) -> Tensor:
    """Split dimension `dim` into `sizes` (one of them may be -1): a view.

    >>> arange(6.).unflatten(0, (2, 3)).shape
    torch.Size([2, 3])
    """
    d = input._data
    dim = _wrap_dim(dim, d.ndim)
    sizes = [int(s) for s in sizes]
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    n = d.shape[dim] if d.ndim else 1
    known = 1
    for s in sizes:
        if s != -1:
            known *= s
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if (-1 in sizes and (known == 0 or n % known)) or (-1 not in sizes and known != n):
        raise RuntimeError(f"unflatten: Provided sizes {sizes} don't multiply up to the size of "
                           f"dim {dim} ({n}) in the input tensor")
    sizes = [n // known if s == -1 else s for s in sizes]
    return view(input, d.shape[:dim] + tuple(sizes) + d.shape[dim + 1:])


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Move dims `source` to positions `destination` (a permute view).

    >>> zeros(2, 3, 4).movedim(0, -1).shape
    torch.Size([3, 4, 2])
    """
    nd = input._data.ndim
    src = [int(source)] if isinstance(source, (int, np.integer)) else [int(s) for s in source]
    dst = ([int(destination)] if isinstance(destination, (int, np.integer))
           else [int(s) for s in destination])
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) "
                           f"should contain the same number of dims as destination ({dst} dims)")
    s = [_wrap_dim(x, nd) for x in src]
    t = [_wrap_dim(x, nd) for x in dst]
    if len(set(s)) != len(s):
        raise RuntimeError(f"movedim: repeated dim in `source` ({src})")
    if len(set(t)) != len(t):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({dst})")
    if nd == 0:
        return _view_of(_alias(input), input)
    perm = [-1] * nd
    for a, b in zip(s, t):
        perm[b] = a
    rest = iter(i for i in range(nd) if i not in s)
    perm = [p if p != -1 else next(rest) for p in perm]
    return _view_of(_permute(input, tuple(perm)), input)


def narrow(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """The view ``input[..., start:start + length]`` along `dim` (start may be negative)."""
    idx = _narrow_index(input, dim, start, length)
    return _view_of(_slice(input, idx, input._data.shape), input)


def _narrow_index(input: Tensor, dim: int, start: Any, length: int) -> tuple:
    d = input._data
    if d.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    dim = _wrap_dim(dim, d.ndim)
    n = d.shape[dim]
    start = int(start)
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got "
                         f"{start})")
    if start < 0:
        start += n
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return (slice(None),) * dim + (slice(start, start + length),)


_narrow_copy = defop("narrow_copy", lambda x, index, shape: x[index].copy(),
                     "NarrowCopyBackward0", x=_sel_back)


def narrow_copy(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """Like narrow, but a copy."""
    return _narrow_copy(input, _narrow_index(input, dim, start, length), input._data.shape)


def _unfold_fwd(x, dim, size, step):
    from numpy.lib.stride_tricks import sliding_window_view
    w = sliding_window_view(x, size, axis=dim, writeable=x.flags.writeable)
    return w[(slice(None),) * dim + (slice(None, None, step),)]


def _unfold_back_fwd(g, dim, size, step, shape):
    """The adjoint of unfold: add every window's gradient back where the window was read."""
    z = np.zeros(shape, g.dtype)
    m = g.shape[dim]
    if m:
        lead = (slice(None),) * dim
        for k in range(size):
            z[lead + (slice(k, k + step * (m - 1) + 1, step),)] += g[..., k]
    return z


def _unfold_back(g: Any, dim: int, size: int, step: int, shape: tuple) -> Any:
    if type(g) is not Tensor:
        return _unfold_back_fwd(g, dim, size, step, shape)
    return _unfold_back_op(g, dim, size, step, shape)


def _unfold_any(g: Any, dim: int, size: int, step: int) -> Any:
    return _unfold_fwd(g, dim, size, step) if type(g) is not Tensor else _unfold(g, dim, size, step,
                                                                             g._data.shape)


_unfold = defop("unfold", lambda x, dim, size, step, shape: _unfold_fwd(x, dim, size, step),
                "UnfoldBackward0",
                x=lambda g, out, x, dim, size, step, shape: _unfold_back(g, dim, size, step, shape))
_unfold_back_op = defop("unfold_backward", _unfold_back_fwd, "UnfoldBackwardBackward0",
                        g=lambda gg, out, g, dim, size, step, shape: _unfold_any(gg, dim, size,
                                                                                  step))


def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """A view holding every window of length `size` along `dimension`, taken every `step`
    elements; the windows are a new last dimension. Overlapping windows add up in the gradient.

    >>> arange(5.).unfold(0, 2, 2)
    tensor([[0., 1.],
            [2., 3.]])
    """
    d = self._data
    if d.ndim == 0:
        return _view_of(unfold(reshape(self, (1,)), 0, size, step).reshape(1), self)
    dim = _wrap_dim(dimension, d.ndim)
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if size > d.shape[dim]:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {d.shape[dim]} but "
                           f"size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return _view_of(_unfold(self, dim, int(size), int(step), d.shape), self)


def select(input: Tensor, dim: int, index: Any) -> Tensor:
    """The view ``input[..., index]`` along `dim`, which is removed."""
    d = input._data
    if d.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, d.ndim)
    n = d.shape[dim]
    i = int(index)
    if not -n <= i < n:
        raise IndexError(f"select(): index {i} out of range for tensor of size {list(d.shape)} "
                         f"at dimension {dim}")
    idx = (slice(None),) * dim + (i, Ellipsis)   # NOTE: ... keeps a 0-d result a view
    return _view_of(_select(input, idx, d.shape), input)


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least one dimension (0-D ones reshaped); a tuple for several."""
    return _atleast(tensors, 1)


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least two dimensions (new dims in front)."""
    return _atleast(tensors, 2)


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least three dimensions (numpy.atleast_3d's placement)."""
    return _atleast(tensors, 3)


def _atleast(tensors: tuple, n: int) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_atleast((t,), n) for t in tensors[0])
    if len(tensors) != 1:
        return tuple(_atleast((t,), n) for t in tensors)
    t = tensors[0]
    nd = t._data.ndim
    if nd >= n:
        return t
    if nd == 0:
        return reshape(t, (1,) * n)
    if n == 3:   # NOTE: numpy's rule: (N,) -> (1, N, 1), (M, N) -> (M, N, 1)
        return unsqueeze(unsqueeze(t, 0), -1) if nd == 1 else unsqueeze(t, -1)
    return unsqueeze(t, 0)


# ---- indices of nonzero elements (no gradient) -------------------------------------------
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """Indices of the nonzero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim."""
    d = input._data
    idx = np.nonzero(d if d.ndim else d.reshape(1))
    if as_tuple:
        return tuple(Tensor._make(i.astype(np.int64)) for i in idx)
    if not d.ndim:
        return Tensor._make(np.zeros((int(bool(d)), 0), np.int64))
    return Tensor._make(np.stack(idx, axis=1).astype(np.int64, copy=False))


def argwhere(input: Tensor) -> Tensor:
    """Same as ``nonzero(input)``."""
    return nonzero(input)


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
Tensor.movedim = Tensor.moveaxis = movedim
Tensor.T = property(_T)
Tensor.mT = property(_mT)
Tensor.__getitem__ = getitem
Tensor.expand = expand
Tensor.expand_as = _expand_as
Tensor.broadcast_to = broadcast_to
Tensor.view_as = _view_as
Tensor.reshape_as = _reshape_as
Tensor.squeeze = squeeze
Tensor.unsqueeze = unsqueeze
Tensor.flatten = flatten
Tensor.unflatten = unflatten
Tensor.ravel = ravel
Tensor.narrow = narrow
Tensor.narrow_copy = narrow_copy
Tensor.unfold = unfold
Tensor.select = select
Tensor.nonzero = nonzero
Tensor.argwhere = argwhere
HANDLED.update({
    np.reshape: _np_reshape, np.transpose: _np_transpose,
    np.swapaxes: transpose, np.expand_dims: _np_expand_dims,
    np.broadcast_to: lambda a, shape, subok=False: expand(a, shape),
    np.broadcast_arrays: lambda *args, subok=False: list(broadcast_tensors(*args)),
    np.squeeze: lambda a, axis=None: squeeze(a, axis),
    np.moveaxis: movedim, np.ravel: lambda a, order="C": ravel(a),
    np.atleast_1d: atleast_1d, np.atleast_2d: atleast_2d, np.atleast_3d: atleast_3d,
    np.nonzero: lambda a: nonzero(a, as_tuple=True), np.argwhere: argwhere,
})
swapaxes = swapdims = transpose
moveaxis = movedim
