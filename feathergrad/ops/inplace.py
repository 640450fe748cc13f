"""In-place ops: ``x.add_(y)``, ``x += y``, ``x[i] = v``, ...

Two paths. When no graph is recorded (``no_grad``, or nothing requires grad) the op writes into
the tensor's storage with NumPy's ``out=``: no allocation, as optimizers need. When a graph is
recorded, the out-of-place op computes the new value and its node; the value is copied into the
tensor's storage and the tensor's history is rebased onto that node. A view's in-place change
rebases its base instead, through a ``CopySlices`` node, as in PyTorch.

Every in-place op bumps the version counter shared by the tensor and its views, and remembers
where it was called, so a node that saved the old value refuses to backpropagate through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _dtype
from ..autograd.grad_mode import _state
from ..autograd.graph import _FREED, Node, _seq
from ..tensor import Tensor
from ._core import _freed_error, binary, defop, record_inplace_site

ndarray = np.ndarray

__all__: list[str] = []


def check_inplace(t: Tensor) -> None:
    """PyTorch refuses in-place ops on a leaf that requires grad (or a view of one) while grad
    mode is on."""
    if not _state.enabled:
        return
    if t._grad_fn is None and t._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.\nfeathergrad: wrap the update in `with torch.no_grad():` "
                           "(as optimizers do), or operate on x.detach() / x.data.")
    x = t._x
    if x is not None and x.base is not None:
        b = x.base
        if b._grad_fn is None and b._requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in "
                               "an in-place operation.")
    if x is not None and x.inference and not _state.inference:
        raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not "
                           "allowed.You can make a clone to get a normal tensor before doing "
                           "inplace update.See https://github.com/pytorch/rfcs/pull/17 for more "
                           "details.")


def _cast_check(result_dt: np.dtype, t: Tensor) -> None:
    """PyTorch refuses an in-place result that cannot be cast to the tensor's dtype."""
    d = t._data.dtype
    if result_dt != d and not _dtype.can_cast(_dtype.from_np(result_dt), _dtype.from_np(d)):
        raise RuntimeError(f"result type {_c_title(result_dt)} can't be cast to the desired "
                           f"output type {_c_title(d)}")


def _c_title(npdt: np.dtype) -> str:
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
            "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(str(npdt), str(npdt))


def _recording(t: Tensor, others: tuple) -> bool:
    if not _state.enabled:
        return False
    if t._requires_grad:
        return True
    return any(type(o) is Tensor and o._requires_grad for o in others)


def _old_value(t: Tensor) -> Tensor:
    """A copy of t's current value that keeps t's place in the graph (for rules that need the
    value before the in-place change)."""
    c = Tensor._make(t._data.copy(), t._grad_fn, t._requires_grad, t._output_nr)
    if t._grad_fn is None and t._requires_grad:
        c._x = t._x   # same leaf: share its gradient sink
    return c


def _apply_inplace(t: Tensor, op: Callable, *others: Any) -> Tensor:
    """Record ``t <- op(t, *others)`` in place."""
    check_inplace(t)
    cls = getattr(op, "_node", None)
    needs_old = cls is not None and cls._save and cls._save[0]
    src = _old_value(t) if needs_old and t._requires_grad else t
    r = op(src, *others)
    _cast_check(r._data.dtype, t)
    np.copyto(t._data, r._data, casting="unsafe")
    record_inplace_site(t)
    if r._grad_fn is not None:
        _rebase(t, r._grad_fn, r._output_nr)
        vc = t._vc   # PyTorch names the in-place op's node, without "Backward0", in errors
        name = r._grad_fn.name().replace("Backward0", "").replace("Backward1", "")
        if len(vc) < 3:
            vc.append(name)
        else:
            vc[2] = name
    return t


def _rebase(t: Tensor, node: Node, output_nr: int) -> None:
    """Make `node` the history of t's new value (through CopySlices if t is a view)."""
    x = t._x
    base = x.base if x is not None else None
    if base is None:
        t._grad_fn = node
        t._output_nr = output_nr
        t._requires_grad = True
        return
    idx = _view_index(t, base)
    cs = CopySlices()
    cs._seq = next(_seq)
    cs._ext = None
    cs.next_functions = (base._edge(),) + tuple(node.next_functions[1:])
    cs._saved = (node, idx, base._data.shape, base._data.dtype)
    base._grad_fn = cs
    base._output_nr = 0
    base._requires_grad = True
    vnode = _AsStridedBackward0()
    vnode._seq = next(_seq)
    vnode._ext = None
    vnode.next_functions = ((cs, 0),)
    vnode._saved = (idx, base._data.shape)
    t._grad_fn = vnode
    t._output_nr = 0
    t._requires_grad = True


def _view_index(t: Tensor, base: Tensor) -> ndarray:
    """Flat positions in `base` of each element of its view `t` (C-contiguous bases)."""
    b, v = base._data, t._data
    if not b.flags.c_contiguous:
        raise NotImplementedError(
            "feathergrad: in-place changes to a view of a non-contiguous tensor that requires "
            "grad are not supported; call .contiguous() (or .clone()) on the base first.")
    item = b.itemsize
    off = (v.__array_interface__["data"][0] - b.__array_interface__["data"][0]) // item
    strides = tuple(s // item for s in v.strides)
    ids = np.arange(b.size, dtype=np.int64)
    return np.lib.stride_tricks.as_strided(ids[off:], shape=v.shape,
                                           strides=tuple(s * 8 for s in strides)).copy()


def _take_fwd(g, idx, shape):
    return g.reshape(-1)[idx]


def _put_fwd_flat(v, idx, shape):
    z = np.zeros(int(np.prod(shape)), dtype=v.dtype)
    np.add.at(z, idx.reshape(-1), np.broadcast_to(v, idx.shape).reshape(-1))
    return z.reshape(shape)


# The view <-> base gradient maps, each the other's adjoint, so both stay differentiable.
def _take(g, idx, shape):
    return _take_fwd(g, idx, shape) if type(g) is ndarray else _take_flat(g, idx, shape)


def _put(v, idx, shape):
    return _put_fwd_flat(v, idx, shape) if type(v) is ndarray else _put_flat(v, idx, shape)


_take_flat = defop("view_region", _take_fwd, "AsStridedBackward0",
                   g=lambda gg, out, g, idx, shape: _put(gg, idx, shape))
_put_flat = defop("view_place", _put_fwd_flat, "AsStridedBackward0",
                  v=lambda gg, out, v, idx, shape: _take(gg, idx, shape))


class CopySlices(Node):
    """A base tensor's history after an in-place op on one of its views: the view's region of
    the gradient goes through the op's node; the rest flows to the base's old history."""

    __slots__ = ()
    __init__ = object.__init__

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    def apply(self, g: Any, create_graph: bool) -> list:
        saved = self._saved
        if saved is _FREED:
            raise _freed_error(self)
        node, idx, shape, npdt = saved
        if create_graph:
            region = _take_flat(g, idx, shape)
            res = node.apply(region, True)
            keep = np.ones(int(np.prod(shape)), dtype=npdt)
            keep[idx.reshape(-1)] = 0
            gb = g * keep.reshape(shape)
            if res[0] is not None:
                gb = gb + _put_flat(res[0], idx, shape)
            return [gb] + list(res[1:])
        gb = np.array(np.broadcast_to(g, shape), dtype=npdt)
        flat = gb.reshape(-1)
        res = node.apply(flat[idx], False)
        first = res[0]
        flat[idx] = 0 if first is None else first
        return [gb] + list(res[1:])

    def _release(self) -> None:
        node = self._saved[0] if self._saved is not _FREED else None
        if node is not None:
            node._release()


class _AsStridedBackward0(Node):
    """A view's history once its base was rebased: the view's gradient placed into the base."""

    __slots__ = ()
    __init__ = object.__init__

    def apply(self, g: Any, create_graph: bool) -> tuple:
        idx, shape = self._saved
        if create_graph:
            return (_put_flat(g, idx, shape),)
        return (_put_fwd_flat(g, idx, shape),)

    def _release(self) -> None:
        pass


_AsStridedBackward0.__name__ = _AsStridedBackward0.__qualname__ = "AsStridedBackward0"


# ---- the in-place methods -----------------------------------------------------------------
def _other(v: Any) -> Any:
    return v._data if type(v) is Tensor else v


def _fast(t: Tensor, ufunc: Any, *args: Any) -> Tensor:
    """Unrecorded in-place: NumPy writes straight into the storage."""
    check_inplace(t)
    d = t._data
    try:
        ufunc(d, *args, out=d, casting="same_kind")
    except TypeError as e:   # NumPy's casting error
        raise RuntimeError(f"result type can't be cast to the desired output type "
                           f"{_c_title(d.dtype)}: {e}") from None
    record_inplace_site(t)
    return t


def _binary_inplace(name: str, ufunc: Any, op: Callable) -> Callable:
    def method(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
        if alpha != 1:
            other = other * alpha
        if not _recording(self, (other,)):
            o = _other(other)
            res_dt = np.result_type(self._data, o) if isinstance(o, ndarray) else None
            if res_dt is not None and res_dt.kind in "fc" and self._data.dtype.kind in "biu":
                _cast_check(res_dt, self)
            if type(o) is float and self._data.dtype.kind in "biu":
                _cast_check(np.dtype(np.float32), self)
            if ufunc is np.true_divide and self._data.dtype.kind in "biu":
                _cast_check(np.dtype(np.float32), self)
            return _fast(self, ufunc, o)
        return _apply_inplace(self, op, other)
    method.__name__ = name
    return method


def _unary_inplace(name: str, op: Callable, ufunc: Any = None) -> Callable:
    def method(self: Tensor) -> Tensor:
        if ufunc is not None and not _recording(self, ()):
            if self._data.dtype.kind not in "fc":
                _cast_check(np.dtype(np.float32), self)
            return _fast(self, ufunc)
        return _apply_inplace(self, op)
    method.__name__ = name
    return method


def _install() -> None:
    from . import elementwise as E
    T = Tensor
    T.add_ = T.__iadd__ = _binary_inplace("add_", np.add, E._add)
    T.sub_ = T.__isub__ = _binary_inplace("sub_", np.subtract, E._sub)
    T.mul_ = T.__imul__ = _binary_inplace("mul_", np.multiply, E.mul)
    T.div_ = T.__itruediv__ = _binary_inplace("div_", np.true_divide, E.div)
    T.pow_ = T.__ipow__ = _binary_inplace("pow_", np.power, E.pow)
    T.exp_ = _unary_inplace("exp_", E.exp, np.exp)
    T.relu_ = _unary_inplace("relu_", E.relu)
    T.sigmoid_ = _unary_inplace("sigmoid_", E.sigmoid)
    T.tanh_ = _unary_inplace("tanh_", E.tanh, np.tanh)
    T.neg_ = _unary_inplace("neg_", E.neg, np.negative)
    T.abs_ = _unary_inplace("abs_", E.abs, np.absolute)
    T.sqrt_ = _unary_inplace("sqrt_", E.sqrt, np.sqrt)
    T.log_ = _unary_inplace("log_", E.log, np.log)
    T.sin_ = _unary_inplace("sin_", E.sin, np.sin)
    T.cos_ = _unary_inplace("cos_", E.cos, np.cos)
    T.reciprocal_ = _unary_inplace("reciprocal_", E.reciprocal, np.reciprocal)

    def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        if not _recording(self, (min, max)) and type(min) is not Tensor and type(max) is not Tensor:
            if min is None and max is None:
                raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
            check_inplace(self)
            np.clip(self._data, min, max, out=self._data)
            record_inplace_site(self)
            return self
        return _apply_inplace(self, lambda x, lo, hi: E.clamp(x, lo, hi), min, max)
    T.clamp_ = T.clip_ = clamp_
    T.clamp_min_ = lambda self, min: clamp_(self, min, None)
    T.clamp_max_ = lambda self, max: clamp_(self, None, max)
    T.fill_ = fill_
    T.zero_ = zero_
    T.copy_ = copy_
    T.masked_fill_ = masked_fill_
    T.index_add_ = index_add_
    T.__setitem__ = setitem


# ---- fill_, zero_, copy_ ------------------------------------------------------------------
_fill = defop("fill", lambda x, v: np.full_like(x, v), "FillBackward0",
              x=lambda g, out, x, v: g * 0)
_fill_t = binary("fill_tensor", lambda x, v: np.broadcast_to(v, x.shape).astype(x.dtype),
                 "FillBackward1", a=lambda g, out, a, b: g * 0,
                 b=lambda g, out, a, b: g.sum())


def fill_(self: Tensor, value: Any) -> Tensor:
    """Fill with `value` (a number or a 0-d tensor) in place."""
    if type(value) is Tensor and value._data.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value._data.ndim} dimensions.")
    if not _recording(self, (value,)):
        check_inplace(self)
        self._data[...] = _other(value)
        record_inplace_site(self)
        return self
    if type(value) is Tensor:
        return _apply_inplace(self, _fill_t, value)
    return _apply_inplace(self, _fill, value)


def zero_(self: Tensor) -> Tensor:
    """Fill with zeros in place."""
    return fill_(self, 0)


def _copy_fwd(x, src):
    return np.broadcast_to(src, x.shape).astype(x.dtype)


def _copy_src_grad(g, out, x, src, src_shape):
    return g


_copy = defop("copy", lambda x, src, shape: _copy_fwd(x, src), "CopyBackwards",
              x=lambda g, out, x, src, shape: g * 0,
              src=lambda g, out, x, src, shape: g)


def copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """Copy `src` (broadcast, cast) into this tensor in place; the gradient flows to `src`."""
    s = src._data if type(src) is Tensor else np.asarray(src)
    try:
        np.broadcast_to(s, self._data.shape)
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({self._data.shape[-1] if self._data.ndim else 1}"
                           f") must match the size of tensor b ({s.shape[-1] if s.ndim else 1}) "
                           "at non-singleton dimension") from None
    if not _recording(self, (src,)):
        check_inplace(self)
        np.copyto(self._data, s, casting="unsafe")
        record_inplace_site(self)
        return self
    if type(src) is not Tensor:
        src = Tensor._make(s)
    if src._data.dtype != self._data.dtype:
        src = src.to(self.dtype)
    return _apply_inplace(self, _copy, src, s.shape)


# ---- masked_fill_, index_add_ (the out-of-place ops live in index.py / scatter.py) -----------
def _mask(mask: Any) -> ndarray:
    m = mask._data if type(mask) is Tensor else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_dtype.from_np(m.dtype).name.replace('int64', 'long int')}")
    return m


def masked_fill_(self: Tensor, mask: Any, value: Any) -> Tensor:
    from .index import masked_fill
    m = _mask(mask)
    if not _recording(self, (value,)):
        check_inplace(self)
        self._data[np.broadcast_to(m, self._data.shape)] = _other(value)
        record_inplace_site(self)
        return self
    return _apply_inplace(self, masked_fill, Tensor._make(m), value)


def index_add_(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    from .scatter import index_add
    if not _recording(self, (source,)):
        check_inplace(self)
        r = index_add(self, dim, index, source, alpha=alpha)
        np.copyto(self._data, r._data)
        record_inplace_site(self)
        return self
    return _apply_inplace(self, lambda x, s: index_add(x, dim, index, s, alpha=alpha), source)


# ---- __setitem__ ----------------------------------------------------------------------------
def _put_fwd(x, index, v):
    out = x.copy()
    out[index] = v
    return out


def _put_v_grad(g, out, x, index, v, vshape):
    return g[index]


_index_put = defop("index_put", lambda x, index, v, vshape: _put_fwd(x, index, v),
                   "IndexPutBackward0",
                   x=lambda g, out, x, index, v, vshape: _zero_at(g, index),
                   v=lambda g, out, x, index, v, vshape: g[index])


def _zero_at(g: Any, index: Any) -> Any:
    if type(g) is ndarray:
        z = g.copy()
        z[index] = 0
        return z
    return _zero_at_op(g, index)


_zero_at_op = defop("index_put_zero", lambda g, index: _zero_at(g, index), "IndexPutBackward0",
                    g=lambda gg, out, g, index: _zero_at(gg, index))


def _norm_index(index: Any) -> Any:
    if type(index) is Tensor:
        return index._data
    if type(index) is tuple:
        return tuple(i._data if type(i) is Tensor else i for i in index)
    if type(index) is list:
        return np.asarray(index)
    return index


def setitem(self: Tensor, index: Any, value: Any) -> None:
    """``x[index] = value``; records a graph when value or x requires grad (the gradient of
    the overwritten elements is zero, the value's gradient is the indexed gradient)."""
    idx = _norm_index(index)
    if not _recording(self, (value,)):
        check_inplace(self)
        v = _other(value)
        if isinstance(v, ndarray) and v.dtype.kind in "fc" and self._data.dtype.kind in "biu":
            _cast_check(v.dtype, self)
        try:
            self._data[idx] = v
        except ValueError:
            raise _expand_error(np.shape(v), self._data[idx].shape) from None
        except IndexError as e:
            raise IndexError(str(e)) from None
        record_inplace_site(self)
        return
    if _basic(idx):
        # NOTE: as in PyTorch, x[i] = v is x[i].copy_(v): the base is rebased by CopySlices
        copy_(self[idx], value)
        return
    if type(value) is not Tensor:
        value = Tensor._make(np.asarray(value, dtype=self._data.dtype))
    elif value._data.dtype != self._data.dtype:
        value = value.to(self.dtype)
    target_shape = np.empty(self._data.shape, dtype=np.bool_)[idx].shape
    try:
        np.broadcast_to(value._data, target_shape)
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value._data.shape)} "
                           f"cannot be broadcast to indexing result of shape "
                           f"{list(target_shape)}") from None
    _apply_inplace(self, _index_put, idx, value, value._data.shape)


def _expand_error(vshape: tuple, target: tuple) -> RuntimeError:
    if len(vshape) > len(target):
        return RuntimeError(f"expand(torch.FloatTensor{{{list(vshape)}}}, size={list(target)}): "
                            f"the number of sizes provided ({len(target)}) must be greater or "
                            f"equal to the number of dimensions in the tensor ({len(vshape)})")
    return RuntimeError(f"shape mismatch: value tensor of shape {list(vshape)} cannot be "
                        f"broadcast to indexing result of shape {list(target)}")


def _basic(idx: Any) -> bool:
    items = idx if type(idx) is tuple else (idx,)
    return all(i is None or i is Ellipsis or type(i) in (int, slice, bool)
               or isinstance(i, np.integer) for i in items)


_install()
