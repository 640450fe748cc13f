"""``torch.backends.mps``: Apple's GPU backend, absent here (feathergrad runs on the CPU)."""


def is_available() -> bool:
    """False: feathergrad has no MPS backend."""
    return False


def is_built() -> bool:
    """False: feathergrad was not built with MPS."""
    return False
