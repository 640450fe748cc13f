"""vmap's batched tensors and how calls on them are dispatched.

Inside ``vmap(f)``, each input is a `BatchedTensor`: a Tensor subclass that shows the *logical*
shape (one example) and keeps the *physical* tensor (the whole batch, batch dimension first) in
``_phys``. Nested vmaps nest wrappers: the physical tensor of a level-2 wrapper is a level-1
wrapper. A call that sees a batched argument goes, in this order, to:

1. a batching rule (``RULES[key]``, see _rules*.py), which computes on the physical tensors
   with ordinary ops, so the result is recorded by autograd like any other computation;
2. for ops without a rule that are not in-place, the op's own Python body run on the batched
   tensors (composite ops decompose into ops that have rules);
3. a Python loop over the batch (slice, call, stack), announced once per op by a warning.

Calls reach this dispatch through Tensor methods (overridden on BatchedTensor) and through the
public functions of ``feathergrad``, ``feathergrad.nn.functional`` and ``feathergrad.linalg``,
which vmap replaces by dispatching wrappers while it runs (restored when the outermost vmap
returns; a wrapper given unbatched arguments calls the original at once). Any other code that
touches a batched tensor's data (``.item()``, ``float(x)``, ``np.asarray(x)``, a function
imported by name before vmap ran) meets a guard that raises `Unbatchable`; vmap then runs the
whole function once per batch element, so results are always exact.
"""

from __future__ import annotations

import sys
import threading
import types
import warnings
from typing import Any, Callable

from ..tensor import Size, Tensor

# ---- levels ---------------------------------------------------------------------------


class Level:
    """One active vmap: batch size, nesting depth (1 = outermost), randomness mode."""

    __slots__ = ("size", "depth", "randomness")

    def __init__(self, size: int, depth: int, randomness: str) -> None:
        self.size, self.depth, self.randomness = size, depth, randomness

    def __repr__(self) -> str:
        return f"Level(depth={self.depth}, size={self.size})"


class _Levels(threading.local):
    stack: list = []

    def __init__(self) -> None:
        self.stack = []


_levels = _Levels()


def active_levels() -> list[Level]:
    """The vmap levels now running in this thread, outermost first."""
    return _levels.stack


class Unbatchable(BaseException):
    """Code without a batching rule read a batched tensor's data. vmap catches it and loops.

    A BaseException, so that ``except Exception`` in the code being run does not swallow it.
    """

    def __init__(self, level: Level, what: str) -> None:
        super().__init__(what)
        self.level, self.what = level, what


# ---- the batched tensor ---------------------------------------------------------------


class BatchedTensor(Tensor):
    """A batch of tensors seen as one: logical shape = ``_phys.shape[1:]``."""

    __slots__ = ("_phys", "_lvl")

    def __repr__(self) -> str:
        inner = repr(self._phys).replace("\n", "\n    ")
        return f"BatchedTensor(lvl={self._lvl.depth}, bdim=0, value=\n    {inner}\n)"

    __str__ = __repr__

    def __hash__(self) -> int:
        return id(self)

    @property
    def shape(self) -> Size:
        return self._phys.shape[1:]

    def size(self, dim: int | None = None) -> Any:
        s = self._phys.shape[1:]
        if dim is None:
            return s
        n = len(s)
        if not -max(n, 1) <= dim < max(n, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-max(n, 1)}, {max(n, 1) - 1}], but got {dim})")
        return s[dim] if n else 1

    def dim(self) -> int:
        return self._phys.dim() - 1

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._phys.dim() - 1

    def numel(self) -> int:
        return Size(self._phys.shape[1:]).numel()

    nelement = numel

    def __len__(self) -> int:
        if self.dim() == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._phys.shape[1]

    @property
    def dtype(self) -> Any:
        return self._phys.dtype

    @property
    def device(self) -> Any:
        return self._phys.device

    def is_floating_point(self) -> bool:
        return self._phys.is_floating_point()

    def is_complex(self) -> bool:
        return self._phys.is_complex()

    def element_size(self) -> int:
        return self._phys.element_size()

    @property
    def requires_grad(self) -> bool:
        return self._phys.requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._phys.requires_grad = value

    def requires_grad_(self, requires_grad: bool = True) -> BatchedTensor:
        self._phys.requires_grad_(requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        return self._phys.is_leaf

    @property
    def grad_fn(self) -> Any:
        return self._phys.grad_fn

    @property
    def grad(self) -> None:
        return None

    @property
    def data(self) -> BatchedTensor:
        return wrap(self._phys.data, self._lvl)

    @property
    def T(self) -> Any:  # noqa: N802
        return dispatcher("T")(self)

    @property
    def mT(self) -> Any:  # noqa: N802
        return dispatcher("mT")(self)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _numpy_call(ufunc, method == "__call__" and not kwargs, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _numpy_call(func, True, args, kwargs)


def _caller() -> str:
    """The name of the function reading a guarded slot (for the fallback's warning)."""
    f = sys._getframe(2)
    name = f.f_code.co_name
    if name == "op" and isinstance(f.f_locals.get("name"), str):
        name = f.f_locals["name"]   # ops made by the op-table factories
    return name


def _guard(slot: str) -> property:
    def get(self: BatchedTensor) -> Any:
        raise Unbatchable(self._lvl, _caller())

    def put(self: BatchedTensor, value: Any) -> None:
        raise Unbatchable(self._lvl, _caller())
    return property(get, put, doc=f"{slot} of a batched tensor: reading it leaves vmap's rules")


for _slot in ("_data", "_grad_fn", "_requires_grad", "_grad", "_vc", "_output_nr", "_x"):
    setattr(BatchedTensor, _slot, _guard(_slot))

_new = object.__new__


def wrap(phys: Any, lvl: Level) -> BatchedTensor:
    """The batched tensor at level `lvl` whose physical tensor (batch first) is `phys`."""
    b = _new(BatchedTensor)
    b._phys = phys
    b._lvl = lvl
    return b


def is_batched(x: Any, lvl: Level) -> bool:
    return type(x) is BatchedTensor and x._lvl is lvl


# ---- dispatch -------------------------------------------------------------------------

RULES: dict[str, Callable] = {}      # key -> rule(lvl, args, kwargs): result or NotImplemented
_ORIG: dict[str, Callable] = {}      # key -> the original callable
_DISPATCHERS: dict[str, Callable] = {}
_INPLACE_DUNDERS = {"__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__",
                    "__imod__", "__ipow__", "__iand__", "__ior__", "__ixor__", "__ilshift__",
                    "__irshift__", "__setitem__"}


def _top(args: tuple, kwargs: dict) -> Level | None:
    """The innermost level among the batched arguments (one level into lists/tuples)."""
    best = None
    for a in (*args, *kwargs.values()) if kwargs else args:
        t = type(a)
        if t is BatchedTensor:
            if best is None or a._lvl.depth > best.depth:
                best = a._lvl
        elif t is list or t is tuple:
            for b in a:
                if type(b) is BatchedTensor and (best is None or b._lvl.depth > best.depth):
                    best = b._lvl
    return best


def _is_inplace(key: str, kwargs: dict) -> bool:
    name = key.rsplit(".", 1)[-1]
    return ((name.endswith("_") and not name.endswith("__")) or name in _INPLACE_DUNDERS
            or kwargs.get("inplace") is True or kwargs.get("out") is not None)


def dispatcher(key: str, orig: Callable | None = None) -> Callable:
    """The dispatching callable for `key` (made once): calls `orig` unless an argument is
    batched. Rules call ops through these, so that nested levels dispatch in turn."""
    d = _DISPATCHERS.get(key)
    if d is not None:
        return d
    if orig is None:
        orig = _ORIG.get(key) or _find_orig(key)
    _ORIG[key] = orig

    def d(*args: Any, **kwargs: Any) -> Any:
        lvl = _top(args, kwargs)
        if lvl is None:
            return orig(*args, **kwargs)
        return _dispatch(key, orig, d, lvl, args, kwargs)

    d.__name__ = d.__qualname__ = key.rsplit(".", 1)[-1]
    d.__wrapped__ = orig
    _DISPATCHERS[key] = d
    BY_ORIG.setdefault(orig, d)
    return d


BY_ORIG: dict = {}   # original function -> its dispatcher (vmap(torch.dot) dispatches too)


def _find_orig(key: str) -> Callable:
    if key in ("T", "mT"):
        prop = Tensor.__dict__[key]
        return prop.fget
    if key.startswith("Tensor."):
        return Tensor.__dict__[key[7:]]
    if "." in key:
        ns, name = key.split(".", 1)
        import importlib
        mod = importlib.import_module(_NAMESPACES[ns + "."])
        return getattr(mod, name)
    fn = Tensor.__dict__.get(key)
    if fn is None:
        import feathergrad
        fn = getattr(feathergrad, key)
    return fn


def _dispatch(key: str, orig: Callable, disp: Callable, lvl: Level, args: tuple,
              kwargs: dict) -> Any:
    rule = RULES.get(key)
    if rule is not None:
        r = rule(lvl, args, kwargs)
        if r is not NotImplemented:
            return r
    inplace = _is_inplace(key, kwargs)
    if not inplace:
        try:   # a composite op: its body may be made of ops that have rules
            return orig(*args, **kwargs)
        except (Unbatchable, TypeError, AttributeError):
            pass   # NOTE: type checks may reject the subclass: the loop gives the real error
    return _loop(key, disp, inplace, lvl, args, kwargs)


# ---- the loop fallback ----------------------------------------------------------------

_warned: set = set()


def warn_fallback(what: str) -> None:
    if what in _warned:
        return
    _warned.add(what)
    warnings.warn(f"vmap: there is a performance drop because feathergrad has no batching rule "
                  f"for {what}; it runs once per element of the batch (a Python loop).",
                  UserWarning, stacklevel=4)


def take(x: Any, lvl: Level, i: int) -> Any:
    """Element `i` of the batch at `lvl` (a view); other values pass through."""
    t = type(x)
    if t is BatchedTensor:
        return x._phys.select(0, i) if x._lvl is lvl else x
    if t is list or t is tuple:
        return t(take(a, lvl, i) for a in x)
    return x


def _loop(key: str, disp: Callable, inplace: bool, lvl: Level, args: tuple,
          kwargs: dict) -> Any:
    warn_fallback(repr(key))
    if inplace:
        self = args[0]
        if not is_batched(self, lvl):
            raise RuntimeError(
                "vmap: inplace arithmetic(self, *extra_args) is not possible because there exists "
                "a Tensor `other` in extra_args that has more elements than `self`. This "
                "happened due to `other` being vmapped over but `self` not being vmapped over in "
                "a vmap. Please try to use out-of-place operators instead of inplace "
                "arithmetic. If said operator is being called inside the PyTorch framework, "
                "please file a bug report instead.")
        for i in range(lvl.size):
            disp(*take(args, lvl, i), **{k: take(v, lvl, i) for k, v in kwargs.items()})
        return self
    outs = [disp(*take(args, lvl, i), **{k: take(v, lvl, i) for k, v in kwargs.items()})
            for i in range(lvl.size)]
    return combine(outs, lvl, key)


def combine(outs: list, lvl: Level, what: str) -> Any:
    """Stack the per-element results of a loop into batched results (same structure)."""
    first = outs[0]
    if isinstance(first, Tensor):
        if not all(isinstance(o, Tensor) and o.shape == first.shape for o in outs):
            raise Unbatchable(lvl, what)   # shapes depend on the data: loop the whole function
        return wrap(dispatcher("stack")(outs, 0), lvl)
    if isinstance(first, (tuple, list)) and all(
            type(o) is type(first) and len(o) == len(first) for o in outs):
        parts = [combine([o[k] for o in outs], lvl, what) for k in range(len(first))]
        ctor = type(first)
        if hasattr(ctor, "_make"):   # a namedtuple
            return ctor._make(parts)
        return ctor(parts)
    if all(o == first for o in outs):
        return first
    raise Unbatchable(lvl, what)


def _numpy_call(func: Any, plain: bool, args: tuple, kwargs: dict) -> Any:
    """A NumPy function on a batched tensor: the feathergrad op it maps to, dispatched."""
    from ..ops._core import HANDLED
    op = HANDLED.get(func) if plain else None
    if op is None:
        lvl = _top(tuple(args), kwargs)
        raise Unbatchable(lvl, getattr(func, "__name__", str(func)))
    key = getattr(op, "__name__", "")
    return dispatcher(key, op)(*args, **kwargs)


# ---- methods of BatchedTensor and the patched namespaces ---------------------------------

# Tensor members that BatchedTensor defines itself or leaves to the guard (no per-op meaning)
_NOT_METHODS = {
    "__init__", "__repr__", "__str__", "__hash__", "__len__", "__array__", "__array_function__",
    "__array_ufunc__", "__bool__", "__float__", "__int__", "__index__", "__complex__",
    "__format__", "__reduce_ex__", "__deepcopy__", "__setstate__", "__getstate__",
    "__init_subclass__", "_make", "_accumulator", "_edge", "_ex", "_is_view", "backward",
    "register_hook", "register_post_accumulate_grad_hook", "retain_grad", "numpy", "tolist",
    "item", "data_ptr", "stride", "is_contiguous", "is_inference", "is_pinned", "size", "dim",
    "ndimension", "numel", "nelement", "element_size", "is_floating_point", "is_complex",
    "requires_grad_", "detach_", "pin_memory", "cuda", "cpu"}
_n_methods = [0]


def refresh_methods() -> None:
    """Give BatchedTensor a dispatching override of every Tensor method (modules attach new
    methods to Tensor when they load, so this runs again when Tensor has grown)."""
    n = len(Tensor.__dict__)
    if n == _n_methods[0]:
        return
    _n_methods[0] = n
    import feathergrad
    own = BatchedTensor.__dict__
    for name, fn in list(Tensor.__dict__.items()):
        if name in _NOT_METHODS or name in own or not isinstance(fn, types.FunctionType):
            continue
        setattr(BatchedTensor, name, dispatcher(method_key(name, fn, feathergrad), fn))


def method_key(name: str, fn: Callable, ns: Any) -> str:
    """A method shares its key (and rule) with the public function of the same name when
    they are one object; a different function (``where``, ``float``...) gets "Tensor.name"."""
    f = getattr(ns, name, None)
    if f is None or f is fn or _ORIG.get(name) is fn:
        return name
    return "Tensor." + name


def _iter(self: BatchedTensor) -> Any:
    if self.dim() == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(dispatcher("unbind")(self, 0))


BatchedTensor.__iter__ = _iter


_NAMESPACES = {"": "feathergrad", "F.": "feathergrad.nn.functional",
               "linalg.": "feathergrad.linalg"}
# public functions that never see a batched tensor (creation, settings) stay as they are
_KEEP = {"tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "empty", "full",
         "arange", "range", "linspace", "logspace", "eye", "manual_seed", "seed",
         "set_default_dtype", "get_default_dtype", "set_default_device", "get_default_device",
         "set_printoptions", "get_printoptions", "printoptions", "is_grad_enabled",
         "is_inference_mode_enabled", "set_default_tensor_type", "promote_types", "can_cast",
         "broadcast_shapes", "is_tensor", "initial_seed", "get_rng_state", "set_rng_state"}
RANDOM = {"rand", "randn", "randint", "randperm", "normal", "rand_like", "randn_like",
          "randint_like", "bernoulli", "poisson", "multinomial"}
_patch = {"depth": 0, "saved": []}
_patch_lock = threading.Lock()


def patch_namespaces() -> None:
    """Install the dispatching wrappers (outermost vmap only; nested ones count)."""
    with _patch_lock:
        _patch["depth"] += 1
        if _patch["depth"] > 1:
            return
        refresh_methods()
        saved = []
        for mod, name, fn, w in _patch_list():
            if mod.__dict__.get(name) is fn:
                saved.append((mod, name, fn, w))
                setattr(mod, name, w)
        _patch["saved"] = saved
        from ..ops import _core
        _core._vmap_hook[0] = _unary_op


_patch_cache: dict = {}   # module name -> (size of its namespace, [(mod, name, fn, wrapper)])


def _patch_list() -> list:
    """What to patch in each namespace (recomputed when a namespace has grown)."""
    import importlib
    out = []
    for prefix, modname in _NAMESPACES.items():
        mod = importlib.import_module(modname)
        hit = _patch_cache.get(modname)
        if hit is None or hit[0] != len(mod.__dict__):
            items = []
            names = getattr(mod, "__all__", None) or [n for n in vars(mod) if n[0] != "_"]
            for name in names:
                fn = mod.__dict__.get(name)
                if not isinstance(fn, types.FunctionType) or (not prefix and name in _KEEP):
                    continue
                if not prefix and name in RANDOM:
                    from ._rules_nn import random_wrapper
                    w = random_wrapper(name, fn)
                else:
                    w = dispatcher(prefix + name, fn)
                items.append((mod, name, fn, w))
            hit = _patch_cache[modname] = (len(mod.__dict__), items)
        out.extend(hit[1])
    return out


def _unary_op(op: Callable, x: Any) -> Any:
    """A one-tensor elementwise op of the op table reached with a batched tensor however it
    was referenced (``F.tanh`` captured before vmap calls it): it runs on the physical tensor."""
    if type(x) is not BatchedTensor:
        from ..ops._core import _as_tensor_arg
        return op(_as_tensor_arg(x, op.__name__))
    return wrap(dispatcher("op:" + op.__name__, op)(x._phys), x._lvl)


def unpatch_namespaces() -> None:
    with _patch_lock:
        _patch["depth"] -= 1
        if _patch["depth"]:
            return
        from ..ops import _core
        _core._vmap_hook[0] = None
        for mod, name, fn, w in _patch["saved"]:
            if mod.__dict__.get(name) is w:   # leave alone what someone else replaced meanwhile
                setattr(mod, name, fn)
        _patch["saved"] = []
