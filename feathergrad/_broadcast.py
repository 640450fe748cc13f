"""Broadcasting helpers: the adjoint of broadcasting and dim normalisation."""

from __future__ import annotations

from typing import Any


def sum_to(g: Any, shape: tuple) -> Any:
    """Adjoint of broadcasting: sum g over the axes that broadcasting added or stretched.

    Works on ndarrays and Tensors alike (both have ``.sum(axis, keepdims)`` and ``.reshape``).

    >>> import numpy as np
    >>> sum_to(np.ones((2, 3)), (3,))
    array([2., 2., 2.])
    """
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if lead or g.shape != shape:
        g = g.reshape(shape)
    return g


def normalize_dims(dim: Any, ndim: int) -> tuple[int, ...] | None:
    """PyTorch's dim argument (None, int, or sequence; negatives allowed) as a sorted tuple."""
    if dim is None:
        return None
    if isinstance(dim, int):
        dims = (dim,)
    else:
        dims = tuple(dim)
        if not dims:
            return None
    n = max(ndim, 1)
    out = []
    for d in dims:
        d = int(d)
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}],"
                             f" but got {d})")
        out.append(d % n if ndim else 0)
    if len(set(out)) != len(out):
        raise RuntimeError(f"dim {out[0]} appears multiple times in the list of dims")
    return tuple(sorted(out))
