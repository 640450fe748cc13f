"""parameters_to_vector / vector_to_parameters."""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Any) -> Tensor:
    """All parameters flattened and concatenated into one vector (differentiable)."""
    params = list(parameters)
    if not params:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    from ... import cat
    return cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec: Tensor, parameters: Any) -> None:
    """Copy consecutive slices of `vec` into the parameters (their values, not the graph)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    v = vec._data
    pos = 0
    for p in parameters:
        n = p._data.size
        p._data = v[pos:pos + n].reshape(p._data.shape)   # a view of vec, as PyTorch
        pos += n
