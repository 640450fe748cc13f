"""``torch.cuda`` as on a machine without a GPU: feathergrad runs on the CPU.

The queries scripts use to choose a device answer as PyTorch's CPU build does
(``is_available()`` is False, ``device_count()`` is 0, seeding and cache calls do nothing);
everything that needs a GPU raises PyTorch's error, so nothing silently runs on the CPU as if
it were the GPU.

>>> import feathergrad as torch
>>> torch.device("cuda" if torch.cuda.is_available() else "cpu")
device(type='cpu')
"""

from __future__ import annotations

from typing import Any

from . import _dtype
from ._legacy import _typed
from .tensor import _check_device

__all__ = [
    "is_available", "device_count", "is_initialized", "init", "current_device", "set_device",
    "synchronize", "get_device_name", "get_device_properties", "get_device_capability",
    "manual_seed", "manual_seed_all", "seed", "seed_all", "get_rng_state", "set_rng_state",
    "empty_cache", "memory_allocated", "max_memory_allocated", "memory_reserved",
    "max_memory_reserved", "is_bf16_supported", "device",
    "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor",
    "CharTensor", "ByteTensor", "BoolTensor",
]


def _no_cuda() -> None:
    _check_device("cuda")   # raises PyTorch's AssertionError with feathergrad's hint


def is_available() -> bool:
    """False: feathergrad runs on the CPU."""
    return False


def device_count() -> int:
    """0: there is no GPU to use."""
    return 0


def is_initialized() -> bool:
    return False


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def init() -> None:
    _no_cuda()


def current_device() -> int:
    _no_cuda()
    return 0


def set_device(device: Any) -> None:
    _no_cuda()


def synchronize(device: Any = None) -> None:
    _no_cuda()


def get_device_name(device: Any = None) -> str:
    _no_cuda()
    return ""


def get_device_properties(device: Any = None) -> Any:
    _no_cuda()


def get_device_capability(device: Any = None) -> tuple:
    _no_cuda()
    return ()


def get_rng_state(device: Any = "cuda") -> Any:
    _no_cuda()


def set_rng_state(new_state: Any, device: Any = "cuda") -> None:
    _no_cuda()


# Seeding and cache management do nothing without a GPU (PyTorch's CPU build accepts them
# silently, so scripts that seed every device run unchanged).
def manual_seed(seed: int) -> None:
    return None


def manual_seed_all(seed: int) -> None:
    return None


def seed() -> None:
    return None


def seed_all() -> None:
    return None


def empty_cache() -> None:
    return None


def memory_allocated(device: Any = None) -> int:
    return 0


def max_memory_allocated(device: Any = None) -> int:
    return 0


def memory_reserved(device: Any = None) -> int:
    return 0


def max_memory_reserved(device: Any = None) -> int:
    return 0


class device:
    """``with torch.cuda.device(i):`` — can be built, raises when entered."""

    def __init__(self, device: Any) -> None:
        self.idx = device

    def __enter__(self) -> None:
        raise RuntimeError("PyTorch was compiled without CUDA support\nfeathergrad runs on the "
                           "CPU only.")

    def __exit__(self, *exc: object) -> None:
        return None


FloatTensor = _typed("FloatTensor", _dtype.float32, cuda=True)
DoubleTensor = _typed("DoubleTensor", _dtype.float64, cuda=True)
HalfTensor = _typed("HalfTensor", _dtype.float16, cuda=True)
LongTensor = _typed("LongTensor", _dtype.int64, cuda=True)
IntTensor = _typed("IntTensor", _dtype.int32, cuda=True)
ShortTensor = _typed("ShortTensor", _dtype.int16, cuda=True)
CharTensor = _typed("CharTensor", _dtype.int8, cuda=True)
ByteTensor = _typed("ByteTensor", _dtype.uint8, cuda=True)
BoolTensor = _typed("BoolTensor", _dtype.bool, cuda=True)
