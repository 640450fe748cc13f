"""A module named ``torch`` that is feathergrad, so PyTorch scripts run unchanged:

    PYTHONPATH=examples/tutorials/shim python examples/tutorials/polynomial_autograd.py

``import torch``, ``import torch.nn as nn`` and ``from torch.autograd import Function`` all
resolve to the matching feathergrad modules (the same module objects, never copies).
"""

import importlib
import importlib.abc
import importlib.util
import sys

import feathergrad


class _TorchAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves ``torch.<name>`` to the already-importable ``feathergrad.<name>``."""

    def __init__(self) -> None:
        self._specs = {}

    def find_spec(self, name, path=None, target=None):
        if not name.startswith("torch."):
            return None
        if importlib.util.find_spec("feathergrad" + name[5:]) is None:
            return None
        return importlib.util.spec_from_loader(name, self)

    def create_module(self, spec):
        module = importlib.import_module("feathergrad" + spec.name[5:])
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module):
        # the import machinery stamped the alias's spec on the real module: put it back
        module.__spec__ = self._specs.pop(module.__name__.replace("feathergrad", "torch", 1),
                                          module.__spec__)


sys.meta_path.insert(0, _TorchAlias())
sys.modules["torch"] = feathergrad
