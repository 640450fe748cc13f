"""``torch.backends.cuda``: absent here; its matmul flags can be set and change nothing."""

from __future__ import annotations


class _MatmulFlags:
    """``torch.backends.cuda.matmul``: settable flags, ignored on the CPU."""

    def __init__(self) -> None:
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()


def is_built() -> bool:
    """False: feathergrad was not built with CUDA."""
    return False
