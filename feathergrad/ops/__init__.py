"""The op table. Importing this package attaches every op to Tensor."""

from . import convert, elementwise, inplace, linalg, reduce, shape  # noqa: F401
from . import index, join, scatter  # noqa: F401  (shape ops and indexing)
from . import binary_ext, clamp_lerp, gamma, logical, unary_ext  # noqa: F401  (elementwise)
from . import elementwise_inplace  # noqa: F401
from . import diag, einsum, extrema, linalg_solve, norms, scan, stats  # noqa: F401
from ._core import HANDLED, OPS  # noqa: F401
