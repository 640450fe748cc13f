"""functional_call: run a module with some of its parameters and buffers replaced."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def _slots(module: Any) -> dict:
    """Every parameter and buffer by dotted name (shared ones under each of their names):
    name -> (owning module, table name, key)."""
    out: dict = {}
    stack = [("", module)]
    seen: set = set()
    while stack:
        prefix, m = stack.pop()
        if id(m) in seen and not prefix:
            continue
        seen.add(id(m))
        for table in ("_parameters", "_buffers"):
            for k, v in m.__dict__.get(table, {}).items():
                if v is not None:
                    out[prefix + k] = (m, table, k)
        for k, sub in m.__dict__.get("_modules", {}).items():
            if sub is not None:
                stack.append((prefix + k + ".", sub))
    return out


def functional_call(module: Any, parameter_and_buffer_dicts: Any, args: Any = None,
                    kwargs: dict | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """Call ``module(*args, **kwargs)`` with its parameters and buffers replaced by the tensors
    in `parameter_and_buffer_dicts` (a dict name -> tensor, or a tuple of dicts), restored
    afterwards. The module's forward is then a function of those tensors, which the function
    transforms can differentiate (``grad(lambda p: loss(functional_call(model, p, x)))``).

    With `tie_weights`, a replaced tensor also replaces every name sharing it in the module;
    with `strict`, the names must be exactly the module's parameters and buffers.
    """
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, dict):
        params = dict(dicts)
    else:
        params = {}
        seen = set()
        for d in dicts:
            dup = sorted(set(d) & seen)
            if dup:
                raise ValueError(f"{dup} appeared in multiple dictionaries; behavior of "
                                 "functional call is ambiguous")
            seen.update(d)
            params.update(d)
    slots = _slots(module)
    if tie_weights:
        by_id: dict = {}
        for name, (m, table, k) in slots.items():
            by_id.setdefault(id(m.__dict__[table][k]), []).append(name)
        for names in by_id.values():
            given = [n for n in names if n in params]
            if len(given) > 1 and any(params[n] is not params[given[0]] for n in given[1:]):
                raise ValueError(f"functional_call got multiple values for keys {sorted(given)}, "
                                 "which are tied. Consider using tie_weights=False")
            if given:
                for n in names:
                    params.setdefault(n, params[given[0]])
    if strict:
        unexpected = [k for k in params if k not in slots]
        missing = [k for k in slots if k not in params]
        if unexpected or missing:
            msg = f"Error(s) in reparametrizing for {type(module).__name__}:"
            if unexpected:
                msg += "\n\tUnexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected) + "."
            if missing:
                msg += "\n\tMissing key(s): " + ", ".join(f"'{k}'" for k in missing) + "."
            raise RuntimeError(msg)
    undo: list = []
    try:
        for name, value in params.items():
            slot = slots.get(name)
            if slot is not None:
                m, table, k = slot
                undo.append((m.__dict__[table], k, m.__dict__[table][k]))
                m.__dict__[table][k] = value
            else:   # not a parameter or buffer: a plain attribute while the call runs
                owner, _, attr = name.rpartition(".")
                m = module.get_submodule(owner) if owner else module
                undo.append((m, attr, m.__dict__.get(attr, _MISSING)))
                object.__setattr__(m, attr, value)
        if args is None:
            args = ()
        elif not isinstance(args, tuple):
            args = (args,)
        return module(*args, **(kwargs or {}))
    finally:
        for target, k, old in reversed(undo):
            if isinstance(target, dict):
                target[k] = old
            elif old is _MISSING:
                object.__delattr__(target, k)
            else:
                object.__setattr__(target, k, old)


def stack_module_state(models: Any) -> tuple[dict, dict]:
    """The parameters and buffers of same-shaped `models`, stacked along a new first dim
    (``(params, buffers)`` dicts): with ``vmap(functional_call)`` an ensemble runs as one.

    Stacked parameters are fresh leaves that require grad when the models' parameters do.
    """
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if len({m.training for m in models}) != 1:
        raise RuntimeError("stack_module_state: Expected all models to have the same "
                           "training/eval mode.")
    if any(type(m) is not type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    from .. import stack

    def stacked(tensors: tuple, name: str) -> Any:
        flags = {t.requires_grad for t in tensors}
        if len(flags) != 1:
            raise RuntimeError(f"Expected {name} from each model to have the same "
                               ".requires_grad")
        out = stack(tensors)
        return out.detach().requires_grad_() if flags == {True} else out
    params = [dict(m.named_parameters()) for m in models]
    buffers = [dict(m.named_buffers()) for m in models]
    return ({k: stacked(tuple(p[k] for p in params), k) for k in params[0]},
            {k: stacked(tuple(b[k] for b in buffers), k) for k in buffers[0]})
