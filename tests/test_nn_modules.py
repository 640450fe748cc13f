"""nn.Module and the layers against PyTorch: the same modules built by the same code under
both libraries, PyTorch's weights copied in, then forward values, parameter gradients,
running statistics, state dicts, reprs and errors compared; gradcheck for each layer."""

from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

import feathergrad as fg
from feathergrad import nn
from feathergrad.autograd import gradcheck

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(1)


def copy_weights(src, dst) -> None:
    """PyTorch module `src` -> feathergrad module `dst` (same structure), through NumPy."""
    dst.load_state_dict({k: fg.tensor(v.detach().numpy().copy())
                         for k, v in src.state_dict().items()})


def both(build, dtype="float64"):
    """build(m) under both libraries, with PyTorch's initial weights copied over."""
    t = build(torch)
    f = build(fg)
    t.to(getattr(torch, dtype))
    f.to(getattr(fg, dtype))
    copy_weights(t, f)
    return f, t


def check_layer(build, *shapes, dtype="float64", ints=None, rtol=1e-6, atol=1e-7, train=True,
                steps=1):
    """Forward value, input and parameter gradients of build(m) on the same random input."""
    f, t = both(build, dtype)
    if not train:
        f.eval()
        t.eval()
    for _ in range(steps):
        ins = []
        for s in shapes:
            a = RNG.standard_normal(s).astype(dtype)
            ins.append((fg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)))
        if ints is not None:
            ins = [(fg.tensor(ints), torch.tensor(ints))]
        fo, to = f(*[a for a, _ in ins]), t(*[b for _, b in ins])
        np.testing.assert_allclose(fo.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=atol)
        assert fo.dtype.name == str(to.dtype).replace("torch.", "")
        w = RNG.standard_normal(tuple(to.shape)).astype(dtype)
        fo.backward(fg.tensor(w))
        to.backward(torch.tensor(w))
        for a, b in ins:
            if b.grad is not None:
                np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=atol)
        for (n, p), (n2, q) in zip(f.named_parameters(), t.named_parameters()):
            assert n == n2
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=rtol, atol=atol,
                                       err_msg=n)
    for (n, b), (n2, c) in zip(f.named_buffers(), t.named_buffers()):
        assert n == n2
        np.testing.assert_allclose(b.numpy(), c.numpy(), rtol=rtol, atol=atol, err_msg=n)
    return f, t


LAYERS = [
    ("linear", lambda m: m.nn.Linear(5, 3), [(4, 5)]),
    ("linear-3d-nobias", lambda m: m.nn.Linear(5, 3, bias=False), [(2, 4, 5)]),
    ("bilinear", lambda m: m.nn.Bilinear(3, 4, 2), [(5, 3), (5, 4)]),
    ("layernorm", lambda m: m.nn.LayerNorm(6), [(3, 6)]),
    ("layernorm-2d", lambda m: m.nn.LayerNorm((2, 3), elementwise_affine=False), [(4, 2, 3)]),
    ("batchnorm1d", lambda m: m.nn.BatchNorm1d(4), [(8, 4)]),
    ("batchnorm1d-3d", lambda m: m.nn.BatchNorm1d(3, momentum=None), [(4, 3, 5)]),
    ("batchnorm2d", lambda m: m.nn.BatchNorm2d(3), [(4, 3, 5, 5)]),
    ("conv2d", lambda m: m.nn.Conv2d(3, 4, 3, padding=1), [(2, 3, 6, 6)]),
    ("conv2d-stride", lambda m: m.nn.Conv2d(4, 6, (3, 2), stride=2, groups=2, bias=False),
     [(2, 4, 7, 6)]),
    ("conv2d-same", lambda m: m.nn.Conv2d(2, 3, 4, padding="same", dilation=2),
     [(1, 2, 9, 9)]),
    ("conv1d", lambda m: m.nn.Conv1d(3, 5, 3, stride=2, padding=1), [(2, 3, 9)]),
    ("maxpool2d", lambda m: m.nn.MaxPool2d(2), [(2, 3, 6, 6)]),
    ("maxpool2d-pad", lambda m: m.nn.MaxPool2d(3, 2, padding=1, ceil_mode=True),
     [(2, 3, 7, 6)]),
    ("avgpool2d", lambda m: m.nn.AvgPool2d(3, 2, padding=1), [(2, 3, 7, 6)]),
    ("maxpool1d", lambda m: m.nn.MaxPool1d(2), [(2, 3, 8)]),
    ("avgpool1d", lambda m: m.nn.AvgPool1d(3, 1), [(2, 3, 8)]),
    ("adaptiveavg", lambda m: m.nn.AdaptiveAvgPool2d((1, 1)), [(2, 3, 4, 4)]),
    ("flatten", lambda m: m.nn.Flatten(), [(2, 3, 4)]),
    ("unflatten", lambda m: m.nn.Unflatten(1, (2, 3)), [(4, 6)]),
    ("identity", lambda m: m.nn.Identity(54), [(4, 6)]),
    ("dropout-eval", lambda m: m.nn.Dropout(0.4), [(4, 6)]),
    ("cnn", lambda m: m.nn.Sequential(
        m.nn.Conv2d(1, 4, 3, padding=1), m.nn.BatchNorm2d(4), m.nn.ReLU(), m.nn.MaxPool2d(2),
        m.nn.Conv2d(4, 8, 3), m.nn.ReLU(), m.nn.AvgPool2d(2), m.nn.Flatten(),
        m.nn.Linear(32, 5)), [(3, 1, 12, 12)]),
]
ACTS = ["ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Softplus",
        "Softsign", "Hardtanh", "Hardsigmoid", "Hardswish", "Tanh", "Sigmoid", "LogSigmoid",
        "Tanhshrink"]


@pytest.mark.parametrize("name,build,shapes", LAYERS, ids=[x[0] for x in LAYERS])
def test_layer_matches_pytorch(name, build, shapes):
    train = name != "dropout-eval"
    check_layer(build, *shapes, train=train, steps=2)
    check_layer(build, *shapes, dtype="float32", rtol=2e-5, atol=2e-5, train=train)
    if "batchnorm" in name:
        check_layer(build, *shapes, train=False)


@pytest.mark.parametrize("act", ACTS)
def test_activation_modules(act):
    check_layer(lambda m: getattr(m.nn, act)(), (3, 8))


def test_softmax_modules_and_embedding():
    check_layer(lambda m: m.nn.Softmax(dim=1), (3, 4))
    check_layer(lambda m: m.nn.LogSoftmax(dim=-1), (3, 4))
    idx = np.array([[1, 2, 0], [4, 2, 2]])
    f, t = both(lambda m: m.nn.Embedding(5, 3, padding_idx=2))
    fo, to = f(fg.tensor(idx)), t(torch.tensor(idx))
    np.testing.assert_allclose(fo.detach().numpy(), to.detach().numpy())
    w = RNG.standard_normal(tuple(to.shape))
    fo.backward(fg.tensor(w))
    to.backward(torch.tensor(w))
    np.testing.assert_allclose(f.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-12)
    assert not f.weight.grad.numpy()[2].any()
    e = nn.Embedding(4, 2, padding_idx=-1)
    assert e.padding_idx == 3 and not e.weight.detach().numpy()[3].any()
    pre = nn.Embedding.from_pretrained(fg.ones(3, 2))
    assert not pre.weight.requires_grad and pre(fg.tensor([1])).tolist() == [[1.0, 1.0]]


@pytest.mark.parametrize("name,cls,kw", [
    ("mse", "MSELoss", {}), ("l1", "L1Loss", {"reduction": "sum"}),
    ("smoothl1", "SmoothL1Loss", {"beta": 0.5}), ("huber", "HuberLoss", {"delta": 0.3}),
    ("bcelogits", "BCEWithLogitsLoss", {}), ("soft-margin", "SoftMarginLoss", {}),
])
def test_loss_modules_float_targets(name, cls, kw):
    x, y = RNG.standard_normal((4, 3)), RNG.uniform(0, 1, (4, 3))
    if name == "soft-margin":
        y = np.sign(y - 0.5)
    fl, tl = getattr(nn, cls)(**kw), getattr(torch.nn, cls)(**kw)
    a, b = fg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    fo, to = fl(a, fg.tensor(y)), tl(b, torch.tensor(y))
    np.testing.assert_allclose(fo.item(), to.item(), rtol=1e-12)
    fo.backward()
    to.backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10)


def test_classification_loss_modules():
    x = RNG.standard_normal((6, 4))
    t = np.array([0, 3, 1, 1, 2, -100])
    w = np.array([1.0, 2.0, 0.5, 1.5])
    for cls, kw in [("CrossEntropyLoss", {"label_smoothing": 0.1}),
                    ("CrossEntropyLoss", {"weight": w}), ("NLLLoss", {"weight": w})]:
        fkw = {k: fg.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        a, b = fg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        fo = getattr(nn, cls)(**fkw)(a, fg.tensor(t))
        to = getattr(torch.nn, cls)(**tkw)(b, torch.tensor(t))
        np.testing.assert_allclose(fo.item(), to.item(), rtol=1e-12)
        fo.backward()
        to.backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10)
    p = RNG.uniform(0.05, 0.95, (4, 3))
    a, b = fg.tensor(p, requires_grad=True), torch.tensor(p, requires_grad=True)
    fo, to = nn.BCELoss()(a, fg.tensor(p[::-1].copy())), torch.nn.BCELoss()(b, torch.tensor(
        p[::-1].copy()))
    np.testing.assert_allclose(fo.item(), to.item(), rtol=1e-12)
    assert "weight" in dict(nn.CrossEntropyLoss(weight=fg.ones(3)).named_buffers())


@pytest.mark.parametrize("build,shapes", [
    (lambda: nn.Linear(3, 2), [(4, 3)]),
    (lambda: nn.Bilinear(2, 3, 2), [(2, 2), (2, 3)]),
    (lambda: nn.LayerNorm(4), [(2, 4)]),
    (lambda: nn.BatchNorm1d(3), [(4, 3)]),
    (lambda: nn.Conv2d(2, 2, 2, stride=1, padding=1), [(1, 2, 3, 3)]),
    (lambda: nn.Conv1d(2, 3, 3, padding=1, groups=1), [(1, 2, 4)]),
    (lambda: nn.Sequential(nn.Conv2d(1, 2, 2), nn.MaxPool2d(2), nn.Tanh()), [(1, 1, 5, 5)]),
    (lambda: nn.AvgPool2d(2, 1, padding=1), [(1, 2, 3, 3)]),
])
def test_layer_gradcheck(build, shapes):
    fg.manual_seed(0)
    m = build().double()
    mods = list(m.modules())
    ps = [p.detach().clone().requires_grad_() for p in m.parameters()]
    xs = [fg.randn(*s, dtype=fg.float64, requires_grad=True) for s in shapes]

    def fn(*args):
        # NOTE: the parameters enter as inputs, so gradcheck covers their gradients too
        it = iter(args[len(xs):])
        saved = [mod._parameters for mod in mods]
        for mod in mods:
            mod._parameters = {k: None if v is None else next(it)
                               for k, v in mod._parameters.items()}
        try:
            return m(*args[:len(xs)])
        finally:
            for mod, p in zip(mods, saved):
                mod._parameters = p
    assert gradcheck(fn, xs + ps)


# ---- Module API ----------------------------------------------------------------------------
class Net:
    """The same user-defined module source under both libraries."""

    @staticmethod
    def build(m):
        class Block(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = m.nn.Linear(3, 4)
                self.bn = m.nn.BatchNorm1d(4)
                self.register_buffer("scale", m.ones(4))
                self.register_buffer("tmp", m.zeros(1), persistent=False)

            def forward(self, x):
                return self.bn(self.fc(x)) * self.scale

        class Model(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.block = Block()
                self.heads = m.nn.ModuleList([m.nn.Linear(4, 2), m.nn.Linear(4, 2)])
                self.extra = m.nn.ModuleDict({"a": m.nn.ReLU(), "b": m.nn.Identity()})
                self.alpha = m.nn.Parameter(m.tensor(0.5))
                self.act = m.nn.Sequential(OrderedDict(relu=m.nn.ReLU(), drop=m.nn.Dropout()))

            def forward(self, x):
                h = self.act(self.block(x))
                return sum(h_(h) for h_ in self.heads) * self.alpha
        return Model()


def test_module_structure_matches_pytorch():
    f, t = Net.build(fg), Net.build(torch)
    assert [n for n, _ in f.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in f.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in f.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in f.named_children()] == [n for n, _ in t.named_children()]
    assert list(f.state_dict()) == list(t.state_dict())
    assert repr(f) == repr(t)
    assert [type(c).__name__ for c in f.modules()] == [type(c).__name__ for c in t.modules()]
    assert len(list(f.parameters(recurse=False))) == 1
    copy_weights(t, f)
    x = RNG.standard_normal((5, 3)).astype(np.float32)
    f.eval()
    t.eval()
    np.testing.assert_allclose(f(fg.tensor(x)).detach().numpy(),
                               t(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_train_eval_zero_grad_requires_grad_apply_to():
    m = Net.build(fg)
    assert m.training and all(c.training for c in m.modules())
    m.eval()
    assert not any(c.training for c in m.modules())
    m.train()
    out = m(fg.randn(6, 3)).sum()
    out.backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all(not p.grad.numpy().any() for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())
    seen = []
    m.apply(lambda c: seen.append(type(c).__name__))
    assert seen[-1] == "Model" and seen[0] == "Linear"
    w = m.block.fc.weight
    m.double()
    assert m.block.fc.weight is w and w.dtype == fg.float64 and m.block.scale.dtype == fg.float64
    assert m.block.bn.num_batches_tracked.dtype == fg.int64
    with pytest.raises(TypeError):
        m.to(fg.int64)


def test_state_dict_round_trip_and_strict_errors():
    a, b = Net.build(fg), Net.build(fg)
    b.load_state_dict(a.state_dict())
    for (n, p), (_, q) in zip(a.state_dict().items(), b.state_dict().items()):
        assert np.array_equal(p.numpy(), q.numpy()), n
    sd = a.state_dict()
    assert sd["block.fc.weight"]._data is a.block.fc.weight._data   # shares memory
    assert not sd["block.fc.weight"].requires_grad
    assert "block.tmp" not in sd
    p = b.block.fc.weight
    b.load_state_dict(a.state_dict())
    assert b.block.fc.weight is p                                    # copied in place

    def bad(m):
        model = Net.build(m)
        sd = model.state_dict()
        del sd["alpha"]
        sd["block.fc.weight"] = m.zeros(2, 2)
        sd["foo"] = m.zeros(1)
        return model, sd
    (fm, fsd), (tm, tsd) = bad(fg), bad(torch)
    with pytest.raises(RuntimeError) as te:
        tm.load_state_dict(tsd)
    with pytest.raises(RuntimeError) as fe:
        fm.load_state_dict(fsd)
    assert str(fe.value) == str(te.value)
    del fsd["block.fc.weight"], tsd["block.fc.weight"]
    fr, tr = fm.load_state_dict(fsd, strict=False), tm.load_state_dict(tsd, strict=False)
    assert (fr.missing_keys, fr.unexpected_keys) == (tr.missing_keys, tr.unexpected_keys)
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        fm.load_state_dict([1])


def test_registration_rules_and_errors():
    m = nn.Module()
    m.w = nn.Parameter(fg.ones(2))
    m.sub = nn.Linear(2, 2)
    m.register_buffer("b", fg.zeros(2))
    m.plain = fg.ones(1)            # a plain tensor attribute is neither
    assert [n for n, _ in m.named_parameters()] == ["w", "sub.weight", "sub.bias"]
    assert [n for n, _ in m.named_buffers()] == ["b"]
    m.b = fg.ones(2)
    assert m.b.tolist() == [1.0, 1.0]
    m.buf = nn.Buffer(fg.zeros(3), persistent=False)
    assert "buf" in dict(m.named_buffers()) and "buf" not in m.state_dict()
    del m.w
    assert "w" not in dict(m.named_parameters())
    for call in [lambda k: setattr(k.nn.Linear(2, 2), "weight", k.ones(2, 2)),
                 lambda k: k.nn.Module().register_buffer("a.b", k.ones(1)),
                 lambda k: k.nn.Module().register_parameter("p", k.ones(1)),
                 lambda k: k.nn.Module().add_module("x", 3),
                 lambda k: k.nn.Linear(2, 2).nope,
                 lambda k: k.nn.Module().register_parameter(
                     "p", k.nn.Parameter(k.ones(1)) * 2)]:
        with pytest.raises(Exception) as te:
            call(torch)
        with pytest.raises(type(te.value)) as fe:
            call(fg)
        assert str(fe.value).split("\n")[0] == str(te.value).split("\n")[0]
    shared = nn.Linear(2, 2)
    tied = nn.Sequential(shared, shared)
    assert len(list(tied.parameters())) == 2 and len(list(tied.modules())) == 2


def test_parameter_behaviour():
    p = nn.Parameter(fg.ones(2))
    assert isinstance(p, nn.Parameter) and isinstance(p, fg.Tensor) and p.requires_grad
    assert repr(p) == repr(torch.nn.Parameter(torch.ones(2)))
    assert repr(nn.Parameter(fg.ones(2), requires_grad=False)) == repr(
        torch.nn.Parameter(torch.ones(2), requires_grad=False))
    assert not isinstance(p * 2, nn.Parameter) and not isinstance(p.detach(), nn.Parameter)
    assert not isinstance(fg.ones(2), nn.Parameter)
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) or q is not p
    m = copy.deepcopy(nn.Linear(2, 2))
    assert isinstance(m.weight, nn.Parameter)
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]


def test_hooks():
    m = nn.Linear(2, 2)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    h2 = m.register_forward_hook(lambda mod, args, out: out + 1)
    m.register_forward_hook(lambda mod, args, out: calls.append(out.shape))
    y = m(fg.ones(3, 2))
    np.testing.assert_allclose(y.detach().numpy(), m.bias.detach().numpy() + 1 + np.zeros((3, 2)))
    assert calls == [fg.Size([3, 2])]
    h1.remove()
    h2.remove()
    y = m(fg.ones(3, 2))
    np.testing.assert_allclose(y.detach().numpy(), (m(fg.ones(3, 2))).detach().numpy())
    kw = []
    m.register_forward_pre_hook(lambda mod, a, k: kw.append(k), with_kwargs=True)
    m(input=fg.ones(1, 2))
    assert kw == [{"input": kw[0]["input"]}]


def test_full_backward_hook_sees_gradients():
    lin = nn.Linear(3, 2)
    seen = {}

    def hook(mod, gin, gout):
        seen["gin"] = [g.numpy().copy() for g in gin if g is not None]
        seen["gout"] = [g.numpy().copy() for g in gout]
    lin.register_full_backward_hook(hook)
    x = fg.ones(4, 3, requires_grad=True)
    (lin(x) * 2).sum().backward()
    assert np.allclose(seen["gout"][0], 2.0)
    np.testing.assert_allclose(seen["gin"][0], x.grad.numpy())
    np.testing.assert_allclose(x.grad.numpy(), np.tile(2 * lin.weight.detach().numpy().sum(0),
                                                       (4, 1)), rtol=1e-6)


@pytest.mark.parametrize("expr", [
    "m.nn.Linear(3, 4, bias=False)", "m.nn.Bilinear(2, 3, 4)", "m.nn.Conv2d(1, 8, 3, padding=1)",
    "m.nn.Conv2d(4, 8, (3, 5), stride=2, dilation=2, groups=2, bias=False)",
    "m.nn.Conv1d(2, 3, 3, padding='same')", "m.nn.MaxPool2d(2)", "m.nn.MaxPool2d(3, 1, 1)",
    "m.nn.AvgPool2d(2)", "m.nn.BatchNorm1d(5)", "m.nn.BatchNorm2d(3, affine=False)",
    "m.nn.BatchNorm1d(3, bias=False, momentum=None)", "m.nn.LayerNorm(3, bias=False)",
    "m.nn.LayerNorm((2, 3))", "m.nn.Embedding(10, 3, padding_idx=0)", "m.nn.Dropout(0.2)",
    "m.nn.ReLU(inplace=True)", "m.nn.LeakyReLU(0.2)", "m.nn.ELU()", "m.nn.GELU('tanh')",
    "m.nn.Softmax(dim=1)", "m.nn.LogSoftmax(1)", "m.nn.Hardtanh(-2.0, 2.0)", "m.nn.Softplus()",
    "m.nn.Flatten()", "m.nn.Unflatten(1, (2, 5))", "m.nn.Identity()", "m.nn.CrossEntropyLoss()",
    "m.nn.MSELoss()", "m.nn.Sequential(m.nn.Linear(2, 2), m.nn.Sequential(m.nn.Tanh()))",
    "m.nn.ModuleList([m.nn.Linear(2, 2) for _ in range(3)] + [m.nn.ReLU()])",
    "m.nn.ModuleDict({'a': m.nn.Linear(1, 1)})", "m.nn.AdaptiveAvgPool2d((1, 1))",
])
def test_reprs_match_pytorch(expr):
    assert repr(eval(expr, {"m": fg})) == repr(eval(expr, {"m": torch}))


def test_containers():
    s = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(s) == 3 and isinstance(s[0], nn.Linear) and isinstance(s[-1], nn.Linear)
    assert isinstance(s[1:], nn.Sequential) and len(s[1:]) == 2
    s.append(nn.Sigmoid())
    assert s(fg.ones(4, 2)).shape == fg.Size([4, 1])
    del s[1]
    assert [n for n, _ in s.named_children()] == ["0", "1", "2"]
    ml = nn.ModuleList([nn.Linear(1, 1)])
    ml.extend([nn.ReLU()])
    ml.insert(0, nn.Tanh())
    assert [type(x).__name__ for x in ml] == ["Tanh", "Linear", "ReLU"]
    md = nn.ModuleDict({"x": nn.ReLU()})
    md["y"] = nn.Tanh()
    assert list(md.keys()) == ["x", "y"] and "y" in md
    pl = nn.ParameterList([nn.Parameter(fg.ones(2)), fg.zeros(3)])
    assert len(list(pl.parameters())) == 2 and isinstance(pl[1], nn.Parameter)
    pd = nn.ParameterDict({"a": fg.ones(1)})
    assert [n for n, _ in pd.named_parameters()] == ["a"]


def test_linear_default_initialisation():
    fg.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.98 * bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01 * bound          # U(-a, a) has std a/√3
    assert np.abs(b).max() <= bound
    conv = nn.Conv2d(3, 16, 5)
    assert np.abs(conv.weight.detach().numpy()).max() <= 1 / np.sqrt(75)
    assert lin.weight.dtype == fg.float32
    assert nn.Linear(2, 2, dtype=fg.float64).weight.dtype == fg.float64


def test_batchnorm_running_stats_and_eval():
    f, t = check_layer(lambda m: m.nn.BatchNorm1d(4, momentum=0.3), (8, 4), steps=3)
    assert int(f.num_batches_tracked) == int(t.num_batches_tracked) == 3
    f.eval()
    t.eval()
    x = RNG.standard_normal((2, 4))
    np.testing.assert_allclose(f(fg.tensor(x)).detach().numpy(),
                               t(torch.tensor(x)).detach().numpy(), rtol=1e-10)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        nn.BatchNorm1d(3)(fg.ones(1, 3))
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        nn.BatchNorm1d(3)(fg.ones(1, 3, 1, 1))
    sd = nn.BatchNorm1d(2).state_dict()
    del sd["num_batches_tracked"]
    nn.BatchNorm1d(2).load_state_dict(sd)     # old checkpoints load (as in PyTorch)
