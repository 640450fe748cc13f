"""The ``feathergrad`` command (also ``python -m feathergrad``): derivatives from the command line.

    feathergrad diff "2*x**3 + x" --at x=1              value and derivative
    feathergrad diff "u*v + (u*v)**2" --at u=2 v=1      every partial derivative
    feathergrad diff "x**3" --at x=2 --order 2          second derivatives (Hessian)
    feathergrad diff "relu(x)" --plot relu.png --range -10:10
    feathergrad explain "x**2 + 2*x + 1" --at x=2       the backward pass, step by step
    feathergrad lab                                     the Differentiation lab, with its plots

Expressions are parsed by feathergrad's own parser (feathergrad/_expr.py), never by eval: only
numbers, the variables given with --at, + - * / **, parentheses and a fixed list of functions.
Exit codes: 0 ok, 1 a missing optional dependency, 2 bad input (message on stderr).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["main"]

MAX_ARG = 1000       # characters of any one argument (the expression has the same limit)
MAX_CLI_POINTS = 100_000
MAX_VARIABLES = 32   # a Hessian of n variables costs n backward passes and n*n numbers


class BadInput(Exception):
    """A problem with what the user typed: reported on stderr with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:   # argparse would exit; we report and return 2
        raise BadInput(f"{self.prog}: error: {message}\n{self.format_usage().strip()}")


def _parser() -> _Parser:
    from . import __version__
    p = _Parser(prog="feathergrad", allow_abbrev=False,
                description="Derivatives, plots and explanations from the command line, "
                            "computed by feathergrad (PyTorch's autograd on NumPy).")
    p.add_argument("--version", action="version", version=f"feathergrad {__version__}")
    sub = p.add_subparsers(dest="command", metavar="{diff,explain,lab}", parser_class=_Parser)
    d = sub.add_parser("diff", help="value and derivatives of an expression at a point",
                       allow_abbrev=False)
    d.add_argument("expression", help='e.g. "2*x**3 + x"')
    d.add_argument("--at", nargs="+", default=[], metavar="NAME=VALUE",
                   help="the point: one NAME=VALUE per variable (x=1 or u=2 v=1)")
    d.add_argument("--wrt", nargs="+", default=None, metavar="NAME",
                   help="differentiate only with respect to these variables")
    d.add_argument("--order", type=int, default=1, choices=(1, 2),
                   help="2: second derivatives too (the Hessian for several variables)")
    d.add_argument("--json", action="store_true", help="machine-readable output")
    d.add_argument("--plot", metavar="FILE", help="plot f and f' into FILE (png, svg, pdf)")
    d.add_argument("--range", default="-5:5", metavar="LOW:HIGH",
                   help="x range of the plot (default -5:5)")
    d.add_argument("--points", type=int, default=200, help="points of the plot (default 200)")
    d.add_argument("--show", action="store_true", help="open the plot in a window if possible")
    e = sub.add_parser("explain", help="the backward pass of an expression, step by step",
                       allow_abbrev=False)
    e.add_argument("expression", help='e.g. "x**2 + 2*x + 1"')
    e.add_argument("--at", nargs="+", default=[], metavar="NAME=VALUE", help="the point")
    lab = sub.add_parser("lab", help="run the Differentiation lab and write its plots",
                         allow_abbrev=False)
    lab.add_argument("--outdir", default=".", help="where to write the plots (default .)")
    return p


def _protect(argv: list[str], parser: _Parser) -> list[str]:
    """Let values that start with '-' through ("-x**2", "--range -10:10"): argparse would take
    them for options. A leading space makes argparse see a value; it is stripped later."""
    known = set()
    for action in parser._actions:   # the subcommands' options too
        known.update(action.option_strings)
        for sp in getattr(action, "choices", None) or {}:
            if isinstance(sp, str) and isinstance(action.choices, dict):
                known.update(o for a in action.choices[sp]._actions for o in a.option_strings)
    out = []
    for a in argv:
        if a.startswith("-") and a != "--" and a.split("=", 1)[0] not in known:
            a = " " + a
        out.append(a)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 missing dependency, 2 bad input)."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    try:
        for a in args_in:
            if not isinstance(a, str):
                raise BadInput(f"arguments must be strings, got {type(a).__name__}")
            if len(a) > MAX_ARG:
                raise BadInput(f"an argument is longer than {MAX_ARG} characters")
        args = parser.parse_args(_protect(args_in, parser))
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        if args.command == "lab":
            return _lab(args)
        return _diff(args) if args.command == "diff" else _explain(args)
    except SystemExit as exc:   # --help, --version
        return exc.code if isinstance(exc.code, int) else 0
    except BadInput as exc:
        _err(str(exc))
        return 2
    except _MissingDependency as exc:
        _err(str(exc))
        return 1
    except (ValueError, TypeError, ArithmeticError, RuntimeError, RecursionError) as exc:
        # ExpressionError is a ValueError; its str() points at the offending column
        _err(f"feathergrad: error: {exc}")
        return 2


class _MissingDependency(Exception):
    pass


def _err(text: str) -> None:
    # NOTE: input may hold any character; never let printing it fail
    enc = getattr(sys.stderr, "encoding", None) or "utf-8"
    print(text.encode(enc, "backslashreplace").decode(enc), file=sys.stderr)


# ---- diff ------------------------------------------------------------------------------------
def _setup(expression: str, at: list[str]) -> tuple[Any, dict[str, float]]:
    from ._expr import parse_assignments
    from .viz.expression import Expression
    if len(at) > MAX_VARIABLES:
        raise BadInput(f"feathergrad: error: at most {MAX_VARIABLES} variables")
    point = parse_assignments([a.strip() for a in at])
    text = expression.strip()
    found = Expression(text).variables   # names in the text; --at may add unused ones
    if len(set(found) | set(point)) > MAX_VARIABLES:
        raise BadInput(f"feathergrad: error: at most {MAX_VARIABLES} variables")
    return Expression(text, list(point) + [v for v in found if v not in point]), point


def _leaves(expr: Any, point: dict[str, float]) -> dict[str, Any]:
    import feathergrad as fg
    missing = [v for v in expr.variables if v not in point]
    if missing:
        raise BadInput("feathergrad: error: no value for " + ", ".join(missing) + "; add --at "
                       + " ".join(f"{v}=..." for v in missing))
    return {k: fg.tensor(v, dtype=fg.float64, requires_grad=True) for k, v in point.items()}


def _diff(args: argparse.Namespace) -> int:
    expr, point = _setup(args.expression, args.at)
    wrt = _wrt(args.wrt, expr.variables)
    if args.plot is None and args.show is False:
        result = _derivatives(expr, point, wrt, args.order)
        _print_result(expr, result, args.json)
        return 0
    result = None
    if point and all(v in point for v in expr.variables):
        result = _derivatives(expr, point, wrt, args.order)
    where = _plot(expr, point, wrt, args)
    if args.json:
        doc = dict(result or {"expression": expr.text})
        doc["plot"] = where
        print(json.dumps(doc, indent=2))
    else:
        if result is not None:
            _print_result(expr, result, False)
        if where:
            print(f"plot written to {where}")
    return 0


def _wrt(names: list[str] | None, variables: list[str]) -> list[str]:
    if not names:
        return list(variables)
    out = []
    for item in names:
        for n in item.strip().split(","):
            n = n.strip()
            if n not in variables:
                raise BadInput(f"feathergrad: error: --wrt {n!r} is not a variable; variables: "
                               + (", ".join(variables) or "none (give them with --at)"))
            if n not in out:
                out.append(n)
    return out


def _derivatives(expr: Any, point: dict[str, float], wrt: list[str], order: int) -> dict:
    from .autograd import grad
    leaves = _leaves(expr, point)
    with np.errstate(all="ignore"):
        y = expr(**leaves)
        value = float(y.item())
        _finite(value, "the value", expr, point)
        xs = [leaves[v] for v in wrt]
        gs = grad(y, xs, create_graph=order > 1, allow_unused=True, materialize_grads=True) \
            if y.requires_grad and xs else tuple(None for _ in xs)
        gradient = {v: 0.0 if g is None else float(g.item()) for v, g in zip(wrt, gs)}
        hessian = None
        if order > 1:
            hessian = {}
            for v, g in zip(wrt, gs):
                row = (None,) * len(xs)
                if g is not None and g.requires_grad:
                    row = grad(g, xs, retain_graph=True, allow_unused=True,
                               materialize_grads=True)
                hessian[v] = {w: 0.0 if h is None else float(h.item()) for w, h in zip(wrt, row)}
    for v, d in gradient.items():
        _finite(d, f"the derivative with respect to {v}", expr, point, inf_ok=True)
    for v, row in (hessian or {}).items():
        for w, d in row.items():
            _finite(d, f"the second derivative d2f/d{v}d{w}", expr, point, inf_ok=True)
    notes = [n for v in wrt if v in expr.used and
             (n := _kink(expr, point, v, gradient[v])) is not None]
    notes += [f"the derivative with respect to {v} is infinite here"
              for v, d in gradient.items() if math.isinf(d)]
    notes += [f"{v} does not appear in the expression: its derivative is 0"
              for v in wrt if v not in expr.used]
    out = {"expression": expr.text, "at": dict(point), "value": value, "gradient": gradient}
    if hessian is not None:
        out["hessian"] = hessian
    out["notes"] = notes
    return out


def _finite(v: float, what: str, expr: Any, point: dict, inf_ok: bool = False) -> None:
    if math.isnan(v) or (math.isinf(v) and not inf_ok):
        at = ", ".join(f"{k}={_num(x)}" for k, x in point.items())
        kind = "not a number (nan)" if math.isnan(v) else "infinite"
        raise BadInput(f"feathergrad: error: {what} of {expr.text} at {at} is {kind}: the point "
                       "is outside the domain of the expression (log or sqrt of a negative "
                       "number, 0/0, ...) or the function is not defined there")


def _kink(expr: Any, point: dict, v: str, d: float) -> str | None:
    """A note when `f` is not differentiable in `v` at the point (relu(0), abs(0), ...)."""
    from .autograd.grad_mode import no_grad
    from .autograd.gradcheck import kink_note
    x0 = point[v]
    h = 1e-6 * max(1.0, abs(x0))

    def f(dx: float) -> float:
        import feathergrad as fg
        env = {k: fg.tensor(x + (dx if k == v else 0.0), dtype=fg.float64)
               for k, x in point.items()}
        with no_grad(), np.errstate(all="ignore"):
            return float(expr(**env).item())
    f0, fm, fp, fm2, fp2 = f(0.0), f(-h), f(h), f(-h / 10), f(h / 10)
    sides = [np.array([s]) for s in ((f0 - fm) / h, (fp - f0) / h, (f0 - fm2) / (h / 10),
                                     (fp2 - f0) / (h / 10))]
    if not all(np.isfinite(s).all() for s in sides) or not math.isfinite(d):
        return None
    note = kink_note(np.array([d]), *sides, atol=1e-5, rtol=1e-3)
    if note is None or "within eps" in note:
        return None
    return note if len(point) == 1 else f"with respect to {v}: {note}"


def _num(v: float) -> str:
    if v == 0:
        return "0"
    return format(v, ".10g")


def _print_result(expr: Any, r: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(_jsonable(r), indent=2))
        return
    at = ", ".join(f"{k} = {_num(v)}" for k, v in r["at"].items())
    names = list(r["gradient"])
    print(f"f = {expr.text}" + (f"   at {at}" if at else ""))
    print(f"f = {_num(r['value'])}")
    for v, d in r["gradient"].items():
        print(f"df/d{v} = {_num(d)}")
    h = r.get("hessian")
    if h is not None:
        if len(names) == 1:
            v = names[0]
            print(f"d2f/d{v}2 = {_num(h[v][v])}")
        elif names:
            print("Hessian (second derivatives d2f/d(row) d(column)):")
            cells = [[_num(h[a][b]) for b in names] for a in names]
            width = max(len(c) for row in cells for c in row + names)
            print("  " + " " * max(len(n) for n in names) + "  "
                  + "  ".join(n.rjust(width) for n in names))
            for a, row in zip(names, cells):
                print(f"  {a.rjust(max(len(n) for n in names))}  "
                      + "  ".join(c.rjust(width) for c in row))
    for note in r.get("notes", []):
        print(f"note: {note}")


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"   # JSON has no infinity
    return v


# ---- plots -----------------------------------------------------------------------------------
def _plot(expr: Any, point: dict, wrt: list[str], args: argparse.Namespace) -> str | None:
    from .viz._plot import parse_range
    candidates = [v for v in (wrt if args.wrt else expr.variables)]
    if len(candidates) != 1:
        raise BadInput("feathergrad: error: a plot needs one variable; "
                       + (f"{expr.text} uses {', '.join(candidates)}: choose one with --wrt "
                          "and give the others with --at" if candidates else
                          "the expression has none"))
    var = candidates[0]
    others = [v for v in expr.variables if v != var and v not in point]
    if others:
        raise BadInput(f"feathergrad: error: give a value for {', '.join(others)} with --at")
    try:
        lo_hi = parse_range(args.range.strip())
    except ValueError as exc:
        raise BadInput(f"feathergrad: error: --range: {exc}") from None
    if not 2 <= args.points <= MAX_CLI_POINTS:
        raise BadInput(f"feathergrad: error: --points must be between 2 and {MAX_CLI_POINTS}")
    show = args.show and _display_available()
    if args.show and not show:
        _err("feathergrad: note: --show: no display available here; "
             + ("the plot is only written to the file" if args.plot else "use --plot FILE"))
        if not args.plot:
            raise BadInput("feathergrad: error: nothing to do: no display for --show and no "
                           "--plot FILE")
    try:
        import matplotlib
    except ImportError:
        raise _MissingDependency("feathergrad: plotting needs matplotlib: pip install "
                                 "'feathergrad[plot]'") from None
    if not show:
        matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from .viz._plot import plot_derivative
    fixed = {k: v for k, v in point.items() if k != var}

    def f(x: Any) -> Any:
        import feathergrad as fg
        return expr(**{var: x}, **{k: fg.tensor(v, dtype=fg.float64) for k, v in fixed.items()})
    f.__name__ = "f"
    fig = plot_derivative(f, lo_hi, args.points, second=args.order > 1, xlabel=var)
    fig.axes[0].set_title(f"f({var}) = {expr.text}"
                          + "".join(f", {k} = {_num(v)}" for k, v in fixed.items()))
    where = None
    try:
        if args.plot:
            where = os.path.abspath(args.plot)
            try:
                fig.savefig(args.plot)
            except (OSError, ValueError) as exc:
                raise BadInput(f"feathergrad: error: cannot write {args.plot}: {exc}") from None
        if show:
            plt.show()
    finally:
        plt.close(fig)
    return where


def _display_available() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


# ---- explain and lab -------------------------------------------------------------------------
def _explain(args: argparse.Namespace) -> int:
    from .viz._explain import explain
    expr, point = _setup(args.expression, args.at)
    leaves = _leaves(expr, point)
    with np.errstate(all="ignore"):
        y = expr(**leaves)
    if not y.requires_grad:
        raise BadInput(f"feathergrad: error: {expr.text} does not depend on "
                       f"{', '.join(point) or 'any variable'}: there is no backward pass")
    _finite(float(y.item()), "the value", expr, point)
    text = str(explain(y, names=dict(leaves, f=y)))
    # NOTE: no Python session here: the state of x.grad would only puzzle
    print("\n".join(line for line in text.splitlines() if ".grad is now" not in line))
    return 0


def _lab(args: argparse.Namespace) -> int:
    try:
        import matplotlib
    except ImportError:
        raise _MissingDependency("feathergrad: the lab needs matplotlib: pip install "
                                 "'feathergrad[plot]'") from None
    matplotlib.use("Agg", force=True)
    outdir = args.outdir.strip()
    if not os.path.isdir(outdir):
        raise BadInput(f"feathergrad: error: --outdir {outdir!r} is not a directory")
    from .viz.lab import run
    paths = run(outdir)
    print("plots written to " + " and ".join(os.path.abspath(p) for p in paths))
    return 0
