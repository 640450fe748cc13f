"""nn.Parameter: a leaf tensor that a Module registers as one of its parameters.

A Parameter is a plain feathergrad Tensor underneath (``type(p) is Tensor``), marked through
its extras slot, so every op's ``type(x) is Tensor`` fast path takes it unchanged.
``isinstance(p, nn.Parameter)`` answers from that mark, as PyTorch's isinstance does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor, _Extra

__all__ = ["Parameter", "Buffer", "is_parameter"]


class _ParamExtra(_Extra):
    """The extras of a parameter: the same slots, a different type (the mark)."""

    __slots__ = ()
    _repr_prefix = "Parameter containing:\n"


class _ParamMeta(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return type(obj) is Tensor and type(obj._x) is _ParamExtra

    def __subclasscheck__(cls, sub: type) -> bool:
        return type.__subclasscheck__(cls, sub)


class Parameter(Tensor, metaclass=_ParamMeta):
    """A tensor that is a module parameter: requires grad by default, listed by
    ``Module.parameters()`` when assigned as a module attribute.

    Shares memory with `data` (as PyTorch's does).

    >>> p = Parameter(zeros(2))
    >>> p
    Parameter containing:
    tensor([0., 0.], requires_grad=True)
    """

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Tensor:  # type: ignore[misc]
        if data is None:
            arr = np.zeros((0,), dtype=_dtype._default[0].np)
        elif isinstance(data, Tensor):
            arr = data._data
        else:
            raise TypeError(f"Parameter(): expected a Tensor, got {type(data).__name__}; wrap "
                            "the values first, e.g. Parameter(torch.tensor(values))")
        if requires_grad and arr.dtype.kind not in "fc":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t = Tensor._make(arr, None, bool(requires_grad))
        if isinstance(data, Tensor):
            t._vc = data._vc
        t._x = _ParamExtra()
        return t


def is_parameter(t: Any) -> bool:
    """True for a tensor made by ``nn.Parameter`` (fast check used by Module)."""
    return type(t) is Tensor and type(t._x) is _ParamExtra


def _mark_parameter(t: Tensor) -> Tensor:
    """Turn a leaf tensor into a Parameter in place (used when copying modules)."""
    x = t._x
    p = _ParamExtra()
    if x is not None:
        for s in _Extra.__slots__:
            setattr(p, s, getattr(x, s))
    t._x = p
    return t


class Buffer:
    """Marks a tensor as a module buffer when assigned as a module attribute (``nn.Buffer``):
    ``self.running = nn.Buffer(torch.zeros(3))`` is ``self.register_buffer("running", ...)``."""

    __slots__ = ("data", "persistent")

    def __init__(self, data: Tensor | None = None, *, persistent: bool = True) -> None:
        if data is None:
            data = Tensor._make(np.zeros((0,), dtype=_dtype._default[0].np))
        self.data = data
        self.persistent = persistent
