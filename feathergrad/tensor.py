"""Tensor: an ndarray, its gradient and its place in the graph.

Ops are attached to the class by the op table (``feathergrad/ops``); this file holds storage,
autograd attributes and conversions.
"""

from __future__ import annotations

import operator
import warnings
from typing import Any, Callable, Iterator

import numpy as np

from . import _dtype
from ._dtype import dtype as _dtype_cls
from .autograd.grad_mode import _state
from .autograd.graph import AccumulateGrad, Node, RemovableHandle

ndarray = np.ndarray


class Size(tuple):
    """A tensor's shape: a tuple of ints with PyTorch's repr, ``torch.Size([2, 3])``.

    >>> Size([2, 3]).numel()
    6
    """

    __slots__ = ()

    def __new__(cls, sizes: Any = ()) -> Size:
        out = []
        for i, s in enumerate(sizes):
            try:
                out.append(operator.index(s))
            except TypeError:
                raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is "
                                f"'{type(s).__name__}')") from None
        return _tuple_new(cls, out)

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self) -> int:
        """The number of elements of a tensor of this shape (1 for ``Size([])``)."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i: Any) -> Any:
        r = tuple.__getitem__(self, i)
        return _tuple_new(Size, r) if isinstance(i, slice) else r

    def __add__(self, other: Any) -> Size:
        if not isinstance(other, tuple):
            raise TypeError(f"can only concatenate tuple (not {type(other).__name__}) to "
                            "torch.Size")
        return _tuple_new(Size, tuple.__add__(self, other))

    def __radd__(self, other: Any) -> Size:
        if not isinstance(other, tuple):
            return NotImplemented
        return _tuple_new(Size, tuple.__add__(other, self))

    def __mul__(self, n: Any) -> Size:
        return _tuple_new(Size, tuple.__mul__(self, n))

    __rmul__ = __mul__


_tuple_new = tuple.__new__

# The device types PyTorch knows; only "cpu" can hold a feathergrad tensor.
_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
                 "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                 "privateuseone")


class device:
    """A device descriptor, as ``torch.device``: ``device('cpu')``, ``device('cuda', 0)``.

    Any of PyTorch's device types can be named (so ``device('cuda')`` can be built and
    compared), but only the CPU can hold tensors: creating or moving a tensor anywhere else
    raises an error that says feathergrad runs on the CPU.

    >>> device("cpu")
    device(type='cpu')
    """

    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            raise RuntimeError("Cannot access accelerator device when none is available.")
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got "
                            f"({type.__class__.__name__}), but expected one of:\n"
                            " * (torch.device device)\n * (str type, int index = -1)\n")
        name, colon, idx = type.partition(":")
        if name not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at "
                               f"start of device string: {type}")
        if colon:
            if not idx.isdigit() or (len(idx) > 1 and idx[0] == "0"):
                raise RuntimeError(f"Invalid device string: '{type}'")
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index was "
                                   f"passed explicitly: {type}")
            index = int(idx)
        if index is not None:
            index = operator.index(index)
            if index < 0:
                raise RuntimeError("Device index must not be negative")
        self.type = name
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        # NOTE: as in PyTorch, a device never equals a string (device('cpu') != 'cpu')
        if not isinstance(other, device):
            return NotImplemented
        return other.type == self.type and other.index == self.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self) -> tuple:
        return (device, (self.type, self.index))

    def __enter__(self) -> device:
        _check_device(self)
        return self

    def __exit__(self, *exc: object) -> None:
        return None


_CPU = device("cpu")


def _not_on_cpu(d: device) -> Exception:
    """PyTorch's error for a device a CPU-only build cannot use, and what to do instead."""
    hint = (f"\nfeathergrad runs on the CPU only, so it cannot place tensors on '{d}'. Leave "
            "device= out (or pass 'cpu'); scripts that choose with torch.device('cuda' if "
            "torch.cuda.is_available() else 'cpu') pick the CPU here.")
    if d.type == "cuda":
        return AssertionError("Torch not compiled with CUDA enabled" + hint)
    return RuntimeError(f"PyTorch is not linked with support for {d.type} devices" + hint)


def _check_device(d: Any) -> None:
    """Accept None or any spelling of the CPU; raise PyTorch's error for every other device."""
    if d is None or d is _CPU:
        return
    if type(d) is not device:
        if type(d) is str and d == "cpu":
            return
        d = device(d)
    if d.type != "cpu":
        raise _not_on_cpu(d)


class _Extra:
    """Rarely used per-tensor state, kept off the hot path (one slot, usually None)."""

    __slots__ = ("base", "accum", "retains_grad", "post_hooks", "inference", "name", "cut")

    def __init__(self) -> None:
        self.base = self.accum = self.post_hooks = self.name = self.cut = None
        self.retains_grad = self.inference = False


class Tensor:
    """A multi-dimensional array that can record the operations applied to it.

    >>> x = tensor(2., requires_grad=True)
    >>> y = x ** 2
    >>> y.backward()
    >>> x.grad
    tensor(4.)
    """

    __slots__ = ("_data", "_grad_fn", "_requires_grad", "_grad", "_vc", "_output_nr", "_x",
                 "__weakref__")
    __array_priority__ = 1000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The legacy constructor torch.Tensor(data) / Tensor(2, 3) / Tensor(t): see _legacy.py
        from ._legacy import legacy_init
        legacy_init(self, args, kwargs, None)

    # ---- construction (hot path) ------------------------------------------------
    @staticmethod
    def _make(data: ndarray, grad_fn: Node | None = None, requires_grad: bool = False,
              output_nr: int = 0) -> Tensor:
        t = _new(Tensor)
        t._data = data
        t._grad_fn = grad_fn
        t._requires_grad = requires_grad or grad_fn is not None
        t._grad = None
        t._vc = [0, None]
        t._output_nr = output_nr
        t._x = None
        return t

    def _ex(self) -> _Extra:
        x = self._x
        if x is None:
            x = self._x = _Extra()
        return x

    def _edge(self) -> tuple:
        """The graph edge a consumer of this tensor points to."""
        fn = self._grad_fn
        if fn is not None:
            return (fn, self._output_nr)
        if self._requires_grad:
            return (self._accumulator(), 0)
        return (None, 0)

    def _accumulator(self) -> AccumulateGrad:
        x = self._ex()
        if x.accum is None:
            x.accum = AccumulateGrad(self)
        return x.accum

    # ---- autograd attributes ----------------------------------------------------
    @property
    def data(self) -> Tensor:
        """The same storage, detached from the graph and from version tracking."""
        t = Tensor._make(self._data)
        if self._requires_grad:
            t._ex().cut = ".data"
        return t

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data

    @property
    def grad(self) -> Tensor | None:
        if self._grad_fn is not None and self._grad is None and not (
                self._x is not None and self._x.retains_grad):
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by "
                "mistake, make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more informations.",
                UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad "
                                f"of type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                    f"tensor of size '{list(self._data.shape)}'. Please ensure that the gradient "
                    "and the tensor are the same size")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("attempting to assign a gradient with dtype "
                                   f"'{value.dtype}' to a tensor with dtype '{self.dtype}'. "
                                   "Please ensure that the gradient and the tensor have the "
                                   "same dtype")
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def grad_fn(self) -> Node | None:
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if self._grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach().")
            return self
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients\n"
                               f"feathergrad: this tensor is {self.dtype}; make it floating "
                               "point first, e.g. torch.tensor(2.0) or x.float()")
        if requires_grad and self._x is not None and self._x.inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                               "InferenceMode is not allowed.")
        self._requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` of this non-leaf tensor after backward (a leaf keeps it anyway)."""
        if self._grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        x = self._ex()
        if x.retains_grad:
            return
        x.retains_grad = True
        import weakref
        ref = weakref.ref(self)

        def _retain(g: Tensor) -> None:
            t = ref()
            if t is None:
                return
            if t._grad is None:
                t._grad = Tensor._make(np.array(g._data)) if not g._grad_fn else g
            else:
                t._grad = t._grad + g
        self._grad_fn._register_tensor_hook(self._output_nr, _RetainHook(_retain))

    @property
    def retains_grad(self) -> bool:
        return self._x is not None and self._x.retains_grad

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            fn = self._grad_fn
            h = fn._register_tensor_hook(self._output_nr, hook)
            # retain_grad's hook runs after the user's hooks, as in PyTorch
            d = fn._ext.tpre[self._output_nr]
            for k in [k for k, v in d.items() if isinstance(v, _RetainHook)]:
                d[k] = d.pop(k)
            return h
        return self._accumulator()._register_tensor_hook(0, hook)

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> RemovableHandle:
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        x = self._accumulator()._x()
        if x.post is None:
            x.post = {}
        h = RemovableHandle(x.post)
        x.post[h._key] = hook
        return h

    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Compute the gradient of this tensor w.r.t. the graph leaves (into their ``.grad``)."""
        if gradient is None and inputs is None and not create_graph and self._requires_grad:
            d = self._data
            if d.size == 1 and d.dtype.kind == "f" and not (
                    self._x is not None and self._x.inference):
                # NOTE: fast path of loss.backward(): implicit gradient of a float scalar
                prev = _state.enabled
                _state.enabled = False
                try:
                    _engine.run_backward([self._edge()], [np.ones(d.shape, d.dtype)],
                                         bool(retain_graph), False, None, True, True)
                finally:
                    _state.enabled = prev
                return
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> Tensor:
        """A tensor sharing storage and version counter, cut from the graph."""
        t = Tensor._make(self._data)
        t._vc = self._vc
        if self._requires_grad:
            t._ex().cut = "detach()"
        return t

    def detach_(self) -> Tensor:
        if self._x is not None and self._x.base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def _version(self) -> int:
        return self._vc[0]

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def _base(self) -> Tensor | None:
        return self._x.base if self._x is not None else None

    def _is_view(self) -> bool:
        return self._x is not None and self._x.base is not None

    def is_inference(self) -> bool:
        return self._x is not None and self._x.inference

    @property
    def name(self) -> str | None:
        return self._x.name if self._x is not None else None

    # ---- metadata --------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return _tuple_new(Size, self._data.shape)

    @shape.setter
    def shape(self, value: Any) -> None:
        raise AttributeError("attribute 'shape' of 'torch._C.TensorBase' objects is not "
                             "writable\nfeathergrad: use x = x.reshape(...) instead.")

    def size(self, dim: int | None = None) -> Size | int:
        """The shape as a ``Size``, or the length of dimension `dim` (negative counts back)."""
        shape = self._data.shape
        if dim is None:
            return _tuple_new(Size, shape)
        if type(dim) is not int:
            if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
                raise TypeError(f"size(): argument 'dim' (position 1) must be int, not "
                                f"{type(dim).__name__}")
            dim = int(dim)
        if not shape:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return shape[_wrap_dim(dim, len(shape))]

    @property
    def dtype(self) -> _dtype_cls:
        return _dtype._FROM_NP[self._data.dtype]

    @property
    def device(self) -> device:
        return _CPU

    is_cuda = False
    is_mps = False
    is_xpu = False
    is_sparse = False
    is_quantized = False
    is_meta = False
    layout = _dtype.strided

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def stride(self, dim: int | None = None):
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        return st if dim is None else st[_wrap_dim(dim, self._data.ndim)]

    def is_contiguous(self, memory_format: Any = None) -> bool:
        return bool(self._data.flags.c_contiguous)

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return self._data.dtype.kind == "c"

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self) -> int:
        return id(self)

    def __getattr__(self, name: str) -> Any:
        # NOTE: only reached when normal lookup fails: methods that live in lazily imported
        # subpackages (Tensor.softmax is nn.functional's) load their module on first use
        mod = _LAZY_METHODS.get(name)
        if mod is not None:
            import importlib
            importlib.import_module(mod)
            if name in type(self).__dict__:
                return getattr(self, name)
        raise AttributeError(f"'Tensor' object has no attribute '{name}'")

    # ---- conversion ------------------------------------------------------------
    def item(self) -> float | int | bool:
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> ndarray:
        """The underlying ndarray (shares memory). Refused while the tensor requires grad."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> ndarray:
        if self._requires_grad:
            # NOTE: NumPy asks for a plain array (np.asarray, matplotlib); PyTorch refuses here.
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        a = self._data
        return a if dtype is None else a.astype(dtype, copy=False)

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with " + (
                "no values" if not self._data.size else "more than one value") + " is ambiguous")
        return bool(self._data)

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def _scalar(self) -> Any:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.item()

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self._data)

    def __complex__(self) -> complex:
        return complex(self._scalar())

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    def __repr__(self) -> str:
        from ._printing import tensor_repr
        fn = self._grad_fn
        # nn.Parameter marks its extras with the prefix "Parameter containing:\n"
        return getattr(self._x, "_repr_prefix", "") + tensor_repr(self._data, self.dtype.name,
                           default_dtype_name=_dtype._default[0].name,
                           grad_fn_name=type(fn).__name__ if fn is not None else None,
                           requires_grad=self._requires_grad)

    __str__ = __repr__

    def __reduce_ex__(self, proto: int):
        return (_rebuild, (self._data, self._requires_grad))

    def __deepcopy__(self, memo: dict) -> Tensor:
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.  If you were "
                               "attempting to deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        t = Tensor._make(self._data.copy(), None, self._requires_grad)
        if self._grad is not None:
            t._grad = Tensor._make(self._grad._data.copy())
        memo[id(self)] = t
        return t

    def __setstate__(self, state):  # pragma: no cover - pickling goes through _rebuild
        raise TypeError("use feathergrad.load")


class _RetainHook:
    __slots__ = ("fn",)

    def __init__(self, fn: Callable) -> None:
        self.fn = fn

    def __call__(self, g: Tensor) -> None:
        self.fn(g)


def _rebuild(data: ndarray, requires_grad: bool) -> Tensor:
    return Tensor._make(data, None, requires_grad)


_LAZY_METHODS = {"softmax": "feathergrad.nn.functional",
                 "log_softmax": "feathergrad.nn.functional"}
_new = object.__new__


def _init(t: Tensor, data: ndarray, grad_fn: Node | None, requires_grad: bool) -> None:
    t._data = data
    t._grad_fn = grad_fn
    t._requires_grad = requires_grad
    t._grad = None
    t._vc = [0, None]
    t._output_nr = 0
    t._x = None
    if _state.inference:
        t._ex().inference = True


def _wrap_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim % n if ndim else 0


from .autograd import engine as _engine  # noqa: E402

_engine.Tensor = Tensor


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)
