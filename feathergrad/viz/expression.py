"""Expressions typed by a user ("2*x**3 + x", "relu(x)") turned into feathergrad computations.

Parsing is done by :mod:`feathergrad._expr` (its own tokenizer and parser, never ``eval``): only
numbers, declared variables, ``+ - * / **``, parentheses and the functions listed here exist.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from .._expr import ExpressionError, evaluate, parse, variables_of

__all__ = ["UNARY", "BINARY", "CONSTANTS", "Expression", "ExpressionError", "functions"]

# The unary ops of the library a user may call; those this build lacks are left out at run time.
UNARY = ("exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "square",
         "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
         "atanh", "sigmoid", "relu", "abs", "sign", "erf", "erfc", "floor", "ceil", "round",
         "trunc", "frac", "reciprocal", "softplus", "gelu", "silu", "elu", "selu", "mish",
         "logsigmoid", "softsign", "hardtanh", "relu6", "leaky_relu")
BINARY = ("maximum", "minimum", "atan2", "hypot")
CONSTANTS = {"pi": math.pi, "e": math.e}

_cache: dict[str, Callable] = {}


def functions() -> dict[str, Callable]:
    """name -> implementation, for the listed functions this build of feathergrad has."""
    if _cache:
        return _cache
    import feathergrad
    try:
        from ..nn import functional as nnf  # activations live there
    except ImportError:   # pragma: no cover - a build without nn
        nnf = None
    for name in UNARY + BINARY:
        impl = getattr(feathergrad, name, None)
        if not callable(impl) and nnf is not None:
            impl = getattr(nnf, name, None)
        if callable(impl):
            _cache[name] = _tensor_args(impl)
    return _cache


def _tensor_args(impl: Callable) -> Callable:
    def call(*args: Any) -> Any:
        from ..tensor import Tensor
        like = next((a for a in args if isinstance(a, Tensor)), None)
        return impl(*[a if isinstance(a, Tensor) else _const(a, like) for a in args])
    call.__name__ = getattr(impl, "__name__", "f")
    return call


def _const(v: Any, like: Any) -> Any:
    import feathergrad
    dt = like.dtype if like is not None and like.is_floating_point() else feathergrad.float64
    return feathergrad.tensor(float(v), dtype=dt)


class Expression:
    """A parsed expression: ``Expression("2*x**3 + x")(x=tensor(1.))``.

    `variables` declares the variable names; left out, they are found in the text (every name
    that is neither a listed function nor a constant ``pi``/``e``).
    """

    def __init__(self, text: str, variables: Iterable[str] | None = None) -> None:
        if not isinstance(text, str):
            raise TypeError(f"expression must be a string, got {type(text).__name__}")
        self.text = text
        funcs = functions()
        arities = {n: (2 if n in BINARY else 1) for n in funcs}
        declared = list(variables) if variables is not None else _infer(text, arities)
        self.constants = {k: v for k, v in CONSTANTS.items() if k not in declared}
        self.tree = parse(text, list(declared) + list(self.constants), arities)
        self.variables = [v for v in declared if v in variables_of(self.tree)] \
            if variables is None else list(declared)

    @property
    def used(self) -> list[str]:
        """Declared variables that appear in the expression, in declaration order."""
        found = variables_of(self.tree)
        return [v for v in self.variables if v in found]

    def __call__(self, **values: Any) -> Any:
        import feathergrad
        env = dict(self.constants)
        env.update(values)
        out = evaluate(self.tree, env, functions())
        if not isinstance(out, feathergrad.Tensor):   # a constant expression
            like = next((v for v in values.values() if isinstance(v, feathergrad.Tensor)), None)
            out = _const(out, like)
            if like is not None and like.dim():
                out = out.expand(like.shape) if hasattr(out, "expand") else out
        return out

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


def _infer(text: str, arities: dict[str, int]) -> list[str]:
    """Variable names of `text`: parse, and declare each unknown name the parser reports."""
    names: list[str] = []
    for _ in range(64):   # NOTE: bounded; each round declares one more name
        try:
            tree = parse(text, names + [c for c in CONSTANTS if c not in names], arities)
        except ExpressionError as err:
            if not err.message.startswith("unknown name "):
                raise
            name = err.message.split("'")[1]
            if name in names:   # pragma: no cover - the parser accepts declared names
                raise
            if text[err.position + len(name):].lstrip(" \t").startswith("("):
                known = ", ".join(sorted(arities))
                raise ExpressionError(f"unknown function {name!r}; functions: {known}", text,
                                      err.position) from None
            names.append(name)
            continue
        used = variables_of(tree)
        return [n for n in names if n in used]
    raise ExpressionError("too many different names in the expression", text, 0)
