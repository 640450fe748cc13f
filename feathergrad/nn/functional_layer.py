"""Layer functions: linear, bilinear, embedding, layer_norm, batch_norm, pad, one_hot,
normalize, cosine_similarity.

``linear`` is one fused primitive (``x @ W.T + b``, one node: PyTorch's AddmmBackward0), the
hot path of every MLP. Normalisation rules recompute the statistics from ``x`` in operations
that ndarrays and Tensors share, so their second derivatives are exact.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..ops._core import defop
from ..ops.linalg import matmul
from ..tensor import Size, Tensor
from ._util import as_tensor_arg

__all__ = [
    "linear", "bilinear", "embedding", "layer_norm", "batch_norm", "pad", "one_hot",
    "normalize", "cosine_similarity", "pairwise_distance",
]

_make = Tensor._make


def _scalar_name(npdt: np.dtype) -> str:
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
            "int32": "Int"}.get(npdt.name, npdt.name)


# ---- linear ---------------------------------------------------------------------------------
def _addmm_fwd(x, w, b):
    out = x @ w.T
    out += b
    return out


_linear = defop("linear", _addmm_fwd, "AddmmBackward0",
                x=lambda g, out, x, w, b: g @ w,
                w=lambda g, out, x, w, b: np.matmul(np.swapaxes(g, 0, 1), x),
                b=lambda g, out, x, w, b: g.sum(axis=0))


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias, for input (*, in_features) and weight (out_features, in_features).

    >>> linear(ones(2, 3), ones(4, 3), zeros(4)).shape
    torch.Size([2, 4])
    """
    if type(input) is not Tensor:
        input = as_tensor_arg(input, "linear")
    x, w = input._data, weight._data
    if x.shape[-1:] != w.shape[-1:] or w.ndim != 2:
        lead = x.shape[:-1] if x.ndim > 1 else (1,)
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({int(np.prod(lead))}x{x.shape[-1]} and "
            f"{w.shape[-1] if w.ndim == 2 else w.shape[0]}x"
            f"{w.shape[0] if w.ndim == 2 else 1})")
    if x.dtype is not w.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{_scalar_name(x.dtype)} and {_scalar_name(w.dtype)}")
    if bias is None:
        return matmul(input, weight.t())
    if x.ndim == 2:
        return _linear(input, weight, bias)
    lead = x.shape[:-1]
    out = _linear(input.reshape(-1, x.shape[-1]), weight, bias)
    return out.reshape(lead + (w.shape[0],))


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None
             ) -> Tensor:
    """y[n, o] = x1[n] @ weight[o] @ x2[n] + bias[o], for weight (out, in1, in2)."""
    a, b = input1._data, input2._data
    if a.shape[:-1] != b.shape[:-1]:
        raise RuntimeError("bilinear(): input batch dimensions do not match: got "
                           f"{list(a.shape[:-1])} and {list(b.shape[:-1])}")
    w = weight._data
    if w.ndim != 3 or w.shape[1] != a.shape[-1] or w.shape[2] != b.shape[-1]:
        raise RuntimeError(f"bilinear(): weight of shape {list(w.shape)} does not fit inputs of "
                           f"sizes {a.shape[-1]} and {b.shape[-1]}")
    lead = a.shape[:-1]
    flat = len(lead) != 1
    x1 = input1.reshape(-1, a.shape[-1]) if flat else input1
    x2 = input2.reshape(-1, b.shape[-1]) if flat else input2
    ax2 = matmul(weight, x2.t())                      # (out, in1, N)
    y = (ax2 * x1.t().unsqueeze(0)).sum(1).t()        # (N, out)
    if bias is not None:
        y = y + bias
    return y.reshape(lead + (w.shape[0],)) if flat else y


# ---- embedding --------------------------------------------------------------------------------
def _emb_scale(idx: np.ndarray, pad: int, freq: bool, dtype: np.dtype) -> np.ndarray | None:
    """Per-lookup factor of the weight gradient: 0 at padding_idx, 1/count with
    scale_grad_by_freq; None when all are 1."""
    if pad < 0 and not freq:
        return None
    s = np.ones(idx.shape, dtype=dtype)
    if freq:
        _, inv, cnt = np.unique(idx, return_inverse=True, return_counts=True)
        s = s / cnt[inv.reshape(idx.shape)]
    if pad >= 0:
        s = np.where(idx == pad, 0, s).astype(dtype)
    return s


def _gather_fwd(w, idx, num, pad, freq, masked):
    out = w[idx]
    if masked:
        s = _emb_scale(idx, pad, freq, w.dtype)
        if s is not None:
            out = out * s[..., None]
    return out


def _scatter_fwd(g, idx, num, pad, freq):
    s = _emb_scale(idx, pad, freq, g.dtype)
    d = g.shape[-1]
    gg = g.reshape(-1, d)
    if s is not None:
        gg = gg * s.reshape(-1, 1)
    z = np.zeros((num, d), dtype=g.dtype)
    np.add.at(z, idx.reshape(-1), gg)
    return z


def _scatter_any(g, idx, num, pad, freq):
    if type(g) is Tensor:
        return _emb_scatter(g, idx, num, pad, freq)
    return _scatter_fwd(g, idx, num, pad, freq)


# NOTE: the weight gradient skips padding_idx (PyTorch's convention, not the exact adjoint)
_embedding = defop("embedding", _gather_fwd, "EmbeddingBackward0",
                   w=lambda g, out, w, idx, num, pad, freq, masked: _scatter_any(
                       g, idx, num, pad, freq))
_emb_scatter = defop("embedding_backward", _scatter_fwd, "EmbeddingBackwardBackward0",
                     g=lambda gg, out, g, idx, num, pad, freq: _gather_any(
                         gg, idx, num, pad, freq))


def _gather_any(gg, idx, num, pad, freq):
    if type(gg) is Tensor:
        return _embedding(gg, idx, num, pad, freq, True)
    return _gather_fwd(gg, idx, num, pad, freq, True)


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of `weight` picked by the integer indices `input`: shape input.shape + (dim,).

    The gradient is accumulated into the picked rows (never into padding_idx's row). With
    `max_norm`, picked rows longer than max_norm are rescaled in place first (no gradient).
    """
    idx = input._data if isinstance(input, Tensor) else np.asarray(input)
    if idx.dtype.kind not in "iu":
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {input.dtype} instead "
                           "(while checking arguments for embedding)")
    num = weight._data.shape[0]
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= num
    pad = -1 if padding_idx is None else padding_idx
    if idx.size and (idx.min() < -num or idx.max() >= num or idx.min() < 0):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    return _embedding(weight, idx, num, pad, bool(scale_grad_by_freq), False)


def _renorm_rows(weight: Tensor, idx: np.ndarray, max_norm: float, p: float) -> None:
    w = weight._data
    rows = np.unique(idx)
    norms = np.linalg.norm(w[rows], ord=p, axis=1)
    big = norms > max_norm
    if big.any():
        w[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(w.dtype)
        weight._vc[0] += 1


# ---- normalisation ----------------------------------------------------------------------------
def _stats(x: Any, axes: tuple, eps: float) -> tuple:
    mu = x.mean(axis=axes, keepdims=True)
    xc = x - mu
    rstd = ((xc * xc).mean(axis=axes, keepdims=True) + eps) ** -0.5
    return xc * rstd, rstd


def _norm_dx(g: Any, x: Any, w: Any, axes: tuple, eps: float) -> Any:
    """d/dx of (x - mean) / std over `axes`, applied to g * w (differentiable in x and g)."""
    xhat, rstd = _stats(x, axes, eps)
    gw = g if w is None else g * w
    return rstd * (gw - gw.mean(axis=axes, keepdims=True)
                   - xhat * (gw * xhat).mean(axis=axes, keepdims=True))


def _ln_fwd(x, w, b, axes, eps):
    mu = x.mean(axis=axes, keepdims=True)
    xc = x - mu
    var = (xc * xc).mean(axis=axes, keepdims=True)
    out = xc * (1 / np.sqrt(var + eps))
    if w is not None:
        out *= w
    if b is not None:
        out += b
    return out.astype(x.dtype, copy=False)


_layer_norm = defop(
    "layer_norm", _ln_fwd, "NativeLayerNormBackward0",
    x=lambda g, out, x, w, b, axes, eps: _norm_dx(g, x, w, axes, eps),
    w=lambda g, out, x, w, b, axes, eps: g * _stats(x, axes, eps)[0],
    b=lambda g, out, x, w, b, axes, eps: g)


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias over the trailing `normalized_shape`
    dims (biased variance)."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    ns = tuple(normalized_shape)
    d = input._data
    if d.shape[d.ndim - len(ns):] != ns or len(ns) > d.ndim:
        raise RuntimeError(
            f"Given normalized_shape={list(ns)}, expected input with shape [*, "
            f"{', '.join(map(str, ns))}], but got input of size{list(d.shape)}")
    for t, n in ((weight, "weight"), (bias, "bias")):
        if t is not None and tuple(t.shape) != ns:
            raise RuntimeError(f"Expected {n} to be of same shape as normalized_shape, but got "
                               f"{n} of shape {list(t.shape)} and normalized_shape = {list(ns)}")
    axes = tuple(range(d.ndim - len(ns), d.ndim))
    return _layer_norm(input, weight, bias, axes, float(eps))


def _bn_fwd(x, w, b, mean, var, train, eps, axes, pshape):
    out = (x - mean.reshape(pshape)) * (1 / np.sqrt(var.reshape(pshape) + eps))
    if w is not None:
        out *= w.reshape(pshape)
    if b is not None:
        out += b.reshape(pshape)
    return out.astype(x.dtype, copy=False)


def _bn_dx(g, out, x, w, b, mean, var, train, eps, axes, pshape):
    wb = None if w is None else w.reshape(pshape)
    if train:
        return _norm_dx(g, x, wb, axes, eps)
    r = g * (1 / np.sqrt(var.reshape(pshape) + eps))
    return r if wb is None else r * wb


def _bn_xhat(x, mean, var, train, eps, axes, pshape):
    if train:
        return _stats(x, axes, eps)[0]
    return (x - mean.reshape(pshape)) * (1 / np.sqrt(var.reshape(pshape) + eps))


_batch_norm = defop(
    "batch_norm", _bn_fwd, "NativeBatchNormBackward0", x=_bn_dx,
    w=lambda g, out, x, w, b, mean, var, train, eps, axes, pshape: (
        g * _bn_xhat(x, mean, var, train, eps, axes, pshape)).sum(axis=axes),
    b=lambda g, out, x, w, b, mean, var, train, eps, axes, pshape: g.sum(axis=axes))


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) by the batch statistics (training) or the running ones.

    In training, running_mean/running_var are updated in place:
    ``running = (1 - momentum) * running + momentum * batch_stat`` (unbiased variance).
    """
    d = input._data
    if d.ndim < 2:
        raise ValueError(f"expected 2D or more input (got {d.ndim}D input)")
    c = d.shape[1]
    axes = (0,) + tuple(range(2, d.ndim))
    pshape = (1, c) + (1,) * (d.ndim - 2)
    for t, n in ((running_mean, "running_mean"), (running_var, "running_var"),
                 (weight, "weight"), (bias, "bias")):
        if t is not None and t._data.shape != (c,):
            raise RuntimeError(f"{n} should contain {c} elements not {t._data.size}")
    use_batch = training or running_mean is None or running_var is None
    if use_batch:
        n = d.size // c
        if training and n <= 1:
            raise ValueError("Expected more than 1 value per channel when training, got input "
                             f"size {Size(d.shape)}")
        mean = d.mean(axis=axes)
        var = d.var(axis=axes)
        if training and running_mean is not None and running_var is not None:
            m = momentum
            rm, rv = running_mean._data, running_var._data
            rm *= 1 - m
            rm += (m * mean).astype(rm.dtype)
            rv *= 1 - m
            rv += (m * var * (n / max(n - 1, 1))).astype(rv.dtype)
            running_mean._vc[0] += 1
            running_var._vc[0] += 1
    else:
        mean, var = running_mean._data, running_var._data
    return _batch_norm(input, weight, bias, mean, var, use_batch, float(eps), axes, pshape)


# ---- norms and similarities ---------------------------------------------------------------
def _vnorm_fwd(x, dim):
    return np.sqrt((x * x).sum(axis=dim, keepdims=True))


def _vnorm_rule(g, out, x, dim):
    # NOTE: gradient 0 at the zero vector (PyTorch's convention), with no 0/0 anywhere
    safe = np.where(out == 0, 1, out)
    return np.where(out == 0, 0, x * (g / safe))


_vnorm = defop("vector_norm2", _vnorm_fwd, "LinalgVectorNormBackward0", x=_vnorm_rule)


def _norm(x: Tensor, p: float, dim: int) -> Tensor:
    if p == 2:
        return _vnorm(x, dim)
    if p == float("inf"):
        return x.abs().max(dim, keepdim=True)[0]
    return (x.abs() ** p).sum(dim, keepdim=True) ** (1.0 / p)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Any = None) -> Tensor:
    """input / max(||input||_p, eps) along `dim`."""
    n = input._data.ndim
    dim = dim % max(n, 1)
    denom = _norm(input, p, dim).clamp(min=eps)
    return input / denom.expand_as(input)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between x1 and x2 along `dim` (norms clamped below at eps)."""
    from ..ops.convert import clone
    shape = np.broadcast_shapes(x1._data.shape, x2._data.shape)
    if x1._data.shape != shape:
        x1 = x1.expand(shape)
    if x2._data.shape != shape:
        x2 = x2.expand(shape)
    dim = dim % max(len(shape), 1)
    n1 = clone(_vnorm(x1, dim))
    n2 = clone(_vnorm(x2, dim))
    # NOTE: clamped without a trace (as PyTorch does under no_grad): the gradient flows as if
    # the norms were not clamped
    np.maximum(n1._data, eps, out=n1._data)
    np.maximum(n2._data, eps, out=n2._data)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p along the last dim."""
    d = x1 - x2 + eps
    r = _norm(d, p, d.ndim - 1)
    return r if keepdim else r.squeeze(-1)


# ---- padding and one-hot ----------------------------------------------------------------------
def _pad_fwd(x, pads, value):
    # pads: ((before, after) per dim, from the first dim), negative values crop
    crop = tuple(slice(max(-a, 0), x.shape[i] - max(-b, 0)) for i, (a, b) in enumerate(pads))
    x = x[crop]
    width = tuple((max(a, 0), max(b, 0)) for a, b in pads)
    if any(a or b for a, b in width):
        return np.pad(x, width, mode="constant", constant_values=value)
    return x.copy()


def _pad_rule(g, out, x, pads, value):
    inv = tuple((-a, -b) for a, b in pads)
    return _pad_op(g, inv, 0) if type(g) is Tensor else _pad_fwd(g, inv, 0)


_pad_op = defop("constant_pad_nd", _pad_fwd, "ConstantPadNdBackward0", x=_pad_rule)


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None
        ) -> Tensor:
    """Pad the last len(pad)//2 dims: pad = (left_last, right_last, left_prev, right_prev,
    ...). Negative amounts crop. Only mode='constant' is supported."""
    if mode != "constant":
        raise NotImplementedError(f"feathergrad: pad mode '{mode}' is not supported; only "
                                  "mode='constant'")
    d = input._data
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > d.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{d.ndim}")
    pairs = [(0, 0)] * d.ndim
    for i in range(len(pad) // 2):
        dim = d.ndim - 1 - i
        pairs[dim] = (pad[2 * i], pad[2 * i + 1])
        if d.shape[dim] + pad[2 * i] + pad[2 * i + 1] < 0:
            raise RuntimeError(f"The input size {d.shape[dim]}, plus negative padding "
                               f"{pad[2 * i]} and {pad[2 * i + 1]} resulted in a negative output "
                               f"size, which is invalid. Check dimension {dim} of your input.")
    return _pad_op(input, tuple(pairs), 0 if value is None else value)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding: shape tensor.shape + (num_classes,)."""
    d = tensor._data
    if d.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if d.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(d.max()) + 1
    if d.size:
        if d.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if d.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(d.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, d[..., None], 1, axis=-1)
    return _make(out)

