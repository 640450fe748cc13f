"""Minimal pytrees for the function transforms: nested tuples, lists, dicts and namedtuples
whose leaves are anything else (tensors, numbers, None)."""

from __future__ import annotations

from typing import Any, Callable

LEAF = None   # the spec of a leaf


def flatten(x: Any) -> tuple[list, Any]:
    """``(leaves, spec)``; `unflatten(leaves, spec)` rebuilds `x`."""
    leaves: list = []
    return leaves, _flatten(x, leaves)


def _flatten(x: Any, leaves: list) -> Any:
    t = type(x)
    if t is tuple or t is list or (isinstance(x, tuple) and hasattr(x, "_fields")):
        return (t, None, [_flatten(v, leaves) for v in x])
    if isinstance(x, dict):
        keys = list(x)
        return (t, keys, [_flatten(x[k], leaves) for k in keys])
    leaves.append(x)
    return LEAF


def unflatten(leaves: list, spec: Any) -> Any:
    it = iter(leaves)
    return _build(it, spec)


def _build(it: Any, spec: Any) -> Any:
    if spec is LEAF:
        return next(it)
    t, keys, children = spec
    vals = [_build(it, c) for c in children]
    if keys is not None:
        return t(zip(keys, vals))
    if t is tuple or t is list:
        return t(vals)
    return t(*vals)   # namedtuple


def tree_map(fn: Callable, x: Any) -> Any:
    leaves, spec = flatten(x)
    return unflatten([fn(v) for v in leaves], spec)


def describe(spec: Any) -> str:
    """A short text for the structure (used in error messages)."""
    if spec is LEAF:
        return "*"
    t, keys, children = spec
    inner = ", ".join(describe(c) for c in children)
    if keys is not None:
        inner = ", ".join(f"{k!r}: {describe(c)}" for k, c in zip(keys, children))
    return f"TreeSpec({t.__name__}, [{inner}])"


def broadcast_prefix(prefix: Any, spec: Any) -> list | None:
    """Expand a prefix tree (e.g. ``in_dims=(0, None)``) to one value per leaf of `spec`, or
    None when the structures do not match."""
    out: list = []
    return out if _bp(prefix, spec, out) else None


def _bp(prefix: Any, spec: Any, out: list) -> bool:
    if prefix is None or isinstance(prefix, int):
        out.extend([prefix] * count(spec))
        return True
    if spec is LEAF:
        return False
    t, keys, children = spec
    if isinstance(prefix, dict):
        if keys is None or set(prefix) != set(keys):
            return False
        return all(_bp(prefix[k], c, out) for k, c in zip(keys, children))
    if not isinstance(prefix, (tuple, list)) or keys is not None or len(prefix) != len(
            children):
        return False
    return all(_bp(p, c, out) for p, c in zip(prefix, children))


def count(spec: Any) -> int:
    if spec is LEAF:
        return 1
    return sum(count(c) for c in spec[2])
