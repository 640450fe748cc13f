"""vmap: run a function written for one example on a whole batch."""

from __future__ import annotations

import functools
import types
from typing import Any, Callable

from ..tensor import Tensor
from . import _rules, _rules_nn, _tree  # noqa: F401  (they fill the rule table)
from ._batched import (
    BY_ORIG,
    BatchedTensor,
    Level,
    Unbatchable,
    _levels,
    combine,
    patch_namespaces,
    unpatch_namespaces,
    warn_fallback,
    wrap,
)
from ._batched import dispatcher as D


def vmap(func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """Vectorize `func` over a batch dimension of its inputs.

    ``vmap(f)(xs)`` equals ``torch.stack([f(x) for x in xs])`` but runs `f` once on the whole
    batch: each op meets its batching rule. Ops without one run once per element (a Python
    loop, announced by a warning once per op), so results are always exact. ``in_dims`` /
    ``out_dims`` (an int, None, or a tree matching the inputs/outputs) say where the batch
    dimension is; ``randomness`` ('error', 'different', 'same') what random ops do.

    >>> x = randn(5, 3)
    >>> vmap(torch.dot)(x, x).shape
    torch.Size([5])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return _vmap_call(func, in_dims, out_dims, randomness, chunk_size, args, kwargs)
    return wrapped


def _name(func: Callable) -> str:
    return getattr(func, "__name__", repr(func))


def _vmap_call(func: Callable, in_dims: Any, out_dims: Any, randomness: str,
               chunk_size: int | None, args: tuple, kwargs: dict) -> Any:
    fname = _name(func)
    if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
        raise ValueError(f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to "
                         "be int or a (potentially nested) tuple matching the structure of "
                         f"inputs, got: {type(in_dims)}.")
    if not args:
        raise ValueError(f"vmap({fname})(<inputs>): got no inputs. Maybe you forgot to add "
                         "inputs, or you are trying to vmap over a function with no inputs. The "
                         "latter is unsupported.")
    leaves, spec = _tree.flatten(args)
    dims = _tree.broadcast_prefix(in_dims, spec)
    if dims is None:
        _, dspec = _tree.flatten(in_dims)
        raise ValueError(f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): in_dims is not "
                         "compatible with the structure of `inputs`. in_dims has structure "
                         f"{_tree.describe(dspec)} but inputs has structure "
                         f"{_tree.describe(spec)}.")
    sizes = []
    for x, d in zip(leaves, dims):
        if d is None:
            continue
        if not isinstance(x, Tensor):
            raise ValueError(f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             f"for an input but the input is of type {type(x)}. We cannot vmap "
                             "over non-Tensor arguments, please use None as the respective "
                             "in_dim")
        n = x.dim()
        if not -n <= d < n:
            raise ValueError(f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             f"for some input, but that input is a Tensor of dimensionality {n} "
                             f"so expected in_dim to satisfy -{n} <= in_dim < {n}.")
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    size = sizes[0]
    if chunk_size is not None and chunk_size < size:
        parts = []
        for lo in range(0, size, chunk_size):
            hi = min(lo + chunk_size, size)
            chunk = [D("narrow")(x, d, lo, hi - lo) if d is not None else x
                     for x, d in zip(leaves, dims)]
            parts.append(_run(func, fname, _tree.unflatten(chunk, spec), dims, spec, kwargs,
                              out_dims, randomness, hi - lo))
        return _concat(parts, out_dims, fname)
    return _run(func, fname, args, dims, spec, kwargs, out_dims, randomness, size)


def _run(func: Callable, fname: str, args: tuple, dims: list, spec: Any, kwargs: dict,
         out_dims: Any, randomness: str, size: int) -> Any:
    stack = _levels.stack
    lvl = Level(size, len(stack) + 1, randomness)
    leaves = _tree.flatten(args)[0]
    stack.append(lvl)
    patch_namespaces()
    try:
        func = BY_ORIG.get(func, func) if isinstance(func, types.FunctionType) else func
        bl = [wrap(D("movedim")(x, d, 0) if d else x, lvl) if d is not None else x
              for x, d in zip(leaves, dims)]
        out = func(*_tree.unflatten(bl, spec), **kwargs)
        return _unwrap_outputs(out, lvl, out_dims, fname)
    except Unbatchable as e:
        if e.level is not lvl:
            raise
        what = e.what
    finally:
        unpatch_namespaces()
        stack.pop()
    # something read a batched tensor's data without a batching rule: run once per element
    warn_fallback(f"{what!r} (reached with a batched tensor, so the whole function)")
    outs = []
    for i in range(size):
        el = [D("select")(x, d, i) if d is not None else x for x, d in zip(leaves, dims)]
        outs.append(func(*_tree.unflatten(el, spec), **kwargs))
    return _stack_outputs(outs, lvl, out_dims, fname)


def _out_dims_for(out: Any, out_dims: Any, fname: str) -> tuple[list, Any, list]:
    leaves, spec = _tree.flatten(out)
    dims = _tree.broadcast_prefix(out_dims, spec)
    if dims is None:
        _, dspec = _tree.flatten(out_dims)
        raise ValueError(f"vmap({fname}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                         "compatible with the structure of `outputs`. out_dims has structure "
                         f"{_tree.describe(dspec)} but outputs has structure "
                         f"{_tree.describe(spec)}.")
    return leaves, spec, dims


def _unwrap_outputs(out: Any, lvl: Level, out_dims: Any, fname: str) -> Any:
    leaves, spec, dims = _out_dims_for(out, out_dims, fname)
    res = []
    for x, d in zip(leaves, dims):
        batched = type(x) is BatchedTensor and x._lvl is lvl
        if d is None:
            if batched:
                raise ValueError(f"vmap({fname}, ...): `{fname}` can not return a "
                                 "BatchedTensor when out_dim is None")
            res.append(x)
            continue
        if not isinstance(x, Tensor):
            raise ValueError(f"vmap({fname}, ...): `{fname}` must only return Tensors, got "
                             f"type {type(x)}. Did you mean to set out_dims= to None for "
                             "output?")
        if batched:
            p = x._phys
        else:   # unbatched output: the same value for every element
            p = D("expand")(D("unsqueeze")(x, 0), (lvl.size, *tuple(x.shape)))
        n = p.dim()
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, "
                             f"{n - 1}], but got {d})")
        res.append(D("movedim")(p, 0, d) if d not in (0, -n) else p)
    return _tree.unflatten(res, spec)


def _stack_outputs(outs: list, lvl: Level, out_dims: Any, fname: str) -> Any:
    flat = [_tree.flatten(o) for o in outs]
    leaves0, spec, dims = _out_dims_for(outs[0], out_dims, fname)
    res = []
    for k, d in enumerate(dims):
        col = [f[0][k] for f in flat]
        if d is None:
            res.append(col[0])
            continue
        if not isinstance(col[0], Tensor):
            raise ValueError(f"vmap({fname}, ...): `{fname}` must only return Tensors, got "
                             f"type {type(col[0])}. Did you mean to set out_dims= to None for "
                             "output?")
        b = combine(col, lvl, fname)
        res.append(b._phys if d == 0 else D("movedim")(b._phys, 0, d))
    return _tree.unflatten(res, spec)


def _concat(parts: list, out_dims: Any, fname: str) -> Any:
    flat = [_tree.flatten(p) for p in parts]
    leaves, spec = flat[0]
    dims = _tree.broadcast_prefix(out_dims, spec) or [0] * len(leaves)
    res = []
    for k, d in enumerate(dims):
        col = [f[0][k] for f in flat]
        res.append(col[0] if d is None else D("cat")(col, d))
    return _tree.unflatten(res, spec)
