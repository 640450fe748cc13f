"""``torch.accelerator`` on a machine without one: feathergrad runs on the CPU.

>>> import feathergrad as torch
>>> torch.accelerator.current_accelerator() is None
True
"""

from __future__ import annotations

from typing import Any

from .tensor import device

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index",
           "current_device_idx", "set_device_index", "set_device_idx", "synchronize"]

_NONE = "Cannot access accelerator device when none is available."


def _none() -> RuntimeError:
    return RuntimeError(_NONE + "\nfeathergrad runs on the CPU only.")


def is_available() -> bool:
    """False: no accelerator (feathergrad computes on the CPU)."""
    return False


def current_accelerator(check_available: bool = False) -> device | None:
    """None: there is no accelerator."""
    return None


def device_count() -> int:
    return 0


def current_device_index() -> int:
    raise _none()


current_device_idx = current_device_index


def set_device_index(device: Any) -> None:
    raise _none()


set_device_idx = set_device_index


def synchronize(device: Any = None) -> None:
    raise _none()
