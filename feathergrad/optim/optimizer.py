"""Optimizer base: parameter groups, per-parameter state, zero_grad, state_dict.

Updates run on the parameters' ndarrays in place (no graph, no new Tensors): an optimizer
step is what ``with torch.no_grad(): p -= lr * p.grad`` does, and bumps each parameter's
version counter as PyTorch's in-place update does.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any, Callable, Iterable

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor

__all__ = ["Optimizer", "required"]


class _Required:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


def _typename(v: Any) -> str:
    if isinstance(v, Tensor):
        return {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor"}.get(
            v.dtype.name, "torch.Tensor")
    return type(v).__name__


class Optimizer:
    """Base class: subclasses define ``step``; ``defaults`` fill missing group options.

    >>> opt = SGD(model.parameters(), lr=0.1)          # doctest: +SKIP
    >>> loss.backward(); opt.step(); opt.zero_grad()   # doctest: +SKIP
    """

    def __init__(self, params: Any, defaults: dict) -> None:
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {_typename(params)}")
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own options (missing ones from defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)
        for p in param_group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                f"{_typename(p)}")
            if p._grad_fn is not None:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset gradients: to None (default, as PyTorch), or zero them in place."""
        for g in self.param_groups:
            for p in g["params"]:
                if p._grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    gr = p._grad
                    if gr._grad_fn is not None:
                        gr = p._grad = gr.detach()
                    gr._data[...] = 0

    def _closure(self, closure: Callable | None) -> Any:
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def step(self, closure: Callable | None = None) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    # ---- state -----------------------------------------------------------------------
    def state_dict(self) -> dict:
        """{'state': {index: per-parameter state}, 'param_groups': [options + 'params':
        indices]}, with parameters numbered in group order (as PyTorch)."""
        mapping: dict = {}
        groups = []
        start = 0
        for g in self.param_groups:
            packed = {k: v for k, v in g.items() if k != "params"}
            for i, p in enumerate(g["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in g["params"]]
            start += len(packed["params"])
            groups.append(packed)
        state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v
                 for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore options and state saved by ``state_dict`` (tensors cast to the dtype of
        their parameter, except 'step')."""
        state_dict = copy.deepcopy(state_dict)
        groups = self.param_groups
        saved = state_dict["param_groups"]
        if len(groups) != len(saved):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = {}
        for g, s in zip(groups, saved):
            for i, p in zip(s["params"], g["params"]):
                id_map[i] = p
        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                p = id_map[k]
                state[p] = {key: _cast(p, key, val) for key, val in v.items()}
            else:
                state[k] = v
        new_groups = []
        for g, s in zip(groups, saved):
            s = dict(s)
            s["params"] = g["params"]
            new_groups.append(s)
        self.state = state
        self.param_groups = new_groups

    def __repr__(self) -> str:
        s = type(self).__name__ + " ("
        for i, g in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for k in sorted(g):
                if k != "params":
                    s += f"    {k}: {g[k]}\n"
        return s + ")"

    def __getstate__(self) -> dict:
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


def _cast(param: Tensor, key: str, value: Any) -> Any:
    if isinstance(value, Tensor) and key != "step":
        d = param._data
        if value._data.dtype.kind == "f" and value._data.dtype != d.dtype:
            return Tensor._make(value._data.astype(d.dtype))
    return value


def grads_of(group: dict) -> Iterable[tuple[Tensor, np.ndarray, np.ndarray]]:
    """(param, param array, grad array) for the parameters of a group that have a grad."""
    for p in group["params"]:
        g = p._grad
        if g is not None:
            yield p, p._data, g._data


def bump(p: Tensor) -> None:
    p._vc[0] += 1
