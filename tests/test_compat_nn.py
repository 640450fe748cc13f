"""Module idioms of PyTorch scripts around the math: register_parameter(name, None),
extra_repr, and moving or casting a module (.to(device), .cpu(), .double(), .float()). Each
CASE runs as PyTorch code under both libraries; skipped while feathergrad.nn is not there."""
# ruff: noqa: E501  (the tables hold PyTorch one-liners, kept whole so each reads as a script line)

from __future__ import annotations

import pytest

import feathergrad as fg
from tests._parity import assert_same_error, assert_same_repr, norm, run_code

nn = pytest.importorskip("feathergrad.nn")

PRELUDE = '''
nn = torch.nn

class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 3)
        self.register_parameter("extra", None)
        self.register_buffer("buf", torch.ones(2))
        self.scale = nn.Parameter(torch.tensor(2.0))

    def extra_repr(self):
        return "scale=2"

    def forward(self, x):
        return self.lin(x) * self.scale

m = M()
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
'''

CASES = [
    "r = repr(m)",
    "r = m.extra, [n for n, _ in m.named_parameters()], 'extra' in m._parameters, list(m.state_dict().keys())",
    "m.extra = nn.Parameter(torch.zeros(1)); r = [n for n, _ in m.named_parameters()]",
    "r = m.to(device) is m, m.to('cpu') is m, m.cpu() is m, m.to(device=device, non_blocking=True) is m, m.lin.weight.device",
    "r = m.double() is m, m.lin.weight.dtype, m.scale.dtype, m.buf.dtype, m.lin.weight.is_leaf, m.lin.weight.requires_grad",
    "m.double(); r = m.float() is m, m.lin.weight.dtype, m.buf.dtype",
    "r = m.to(torch.float64).lin.weight.dtype, m.to('cpu', torch.float32).lin.weight.dtype, m.half().lin.weight.dtype, m.to(torch.zeros(1, dtype=torch.float64)).lin.weight.dtype",
    "r = m.type(torch.float64).lin.bias.dtype",
    "m = M().double(); r = m(torch.ones(1, 2, dtype=torch.float64)).dtype",
    "model = nn.Linear(2, 2).to(device); x = torch.ones(4, 2).to(device); r = model(x).device, model.weight.device",
    "r = nn.Linear(2, 2, device='cpu', dtype=torch.float64).weight.dtype",
]

ERRORS = [
    "m.to('cuda')",
    "m.to(torch.device('cuda', 0))",
    "m.to('mps')",
    "m.to(torch.int64)",
    "nn.Linear(2, 2, device='cuda')",
    "m.register_parameter('bad', torch.zeros(1))",
]


def _run(m, code):
    return run_code(m, code, PRELUDE, seed=0)


_norm = norm


@pytest.mark.parametrize("code", CASES)
def test_same_as_pytorch(code):
    torch = pytest.importorskip("torch")
    assert_same_repr(fg, torch, _run, code)


@pytest.mark.parametrize("code", ERRORS)
def test_same_error_as_pytorch(code):
    torch = pytest.importorskip("torch")
    assert_same_error(fg, torch, _run, code)


def test_module_cuda_raises():
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        nn.Linear(2, 2).cuda()


def test_register_parameter_none_and_extra_repr_without_torch():
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_parameter("bias", None)
            self.w = nn.Parameter(fg.ones(2))

        def extra_repr(self):
            return "features=2"

        def forward(self, x):
            return x * self.w

    s = Scaled()
    assert s.bias is None and [n for n, _ in s.named_parameters()] == ["w"]
    assert repr(s) == "Scaled(features=2)"
    s.double()
    assert s.w.dtype is fg.float64 and s.w.is_leaf and s.w.requires_grad
    s(fg.ones(2, dtype=fg.float64)).sum().backward()
    assert s.w.grad.tolist() == [1.0, 1.0]
