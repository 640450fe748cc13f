"""nn.Module: the base class of layers. Attribute assignment registers parameters, buffers and
submodules; ``state_dict``/``load_state_dict`` save and restore them; hooks run around forward.

Same behaviour (and error messages) as PyTorch's ``torch.nn.Module``.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, namedtuple
from typing import Any, Callable, Iterator

import numpy as np

from ... import _dtype
from ...autograd.graph import RemovableHandle
from ...tensor import Tensor
from ..parameter import Buffer, Parameter, _mark_parameter, is_parameter

__all__ = ["Module"]

_IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


def _addindent(s: str, n: int) -> str:
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    first = lines.pop(0)
    return first + "\n" + "\n".join((n * " ") + ln if ln.strip() else "" for ln in lines)


def _typename(v: Any) -> str:
    if isinstance(v, Tensor):
        return {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
                "int64": "torch.LongTensor"}.get(v.dtype.name, "torch.Tensor")
    m = type(v).__module__
    return (m + "." if m not in ("builtins", "__builtin__") else "") + type(v).__qualname__


class Module:
    """Base class for all neural network modules.

    Subclasses assign parameters and submodules as attributes in ``__init__`` and compute the
    output in ``forward``; call the module (``model(x)``), not ``forward``, so hooks run.

    >>> class Net(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = Linear(3, 1)
    ...     def forward(self, x):
    ...         return self.fc(x)
    >>> [n for n, _ in Net().named_parameters()]
    ['fc.weight', 'fc.bias']
    """

    training: bool
    _version: int = 1
    call_super_init: bool = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected argument: "
                            f"{args or kwargs}")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = {}
        d["_forward_hooks"] = OrderedDict()
        d["_forward_hooks_with_kwargs"] = {}
        d["_forward_hooks_always_called"] = {}
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_pre_hooks_with_kwargs"] = {}
        d["_backward_hooks"] = OrderedDict()
        d["_state_dict_hooks"] = OrderedDict()
        d["_load_state_dict_post_hooks"] = OrderedDict()

    forward: Callable[..., Any]

    def forward(self, *input: Any) -> Any:  # noqa: F811
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  '"forward" function')

    # ---- calling ----------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        d = self.__dict__
        if not (d["_forward_pre_hooks"] or d["_forward_hooks"] or d["_backward_hooks"]):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        for key, hook in list(self._forward_pre_hooks.items()):
            if key in self._forward_pre_hooks_with_kwargs:
                r = hook(self, args, kwargs)
                if r is not None:
                    if not (isinstance(r, tuple) and len(r) == 2):
                        raise RuntimeError("forward pre-hook must return None or a tuple of "
                                           f"(new_args, new_kwargs), but got {r}.")
                    args, kwargs = r
            else:
                r = hook(self, args)
                if r is not None:
                    args = r if isinstance(r, tuple) else (r,)
        if self._backward_hooks:
            args = _BackwardHookState(self).setup_input(args)
        try:
            result = self.forward(*args, **kwargs)
        except BaseException:
            for key, hook in list(self._forward_hooks.items()):
                if key in self._forward_hooks_always_called:
                    try:
                        hook(self, args, None)
                    except Exception:   # noqa: BLE001 - the forward's error wins
                        pass
            raise
        for key, hook in list(self._forward_hooks.items()):
            if key in self._forward_hooks_with_kwargs:
                r = hook(self, args, kwargs, result)
            else:
                r = hook(self, args, result)
            if r is not None:
                result = r
        if self._backward_hooks and args and isinstance(args, _HookedArgs):
            result = args.state.setup_output(result)
        return result

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """``hook(module, args)`` runs before forward; it may return new args."""
        h = RemovableHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[h._key] = hook
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[h._key] = True
        if prepend:
            self._forward_pre_hooks.move_to_end(h._key, last=False)
        return h

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False,
                              with_kwargs: bool = False, always_call: bool = False
                              ) -> RemovableHandle:
        """``hook(module, args, output)`` runs after forward; it may return a new output."""
        h = RemovableHandle(self._forward_hooks)
        self._forward_hooks[h._key] = hook
        if with_kwargs:
            self._forward_hooks_with_kwargs[h._key] = True
        if always_call:
            self._forward_hooks_always_called[h._key] = True
        if prepend:
            self._forward_hooks.move_to_end(h._key, last=False)
        return h

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False
                                    ) -> RemovableHandle:
        """``hook(module, grad_input, grad_output)`` runs when the gradients w.r.t. the
        module's tensor inputs are computed; it may return replacement grad_input."""
        h = RemovableHandle(self._backward_hooks)
        self._backward_hooks[h._key] = hook
        if prepend:
            self._backward_hooks.move_to_end(h._key, last=False)
        return h

    # ---- registration -----------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for k in ("_parameters", "_buffers", "_modules"):
            sub = d.get(k)
            if sub is not None and name in sub:
                return sub[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if is_parameter(value):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._remove_name(name, "_buffers", "_modules")
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            self.register_parameter(name, value)
        else:
            modules = d.get("_modules")
            if isinstance(value, Module):
                if modules is None:
                    raise AttributeError("cannot assign module before Module.__init__() call")
                self._remove_name(name, "_parameters", "_buffers")
                modules[name] = value
            elif modules is not None and name in modules:
                if value is not None:
                    raise TypeError(f"cannot assign '{_typename(value)}' as child module "
                                    f"'{name}' (torch.nn.Module or None expected)")
                modules[name] = value
            else:
                buffers = d.get("_buffers")
                if isinstance(value, Buffer):
                    self.register_buffer(name, value.data, value.persistent)
                elif buffers is not None and name in buffers:
                    if value is not None and not isinstance(value, Tensor):
                        raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                        "(torch.nn.Buffer, torch.Tensor or None expected)")
                    buffers[name] = value
                else:
                    object.__setattr__(self, name, value)

    def _remove_name(self, name: str, *which: str) -> None:
        d = self.__dict__
        d.pop(name, None)
        for k in which:
            d[k].pop(name, None)
        d["_non_persistent_buffers_set"].discard(name)

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        if name in d["_parameters"]:
            del d["_parameters"][name]
        elif name in d["_buffers"]:
            del d["_buffers"][name]
            d["_non_persistent_buffers_set"].discard(name)
        elif name in d["_modules"]:
            del d["_modules"][name]
        else:
            object.__delattr__(self, name)

    def _check_name(self, name: Any, kind: str, table: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if hasattr(self, name) and name not in self.__dict__[table]:
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param: Tensor | None) -> None:
        """Add a parameter (or None) under `name`."""
        self._check_name(name, "parameter", "_parameters")
        if param is None:
            self._parameters[name] = None
            return
        if not is_parameter(param):
            raise TypeError(f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                            "(torch.nn.Parameter or None required)")
        if param._grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                f"created explicitly. To express '{name}' as a function of another Tensor, "
                "compute the value in the forward() method.")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a buffer: state that is not a parameter (e.g. BatchNorm's running mean), saved in
        ``state_dict`` unless `persistent` is False, and converted by ``to()``."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under `name` (``self.name = module`` does the same)."""
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {type(name).__name__}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def get_parameter(self, target: str) -> Tensor:
        mod_path, _, name = target.rpartition(".")
        mod = self.get_submodule(mod_path)
        if not hasattr(mod, name):
            raise AttributeError(mod._get_name() + " has no attribute `" + name + "`")
        p = getattr(mod, name)
        if not is_parameter(p):
            raise AttributeError("`" + name + "` is not an nn.Parameter")
        return p

    def get_buffer(self, target: str) -> Tensor:
        mod_path, _, name = target.rpartition(".")
        mod = self.get_submodule(mod_path)
        if name not in mod._buffers:
            raise AttributeError("`" + name + "` is not a buffer")
        return mod._buffers[name]

    # ---- iteration ---------------------------------------------------------------------
    def _named_members(self, get: Callable, prefix: str = "", recurse: bool = True,
                       remove_duplicate: bool = True) -> Iterator[tuple[str, Any]]:
        memo: set = set()
        mods = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                if recurse else [(prefix, self)])
        for mprefix, m in mods:
            for k, v in get(m):
                if v is None or id(v) in memo:
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                yield (mprefix + ("." if mprefix else "") + k, v)

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(name, parameter) pairs, submodules' included with dotted names; shared ones once."""
        return self._named_members(lambda m: m._parameters.items(), prefix, recurse,
                                   remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Tensor]:
        """The parameters of this module and (by default) of its submodules."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members(lambda m: m._buffers.items(), prefix, recurse,
                                   remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def named_children(self) -> Iterator[tuple[str, Module]]:
        memo: set = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in memo:
                memo.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """(name, module) pairs of this module ('' ) and all its descendants, depth first."""
        if memo is None:
            memo = set()
        if id(self) in memo:
            return
        if remove_duplicate:
            memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from m.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    # ---- modes and conversions -------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (Dropout drops, BatchNorm uses batch statistics)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for m in self.children():
            m.train(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters (to None by default, as PyTorch)."""
        for p in self.parameters():
            if p._grad is None:
                continue
            if set_to_none:
                p._grad = None
            else:
                g = p._grad
                if g._grad_fn is not None:
                    g = p._grad = g.detach()
                g._data[...] = 0

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every submodule (children first) and then on self."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def _apply(self, fn: Callable[[np.ndarray], np.ndarray]) -> Module:
        for m in self.children():
            m._apply(fn)
        for p in self._parameters.values():
            if p is None:
                continue
            p._data = fn(p._data)
            if p._grad is not None:
                p._grad._data = fn(p._grad._data)
        for b in self._buffers.values():
            if b is not None:
                b._data = fn(b._data)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Cast floating parameters and buffers to a dtype (in place); devices other than the
        CPU are refused."""
        dtype = kwargs.get("dtype")
        for a in args:
            if isinstance(a, _dtype.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            else:
                from ...tensor import _check_device
                _check_device(a)
        if kwargs.get("device") is not None:
            from ...tensor import _check_device
            _check_device(kwargs["device"])
        if dtype is None:
            return self
        dt = _dtype.to_dtype(dtype)
        if not (dt.is_floating_point or dt.is_complex):
            raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but "
                            f"got desired dtype={dt}")
        npdt = dt.np
        return self._apply(lambda a: a.astype(npdt) if a.dtype.kind in "fc" else a)

    def float(self) -> Module:
        return self.to(_dtype.float32)

    def double(self) -> Module:
        return self.to(_dtype.float64)

    def half(self) -> Module:
        return self.to(_dtype.float16)

    def type(self, dst_type: Any) -> Module:
        return self.to(dst_type)

    def cpu(self) -> Module:
        return self

    def cuda(self, device: Any = None) -> Module:
        from ...tensor import _check_device
        _check_device("cuda" if device is None else device)   # raises: feathergrad is CPU-only
        return self

    # ---- state ---------------------------------------------------------------------------
    def state_dict(self, *args: Any, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict:
        """Parameters and persistent buffers by dotted name (tensors detached from the graph,
        sharing memory with the module's)."""
        if args:   # PyTorch's deprecated positional form: (destination, prefix, keep_vars)
            destination = args[0]
            if len(args) > 1:
                prefix = args[1]
            if len(args) > 2:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else b.detach()
        extra = getattr(type(self), "get_extra_state", None)
        if extra is not Module.get_extra_state:
            destination[prefix + "_extra_state"] = self.get_extra_state()
        for name, m in self._modules.items():
            if m is not None:
                m.state_dict(destination=destination, prefix=prefix + name + ".",
                             keep_vars=keep_vars)
        for hook in self._state_dict_hooks.values():
            r = hook(self, destination, prefix, {})
            if r is not None:
                destination = r
        return destination

    def get_extra_state(self) -> Any:
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never "
                           "be called.")

    def set_extra_state(self, state: Any) -> None:
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never "
                           "be called.")

    def _load_from_state_dict(self, state_dict: dict, prefix: str, local_metadata: dict,
                              strict: bool, missing_keys: list, unexpected_keys: list,
                              error_msgs: list) -> None:
        local = {k: v for k, v in itertools.chain(
            self._parameters.items(),
            ((k, v) for k, v in self._buffers.items()
             if k not in self._non_persistent_buffers_set)) if v is not None}
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, param in local.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            src = state_dict[key]
            if not isinstance(src, Tensor):
                error_msgs.append(f'While copying the parameter named "{key}", expected '
                                  "torch.Tensor or Tensor-like object from checkpoint but "
                                  f"received {type(src)}")
                continue
            if param.ndim == 0 and src.ndim == 1 and src.shape[0] == 1:
                src = src[0]
            if src.shape != param.shape:
                error_msgs.append(f"size mismatch for {key}: copying a param with shape "
                                  f"{src.shape} from checkpoint, the shape in current model is "
                                  f"{param.shape}.")
                continue
            if assign:
                new = src.detach()
                if is_parameter(param):
                    new = Parameter(new, requires_grad=param.requires_grad)
                setattr(self, name, new)
            else:
                # NOTE: copy_ under no_grad: the values change, the tensor objects (which an
                # optimizer may hold) stay the same; the version bump is what PyTorch does.
                param._data[...] = src._data
                param._vc[0] += 1
        extra_key = prefix + "_extra_state"
        if getattr(type(self), "set_extra_state", None) is not Module.set_extra_state:
            if extra_key in state_dict:
                self.set_extra_state(state_dict[extra_key])
            elif strict:
                missing_keys.append(extra_key)
        elif strict and extra_key in state_dict:
            unexpected_keys.append(extra_key)
        if strict:
            for key in state_dict:
                if key.startswith(prefix) and key != extra_key:
                    head = key[len(prefix):].split(".", 1)
                    if len(head) > 1:
                        if head[0] not in self._modules:
                            unexpected_keys.append(key)
                    elif head[0] not in local:
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict: Any, strict: bool = True, assign: bool = False
                        ) -> _IncompatibleKeys:
        """Copy parameters and buffers from `state_dict` into this module (in place).

        With ``strict`` (the default) its keys must match ``state_dict()``'s exactly; shapes
        must always match. Returns ``(missing_keys, unexpected_keys)``.
        """
        from collections.abc import Mapping
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing: list = []
        unexpected: list = []
        errors: list = []
        state_dict = OrderedDict(state_dict)
        meta = {"assign_to_params_buffers": True} if assign else {}

        def load(module: Module, local_sd: dict, prefix: str = "") -> None:
            module._load_from_state_dict(local_sd, prefix, meta, True, missing, unexpected,
                                         errors)
            for name, child in module._modules.items():
                if child is not None:
                    cp = prefix + name + "."
                    load(child, {k: v for k, v in local_sd.items() if k.startswith(cp)}, cp)
            keys = _IncompatibleKeys(missing, unexpected)
            for hook in module._load_state_dict_post_hooks.values():
                hook(module, keys)

        load(self, state_dict)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                type(self).__name__, "\n\t".join(errors)))
        return _IncompatibleKeys(missing, unexpected)

    def register_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        h = RemovableHandle(self._state_dict_hooks)
        self._state_dict_hooks[h._key] = hook
        return h

    def register_load_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        h = RemovableHandle(self._load_state_dict_post_hooks)
        self._load_state_dict_post_hooks[h._key] = hook
        return h

    # ---- copying and printing -------------------------------------------------------------
    def __setstate__(self, state: dict) -> None:
        # NOTE: copy.deepcopy copies parameters as plain tensors; mark them again
        self.__dict__.update(state)
        for p in self.__dict__.get("_parameters", {}).values():
            if p is not None and not is_parameter(p):
                _mark_parameter(p)

    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The module's own settings, shown inside its repr (override in layers)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({k}): " + _addindent(repr(m), 2) for k, m in self._modules.items()]
        lines = extra_lines + child_lines
        s = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                s += extra_lines[0]
            else:
                s += "\n  " + "\n  ".join(lines) + "\n"
        return s + ")"

    def __dir__(self) -> list:
        keys = list(object.__dir__(self))
        keys += list(self._parameters) + list(self._buffers) + list(self._modules)
        return sorted(k for k in set(keys) if not k[:1].isdigit())


# ---- full backward hooks ----------------------------------------------------------------
class _HookedArgs(tuple):
    state: _BackwardHookState


def _identity(xs: tuple) -> Any:
    return tuple(x.view_as(x) for x in xs) if len(xs) > 1 else xs[0].view_as(xs[0])


def _hook_fns() -> tuple:
    from ...autograd.function import Function

    class BackwardHookFunctionBackward(Function):
        @staticmethod
        def forward(ctx, state, *xs):
            ctx.state = state
            return _identity(xs)

        @staticmethod
        def backward(ctx, *gs):
            st = ctx.state
            gi = tuple(gs)
            for hook in list(st.module._backward_hooks.values()):
                r = hook(st.module, gi, st.grad_outputs or ())
                if r is not None:
                    gi = tuple(r)
            return (None,) + gi

    class BackwardHookOutputBackward(Function):
        @staticmethod
        def forward(ctx, state, *xs):
            ctx.state = state
            return _identity(xs)

        @staticmethod
        def backward(ctx, *gs):
            st = ctx.state
            st.grad_outputs = tuple(gs)
            if not st.has_inputs:
                for hook in list(st.module._backward_hooks.values()):
                    hook(st.module, (None,), st.grad_outputs)
            return (None,) + tuple(gs)

    return BackwardHookFunctionBackward, BackwardHookOutputBackward


_HOOK_FNS: list = []


def _apply_identity(which: int, state: Any, xs: list) -> tuple:
    if not _HOOK_FNS:
        _HOOK_FNS.extend(_hook_fns())
    out = _HOOK_FNS[which].apply(state, *xs)
    return out if isinstance(out, tuple) else (out,)


class _BackwardHookState:
    """Wires ``register_full_backward_hook``: identity Functions around forward catch
    grad_output (at the outputs) and grad_input (at the tensor inputs that require grad)."""

    def __init__(self, module: Module) -> None:
        self.module = module
        self.grad_outputs: tuple | None = None
        self.has_inputs = False

    def setup_input(self, args: tuple) -> tuple:
        idx = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        new = list(args)
        if idx:
            for i, o in zip(idx, _apply_identity(0, self, [args[i] for i in idx])):
                new[i] = o
        res = _HookedArgs(new)
        res.state = self
        self.has_inputs = bool(idx)
        return res

    def setup_output(self, result: Any) -> Any:
        outs = result if isinstance(result, tuple) else (result,)
        idx = [i for i, o in enumerate(outs) if isinstance(o, Tensor) and o.requires_grad]
        if not idx:
            return result
        lst = list(outs)
        for i, o in zip(idx, _apply_identity(1, self, [outs[i] for i in idx])):
            lst[i] = o
        return tuple(lst) if isinstance(result, tuple) else lst[0]
