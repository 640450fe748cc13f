"""gradcheck / gradgradcheck: compare analytical gradients with central finite differences.

Same signatures and defaults as PyTorch's (eps 1e-6, atol 1e-5, rtol 1e-3); the report names
the input and the worst element. ``fast_mode`` checks vᵀJu for random u, v instead of all of J.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""


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
        return _fast(func, inputs, diff, eps, atol, rtol, raise_exception)
    ana = _analytical_jacobian(func, inputs, diff)
    for i in diff:
        num = _numerical_jacobian(func, inputs, i, eps)
        for j, nj in enumerate(num):
            aj = ana[(i, j)]
            if not np.allclose(aj, nj, rtol=rtol, atol=atol):
                return _fail(raise_exception, i, j, nj, aj, atol, rtol)
    return True


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


def _auto_check(cls: Any, args: tuple) -> None:   # replaced by check_function (learner toolkit)
    return None
