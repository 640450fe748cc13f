"""The op-table machinery: ``defop`` turns a NumPy forward and one backward rule per input
into a feathergrad op and its graph node class.

A rule is ``rule(g, out, *args) -> gradient for its input``: `g` is the gradient of the output,
`out` the forward result, `args` the op's arguments. On the first-order path these are NumPy
arrays; with ``create_graph=True`` they are Tensors and the rule's own ops are recorded, so every
rule must be written in operations that both support (operators, methods, ``np.*`` functions that
Tensor implements through ``__array_ufunc__``/``__array_function__``).

Rules never undo broadcasting or type promotion: ``OpNode.apply`` does that, once, for all ops.
Only values a rule reads are saved (found by reading its bytecode), so ``add`` saves nothing and
``exp`` saves only its output.
"""

from __future__ import annotations

import dis
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _dtype
from .._broadcast import sum_to
from ..autograd import engine as _engine
from ..autograd.grad_mode import _state
from ..autograd.graph import _FREED, Node, _seq
from ..tensor import Tensor

ndarray = np.ndarray
_make = Tensor._make
_default = _dtype._default
_vmap_hook: list = [None]   # set while feathergrad.func.vmap runs (see func/_batched.py)
OPS: dict[str, type] = {}       # node name -> node class: the op table
HANDLED: dict[Any, Callable] = {}  # NumPy ufunc/function -> feathergrad op


class OpNode(Node):
    """The node of a built-in op. Class attributes (set by `defop`): `_rules`, one rule per
    differentiable input; `_argpos`, where each input stands in the argument list."""

    __slots__ = ("_bc",)
    _rules: tuple = ()
    _argpos: tuple = ()
    _scalar_ok = False   # rules may receive 0-d values as NumPy scalars (elementwise rules)

    def apply(self, g: Any, create_graph: bool) -> tuple:
        saved = self._saved
        if saved is _FREED:
            raise _freed_error(self)
        args, out, vers = saved
        if vers:
            _check_versions(self, vers)
        if create_graph:
            if out is not None:
                out = _make(out, self)
        else:
            args = [a._data if type(a) is Tensor else a for a in args]
            if type(g) is not ndarray:
                g = np.asarray(g)   # a NumPy scalar from an elementwise rule: rules here index g
        res = []
        for e, rule in zip(self.next_functions, self._rules):
            res.append(None if e[0] is None else rule(g, out, *args))
        bc = self._bc
        if bc is not None:
            for i, meta in enumerate(bc):
                r = res[i]
                if meta is not None and r is not None:
                    res[i] = _fit(r, meta[0], meta[1], create_graph)
        return res

    def _release(self) -> None:
        saved = self._saved
        if saved is not _FREED and (saved[2] or saved[1] is not None):
            self._saved = _FREED   # tensors were saved (saved[2] holds their versions)


def times(fresh: Any, g: Any) -> Any:
    """``fresh * g`` in a rule, where `fresh` is a temporary the rule just made: multiplied in
    place for large arrays (no new allocation: a new large array costs about a pass over
    memory in page faults)."""
    if (type(fresh) is ndarray and type(g) is ndarray and fresh.size > 65536
            and fresh.shape == g.shape and fresh.dtype == g.dtype and fresh.flags.writeable):
        return np.multiply(fresh, g, out=fresh)
    return fresh * g


def scale(g: Any, a: Any) -> Any:
    """``g * a`` in a rule; when `g` is a broadcast 1 (the gradient of ``.sum()``) it returns a
    view of `a` without a pass over memory. Views are never stolen by a leaf's ``.grad``."""
    if type(g) is ndarray and g.size > 1024 and not any(g.strides) and g.flat[0] == 1:
        if type(a) is ndarray and a.shape == g.shape and a.dtype == g.dtype:
            v = a.view()
            v.flags.writeable = False   # it is a forward value: nobody may write into it
            return v
        if type(a) is float or type(a) is int:
            return np.broadcast_to(np.asarray(a, dtype=g.dtype), g.shape)
    return g * a


def _fit(r: Any, shape: tuple, npdt: np.dtype, create_graph: bool) -> Any:
    """Bring a gradient to its input's shape (undo broadcasting) and dtype (undo promotion)."""
    if r.shape != shape:
        r = sum_to(r, shape)
    if create_graph:
        if r._data.dtype != npdt:
            r = r.to(_dtype.from_np(npdt))
    elif r.dtype != npdt:
        r = r.astype(npdt)
    return r


def _freed_error(node: Node) -> RuntimeError:
    return RuntimeError(
        "Trying to backward through the graph a second time (or directly access saved tensors "
        "after they have already been freed). Saved intermediate values of the graph are freed "
        "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
        "backward through the graph a second time or if you need to access saved tensors after "
        f"calling backward.\nfeathergrad: the values saved by {node.name()} were freed by an "
        "earlier backward. Pass retain_graph=True to that first backward if you really need "
        "two passes over the same graph (e.g. two losses sharing a trunk); if the inputs "
        "changed, recompute the forward pass instead.")


def _check_versions(node: Node, vers: Any) -> None:
    """Refuse to backpropagate through a saved value changed in place since it was saved.

    `vers` is flat, ``(counter, version, counter, version, ...)`` (the hot paths: no per-entry
    tuples for the garbage collector to scan), or a sequence of ``(counter, version, (shape,
    dtype))`` entries."""
    if type(vers[0]) is list:
        for k in range(0, len(vers), 2):
            vc = vers[k]
            if vc[0] != vers[k + 1]:
                _version_error(node, vc, vers[k + 1], _describe(node, vc))
        return
    for vc, v, desc in vers:
        if vc[0] != v:
            _version_error(node, vc, v, desc)


def _describe(node: Node, vc: list) -> tuple:
    """(shape, dtype) of the saved value that owns version counter `vc` (for the error)."""
    saved = node._saved
    for item in (saved[0] if type(saved[0]) is list else saved):
        if type(item) is Tensor and item._vc is vc:
            return item._data.shape, item._data.dtype
    for item in saved:
        if type(item) is ndarray:
            return item.shape, item.dtype
    return (), np.dtype(np.float32)


def _version_error(node: Node, vc: list, v: int, desc: tuple) -> None:
    shape, dt = desc
    where = vc[1]
    at = f" The in-place operation that changed it was at {where}." if where else ""
    producer = vc[2] if len(vc) > 2 else None
    of = f", which is output 0 of {producer}," if producer else ""
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{_type_name(dt)} {list(shape)}]{of} is at version "
        f"{vc[0]}; expected version {v} instead. Hint: enable anomaly detection to find "
        "the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False)." +
        f"\nfeathergrad: the tensor of shape {tuple(shape)} and dtype {dt} saved by "
        f"{node.name()} was modified in place after it was saved.{at} Use an "
        "out-of-place op (e.g. y = y + 1 instead of y += 1) or .clone() it first.")


def _type_name(npdt: np.dtype) -> str:
    return {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
            "float16": "torch.HalfTensor", "int64": "torch.LongTensor",
            "int32": "torch.IntTensor", "bool": "torch.BoolTensor"}.get(str(npdt), str(npdt))


_LOAD_FAST = {dis.opmap[n] for n in ("LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR")
              if n in dis.opmap}
_LOAD_FAST2 = dis.opmap.get("LOAD_FAST_LOAD_FAST", -1)   # Python 3.13: two 4-bit indices
_EXTENDED = dis.opmap["EXTENDED_ARG"]


def _used_params(fn: Callable) -> set[str]:
    """The parameter names a rule actually reads (so the forward saves only those).

    Scans the raw bytecode (word code) for LOAD_FAST: at import time this runs for every op, and
    ``dis.get_instructions`` would cost tens of milliseconds of import time.
    """
    code = fn.__code__
    names = set(code.co_cellvars)
    raw = code.co_code
    varnames = code.co_varnames
    for k in range(0, len(raw), 2):
        op = raw[k]
        if op in _LOAD_FAST:
            if k and raw[k - 2] == _EXTENDED:   # more than 256 locals: let dis decode it
                return _used_params_dis(fn)
            names.add(varnames[raw[k + 1]])
        elif op == _LOAD_FAST2:
            a = raw[k + 1]
            names.add(varnames[a >> 4])
            names.add(varnames[a & 15])
    for c in code.co_consts:   # nested lambdas read closure cells of the rule
        if hasattr(c, "co_freevars"):
            names.update(c.co_freevars)
    return names


def _used_params_dis(fn: Callable) -> set[str]:
    code = fn.__code__
    names = set(code.co_cellvars)
    for ins in dis.get_instructions(code):
        if ins.opname.startswith("LOAD_FAST") or ins.opname == "LOAD_DEREF":
            v = ins.argval
            names.update(v if isinstance(v, tuple) else (v,))
    for c in code.co_consts:
        if hasattr(c, "co_freevars"):
            names.update(c.co_freevars)
    return names

def _new_node_class(name: str, params: tuple[str, ...], rules: dict[str, Callable],
                    key: str | None = None, base: type | None = None) -> type:
    argpos = tuple(params.index(p) for p in rules)
    cls = type(name, (base or OpNode,), {"__slots__": (), "_rules": tuple(rules.values()),
                                 "_argpos": argpos, "__module__": "feathergrad.ops"})
    uses = [_used_params(r) for r in rules.values()]
    used: set[str] = set().union(*uses)
    cls._save_out = "out" in used
    cls._save = tuple(p in used for p in params)
    cls._uses = tuple(frozenset(u) for u in uses)   # what each rule reads
    OPS[key or name] = cls
    return cls


def _record(cls: type, args: tuple, out: ndarray, tensors: tuple) -> Node:
    """Build the node of one op call. `tensors` are the differentiable inputs (Tensor or not)."""
    node = cls()
    nf = []
    bc = None
    oshape, odt = out.shape, out.dtype
    for i, t in enumerate(tensors):
        if type(t) is Tensor and t._requires_grad:
            nf.append(t._edge())
            d = t._data
            if d.shape != oshape or d.dtype is not odt:
                if bc is None:
                    bc = [None] * len(tensors)
                bc[i] = (d.shape, d.dtype)
        else:
            nf.append((None, 0))
    node.next_functions = tuple(nf)
    node._bc = bc
    save = cls._save
    vers = []
    sargs = []
    for a, s in zip(args, save):
        if not s:
            sargs.append(None)
            continue
        if type(a) is Tensor:
            if a._x is not None and a._x.inference:
                raise _inference_saved()
            vc = a._vc
            vers.append((vc, vc[0], (a._data.shape, a._data.dtype)))
        sargs.append(a)
    node._saved = (sargs, out if cls._save_out else None, vers)
    if _engine._anomaly[0]:
        _remember_forward(node)
    return node


def _remember_forward(node: Node) -> None:
    """Anomaly mode: keep the traceback of the forward call that created `node`."""
    import traceback
    stack = traceback.format_stack()
    while stack and _PKG_DIR in stack[-1]:
        stack.pop()
    node._x().anomaly = stack


def _result(out: Any, node: Node | None) -> Tensor:
    if type(out) is not ndarray:
        out = np.asarray(out)
    return _make(out, node)


# ---- op factories ------------------------------------------------------------------

def _params_of(rules: dict[str, Callable]) -> tuple[str, ...]:
    r = next(iter(rules.values()))
    c = r.__code__
    return c.co_varnames[2:c.co_argcount]


# NOTE: the op bodies of unary, unary_p and binary below are written out in full on purpose:
# they are the hot path of every op, and a shared node-building helper costs a call per op
# (measured: ~5% of a scalar op).
class UnaryNode(OpNode):
    """Node of a one-input op: ``_saved = (x or None, out or None, versions)``."""

    __slots__ = ()
    __init__ = object.__init__   # the op fills every slot itself (hot path)

    def apply(self, g: Any, create_graph: bool) -> tuple:
        saved = self._saved
        if saved is _FREED:
            raise _freed_error(self)
        x, out, vers = saved
        if vers:
            _check_versions(self, vers)
        if create_graph:
            if out is not None:
                out = _make(out, self)
        else:
            if x is not None:
                x = x._data
            if self._scalar_ok and type(g) is ndarray and not g.ndim:
                # NOTE: 0-d values go through the rule as NumPy scalars: ~5x cheaper arithmetic
                g = g[()]
                if x is not None:
                    x = x[()]
                if out is not None:
                    out = out[()]
        r = self._rule(g, out, x)
        bc = self._bc
        if bc is not None:
            r = _fit(r, bc[0][0], bc[0][1], create_graph)
        return (r,)

    def _release(self) -> None:
        saved = self._saved
        if saved is not _FREED and (saved[2] or saved[1] is not None):
            self._saved = _FREED


def unary(name: str, fwd: Callable, node: str, float_op: bool = True,
          rule: Callable | None = None, scalar_ok: bool | None = None) -> Callable:
    """An op of one tensor:
    ``unary("exp", np.exp, "ExpBackward0", rule=lambda g, out, x: g * out)``."""
    cls = None
    if rule is not None:
        cls = _new_node_class(node, ("x",), {"x": rule}, name, base=UnaryNode)
        cls._rule = staticmethod(rule)
        cls._scalar_ok = scalar_ok if scalar_ok is not None else isinstance(fwd, np.ufunc)
    save_x = cls._save[0] if cls else False
    save_out = cls._save_out if cls else False
    seq = _seq
    ufunc = isinstance(fwd, np.ufunc)

    def op(input: Any) -> Tensor:
        if type(input) is not Tensor:
            if _vmap_hook[0] is not None and isinstance(input, Tensor):
                return _vmap_hook[0](op, input)   # a batched tensor of feathergrad.func.vmap
            input = _as_tensor_arg(input, name)
        d = input._data
        if float_op and d.dtype.kind not in "fc":
            d = d.astype(_default[0].np)
        out = fwd(d[()]) if ufunc and not d.ndim else fwd(d)
        if type(out) is not ndarray:
            out = np.asarray(out)
        if input._requires_grad and _state.enabled:
            n = cls()
            n._seq = next(seq)
            n._ext = None
            n.next_functions = (input._edge(),)
            n._bc = None if out.dtype is d.dtype else ((d.shape, input._data.dtype),)
            t = _make(out, n)
            if save_x:
                if input._x is not None and input._x.inference:
                    raise _inference_saved()
                vc = input._vc
                # NOTE: the output's own later in-place changes are caught too
                vers = (vc, vc[0], t._vc, 0) if save_out else (vc, vc[0])
            else:
                vers = (t._vc, 0) if save_out else ()
            n._saved = (input if save_x else None, out if save_out else None, vers)
            if _engine._anomaly[0]:
                _remember_forward(n)
            return t
        if input._requires_grad:
            return _cut(out)
        if input._x is not None and input._x.cut is not None:
            return _cut(out, input._x.cut)
        return _make(out) if not _state.inference else _inference(out)

    op.__name__ = op.__qualname__ = name
    op._node = cls
    return op


def _inference_saved() -> RuntimeError:
    return RuntimeError(
        "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
        "inference mode in computation tracked by autograd. To work around this, you can make a "
        "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead "
        "of `torch.inference_mode()`.")


def _inference(out: ndarray) -> Tensor:
    """A result made under inference_mode: an inference tensor, refused by autograd later."""
    t = _make(out)
    t._ex().inference = True
    return t


def _cut(out: ndarray, why: str = "no_grad") -> Tensor:
    """A result whose graph was cut (grad mode off, or computed from detach()/.data), marked so
    that backward's error can say where."""
    t = _make(out)
    t._ex().cut = why
    return t


class ParamNode(OpNode):
    """Node of a one-tensor op with a constant parameter (``x ** 2``, ``clamp(x, lo, hi)``):
    ``_saved = (x or None, out or None, versions, param)``."""

    __slots__ = ()
    __init__ = object.__init__

    def apply(self, g: Any, create_graph: bool) -> tuple:
        saved = self._saved
        if saved is _FREED:
            raise _freed_error(self)
        x, out, vers, p = saved
        if vers:
            _check_versions(self, vers)
        if create_graph:
            if out is not None:
                out = _make(out, self)
        else:
            if x is not None:
                x = x._data
            if self._scalar_ok and type(g) is ndarray and not g.ndim:
                g = g[()]
                if x is not None:
                    x = x[()]
                if out is not None:
                    out = out[()]
        r = self._rule(g, out, x, p)
        bc = self._bc
        if bc is not None:
            r = _fit(r, bc[0][0], bc[0][1], create_graph)
        return (r,)

    def _release(self) -> None:
        saved = self._saved
        if saved is not _FREED and (saved[2] or saved[1] is not None):
            self._saved = _FREED


def unary_p(name: str, fwd: Callable, node: str, rule: Callable,
            scalar_ok: bool | None = None) -> Callable:
    """An op of one tensor and a constant: ``op(x, p)``, ``fwd(x, p)``, ``rule(g, out, x, p)``.
    The constant is passed to the rule as given (any Python value)."""
    cls = _new_node_class(node, ("x", "p"), {"x": rule}, name, base=ParamNode)
    cls._rule = staticmethod(rule)
    cls._scalar_ok = scalar_ok if scalar_ok is not None else isinstance(fwd, np.ufunc)
    save_x, _ = cls._save
    save_out = cls._save_out
    seq = _seq

    def op(input: Tensor, p: Any) -> Tensor:
        d = input._data
        out = fwd(d, p)
        if type(out) is not ndarray:
            out = np.asarray(out)
        if out.dtype is not d.dtype and d.dtype.kind == "f" and out.dtype.kind == "f":
            out = out.astype(d.dtype)   # NOTE: NumPy < 2 widens 0-d float32 ** Python numbers
        if input._requires_grad and _state.enabled:
            n = cls()
            n._seq = next(seq)
            n._ext = None
            n.next_functions = (input._edge(),)
            n._bc = None if out.dtype is d.dtype else ((d.shape, d.dtype),)
            t = _make(out, n)
            if save_x:
                if input._x is not None and input._x.inference:
                    raise _inference_saved()
                vc = input._vc
                vers = (vc, vc[0], t._vc, 0) if save_out else (vc, vc[0])
            else:
                vers = (t._vc, 0) if save_out else ()
            n._saved = (input if save_x else None, out if save_out else None, vers, p)
            if _engine._anomaly[0]:
                _remember_forward(n)
            return t
        if input._requires_grad:
            return _cut(out)
        if input._x is not None and input._x.cut is not None:
            return _cut(out, input._x.cut)
        return _make(out) if not _state.inference else _inference(out)

    op.__name__ = op.__qualname__ = name
    op._node = cls
    return op


class BinaryNode(OpNode):
    """Node of a two-operand op: ``_saved = (a or None, b or None, out or None, versions)``."""

    __slots__ = ()
    __init__ = object.__init__

    def apply(self, g: Any, create_graph: bool) -> list:
        saved = self._saved
        if saved is _FREED:
            raise _freed_error(self)
        a, b, out, vers = saved
        if vers:
            _check_versions(self, vers)
        if create_graph:
            if out is not None:
                out = _make(out, self)
        else:
            if type(a) is Tensor:
                a = a._data
            if type(b) is Tensor:
                b = b._data
            if self._scalar_ok and type(g) is ndarray and not g.ndim:
                g = g[()]
                if type(a) is ndarray and not a.ndim:
                    a = a[()]
                if type(b) is ndarray and not b.ndim:
                    b = b[()]
                if out is not None and not out.ndim:
                    out = out[()]
        nf = self.next_functions
        ra, rb = self._rules
        res = [None if nf[0][0] is None else ra(g, out, a, b),
               None if nf[1][0] is None else rb(g, out, a, b)]
        bc = self._bc
        if bc is not None:
            for i in (0, 1):
                meta = bc[i]
                if meta is not None and res[i] is not None:
                    res[i] = _fit(res[i], meta[0], meta[1], create_graph)
        return res

    def _release(self) -> None:
        saved = self._saved
        if saved is not _FREED and (saved[3] or saved[2] is not None):
            self._saved = _FREED


_NOEDGE = (None, 0)


def binary(name: str, fwd: Callable, node: str, a: Callable | None, b: Callable | None,
           kind: str = "arith", scalar_ok: bool | None = None) -> Callable:
    """An op of two operands (tensors or Python numbers) with PyTorch's type promotion.

    kind: "arith" keeps the promoted dtype, "float" makes integer results floating (true
    division), "cmp" gives bool and no gradient.
    """
    cls = None
    if a is not None:
        cls = _new_node_class(node, ("a", "b"), {"a": a, "b": b}, name, base=BinaryNode)
        cls._scalar_ok = scalar_ok if scalar_ok is not None else isinstance(fwd, np.ufunc)
    differentiable = cls is not None
    if differentiable:
        # NOTE: save an operand only if a rule that will run reads it (x * 2 saves nothing
        # about x, as in PyTorch)
        ua, ub = cls._uses
        a_by_a, a_by_b, b_by_a, b_by_b = "a" in ua, "a" in ub, "b" in ua, "b" in ub
        o_by_a, o_by_b = "out" in ua, "out" in ub
    seq = _seq
    keep_dtype = kind != "cmp" and isinstance(fwd, np.ufunc)

    def prep(input: Any, other: Any) -> tuple:
        """Operands in PyTorch's result dtype (the slow path: mixed dtypes, ints, ndarrays)."""
        ta = type(input) is Tensor
        tb = type(other) is Tensor
        if ta and tb:
            ad, bd = input._data, other._data
            if ad.dtype is not bd.dtype:
                rd = _dtype.result_np(input, other)
                ad, bd = ad.astype(rd, copy=False), bd.astype(rd, copy=False)
        elif ta:
            ad = input._data
            bd = other
            t = type(other)
            # NOTE: a Python float/int keeps a float tensor's dtype, an int keeps an int's
            if t is float or t is int:
                k = ad.dtype.kind
                fast = k == "f" or (t is int and (k == "i" or k == "u"))
            else:
                bd = _scalar(other, name)
                fast = False
            if not fast:
                if isinstance(bd, ndarray):
                    other = Tensor._make(bd)
                    tb = True
                rd = _dtype.result_np(input, other)
                ad = ad.astype(rd, copy=False)
                if tb:
                    bd = bd.astype(rd, copy=False)
        elif tb:
            ad, bd = _scalar(input, name), other._data
            if isinstance(ad, ndarray):
                input = Tensor._make(ad)
                ta = True
            rd = _dtype.result_np(input, other)
            bd = bd.astype(rd, copy=False)
            if ta:
                ad = ad.astype(rd, copy=False)
        else:
            raise TypeError(f"{name}(): expected at least one Tensor argument")
        if kind == "float" and (ad if isinstance(ad, ndarray) else bd).dtype.kind not in "fc":
            # both operands to the default float, so NumPy does not widen int32 + float32
            ad = np.asarray(ad, dtype=_default[0].np)
            bd = np.asarray(bd, dtype=ad.dtype)
        # NOTE: a Python int wraps into a narrow integer dtype, as in PyTorch (NumPy 2 raises)
        if type(bd) is int and ad.dtype.itemsize < 8 and ad.dtype.kind in "iu":
            bd = np.array(bd).astype(ad.dtype)
        elif type(ad) is int and bd.dtype.itemsize < 8 and bd.dtype.kind in "iu":
            ad = np.array(ad).astype(bd.dtype)
        return ad, bd, input, other, ta, tb

    def op(input: Any, other: Any) -> Tensor:
        if type(input) is Tensor:
            # fast paths: same-dtype tensors; a float tensor with a Python number
            ad = input._data
            t = type(other)
            if t is Tensor:
                bd = other._data
                if ad.dtype is bd.dtype and (kind != "float" or ad.dtype.kind == "f"):
                    ta = tb = True
                else:
                    ad, bd, input, other, ta, tb = prep(input, other)
            elif (t is float or t is int) and ad.dtype.kind == "f":
                bd = other
                ta, tb = True, False
            else:
                ad, bd, input, other, ta, tb = prep(input, other)
        else:
            ad, bd, input, other, ta, tb = prep(input, other)
        try:
            out = fwd(ad, bd)
        except ValueError:
            raise _broadcast_error(ad, bd) from None
        if type(out) is not ndarray:
            out = np.asarray(out)
        if keep_dtype:
            expect = ad.dtype if type(ad) is ndarray else bd.dtype
            if out.dtype is not expect and out.dtype.kind == "f" and expect.kind == "f":
                # NOTE: NumPy < 2 widens 0-d float32 with Python numbers (value-based casting)
                out = out.astype(expect)
        ra = ta and input._requires_grad
        rb = tb and other._requires_grad
        if (ra or rb) and differentiable and _state.enabled:
            n = cls()
            n._seq = next(seq)
            n._ext = None
            n.next_functions = (input._edge() if ra else _NOEDGE,
                                other._edge() if rb else _NOEDGE)
            oshape = out.shape
            odt = out.dtype
            bc = None
            if ra:
                d = input._data
                if d.shape != oshape or d.dtype is not odt:
                    bc = [(d.shape, d.dtype), None]
            if rb:
                d = other._data
                if d.shape != oshape or d.dtype is not odt:
                    if bc is None:
                        bc = [None, (d.shape, d.dtype)]
                    else:
                        bc[1] = (d.shape, d.dtype)
            n._bc = bc
            vers = ()
            sa = sb = None
            if (ra and a_by_a) or (rb and a_by_b):
                sa = input
                if ta:
                    if input._x is not None and input._x.inference:
                        raise _inference_saved()
                    vc = input._vc
                    vers = (vc, vc[0])
            if (ra and b_by_a) or (rb and b_by_b):
                sb = other
                if tb:
                    if other._x is not None and other._x.inference:
                        raise _inference_saved()
                    vc = other._vc
                    vers += (vc, vc[0])
            save_out = (ra and o_by_a) or (rb and o_by_b)
            t = _make(out, n)
            if save_out:
                vers += (t._vc, 0)
            n._saved = (sa, sb, out if save_out else None, vers)
            if _engine._anomaly[0]:
                _remember_forward(n)
            return t
        if ra or rb:
            return _cut(out)
        if ta and input._x is not None and input._x.cut is not None:
            return _cut(out, input._x.cut)
        if tb and other._x is not None and other._x.cut is not None:
            return _cut(out, other._x.cut)
        return _make(out) if not _state.inference else _inference(out)

    op.__name__ = op.__qualname__ = name
    op._node = cls
    return op


def defop(name: str, fwd: Callable, node: str, **rules: Callable) -> Callable:
    """A general op: ``fwd(*args)`` on arrays, a rule per differentiable argument (by name).

    The op is called with the same positional arguments as `fwd`; Tensors among them are
    unwrapped for the forward, and Python values (dims, flags, shapes) pass through to the rules.
    """
    params = _params_of(rules)
    cls = _new_node_class(node, params, rules, name)
    argpos = cls._argpos

    def op(*args: Any) -> Tensor:
        datas = [a._data if type(a) is Tensor else a for a in args]
        out = fwd(*datas)
        if type(out) is not ndarray:
            out = np.asarray(out)
        if _state.enabled:
            for i in argpos:
                t = args[i]
                if type(t) is Tensor and t._requires_grad:
                    node = _record(cls, args, out, tuple(args[j] for j in argpos))
                    res = _make(out, node)
                    if cls._save_out:
                        node._saved[2].append((res._vc, 0, (out.shape, out.dtype)))
                    return res
        else:
            for i in argpos:
                t = args[i]
                if type(t) is Tensor and t._requires_grad:
                    return _cut(out)
        return _make(out) if not _state.inference else _inference(out)

    op.__name__ = op.__qualname__ = name
    op._node = cls
    return op


def _broadcast_error(a: Any, b: Any) -> RuntimeError:
    sa, sb = np.shape(a), np.shape(b)
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(
                f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) at "
                f"non-singleton dimension {i}\nfeathergrad: shapes {tuple(sa)} and {tuple(sb)} "
                "do not broadcast; align them with reshape/unsqueeze (e.g. x[:, None]).")
    return RuntimeError(f"shapes {tuple(sa)} and {tuple(sb)} do not broadcast")


def _scalar(v: Any, opname: str) -> Any:
    t = type(v)
    if t is float or t is int or t is bool:
        return v
    if isinstance(v, (np.generic,)):
        return v.item() if v.dtype.kind in "biuf" else v
    if isinstance(v, ndarray):
        return v
    if isinstance(v, complex):
        return v
    raise TypeError(f"{opname}(): unsupported operand type {type(v).__name__}; expected a "
                    "Tensor or a Python number")


def _as_tensor_arg(v: Any, opname: str) -> Tensor:
    if isinstance(v, Tensor):
        return v
    if isinstance(v, (ndarray, np.generic)):
        return _make(np.asarray(v))
    raise TypeError(f"{opname}(): argument 'input' (position 1) must be Tensor, not "
                    f"{type(v).__name__}")


def method(*names: str) -> Callable:
    """Attach a function to Tensor under the given method names."""
    def deco(fn: Callable) -> Callable:
        for n in names:
            setattr(Tensor, n, fn)
        return fn
    return deco


def record_inplace_site(t: Tensor) -> None:
    """Bump the version of `t` (and its views) and remember where the in-place op was called."""
    vc = t._vc
    vc[0] += 1
    f = sys._getframe(2)
    while f is not None and f.f_code.co_filename.startswith(_PKG_DIR):
        f = f.f_back
    if f is not None:
        vc[1] = f"{f.f_code.co_filename}:{f.f_lineno}"


_PKG_DIR = __file__.rsplit("/ops/", 1)[0]
