"""The op table. Importing this package attaches every op to Tensor."""

from . import convert, elementwise, inplace, linalg, reduce, shape  # noqa: F401
from . import index, join  # noqa: F401  (shape ops and indexing)
from ._core import HANDLED, OPS  # noqa: F401
