"""grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, linearize (as ``torch.func``).

Each transform runs the function on fresh differentiable copies of its inputs and uses the
ordinary tape (reverse mode) or the double-backward trick of `autograd.forward_ad` (forward
mode). Results keep a graph only when something outside needs it: an input or a captured
tensor that requires grad, or an enclosing transform; otherwise they are plain tensors.

Under vmap, the inputs being differentiated are first batched at every active vmap level
(copies of an unbatched input are made per element), so that one backward over the physical
batch gives every element its own derivative: this is what makes ``vmap(grad(f))`` compute
per-example gradients in one vectorised pass.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from ..autograd import forward_ad as _fwd
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor
from . import _tree
from ._batched import BatchedTensor, active_levels, wrap
from ._batched import dispatcher as D

# ---- differentiable inputs across vmap levels ------------------------------------------------


def _expand_to(x: Any, levels: list) -> Any:
    """`x` batched at every level of `levels` (outermost first), expanding where it is not."""
    if not levels:
        return x
    lv = levels[-1]
    if type(x) is BatchedTensor and x._lvl is lv:
        return wrap(_expand_to(x._phys, levels[:-1]), lv)
    inner = _expand_to(x, levels[:-1])
    return wrap(D("expand")(D("unsqueeze")(inner, 0), (lv.size, *tuple(x.shape))), lv)


def _physical(x: Any) -> Any:
    while type(x) is BatchedTensor:
        x = x._phys
    return x


def _rewrap(p: Any, levels: list) -> Any:
    for lv in levels:
        p = wrap(p, lv)
    return p


def _check_input(x: Any) -> None:
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")


class _Inputs:
    """The differentiable copies of some inputs: `logical` (passed to the function, batched
    like the vmap levels) and `phys` (plain tensors that require grad, for autograd)."""

    def __init__(self, leaves: list, levels: list) -> None:
        self.levels = levels
        self.logical, self.phys, self.fresh = [], [], []
        with enable_grad():
            for x in leaves:
                _check_input(x)
                p = _physical(_expand_to(x, levels))
                if p.requires_grad:
                    q = p.view_as(p)
                else:
                    q = p.detach().requires_grad_()
                    self.fresh.append(q)
                self.phys.append(q)
                self.logical.append(_rewrap(q, levels))

    def need_graph(self, outputs: list, extra: Any = ()) -> bool:
        """Whether results must keep a graph: the outputs reach a tensor that requires grad
        other than our fresh copies (an outer transform, a captured tensor), or `extra`
        (tangents, cotangents) requires grad."""
        own = {q._accumulator() for q in self.fresh}
        outs = [o for o in outputs if isinstance(o, Tensor) and o.requires_grad]
        return _fwd._walk(outs, own)[1] or any(
            isinstance(e, Tensor) and _physical(e).requires_grad for e in extra)

    def out_phys(self, y: Any) -> Any:
        return _physical(_expand_to(y, self.levels))

    def result(self, g: Any, q: Any, graph: bool) -> Any:
        if g is None:
            g = D("zeros_like")(q)
        elif not graph:
            g = g.detach()
        return _rewrap(g, self.levels)


def _detach(x: Any, graph: bool) -> Any:
    if graph or not isinstance(x, Tensor):
        return x
    return _rewrap(_physical(x).detach(), _layers(x))


def _layers(x: Any) -> list:
    out = []
    while type(x) is BatchedTensor:
        out.append(x._lvl)
        x = x._phys
    return out[::-1]


def _autograd_grad(outputs: list, inputs: list, cotangents: list, graph: bool) -> tuple:
    from ..autograd import grad
    pairs = [(o, c) for o, c in zip(outputs, cotangents) if o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    with enable_grad():
        return grad([o for o, _ in pairs], inputs, [c for _, c in pairs], retain_graph=True,
                    create_graph=graph, allow_unused=True)


def grad_batched(outputs: tuple, inputs: tuple, grad_outputs: tuple, **kw: Any) -> tuple:
    """``autograd.grad`` that also takes vmap's batched tensors (used by
    autograd.functional under vmap): the physical backward gives per-element gradients when
    every input is batched at each level the outputs are; otherwise the whole function runs
    once per element (vmap's fallback)."""
    from ..autograd import grad
    everything = (*outputs, *inputs, *(g for g in grad_outputs if g is not None))
    if not any(type(t) is BatchedTensor for t in everything):
        return grad(outputs, inputs, grad_outputs, **kw)
    levels = sorted({lv for t in everything for lv in _layers(t)}, key=lambda lv: lv.depth)
    for t in inputs:
        missing = [lv for lv in levels if lv not in _layers(t)]
        if missing:
            from ._batched import Unbatchable
            raise Unbatchable(missing[-1], "autograd.grad")
    pouts = [_physical(_expand_to(o, levels)) for o in outputs]
    pgo = [None if g is None and o.numel() == 1 else _physical(_expand_to(
        g if g is not None else D("ones_like")(o), levels)) for o, g in zip(outputs, grad_outputs)]
    pgo = [D("ones_like")(p) if g is None else g for p, g in zip(pouts, pgo)]
    res = grad(pouts, [_physical(t) for t in inputs], pgo, **kw)
    return tuple(None if r is None else _rewrap(r, levels) for r in res)


# ---- argnums ---------------------------------------------------------------------------------

def _argnums(argnums: Any, n: int) -> tuple:
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        nums = (argnums,)
    elif isinstance(argnums, tuple) and all(isinstance(a, int) for a in argnums):
        nums = argnums
        if not nums:
            raise RuntimeError("argnums must be non-empty")
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    out = []
    for a in nums:
        if not -n <= a < n:
            raise RuntimeError(f"Got argnum={a}, but only {n} positional inputs")
        out.append(a % n)
    if len(set(out)) != len(out):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return tuple(out)


def _split(args: tuple, argnums: Any) -> tuple[tuple, Any]:
    nums = _argnums(argnums, len(args))
    diff = tuple(args[i] for i in nums) if isinstance(argnums, tuple) else args[nums[0]]
    return nums, diff


def _with(args: tuple, nums: tuple, diff: Any, is_tuple: bool) -> tuple:
    new = list(args)
    for i, v in zip(nums, diff if is_tuple else (diff,)):
        new[i] = v
    return tuple(new)


# ---- grad --------------------------------------------------------------------------------------

def grad_and_value(func: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """Like `grad`, but returns ``(gradient, value)`` (``(gradient, (value, aux))`` with aux).

    >>> grad_and_value(lambda x: (x ** 2).sum())(tensor([1., 2.]))
    (tensor([2., 4.]), tensor(5.))
    """
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nums, diff = _split(args, argnums)
        leaves, spec = _tree.flatten(diff)
        ins = _Inputs(leaves, list(active_levels()))
        with enable_grad():
            new = _with(args, nums, _tree.unflatten(ins.logical, spec), isinstance(argnums, tuple))
            out = func(*new, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError("grad_and_value(f)(*args): output of function f should "
                                       "be a tuple: (output, aux) if has_aux is True")
                out, aux = out
            if not isinstance(out, Tensor):
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"scalar Tensor, got tensor with {out.dim()} dims. Maybe you "
                                   "wanted to use the vjp or jacrev APIs instead?")
            py = ins.out_phys(out)
            graph = ins.need_graph([py])
            gs = _autograd_grad([py], ins.phys, [D("ones_like")(py)], graph)
        grads = _tree.unflatten([ins.result(g, q, graph) for g, q in zip(gs, ins.phys)], spec)
        value = _detach(out, graph)
        if has_aux:
            return grads, (value, _tree.tree_map(lambda a: _detach(a, graph), aux))
        return grads, value
    return wrapper


def grad(func: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """The gradient of a scalar function with respect to its argument(s) `argnums`.

    ``grad(f)(x)`` is ``df/dx`` at `x`; compose freely: ``grad(grad(f))`` is the second
    derivative, ``vmap(grad(f))`` gives per-example gradients. Inputs may be trees (tuples,
    lists, dicts) of tensors; the gradient has the same structure.

    >>> grad(lambda x: (x ** 3).sum())(tensor([1., 2.]))
    tensor([ 3., 12.])
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g, v = gv(*args, **kwargs)
        return (g, v[1]) if has_aux else g
    return wrapper


# ---- vjp ---------------------------------------------------------------------------------------

def vjp(func: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """``(func(*primals), vjp_fn)``: ``vjp_fn(v)`` is the vector-Jacobian product vᵀJ, one
    tensor per primal. ``vjp_fn`` may be called many times, and under vmap (a batch of v).

    >>> out, vjp_fn = vjp(lambda x: x ** 2, tensor([1., 2.]))
    >>> vjp_fn(tensor([1., 1.]))
    (tensor([2., 4.]),)
    """
    levels = list(active_levels())
    leaves, spec = _tree.flatten(primals)
    ins = _Inputs(leaves, levels)
    with enable_grad():
        out = func(*_tree.unflatten(ins.logical, spec))
        aux = None
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError("vjp(f, *primals): output of function f should be a tuple: "
                                   "(output, aux) if has_aux is True")
            out, aux = out
    oleaves, ospec = _tree.flatten(out)
    for o in oleaves:
        if not isinstance(o, Tensor):
            raise RuntimeError("vjp(f, *primals): expected f(*primals) to return only tensors, "
                               f"got unsupported type {type(o)}")
    pys = [ins.out_phys(o) for o in oleaves]
    graph = ins.need_graph(pys)

    def vjp_fn(cotangents: Any, *, retain_graph: bool = True, create_graph: bool = False
               ) -> tuple:
        cleaves, cspec = _tree.flatten(cotangents)
        if _tree.describe(cspec) != _tree.describe(ospec):
            raise RuntimeError("Expected pytree structure of cotangents to be the same as "
                               "pytree structure of outputs to the function. cotangents: "
                               f"{_tree.describe(cspec)}, primal output: "
                               f"{_tree.describe(ospec)}")
        now = list(active_levels())
        if len(now) > len(levels) and any(
                lv in _layers(c) for c in cleaves if isinstance(c, Tensor) for lv in
                now[len(levels):]):
            # batched cotangents from a newer vmap: rerun the forward batched like them
            return vjp(func, *primals, has_aux=has_aux)[1](cotangents)
        for c, o in zip(cleaves, oleaves):
            if tuple(c.shape) != tuple(o.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                                   f"torch.Size({list(c.shape)}) and output[0] has a shape of "
                                   f"torch.Size({list(o.shape)}).")
        pcs = [ins.out_phys(c) for c in cleaves]
        g2 = graph or create_graph or any(_physical(c).requires_grad for c in cleaves)
        gs = _autograd_grad(pys, ins.phys, pcs, g2)
        res = [ins.result(g, q, g2) for g, q in zip(gs, ins.phys)]
        return tuple(_tree.unflatten(res, spec))

    outv = _tree.unflatten([_detach(o, graph) for o in oleaves], ospec)
    if has_aux:
        return outv, vjp_fn, _tree.tree_map(lambda a: _detach(a, graph), aux)
    return outv, vjp_fn


# ---- jvp ---------------------------------------------------------------------------------------

def jvp(func: Callable, primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False) -> tuple:
    """``(func(*primals), J @ tangents)``: the Jacobian-vector product, by forward mode
    (the double-backward trick, see autograd.forward_ad).

    >>> jvp(lambda x: x ** 2, (tensor([1., 2.]),), (tensor([1., 0.]),))
    (tensor([1., 4.]), tensor([2., 0.]))
    """
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it "
                           "should be valid to call f(*primals).")
    if not isinstance(tangents, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected tangents to be a tuple. E.g. it "
                           "should be valid to call f(*primals).")
    pleaves, spec = _tree.flatten(primals)
    tleaves, tspec = _tree.flatten(tangents)
    if _tree.describe(spec) != _tree.describe(tspec):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the "
                           "same python structure. For example, if primals is a tuple of 3 "
                           "tensors, tangents also must be. Got primals with structure "
                           f"{_tree.describe(spec)} and tangents with structure "
                           f"{_tree.describe(tspec)}")
    for p, t in zip(pleaves, tleaves):
        _check_input(p)
        _check_input(t)
        if not p.is_floating_point():
            raise ValueError(f"Expected primal to be floating point or complex, but got: "
                             f"{p.dtype}")
        if tuple(t.shape) != tuple(p.shape):
            raise RuntimeError(
                "Trying to set a forward gradient that has a different size than that of the "
                f"original Tensor, this is not supported. Tensor is of size {list(p.shape)} "
                f"while the given forward gradient is of size {list(t.shape)}.")
    return _jvp(func, pleaves, spec, tleaves, has_aux)


def _jvp(func: Callable, pleaves: list, spec: Any, tleaves: list, has_aux: bool) -> tuple:
    levels = list(active_levels())
    ins = _Inputs(pleaves, levels)
    pts = [ins.out_phys(t) for t in tleaves]
    _fwd._push()
    try:
        lv = _fwd._levels[-1]
        for q, t in zip(ins.phys, pts):
            lv.add(q, t)
        with enable_grad():
            out = func(*_tree.unflatten(ins.logical, spec))
            aux = None
            if has_aux:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError("jvp(f, primals, tangents): output of function f should "
                                       "be a tuple: (output, aux) if has_aux is True")
                out, aux = out
        oleaves, ospec = _tree.flatten(out)
        for o in oleaves:
            if not isinstance(o, Tensor):
                raise RuntimeError("jvp(f, primals, tangents): expected f(*primals) to return "
                                   f"only tensors, got unsupported type {type(o)}")
        pys = [ins.out_phys(o) for o in oleaves]
        graph = ins.need_graph(pys, pts)
        js = _fwd.jvp_trick(pys, [d for d, _ in lv.duals], [t for _, t in lv.duals], graph)
    finally:
        _fwd._pop()
    outs = _tree.unflatten([_detach(o, graph) for o in oleaves], ospec)
    jv = _tree.unflatten([_rewrap(j if graph else j.detach(), levels) for j in js], ospec)
    if has_aux:
        return outs, jv, _tree.tree_map(lambda a: _detach(a, graph), aux)
    return outs, jv


def linearize(func: Callable, *primals: Any) -> tuple:
    """``(func(*primals), jvp_fn)`` with ``jvp_fn(*tangents) = J @ tangents`` at `primals`.

    The backward of the function is recorded once (as a graph in a dummy cotangent), so each
    call of ``jvp_fn`` is one backward pass over it, without running `func` again.

    >>> out, jvp_fn = linearize(lambda x: x ** 2, tensor([1., 2.]))
    >>> jvp_fn(tensor([1., 0.]))
    tensor([2., 0.])
    """
    levels = list(active_levels())
    leaves, spec = _tree.flatten(primals)
    ins = _Inputs(leaves, levels)
    with enable_grad():
        out = func(*_tree.unflatten(ins.logical, spec))
        oleaves, ospec = _tree.flatten(out)
        pys = [ins.out_phys(o) for o in oleaves]
        us = [D("zeros_like")(p).requires_grad_() for p in pys]
        gs = _autograd_grad(pys, ins.phys, us, True)
    graph = ins.need_graph(pys)

    def jvp_fn(*tangents: Any) -> Any:
        tl, _ = _tree.flatten(tangents)
        for i, (t, p) in enumerate(zip(tl, leaves)):
            if tuple(t.shape) != tuple(p.shape):
                raise RuntimeError(f"tangent:{i} with shape torch.Size({list(t.shape)}) in "
                                   "flattened pytree doesn't match the shape "
                                   f"torch.Size({list(p.shape)}) of the corresponding primal.")
        now = list(active_levels())
        if len(now) > len(levels) and any(lv in _layers(t) for t in tl for lv in
                                          now[len(levels):]):
            return _jvp(func, leaves, spec, tl, False)[1]
        pts = [ins.out_phys(t) for t in tl]
        live = [(g, t) for g, t in zip(gs, pts) if g is not None and g.requires_grad]
        g2 = graph or any(t.requires_grad for t in pts)
        js = [None] * len(us)
        if live:
            js = list(_autograd_grad([g for g, _ in live], us, [t for _, t in live], g2))
        res = [ins.result(j, p, g2) for j, p in zip(js, pys)]
        return _tree.unflatten(res, ospec)

    return _tree.unflatten([_detach(o, graph) for o in oleaves], ospec), jvp_fn


# ---- Jacobians ---------------------------------------------------------------------------------

def _basis(leaves: list) -> list:
    """The standard basis of all `leaves` together, split per leaf: rows (N, *leaf.shape)."""
    from ..creation import eye
    sizes = [x.numel() for x in leaves]
    n = sum(sizes)
    out, start = [], 0
    for x, s in zip(leaves, sizes):
        block = D("narrow")(eye(n, dtype=x.dtype), 1, start, s)
        out.append(D("reshape")(block, (n, *tuple(x.shape))))
        start += s
    return out


def jacrev(func: Callable, argnums: Any = 0, *, has_aux: bool = False,
           chunk_size: int | None = None, _preallocate_and_copy: bool = False) -> Callable:
    """The Jacobian of `func` w.r.t. argument(s) `argnums` by reverse mode: one vectorised
    vector-Jacobian product per output element (``vmap(vjp_fn)`` over the standard basis).

    >>> jacrev(lambda x: x.sin())(tensor([0., 1.]))   # diag(cos x)
    tensor([[1.0000, 0.0000],
            [0.0000, 0.5403]])
    """
    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        from ._vmap import vmap
        nums, diff = _split(args, argnums)
        is_tuple = isinstance(argnums, tuple)

        def f(*d: Any) -> Any:
            return func(*_with(args, nums, d if is_tuple else d[0], is_tuple))
        prim = diff if is_tuple else (diff,)
        r = vjp(f, *prim, has_aux=has_aux)
        out, fn = r[0], r[1]
        oleaves, ospec = _tree.flatten(out)
        basis = _basis(oleaves)
        rows = vmap(lambda *b: fn(_tree.unflatten(list(b), ospec)), chunk_size=chunk_size)(
            *basis)
        # rows: per primal a tree of (N_out, *leaf.shape); split N_out per output
        jac = _assemble(oleaves, ospec, prim, rows, is_tuple)
        return (jac, r[2]) if has_aux else jac
    return wrapper


def jacfwd(func: Callable, argnums: Any = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable:
    """The Jacobian of `func` w.r.t. argument(s) `argnums` by forward mode: one vectorised
    Jacobian-vector product per input element (``vmap(jvp)`` over the standard basis).
    Equal to `jacrev`; cheaper when the function has more outputs than inputs.

    >>> jacfwd(lambda x: x ** 2)(tensor([1., 2.]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        from ._vmap import vmap
        nums, diff = _split(args, argnums)
        is_tuple = isinstance(argnums, tuple)
        prim = diff if is_tuple else (diff,)
        pleaves, pspec = _tree.flatten(prim)
        for p in pleaves:
            _check_input(p)
            if not p.is_floating_point():
                raise ValueError(f"Expected primal to be floating point or complex, but got: "
                                 f"{p.dtype}")

        def f(*d: Any) -> Any:
            return func(*_with(args, nums, d if is_tuple else d[0], is_tuple))

        def push(*ts: Any) -> Any:
            r = _jvp(f, pleaves, pspec, list(ts), has_aux)
            return (r[1], r[0], r[2]) if has_aux else (r[1], r[0])
        res = vmap(push, randomness=randomness)(*_basis(pleaves))
        cols, out = res[0], res[1]
        oleaves, ospec = _tree.flatten(out)
        cleaves = _tree.flatten(cols)[0]
        # cols: per output (N_in, *out.shape); split N_in per primal, move it last
        per_out = []
        for o, c in zip(oleaves, cleaves):
            parts, start = [], 0
            for p in pleaves:
                n = p.numel()
                blk = D("narrow")(c, 0, start, n)
                blk = D("movedim")(blk, 0, -1) if o.dim() > 1 else blk
                parts.append(D("reshape")(blk, (*tuple(o.shape[1:]), *tuple(p.shape))))
                start += n
            per_out.append(_tree.unflatten(parts, pspec) if is_tuple else parts[0])
        jac = _tree.unflatten(per_out, ospec)
        if has_aux:   # the aux of the first basis vector (all are the same)
            return jac, _tree.tree_map(lambda a: a[0] if isinstance(a, Tensor) else a, res[2])
        return jac
    return wrapper


def _assemble(oleaves: list, ospec: Any, prim: tuple, rows: tuple, is_tuple: bool) -> Any:
    """Split the stacked rows (per primal leaf: (N_out, *leaf.shape)) per output."""
    per_out = []
    start = 0
    row_leaves = [_tree.flatten(r)[0] for r in rows]   # per primal: its leaves
    pleaf_shapes = [[tuple(x.shape) for x in _tree.flatten(p)[0]] for p in prim]
    for o in oleaves:
        n = o.numel()
        per_prim = []
        for rl, shapes, p in zip(row_leaves, pleaf_shapes, prim):
            blocks = [D("reshape")(D("narrow")(r, 0, start, n), (*tuple(o.shape), *s))
                      for r, s in zip(rl, shapes)]
            per_prim.append(_tree.unflatten(blocks, _tree.flatten(p)[1]))
        start += n
        per_out.append(tuple(per_prim) if is_tuple else per_prim[0])
    return _tree.unflatten(per_out, ospec)


def hessian(func: Callable, argnums: Any = 0) -> Callable:
    """The Hessian of a scalar function: ``jacfwd(jacrev(func, argnums), argnums)``
    (forward-over-reverse).

    >>> A = tensor([[1., 2.], [0., 3.]])
    >>> hessian(lambda x: x @ A @ x)(tensor([1., 1.]))    # A + A.T
    tensor([[2., 2.],
            [2., 6.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)


__all__ = ["grad", "grad_and_value", "vjp", "jvp", "linearize", "jacrev", "jacfwd", "hessian"]
