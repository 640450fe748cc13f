"""gradcheck / gradgradcheck: compare analytical gradients with central finite differences.

Same signatures and defaults as PyTorch's (eps 1e-6, atol 1e-5, rtol 1e-3); the report names
the input and the worst element. ``fast_mode`` checks vᵀJu for random u, v instead of all of J.

Kinks: where the function is not differentiable (relu or abs at 0, ties of max), a central
difference straddles the kink and disagrees with any one-sided convention. Before failing, an
element is re-examined with one-sided differences at eps and eps/10: a jump that persists is a
kink, and a backward value between the two one-sided derivatives is PyTorch's convention, not a
mistake; it passes with a :class:`KinkWarning` that names the convention.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError", "KinkWarning"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""


class KinkWarning(UserWarning):
    """gradcheck met a point where the function is not differentiable and accepted the
    convention backward uses there (relu'(0) = 0, ...) instead of failing."""


def _tensors(x: Any) -> tuple:
    from ..tensor import Tensor
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _outputs(func: Callable, inputs: tuple) -> tuple:
    from ..tensor import Tensor
    out = func(*inputs)
    outs = (out,) if isinstance(out, Tensor) else tuple(out)
    return tuple(o for o in outs if isinstance(o, Tensor))


def _numerical_jacobian(func: Callable, inputs: tuple, i: int, eps: float) -> list[np.ndarray]:
    """d(outputs)/d(inputs[i]) by central differences, one column per input element."""
    from ..autograd.grad_mode import no_grad
    x = inputs[i]
    data = x._data
    with no_grad():
        outs = _outputs(func, inputs)
        jac = [np.zeros((data.size, o._data.size), dtype=np.float64) for o in outs]
        flat = data.reshape(-1) if data.flags.c_contiguous else None
        for k in range(data.size):
            idx = np.unravel_index(k, data.shape)
            orig = data[idx].copy()
            data[idx] = orig + eps
            plus = [o._data.astype(np.float64).ravel().copy() for o in _outputs(func, inputs)]
            data[idx] = orig - eps
            minus = [o._data.astype(np.float64).ravel().copy() for o in _outputs(func, inputs)]
            data[idx] = orig
            for j in range(len(outs)):
                jac[j][k] = (plus[j] - minus[j]) / (2 * eps)
        del flat
    return jac


def _analytical_jacobian(func: Callable, inputs: tuple, diff: list[int]) -> dict:
    from ..autograd import grad
    from ..tensor import Tensor
    outs = _outputs(func, inputs)
    res = {}
    for j, o in enumerate(outs):
        if not o._requires_grad:
            for i in diff:
                res[(i, j)] = np.zeros((inputs[i]._data.size, o._data.size))
            continue
        cols = {i: np.zeros((inputs[i]._data.size, o._data.size)) for i in diff}
        for k in range(o._data.size):
            g = np.zeros(o._data.shape, dtype=o._data.dtype)
            g.reshape(-1)[k] = 1
            gs = grad(o, [inputs[i] for i in diff], Tensor._make(g), retain_graph=True,
                      allow_unused=True)
            for i, gi in zip(diff, gs):
                if gi is not None:
                    cols[i][:, k] = gi._data.astype(np.float64).ravel()
        for i in diff:
            res[(i, j)] = cols[i]
    return res


def gradcheck(func: Callable, inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True,
              fast_mode: bool = False, masked: bool | None = None) -> bool:
    """Check gradients of `func` at `inputs` against finite differences (use float64 inputs).

    At a point where `func` is not differentiable (relu or abs at 0, ties of max) backward's
    value is accepted if it lies between the one-sided derivatives: gradcheck passes and emits a
    :class:`KinkWarning` naming the convention. ``fast_mode`` falls back to the element-wise
    check when v^T J u disagrees, to tell a kink from a mistake.

    >>> x = tensor([1., 2.], dtype=float64, requires_grad=True)
    >>> gradcheck(lambda x: (x ** 2).sum(), (x,))
    True
    """
    inputs = _tensors(inputs)
    diff = [i for i, x in enumerate(inputs) if getattr(x, "_requires_grad", False)]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but "
                         "none of the them have requires_grad=True.")
    for i in diff:
        if inputs[i]._data.dtype != np.float64:
            import warnings
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating "
                          "point. This check will likely fail if all the inputs are not of "
                          "double precision floating point. ", UserWarning, stacklevel=2)
    if fast_mode:
        if _fast(func, inputs, diff, eps, atol, rtol, False):
            return True
        # NOTE: v^T J u cannot tell a kink from a bug: the element-wise check below can
    ana = _analytical_jacobian(func, inputs, diff)
    for i in diff:
        num = _numerical_jacobian(func, inputs, i, eps)
        for j, nj in enumerate(num):
            aj = ana[(i, j)]
            if np.allclose(aj, nj, rtol=rtol, atol=atol):
                continue
            bad = [k for k in range(nj.shape[0])
                   if not np.allclose(aj[k], nj[k], rtol=rtol, atol=atol)]
            notes = {}
            for k in bad:
                sides = one_sided(func, inputs, i, k, eps)[j]
                note = kink_note(aj[k], *sides, atol=atol, rtol=rtol)
                if note is None:
                    break
                notes[k] = note
            else:
                import warnings
                for k, note in notes.items():
                    idx = np.unravel_index(k, inputs[i]._data.shape)
                    warnings.warn(f"gradcheck: input {i} element {tuple(map(int, idx))}, output "
                                  f"{j}: {note}", KinkWarning, stacklevel=2)
                continue
            nj = nj.copy()
            nj[list(notes)] = aj[list(notes)]   # report the worst element that is no kink
            return _fail(raise_exception, i, j, nj, aj, atol, rtol)
    return True


def one_sided(func: Callable, inputs: tuple, i: int, k: int, eps: float) -> list[tuple]:
    """Left and right differences of every output in element k of input i, at eps and eps/10:
    one tuple (left, right, left_small, right_small) of flat float64 arrays per output."""
    from ..autograd.grad_mode import no_grad
    data = inputs[i]._data
    idx = np.unravel_index(k, data.shape)
    orig = data[idx].copy()

    def at(h: float) -> list[np.ndarray]:
        data[idx] = orig + h
        return [o._data.astype(np.float64).ravel().copy() for o in _outputs(func, inputs)]

    with no_grad():
        try:
            f0, fm, fp, fm2, fp2 = at(0.0), at(-eps), at(eps), at(-eps / 10), at(eps / 10)
        finally:
            data[idx] = orig
    return [((a - b) / eps, (c - a) / eps, (a - b2) / (eps / 10), (c2 - a) / (eps / 10))
            for a, b, c, b2, c2 in zip(f0, fm, fp, fm2, fp2)]


def kink_note(ana: np.ndarray, left: np.ndarray, right: np.ndarray, left2: np.ndarray,
              right2: np.ndarray, *, atol: float, rtol: float) -> str | None:
    """If the one-sided derivatives show a kink and `ana` (backward's values for one input
    element, one per output element) lies between them, the sentence naming the convention;
    else None (a smooth point: a mismatch there is a real one)."""
    ana = np.asarray(ana, dtype=np.float64)
    tol = atol + rtol * np.maximum(np.abs(left), np.abs(right))
    gap = np.abs(left - right)
    if not np.any(gap > tol):
        return None
    if np.all(np.abs(left2 - right2) >= 0.5 * gap - tol):    # the jump stays: a kink right here
        lo, hi = np.minimum(left, right) - tol, np.maximum(left, right) + tol
        if not np.all((ana >= lo) & (ana <= hi)):
            return None
        m = int(np.argmax(gap))
        a, lft, rgt = float(ana[m]), float(left[m]), float(right[m])
        return (f"the function is not differentiable here (left derivative {lft:.6g}, right "
                f"derivative {rgt:.6g}); backward uses {a:.6g} "
                f"({_convention(a, lft, rgt, tol[m])}). That is a convention (PyTorch's), "
                "not an error.")
    central = (left2 + right2) / 2   # the kink is within eps, not at the point: look closer
    if np.allclose(ana, central, rtol=rtol, atol=atol):
        return ("a kink lies within eps of this point, so the central difference straddles it; "
                "with eps/10 backward's value is confirmed.")
    return None


def _convention(a: float, left: float, right: float, tol: float) -> str:
    if abs(a - left) <= tol and abs(a - right) > tol:
        return "the left derivative"
    if abs(a - right) <= tol:
        return "the right derivative"
    if abs(a - (left + right) / 2) <= tol:
        return "the average of the two sides"
    if abs(a) <= tol:
        return "zero"
    return "a value between the two sides (a subgradient)"


def _fail(raise_exception: bool, i: int, j: int, num: np.ndarray, ana: np.ndarray,
          atol: float, rtol: float) -> bool:
    if not raise_exception:
        return False
    err = np.abs(num - ana) - (atol + rtol * np.abs(num))
    k = np.unravel_index(int(np.argmax(err)), err.shape)
    raise GradcheckError(
        f"Jacobian mismatch for output {j} with respect to input {i},\n"
        f"numerical:{num!r}\nanalytical:{ana!r}\n\n"
        f"The worst element is d(output {j}[{k[1]}])/d(input {i}[{k[0]}]): numerical "
        f"{num[k]:.6g}, analytical {ana[k]:.6g} (atol={atol}, rtol={rtol}).")


def _fast(func: Callable, inputs: tuple, diff: list, eps: float, atol: float, rtol: float,
          raise_exception: bool) -> bool:
    """Check vᵀ J u for random u (per input) and v (per output): one backward, one FD pair."""
    from ..autograd import grad
    from ..autograd.grad_mode import no_grad
    from ..tensor import Tensor
    rng = np.random.default_rng(0)
    outs = _outputs(func, inputs)
    vs = [rng.standard_normal(o._data.shape) for o in outs]
    for i in diff:
        x = inputs[i]
        u = rng.standard_normal(x._data.shape)
        live = [(o, v) for o, v in zip(outs, vs) if o._requires_grad]
        ana = 0.0
        if live:
            gs = grad([o for o, _ in live], [x],
                      [Tensor._make(v.astype(o._data.dtype)) for o, v in live],
                      retain_graph=True, allow_unused=True)
            if gs[0] is not None:
                ana = float(np.sum(gs[0]._data * u))
        orig = x._data.copy()
        with no_grad():
            x._data[...] = orig + eps * u
            plus = [o._data.astype(np.float64) for o in _outputs(func, inputs)]
            x._data[...] = orig - eps * u
            minus = [o._data.astype(np.float64) for o in _outputs(func, inputs)]
            x._data[...] = orig
        num = float(sum(np.sum((p - m) / (2 * eps) * v) for p, m, v in zip(plus, minus, vs)))
        if not abs(num - ana) <= atol + rtol * abs(num):
            if not raise_exception:
                return False
            raise GradcheckError(
                f"Jacobian mismatch for output 0 with respect to input {i},\n"
                f"numerical:{num!r}\nanalytical:{ana!r}\n\n(fast mode: compared v^T J u for "
                "random u, v; run with fast_mode=False for the element-wise report)")
    return True


def gradgradcheck(func: Callable, inputs: Any, grad_outputs: Sequence | None = None, *,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True,
                  nondet_tol: float = 0.0, check_undefined_grad: bool = True,
                  check_grad_dtypes: bool = False, check_batched_grad: bool = False,
                  check_fwd_over_rev: bool = False, check_rev_over_rev: bool = True,
                  fast_mode: bool = False, masked: bool = False) -> bool:
    """Check second derivatives: gradcheck of the function (inputs, v) -> vᵀ J(inputs)."""
    from ..autograd import grad
    from ..tensor import Tensor
    inputs = _tensors(inputs)
    outs = _outputs(func, inputs)
    rng = np.random.default_rng(1)
    if grad_outputs is None:
        gos = [Tensor._make(rng.standard_normal(o._data.shape).astype(o._data.dtype),
                            None, o._data.dtype.kind in "fc") for o in outs]
    else:
        gos = list(_tensors(grad_outputs))
    n = len(inputs)
    diff = [i for i, x in enumerate(inputs) if getattr(x, "_requires_grad", False)]

    def first(*args: Any) -> tuple:
        ins, g = args[:n], args[n:]
        os_ = _outputs(func, ins)
        live = [(o, gg) for o, gg in zip(os_, g) if o._requires_grad]
        if not live:
            return ()
        gs = grad([o for o, _ in live], [ins[i] for i in diff], [gg for _, gg in live],
                  create_graph=True, allow_unused=True)
        return tuple(x for x in gs if x is not None)

    return gradcheck(first, tuple(inputs) + tuple(gos), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, fast_mode=fast_mode)
