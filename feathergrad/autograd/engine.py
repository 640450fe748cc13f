"""The backward engine: iterative, dependency-counting, freeing as it goes.

1. Walk the graph from the roots once, counting the consumers of every node.
2. Run nodes whose gradient is complete, latest-created first (PyTorch's order); sum fan-in.
3. Hand a leaf's gradient to its AccumulateGrad as soon as it is complete.

Gradients are NumPy arrays on the first-order path (no Tensor, no graph: cheap) and Tensors
when ``create_graph`` is set, so that the backward pass itself is recorded.
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import Any

import numpy as np

from .graph import AccumulateGrad, Node

ndarray = np.ndarray
_anomaly = [False, True]   # [enabled, check_nan]


def _needed(roots: list, targets: set) -> dict:
    """Which nodes lead to one of `targets` (post-order walk, no recursion)."""
    memo: dict = {}
    stack = [(r, False) for r in roots]
    while stack:
        n, done = stack.pop()
        if done:
            memo[n] = n in targets or any(memo.get(e[0], False) for e in n.next_functions)
            continue
        if n in memo:
            continue
        memo[n] = False
        stack.append((n, True))
        for e in n.next_functions:
            m = e[0]
            if m is not None and m not in memo:
                stack.append((m, False))
    return memo


def _count_deps(roots: list, needed: dict | None) -> dict:
    deps = dict.fromkeys(roots, 0)
    stack = list(deps)
    pop, push = stack.pop, stack.append
    while stack:
        for e in pop().next_functions:
            m = e[0]
            if m is not None and (needed is None or needed.get(m)):
                c = deps.get(m)
                if c is None:
                    deps[m] = 1
                    push(m)
                else:
                    deps[m] = c + 1
    return deps


Tensor: Any = None   # set by feathergrad.tensor (avoids an import cycle and per-call imports)


def _wrap(g: Any) -> Any:
    if g is None or type(g) is Tensor:
        return g
    return Tensor._make(g if type(g) is ndarray else np.asarray(g))


def _unwrap(g: Any, create_graph: bool) -> Any:
    if g is None or create_graph:
        return g
    return g._data


def _run_tensor_hooks(hooks: dict, g: Any, create_graph: bool) -> Any:
    if g is None:
        return None
    t = _wrap(g)
    for fn in list(hooks.values()):
        r = fn(t)
        if r is not None:
            t = _wrap(r)
    return t if create_graph else t._data


def _add(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _accumulate(acc: AccumulateGrad, g: Any, create_graph: bool, borrowed: set) -> None:
    var = acc._var()
    if var is None:
        return
    ext = acc._ext
    if ext is not None and ext.tpre:
        g = _run_tensor_hooks(ext.tpre.get(0, {}), g, create_graph)
    if g is None:
        return
    old = var._grad
    data = var._data
    if create_graph:
        if g.shape != data.shape:
            g = g.expand(data.shape) if g.dim() <= data.ndim else g
        var._grad = g if old is None else old + g
    else:
        if type(g) is not ndarray:
            g = np.array(g, dtype=data.dtype)
        elif g.dtype is not data.dtype or g.shape != data.shape:
            g = np.array(np.broadcast_to(g, data.shape), dtype=data.dtype)
        elif id(g) in borrowed or g.base is not None or not g.flags.writeable:
            # NOTE: steal only arrays the engine owns; copy views (of what, we cannot know:
            # possibly a forward value) and user arrays
            g = g.copy()
        if old is None:
            var._grad = Tensor._make(g)
        elif old._requires_grad:   # a grad that carries a graph is replaced, never mutated
            var._grad = old + Tensor._make(g)
        else:
            od = old._data
            od += g
            old._vc[0] += 1
    if ext is not None and ext.post:
        for fn in list(ext.post.values()):
            fn(var)


def run_backward(roots: list, grads: list, retain_graph: bool, create_graph: bool,
                 inputs: list | None = None, accumulate: bool = True,
                 owned: bool = False) -> list | None:
    """Backpropagate `grads` from the edges `roots`.

    With `inputs` (a list of edges), returns the gradient that reached each of them and, unless
    `accumulate`, touches no leaf's ``.grad``; only the part of the graph that leads to them runs.
    """
    borrowed: set = set()   # ids of arrays the engine does not own (user's, passed through)
    sums: set = set()       # ids of sums the engine made (safe to add into in place)
    buffers: dict = {}
    root_nodes = []
    for (node, nr), g in zip(roots, grads):
        if node is None:
            continue
        if not create_graph and not owned and type(g) is ndarray:
            borrowed.add(id(g))
        if node._multi:
            b = buffers.get(node)
            if b is None:
                b = buffers[node] = [None] * node._num_outputs()
            b[nr] = _add(b[nr], g)
        else:
            buffers[node] = _add(buffers.get(node), g)
        root_nodes.append(node)

    captures = needed = results = None
    if inputs is not None:
        captures = {}
        for i, (node, nr) in enumerate(inputs):
            if node is not None:
                captures.setdefault(node, []).append((nr, i))
        needed = _needed(root_nodes, set(captures))
        root_nodes = [n for n in root_nodes if needed.get(n)]
        results = [None] * len(inputs)
    deps = _count_deps(root_nodes, needed)

    heap = [(-n._seq, id(n), n) for n in deps if deps[n] == 0]
    heap.sort()
    pop, push = heappop, heappush
    while heap:
        node = pop(heap)[2]
        g = buffers.pop(node, None)
        if sums:
            sums.discard(id(g))   # NOTE: ownership holds only while the sum sits in its buffer
        if type(node) is AccumulateGrad:
            if captures is not None and node in captures:
                for _nr, i in captures[node]:
                    results[i] = _add(results[i], g)
            if accumulate and (captures is None or node in captures):
                _accumulate(node, g, create_graph, borrowed)
            continue
        multi = node._multi
        ext = node._ext
        if ext is not None or (captures is not None and node in captures):
            g = _pre(node, g, multi, create_graph, captures, results)
        if g is None or (multi and not any(x is not None for x in g)):
            out = (None,) * len(node.next_functions)
        else:
            out = node.apply(g, create_graph)
            if _anomaly[0]:
                _check_anomaly(node, out)
        if ext is not None and ext.hooks:
            out = _post(node, g, out, multi, create_graph)
        if not retain_graph:
            node._release()
        for e, gi in zip(node.next_functions, out):
            m = e[0]
            if m is None:
                continue
            c = deps.get(m)
            if c is None:
                continue
            if gi is not None:
                if gi is g:
                    borrowed.add(id(gi))
                if m._multi:
                    b = buffers.get(m)
                    if b is None:
                        b = buffers[m] = [None] * m._num_outputs()
                    b[e[1]] = _add(b[e[1]], gi)
                else:
                    prev = buffers.get(m)
                    if prev is None:
                        buffers[m] = gi   # NOTE: the first gradient is kept by reference
                    elif id(prev) in sums and id(prev) not in borrowed and type(gi) is ndarray \
                            and gi.shape == prev.shape and gi.dtype == prev.dtype:
                        np.add(prev, gi, out=prev)   # a sum the engine made: add in place
                    else:
                        s = prev + gi   # a second gradient: a new array, owned by the engine
                        buffers[m] = s
                        if type(s) is ndarray and not create_graph:
                            sums.add(id(s))
            if c == 1:
                del deps[m]
                if captures is None and type(m) is AccumulateGrad:
                    # NOTE: a leaf's sink has the top priority: run it now, no heap round trip
                    if accumulate:
                        ga = buffers.pop(m, None)
                        if sums:
                            sums.discard(id(ga))
                        _accumulate(m, ga, create_graph, borrowed)
                    continue
                push(heap, (-m._seq, id(m), m))
            else:
                deps[m] = c - 1
    return results


def _pre(node: Node, g: Any, multi: bool, create_graph: bool, captures: dict | None,
         results: list | None) -> Any:
    """Tensor hooks, captures for grad(), and node pre-hooks, in PyTorch's order."""
    ext = node._ext
    tpre = ext.tpre if ext is not None else None
    if tpre:
        if multi:
            g = [_run_tensor_hooks(tpre[k], x, create_graph) if k in tpre else x
                 for k, x in enumerate(g)]
        elif 0 in tpre:
            g = _run_tensor_hooks(tpre[0], g, create_graph)
    if captures is not None and node in captures:
        for nr, i in captures[node]:
            results[i] = _add(results[i], g[nr] if multi else g)
    if ext is not None and ext.prehooks:
        gs = [_wrap(x) for x in g] if multi else [_wrap(g)]
        for fn in list(ext.prehooks.values()):
            r = fn(tuple(gs))
            if r is not None:
                gs = [_wrap(x) for x in r]
        g = [_unwrap(x, create_graph) for x in gs] if multi else _unwrap(gs[0], create_graph)
    return g


def _post(node: Node, g: Any, out: Any, multi: bool, create_graph: bool) -> Any:
    gi = tuple(_wrap(x) for x in out)
    go = tuple(_wrap(x) for x in g) if multi else (_wrap(g),)
    for fn in list(node._ext.hooks.values()):
        r = fn(gi, go)
        if r is not None:
            gi = tuple(_wrap(x) for x in r)
    return tuple(_unwrap(x, create_graph) for x in gi)


def _check_anomaly(node: Node, out: Any) -> None:
    if not _anomaly[1]:
        return
    for i, gi in enumerate(out):
        if gi is None:
            continue
        a = gi._data if type(gi) is Tensor else np.asarray(gi)
        if a.dtype.kind in "fc" and np.isnan(a).any():
            tb = node._ext.anomaly if node._ext is not None else None
            where = ("\nThe forward call that created this node (most recent call last):\n"
                     + "".join(tb)) if tb else (
                "\n(no forward traceback: the node was created before anomaly detection was "
                "enabled)")
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                               f"output.{where}")
