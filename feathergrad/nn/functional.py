"""feathergrad.nn.functional: activations, losses and layers as functions (``import
feathergrad.nn.functional as F``), each differentiable to any order.

The implementations live in functional_act.py (activations, softmax, dropout),
functional_loss.py (losses), functional_layer.py (linear, normalisation, embedding, padding)
and functional_conv.py (convolution, pooling).
"""

from __future__ import annotations

from .functional_act import *  # noqa: F403
from .functional_act import __all__ as _act
from .functional_conv import *  # noqa: F403
from .functional_conv import __all__ as _conv
from .functional_layer import *  # noqa: F403
from .functional_layer import __all__ as _layer
from .functional_loss import *  # noqa: F403
from .functional_loss import __all__ as _loss

__all__ = [*_act, *_loss, *_layer, *_conv]
