import os
import sys

os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")   # before NumPy loads: see bench/run.py

from bench.run import main  # noqa: E402

sys.exit(main())
