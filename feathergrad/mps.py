"""``torch.mps`` (Apple GPUs) on a machine without it: feathergrad runs on the CPU.

Queries answer as PyTorch's build without MPS does; calls that need the backend raise.
"""

from __future__ import annotations

__all__ = ["is_available", "device_count", "manual_seed", "seed", "synchronize", "empty_cache",
           "current_allocated_memory", "driver_allocated_memory"]


def _no_mps(what: str) -> RuntimeError:
    return RuntimeError(f"Cannot execute {what}() without MPS backend.\nfeathergrad runs on the "
                        "CPU only.")


def is_available() -> bool:
    """False: feathergrad runs on the CPU."""
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    return None   # as PyTorch without MPS: accepted, nothing to seed


def seed() -> None:
    raise _no_mps("getDefaultGenerator")


def synchronize() -> None:
    raise _no_mps("deviceSynchronize")


def empty_cache() -> None:
    raise _no_mps("emptyCache")


def current_allocated_memory() -> int:
    raise _no_mps("getCurrentAllocatedMemory")


def driver_allocated_memory() -> int:
    raise _no_mps("getDriverAllocatedMemory")
