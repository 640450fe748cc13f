"""``python -m feathergrad ...``: the same command line as ``feathergrad ...``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
