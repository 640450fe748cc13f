"""feathergrad.func: function transforms, as ``torch.func``.

``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian``,
``linearize``, ``vmap``, ``functional_call`` and ``stack_module_state``; they compose
(``jacfwd(jacrev(f))``, ``vmap(grad(f))``, ``grad(grad(f))``).
See docs/INTERNALS.md, "Function transforms".
"""

from __future__ import annotations

from ._functional_call import functional_call, stack_module_state
from ._transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp
from ._vmap import vmap

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "linearize",
           "vmap", "functional_call", "stack_module_state"]
