"""Index grids and block layouts: meshgrid, cartesian_prod, combinations, tril_indices,
triu_indices, block_diag, diagflat.

meshgrid is views (reshape, then expand), so its gradient sums over the repeated axes;
cartesian_prod, combinations and block_diag are built from indexing, stacking and
concatenation, whose gradients they inherit.
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np

from .._dtype import to_dtype
from ..tensor import Tensor
from ._multi import jointop
from .diag import diag_embed
from .reduce import check_tensor

__all__ = [
    "meshgrid",
    "cartesian_prod",
    "combinations",
    "tril_indices",
    "triu_indices",
    "block_diag",
    "diagflat",
    "vander",
]

_make = Tensor._make


def _tensor_list(tensors: tuple, fname: str) -> list:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for t in tensors:
        check_tensor(t, fname)
    return list(tensors)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple:
    """Coordinate grids: output i holds tensor i's values along axis i, repeated along the
    others ('ij' indexing; 'xy' swaps the first two axes). Each output is a view.

    >>> meshgrid(tensor([1, 2]), tensor([3, 4, 5]), indexing='ij')[1]
    tensor([[3, 4, 5],
            [3, 4, 5]])
    """
    ts = _tensor_list(tensors, "meshgrid")
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError("torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    for t in ts:
        if t.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got: {t}")
    if len({t.dtype for t in ts}) > 1:
        raise RuntimeError("torch.meshgrid: Expected all tensors in the tensor list to have the "
                           "same dtype.")
    swap = indexing == "xy" and len(ts) >= 2
    order = [1, 0] + list(range(2, len(ts))) if swap else list(range(len(ts)))
    sizes = [max(ts[i].numel(), 1) if ts[i].ndim else 1 for i in order]
    out = []
    for i, t in enumerate(ts):
        pos = order.index(i)
        shape = [1] * len(ts)
        shape[pos] = sizes[pos]
        out.append(t.reshape(shape).expand(sizes))
    return tuple(out)


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """All tuples (a, b, ...) with a from the first 1-D tensor, b from the second, ..., as the
    rows of a matrix (itertools.product order); one tensor is returned as is.

    >>> cartesian_prod(tensor([1, 2]), tensor([3, 4]))
    tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    import feathergrad as fg
    ts = _tensor_list(tensors, "cartesian_prod")
    for t in ts:
        if t.ndim != 1:
            raise RuntimeError("Expect a 1D vector, but got shape "
                               f"{list(t.shape)}")
    if len(ts) == 1:
        return ts[0]
    grids = meshgrid(*ts, indexing="ij")
    return fg.stack([g.flatten() for g in grids], 1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The length-`r` combinations of a 1-D tensor's elements, as rows (itertools order).

    >>> combinations(tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    check_tensor(input, "combinations")
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _make(np.zeros((0,), input._data.dtype))
    import feathergrad as fg
    make = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = np.array(list(make(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return fg.stack([input[_make(idx[:, k])] for k in range(r)], 1)   # as PyTorch: a stack


def _tri_indices(row: int, col: int, offset: int, dtype: Any, lower: bool) -> Tensor:
    if row < 0 or col < 0:
        raise RuntimeError(f"row must be non-negative, got{row}" if row < 0 else
                           f"col must be non-negative, got{col}")
    i, j = np.indices((row, col))
    keep = (j - i <= offset) if lower else (j - i >= offset)
    npdt = to_dtype(dtype).np if dtype is not None else np.dtype(np.int64)
    return _make(np.stack([i[keep], j[keep]]).astype(npdt).reshape(2, -1))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None) -> Tensor:
    """The (row, column) indices of the lower triangle (diagonal `offset` included) of a
    row x col matrix, row by row, as a 2 x N tensor.

    >>> tril_indices(3, 3)
    tensor([[0, 1, 1, 2, 2, 2],
            [0, 0, 1, 0, 1, 2]])
    """
    return _tri_indices(row, col, offset, dtype, True)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None) -> Tensor:
    """The (row, column) indices of the upper triangle (from diagonal `offset`), row by row."""
    return _tri_indices(row, col, offset, dtype, False)


def _bd_fwd(arrays, layout, shape, npdt):
    out = np.zeros(shape, npdt)
    for a, (r0, c0, sh, _) in zip(arrays, layout):
        out[r0:r0 + sh[0], c0:c0 + sh[1]] = a.reshape(sh)
    return out


def _bd_rule(g, out, needs, ins, layout, shape, npdt):
    # each input's gradient is its block of g
    return [g[r0:r0 + sh[0], c0:c0 + sh[1]].reshape(orig) if need else None
            for need, (r0, c0, sh, orig) in zip(needs, layout)]


_block_diag = jointop("block_diag", "BlockDiagBackward0", _bd_fwd, _bd_rule, save_inputs=False,
                      save_out=False)


def block_diag(*tensors: Tensor) -> Tensor:
    """A block-diagonal matrix of the given 0-, 1- or 2-D tensors (dtypes promoted); each
    input's gradient is its block.

    >>> block_diag(ones(2, 2), tensor([[5.]]))
    tensor([[1., 1., 0.],
            [1., 1., 0.],
            [0., 0., 5.]])
    """
    import feathergrad as fg
    layout, r, c = [], 0, 0
    for i, t in enumerate(tensors):
        check_tensor(t, "block_diag")
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                               f"Input {i} has {t.ndim} dimensions")
        sh = (1, t.numel()) if t.ndim == 1 else (1, 1) if t.ndim == 0 else tuple(t.shape)
        layout.append((r, c, sh, tuple(t.shape)))
        r, c = r + sh[0], c + sh[1]
    if not tensors:
        return fg.zeros(1, 0)
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = fg.promote_types(dt, t.dtype)
    ts = [t if t.dtype is dt else t.to(dt) for t in tensors]
    return _block_diag(ts, layout, (r, c), ts[0]._data.dtype)


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """A square matrix with the flattened input on its `offset`-th diagonal.

    >>> diagflat(tensor([[1, 2], [3, 4]])).diagonal()
    tensor([1, 2, 3, 4])
    """
    check_tensor(input, "diagflat")
    return diag_embed(input.reshape(-1), int(offset))


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of a 1-D tensor: columns x^(N-1), ..., x, 1 (the other way round
    with `increasing`). Differentiable as products of x.

    >>> vander(tensor([1, 2, 3]))
    tensor([[1, 1, 1],
            [4, 2, 1],
            [9, 3, 1]])
    """
    import feathergrad as fg
    check_tensor(x, "vander")
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if x._data.dtype.kind in "biu":   # NOTE: integer (and bool) powers stay int64
        x = x.to(fg.int64)
    cols = [fg.ones_like(x)] + [x] * max(n - 1, 0)
    powers = fg.cumprod(fg.stack(cols, 1), 1) if n else fg.zeros(x.shape[0], 0, dtype=x.dtype)
    return powers if increasing else powers.flip(1)


Tensor.diagflat = diagflat
