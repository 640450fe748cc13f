"""``torch.backends.cudnn``: absent here; its flags can be set (as scripts do) and change
nothing."""

from __future__ import annotations

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: feathergrad has no cuDNN."""
    return False


def version() -> None:
    """None: no cuDNN."""
    return None
