"""nn modules (as torch.nn.modules)."""

from __future__ import annotations

from .activation import *  # noqa: F403
from .activation import __all__ as _a
from .container import *  # noqa: F403
from .container import __all__ as _c
from .conv import *  # noqa: F403
from .conv import __all__ as _cv
from .dropout import *  # noqa: F403
from .dropout import __all__ as _d
from .linear import *  # noqa: F403
from .linear import __all__ as _li
from .loss import *  # noqa: F403
from .loss import __all__ as _lo
from .module import Module
from .normalization import *  # noqa: F403
from .normalization import __all__ as _n
from .sparse import *  # noqa: F403
from .sparse import __all__ as _s

__all__ = ["Module", *_a, *_c, *_cv, *_d, *_li, *_lo, *_n, *_s]
