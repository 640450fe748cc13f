"""``torch.backends.openmp``: absent here (NumPy does the CPU math)."""


def is_available() -> bool:
    """False: feathergrad does not use OpenMP itself."""
    return False
