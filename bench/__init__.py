"""feathergrad's benchmark suite: ``python -m bench [--quick] [--only NAME ...] [--json PATH]``."""
