"""Samples for the nn.functional primitives (activations, losses, layers, conv, pooling)."""

from __future__ import annotations

import numpy as np

from . import OpSample, positive, rand

S = OpSample


def F(m):
    return m.nn.functional


def _idx(*shape: int, high: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, high, size=shape).astype(np.int64)


def _probs(*shape: int) -> np.ndarray:
    return rand(*shape, low=0.05, high=0.95)


def _grad2(op):
    """The input-gradient of op(x) at a fixed point, as a function of the cotangent v: runs
    an op's backward primitive (its second-order node) in forward mode."""
    def fn(m, v, x):
        with m.enable_grad():   # gradcheck evaluates fn under no_grad
            x = x.detach().requires_grad_()
            y = op(m, x)
            return m.autograd.grad(y, x, v, create_graph=True)[0]
    return fn


def _dw(m, x, w):
    with m.enable_grad():
        y = F(m).conv2d(x, w, stride=2, padding=1)
        return m.autograd.grad((y * y).sum(), w, create_graph=True)[0]


SAMPLES = [
    # activations
    S(("gelu", "special_ndtr"), lambda m, x: F(m).gelu(x * 2), [rand(5)], name="cdf"),
    S(("leaky_relu",), lambda m, x: F(m).leaky_relu(x, 0.2), [rand(3, 4, away_from=0.0)]),
    S(("elu",), lambda m, x: F(m).elu(x, 1.5), [rand(3, 4, away_from=0.0)]),
    S(("elu",), lambda m, x: F(m).selu(x), [rand(6, away_from=0.0)], name="selu"),
    S(("celu",), lambda m, x: F(m).celu(x, 0.7), [rand(6, away_from=0.0)]),
    S(("hardtanh",), lambda m, x: F(m).hardtanh(x, -0.5, 1.0), [rand(8, away_from=1.0)]),
    S(("hardtanh",), lambda m, x: F(m).relu6(x * 4), [rand(8, away_from=0.0)], name="relu6"),
    S(("gelu",), lambda m, x: F(m).gelu(x), [rand(3, 4)]),
    S(("gelu",), lambda m, x: F(m).gelu(x, approximate="tanh"), [rand(3, 4)], name="tanh"),
    S(("silu",), lambda m, x: F(m).silu(x), [rand(3, 4)]),
    S(("softplus",), lambda m, x: F(m).softplus(x, beta=2.0, threshold=3.0),
      [rand(10, low=-3, high=3, away_from=1.5)]),
    S(("mish",), lambda m, x: F(m).mish(x), [rand(3, 4)]),
    S(("logsigmoid",), lambda m, x: F(m).logsigmoid(x), [rand(3, 4, low=-8, high=8)]),
    # NOTE: PyTorch has no second derivative of hardsigmoid: compare first order only
    S(("hardsigmoid",), lambda m, x: F(m).hardsigmoid(x * 3), [rand(9, away_from=1.0)],
      second_order=False),
    S(("hardsigmoid",), lambda m, x: F(m).hardsigmoid(x * 3), [rand(9, away_from=1.0)],
      compare_torch=False, name="2nd"),
    S(("hardswish",), lambda m, x: F(m).hardswish(x * 3), [rand(9, away_from=1.0)]),
    S(("threshold",), lambda m, x: F(m).threshold(x, 0.3, -1.0), [rand(7, away_from=0.3)]),
    S(("softmax",), lambda m, x: F(m).softmax(x, dim=1), [rand(3, 4)]),
    S(("softmax",), lambda m, x: F(m).softmax(x, 0), [rand(4, 2)], name="dim0"),
    S(("log_softmax",), lambda m, x: F(m).log_softmax(x, dim=-1), [rand(3, 4)]),
    S(("log_softmax",), lambda m, x: F(m).log_softmax(x * 1000, dim=0), [rand(3, 2)],
      name="large"),
    # losses
    S(("mse_loss",), lambda m, x, y: F(m).mse_loss(x, y), [rand(3, 4), rand(3, 4)]),
    S(("mse_loss",), lambda m, x, y: F(m).mse_loss(x, y, reduction="none"),
      [rand(3, 4), rand(3, 4)], name="none"),
    S(("mse_loss",), lambda m, x, y: F(m).mse_loss(x, y, reduction="sum"),
      [rand(5), rand(5)], name="sum"),
    S(("smooth_l1_loss",), lambda m, x, y: F(m).smooth_l1_loss(x, y, beta=0.5),
      [rand(12) * 2, rand(12, low=-0.01, high=0.01)]),
    S(("smooth_l1_loss",), lambda m, x, y: F(m).smooth_l1_loss(x, y, reduction="none"),
      [rand(3, 4) * 2, rand(3, 4, low=-0.01, high=0.01)], name="none"),
    S(("huber_loss",), lambda m, x, y: F(m).huber_loss(x, y, delta=0.7),
      [rand(12) * 2, rand(12, low=-0.01, high=0.01)]),
    S(("huber_loss",), lambda m, x, y: F(m).huber_loss(x, y, reduction="sum"),
      [rand(12) * 2, rand(12, low=-0.01, high=0.01)], name="sum"),
    S(("binary_cross_entropy",), lambda m, x, y: F(m).binary_cross_entropy(x, y),
      [_probs(3, 4), _probs(3, 4)]),
    S(("binary_cross_entropy",),
      lambda m, x, y, w: F(m).binary_cross_entropy(x, y, weight=w, reduction="none"),
      [_probs(3, 4), _probs(3, 4), positive(4)], nondiff=(2,), name="weight"),
    S(("binary_cross_entropy_with_logits",),
      lambda m, x, y: F(m).binary_cross_entropy_with_logits(x, y), [rand(3, 4), _probs(3, 4)]),
    S(("binary_cross_entropy_with_logits",),
      lambda m, x, y, w, pw: F(m).binary_cross_entropy_with_logits(
          x, y, weight=w, pos_weight=pw, reduction="sum"),
      [rand(3, 4), _probs(3, 4), positive(3, 4), positive(4)], nondiff=(2, 3), name="pw"),
    S(("nll_loss",), lambda m, x, t: F(m).nll_loss(x, t), [rand(4, 5), _idx(4, high=5)]),
    S(("nll_loss",), lambda m, x, t, w: F(m).nll_loss(x, t, weight=w, ignore_index=1,
                                                      reduction="none"),
      [rand(6, 3), _idx(6, high=3), positive(3)], nondiff=(2,), name="weight-ignore"),
    S(("nll_loss",), lambda m, x, t: F(m).nll_loss(x, t, reduction="sum"),
      [rand(5), np.array(2)], name="1d"),
    S(("nll_loss2d",), lambda m, x, t: F(m).nll_loss(x, t), [rand(2, 3, 2, 2),
                                                           _idx(2, 2, 2, high=3)]),
    S(("nll_loss2d", "view"), lambda m, x, t: F(m).nll_loss(x, t, reduction="none"),
      [rand(2, 3, 4), _idx(2, 4, high=3)], name="3d-none"),
    S(("cross_entropy",), lambda m, x, t: F(m).cross_entropy(x, t), [rand(4, 5),
                                                                   _idx(4, high=5)]),
    S(("cross_entropy",), lambda m, x, t, w: F(m).cross_entropy(
        x, t, weight=w, ignore_index=0, reduction="none"),
      [rand(6, 3), _idx(6, high=3, seed=1), positive(3)], nondiff=(2,), name="weight-none"),
    S(("cross_entropy",), lambda m, x, t: F(m).cross_entropy(x * 100, t, reduction="sum"),
      [rand(3, 4), _idx(3, high=4)], name="large-logits"),
    S(("cross_entropy2d",), lambda m, x, t: F(m).cross_entropy(x, t),
      [rand(2, 3, 2, 2), _idx(2, 2, 2, high=3)]),
    S(("log_softmax", "nll_loss", "add", "mul", "sum_dim", "sum", "neg", "where", "div"),
      lambda m, x, t: F(m).cross_entropy(x, t, label_smoothing=0.2),
      [rand(4, 5), _idx(4, high=5)], name="smoothing"),
    S(("log_softmax", "mul", "sum", "neg", "div"),
      lambda m, x, p: F(m).cross_entropy(x, p), [rand(4, 5), _probs(4, 5)], nondiff=(1,),
      name="probs", check_names=False),   # NOTE: PyTorch names division by a number DivBackward1
    # layers
    S(("linear",), lambda m, x, w, b: F(m).linear(x, w, b), [rand(4, 3), rand(2, 3), rand(2)]),
    S(("linear", "view"), lambda m, x, w, b: F(m).linear(x, w, b),
      [rand(2, 4, 3), rand(2, 3), rand(2)], name="3d"),
    S(("embedding",), lambda m, w: F(m).embedding(m.tensor([[0, 2], [2, 3]]), w),
      [rand(4, 3)]),
    S(("embedding",), lambda m, w: F(m).embedding(m.tensor([2, 0, 2]), w, padding_idx=1),
      [rand(3, 2)], name="padding"),
    S(("embedding_backward", "embedding"),
      _grad2(lambda m, w: F(m).embedding(m.tensor([0, 2, 2]), w, padding_idx=0)),
      [rand(3, 2), rand(4, 2)], nondiff=(1,), check_names=False),
    S(("layer_norm",), lambda m, x, w, b: F(m).layer_norm(x, (4,), w, b),
      [rand(3, 4), rand(4), rand(4)]),
    S(("layer_norm",), lambda m, x: F(m).layer_norm(x, (2, 3)), [rand(2, 2, 3)], name="2d"),
    S(("batch_norm",), lambda m, x, w, b: F(m).batch_norm(x, None, None, w, b, training=True),
      [rand(5, 3), rand(3), rand(3)]),
    S(("batch_norm",), lambda m, x, w, b: F(m).batch_norm(
        x, m.zeros(2, dtype=m.float64) + 0.3, m.ones(2, dtype=m.float64) * 2, w, b),
      [rand(3, 2, 2, 2), rand(2), rand(2)], name="eval"),
    S(("batch_norm",), lambda m, x: F(m).batch_norm(x, None, None, training=True),
      [rand(3, 2, 4)], name="3d"),
    S(("vector_norm2", "div", "clone", "mul", "sum_dim"),
      lambda m, a, b: F(m).cosine_similarity(a, b), [rand(3, 4), rand(3, 4)]),
    S(("vector_norm2", "clamp", "expand", "div"), lambda m, x: F(m).normalize(x, dim=0),
      [rand(3, 4)], check_names=False),
    S(("constant_pad_nd",), lambda m, x: F(m).pad(x, (1, 2, 0, 1), value=0.5), [rand(2, 3)]),
    S(("constant_pad_nd",), lambda m, x: F(m).pad(x, (-1, 1)), [rand(2, 4)], name="crop"),
    # convolution and pooling
    S(("convolution",), lambda m, x, w, b: F(m).conv2d(x, w, b, padding=1),
      [rand(2, 2, 4, 4), rand(3, 2, 3, 3), rand(3)]),
    S(("convolution",), lambda m, x, w: F(m).conv2d(x, w, stride=2, dilation=(1, 2), groups=2),
      [rand(1, 4, 5, 6), rand(4, 2, 2, 2)], name="groups"),
    S(("convolution",), lambda m, x, w, b: F(m).conv1d(x, w, b, padding="same"),
      [rand(2, 2, 5), rand(3, 2, 4), rand(3)], name="1d"),
    S(("convolution_backward_input", "convolution_backward_weight", "convolution"),
      _grad2(lambda m, x: F(m).conv2d(x, m.tensor(np.linspace(-1, 1, 18).reshape(2, 1, 3, 3)),
                                      stride=2, padding=1)),
      [rand(1, 2, 3, 3), rand(1, 1, 5, 5)], nondiff=(1,), check_names=False),
    S(("convolution_backward_weight", "convolution_backward_input", "convolution"),
      lambda m, x, w: _dw(m, x, w),
      [rand(1, 1, 5, 5), rand(2, 1, 3, 3)], check_names=False, name="dw"),
    S(("max_pool2d",), lambda m, x: F(m).max_pool2d(x, 2), [rand(2, 2, 4, 4)]),
    S(("max_pool2d",), lambda m, x: F(m).max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
      [rand(1, 2, 6, 5)], name="pad-ceil"),
    S(("max_pool2d", "unsqueeze", "squeeze"), lambda m, x: F(m).max_pool1d(x, 2),
      [rand(2, 3, 6)], name="1d", check_names=False),
    S(("max_pool2d_backward", "max_pool2d"), _grad2(lambda m, x: F(m).max_pool2d(x, 2, 1)),
      [rand(1, 1, 2, 2), rand(1, 1, 3, 3)], nondiff=(1,), check_names=False),
    S(("avg_pool2d",), lambda m, x: F(m).avg_pool2d(x, 2), [rand(2, 2, 4, 4)]),
    S(("avg_pool2d",), lambda m, x: F(m).avg_pool2d(x, 3, 2, 1, ceil_mode=True,
                                                    count_include_pad=False),
      [rand(1, 2, 6, 5)], name="pad-ceil"),
    S(("avg_pool2d_backward", "avg_pool2d"), _grad2(lambda m, x: F(m).avg_pool2d(x, 2, 1, 1)),
      [rand(1, 1, 4, 4), rand(1, 1, 3, 3)], nondiff=(1,), check_names=False),
]
