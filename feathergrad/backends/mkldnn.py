"""``torch.backends.mkldnn``: absent here (NumPy does the CPU math)."""

enabled = True


def is_available() -> bool:
    """False: feathergrad does not use oneDNN/MKLDNN."""
    return False
