"""Joining, splitting and rearranging copies: cat, stack, split, chunk, unbind, repeat, tile,
flip, roll, rot90.

cat and stack take a list of tensors and split/chunk/unbind give several outputs, so each has
one node of its own kind (as in PyTorch): `_ListNode` hands every input its slice of the
gradient, `_ViewsNode` receives one gradient per output. Both backward passes are written in
ops that record a graph under ``create_graph=True`` (a slice of `g`; `cat`/`stack` of the
pieces), so every derivative here is differentiable again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _dtype
from .._broadcast import normalize_dims
from ..autograd import engine as _engine
from ..autograd.grad_mode import _state
from ..autograd.graph import Node
from ..tensor import Tensor, _wrap_dim
from ._core import HANDLED, OPS, _cut, _fit, _remember_forward, defop
from .shape import _shape_arg, _view_of, atleast_1d, atleast_2d, atleast_3d, narrow, reshape

ndarray = np.ndarray
_make = Tensor._make

__all__ = [
    "cat",
    "concat",
    "concatenate",
    "stack",
    "hstack",
    "vstack",
    "row_stack",
    "dstack",
    "column_stack",
    "split",
    "split_with_sizes",
    "chunk",
    "unbind",
    "tensor_split",
    "hsplit",
    "vsplit",
    "dsplit",
    "tile",
    "repeat_interleave",
    "flip",
    "fliplr",
    "flipud",
    "roll",
    "rot90",
]


def _note_anomaly(node: Node) -> None:
    if _engine._anomaly[0]:
        _remember_forward(node)


def _zeros(shape: tuple, npdt: np.dtype, create_graph: bool) -> Any:
    z = np.zeros(shape, npdt)
    return _make(z) if create_graph else z


# ---- one node, many inputs: cat, stack ----------------------------------------------------
class _ListNode(Node):
    """Node of an op over a list of tensors. `_meta` = (dim, parts); each part is
    (shape, dtype, key): the input's gradient is ``g[..., key]`` along `dim` (key None: an
    empty tensor that cat skipped)."""

    __slots__ = ("_meta",)

    def apply(self, g: Any, create_graph: bool) -> list:
        dim, parts = self._meta
        lead = (slice(None),) * dim
        res = []
        for e, (shape, npdt, key) in zip(self.next_functions, parts):
            if e[0] is None:
                res.append(None)
            elif key is None:
                res.append(_zeros(shape, npdt, create_graph))
            else:
                res.append(_fit(g[lead + (key,)], shape, npdt, create_graph))
        return res


def _list_node_class(name: str, key: str) -> type:
    cls = type(name, (_ListNode,), {"__slots__": (), "__module__": "feathergrad.ops"})
    OPS[key] = cls
    return cls


_CatBackward = _list_node_class("CatBackward0", "cat")
_StackBackward = _list_node_class("StackBackward0", "stack")


def _tensor_list(tensors: Any, fname: str, nonempty: bool = False) -> list:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    if nonempty and not tensors:
        raise RuntimeError(f"{fname} expects a non-empty TensorList")
    return list(tensors)


def _promoted(tensors: list) -> np.dtype:
    rd = tensors[0]._data.dtype
    for t in tensors[1:]:
        d = t._data.dtype
        if d is not rd:
            rd = _dtype._promote_np(rd, d)
    return rd


def _join(cls: type, tensors: list, out: ndarray, dim: int, keys: list) -> Tensor:
    if not any(t._requires_grad for t in tensors):
        return _make(out)
    if not _state.enabled:
        return _cut(out)
    node = cls()
    node.next_functions = tuple(t._edge() if t._requires_grad else (None, 0) for t in tensors)
    node._meta = (dim, tuple((t._data.shape, t._data.dtype, k) for t, k in zip(tensors, keys)))
    _note_anomaly(node)
    return _make(out, node)


def cat(tensors: Any, dim: int = 0, *, axis: int | None = None, out: Any = None) -> Tensor:
    """Concatenate tensors along an existing dimension (dtypes promoted as in PyTorch).

    1-D empty tensors (shape ``(0,)``) are skipped whatever the others' shape, as in PyTorch.
    The gradient of each input is its slice of the output's gradient.

    >>> cat([tensor([1., 2.]), tensor([3.])])
    tensor([1., 2., 3.])
    """
    tensors = _tensor_list(tensors, "cat")
    if axis is not None:
        dim = axis
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
    live = [t for t in tensors if t._data.shape != (0,)]
    ref = live[0]._data if live else tensors[0]._data
    dim = _wrap_dim(dim, ref.ndim)
    for i, t in enumerate(tensors):
        s = t._data.shape
        if s == (0,) and live:
            continue
        if len(s) != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and "
                               f"{len(s)}")
        for d, (a, b) in enumerate(zip(ref.shape, s)):
            if d != dim and a != b:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. "
                                   f"Expected size {a} but got size {b} for tensor number {i} "
                                   "in the list.")
    rd = _promoted(tensors)
    datas = [t._data for t in live] or [ref]
    res = np.concatenate(datas, axis=dim, dtype=rd) if len(datas) > 1 else datas[0].astype(rd)
    keys, off = [], 0
    for t in tensors:
        if t._data.shape == (0,) and live:
            keys.append(None)
            continue
        n = t._data.shape[dim]
        keys.append(slice(off, off + n))
        off += n
    return _join(_CatBackward, tensors, res, dim, keys)


def stack(tensors: Any, dim: int = 0, *, axis: int | None = None, out: Any = None) -> Tensor:
    """Join equally shaped tensors along a new dimension `dim`.

    >>> stack([tensor([1., 2.]), tensor([3., 4.])], dim=1)
    tensor([[1., 3.],
            [2., 4.]])
    """
    tensors = _tensor_list(tensors, "stack")
    if axis is not None:
        dim = axis
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    s0 = tensors[0]._data.shape
    dim = _wrap_dim(dim, len(s0) + 1)
    for i, t in enumerate(tensors[1:], 1):
        if t._data.shape != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(s0)} "
                               f"at entry 0 and {list(t._data.shape)} at entry {i}")
    res = np.stack([t._data for t in tensors], axis=dim, dtype=_promoted(tensors))
    return _join(_StackBackward, tensors, res, dim, list(range(len(tensors))))


def hstack(tensors: Any, *, out: Any = None) -> Tensor:
    """Concatenate along dim 1 (dim 0 for 1-D tensors)."""
    ts = atleast_1d(*_tensor_list(tensors, "hstack", True))
    ts = [ts] if isinstance(ts, Tensor) else list(ts)
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1)


def vstack(tensors: Any, *, out: Any = None) -> Tensor:
    """Concatenate along dim 0 after making every tensor at least 2-D."""
    ts = atleast_2d(*_tensor_list(tensors, "vstack", True))
    return cat([ts] if isinstance(ts, Tensor) else list(ts), 0)


row_stack = vstack


def dstack(tensors: Any, *, out: Any = None) -> Tensor:
    """Concatenate along dim 2 after making every tensor at least 3-D."""
    ts = atleast_3d(*_tensor_list(tensors, "dstack", True))
    return cat([ts] if isinstance(ts, Tensor) else list(ts), 2)


def column_stack(tensors: Any, *, out: Any = None) -> Tensor:
    """Stack 0-D/1-D tensors as columns (and 2-D ones as they are) along dim 1."""
    ts = _tensor_list(tensors, "column_stack", True)
    ts = [reshape(t, (t._data.size, 1)) if t._data.ndim <= 1 else t for t in ts]
    return cat(ts, 1)


# ---- one node, many outputs: split, chunk, unbind -----------------------------------------
class _ViewsNode(Node):
    """Node of an op with several outputs (views of one input). The engine hands `apply` one
    gradient per output (None where none flowed); `_back` assembles the input's gradient."""

    __slots__ = ("_meta", "_n")
    _multi = True
    _back: Callable

    def _num_outputs(self) -> int:
        return self._n

    def apply(self, grads: Any, create_graph: bool) -> tuple:
        if type(grads) is not list:   # a single output's gradient may come bare
            grads = [grads]
        return (type(self)._back(grads, create_graph, *self._meta),)


def _split_back(grads: list, create_graph: bool, dim: int, bounds: tuple, shape: tuple,
                npdt: np.dtype) -> Any:
    lead = (slice(None),) * dim
    if not create_graph:
        z = np.zeros(shape, npdt)
        for g, (a, b) in zip(grads, bounds):
            if g is not None:
                z[lead + (slice(a, b),)] = g
        return z
    pieces = [g if g is not None else _zeros(shape[:dim] + (b - a,) + shape[dim + 1:], npdt, True)
              for g, (a, b) in zip(grads, bounds)]
    return cat(pieces, dim)


def _unbind_back(grads: list, create_graph: bool, dim: int, shape: tuple,
                 npdt: np.dtype) -> Any:
    if not create_graph:
        z = np.zeros(shape, npdt)
        lead = (slice(None),) * dim
        for i, g in enumerate(grads):
            if g is not None:
                z[lead + (i,)] = g
        return z
    piece = shape[:dim] + shape[dim + 1:]
    return stack([g if g is not None else _zeros(piece, npdt, True) for g in grads], dim)


def _views_node_class(name: str, key: str, back: Callable) -> type:
    cls = type(name, (_ViewsNode,), {"__slots__": (), "_back": staticmethod(back),
                                     "__module__": "feathergrad.ops"})
    OPS[key] = cls
    return cls


_SplitBackward = _views_node_class("SplitBackward0", "split", _split_back)
_SplitSizesBackward = _views_node_class("SplitWithSizesBackward0", "split_with_sizes",
                                        _split_back)
_UnbindBackward = _views_node_class("UnbindBackward0", "unbind", _unbind_back)


def _views(input: Tensor, pieces: list, cls: type, meta: tuple) -> tuple:
    """Wrap `pieces` (ndarray views of `input`) as outputs of one node of class `cls`."""
    if input._requires_grad and pieces:
        if not _state.enabled:
            return tuple(_view_of(_cut(p), input) for p in pieces)
        node = cls()
        node.next_functions = (input._edge(),)
        node._meta = meta
        node._n = len(pieces)
        _note_anomaly(node)
        return tuple(_view_of(_make(p, node, output_nr=i), input) for i, p in enumerate(pieces))
    return tuple(_view_of(_make(p), input) for p in pieces)


def _split_dim(input: Tensor, dim: int, fname: str = "split") -> int:
    if input._data.ndim == 0:
        raise RuntimeError(f"{fname} expects at least a 1-dimensional tensor")
    return _wrap_dim(dim, input._data.ndim)


def _split_by_bounds(input: Tensor, dim: int, bounds: list, cls: type) -> tuple:
    d = input._data
    lead = (slice(None),) * dim
    pieces = [d[lead + (slice(a, b),)] for a, b in bounds]
    return _views(input, pieces, cls, (dim, tuple(bounds), d.shape, d.dtype))


def split_with_sizes(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple:
    """Split into pieces of the given sizes along `dim` (views of `input`)."""
    dim = _split_dim(input, dim)
    if isinstance(split_sizes, Tensor):
        raise TypeError("split_with_sizes(): argument 'split_sizes' (position 2) must be tuple "
                        "of ints, not Tensor")
    sizes = [int(s) for s in split_sizes]
    n = input._data.shape[dim]
    if any(s < 0 for s in sizes):
        raise RuntimeError("split_with_sizes expects split_sizes have only non-negative entries, "
                           f"but got split_sizes={sizes}")
    if sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                           f"tensor's size at dimension {dim}), but got split_sizes={sizes}")
    bounds, off = [], 0
    for s in sizes:
        bounds.append((off, off + s))
        off += s
    return _split_by_bounds(input, dim, bounds, _SplitSizesBackward)


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Split into pieces of `split_size` (the last may be smaller) or of the listed sizes.

    The pieces are views of `tensor`; their gradients are put back together by one node.

    >>> split(arange(5.), 2)
    (tensor([0., 1.]), tensor([2., 3.]), tensor([4.]))
    """
    if not isinstance(split_size_or_sections, (int, np.integer)):
        return split_with_sizes(tensor, split_size_or_sections, dim)
    size = int(split_size_or_sections)
    dim = _split_dim(tensor, dim)
    n = tensor._data.shape[dim]
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0 and n != 0:
        raise RuntimeError("split_size can only be 0 if dimension size is 0, but got dimension "
                           f"size of {n}")
    count = max(-(-n // size) if size else 1, 1)
    bounds = [(i * size, min((i + 1) * size, n)) for i in range(count)]
    return _split_by_bounds(tensor, dim, bounds, _SplitBackward)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split into at most `chunks` equal pieces (the last may be smaller)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    dim = _split_dim(input, dim, "chunk")
    n = input._data.shape[dim]
    if n == 0:
        return split_with_sizes(input, [0] * chunks, dim)
    return split(input, -(-n // chunks), dim)


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """The slices along `dim`, as a tuple of views (``tuple(x)`` is ``x.unbind(0)``)."""
    d = input._data
    if d.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    dim = _wrap_dim(dim, d.ndim)
    lead = (slice(None),) * dim
    pieces = [d[lead + (i, Ellipsis)] for i in range(d.shape[dim])]   # views even when 0-d
    return _views(input, pieces, _UnbindBackward, (dim, d.shape, d.dtype))


def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple:
    """Split into `n` nearly equal parts, or at the given indices (numpy.array_split's rule)."""
    d = input._data
    dim = _split_dim(input, dim)
    n = d.shape[dim]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        ios = ios.tolist()
    if isinstance(ios, (int, np.integer)):
        k = int(ios)
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        q, r = divmod(n, k)
        cuts = [i * q + min(i, r) for i in range(1, k)]
    else:
        cuts = [int(i) for i in ios]
    edges = [0] + cuts + [n]
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        a, b = min(max(a if a >= 0 else a + n, 0), n), min(max(b if b >= 0 else b + n, 0), n)
        out.append(narrow(input, dim, a, max(b - a, 0)))
    return tuple(out)


def _dir_split(name: str, dim: int, need: int) -> Callable:
    def fn(input: Tensor, indices_or_sections: Any) -> tuple:
        nd = input._data.ndim
        if nd < need:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {need} dimension, "
                               f"but got a tensor with {nd} dimensions!")
        dd = 0 if (name == "hsplit" and nd == 1) else dim
        ios = indices_or_sections
        if isinstance(ios, (int, np.integer)):
            size = input._data.shape[dd]
            if ios == 0 or size % ios:
                raise RuntimeError(f"torch.{name} attempted to split along dimension {dd}, but "
                                   f"the size of the dimension {size} is not divisible by the "
                                   f"split_size {ios}!")
        return tensor_split(input, ios, dd)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"numpy.{name}: split along dimension {dim} into equal parts or at indices."
    return fn


hsplit = _dir_split("hsplit", 1, 1)
vsplit = _dir_split("vsplit", 0, 2)
dsplit = _dir_split("dsplit", 2, 3)


# ---- repeat, tile, repeat_interleave --------------------------------------------------------
def _repeat_back(g: Any, reps: tuple, xshape: tuple) -> Any:
    """Adjoint of tiling: view g as (r0, s0, r1, s1, ...) and sum the copies (the r axes)."""
    full = (1,) * (len(reps) - len(xshape)) + tuple(xshape)
    inter = []
    for r, s in zip(reps, full):
        inter += [r, s]
    g = g.reshape(tuple(inter)).sum(axis=tuple(range(0, 2 * len(reps), 2)))
    return g.reshape(xshape)


_repeat = defop("repeat", lambda x, reps, xshape: np.tile(x, reps), "RepeatBackward0",
                x=lambda g, out, x, reps, xshape: _repeat_back(g, reps, xshape))


def repeat(input: Tensor, *sizes: Any) -> Tensor:
    """Tile `input` sizes[i] times along dim i (a copy; leading new dims allowed)."""
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    reps = _shape_arg(sizes)
    d = input._data
    if len(reps) < d.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    full = (1,) * (len(reps) - d.ndim) + d.shape
    shape = [r * s for r, s in zip(reps, full)]
    for r, s in zip(reps, shape):
        if r < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {shape}")
    return _repeat(input, reps, d.shape)


def tile(input: Tensor, dims: Any) -> Tensor:
    """numpy.tile: like repeat, but `dims` shorter than the tensor is padded with ones."""
    reps = (int(dims),) if isinstance(dims, (int, np.integer)) else _shape_arg((dims,))
    nd = input._data.ndim
    if len(reps) < nd:
        reps = (1,) * (nd - len(reps)) + reps
    return repeat(input, reps)


def repeat_interleave(input: Tensor, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """Repeat each element `repeats` times along `dim` (flattened when dim is None)."""
    from .scatter import index_select
    if repeats is None:   # repeat_interleave(counts): each index i repeated counts[i] times
        c = input._data
        if c.ndim != 1 or c.dtype.kind not in "iu":
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if (c < 0).any():
            raise RuntimeError("repeats can not be negative")
        return _make(np.repeat(np.arange(c.shape[0]), c))
    if dim is None:
        input = reshape(input, (-1,))
        dim = 0
    dim = _wrap_dim(dim, input._data.ndim)
    if isinstance(repeats, (int, np.integer)):
        if repeats < 0:
            raise RuntimeError("repeats can not be negative")
        # NOTE: as in PyTorch: unsqueeze, expand, copy, then merge (a view of the copy)
        x = input.unsqueeze(dim + 1)
        shape = list(x._data.shape)
        shape[dim + 1] = int(repeats)
        return x.expand(shape).clone().flatten(dim, dim + 1)
    r = repeats._data if isinstance(repeats, Tensor) else np.asarray(repeats)
    n = input._data.shape[dim]
    r = np.broadcast_to(r.reshape(-1), (n,)) if r.size == 1 else r.reshape(-1)
    if r.shape[0] != n:
        raise RuntimeError("repeats must have the same size as input along dim, but got "
                           f"repeats.size(0) = {r.shape[0]} and input.size({dim}) = {n}")
    if (r < 0).any():
        raise RuntimeError("repeats can not be negative")
    return index_select(input, dim, _make(np.repeat(np.arange(n), r)))


# ---- flip and roll -------------------------------------------------------------------
_flip = defop("flip", lambda x, dims: np.flip(x, dims).copy(), "FlipBackward0",
              x=lambda g, out, x, dims: np.flip(g, dims))


def _dims_arg(dims: tuple) -> Any:
    if len(dims) == 1 and not isinstance(dims[0], (int, np.integer)):
        return dims[0]
    return dims


def flip(input: Tensor, *dims: Any) -> Tensor:
    """Reverse the order of elements along `dims` (a copy, as in PyTorch).

    >>> tensor([1., 2., 3.]).flip(0)
    tensor([3., 2., 1.])
    """
    axes = normalize_dims(_dims_arg(dims), input._data.ndim) or ()
    if input._data.ndim == 0:   # a 0-d tensor accepts dim 0 / -1 and is its own flip
        axes = ()
    return _flip(input, axes)


def fliplr(input: Tensor) -> Tensor:
    """Flip along dim 1 (left/right)."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return _flip(input, (1,))


def flipud(input: Tensor) -> Tensor:
    """Flip along dim 0 (up/down)."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return _flip(input, (0,))


def _neg(shifts: Any) -> Any:
    return tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts


_roll = defop("roll", lambda x, shifts, dims: np.roll(x, shifts, dims), "RollBackward0",
              x=lambda g, out, x, shifts, dims: np.roll(g, _neg(shifts), dims))


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements cyclically by `shifts` along `dims` (over the flattened tensor when dims
    is None). The gradient rolls back by -shifts.

    >>> tensor([1., 2., 3.]).roll(1)
    tensor([3., 1., 2.])
    """
    sh = (int(shifts),) if isinstance(shifts, (int, np.integer)) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(sh) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:0")
        return _roll(input, sh[0], None)
    dd = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if len(sh) != len(dd):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:{len(dd)}")
    nd = input._data.ndim
    if nd == 0:
        raise IndexError(f"Dimension specified as {dd[0]} but tensor has no dimensions")
    return _roll(input, sh, tuple(_wrap_dim(x, nd) for x in dd))


_rot90 = defop("rot90", lambda x, k, dims: np.rot90(x, k, dims).copy(), "Rot90Backward0",
               x=lambda g, out, x, k, dims: np.rot90(g, -k, dims))


def rot90(input: Tensor, k: int = 1, dims: Any = (0, 1)) -> Tensor:
    """Rotate by 90 degrees `k` times in the plane of `dims` (from the first towards the
    second axis), a copy.

    >>> tensor([[1., 2.], [3., 4.]]).rot90()
    tensor([[2., 4.],
            [1., 3.]])
    """
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    nd = input._data.ndim
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = _wrap_dim(dims[0], nd), _wrap_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    return _rot90(input, int(k) % 4, (d0, d1))


def _np_flip(m, axis=None):
    return _flip(m, tuple(range(m.ndim)) if axis is None else normalize_dims(axis, m.ndim) or ())


def _np_concatenate(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    if axis is None:
        return cat([reshape(a, (-1,)) for a in arrays], 0)
    return cat(list(arrays), axis)


def _np_split(ary, indices_or_sections, axis=0):
    if isinstance(indices_or_sections, (int, np.integer)):
        n = ary.shape[axis]
        if indices_or_sections <= 0 or n % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
    return list(tensor_split(ary, indices_or_sections, axis))


concat = concatenate = cat
Tensor.split = split
Tensor.split_with_sizes = split_with_sizes
Tensor.chunk = chunk
Tensor.unbind = unbind
Tensor.tensor_split = tensor_split
Tensor.hsplit, Tensor.vsplit, Tensor.dsplit = hsplit, vsplit, dsplit
Tensor.repeat = repeat
Tensor.tile = tile
Tensor.repeat_interleave = repeat_interleave
Tensor.flip = flip
Tensor.fliplr = fliplr
Tensor.flipud = flipud
Tensor.roll = roll
Tensor.rot90 = rot90
HANDLED.update({
    np.concatenate: _np_concatenate,
    np.stack: lambda arrays, axis=0, out=None, dtype=None, casting="same_kind":
        stack(list(arrays), axis),
    np.hstack: lambda tup, dtype=None, casting="same_kind": hstack(list(tup)),
    np.vstack: lambda tup, dtype=None, casting="same_kind": vstack(list(tup)),
    np.dstack: lambda tup: dstack(list(tup)),
    np.column_stack: lambda tup: column_stack(list(tup)),
    np.split: _np_split,
    np.array_split: lambda ary, indices_or_sections, axis=0:
        list(tensor_split(ary, indices_or_sections, axis)),
    np.tile: lambda A, reps: tile(A, reps),
    np.repeat: lambda a, repeats, axis=None: repeat_interleave(a, repeats, axis),
    np.flip: _np_flip, np.fliplr: fliplr, np.flipud: flipud,
    np.roll: lambda a, shift, axis=None: roll(a, shift, axis),
    np.rot90: lambda m, k=1, axes=(0, 1): rot90(m, k, axes),
})
if hasattr(np, "unstack"):   # NumPy >= 2.1
    HANDLED[np.unstack] = lambda x, *, axis=0: unbind(x, axis)
