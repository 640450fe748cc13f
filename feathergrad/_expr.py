"""A small, safe arithmetic expression language for the command line.

``feathergrad diff "2*x**3 + x" --at x=1`` needs to turn user text into a
computation without ever handing that text to Python.  This module has its
own tokenizer and parser and evaluates the resulting tree with plain Python
operators, so the same tree works on floats and (later) on tensors.

Grammar (Python's precedence and associativity)::

    sum     := product (('+' | '-') product)*
    product := unary (('*' | '/') unary)*
    unary   := ('+' | '-')* primary ('**' unary)?
    primary := NUMBER | VARIABLE | FUNCTION '(' [sum (',' sum)*] ')' | '(' sum ')'

so ``**`` is right-associative and ``-x**2 == -(x**2)``.  Only declared
variables and functions are accepted.  Everything else (attributes,
subscripts, strings, keywords, dunder names, comparisons, ``//``, ``%`` ...)
raises :class:`ExpressionError`, which points at the offending column.

Limits, chosen so that any refused or accepted input costs microseconds:

* at most ``MAX_LENGTH`` (1000) characters;
* at most ``MAX_DEPTH`` (100) nested parentheses/calls, and at most 100
  levels in the resulting tree (so recursive ``==``/``repr`` of the frozen
  dataclasses stay far from Python's recursion limit);
* at most ``MAX_POWER_NESTING`` (4) ``**`` operators nested in each other;
* number literals are Python floats and must be finite; constant
  sub-expressions are folded with floats while parsing and refused if they
  overflow, divide by zero or leave the real numbers (``9**9**9**9``,
  ``10**100000``, ``1/0``).  Floats make every operation O(1): there is no
  way to build a huge Python int.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_POWER_NESTING",
    "Binary",
    "Call",
    "ExpressionError",
    "Node",
    "Num",
    "Unary",
    "Var",
    "evaluate",
    "parse",
    "parse_assignments",
    "to_source",
    "variables_of",
]

MAX_LENGTH = 1000
MAX_DEPTH = 100
MAX_POWER_NESTING = 4

_DIGITS = "0123456789"
_EXCERPT_WIDTH = 72


class ExpressionError(ValueError):
    """An expression or ``name=value`` assignment was refused.

    ``position`` is the 0-based column in ``text`` of the offending character
    (``len(text)`` for "unexpected end"); ``str()`` shows the message, the
    text and a caret under that column.

    >>> print(ExpressionError("unknown name 'y'", "x + y", 4))
    unknown name 'y'
      x + y
          ^
    """

    def __init__(self, message: str, text: str = "", position: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.position = position

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep text and position when the error crosses a process boundary.
        return (type(self), (self.message, self.text, self.position))

    def __str__(self) -> str:
        if not self.text:
            return self.message
        excerpt, column = _excerpt(self.text, self.position)
        return f"{self.message}\n  {excerpt}\n  {' ' * column}^"


def _excerpt(text: str, position: int) -> tuple[str, int]:
    """Return a printable one-line window of ``text`` and the caret column in it."""
    position = max(0, min(position, len(text)))
    start, end = 0, len(text)
    if end > _EXCERPT_WIDTH:
        start = max(0, min(position - _EXCERPT_WIDTH // 2, len(text) - _EXCERPT_WIDTH))
        end = start + _EXCERPT_WIDTH
    # One output character per input character keeps the caret aligned, and
    # ASCII-only output can be printed even when the input holds surrogates.
    shown = "".join(
        " " if ch == "\t" else ch if " " <= ch <= "~" else "?" for ch in text[start:end]
    )
    prefix = "..." if start > 0 else ""
    suffix = "..." if end < len(text) else ""
    return prefix + shown + suffix, len(prefix) + position - start


# --------------------------------------------------------------------------- nodes


@dataclass(frozen=True)
class Node:
    """Base class of the expression tree; ``pos`` is excluded from ``==``.

    >>> parse("x + 1", ["x"], []) == Binary("+", Var("x"), Num(1.0))
    True
    """


@dataclass(frozen=True)
class Num(Node):
    """A number literal, always a finite non-negative float (``Num(2.0)``)."""

    value: float
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Var(Node):
    """A declared variable (``Var("x")``)."""

    name: str
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Unary(Node):
    """Prefix ``-`` or ``+`` (``Unary("-", Var("x"))``)."""

    op: str
    operand: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Binary(Node):
    """``+ - * / **``; ``pos`` is the operator's column (``Binary("*", Num(2.0), Var("x"))``)."""

    op: str
    left: Node
    right: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Call(Node):
    """A call of a declared function (``Call("exp", (Var("x"),))``)."""

    func: str
    args: tuple[Node, ...]
    pos: int = field(default=0, compare=False)


def _children(node: Node) -> tuple[Node, ...]:
    """The operands of ``node`` in evaluation (left-to-right) order."""
    if isinstance(node, (Num, Var)):
        return ()
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return tuple(node.args)
    raise TypeError(f"not an expression node: {node!r}")


def _postorder(root: Node, combine: Callable[[Node, list[Any]], Any]) -> Any:
    """Fold the tree bottom-up with an explicit stack.

    Hand-built trees may be arbitrarily deep, so no helper here recurses.
    """
    stack: list[tuple[Node, bool]] = [(root, False)]
    results: list[Any] = []
    while stack:
        node, expanded = stack.pop()
        kids = _children(node)
        if expanded:
            cut = len(results) - len(kids)
            values = results[cut:]
            del results[cut:]
            results.append(combine(node, values))
        else:
            stack.append((node, True))
            stack.extend((kid, False) for kid in reversed(kids))
    return results[0]


# --------------------------------------------------------------------------- tokens


class _Token(NamedTuple):
    kind: str  # "num", "name", "op" or "end"
    text: str
    pos: int
    value: float = 0.0


# Characters we never accept get a specific message, because "unexpected
# character" does not tell the user *why* `x.y` or `x[0]` is refused.
_REFUSED = {
    ".": "attribute access ('.') is not allowed",
    "[": "subscripts and lists ('[') are not allowed",
    "]": "subscripts and lists (']') are not allowed",
    "{": "braces ('{') are not allowed",
    "}": "braces ('}') are not allowed",
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    ";": "only a single expression is allowed (';')",
    "=": "assignments and comparisons ('=') are not allowed",
    "<": "comparisons ('<') are not allowed",
    ">": "comparisons ('>') are not allowed",
    "!": "'!' is not allowed",
    "@": "matrix multiplication ('@') is not supported",
    "%": "the remainder operator ('%') is not supported",
    "~": "bitwise operators ('~') are not supported",
    "&": "bitwise operators ('&') are not supported",
    "|": "bitwise operators ('|') are not supported",
    "^": "'^' is not supported; use '**' for powers",
    ":": "':' is not allowed (no lambdas, slices or ':=')",
    "#": "comments ('#') are not allowed",
    "\\": "backslashes are not allowed",
    "\n": "line breaks are not allowed",
    "\r": "line breaks are not allowed",
}


def _refused_character(ch: str) -> str:
    if ch in _REFUSED:
        return _REFUSED[ch]
    if not ch.isascii():
        # ascii() so that surrogates and invisible characters are visible.
        return f"non-ASCII character {ascii(ch)} (U+{ord(ch):04X}) is not allowed"
    return f"unexpected character {ascii(ch)}"


def _name_problem(name: str) -> str | None:
    """Why ``name`` can never be a variable or function name, or None."""
    if not (name.isascii() and name.isidentifier()):
        return f"{ascii(name)} is not a valid name"
    if keyword.iskeyword(name):
        return f"keyword {name!r} is not allowed"
    if name.startswith("__") or name.endswith("__"):
        return f"dunder names ({name!r}) are not allowed"
    return None


def _scan_number(text: str, start: int) -> tuple[int, float]:
    """Scan ``123``, ``1.5``, ``.5``, ``1e-3`` at ``start``; return (end, value).

    >>> _scan_number("x=2.5e3", 2)
    (7, 2500.0)
    """
    i, n = start, len(text)
    while i < n and text[i] in _DIGITS:
        i += 1
    if i < n and text[i] == ".":
        i += 1
        while i < n and text[i] in _DIGITS:
            i += 1
    if i < n and text[i] in "eE":
        j = i + 1
        if j < n and text[j] in "+-":
            j += 1
        k = j
        while k < n and text[k] in _DIGITS:
            k += 1
        if k == j:
            raise ExpressionError("malformed exponent in number", text, i)
        i = k
    # `1x`, `0x10`, `1_000`, `1j`, `1.2.3` and `1.__class__` all end up here.
    if i < n and (text[i].isalnum() or text[i] in "_."):
        raise ExpressionError("malformed number", text, i)
    # Only ASCII digits reach float(), which would otherwise also accept
    # fullwidth digits, underscores, "inf" and "nan".
    value = float(text[start:i])
    if not math.isfinite(value):
        raise ExpressionError("number is too large for a float", text, start)
    return i, value


def _tokens(text: str) -> Iterator[_Token]:
    """Yield tokens lazily, so errors are reported in left-to-right order."""
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t":
            i += 1
        if i >= n:
            yield _Token("end", "", n)
            return
        ch = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if ch in _DIGITS or (ch == "." and nxt in _DIGITS and nxt):
            end, value = _scan_number(text, i)
            yield _Token("num", text[i:end], i, value)
            i = end
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            j = i + 1
            while j < n and text[j].isascii() and (text[j].isalnum() or text[j] == "_"):
                j += 1
            problem = _name_problem(text[i:j])
            if problem:
                raise ExpressionError(problem, text, i)
            yield _Token("name", text[i:j], i)
            i = j
        elif ch == "*" and nxt == "*":
            yield _Token("op", "**", i)
            i += 2
        elif ch == "/" and nxt == "/":
            raise ExpressionError("floor division ('//') is not supported", text, i)
        elif ch in "+-*/(),":
            yield _Token("op", ch, i)
            i += 1
        else:
            raise ExpressionError(_refused_character(ch), text, i)


# --------------------------------------------------------------------------- parser

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _apply_binary(op: str, left: Any, right: Any) -> Any:
    """Apply a binary operator with Python semantics (floats for int powers)."""
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if op == "/":
        return left / right
    if op == "**":
        # int ** int can build an unbounded Python int (9**9**9); a float
        # power is O(1) and overflows with an error instead.
        if isinstance(left, int) and isinstance(right, int):
            left, right = float(left), float(right)
        return left**right
    raise ValueError(f"unknown binary operator {op!r}")


class _Parser:
    """Recursive descent with explicit nesting limits.

    Only parentheses, calls and ``**`` exponents recurse (three Python frames
    per level, four for a call); ``+ - * /`` chains and prefix signs are
    handled in loops, so the worst accepted input needs about 420 frames.
    """

    def __init__(self, text: str, variables: frozenset[str], arities: dict[str, int]) -> None:
        self.text = text
        self.variables = variables
        self.arities = arities
        self.tokens = _tokens(text)
        self.tok = next(self.tokens)
        self.nesting = 0
        self.power_nesting = 0
        # id(node) -> (tree depth, '**' nesting, constant value or None) for
        # nodes not yet attached to a parent.
        self.info: dict[int, tuple[int, int, float | None]] = {}

    def error(self, message: str, position: int) -> ExpressionError:
        return ExpressionError(message, self.text, position)

    def advance(self) -> _Token:
        tok = self.tok
        if tok.kind != "end":
            self.tok = next(self.tokens)
        return tok

    def at(self, text: str) -> bool:
        return self.tok.kind == "op" and self.tok.text == text

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error("empty expression", self.tok.pos)
        node = self.sum()
        if self.tok.kind != "end":
            raise self.unexpected_after_operand()
        return node

    def unexpected_after_operand(self) -> ExpressionError:
        tok = self.tok
        if tok.text == ")":
            return self.error("unmatched ')'", tok.pos)
        if tok.text == ",":
            return self.error("commas are only allowed between function arguments", tok.pos)
        return self.error(f"missing operator before {tok.text!r}", tok.pos)

    def enter(self, tok: _Token) -> None:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise self.error(f"too many nested parentheses (limit {MAX_DEPTH})", tok.pos)

    def build(self, node: Node) -> Node:
        """Record depth, '**' nesting and constant value of ``node``; enforce limits."""
        infos = [self.info.pop(id(kid)) for kid in _children(node)]
        depth = 1 + max((info[0] for info in infos), default=0)
        if depth > MAX_DEPTH:
            raise self.error(f"expression is nested too deeply (limit {MAX_DEPTH})", node.pos)
        is_power = isinstance(node, Binary) and node.op == "**"
        powers = max((info[1] for info in infos), default=0) + is_power
        if powers > MAX_POWER_NESTING:
            raise self.error(f"too many nested '**' (limit {MAX_POWER_NESTING})", node.pos)
        self.info[id(node)] = (depth, powers, self.fold(node, [info[2] for info in infos]))
        return node

    def fold(self, node: Node, constants: list[float | None]) -> float | None:
        """Evaluate constant sub-expressions with floats to refuse overflow early."""
        if isinstance(node, Num):
            return node.value
        if isinstance(node, (Var, Call)) or any(c is None for c in constants):
            return None  # function results are unknown until evaluation
        if isinstance(node, Unary):
            return -constants[0] if node.op == "-" else constants[0]
        assert isinstance(node, Binary)
        try:
            value = _apply_binary(node.op, constants[0], constants[1])
        except ZeroDivisionError:
            raise self.error("constant expression divides by zero", node.pos) from None
        except OverflowError:
            raise self.error("constant expression is too large for a float", node.pos) from None
        if isinstance(value, complex):
            raise self.error("constant expression is not a real number", node.pos)
        if not math.isfinite(value):
            raise self.error("constant expression is too large for a float", node.pos)
        return value

    def sum(self) -> Node:
        # Shunting-yard over the two left-associative levels keeps the Python
        # stack flat for long chains such as `x + x + ... + x`.
        operands = [self.unary()]
        operators: list[_Token] = []
        while self.tok.kind == "op" and self.tok.text in _PRECEDENCE:
            op = self.advance()
            while operators and _PRECEDENCE[operators[-1].text] >= _PRECEDENCE[op.text]:
                self.reduce(operands, operators)
            operators.append(op)
            operands.append(self.unary())
        while operators:
            self.reduce(operands, operators)
        return operands[0]

    def reduce(self, operands: list[Node], operators: list[_Token]) -> None:
        op = operators.pop()
        right = operands.pop()
        left = operands.pop()
        operands.append(self.build(Binary(op.text, left, right, op.pos)))

    def unary(self) -> Node:
        prefixes: list[_Token] = []
        while self.at("-") or self.at("+"):
            prefixes.append(self.advance())
        node = self.primary()
        if self.at("**"):
            op = self.advance()
            # Checked before recursing so `2**2**2**...` cannot go deep.
            if self.power_nesting >= MAX_POWER_NESTING:
                raise self.error(f"too many nested '**' (limit {MAX_POWER_NESTING})", op.pos)
            self.power_nesting += 1
            exponent = self.unary()  # Python: the exponent may carry a sign
            self.power_nesting -= 1
            node = self.build(Binary("**", node, exponent, op.pos))
        for sign in reversed(prefixes):  # signs bind looser than '**'
            node = self.build(Unary(sign.text, node, sign.pos))
        return node

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return self.build(Num(tok.value, tok.pos))
        if tok.kind == "name":
            return self.name()
        if self.at("("):
            self.enter(tok)
            self.advance()
            node = self.sum()
            self.close(tok)
            return node
        if tok.kind == "end":
            raise self.error("unexpected end of expression", tok.pos)
        raise self.error(
            f"expected a number, a variable, a function call or '(', found {tok.text!r}", tok.pos
        )

    def close(self, opening: _Token) -> _Token:
        if self.at(")"):
            self.nesting -= 1
            return self.advance()
        if self.tok.kind == "end":
            raise self.error("'(' was never closed", opening.pos)
        raise self.unexpected_after_operand()

    def name(self) -> Node:
        tok = self.advance()
        name = tok.text
        if name in self.arities:
            if not self.at("("):
                raise self.error(f"function {name!r} must be called, as in {name}(x)", tok.pos)
            opening = self.tok
            self.enter(opening)
            self.advance()
            first = self.tok.pos
            args: list[Node] = []
            commas: list[int] = []
            if not self.at(")"):
                args.append(self.sum())
                while self.at(","):
                    commas.append(self.advance().pos)
                    args.append(self.sum())
            closing = self.close(opening)
            arity = self.arities[name]
            if len(args) != arity:
                plural = "" if arity == 1 else "s"
                message = f"{name}() takes exactly {arity} argument{plural} ({len(args)} given)"
                if len(args) < arity:
                    raise self.error(message, closing.pos)
                raise self.error(message, commas[arity - 1] if arity else first)
            return self.build(Call(name, tuple(args), tok.pos))
        if name in self.variables:
            if self.at("("):
                raise self.error(f"{name!r} is a variable, not a function", self.tok.pos)
            return self.build(Var(name, tok.pos))
        raise self.error(f"unknown name {name!r}; {self.declared()}", tok.pos)

    def declared(self) -> str:
        def listing(names: Iterable[str]) -> str:
            ordered = sorted(names)
            more = ", ..." if len(ordered) > 12 else ""
            return ", ".join(ordered[:12]) + more if ordered else "none"

        return f"variables: {listing(self.variables)}; functions: {listing(self.arities)}"


def _declared_names(names: Iterable[str], kind: str) -> list[str]:
    # A lone string is iterable too; "xy" would silently declare x and y.
    if isinstance(names, str):
        raise TypeError(f"{kind} names must be a collection of strings, not a string")
    checked = list(names)
    for name in checked:
        if not isinstance(name, str):
            raise TypeError(f"{kind} names must be strings, got {name!r}")
        problem = _name_problem(name)
        if problem:
            raise ValueError(f"invalid {kind} name: {problem}")
    return checked


def _arities(functions: Iterable[str] | Mapping[str, Any]) -> dict[str, int]:
    """Function name -> number of arguments; mapping values that are ints are arities."""
    arities = {name: 1 for name in _declared_names(functions, "function")}
    if isinstance(functions, Mapping):
        for name, spec in functions.items():
            if isinstance(spec, int) and not isinstance(spec, bool):
                if spec < 0:
                    raise ValueError(f"arity of {name!r} must be >= 0, got {spec}")
                arities[name] = spec
    return arities


def parse(
    text: str, variables: Iterable[str], functions: Iterable[str] | Mapping[str, Any]
) -> Node:
    """Parse ``text`` into a tree, refusing anything outside the language.

    ``functions`` is a collection of names (one argument each) or a mapping
    whose int values declare other arities, e.g. ``{"exp": 1, "atan2": 2}``;
    a mapping of name to callable (as given to :func:`evaluate`) also works.

    >>> parse("-x**2", ["x"], ["exp"])
    Unary(op='-', operand=Binary(op='**', left=Var(name='x', pos=1), right=Num(value=2.0, pos=4), pos=2), pos=0)
    """  # noqa: E501
    if not isinstance(text, str):
        raise TypeError(f"expression must be a string, got {type(text).__name__}")
    names = frozenset(_declared_names(variables, "variable"))
    arities = _arities(functions)
    both = names & arities.keys()
    if both:
        raise ValueError(f"names declared as both variable and function: {sorted(both)}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is longer than {MAX_LENGTH} characters", text, MAX_LENGTH
        )
    return _Parser(text, names, arities).parse()


# --------------------------------------------------------------------------- tree use


def evaluate(node: Node, env: Mapping[str, Any], functions: Mapping[str, Callable]) -> Any:
    """Evaluate ``node`` with Python operators on the objects in ``env``.

    Works for anything supporting ``+ - * / **`` and unary ``-`` (unary ``+``
    is the identity).  Arithmetic errors of the values (ZeroDivisionError,
    OverflowError ...) propagate unchanged.

    >>> import math
    >>> evaluate(parse("2*x**3 + exp(x)", ["x"], ["exp"]), {"x": 0.0}, {"exp": math.exp})
    1.0
    """

    def combine(node: Node, values: list[Any]) -> Any:
        if isinstance(node, Num):
            return node.value
        if isinstance(node, Var):
            if node.name not in env:
                raise ExpressionError(f"no value given for variable {node.name!r}", "", node.pos)
            return env[node.name]
        if isinstance(node, Unary):
            if node.op == "-":
                return -values[0]
            if node.op == "+":
                return values[0]
            raise ValueError(f"unknown unary operator {node.op!r}")
        if isinstance(node, Binary):
            return _apply_binary(node.op, values[0], values[1])
        assert isinstance(node, Call)
        if node.func not in functions:
            raise ExpressionError(f"no implementation given for {node.func!r}", "", node.pos)
        return functions[node.func](*values)

    return _postorder(node, combine)


_ATOM, _POWER, _UNARY, _PRODUCT, _SUM = 5, 4, 3, 2, 1


def _format_number(value: float) -> str:
    # repr() of a float round-trips exactly; signs are Unary nodes, not part of Num.
    if not (math.isfinite(value) and math.copysign(1.0, value) > 0):
        raise ValueError(f"Num values must be finite and non-negative, got {value!r}")
    return repr(float(value))


def to_source(node: Node) -> str:
    """Canonical text for ``node``, with parentheses only where needed.

    ``parse(to_source(tree), ...) == tree`` for every tree :func:`parse` returns.

    >>> to_source(parse("((-x) ** 2) * (y+1)", ["x", "y"], []))
    '(-x)**2.0 * (y + 1.0)'
    """

    def wrap(part: tuple[str, int], needs_parens: bool) -> str:
        return f"({part[0]})" if needs_parens else part[0]

    def combine(node: Node, parts: list[tuple[str, int]]) -> tuple[str, int]:
        if isinstance(node, Num):
            return _format_number(node.value), _ATOM
        if isinstance(node, Var):
            if _name_problem(node.name):
                raise ValueError(f"invalid variable name {node.name!r}")
            return node.name, _ATOM
        if isinstance(node, Call):
            if _name_problem(node.func):
                raise ValueError(f"invalid function name {node.func!r}")
            return f"{node.func}({', '.join(text for text, _ in parts)})", _ATOM
        if isinstance(node, Unary):
            if node.op not in ("-", "+"):
                raise ValueError(f"unknown unary operator {node.op!r}")
            return node.op + wrap(parts[0], parts[0][1] < _UNARY), _UNARY
        assert isinstance(node, Binary)
        left, right = parts
        if node.op == "**":  # base must be an atom; exponent may be signed
            return f"{wrap(left, left[1] < _ATOM)}**{wrap(right, right[1] < _UNARY)}", _POWER
        if node.op not in _PRECEDENCE:
            raise ValueError(f"unknown binary operator {node.op!r}")
        prec = _SUM if node.op in "+-" else _PRODUCT
        # Left-associative: equal precedence needs parentheses on the right only.
        text = f"{wrap(left, left[1] < prec)} {node.op} {wrap(right, right[1] <= prec)}"
        return text, prec

    return _postorder(node, combine)[0]


def variables_of(node: Node) -> set[str]:
    """Names of the variables used in ``node``.

    >>> sorted(variables_of(parse("x * exp(y) + x", ["x", "y", "z"], ["exp"])))
    ['x', 'y']
    """
    names: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Var):
            names.add(current.name)
        stack.extend(_children(current))
    return names


def parse_assignments(items: Iterable[str]) -> dict[str, float]:
    """Parse command-line ``name=value`` items into finite floats.

    >>> parse_assignments(["x=1", "u = 2", "v=-1.5e-3"])
    {'x': 1.0, 'u': 2.0, 'v': -0.0015}
    """
    if isinstance(items, str):
        raise TypeError("items must be a list of 'name=value' strings, not a string")
    result: dict[str, float] = {}
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"assignment must be a string, got {item!r}")
        if len(item) > MAX_LENGTH:
            raise ExpressionError(
                f"assignment is longer than {MAX_LENGTH} characters", item, MAX_LENGTH
            )
        equals = item.find("=")
        if equals < 0:
            raise ExpressionError("expected name=value, as in x=1", item, len(item))
        start = len(item) - len(item.lstrip(" \t"))
        name = item[start:equals].rstrip(" \t")
        if not name:
            raise ExpressionError("missing variable name before '='", item, equals)
        problem = _name_problem(name)
        if problem:
            raise ExpressionError(f"invalid variable name: {problem}", item, start)
        if name in result:
            raise ExpressionError(f"variable {name!r} is assigned twice", item, start)
        i = equals + 1
        while i < len(item) and item[i] in " \t":
            i += 1
        sign = item[i] if i < len(item) and item[i] in "+-" else ""
        i += len(sign)
        ch, nxt = item[i : i + 1], item[i + 1 : i + 2]
        if not ((ch and ch in _DIGITS) or (ch == "." and nxt and nxt in _DIGITS)):
            raise ExpressionError("expected a number after '='", item, i)
        end, value = _scan_number(item, i)
        if item[end:].strip(" \t"):
            raise ExpressionError("unexpected text after the number", item, end)
        result[name] = -value if sign == "-" else value
    return result
