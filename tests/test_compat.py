"""PyTorch scripts' idioms around the math: devices, dtype aliases and casts, legacy
constructors, Size, comparisons and torch.testing. Each CASE runs as PyTorch code under both
libraries (when torch is installed) and must give the same repr; each ERROR must raise the same
exception type with PyTorch's message first. Checks that need no torch follow."""
# ruff: noqa: E501  (the tables hold PyTorch one-liners, kept whole so each reads as a script line)

from __future__ import annotations

import copy
import pickle
import re
import warnings

import numpy as np
import pytest

import feathergrad as fg
from tests._parity import assert_same_error, assert_same_repr

CASES = [
    # ---- devices -------------------------------------------------------------------------
    "r = torch.device('cpu'), str(torch.device('cpu')), torch.device('cpu:0'), torch.device('cpu', 0)",
    "r = torch.device('cuda'), torch.device('cuda', 1), str(torch.device('cuda:1')), torch.device('mps').type",
    "d = torch.device('cuda:2'); r = d.type, d.index, torch.device(d), torch.device(type='cpu').index",
    "r = torch.device('cpu') == torch.device('cpu'), torch.device('cpu') == torch.device('cpu:0'), torch.device('cpu') == 'cpu'",
    "r = len({torch.device('cpu'), torch.device('cpu')}), pickle.loads(pickle.dumps(torch.device('cpu', 0)))",
    "device = torch.device('cuda' if torch.cuda.is_available() else 'cpu'); r = device, torch.zeros(2, device=device).device",
    "device = 'cuda:0' if torch.cuda.is_available() else 'cpu'; x = torch.ones(2, 2, device=device); r = x.device, x.is_cuda, x.device.type",
    "r = torch.cuda.is_available(), torch.cuda.device_count(), torch.cuda.is_initialized(), torch.cuda.manual_seed(0), torch.cuda.manual_seed_all(0), torch.cuda.empty_cache(), torch.cuda.memory_allocated()",
    "r = torch.accelerator.is_available(), torch.accelerator.current_accelerator(), torch.accelerator.device_count()",
    "r = torch.backends.mps.is_available(), torch.backends.mps.is_built(), torch.backends.cudnn.is_available(), torch.backends.cuda.is_built(), torch.mps.device_count()",
    "torch.backends.cudnn.benchmark = True; torch.backends.cudnn.deterministic = True; r = torch.backends.cudnn.benchmark; torch.backends.cudnn.benchmark = False; torch.backends.cudnn.deterministic = False",
    "r = torch.get_default_device(), torch.set_default_device('cpu'), torch.get_default_device()",
    "x = torch.tensor([1., 2.]); r = x.cpu() is x, x.to('cpu') is x, x.to(torch.device('cpu')) is x, x.to('cpu', copy=True) is x",
    "x = torch.tensor([1, 2]); r = x.to(torch.ones(1, dtype=torch.float64)), x.to('cpu', torch.float32), x.to(device='cpu', dtype=torch.float16, non_blocking=True)",
    "x = torch.tensor([1., 2.]); r = x.to(torch.float64, True, True), x.to(int), x.to(float), x.to(), x.to(memory_format=torch.contiguous_format)",
    "x = torch.tensor([1., 2.], requires_grad=True); r = x.to(torch.float64), x.to(copy=True), x.double(), x.long(), x.to('cpu') is x",
    "x = torch.tensor([1., 2.]); r = x.is_pinned(), x.cpu(memory_format=torch.preserve_format), x.contiguous(memory_format=torch.contiguous_format), x.is_contiguous(memory_format=torch.contiguous_format)",
    "r = torch.tensor([1.], pin_memory=False), torch.zeros(2, pin_memory=False), torch.empty(2, memory_format=torch.contiguous_format).shape, torch.ones_like(torch.ones(2), memory_format=torch.preserve_format)",
    "x = torch.ones(2); r = torch.rand_like(x, device='cpu').shape, torch.randn_like(x, pin_memory=False).shape, torch.arange(3, pin_memory=False), torch.eye(2, pin_memory=False)",
    "r = torch.contiguous_format, torch.preserve_format, torch.channels_last, torch.strided, torch.zeros(1).layout",
    # ---- dtypes --------------------------------------------------------------------------
    "r = torch.float, torch.double, torch.half, torch.long, torch.int, torch.short, torch.uint8, torch.bool, torch.int8, torch.cfloat, torch.cdouble",
    "x = torch.tensor([1.5, -2.5]); r = x.float(), x.double(), x.half(), x.long(), x.int(), x.bool(), x.short(), x.byte(), x.char()",
    "x = torch.tensor([1.5]); r = x.float() is x, x.type(torch.float32) is x, x.double().double().dtype",
    "r = [torch.tensor([1]).to(d).type() for d in (torch.float, torch.double, torch.half, torch.long, torch.int, torch.short, torch.int8, torch.uint8, torch.bool, torch.cfloat)]",
    "x = torch.tensor([1.5]); r = x.type(torch.float64), x.type('torch.LongTensor'), x.type(torch.IntTensor), x.type(torch.DoubleTensor, non_blocking=True)",
    "x = torch.tensor([1.5], requires_grad=True); r = x.type(torch.float64), x.type(torch.DoubleTensor).grad_fn.name()",
    "r = torch.tensor([1]).is_floating_point(), torch.tensor([1.]).is_floating_point(), torch.is_floating_point(torch.tensor(1.)), torch.is_complex(torch.tensor(1.)), torch.tensor(1j).is_complex()",
    "r = torch.get_default_dtype(); torch.set_default_dtype(torch.float64); r = r, torch.get_default_dtype(), torch.tensor(1.).dtype; torch.set_default_dtype(torch.float32)",
    "r = torch.finfo(torch.float32), torch.finfo(torch.float64), torch.finfo(torch.half), torch.finfo(), torch.finfo(float)",
    "f = torch.finfo(torch.float32); r = f.bits, f.eps, f.max, f.min, f.tiny, f.smallest_normal, f.resolution, f.dtype",
    "r = torch.finfo(torch.complex64).dtype, torch.finfo(torch.float16).eps, torch.finfo(torch.float32) == torch.finfo(torch.float)",
    "r = torch.iinfo(torch.int8), torch.iinfo(torch.int16), torch.iinfo(torch.int32), torch.iinfo(torch.int64), torch.iinfo(torch.uint8), torch.iinfo(int)",
    "i = torch.iinfo(torch.int32); r = i.bits, i.min, i.max, i.dtype",
    "r = [(d.is_floating_point, d.is_complex, d.is_signed, d.itemsize) for d in (torch.float16, torch.float32, torch.float64, torch.int8, torch.int64, torch.uint8, torch.bool, torch.complex64)]",
    "ds = (torch.bool, torch.uint8, torch.int8, torch.int32, torch.int64, torch.float16, torch.float32, torch.float64, torch.complex64); r = [[torch.promote_types(a, b) for b in ds] for a in ds]",
    "ds = (torch.bool, torch.uint8, torch.int32, torch.float16, torch.float64, torch.complex64); r = [[torch.can_cast(a, b) for b in ds] for a in ds]",
    "t = torch.tensor; r = torch.result_type(t([1], dtype=torch.int32), 1.0), torch.result_type(t(1., dtype=torch.float64), t([1], dtype=torch.int32)), torch.result_type(2, 3.0), torch.result_type(t([1.]), t([1.], dtype=torch.float64))",
    "t = torch.tensor; r = torch.result_type(t([1], dtype=torch.uint8), t(1, dtype=torch.int8)), torch.result_type(t([True]), 2.5), torch.result_type(t(1, dtype=torch.int8), 1000), torch.result_type(2, 3)",
    "r = torch.promote_types(torch.int32, float), torch.can_cast(torch.int32, float), torch.float32 == torch.float, {torch.float32: 1}[torch.float]",
    "r = pickle.loads(pickle.dumps(torch.float64)), copy.deepcopy(torch.int32), str(torch.float16)",
    # ---- legacy constructors -------------------------------------------------------------
    "r = torch.Tensor([1, 2, 3]), torch.Tensor(2, 3).shape, torch.Tensor(), torch.Tensor((2, 3)), torch.Tensor([[1, 2], [3, 4]])",
    "r = torch.Tensor(torch.Size([2, 3])).shape, torch.Tensor(torch.Size([])).shape, torch.Tensor(0), torch.Tensor(np.arange(3)), torch.Tensor(range(3))",
    "r = torch.Tensor([True]), torch.Tensor(torch.tensor([1, 2])), torch.Tensor(torch.tensor([1., 2.], dtype=torch.float64)), torch.Tensor([torch.tensor(1.), torch.tensor(2.)])",
    "x = torch.tensor([1., 2.], requires_grad=True); y = torch.Tensor(x); r = y, y.grad_fn.name(), y.data_ptr() == x.data_ptr()",
    "r = torch.Tensor(2, 3, device='cpu').shape, torch.Tensor([1.], device=torch.device('cpu'))",
    "r = torch.FloatTensor([1, 2]), torch.FloatTensor(2, 3).shape, torch.DoubleTensor([1, 2]), torch.LongTensor([1.7, 2]), torch.BoolTensor([1, 0]), torch.IntTensor([1, 0])",
    "r = torch.ByteTensor([1, 0]), torch.HalfTensor([1, 0]), torch.ShortTensor([1, 0]), torch.CharTensor([1, 0]), torch.FloatTensor(), torch.LongTensor(torch.Size([2])).shape",
    "r = torch.FloatTensor([1.]).requires_grad, type(torch.FloatTensor([1])).__name__, torch.FloatTensor.dtype, torch.LongTensor.dtype, repr(torch.FloatTensor), torch.FloatTensor.__name__",
    "t = torch.tensor; r = isinstance(torch.FloatTensor([1]), torch.Tensor), isinstance(t([1.]), torch.FloatTensor), isinstance(t([1.]), torch.DoubleTensor), isinstance(t([True]), torch.BoolTensor), isinstance(t([1]), torch.LongTensor), isinstance(np.zeros(1), torch.FloatTensor)",
    "r = isinstance(torch.zeros(1), torch.cuda.FloatTensor), issubclass(torch.FloatTensor, torch.Tensor), repr(torch.cuda.FloatTensor)",
    "r = torch.is_tensor(torch.zeros(1)), torch.is_tensor([1]), torch.is_tensor(np.zeros(1)), torch.numel(torch.zeros(2, 3)), torch.zeros(2, 3).numel(), torch.zeros(2, 3).nelement()",
    "torch.set_default_dtype(torch.float64); r = torch.Tensor([1]).dtype, torch.FloatTensor([1]).dtype, torch.Tensor(2).dtype; torch.set_default_dtype(torch.float32)",
    "torch.set_default_tensor_type(torch.DoubleTensor); r = torch.tensor(1.).dtype, torch.Tensor([1]).dtype; torch.set_default_dtype(torch.float32)",
    # ---- Size ----------------------------------------------------------------------------
    "x = torch.zeros(2, 3); r = x.shape, x.size(), str(x.shape), f'{x.shape}', type(x.size()).__name__, isinstance(x.shape, tuple)",
    "s = torch.zeros(2, 3, 4).shape; r = s.numel(), s[1:], s[::2], s[-1], s + (5,), (5,) + s, s * 2, 2 * s, s + torch.Size([7])",
    "s = torch.Size([2, 3]); r = s == (2, 3), s == [2, 3], hash(s) == hash((2, 3)), tuple(s), s.count(2), s.index(3), len(s)",
    "r = torch.Size([]), torch.Size(), torch.Size([]).numel(), torch.Size([torch.tensor(2), np.int64(3), True]), torch.Size(x for x in (1, 2))",
    "r = pickle.loads(pickle.dumps(torch.Size([2, 3]))), copy.deepcopy(torch.Size([2])), torch.zeros(()).shape",
    "x = torch.zeros(2, 3); r = x.size(-1), x.size(-2), x.size(0), x.size(dim=1), x.shape[-1], x.size(np.int64(1))",
    "x = torch.zeros(2, 3); r = x.view(x.size(0), -1).shape, torch.zeros(x.shape).shape, torch.ones(x.size()).shape, x.new_zeros(x.shape).shape if hasattr(x, 'new_zeros') else torch.Size([2, 3])",
    # ---- comparisons ---------------------------------------------------------------------
    "t = torch.tensor; r = torch.allclose(t([1., 2.]), t([1., 2.0000001])), torch.allclose(t([1., 2.]), t([1.1, 2.]), rtol=0.2, atol=0), torch.allclose(t([1., 2.]), t([1.1, 2.]))",
    "t = torch.tensor; n = float('nan'); r = torch.allclose(t([n]), t([n])), torch.allclose(t([n]), t([n]), equal_nan=True), torch.allclose(t([1., 1.]), t(1.)), torch.allclose(t([1]), t([1]))",
    "t = torch.tensor; r = torch.isclose(t([1., 2.]), t([1., 2.1])), torch.isclose(t([1, 2]), t([1, 3])), torch.isclose(t([1, 2]), t([1, 3]), rtol=0.5, atol=0)",
    "t = torch.tensor; i = float('inf'); n = float('nan'); r = torch.isclose(t([i, -i, i, n, 1.]), t([i, i, 1., n, n])), torch.isclose(t([n, 1.]), t([n, 1.]), equal_nan=True)",
    "t = torch.tensor; r = torch.isclose(t([True, False]), t([True, True])), torch.isclose(t([1., 2.], dtype=torch.float64), t([1.000000001, 2.1], dtype=torch.float64), rtol=0, atol=1e-8)",
    "t = torch.tensor; r = torch.isclose(t([1., 2.], requires_grad=True), t([1., 2.1])), torch.isclose(t([[1.], [2.]]), t([1., 2.])), torch.isclose(t([1+1j]), t([1+1.000001j]))",
    "t = torch.tensor; r = torch.equal(t([1, 2]), t([1, 2])), torch.equal(t([1, 2]), t([1, 3])), torch.equal(t([1, 2]), t([1, 2, 3])), torch.equal(t([1, 2]), t([1., 2.])), torch.equal(t([float('nan')]), t([float('nan')])), torch.equal(t([1, 2]), t([[1, 2]]))",
    "t = torch.tensor; r = t([1.]).allclose(t([1.])), t([1.]).isclose(t([1.])), t([1.]).equal(t([1.])), t([1., 2.], requires_grad=True).allclose(t([1., 2.]))",
]

ERRORS = [
    "torch.device('bogus')",
    "torch.device(0)",
    "torch.device('cpu:x')",
    "torch.device('cpu', -1)",
    "torch.device(None)",
    "torch.zeros(2, device='cuda')",
    "torch.tensor([1.], device=torch.device('cuda', 0))",
    "torch.ones(2, device=0)",
    "torch.randn(2, device='cuda:0')",
    "torch.zeros(2, device='bogus')",
    "torch.zeros(2).to('cuda')",
    "torch.zeros(2).to(torch.device('cuda'))",
    "torch.zeros(2).to('mps')",
    "torch.zeros(2).cuda()",
    "torch.zeros(2).cuda(0)",
    "torch.zeros(2).to(0)",
    "torch.zeros_like(torch.ones(2), device='cuda')",
    "torch.rand_like(torch.ones(2), device='cuda')",
    "torch.tensor([1.], pin_memory=True)",
    "torch.zeros(2, pin_memory=True)",
    "torch.zeros(2).pin_memory()",
    "torch.zeros(2).to([1])",
    "torch.zeros(2).to('cpu', 'cpu')",
    "torch.zeros(2).to(torch.float64, torch.float64)",
    "torch.zeros(2).to(torch.float64, dtype=torch.float64)",
    "torch.zeros(2).type('foo')",
    "torch.cuda.current_device()",
    "torch.cuda.synchronize()",
    "torch.cuda.get_device_name(0)",
    "torch.cuda.FloatTensor([1.])",
    "torch.accelerator.current_device_index()",
    "torch.accelerator.synchronize()",
    "torch.mps.synchronize()",
    "torch.mps.empty_cache()",
    "torch.set_default_device('cuda'); torch.get_default_device()",
    "torch.finfo(torch.int64)",
    "torch.iinfo(torch.float32)",
    "torch.iinfo(torch.bool)",
    "torch.set_default_dtype(torch.int64)",
    "torch.is_floating_point(1.0)",
    "torch.Tensor(2.5)",
    "torch.Tensor(True)",
    "torch.Tensor('a')",
    "torch.Tensor(-1)",
    "torch.Tensor(2, -1)",
    "torch.Tensor(2.0, 3)",
    "torch.Tensor([1.], device='cuda')",
    "torch.Tensor([1.], dtype=torch.float64)",
    "torch.FloatTensor(torch.tensor([1.], dtype=torch.float64))",
    "torch.LongTensor(torch.tensor([1.5]))",
    "torch.Size([2.5])",
    "torch.Size([torch.tensor(2.)])",
    "torch.Size(3)",
    "torch.Size([1]) + [2]",
    "torch.zeros(2, 3).size(2)",
    "torch.zeros(2, 3).size(-3)",
    "torch.zeros(()).size(0)",
    "torch.zeros(()).size(-1)",
    "torch.zeros(2, 3).size(1.0)",
    "torch.zeros(2).shape = (3,)",
    "torch.numel([1, 2])",
    "torch.allclose(torch.tensor([1.]), torch.tensor([1.], dtype=torch.float64))",
    "torch.isclose(torch.tensor([1.]), 1.0)",
    "torch.isclose(torch.tensor([1., 2.]), torch.tensor([1., 2., 3.]))",
    "torch.isclose(torch.tensor([1.]), torch.tensor([1.]), rtol=-1)",
    "torch.equal(torch.tensor([1.]), [1.])",
]

# torch.testing.assert_close: the whole report must match PyTorch's
ASSERT_CLOSE = [
    "t([1., 2., 3.]), t([1., 2.1, 3.])",
    "t([1., 2., 3.], dtype=torch.float64), t([1.1, 2.1, 3.], dtype=torch.float64)",
    "t([[1., 2.], [3, 4]]), t([[1., 2.], [3, 4.5]])",
    "t(1.), t(1.5)",
    "t([1, 2]), t([1, 3])",
    "t([True, False]), t([True, True])",
    "t([1], dtype=torch.uint8), t([3], dtype=torch.uint8)",
    "t([1.]), t([1.], dtype=torch.float64)",
    "t([1], dtype=torch.int32), t([1])",
    "t([1., 2.]), t([1.])",
    "t([1.]), [1.]",
    "t(1.), 1.",
    "t([1.]), np.array([1.], dtype=np.float32)",
    "1.0, 1.1",
    "1, 2",
    "True, False",
    "1, 1.0",
    "None, 1",
    "'a', 'a'",
    "[t([1.]), t([2.])], [t([1.]), t([2.5])]",
    "[1, 2], [1]",
    "{'a': t([1.])}, {'a': t([1.5])}",
    "{'a': 1}, {'b': 1}",
    "[[1., 2.]], [[1., 2.5]]",
    "t([float('nan')]), t([float('nan')])",
    "t([float('nan'), 1.]), t([1., 1.])",
    "t([float('inf')]), t([-float('inf')])",
    "t([1.]), t([1.]), rtol=1e-3",
    "t([1.]), t([2.]), msg='custom'",
    "t([1.]), t([2.]), msg=lambda m: 'Header\\n' + m",
    "torch.arange(10.), torch.arange(10.) * 1.01",
    "t([1.0, 0.0]), t([1.0, 0.001])",
    "t([[1., 2.]]), t([[1., 2.0001]])",
    "np.array([1.]), np.array([1.5])",
    "t([1+1j]), t([1+2j])",
    "t([1.], dtype=torch.float16), t([1.01], dtype=torch.float16)",
    "t([1.]), t([1.5], dtype=torch.float64), check_dtype=False",
]

PASSES = [
    "t([1., 2.]), t([1., 2.])",
    "t([1.], requires_grad=True), t([1.])",
    "t([1.], dtype=torch.float16), t([1.001], dtype=torch.float16)",
    "t([1.]), t([1.], dtype=torch.float64), check_dtype=False",
    "t([1.]), t([1.05]), rtol=0.1, atol=0",
    "t([float('nan')]), t([float('nan')]), equal_nan=True",
    "t([float('inf')]), t([float('inf')])",
    "t([]), t([])",
    "1.0, 1.0 + 1e-9",
    "None, None",
    "(t([1.]), {'k': 2}), [t([1.]), {'k': 2}]",
]


def _run(m, code):
    ns = {"torch": m, "np": np, "pickle": pickle, "copy": copy}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(code, ns)
        finally:
            m.set_default_dtype(m.float32)
            if "set_default_device" in code:
                m.set_default_device(None)
    return ns.get("r")


def _norm(s: str) -> str:
    return re.sub(r"0x[0-9a-f]+", "0x", s)


@pytest.mark.parametrize("code", CASES)
def test_same_as_pytorch(code):
    torch = pytest.importorskip("torch")
    assert_same_repr(fg, torch, _run, code)


@pytest.mark.parametrize("code", ERRORS)
def test_same_error_as_pytorch(code):
    torch = pytest.importorskip("torch")
    assert_same_error(fg, torch, _run, code)


@pytest.mark.parametrize("args", ASSERT_CLOSE)
def test_assert_close_reports_as_pytorch(args):
    torch = pytest.importorskip("torch")
    errs = []
    for m in (torch, fg):
        with pytest.raises(Exception) as e:
            eval(f"m.testing.assert_close({args})", {"m": m, "torch": m, "t": m.tensor, "np": np})
        errs.append(e.value)
    assert type(errs[1]) is type(errs[0])
    assert str(errs[1]) == str(errs[0])


@pytest.mark.parametrize("args", PASSES)
def test_assert_close_passes(args):
    assert eval(f"fg.testing.assert_close({args})",
                {"fg": fg, "torch": fg, "t": fg.tensor, "np": np}) is None


# ---- without torch: closed forms and the rules themselves ---------------------------------
def test_device_selection_idiom_picks_the_cpu():
    device = fg.device("cuda" if fg.cuda.is_available() else "cpu")
    x = fg.linspace(0, 1, 5, device=device, dtype=fg.float).to(device)
    assert device == fg.device("cpu") and x.device == device and str(device) == "cpu"
    assert fg.cuda.device_count() == 0 and fg.accelerator.current_accelerator() is None
    assert not fg.backends.mps.is_available()


@pytest.mark.parametrize("make", [
    lambda: fg.zeros(2, device="cuda"), lambda: fg.ones(2).to("cuda"), lambda: fg.ones(2).cuda(),
    lambda: fg.tensor([1.]).to(fg.device("cuda", 0)), lambda: fg.arange(3, device="mps"),
    lambda: fg.ones(2).to("xla"), lambda: fg.randn(2, device="meta")])
def test_other_devices_raise_and_say_cpu(make):
    with pytest.raises((AssertionError, RuntimeError), match="feathergrad runs on the CPU"):
        make()


def test_size_is_a_tuple_with_torch_repr():
    s = fg.zeros(2, 3).shape
    assert s == (2, 3) and isinstance(s, tuple) and repr(s) == "torch.Size([2, 3])"
    assert s.numel() == 6 and fg.Size([]).numel() == 1
    assert isinstance(s[1:], fg.Size) and isinstance(s + (1,), fg.Size)
    assert isinstance((1,) + s, fg.Size) and (1,) + s == (1, 2, 3)
    assert fg.zeros(2, 3, 4).size(-1) == 4 and fg.zeros(2, 3, 4).size(-3) == 2


def test_legacy_constructors_closed_form():
    assert fg.Tensor([1, 2]).dtype is fg.float32 and fg.Tensor([1, 2]).tolist() == [1.0, 2.0]
    assert fg.Tensor(2, 3).shape == (2, 3) and fg.Tensor().shape == (0,)
    assert fg.LongTensor([1.7, -2.7]).tolist() == [1, -2]   # truncation toward zero
    assert fg.DoubleTensor([1]).dtype is fg.float64 and fg.BoolTensor([2, 0]).tolist() == [True,
                                                                                            False]
    x = fg.tensor([1.0, 2.0])
    assert isinstance(x, fg.FloatTensor) and not isinstance(x, fg.DoubleTensor)
    assert x.type() == "torch.FloatTensor" and x.double().type() == "torch.DoubleTensor"
    assert x.type(fg.LongTensor).dtype is fg.int64
    fg.set_default_dtype(fg.float64)
    assert fg.Tensor([1]).dtype is fg.float64 and fg.FloatTensor([1]).dtype is fg.float32


def test_legacy_alias_shares_storage_and_gradient():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = fg.Tensor(x)
    assert y.grad_fn.name() == "AliasBackward0"
    (y * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_isclose_matches_its_formula():
    rng = np.random.default_rng(0)
    a = rng.standard_normal(50)
    b = a + rng.standard_normal(50) * 1e-5
    rtol, atol = 1e-5, 1e-6
    want = np.abs(a - b) <= atol + rtol * np.abs(b)
    got = fg.isclose(fg.tensor(a), fg.tensor(b), rtol=rtol, atol=atol)
    assert got.dtype is fg.bool and got.tolist() == want.tolist()
    assert fg.allclose(fg.tensor(a), fg.tensor(a)) and not fg.allclose(fg.tensor(a),
                                                                      fg.tensor(a + 1))


def test_assert_close_default_tolerances_per_dtype():
    # float32: rtol 1.3e-6, atol 1e-5; float64: rtol 1e-7, atol 1e-7
    fg.testing.assert_close(fg.tensor([1.0]), fg.tensor([1.0 + 5e-6]))
    with pytest.raises(AssertionError, match="Tensor-likes are not close"):
        fg.testing.assert_close(fg.tensor([1.0], dtype=fg.float64),
                                fg.tensor([1.0 + 5e-6], dtype=fg.float64))
    with pytest.raises(AssertionError, match="Tensor-likes are not equal"):
        fg.testing.assert_close(fg.tensor([1]), fg.tensor([2]))


def test_make_tensor():
    t = fg.testing.make_tensor(3, 4, dtype=fg.float64, low=-1, high=1)
    assert t.shape == (3, 4) and t.dtype is fg.float64
    assert np.abs(t.numpy()).max() <= 1
    assert fg.testing.make_tensor((5,), dtype=fg.int64, low=0, high=3).numpy().max() < 3


def test_finfo_closed_forms():
    assert fg.finfo(fg.float32).eps == 2.0 ** -23 and fg.finfo(fg.float64).eps == 2.0 ** -52
    assert fg.finfo(fg.float16).max == 65504.0 and fg.iinfo(fg.int8).min == -128
    assert fg.iinfo(fg.uint8).max == 255
