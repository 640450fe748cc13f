"""plot_derivative: a function and its derivative on one matplotlib figure, as in the lab.

matplotlib is imported here, on the first call, and nowhere else in feathergrad.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["plot_derivative", "MAX_POINTS"]

MAX_POINTS = 1_000_000   # more points than pixels on any screen; bounds time and memory


def plot_derivative(f: Callable | str, x_range: Any = (-5.0, 5.0), points: int = 200, *,
                    second: bool = False, ax: Any = None, label: str | None = None,
                    xlabel: str | None = None) -> Any:
    """Plot f and f' (and f'' with `second`) over `x_range` on one figure and return it.

    `f` is a function of a Tensor that acts elementwise (``torch.relu``, ``lambda x: x**2``) or
    an expression string (``"relu(x)"``, in one variable). `x_range` is ``(low, high)``,
    ``"low:high"`` or the x values themselves. The derivative is computed as in the lab:
    ``f(x).sum().backward()`` on ``linspace(low, high, points)`` in float64. At kinks it shows
    PyTorch's convention (relu'(0) = 0). Pass `ax` to draw on existing axes.

    >>> fig = plot_derivative(torch.relu, (-10, 10))
    >>> fig.savefig("relu.png")
    """
    import feathergrad as fg

    from ..autograd import grad
    xs = _xs(x_range, points)
    fn, name, var = _function(f, label)
    x = fg.tensor(xs, dtype=fg.float64, requires_grad=True)
    with np.errstate(all="ignore"):
        y = fn(x)
        if not isinstance(y, fg.Tensor) or tuple(y.shape) != tuple(x.shape):
            shape = tuple(y.shape) if isinstance(y, fg.Tensor) else type(y).__name__
            raise ValueError(f"plot_derivative: f must return a tensor of the shape of its "
                             f"input (act elementwise), got {shape} for {tuple(x.shape)}")
        if y.requires_grad:
            (d1,) = grad(y.sum(), x, create_graph=second, allow_unused=True,
                         materialize_grads=True)
        else:   # a constant function
            d1 = fg.zeros_like(x)
        curves = [(y, f"{name}(x)"), (d1, f"{name}'(x)")]
        if second:
            d2 = fg.zeros_like(x)
            if d1.requires_grad:
                (d2,) = grad(d1.sum(), x, allow_unused=True, materialize_grads=True)
            curves.append((d2, f"{name}''(x)"))
    if ax is None:
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
    for values, text in curves:
        ax.plot(xs, values.detach().numpy(), label=text)
    ax.set_xlabel(xlabel or var)
    ax.legend()
    if isinstance(f, str):
        ax.set_title(f"f(x) = {f.strip()}")
    return ax.figure


def _xs(x_range: Any, points: int) -> np.ndarray:
    from ..tensor import Tensor
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)):
        raise TypeError(f"points must be an int, got {type(points).__name__}")
    if not 2 <= points <= MAX_POINTS:
        raise ValueError(f"points must be between 2 and {MAX_POINTS}, got {points}")
    if isinstance(x_range, str):
        x_range = parse_range(x_range)
    if isinstance(x_range, Tensor):
        x_range = x_range.detach().numpy()
    if isinstance(x_range, np.ndarray) or (isinstance(x_range, Sequence) and len(x_range) != 2):
        xs = np.asarray(x_range, dtype=np.float64).ravel()
        if xs.size < 1 or xs.size > MAX_POINTS or not np.all(np.isfinite(xs)):
            raise ValueError("x values must be finite and at most "
                             f"{MAX_POINTS} of them")
        return xs
    try:
        lo, hi = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise TypeError("x_range must be (low, high), 'low:high' or a sequence of x values, "
                        f"got {x_range!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
        raise ValueError(f"x_range must be finite with low < high, got ({lo}, {hi})")
    return np.linspace(lo, hi, points)


def parse_range(text: str) -> tuple[float, float]:
    """``"-10:10"`` -> (-10.0, 10.0); also ``"-10,10"``."""
    sep = ":" if ":" in text else ","
    parts = text.split(sep)
    if len(parts) != 2:
        raise ValueError(f"range must look like low:high (e.g. -10:10), got {text!r}")
    try:
        lo, hi = float(parts[0].strip()), float(parts[1].strip())
    except ValueError:
        raise ValueError(f"range must look like low:high with two numbers, got {text!r}") \
            from None
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
        raise ValueError(f"range must be finite with low < high, got {text!r}")
    return lo, hi


def _function(f: Callable | str, label: str | None) -> tuple[Callable, str, str]:
    if isinstance(f, str):
        from .expression import Expression
        expr = Expression(f)
        names = expr.used
        if len(names) > 1:
            raise ValueError(f"plot_derivative plots a function of one variable; {f!r} uses "
                             f"{', '.join(names)}")
        var = names[0] if names else "x"
        return (lambda x: expr(**{var: x})), label or "f", var
    if not callable(f):
        raise TypeError(f"f must be a function or an expression string, got {type(f).__name__}")
    name = getattr(f, "__name__", "f")
    return f, label or (name if name.isidentifier() and name != "<lambda>" else "f"), "x"
