"""Optimizers and schedulers against PyTorch, step by step: the same model and weights, the
same gradients, several steps, parameters compared after each (float64: to 1e-12; float32:
to a few ulps). Also param groups, zero_grad, state_dict round trips, gradient clipping."""

from __future__ import annotations

import numpy as np
import pytest

import feathergrad as fg
from feathergrad import nn, optim

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(2)


def _model(m, dtype):
    net = m.nn.Sequential(m.nn.Linear(4, 6), m.nn.Tanh(), m.nn.Linear(6, 2))
    return net.to(getattr(m, dtype))


def _pair(dtype):
    t = _model(torch, dtype)
    f = _model(fg, dtype)
    f.load_state_dict({k: fg.tensor(v.detach().numpy().copy())
                       for k, v in t.state_dict().items()})
    return f, t


def _run(opt_name, kw, dtype="float64", steps=6, groups=False, closure=False):
    f, t = _pair(dtype)
    if groups:
        fp = [{"params": f[0].parameters()}, {"params": f[2].parameters(), "lr": 0.05}]
        tp = [{"params": t[0].parameters()}, {"params": t[2].parameters(), "lr": 0.05}]
    else:
        fp, tp = f.parameters(), t.parameters()
    fo, to = getattr(optim, opt_name)(fp, **kw), getattr(torch.optim, opt_name)(tp, **kw)
    for _ in range(steps):
        x = RNG.standard_normal((5, 4)).astype(dtype)
        y = RNG.standard_normal((5, 2)).astype(dtype)

        def fclos(x=x, y=y):
            fo.zero_grad()
            loss = ((f(fg.tensor(x)) - fg.tensor(y)) ** 2).mean()
            loss.backward()
            return loss

        def tclos(x=x, y=y):
            to.zero_grad()
            loss = ((t(torch.tensor(x)) - torch.tensor(y)) ** 2).mean()
            loss.backward()
            return loss
        if closure:
            lf, lt = fo.step(fclos), to.step(tclos)
            np.testing.assert_allclose(lf.item(), lt.item(), rtol=1e-6)
        else:
            fclos()
            tclos()
            fo.step()
            to.step()
        for (n, p), (_, q) in zip(f.named_parameters(), t.named_parameters()):
            if dtype == "float64":
                np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-12,
                                           atol=1e-14, err_msg=n)
            else:
                np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6,
                                           atol=1e-7, err_msg=n)
    return fo, to, f, t


CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 1e-3}),
    ("SGD", {"lr": 0.05, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.9), "weight_decay": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.02, "eps": 1e-6, "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.5, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True,
                 "weight_decay": 0.01}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1,
                 "initial_accumulator_value": 0.2}),
]


@pytest.mark.parametrize("name,kw", CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in
                                                  enumerate(CONFIGS)])
def test_optimizer_steps_match_pytorch(name, kw):
    _run(name, kw)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_optimizers_float32_groups_and_closure(name):
    kw = {"lr": 0.01, "momentum": 0.9} if name in ("SGD", "RMSprop") else {"lr": 0.01}
    _run(name, kw, dtype="float32", steps=4)
    _run(name, kw, steps=3, groups=True, closure=True)


def test_state_dict_matches_pytorch_and_round_trips():
    fo, to, f, t = _run("Adam", {"lr": 0.01, "amsgrad": True}, steps=2)
    fsd, tsd = fo.state_dict(), to.state_dict()
    assert fsd["param_groups"] == tsd["param_groups"]
    assert list(fsd["state"]) == list(tsd["state"])
    for k in fsd["state"]:
        assert list(fsd["state"][k]) == list(tsd["state"][k])
        for key, v in fsd["state"][k].items():
            np.testing.assert_allclose(v.numpy(), tsd["state"][k][key].numpy(), rtol=1e-12)
    assert repr(fo) == repr(to)
    # a fresh optimizer loaded from the state continues exactly like the original
    g = _model(fg, "float64")
    g.load_state_dict(f.state_dict())
    go = optim.Adam(g.parameters(), lr=0.5)
    go.load_state_dict(fsd)
    assert go.param_groups[0]["lr"] == 0.01
    x = fg.tensor(RNG.standard_normal((3, 4)))
    for model, opt in ((f, fo), (g, go)):
        opt.zero_grad()
        model(x).sum().backward()
        opt.step()
    for p, q in zip(f.parameters(), g.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    with pytest.raises(ValueError, match="different number of parameter groups"):
        go.load_state_dict({"state": {}, "param_groups": []})


def test_zero_grad_and_param_group_rules():
    p = nn.Parameter(fg.ones(3))
    opt = optim.SGD([p], lr=0.1)
    (p * 2).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert p.grad is not None and not p.grad.numpy().any()
    opt.zero_grad()
    assert p.grad is None
    opt.step()                                  # parameters without a grad are skipped
    assert p.tolist() == [1.0, 1.0, 1.0]
    q = nn.Parameter(fg.ones(2))
    opt.add_param_group({"params": [q], "lr": 0.5})
    assert opt.param_groups[1]["momentum"] == 0 and opt.param_groups[1]["lr"] == 0.5
    for call in [lambda m: m.optim.SGD([], lr=0.1),
                 lambda m: m.optim.SGD(m.ones(2, requires_grad=True), lr=0.1),
                 lambda m: m.optim.SGD([m.ones(2, requires_grad=True) * 2], lr=0.1),
                 lambda m: m.optim.SGD([m.nn.Parameter(m.ones(1))], lr=-1),
                 lambda m: m.optim.SGD([m.nn.Parameter(m.ones(1))], lr=0.1, nesterov=True),
                 lambda m: m.optim.Adam([m.nn.Parameter(m.ones(1))], betas=(1.0, 0.9))]:
        with pytest.raises(Exception) as te:
            call(torch)
        with pytest.raises(type(te.value)) as fe:
            call(fg)
        assert str(fe.value) == str(te.value)
    r = nn.Parameter(fg.ones(1))
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [r]}, {"params": [r]}], lr=0.1)


def test_step_bumps_version_so_stale_graphs_are_caught():
    w = nn.Parameter(fg.ones(2))
    y = (w * w).sum()
    opt = optim.SGD([w], lr=0.1)
    (w * 3).sum().backward()
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


SCHEDULERS = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [2, 5, 5], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 4, "eta_min": 0.01}),
    ("LambdaLR", {"lr_lambda": lambda e: 1 / (e + 1)}),
    ("LinearLR", {"start_factor": 0.25, "total_iters": 4}),
]


@pytest.mark.parametrize("name,kw", SCHEDULERS, ids=[s[0] for s in SCHEDULERS])
def test_schedulers_match_pytorch(name, kw):
    fp, tp = nn.Parameter(fg.ones(1)), torch.nn.Parameter(torch.ones(1))
    fo = optim.SGD([{"params": [fp]}, {"params": [nn.Parameter(fg.ones(1))], "lr": 0.3}], lr=0.1)
    to = torch.optim.SGD([{"params": [tp]}, {"params": [torch.nn.Parameter(torch.ones(1))],
                                              "lr": 0.3}], lr=0.1)
    fs = getattr(optim.lr_scheduler, name)(fo, **kw)
    ts = getattr(torch.optim.lr_scheduler, name)(to, **kw)
    for _ in range(12):
        np.testing.assert_allclose(fs.get_last_lr(), ts.get_last_lr(), rtol=1e-15)
        fo.step()
        to.step()
        fs.step()
        ts.step()
    assert fs.last_epoch == ts.last_epoch == 12
    sd = fs.state_dict()
    assert "optimizer" not in sd
    fs2 = getattr(optim.lr_scheduler, name)(fo, **kw)
    fs2.load_state_dict(sd)
    assert fs2.last_epoch == 12


@pytest.mark.parametrize("kw", [{}, {"mode": "max", "factor": 0.5, "patience": 1,
                                     "cooldown": 1, "threshold_mode": "abs", "min_lr": 0.02}])
def test_reduce_lr_on_plateau_matches_pytorch(kw):
    fo = optim.SGD([nn.Parameter(fg.ones(1))], lr=0.1)
    to = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    fs = optim.lr_scheduler.ReduceLROnPlateau(fo, **kw)
    ts = torch.optim.lr_scheduler.ReduceLROnPlateau(to, **kw)
    metrics = [1.0, 0.9, 0.9, 0.95, 0.91, 0.9, 0.9, 0.89, 0.95] * 4
    for m in metrics:
        fs.step(m)
        ts.step(m)
        assert fs.get_last_lr() == ts.get_last_lr()
    assert fo.param_groups[0]["lr"] < 0.1 or kw == {}


def test_clip_grad_norm_and_value():
    def grads(m):
        ps = [m.nn.Parameter(m.tensor(a.copy())) for a in
              (RNG.standard_normal((3, 2)), RNG.standard_normal(4))]
        return ps
    state = RNG.bit_generator.state
    fps = grads(fg)
    RNG.bit_generator.state = state
    tps = grads(torch)
    for a, b in zip(fps, tps):
        g = RNG.standard_normal(tuple(b.shape))
        a.grad, b.grad = fg.tensor(g * 3), torch.tensor(g * 3)
    for norm_type in (2.0, 1.0, float("inf")):
        fn = nn.utils.clip_grad_norm_(fps, 1.5, norm_type)
        tn = torch.nn.utils.clip_grad_norm_(tps, 1.5, norm_type)
        np.testing.assert_allclose(fn.item(), tn.item(), rtol=1e-12)
        for a, b in zip(fps, tps):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)
    nn.utils.clip_grad_value_(fps, 0.1)
    torch.nn.utils.clip_grad_value_(tps, 0.1)
    for a, b in zip(fps, tps):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy())
    fps[0].grad = fg.tensor([[float("nan"), 1.0]] * 3, dtype=fg.float64)
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(fps, 1.0, error_if_nonfinite=True)
    assert nn.utils.clip_grad_norm_([nn.Parameter(fg.ones(1))], 1.0).item() == 0.0


def test_parameters_to_vector_and_back():
    m = nn.Linear(3, 2)
    v = nn.utils.parameters_to_vector(m.parameters())
    assert v.shape == fg.Size([8]) and v.grad_fn is not None
    (v * fg.arange(8.0)).sum().backward()
    assert m.weight.grad.reshape(-1).tolist() == [0.0, 1, 2, 3, 4, 5]
    nn.utils.vector_to_parameters(fg.arange(8.0), m.parameters())
    assert m.bias.tolist() == [6.0, 7.0]
