"""In-place ops and their checks (version counters, leaves that require grad)."""

from __future__ import annotations

from ..autograd.grad_mode import _state
from ..tensor import Tensor


def check_inplace(t: Tensor) -> None:
    """PyTorch refuses in-place ops on a leaf that requires grad while grad mode is on."""
    if t._grad_fn is None and t._requires_grad and _state.enabled:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.\nfeathergrad: wrap the update in `with torch.no_grad():` "
                           "(as optimizers do), or operate on x.detach() / x.data.")
