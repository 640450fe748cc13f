"""Batching rules: elementwise ops, reductions and shape ops.

A rule ``rule(lvl, args, kwargs)`` computes an op on the physical tensors (batch dimension
first) with ordinary ops, called through dispatchers (``D(key)``) so that an argument batched
at an outer level dispatches in turn. It returns ``NotImplemented`` for a case it does not
cover; the op then runs by the slower paths (see _batched.py).

Logical dims map to physical ones by adding 1 to those counted from the front; those counted
from the back (negative) are the same in both. Elementwise ops need no dims at all: a batched
operand of lower rank than the others gets singleton dims after its batch dim, and an unbatched
operand broadcasts from the right as before.
"""

from __future__ import annotations

import operator
from typing import Any

from ..tensor import Tensor
from ._batched import RULES, BatchedTensor, Level, is_batched, wrap
from ._batched import dispatcher as D

_MISSING = object()


def phys(x: Any, lvl: Level) -> Any:
    return x._phys if type(x) is BatchedTensor and x._lvl is lvl else x


def pad(p: Any, k: int) -> Any:
    """Insert `k` singleton dims after the batch dim of the physical tensor `p`."""
    if k <= 0:
        return p
    s = tuple(p.shape)
    return D("reshape")(p, (s[0],) + (1,) * k + s[1:])


def expand_batch(x: Any, lvl: Level) -> Any:
    """The physical tensor of `x` at `lvl`; an unbatched tensor is expanded to the batch."""
    if is_batched(x, lvl):
        return x._phys
    return D("expand")(D("unsqueeze")(x, 0), (lvl.size, *tuple(x.shape)))


def wrap_out(out: Any, lvl: Level) -> Any:
    if isinstance(out, Tensor):
        return wrap(out, lvl)
    if isinstance(out, tuple):
        parts = [wrap_out(o, lvl) for o in out]
        return tuple(parts) if type(out) is tuple else type(out)(parts)
    if isinstance(out, list):
        return [wrap_out(o, lvl) for o in out]
    return out


def any_batched(values: Any, lvl: Level) -> bool:
    for v in values:
        if is_batched(v, lvl):
            return True
        if type(v) in (list, tuple) and any(is_batched(b, lvl) for b in v):
            return True
    return False


def ldim(d: Any, r: int) -> int:
    """A logical dim of a rank-`r` tensor checked and made non-negative (PyTorch's error)."""
    d = operator.index(d)
    lo, hi = (-r, r - 1) if r else (-1, 0)
    if not lo <= d <= hi:
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], "
                         f"but got {d})")
    return d + r if d < 0 else d


def pdim(d: Any, r: int) -> int:
    """The physical dim of logical dim `d` (rank `r`, r >= 1)."""
    return ldim(d, r) + 1


def get(args: tuple, kwargs: dict, pos: int, names: tuple, default: Any = None) -> tuple:
    """(value, where) of an argument given by position or by one of `names`."""
    for n in names:
        if n in kwargs:
            return kwargs[n], n
    if len(args) > pos:
        return args[pos], pos
    return default, None


def put(args: list, kwargs: dict, where: Any, name: str, value: Any) -> None:
    if where is None:
        kwargs[name] = value
    elif isinstance(where, str):
        kwargs[where] = value
    else:
        args[where] = value


def register(keys: Any, rule: Any) -> None:
    for k in keys.split() if isinstance(keys, str) else keys:
        RULES[k] = rule


# ---- elementwise --------------------------------------------------------------------------

def _elementwise(key: str) -> Any:
    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        ranks = [a.dim() for a in (*args, *kwargs.values()) if isinstance(a, Tensor)]
        r = max(ranks)
        inplace = kwargs.get("inplace") is True or (key.endswith("_") and
                                                    not key.endswith("__")) or key in _IDUNDER
        if inplace:
            if not is_batched(args[0], lvl):
                return NotImplemented   # the loop raises PyTorch's error
            r = args[0].dim()

        def conv(a: Any) -> Any:
            if type(a) is BatchedTensor and a._lvl is lvl:
                return pad(a._phys, r - a.dim())
            return a
        out = D(key)(*[conv(a) for a in args], **{k: conv(v) for k, v in kwargs.items()})
        if inplace:
            return args[0]
        return wrap_out(out, lvl)
    return rule


_IDUNDER = {"__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__", "__imod__",
            "__ipow__", "__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__"}
UNARY = """abs absolute acos acosh arccos arccosh arcsin arcsinh arctan arctanh asin asinh atan
    atanh bitwise_not ceil clone cos cosh deg2rad erf erfc erfinv exp exp2 expm1 fix floor frac
    isfinite isinf isnan isneginf isposinf isreal log log10 log1p log2 logical_not logit
    nan_to_num neg negative positive rad2deg reciprocal relu round rsqrt sgn sigmoid sign signbit
    sin sinc sinh sqrt square tan tanh trunc zeros_like ones_like empty_like full_like
    detach contiguous to type byte char Tensor.float Tensor.double Tensor.half Tensor.long
    Tensor.int Tensor.short Tensor.bool Tensor.cfloat Tensor.cdouble
    __neg__ __abs__ __pos__ __invert__"""
NARY = """add addcdiv addcmul arctan2 atan2 bitwise_and bitwise_left_shift bitwise_or
    bitwise_right_shift bitwise_xor clamp clamp_max clamp_min clip copysign div divide eq
    float_power floor_divide fmax fmin fmod ge greater greater_equal gt heaviside hypot isclose
    le lerp less less_equal logaddexp logaddexp2 logical_and logical_or logical_xor lt
    masked_fill maximum minimum mul multiply ne not_equal pow remainder rsub sub subtract
    true_divide Tensor.true_divide xlogy Tensor.where Tensor.__eq__ Tensor.__ne__ Tensor.__lt__
    Tensor.__le__ Tensor.__gt__ Tensor.__ge__ __add__ __radd__ __sub__ __rsub__ __mul__ __rmul__
    __truediv__ __rtruediv__ __pow__ __rpow__ __floordiv__ __rfloordiv__ __mod__ __rmod__
    __and__ __rand__ __or__ __ror__ __xor__ __rxor__ __lshift__ __rlshift__ __rshift__
    __rrshift__"""
ACTIVATIONS = """relu relu6 leaky_relu elu selu celu gelu silu mish softplus softsign hardtanh
    hardsigmoid hardswish tanh sigmoid logsigmoid tanhshrink threshold relu_ leaky_relu_ elu_
    selu_ celu_ hardtanh_"""
INPLACE = """add_ sub_ mul_ div_ pow_ exp_ relu_ sigmoid_ tanh_ neg_ abs_ sqrt_ log_ sin_ cos_
    reciprocal_ clamp_ clip_ clamp_min_ clamp_max_ fill_ zero_ copy_ masked_fill_ exp2_ expm1_
    log2_ log10_ log1p_ tan_ asin_ acos_ atan_ sinh_ cosh_ deg2rad_ rad2deg_ erf_ erfc_ erfinv_
    rsqrt_ sinc_ square_ floor_ ceil_ trunc_ fix_ frac_ sgn_ asinh_ acosh_ atanh_ arcsin_
    arccos_ arctan_ arcsinh_ arccosh_ arctanh_ round_ nan_to_num_ logit_ atan2_ arctan2_ hypot_
    copysign_ xlogy_ fmod_ remainder_ floor_divide_ logical_and_ logical_or_ logical_xor_
    bitwise_and_ bitwise_or_ bitwise_xor_ bitwise_left_shift_ bitwise_right_shift_
    logical_not_ lerp_ addcmul_ addcdiv_ __iadd__ __isub__ __imul__ __itruediv__ __ifloordiv__
    __imod__ __ipow__ __iand__ __ior__ __ixor__ __ilshift__ __irshift__"""

for _k in " ".join((UNARY, NARY, INPLACE)).split():
    RULES[_k] = _elementwise(_k)
for _k in ACTIVATIONS.split():
    RULES["F." + _k] = _elementwise("F." + _k)


def _where(lvl: Level, args: tuple, kwargs: dict) -> Any:
    if len(args) + len(kwargs) < 3:
        return NotImplemented   # where(cond): data-dependent shape
    return _elementwise("where")(lvl, args, kwargs)


RULES["where"] = _where


def _masked_fill(key: str) -> Any:
    """masked_fill with a batched value tensor: ``where(mask, value, x)`` (in place: copied)."""
    plain = _elementwise(key)

    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        x, mask = args[0], args[1] if len(args) > 1 else kwargs["mask"]
        value = args[2] if len(args) > 2 else kwargs.get("value")
        if not is_batched(value, lvl):
            return plain(lvl, args, kwargs)
        out = D("where")(mask, value, x)
        return D("copy_")(x, out) if key.endswith("_") else out
    return rule


def _fill_(lvl: Level, args: tuple, kwargs: dict) -> Any:
    x, value = args[0], args[1] if len(args) > 1 else kwargs["value"]
    if not is_batched(value, lvl):
        return _elementwise("fill_")(lvl, args, kwargs)
    if not is_batched(x, lvl):
        return NotImplemented
    return D("copy_")(x, value)


RULES["masked_fill"] = _masked_fill("masked_fill")
RULES["masked_fill_"] = _masked_fill("masked_fill_")
RULES["fill_"] = _fill_


# ---- reductions and other ops along a dim --------------------------------------------------

_VALUES = {"max", "min", "median", "nanmedian"}   # without dim: a tensor; with dim: (values, idx)
_FLAT_AS = {"max": "amax", "min": "amin"}


def _along(key: str, pos: int = 1, default: Any = None, flat: bool = True,
           names: tuple = ("dim", "axis")) -> Any:
    """An op with one `dim` argument (at `pos`): dims shift by one; dim=None (all dims) runs
    on the batch flattened to (B, -1) when `flat`."""
    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        x = args[0]
        if not is_batched(x, lvl) or any_batched(args[1:], lvl) or any_batched(
                kwargs.values(), lvl):
            return NotImplemented
        d, where = get(args, kwargs, pos, names, default)
        if isinstance(d, (Tensor, bool)) or (d is not None and not isinstance(d, (int, tuple,
                                                                                 list))):
            return NotImplemented   # max(x, other), std(x, unbiased), named dims ...
        r = x.dim()
        p = x._phys
        a, kw = list(args), dict(kwargs)
        a[0] = p
        if d is None:
            if not flat:
                return NotImplemented
            keep, kwhere = get(a, kw, pos + 1, ("keepdim", "keepdims"), False)
            if kwhere is not None:
                put(a, kw, kwhere, "keepdim", False)
            put(a, kw, where, "dim", 1)
            a[0] = D("reshape")(p, (p.shape[0], -1))
            out = D(_FLAT_AS.get(key, key))(*a, **kw)
            if key in ("median", "nanmedian"):
                out = out[0]
            if keep:
                out = D("reshape")(out, (p.shape[0],) + (1,) * r)
            return wrap_out(out, lvl)
        if r == 0:
            return NotImplemented
        if isinstance(d, (tuple, list)):
            nd = tuple(pdim(i, r) for i in d)
        else:
            nd = pdim(d, r)
        put(a, kw, where, "dim", nd)
        return wrap_out(D(key)(*a, **kw), lvl)
    return rule


for _k in """sum mean prod amax amin argmax argmin all any count_nonzero nansum nanmean
        logsumexp std var std_mean var_mean median nanmedian max min""".split():
    RULES[_k] = _along(_k)
for _k in "cumsum cumprod cummax cummin logcumsumexp softmax log_softmax".split():
    RULES[_k] = _along(_k, flat=False)
RULES["norm"] = _along("norm", pos=2)
RULES["Tensor.norm"] = _along("Tensor.norm", pos=2)
for _k in ("sort", "argsort"):
    RULES[_k] = _along(_k, default=-1, flat=False)
for _k in ("topk", "kthvalue"):
    RULES[_k] = _along(_k, pos=2, default=-1, flat=False)
RULES["mode"] = _along("mode", default=-1, flat=False)


def _softmax(key: str) -> Any:
    inner = _along(key, flat=False)

    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        d, _ = get(args, kwargs, 1, ("dim",))
        if d is None and is_batched(args[0], lvl):   # PyTorch's implicit (deprecated) dim
            from ..nn.functional_act import _softmax_dim
            kwargs = {**kwargs, "dim": _softmax_dim(key.rsplit(".", 1)[-1], args[0].dim(), 4)}
            args = args[:1]
        return inner(lvl, args, kwargs)
    return rule


for _k in ("softmax", "log_softmax", "softmin"):
    RULES["F." + _k] = _softmax("F." + _k)


# ---- shape ops ----------------------------------------------------------------------------

def _sizes(args: tuple, kwargs: dict, name: str) -> tuple:
    if name in kwargs:
        return tuple(kwargs[name])
    rest = args[1:]
    if len(rest) == 1 and isinstance(rest[0], (tuple, list)):
        return tuple(rest[0])
    return tuple(rest)


def _unary_batched(fn: Any) -> Any:
    """A rule for an op whose only batched argument is its first."""
    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        x = args[0]
        if not is_batched(x, lvl) or any_batched(args[1:], lvl) or any_batched(
                kwargs.values(), lvl):
            return NotImplemented
        return fn(lvl, x, x._phys, x.dim(), args[1:], kwargs)
    return rule


def _reshape(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    shape = _sizes((x, *rest), kw, "shape")
    if any(not isinstance(s, int) for s in shape):
        return NotImplemented   # view(dtype) and other overloads
    return wrap(D("reshape")(p, (p.shape[0], *shape)), lvl)


def _expand(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    sizes = _sizes((x, *rest), kw, "size")
    p = pad(p, len(sizes) - r)
    return wrap(D("expand")(p, (p.shape[0], *sizes)), lvl)


def _as(target: Any) -> Any:
    """expand_as/view_as/reshape_as: the other tensor only gives a (logical) shape."""
    def rule(lvl: Level, args: tuple, kwargs: dict) -> Any:
        x = args[0]
        other = args[1] if len(args) > 1 else kwargs["other"]
        if not is_batched(x, lvl):
            return NotImplemented
        return target(lvl, x, x._phys, x.dim(), (tuple(other.shape),), {})
    return rule


def _flatten(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    s, _ = get((x, *rest), kw, 1, ("start_dim",), 0)
    e, _ = get((x, *rest), kw, 2, ("end_dim",), -1)
    if r == 0:
        return wrap(D("reshape")(p, (p.shape[0], 1)), lvl)
    return wrap(D("flatten")(p, pdim(s, r), pdim(e, r)), lvl)


def _squeeze(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    d, _ = get((x, *rest), kw, 1, ("dim",))
    shape = tuple(x.shape)
    if d is None:
        dims = tuple(i + 1 for i in range(r) if shape[i] == 1)
    elif r == 0:
        if isinstance(d, int):
            ldim(d, 0)
        return wrap(D("view_as")(p, p), lvl)
    else:
        ds = d if isinstance(d, (tuple, list)) else (d,)
        dims = tuple(pdim(i, r) for i in ds if shape[ldim(i, r)] == 1)
    if not dims:
        return wrap(D("view_as")(p, p), lvl)
    return wrap(D("squeeze")(p, dims), lvl)


def _unsqueeze(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    d, _ = get((x, *rest), kw, 1, ("dim",))
    return wrap(D("unsqueeze")(p, ldim(d, r + 1) + 1), lvl)


def _transpose(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    d0, _ = get((x, *rest), kw, 1, ("dim0", "axis0"))
    d1, _ = get((x, *rest), kw, 2, ("dim1", "axis1"))
    if r == 0:
        for d in (d0, d1):
            ldim(d, 0)
        return wrap(D("view_as")(p, p), lvl)
    return wrap(D("transpose")(p, pdim(d0, r), pdim(d1, r)), lvl)


def _t(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    if r > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {r}D")
    return wrap(D("transpose")(p, 1, 2) if r == 2 else D("view_as")(p, p), lvl)


def _big_t(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    return wrap(D("permute")(p, (0, *range(r, 0, -1))), lvl)


def _mt(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    if r < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {r}-D tensor.")
    return wrap(D("transpose")(p, -2, -1), lvl)


def _permute(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    dims = _sizes((x, *rest), kw, "dims")
    return wrap(D("permute")(p, (0, *(pdim(d, r) for d in dims))), lvl)


def _movedim(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    s, _ = get((x, *rest), kw, 1, ("source",))
    t, _ = get((x, *rest), kw, 2, ("destination",))

    def sh(v: Any) -> Any:
        return tuple(pdim(i, r) for i in v) if isinstance(v, (tuple, list)) else pdim(v, r)
    return wrap(D("movedim")(p, sh(s), sh(t)), lvl)


def _flip(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    dims = _sizes((x, *rest), kw, "dims")
    return wrap(D("flip")(p, tuple(pdim(d, r) for d in dims)), lvl)


def _select(key: str) -> Any:
    """select/narrow/split/chunk/unbind/unflatten/unfold/diagonal...: ops whose dim argument is
    at position 1 (first after the tensor), except `diagonal` (dims at 2 and 3)."""
    def fn(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
        a, k = [x, *rest], dict(kw)
        a[0] = p
        if r == 0:
            return NotImplemented
        for pos, names, dflt in _DIMARGS[key]:
            d, where = get(a, k, pos, names, dflt)
            if d is None:
                return NotImplemented
            put(a, k, where, names[0], pdim(d, r))
        return wrap_out(D(key)(*a, **k), lvl)
    return fn


_DIMARGS = {
    "select": [(1, ("dim",), None)], "narrow": [(1, ("dim",), None)],
    "narrow_copy": [(1, ("dim",), None)], "unflatten": [(1, ("dim",), None)],
    "unfold": [(1, ("dimension",), None)],
    "split": [(2, ("dim",), 0)], "split_with_sizes": [(2, ("dim",), 0)],
    "chunk": [(2, ("dim",), 0)], "tensor_split": [(2, ("dim",), 0)],
    "unbind": [(1, ("dim",), 0)],
    "diagonal": [(2, ("dim1",), 0), (3, ("dim2",), 1)],
    "index_select": [(1, ("dim",), None)],
}


def _roll(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    shifts, _ = get((x, *rest), kw, 1, ("shifts",))
    dims, _ = get((x, *rest), kw, 2, ("dims",))
    if dims is None:
        flat = D("reshape")(p, (p.shape[0], -1))
        return wrap(D("reshape")(D("roll")(flat, shifts, 1), tuple(p.shape)), lvl)
    dims = tuple(pdim(d, r) for d in dims) if isinstance(dims, (tuple, list)) else pdim(dims, r)
    return wrap(D("roll")(p, shifts, dims), lvl)


def _repeat(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    sizes = _sizes((x, *rest), kw, "repeats")
    if len(sizes) < r:
        return NotImplemented   # PyTorch's error comes from the loop
    return wrap(D("repeat")(pad(p, len(sizes) - r), (1, *sizes)), lvl)


def _tile(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    dims = _sizes((x, *rest), kw, "dims")
    dims = (1,) * (r - len(dims)) + tuple(dims)
    return _repeat(lvl, x, p, r, (dims,), {})


def _direct(key: str) -> Any:
    """Ops on the last dims only (tril, triu, ...): the batch dim is just one more leading dim."""
    def fn(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
        return wrap_out(D(key)(p, *rest, **kw), lvl)
    return fn


def _ravel(lvl: Level, x: Any, p: Any, r: int, rest: tuple, kw: dict) -> Any:
    return wrap(D("reshape")(p, (p.shape[0], -1)), lvl)


RULES["expand_as"] = _as(_expand)
RULES["view_as"] = RULES["reshape_as"] = _as(_reshape)
for _k, _f in {"reshape": _reshape, "view": _reshape, "expand": _expand,
               "broadcast_to": _expand, "flatten": _flatten, "squeeze": _squeeze,
               "unsqueeze": _unsqueeze, "transpose": _transpose, "swapaxes": _transpose,
               "swapdims": _transpose, "t": _t, "T": _big_t, "mT": _mt, "permute": _permute,
               "movedim": _movedim, "moveaxis": _movedim, "flip": _flip, "roll": _roll,
               "repeat": _repeat, "tile": _tile, "ravel": _ravel, "tril": _direct("tril"),
               "triu": _direct("triu")}.items():
    RULES[_k] = _unary_batched(_f)
for _k in _DIMARGS:
    RULES[_k] = _unary_batched(_select(_k))
