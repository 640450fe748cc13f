"""Batching rules: matrix products, joins, indexing, nn.functional (linear, losses, norms,
convolutions, pooling) and random ops (vmap's ``randomness``)."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._batched import RULES, Level, active_levels, is_batched, wrap
from ._batched import dispatcher as D
from ._rules import any_batched, expand_batch, get, ldim, pad, pdim, phys, put, wrap_out

# ---- matrix products ----------------------------------------------------------------------


def matmul(lvl: Level, a: Any, b: Any) -> Any:
    """``a @ b`` with either or both batched: vectors become matrices, the batch parts are
    aligned by singleton dims after the batch dim, one physical matmul, then squeeze."""
    ra, rb = a.dim(), b.dim()
    if ra == 0 or rb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{ra}D and {rb}D")
    pa, pb = phys(a, lvl), phys(b, lvl)
    if (ra, rb) in ((1, 2), (2, 1)) and (is_batched(a, lvl) if ra == 2 else is_batched(b, lvl)):
        # NOTE: vector @ batch of matrices (per-example weights): einsum, whose backward forms
        # the outer products elementwise (a batched matmul with a contraction of 1 is slow)
        sa = ("z" if is_batched(a, lvl) else "") + ("i" if ra == 1 else "oi")
        sb = ("z" if is_batched(b, lvl) else "") + ("io" if rb == 2 else "i")
        return wrap(D("einsum")(f"{sa},{sb}->z{'o' if ra == 1 else 'o'}", pa, pb), lvl)
    if ra == 1:
        pa = D("unsqueeze")(pa, -2)
    if rb == 1:
        pb = D("unsqueeze")(pb, -1)
    la, lb = max(ra, 2) - 2, max(rb, 2) - 2
    n = max(la, lb)
    if is_batched(a, lvl):
        pa = pad(pa, n - la)
    if is_batched(b, lvl):
        pb = pad(pb, n - lb)
    out = D("matmul")(pa, pb)
    if ra == 1:
        out = D("squeeze")(out, -2)
    if rb == 1:
        out = D("squeeze")(out, -1)
    return wrap(out, lvl)


def _mm(key: str, ranks: tuple | None, msg: str) -> Any:
    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        a, b = args[0], (args[1] if len(args) > 1 else kwargs.get("other", kwargs.get("mat2",
                                                                   kwargs.get("vec"))))
        if key == "__rmatmul__":
            a, b = b, a
        if ranks is not None and (a.dim(), b.dim()) != ranks:
            raise RuntimeError(msg.format(a.dim(), b.dim()))
        return matmul(lvl, a, b)
    return rule


for _k in ("matmul", "__matmul__", "__rmatmul__"):
    RULES[_k] = _mm(_k, None, "")
RULES["mm"] = _mm("mm", (2, 2), "self must be a matrix")
RULES["bmm"] = _mm("bmm", (3, 3), "batch1 must be a 3D tensor")
RULES["mv"] = _mm("mv", (2, 1), "vector + matrix @ vector expected, got {0}, {1}")
RULES["dot"] = _mm("dot", (1, 1), "1D tensors expected, but got {0}D and {1}D tensors")
RULES["vdot"] = _mm("vdot", (1, 1), "1D tensors expected, but got {0}D and {1}D tensors")


def _linear(lvl: Level, args: tuple, kwargs: dict) -> Any:
    x, w = args[0], get(args, kwargs, 1, ("weight",))[0]
    b, _ = get(args, kwargs, 2, ("bias",))
    out = D("matmul")(x, D("t")(w))
    return out if b is None else D("add")(out, b)


def _outer(lvl: Level, args: tuple, kwargs: dict) -> Any:
    a, b = args[0], args[1] if len(args) > 1 else kwargs["vec2"]
    return D("mul")(D("unsqueeze")(a, -1), b)


def _addmm(lvl: Level, args: tuple, kwargs: dict) -> Any:
    inp, m1, m2 = args[:3]
    beta, alpha = kwargs.get("beta", 1), kwargs.get("alpha", 1)
    if beta == 0:   # NOTE: input is ignored (even its nan) but still gets a zero gradient
        return NotImplemented
    prod = D("matmul")(m1, m2)
    if alpha != 1:
        prod = D("mul")(prod, alpha)
    return D("add")(prod, inp if beta == 1 else D("mul")(inp, beta))


RULES["F.linear"] = _linear
RULES["outer"] = RULES["ger"] = _outer
RULES["addmm"] = RULES["baddbmm"] = _addmm


def _einsum(lvl: Level, args: tuple, kwargs: dict) -> Any:
    if not isinstance(args[0], str):
        return NotImplemented   # the sublist format
    eq = args[0].replace(" ", "")
    ops = list(args[1]) if len(args) == 2 and isinstance(args[1], (list, tuple)) else \
        list(args[1:])
    lhs, arrow, rhs = eq.partition("->")
    specs = lhs.split(",")
    if len(specs) != len(ops):
        return NotImplemented
    if not arrow:   # NOTE: implicit output: letters used once, in order, after the ellipsis
        letters = [c for c in lhs if c.isalpha()]
        rhs = ("..." if "..." in lhs else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1))
    z = next(c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA" if c not in eq)
    new = [z + s if is_batched(o, lvl) else s for s, o in zip(specs, ops)]
    out = D("einsum")(",".join(new) + "->" + z + rhs, *[phys(o, lvl) for o in ops])
    return wrap(out, lvl)


RULES["einsum"] = _einsum


# ---- joins, gather/scatter, indexing --------------------------------------------------------

def _join(key: str) -> Any:
    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        ts, _ = get(args, kwargs, 0, ("tensors",))
        d, _ = get(args, kwargs, 1, ("dim", "axis"), 0)
        ts = list(ts)
        r = ts[0].dim()
        if any(t.dim() != r for t in ts):
            return NotImplemented   # legacy empty 1-d tensors in cat
        if key == "stack":
            nd = ldim(d, r + 1) + 1
        else:
            if r == 0:
                raise RuntimeError("zero-dimensional tensor (at position 0) cannot be "
                                   "concatenated")
            nd = pdim(d, r)
        return wrap(D(key)([expand_batch(t, lvl) for t in ts], nd), lvl)
    return rule


for _k in ("cat", "concat", "concatenate", "stack"):
    RULES[_k] = _join(_k)


def _broadcast_tensors(lvl: Level, args: tuple, kwargs: dict) -> Any:
    ts = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args
    shape = np.broadcast_shapes(*[tuple(t.shape) for t in ts])
    return tuple(D("expand")(t, shape) for t in ts)


RULES["broadcast_tensors"] = _broadcast_tensors


def _gather_like(key: str, tensor_pos: tuple) -> Any:
    """gather/scatter/scatter_add: all tensors of one rank; unbatched ones are expanded."""
    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        a, kw = list(args), dict(kwargs)
        x = a[0]
        r = x.dim()
        ranks = {t.dim() for t in (*a, *kw.values()) if isinstance(t, Tensor)}
        if r == 0 or len(ranks) > 1:
            return NotImplemented
        d, where = get(a, kw, 1, ("dim",))
        put(a, kw, where, "dim", pdim(d, r))
        for i in tensor_pos:
            if i < len(a) and isinstance(a[i], Tensor):
                a[i] = expand_batch(a[i], lvl)
        for k in ("index", "src"):
            if isinstance(kw.get(k), Tensor):
                kw[k] = expand_batch(kw[k], lvl)
        return wrap(D(key)(*a, **kw), lvl)
    return rule


RULES["gather"] = _gather_like("gather", (0, 2))
RULES["scatter"] = _gather_like("scatter", (0, 2, 3))
RULES["scatter_add"] = _gather_like("scatter_add", (0, 2, 3))


def _is_adv(i: Any) -> bool:
    return isinstance(i, (Tensor, np.ndarray, list))


def _getitem(lvl: Level, args: tuple, kwargs: dict) -> Any:
    x, idx = args[0], args[1]
    idx = idx if isinstance(idx, tuple) else (idx,)
    if any(isinstance(i, bool) for i in idx):
        return NotImplemented
    adv = [k for k, i in enumerate(idx) if _is_adv(i)]
    if any_batched(idx, lvl):
        # batched indices: index the batch with an arange, when every index is advanced and
        # they come first (then the result keeps the batch dim in front)
        nadv = len(adv) + sum(isinstance(i, int) for i in idx)
        if adv != list(range(len(adv))) or nadv != len(adv) or any(
                i is not Ellipsis and not (isinstance(i, slice) and i == slice(None))
                for i in idx[len(adv):]):
            return NotImplemented
        p = expand_batch(x, lvl)
        ps = [phys(i, lvl) for i in idx[:len(adv)]]
        rank = max(i.dim() if isinstance(i, Tensor) else np.ndim(i) for i in idx[:len(adv)])
        from ..creation import arange
        ar = D("reshape")(arange(lvl.size), (lvl.size,) + (1,) * rank)
        ps = [pad(q, rank - (q.dim() - 1)) if is_batched(i, lvl) else q
              for q, i in zip(ps, idx[:len(adv)])]
        return wrap(D("__getitem__")(p, (ar, *ps)), lvl)
    if not is_batched(x, lvl):
        return NotImplemented
    p = x._phys
    out = D("__getitem__")(p, (slice(None), *idx))
    if adv:
        # NOTE: advanced indices (tensors, lists) that are not adjacent put their dims first
        # (before our batch dim): move it back to the front. Ints are basic, as in PyTorch.
        if adv != list(range(adv[0], adv[-1] + 1)):
            shapes = [tuple(i.shape) if isinstance(i, Tensor) else np.shape(i)
                      for i in idx if _is_adv(i)]
            out = D("movedim")(out, len(np.broadcast_shapes(*shapes)), 0)
    return wrap(out, lvl)


RULES["__getitem__"] = _getitem


# ---- nn.functional ------------------------------------------------------------------------

def _pos(fn_name: str, param: str) -> int:
    import feathergrad.nn.functional as F
    fn = getattr(F, fn_name)
    fn = getattr(fn, "__wrapped__", fn)
    return list(inspect.signature(fn).parameters).index(param)


def _reduce_per_example(out: Any, red: str, lvl: Level, n0: int = 1) -> Any:
    if red == "none":
        return wrap(out, lvl)
    flat = D("reshape")(out, (lvl.size, -1))
    if red == "sum":
        return wrap(D("sum")(flat, 1), lvl)
    if red == "batchmean":
        return wrap(D("div")(D("sum")(flat, 1), n0), lvl)
    return wrap(D("mean")(flat, 1), lvl)


def _pointwise_loss(name: str) -> Any:
    """Losses that are elementwise before their reduction: computed with reduction='none' on
    the batch, then reduced per example."""
    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        rpos = _pos(name, "reduction")
        red, where = get(args, kwargs, rpos, ("reduction",), "mean")
        legacy = [get(args, kwargs, _pos(name, k), (k,))[0] for k in ("size_average", "reduce")
                  if k in _params(name)]
        if any(v is not None for v in legacy) or red not in ("mean", "sum", "none",
                                                             "batchmean"):
            return NotImplemented
        a, kw = list(args), dict(kwargs)
        put(a, kw, where, "reduction", "none")
        x, t = a[0], a[1]
        shape = tuple(np.broadcast_shapes(tuple(x.shape), tuple(t.shape)))
        a[0] = D("expand")(expand_batch(x, lvl), (lvl.size, *shape))
        a[1] = D("expand")(expand_batch(t, lvl), (lvl.size, *shape))
        r = len(shape)
        for i in range(2, len(a)):
            if is_batched(a[i], lvl):
                a[i] = pad(a[i]._phys, r - a[i].dim())
        for k, v in kw.items():
            if is_batched(v, lvl):
                kw[k] = pad(v._phys, r - v.dim())
        out = D("F." + name)(*a, **kw)
        return _reduce_per_example(out, red, lvl, shape[0] if shape else 1)
    return rule


def _params(name: str) -> list:
    import feathergrad.nn.functional as F
    return list(inspect.signature(getattr(F, name)).parameters)


for _k in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "kl_div", "soft_margin_loss", "poisson_nll_loss"):
    RULES["F." + _k] = _pointwise_loss(_k)


def _class_loss(name: str) -> Any:
    """cross_entropy / nll_loss: the batch is folded into the loss's own batch dim N, the
    'none' losses unfolded and reduced per example (PyTorch's weighted mean for class
    targets, a plain mean for probability targets)."""
    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        ps = _params(name)
        a = list(args) + [inspect.Parameter.empty] * (len(ps) - len(args))
        v = {p: (kwargs[p] if p in kwargs else a[i]) for i, p in enumerate(ps)}
        if (v["size_average"] not in (None, inspect.Parameter.empty) or v["reduce"] not in (
                None, inspect.Parameter.empty) or is_batched(v["weight"], lvl)):
            return NotImplemented
        red = v["reduction"] if v["reduction"] is not inspect.Parameter.empty else "mean"
        weight = v["weight"] if v["weight"] is not inspect.Parameter.empty else None
        ignore = v["ignore_index"] if v["ignore_index"] is not inspect.Parameter.empty else -100
        x, t = v["input"], v["target"]
        probs = t.is_floating_point()
        r = x.dim()
        px, pt = expand_batch(x, lvl), expand_batch(t, lvl)
        if r == 1:
            px, pt = D("unsqueeze")(px, 1), D("unsqueeze")(pt, 1)
        B, n = lvl.size, px.shape[1]
        px = D("reshape")(px, (B * n, *tuple(px.shape[2:])))
        pt = D("reshape")(pt, (B * n, *tuple(pt.shape[2:])))
        kw = {k: v[k] for k in ps[2:] if v[k] is not inspect.Parameter.empty}
        kw["reduction"] = "none"
        out = D("F." + name)(px, pt, **kw)
        out = D("reshape")(out, (B, *tuple(x.shape[:1] if r > 1 else ()),
                                 *tuple(out.shape[1:])))
        if red != "mean":
            return _reduce_per_example(out, red, lvl)
        total = D("sum")(D("reshape")(out, (B, -1)), 1)
        if probs:
            return wrap(D("div")(total, out[0].numel()), lvl)
        keep = D("ne")(pt, ignore)
        if weight is None:
            w = D("to")(keep, out.dtype)
        else:
            w = D("mul")(D("__getitem__")(weight, D("mul")(pt, keep)), keep)
        denom = D("sum")(D("reshape")(w, (B, -1)), 1)
        return wrap(D("div")(total, denom), lvl)
    return rule


RULES["F.cross_entropy"] = _class_loss("cross_entropy")
RULES["F.nll_loss"] = _class_loss("nll_loss")


def _layer_norm(lvl: Level, args: tuple, kwargs: dict) -> Any:
    x, shape = args[0], get(args, kwargs, 1, ("normalized_shape",))[0]
    w, _ = get(args, kwargs, 2, ("weight",))
    b, _ = get(args, kwargs, 3, ("bias",))
    eps, _ = get(args, kwargs, 4, ("eps",), 1e-5)
    if not is_batched(w, lvl) and not is_batched(b, lvl):
        return wrap(D("F.layer_norm")(x._phys, shape, w, b, eps), lvl)
    out = D("F.layer_norm")(x, shape, None, None, eps)
    if w is not None:
        out = D("mul")(out, w)
    return out if b is None else D("add")(out, b)


def _merge(key: str, full_rank: int, batched_pos: int = 0) -> Any:
    """Ops taking (N, C, ...) or unbatched (C, ...) input: our batch dim joins N."""
    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        x = args[0]
        if not is_batched(x, lvl) or any_batched(args[1:], lvl) or any_batched(
                kwargs.values(), lvl):
            return NotImplemented
        p = x._phys
        if x.dim() != full_rank:
            return wrap_out(D(key)(p, *args[1:], **kwargs), lvl)
        s = tuple(p.shape)
        out = D(key)(D("reshape")(p, (s[0] * s[1], *s[2:])), *args[1:], **kwargs)

        def unfold(o: Any) -> Any:
            return D("reshape")(o, (s[0], s[1], *tuple(o.shape[1:])))
        return wrap_out(tuple(map(unfold, out)) if isinstance(out, tuple) else unfold(out), lvl)
    return rule


def _embedding(lvl: Level, args: tuple, kwargs: dict) -> Any:
    idx, w = args[0], get(args, kwargs, 1, ("weight",))[0]
    if is_batched(w, lvl) or len(args) > 2 or kwargs.keys() - {"weight"}:
        return NotImplemented
    return wrap(D("F.embedding")(idx._phys, w), lvl)


def _pad_rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
    mode, _ = get(args, kwargs, 2, ("mode",), "constant")
    if mode != "constant" or not is_batched(args[0], lvl) or any_batched(args[1:], lvl):
        return NotImplemented
    return wrap(D("F.pad")(args[0]._phys, *args[1:], **kwargs), lvl)


def _dim_arg(key: str, pos: int, default: Any) -> Any:
    """F.normalize (dim=1 by default) and ops like it: one batched tensor, one dim."""
    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        x = args[0]
        if not is_batched(x, lvl) or any_batched(args[1:], lvl) or x.dim() == 0:
            return NotImplemented
        a, kw = list(args), dict(kwargs)
        d, where = get(a, kw, pos, ("dim",), default)
        a[0] = x._phys
        put(a, kw, where, "dim", pdim(d, x.dim()))
        return wrap(D(key)(*a, **kw), lvl)
    return rule


def _cosine(lvl: Level, args: tuple, kwargs: dict) -> Any:
    a, b = args[0], args[1]
    d, _ = get(args, kwargs, 2, ("dim",), 1)
    eps, _ = get(args, kwargs, 3, ("eps",), 1e-8)
    r = max(a.dim(), b.dim())
    pa = pad(a._phys, r - a.dim()) if is_batched(a, lvl) else a
    pb = pad(b._phys, r - b.dim()) if is_batched(b, lvl) else b
    return wrap(D("F.cosine_similarity")(pa, pb, pdim(d, r) if d >= 0 else d, eps), lvl)


def _one_hot(lvl: Level, args: tuple, kwargs: dict) -> Any:
    n, _ = get(args, kwargs, 1, ("num_classes",), -1)
    if n == -1:
        return NotImplemented   # the number of classes depends on the data
    return wrap(D("F.one_hot")(args[0]._phys, n), lvl)


RULES["F.layer_norm"] = _layer_norm
RULES["F.embedding"] = _embedding
RULES["F.pad"] = _pad_rule
RULES["F.normalize"] = _dim_arg("F.normalize", 2, 1)
RULES["F.cosine_similarity"] = _cosine
RULES["F.one_hot"] = _one_hot
for _k, _n in (("conv1d", 3), ("conv2d", 4), ("max_pool1d", 3), ("max_pool2d", 4),
               ("avg_pool1d", 3), ("avg_pool2d", 4), ("adaptive_avg_pool1d", 3),
               ("adaptive_avg_pool2d", 4)):
    RULES["F." + _k] = _merge("F." + _k, _n)


# ---- randomness ----------------------------------------------------------------------------

def _random_error() -> RuntimeError:
    return RuntimeError("vmap: called random operation while in randomness error mode. Please "
                        "either use the 'same' or 'different' randomness flags on vmap or "
                        "perform the randomness operation out of vmap")


def random_wrapper(name: str, fn: Any) -> Any:
    """A random op under vmap: 'error' raises, 'same' draws once for the whole batch,
    'different' draws per element (the innermost level decides, as in PyTorch)."""
    d = D(name, fn)

    def w(*args: Any, **kwargs: Any) -> Any:
        levels = active_levels()
        if not levels:
            return fn(*args, **kwargs)
        lvl = levels[-1]
        if lvl.randomness == "error":
            raise _random_error()
        if lvl.randomness == "different" and name in ("rand", "randn"):
            size = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            return wrap(fn(lvl.size, *size, **kwargs), lvl)
        if lvl.randomness == "different" and name in ("rand_like", "randn_like") and \
                is_batched(args[0], lvl):
            return wrap(fn(args[0]._phys, **kwargs), lvl)
        if lvl.randomness == "same" and name in ("rand_like", "randn_like", "randint_like") \
                and is_batched(args[0], lvl):
            x = args[0]
            from .. import empty
            return fn(empty(tuple(x.shape), dtype=x.dtype), *args[1:], **kwargs)
        if lvl.randomness == "same" or _top_batched(args, kwargs):
            return d(*args, **kwargs) if lvl.randomness == "different" else fn(*args, **kwargs)
        from ._batched import combine
        return combine([fn(*args, **kwargs) for _ in range(lvl.size)], lvl, name)
    w.__name__ = w.__qualname__ = name
    w.__wrapped__ = fn
    return w


def _top_batched(args: tuple, kwargs: dict) -> bool:
    from ._batched import _top
    return _top(args, kwargs) is not None


def _dropout(key: str) -> Any:
    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        x = args[0]
        p, _ = get(args, kwargs, 1, ("p",), 0.5)
        training, _ = get(args, kwargs, 2, ("training",), True)
        inplace, _ = get(args, kwargs, 3, ("inplace",), False)
        if not is_batched(x, lvl) or inplace:
            return NotImplemented
        if not training or p == 0:
            return wrap(D(key)(x._phys, p, False), lvl)
        mode = active_levels()[-1].randomness
        if mode == "error":
            raise _random_error()
        if mode == "different":
            return wrap(D(key)(x._phys, p, True), lvl)
        from .. import ones
        mask = D(key)(ones(tuple(x.shape), dtype=x.dtype), p, True)
        return D("mul")(x, mask)
    return rule


for _k in ("dropout", "dropout1d", "dropout2d"):
    RULES["F." + _k] = _dropout("F." + _k)
