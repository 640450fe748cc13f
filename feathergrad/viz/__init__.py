"""feathergrad.viz: the learner's toolkit. Plots of f and f', drawings of the computation graph,
the backward pass explained step by step, and why a gradient is missing.

Nothing here is imported with ``import feathergrad``; matplotlib only when a plot is drawn.

    fg.plot(fg.relu, (-10, 10))           # f and f' on one figure
    print(fg.viz.graph(y).text())         # the graph as indented text (or .render("g.svg"))
    print(fg.explain(y))                  # the backward pass, node by node
    print(fg.why_no_grad(x, y))           # why x.grad is None or zero
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["plot_derivative", "plot", "graph", "Graph", "explain", "Explanation",
           "why_no_grad", "Diagnosis", "Expression"]

# NOTE: the modules are private (_plot, ...) so that viz.plot, viz.graph and viz.explain are
# always the functions, never submodules shadowing them
_WHERE = {"plot_derivative": "_plot", "plot": "_plot", "graph": "_graph", "Graph": "_graph",
          "explain": "_explain", "Explanation": "_explain", "why_no_grad": "_why",
          "Diagnosis": "_why", "Expression": "expression"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        mod = importlib.import_module(f".{_WHERE[name]}", __name__)
        value = getattr(mod, "plot_derivative" if name == "plot" else name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'feathergrad.viz' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
