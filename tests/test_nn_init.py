"""nn.init: gains and fans as PyTorch computes them; each initialiser fills in place under
no_grad with the documented distribution (checked by its moments and bounds)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import feathergrad as fg
from feathergrad import nn
from feathergrad.nn import init


@pytest.mark.parametrize("args", [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",),
                                  ("leaky_relu",), ("leaky_relu", 0.2), ("selu",)])
def test_calculate_gain_matches_pytorch(args):
    torch = pytest.importorskip("torch")
    assert init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)


def test_fans_match_pytorch():
    torch = pytest.importorskip("torch")
    for shape in [(3, 5), (8, 4, 3, 3), (6, 2, 5)]:
        assert init._calculate_fan_in_and_fan_out(fg.zeros(*shape)) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(*shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(fg.zeros(3))


def _param(*shape):
    return nn.Parameter(fg.zeros(*shape))


def test_initialisers_fill_in_place_with_the_right_distribution():
    fg.manual_seed(0)
    p = _param(200, 300)
    r = init.uniform_(p, -2.0, 3.0)
    a = p.detach().numpy()
    assert r is p and p.requires_grad and p.grad_fn is None     # in place, no graph
    assert a.min() >= -2 and a.max() < 3 and abs(a.mean() - 0.5) < 0.05
    init.normal_(p, 1.0, 0.5)
    a = p.detach().numpy()
    assert abs(a.mean() - 1) < 0.01 and abs(a.std() - 0.5) < 0.01
    init.constant_(p, 0.3)
    assert np.all(p.detach().numpy() == np.float32(0.3))
    init.zeros_(p)
    assert not p.detach().numpy().any()
    init.ones_(p)
    assert np.all(p.detach().numpy() == 1)
    init.xavier_uniform_(p, gain=2.0)
    bound = 2.0 * math.sqrt(6.0 / 500)
    a = p.detach().numpy()
    assert np.abs(a).max() <= bound and abs(a.std() - bound / math.sqrt(3)) < 0.02 * bound
    init.xavier_normal_(p)
    assert abs(p.detach().numpy().std() - math.sqrt(2.0 / 500)) < 0.002
    init.kaiming_uniform_(p, a=math.sqrt(5))
    assert np.abs(p.detach().numpy()).max() <= 1 / math.sqrt(300) + 1e-7
    init.kaiming_normal_(p, mode="fan_out", nonlinearity="relu")
    assert abs(p.detach().numpy().std() - math.sqrt(2.0 / 200)) < 0.002
    init.trunc_normal_(p, std=1.0, a=-0.5, b=0.5)
    assert np.abs(p.detach().numpy()).max() <= 0.5
    q = _param(4, 6)
    init.orthogonal_(q)
    m = q.detach().numpy()
    np.testing.assert_allclose(m @ m.T, np.eye(4), atol=1e-5)
    init.eye_(q)
    assert np.array_equal(q.detach().numpy(), np.eye(4, 6, dtype=np.float32))
    c = _param(4, 2, 3, 3)
    init.dirac_(c, groups=2)
    assert c.detach().numpy().sum() == 4


def test_seeded_and_generator_reproducible():
    fg.manual_seed(7)
    a = init.normal_(_param(5)).detach().numpy().copy()
    fg.manual_seed(7)
    b = init.normal_(_param(5)).detach().numpy().copy()
    assert np.array_equal(a, b)
    g1, g2 = fg.Generator().manual_seed(3), fg.Generator().manual_seed(3)
    assert np.array_equal(init.uniform_(_param(4), generator=g1).detach().numpy(),
                          init.uniform_(_param(4), generator=g2).detach().numpy())


def test_apply_initialises_a_model():
    def weights_init(m):
        if isinstance(m, nn.Linear):
            init.zeros_(m.weight)
            init.constant_(m.bias, 0.1)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).apply(weights_init)
    out = model(fg.ones(2, 3))
    np.testing.assert_allclose(out.detach().numpy(), 0.1, rtol=1e-6)
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(_param(2, 2), mode="fan_avg")
