"""check_function: test a custom Function's backward against finite differences and name the
mistake in words (backward ignores grad_output, wrong sign, a factor off, gradients swapped,
transposed, None where a gradient is due, inputs or grad_output modified in place).

It goes further than gradcheck in one way that matters for hand-written backwards: besides the
Jacobian (grad_output = unit vectors, where ``return 2*i`` looks right) it checks that backward
is linear in grad_output, which is what the chain rule needs.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from .gradcheck import GradcheckError, kink_note, one_sided

__all__ = ["check_function", "set_check_functions", "FunctionCheck"]


class FunctionCheck:
    """What :func:`check_function` found: truthy when backward is right.

    ``problems`` are mistakes (in words); ``notes`` are conventions at kinks, not mistakes.
    """

    def __init__(self, name: str, problems: list[str], notes: list[str], where: str) -> None:
        self.name = name
        self.problems = problems
        self.notes = notes
        self.where = where

    @property
    def ok(self) -> bool:
        """True when no problem was found (notes about kinks are not problems)."""
        return not self.problems

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = f"check_function({self.name}) at {self.where}: "
        if self.ok:
            head += "passed: backward agrees with finite differences"
        else:
            head += "FAILED"
        lines = [head] + [f"  problem: {p}" for p in self.problems]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:   # IPython/Jupyter
        p.text(str(self))


def check_function(fn: Any, *inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
                   rtol: float = 1e-3, raise_exception: bool = False) -> FunctionCheck:
    """Check the backward of the custom Function `fn` (a ``Function`` subclass or its
    ``.apply``) at `inputs` against central finite differences in float64, and say in words
    what is wrong. Floating point Tensor inputs are differentiated (those with
    ``requires_grad=True``, or all of them when none has it); they are copied, never modified.

    At a point where the function is not differentiable (relu or abs at 0, ties of max) the
    value backward uses is reported as a convention in ``notes``, not as a mistake.
    Raises GradcheckError with the same text when `raise_exception` and a check fails.

    >>> check_function(SQ, tensor(2.))      # the lab's SQ: backward returns 2*i
    check_function(SQ) at i = 2: FAILED
      problem: backward ignores grad_output: ...
    """
    cls = _function_class(fn)
    from ..autograd.grad_mode import enable_grad
    with enable_grad(), np.errstate(all="ignore"):
        report = _Checker(cls, inputs, eps, atol, rtol).run()
    if raise_exception and not report.ok:
        raise GradcheckError(str(report))
    return report


def _function_class(fn: Any) -> type:
    cls = getattr(fn, "__self__", fn)   # SQ.apply is a bound classmethod
    if not (isinstance(cls, type) and hasattr(cls, "_backward_cls")):
        raise TypeError("check_function() expects a custom autograd Function (a subclass of "
                        f"torch.autograd.Function, or its .apply), got {fn!r}")
    return cls


class _Checker:
    def __init__(self, cls: type, inputs: tuple, eps: float, atol: float, rtol: float) -> None:
        from ..tensor import Tensor
        self.cls, self.eps, self.atol, self.rtol = cls, eps, atol, rtol
        self.problems: list[str] = []
        self.notes: list[str] = []
        any_rg = any(isinstance(a, Tensor) and a._requires_grad for a in inputs)
        self.values: list[Any] = []   # float64 arrays for differentiated inputs, else as given
        self.diff: list[int] = []
        for i, a in enumerate(inputs):
            if isinstance(a, Tensor) and a._data.dtype.kind == "f" and (a._requires_grad
                                                                      or not any_rg):
                self.values.append(np.array(a._data, dtype=np.float64))
                self.diff.append(i)
            elif isinstance(a, Tensor):
                self.values.append(np.array(a._data))
            else:
                self.values.append(a)
        self.is_tensor = [isinstance(a, Tensor) for a in inputs]
        self.names = _param_names(cls, len(inputs))

    # ---- calling the Function on fresh copies ----
    def fresh(self, values: list | None = None) -> list:
        from ..tensor import Tensor
        out = []
        for i, v in enumerate(values or self.values):
            if self.is_tensor[i]:
                out.append(Tensor._make(np.array(v), None, i in self.diff))
            else:
                out.append(v)
        return out

    def forward(self, ins: list) -> list:
        from ..tensor import Tensor
        res = _Guard.call(self.cls, ins)
        outs = [res] if isinstance(res, Tensor) else [o for o in res if isinstance(o, Tensor)]
        return [o for o in outs if o._data.dtype.kind == "f"]

    def values_at(self, i: int, k: int, h: float) -> list[np.ndarray]:
        from .grad_mode import no_grad
        vals = list(self.values)
        v = vals[i].copy()
        v.reshape(-1)[k] += h
        vals[i] = v
        with no_grad():
            return [o._data.astype(np.float64).ravel() for o in self.forward(self.fresh(vals))]

    # ---- the checks ----
    def run(self) -> FunctionCheck:
        name = self.cls.__name__
        where = ", ".join(f"{self.names[i]} = {_short(self.values[i])}" for i in self.diff) \
            or "the given inputs"
        report = FunctionCheck(name, self.problems, self.notes, where)
        if not self.diff:
            self.problems.append("no floating point Tensor input to differentiate")
            return report
        ins = self.fresh()
        try:
            outs = self.forward(ins)
        except Exception as exc:
            self.problems.append(f"forward raised {type(exc).__name__}: {_first(exc)}")
            return report
        self._inputs_untouched(ins, outs)
        live = [o for o in outs if o._requires_grad]
        if not live:
            self.problems.append("forward returned no floating point Tensor connected to the "
                                 "graph, so there is nothing to differentiate")
            return report
        try:
            jac_a = self.analytical(ins, live)
            probes = self.probes(ins, live)
        except Exception as exc:
            self.problems.append(f"backward raised {type(exc).__name__}: {_first(exc)}")
            return report
        jac_n, sides = self.numerical(len(live))
        self.linearity(jac_a, jac_n, probes, live)
        if not self.problems:
            self.jacobian(jac_a, jac_n, sides)
        else:
            self.kink_notes(jac_a, sides)
        return report

    def _inputs_untouched(self, ins: list, outs: list) -> None:
        for i in self.diff:
            if not np.array_equal(ins[i]._data, self.values[i], equal_nan=True) and \
                    not any(o is ins[i] for o in outs):
                self.problems.append(
                    f"forward modified its input {self.names[i]} in place without "
                    "ctx.mark_dirty(); compute a new tensor instead (or mark it dirty and return "
                    "it)")

    def grads(self, ins: list, live: list, vs: list[np.ndarray]) -> list[np.ndarray | None]:
        """What backward returns for grad_outputs vs, per differentiated input."""
        from ..autograd import grad
        gs = grad(live, [ins[i] for i in self.diff], [_tensor(v, o) for o, v in zip(live, vs)],
                  retain_graph=True, allow_unused=True)
        return [None if g is None else g._data.astype(np.float64).ravel() for g in gs]

    def analytical(self, ins: list, live: list) -> list[list[np.ndarray | None]]:
        """jac[i][j]: (n_in_i, n_out_j) from backward with unit grad_outputs."""
        sizes = [o._data.size for o in live]
        jac: list[list[Any]] = [[np.zeros((self.values[i].size, n)) for n in sizes]
                                for i in self.diff]
        none = set()
        for j in range(len(live)):
            for k in range(sizes[j]):
                vs = [np.zeros(p._data.shape) for p in live]
                vs[j].reshape(-1)[k] = 1.0
                for n, g in enumerate(self.grads(ins, live, vs)):
                    if g is None:
                        none.add((n, j))
                    else:
                        jac[n][j][:, k] = g
        for n, j in none:
            jac[n][j] = None
        return jac

    def probes(self, ins: list, live: list) -> dict:
        rng = np.random.default_rng(0)
        v1 = [np.asarray(rng.standard_normal(o._data.shape) + 0.5) for o in live]
        v3 = [np.asarray(rng.standard_normal(o._data.shape) - 0.5) for o in live]
        keep = [v.copy() for v in v1]
        tv = [_tensor(v, o) for v, o in zip(v1, live)]
        from ..autograd import grad
        gs = grad(live, [ins[i] for i in self.diff], tv, retain_graph=True, allow_unused=True)
        if any(not np.array_equal(t._data, k.astype(t._data.dtype)) for t, k in zip(tv, keep)):
            self.problems.append("backward modified grad_output in place; compute a new tensor "
                                 "(grad_output * ...) instead of grad_output *= ...")
        r1 = [None if g is None else g._data.astype(np.float64).ravel() for g in gs]
        return {"v1": v1, "r1": r1, "r2": self.grads(ins, live, [2 * v for v in v1]),
                "v3": v3, "r3": self.grads(ins, live, v3)}

    def numerical(self, n_out: int) -> tuple[list, dict]:
        """Central differences jac[i][j], and the one-sided ones (left, right) per element."""
        jac, sides = [], {}
        with np.errstate(all="ignore"):
            for n, i in enumerate(self.diff):
                size = self.values[i].size
                f0 = self.values_at(i, 0, 0.0) if size else []
                cols = [[None] * size for _ in range(n_out)]
                for k in range(size):
                    fm, fp = self.values_at(i, k, -self.eps), self.values_at(i, k, self.eps)
                    for j in range(n_out):
                        cols[j][k] = (fp[j] - fm[j]) / (2 * self.eps)
                        sides[(n, j, k)] = ((f0[j] - fm[j]) / self.eps,
                                            (fp[j] - f0[j]) / self.eps)
                jac.append([np.array(c).reshape(size, -1) for c in cols])
        return jac, sides

    def linearity(self, jac_a: list, jac_n: list, probes: dict, live: list) -> None:
        """Backward must be the vector-Jacobian product: linear in grad_output."""
        v1 = np.concatenate([v.ravel() for v in probes["v1"]])
        for n, i in enumerate(self.diff):
            r1, r2, r3 = probes["r1"][n], probes["r2"][n], probes["r3"][n]
            if r1 is None or r2 is None or r3 is None or any(a is None for a in jac_a[n]):
                continue
            want = np.concatenate(jac_n[n], axis=1) @ v1
            if self.close(r1, want):
                continue
            name = self.names[i]
            if self.close(r1, r2) and self.close(r1, r3) and not self.close(r1, 0 * r1):
                self.problems.append(
                    f"backward ignores grad_output: for {name} it returns {_short(r1)} whatever "
                    f"grad_output is (with grad_output = {_short(v1)} the chain rule needs "
                    f"{_short(want)}). Multiply the local derivative by grad_output: "
                    f"return grad_output * (d output / d {name}).")
            elif not self.close(r2, 2 * r1):
                self.problems.append(
                    f"backward is not linear in grad_output for {name}: doubling grad_output "
                    f"gives {_short(r2)} instead of {_short(2 * r1)}. The chain rule multiplies "
                    "grad_output by the local derivative once (no powers of grad_output, no "
                    "grad_output added).")
            elif not self.close(r1, np.concatenate(jac_a[n], axis=1) @ v1):
                self.problems.append(
                    f"backward for {name} depends on grad_output in a way that is not a "
                    "vector-Jacobian product (it mixes the elements of grad_output wrongly)")

    def jacobian(self, jac_a: list, jac_n: list, sides: dict) -> None:
        for n, i in enumerate(self.diff):
            name = self.names[i]
            for j, (a, num) in enumerate(zip(jac_a[n], jac_n[n])):
                if a is None:
                    if np.any(np.abs(num) > self.atol):
                        self.problems.append(
                            f"backward returned None for {name}, but the output depends on it "
                            f"(numerical derivative {_short(num)}); return its gradient")
                    continue
                bad = [k for k in range(a.shape[0]) if not self.close(a[k], num[k])]
                bad = [k for k in bad if not self.kink(n, i, j, k, a[k], sides, report=True)]
                self.kink_notes_for(n, i, j, a, sides, skip=set(bad))
                if bad:
                    self.problems.append(self.diagnose(n, i, j, a, num, jac_n))

    def kink_notes(self, jac_a: list, sides: dict) -> None:
        for n, i in enumerate(self.diff):
            for j, a in enumerate(jac_a[n]):
                if a is not None:
                    self.kink_notes_for(n, i, j, a, sides, skip=set())

    def kink_notes_for(self, n: int, i: int, j: int, a: np.ndarray, sides: dict,
                       skip: set) -> None:
        for k in range(a.shape[0]):
            if k not in skip and (n, j, k) in sides and not self.noted(i, k):
                left, right = sides[(n, j, k)]
                tol = self.atol + self.rtol * np.maximum(np.abs(left), np.abs(right))
                if np.any(np.abs(left - right) > tol):
                    self.kink(n, i, j, k, a[k], sides, report=True)

    def noted(self, i: int, k: int) -> bool:
        tag = f"{self.names[i]}{_index(self.values[i], k)}"
        return any(note.startswith(tag + ":") for note in self.notes)

    def kink(self, n: int, i: int, j: int, k: int, a_row: np.ndarray, sides: dict,
             report: bool) -> bool:
        def func(*args: Any) -> Any:
            return self.forward(list(args))
        ins = self.fresh()
        per_out = one_sided(func, tuple(ins), i, k, self.eps)
        note = kink_note(a_row, *per_out[j], atol=self.atol, rtol=self.rtol)
        if note is None:
            return False
        if report and not self.noted(i, k):
            self.notes.append(f"{self.names[i]}{_index(self.values[i], k)}: {note}")
        return True

    def diagnose(self, n: int, i: int, j: int, a: np.ndarray, num: np.ndarray,
                 jac_n: list) -> str:
        name = self.names[i]
        if not np.any(a) and np.any(num):
            return (f"backward returns 0 for {name}, but the output depends on it (numerical "
                    f"derivative {_short(num)})")
        for m, other in enumerate(self.diff):
            if m != n and jac_n[m][j].shape == a.shape and self.close(a, jac_n[m][j]):
                return (f"backward returns the gradients in the wrong order: what it returns "
                        f"for {name} is the derivative with respect to {self.names[other]}; "
                        "return one gradient per forward input, in the order of forward's "
                        "arguments")
        denom = float(np.sum(num * num))
        if denom > 0:
            c = float(np.sum(a * num)) / denom
            if self.close(a, c * num):
                if abs(c + 1) < 1e-3:
                    return (f"the gradient for {name} has the wrong sign: backward returns "
                            f"{_short(a)}, finite differences give {_short(num)}")
                hint = " (a factor 2 missing?)" if abs(c - 0.5) < 1e-3 else \
                    " (an extra factor 2?)" if abs(c - 2) < 1e-3 else ""
                return (f"the gradient for {name} is off by a factor of {c:.6g}{hint}: "
                        f"backward returns {_short(a)}, finite differences give {_short(num)}")
        shape = self.values[i].shape
        if len(shape) == 2 and shape[0] == shape[1] and a.shape[1] == 1:
            t = a[:, 0].reshape(shape).T.reshape(-1)
            if self.close(t, num[:, 0]):
                return f"the gradient for {name} is transposed: return its transpose"
        err = np.abs(a - num)
        k, col = np.unravel_index(int(np.argmax(err)), err.shape)
        return (f"backward disagrees with finite differences for {name}: worst at "
                f"d(output{'' if len(jac_n[n]) == 1 else f' {j}'}[{col}])/d{name}"
                f"{_index(self.values[i], k)}: backward gives {a[k, col]:.6g}, finite "
                f"differences {num[k, col]:.6g}")

    def close(self, a: Any, b: Any) -> bool:
        return a is not None and b is not None and np.shape(a) == np.shape(b) and \
            bool(np.allclose(a, b, rtol=self.rtol, atol=self.atol))


def _tensor(v: np.ndarray, like: Any) -> Any:
    from ..tensor import Tensor
    return Tensor._make(np.array(v, dtype=like._data.dtype))


def _param_names(cls: type, n: int) -> list[str]:
    import inspect
    try:
        params = [p for p in inspect.signature(cls.forward).parameters][1:]
    except (TypeError, ValueError):   # pragma: no cover - a builtin forward
        params = []
    return [params[i] if i < len(params) and not params[i].startswith("*") else f"input {i}"
            for i in range(n)]


def _index(value: np.ndarray, k: int) -> str:
    if value.ndim == 0:
        return ""
    return str([int(v) for v in np.unravel_index(k, value.shape)]).replace(" ", "")


def _short(a: Any) -> str:
    from ..viz._walk import fmt
    a = np.asarray(a)
    return fmt(a.reshape(()) if a.size == 1 else a)


def _first(exc: Exception) -> str:
    return str(exc).split("\n", 1)[0]


# ---- automatic checks ---------------------------------------------------------------------
class _Guard:
    """Calls made by the checker itself must not trigger another automatic check."""

    busy = [False]

    @staticmethod
    def call(cls: type, ins: list) -> Any:
        prev = _Guard.busy[0]
        _Guard.busy[0] = True
        try:
            return cls.apply(*ins)
        finally:
            _Guard.busy[0] = prev


_checked: weakref.WeakSet = weakref.WeakSet()


def set_check_functions(mode: bool) -> None:
    """Check every custom Function with :func:`check_function` the first time it is applied
    with inputs that require grad; a failing check raises GradcheckError. Also switched on by
    the environment variable ``FEATHERGRAD_CHECK_FUNCTIONS=1``.

    >>> set_check_functions(True)
    >>> SQ.apply(tensor(2., requires_grad=True))   # raises: backward ignores grad_output
    """
    from . import function
    function._check_functions[0] = bool(mode)
    if not mode:
        _checked.clear()


def _auto_check(cls: type, args: tuple) -> None:
    if _Guard.busy[0] or cls in _checked:
        return
    _checked.add(cls)
    report = check_function(cls, *args)
    if not report.ok:
        raise GradcheckError(
            str(report) + "\n(checked automatically on first use: "
            "feathergrad.autograd.set_check_functions(False) or unset FEATHERGRAD_CHECK_FUNCTIONS "
            "to turn this off)")
