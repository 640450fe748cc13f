"""Convolution and pooling with NumPy slicing: im2col copies one strided slice per kernel
offset, so a convolution is one batched matrix product; pooling and every backward scatter
also loop over the kh * kw kernel offsets (whole-array operations), never over pixels.

Second order comes from three bilinear primitives that are each other's derivatives:
``conv(x, w)``, its input gradient ``conv_dx(g, w)`` and its weight gradient ``conv_dw(x, g)``.
Pooling likewise pairs a gather (max) or window sum (avg) with its adjoint scatter.
1-D ops run as 2-D ops on a height-1 image.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops._core import defop
from ..tensor import Tensor
from ._util import as_tensor_arg, need_float

__all__ = ["conv1d", "conv2d", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d",
           "adaptive_avg_pool1d", "adaptive_avg_pool2d", "unfold"]

_make = Tensor._make


# ---- geometry ---------------------------------------------------------------------------------
class _Geo(tuple):
    """Conv geometry (hashable, passed to rules): stride, padding pairs, dilation, groups, and
    whether the op is 1-D (stored internally as 2-D with height 1)."""

    __slots__ = ()

    def __new__(cls, stride: tuple, pads: tuple, dilation: tuple, groups: int, one_d: bool):
        return tuple.__new__(cls, (stride, pads, dilation, groups, one_d))


def _to2d(a: np.ndarray, one_d: bool) -> np.ndarray:
    return a[:, :, None, :] if one_d else a


def _from2d(a: np.ndarray, one_d: bool) -> np.ndarray:
    return a[:, :, 0, :] if one_d else a


def _out_hw(hw: tuple, k: tuple, geo: _Geo) -> tuple:
    stride, pads, dil = geo[0], geo[1], geo[2]
    return tuple((hw[i] + pads[i][0] + pads[i][1] - dil[i] * (k[i] - 1) - 1) // stride[i] + 1
                 for i in range(2))


def _padded(x: np.ndarray, pads: tuple) -> np.ndarray:
    if not any(a or b for a, b in pads):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(pads))


def _offsets(k: tuple, ohw: tuple, stride: tuple, dil: tuple):
    """(i, j, rows, cols): each kernel offset and the slices of the padded image it sees."""
    for i in range(k[0]):
        hs = slice(i * dil[0], i * dil[0] + stride[0] * (ohw[0] - 1) + 1, stride[0])
        for j in range(k[1]):
            yield i, j, hs, slice(j * dil[1], j * dil[1] + stride[1] * (ohw[1] - 1) + 1,
                                  stride[1])


def _cols(x: np.ndarray, k: tuple, geo: _Geo) -> tuple:
    """im2col as (N, C*kh*kw, Ho*Wo): one strided copy per kernel offset (each a block of
    whole rows), so a convolution is one batched product W (O, C*kh*kw) @ cols."""
    n, c = x.shape[:2]
    ohw = _out_hw(x.shape[2:], k, geo)
    xp = _padded(x, geo[1])
    cols = np.empty((n, c, k[0], k[1], ohw[0], ohw[1]), dtype=x.dtype)
    for i, j, hs, ws in _offsets(k, ohw, geo[0], geo[2]):
        cols[:, :, i, j] = xp[:, :, hs, ws]
    return cols.reshape(n, c * k[0] * k[1], ohw[0] * ohw[1]), ohw


# ---- the three bilinear kernels (ndarray level) -----------------------------------------------
def _conv_np(x, w, b, geo):
    one_d, groups = geo[4], geo[3]
    x, w = _to2d(x, one_d), _to2d(w, one_d)
    n = x.shape[0]
    o, cg, kh, kw = w.shape
    cols, ohw = _cols(x, (kh, kw), geo)
    if groups == 1:
        out = np.matmul(w.reshape(o, -1), cols)                       # (N, O, Ho*Wo)
    else:
        out = np.matmul(w.reshape(groups, o // groups, -1),
                        cols.reshape(n, groups, cg * kh * kw, -1)).reshape(n, o, -1)
    if b is not None:
        out += b.reshape(1, o, 1)
    return _from2d(out.reshape(n, o, ohw[0], ohw[1]), one_d)


def _conv_dx_np(g, w, geo, xshape):
    one_d, groups = geo[4], geo[3]
    pads = geo[1]
    g, w = _to2d(g, one_d), _to2d(w, one_d)
    xs = (xshape[0], xshape[1], 1, xshape[2]) if one_d else tuple(xshape)
    n, o, ho, wo = g.shape
    _, cg, kh, kw = w.shape
    og = o // groups
    g3 = g.reshape(n, groups, og, ho * wo)
    wt = np.swapaxes(w.reshape(groups, og, cg * kh * kw), 1, 2)       # (G, cg*k*k, og)
    dcols = np.matmul(wt, g3).reshape(n, xs[1], kh, kw, ho, wo)
    hp, wp = xs[2] + pads[0][0] + pads[0][1], xs[3] + pads[1][0] + pads[1][1]
    dxp = np.zeros((n, xs[1], hp, wp), dtype=g.dtype)
    for i, j, hs, ws in _offsets((kh, kw), (ho, wo), geo[0], geo[2]):
        dxp[:, :, hs, ws] += dcols[:, :, i, j]
    dx = dxp[:, :, pads[0][0]:hp - pads[0][1], pads[1][0]:wp - pads[1][1]]
    return _from2d(np.ascontiguousarray(dx), one_d)


def _conv_dw_np(x, g, geo, wshape):
    one_d, groups = geo[4], geo[3]
    x, g = _to2d(x, one_d), _to2d(g, one_d)
    ws = (wshape[0], wshape[1], 1, wshape[2]) if one_d else tuple(wshape)
    o, cg, kh, kw = ws
    n = x.shape[0]
    cols, ohw = _cols(x, (kh, kw), geo)
    cols = cols.reshape(n, groups, cg * kh * kw, -1)
    g4 = g.reshape(n, groups, o // groups, -1)
    if n * o * cg * kh * kw <= 1 << 22:
        # NOTE: one batched product then a sum over the batch: fastest while N*O*C*k*k is small
        dw = np.matmul(g4, np.swapaxes(cols, 2, 3)).sum(axis=0)
    else:
        dw = np.zeros((groups, o // groups, cg * kh * kw), dtype=g.dtype)
        for k in range(n):
            dw += np.matmul(g4[k], np.swapaxes(cols[k], 1, 2))
    dw = dw.reshape(o, cg, kh, kw)
    return dw[:, :, 0, :] if one_d else dw


# ---- primitives ------------------------------------------------------------------------------
def _conv_any(x, w, geo):
    return _conv(x, w, None, geo) if type(x) is Tensor or type(w) is Tensor else \
        _conv_np(x, w, None, geo)


def _dx_any(g, w, geo, xshape):
    if type(g) is Tensor or type(w) is Tensor:
        return _conv_dx(g, w, geo, xshape)
    return _conv_dx_np(g, w, geo, xshape)


def _dw_any(x, g, geo, wshape):
    if type(x) is Tensor or type(g) is Tensor:
        return _conv_dw(x, g, geo, wshape)
    return _conv_dw_np(x, g, geo, wshape)


def _bias_axes(geo):
    return (0, 2) if geo[4] else (0, 2, 3)


_conv = defop(
    "convolution", _conv_np, "ConvolutionBackward0",
    x=lambda g, out, x, w, b, geo: _dx_any(g, w, geo, x.shape),
    w=lambda g, out, x, w, b, geo: _dw_any(x, g, geo, w.shape),
    b=lambda g, out, x, w, b, geo: g.sum(axis=_bias_axes(geo)))
_conv_dx = defop(
    "convolution_backward_input", _conv_dx_np, "ConvolutionBackwardBackward0",
    g=lambda gg, out, g, w, geo, xshape: _conv_any(gg, w, geo),
    w=lambda gg, out, g, w, geo, xshape: _dw_any(gg, g, geo, w.shape))
_conv_dw = defop(
    "convolution_backward_weight", _conv_dw_np, "ConvolutionBackwardBackward1",
    x=lambda gw, out, x, g, geo, wshape: _dx_any(g, gw, geo, x.shape),
    g=lambda gw, out, x, g, geo, wshape: _conv_any(x, gw, geo))


def _tuple(v: Any, n: int, name: str) -> tuple:
    if isinstance(v, int):
        return (v,) * n
    t = tuple(int(a) for a in v)
    if len(t) == 1 and n > 1:
        t = t * n
    if len(t) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} "
                           f"values to match the convolution dimensions, but got {name}="
                           f"{list(t)}")
    return t


def _conv_generic(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
                  padding: Any, dilation: Any, groups: int, nsp: int, name: str) -> Tensor:
    input = as_tensor_arg(input, name)
    x, w = input._data, weight._data
    if x.ndim == nsp + 1:   # unbatched input
        out = _conv_generic(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups,
                            nsp, name)
        return out.squeeze(0)
    if x.ndim != nsp + 2:
        raise RuntimeError(f"Expected {nsp + 1}D (unbatched) or {nsp + 2}D (batched) input to "
                           f"{name}, but got input of size: {list(x.shape)}")
    if w.ndim != nsp + 2:
        raise RuntimeError(f"weight should have {nsp + 2} dimensions for {name}, got {w.ndim}")
    stride = _tuple(stride, nsp, "stride")
    dilation = _tuple(dilation, nsp, "dilation")
    k = w.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nsp
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            tot = [dilation[i] * (k[i] - 1) for i in range(nsp)]
            pads = tuple((t // 2, t - t // 2) for t in tot)
        else:
            raise ValueError(f"Invalid padding string '{padding}', should be one of "
                             "{'valid', 'same'}")
    else:
        pads = tuple((p, p) for p in _tuple(padding, nsp, "padding"))
    if x.shape[1] != w.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(w.shape)}, expected input"
            f"{list(x.shape)} to have {w.shape[1] * groups} channels, but got {x.shape[1]} "
            "channels instead")
    if w.shape[0] % groups:
        raise RuntimeError("Given groups, expected weight to be divisible by groups")
    if x.dtype is not w.dtype:
        raise RuntimeError("Input type and weight type should be the same")
    for i in range(nsp):
        eff = dilation[i] * (k[i] - 1) + 1
        if x.shape[2 + i] + pads[i][0] + pads[i][1] < eff:
            raise RuntimeError(
                f"Calculated padded input size per channel: "
                f"({' x '.join(str(x.shape[2 + j] + sum(pads[j])) for j in range(nsp))}). "
                f"Kernel size: ({' x '.join(str(dilation[j] * (k[j] - 1) + 1) for j in range(nsp))}"
                "). Kernel size can't be greater than actual input size")
    if nsp == 1:
        geo = _Geo((1,) + stride, ((0, 0),) + pads, (1,) + dilation, groups, True)
    else:
        geo = _Geo(stride, pads, dilation, groups, False)
    return _conv(input, weight, bias, geo)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation of (N, C, H, W) input with (O, C/groups, kh, kw) weight.

    padding is an int, a pair, 'valid' or 'same'. Output (N, O, Ho, Wo) with
    Ho = (H + 2 pad - dilation (kh - 1) - 1) // stride + 1.
    """
    return _conv_generic(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation of (N, C, L) input with (O, C/groups, k) weight."""
    return _conv_generic(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


# ---- max pooling -----------------------------------------------------------------------------
class _PoolGeo(tuple):
    """(kernel, stride, padding, dilation, output hw, input hw) of a max pooling."""

    __slots__ = ()


def _pool_frame(shape: tuple, geo: _PoolGeo) -> tuple:
    """Height and width of the padded frame that every window fits in."""
    k, s, p, d, ohw, hw = geo
    return tuple(max((ohw[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1, hw[i] + p[i]) for i in range(2))


def _max_np(x: np.ndarray, geo: _PoolGeo) -> tuple:
    """Window maxima and which kernel offset holds each (the first one, or the last NaN, as
    PyTorch picks): a loop over the kh*kw offsets, each step a few whole-array operations."""
    k, s, p, d, ohw, hw = geo
    fh, fw = _pool_frame(x.shape, geo)
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    if p[0] or p[1] or fh > hw[0] or fw > hw[1]:
        x = np.pad(x, ((0, 0), (0, 0), (p[0], fh - hw[0] - p[0]), (p[1], fw - hw[1] - p[1])),
                   constant_values=fill)
    best = kidx = None
    for n, (_, _, hs, ws) in enumerate(_offsets(k, ohw, s, d)):
        v = x[:, :, hs, ws]
        if best is None:
            best = v.copy()
            kidx = np.zeros(best.shape, dtype=np.int32)
            continue
        m = v > best
        if x.dtype.kind == "f":
            m |= np.isnan(v)
        np.maximum(best, v, out=best)
        kidx += m * (n - kidx)
    return best, kidx


def _flat_indices(kidx: np.ndarray, geo: _PoolGeo) -> np.ndarray:
    """PyTorch's indices: flat positions of the maxima in each unpadded H*W plane."""
    k, s, p, d, ohw, hw = geo
    ki, kj = np.divmod(kidx, k[1])
    rows = (np.arange(ohw[0]) * s[0] - p[0]).reshape(-1, 1) + ki * d[0]
    cols = np.arange(ohw[1]) * s[1] - p[1] + kj * d[1]
    return (rows * hw[1] + cols).astype(np.int64)


def _gather_fwd(x, kidx, geo, vals):
    if vals is not None:
        return vals
    n, c = x.shape[:2]
    idx = _flat_indices(kidx, geo)
    return np.take_along_axis(x.reshape(n, c, -1), idx.reshape(n, c, -1), axis=2).reshape(
        idx.shape)


def _scatter_fwd(g, kidx, geo):
    k, s, p, d, ohw, hw = geo
    fh, fw = _pool_frame(g.shape, geo)
    dxp = np.zeros(g.shape[:2] + (fh, fw), dtype=g.dtype)
    for n, (_, _, hs, ws) in enumerate(_offsets(k, ohw, s, d)):
        dxp[:, :, hs, ws] += g * (kidx == n)
    return dxp[:, :, p[0]:p[0] + hw[0], p[1]:p[1] + hw[1]].copy()


def _scatter_any(g, kidx, geo):
    return _pool_scatter(g, kidx, geo) if type(g) is Tensor else _scatter_fwd(g, kidx, geo)


def _gather_any(gg, kidx, geo):
    return _pool_gather(gg, kidx, geo, None) if type(gg) is Tensor else _gather_fwd(
        gg, kidx, geo, None)


_pool_gather = defop("max_pool2d", _gather_fwd, "MaxPool2DWithIndicesBackward0",
                     x=lambda g, out, x, kidx, geo, vals: _scatter_any(g, kidx, geo))
_pool_scatter = defop("max_pool2d_backward", _scatter_fwd,
                      "MaxPool2DWithIndicesBackwardBackward0",
                      g=lambda gg, out, g, kidx, geo: _gather_any(gg, kidx, geo))


def _pool_geometry(shape: tuple, k: tuple, s: tuple, p: tuple, d: tuple, ceil: bool) -> tuple:
    hw = shape[-2:]
    for i in range(2):
        if p[i] > (d[i] * (k[i] - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p[i]}, kernel_size={k[i]} and dilation={d[i]}")
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got "
                           f"padW = {p[1]}, padH = {p[0]}, kW = {k[1]}, kH = {k[0]}")
    out = []
    for i in range(2):
        span = hw[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1
        o = (-(-span // s[i]) if ceil else span // s[i]) + 1
        if ceil and (o - 1) * s[i] >= hw[i] + p[i]:
            o -= 1   # NOTE: the last window must start inside the input or the left padding
        out.append(o)
    if out[0] <= 0 or out[1] <= 0:
        c = shape[1]
        raise RuntimeError(f"Given input size: ({c}x{hw[0]}x{hw[1]}). Calculated output size: "
                           f"({c}x{out[0]}x{out[1]}). Output size is too small")
    return tuple(out)


def _pool_args(x: np.ndarray, kernel_size: Any, stride: Any, padding: Any, dilation: Any
               ) -> tuple:
    k = _tuple(kernel_size, 2, "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) else \
        _tuple(stride, 2, "stride")
    return k, s, _tuple(padding, 2, "padding"), _tuple(dilation, 2, "dilation")


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
               ) -> Any:
    """Maximum over each (kh, kw) window; the gradient goes to the first maximal element.

    Returns the flat indices (into each H*W plane) too with return_indices=True.
    """
    input = as_tensor_arg(input, "max_pool2d")
    x = input._data
    if x.ndim == 3:
        r = max_pool2d(input.unsqueeze(0), kernel_size, stride, padding, dilation, ceil_mode,
                       return_indices)
        return (r[0].squeeze(0), r[1].squeeze(0)) if return_indices else r.squeeze(0)
    if x.ndim != 4:
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    k, s, p, d = _pool_args(x, kernel_size, stride, padding, dilation)
    hw = x.shape[2:]
    ohw = _pool_geometry(x.shape, k, s, p, d, ceil_mode)
    geo = _PoolGeo((k, s, p, d, ohw, hw))
    vals, kidx = _max_np(x, geo)
    out = _pool_gather(input, kidx, geo, vals)
    return (out, _make(_flat_indices(kidx, geo))) if return_indices else out


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """max_pool2d on a height-1 image (as PyTorch runs it)."""
    one = lambda v: v if v is None else (1,) + ((v,) if isinstance(v, int) else tuple(v))  # noqa: E731
    r = max_pool2d(input.unsqueeze(-2), one(kernel_size),
                   one(stride) if stride is not None else None,
                   (0,) + ((padding,) if isinstance(padding, int) else tuple(padding)),
                   one(dilation), ceil_mode, return_indices)
    if return_indices:
        return r[0].squeeze(-2), r[1].squeeze(-2)
    return r.squeeze(-2)


# ---- average pooling -------------------------------------------------------------------------
class _AvgGeo(tuple):
    """(kernel, stride, padding, output hw, input hw, divisor array (Ho, Wo))."""

    __slots__ = ()


def _avg_fwd(x, geo):
    k, s, p, ohw, hw, div = geo
    need_h = (ohw[0] - 1) * s[0] + k[0]
    need_w = (ohw[1] - 1) * s[1] + k[1]
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], max(need_h - hw[0] - p[0], 0)),
                    (p[1], max(need_w - hw[1] - p[1], 0))))
    out = None
    for _, _, hs, ws in _offsets(k, ohw, s, (1, 1)):
        out = xp[:, :, hs, ws].copy() if out is None else np.add(out, xp[:, :, hs, ws], out=out)
    out /= div
    return out


def _avg_adj(g, geo):
    k, s, p, ohw, hw, div = geo
    gd = (g / div).astype(g.dtype, copy=False)
    hp = max((ohw[0] - 1) * s[0] + k[0], hw[0] + p[0])
    wp = max((ohw[1] - 1) * s[1] + k[1], hw[1] + p[1])
    dxp = np.zeros(g.shape[:2] + (hp, wp), dtype=g.dtype)
    for i in range(k[0]):
        hs = slice(i, i + s[0] * (ohw[0] - 1) + 1, s[0])
        for j in range(k[1]):
            dxp[:, :, hs, j:j + s[1] * (ohw[1] - 1) + 1:s[1]] += gd
    return np.ascontiguousarray(dxp[:, :, p[0]:p[0] + hw[0], p[1]:p[1] + hw[1]])


_avg = defop("avg_pool2d", _avg_fwd, "AvgPool2DBackward0",
             x=lambda g, out, x, geo: _avg_back(g, geo) if type(g) is Tensor
             else _avg_adj(g, geo))
_avg_back = defop("avg_pool2d_backward", _avg_adj, "AvgPool2DBackwardBackward0",
                  g=lambda gg, out, g, geo: _avg(gg, geo) if type(gg) is Tensor
                  else _avg_fwd(gg, geo))


def _divisor(hw: tuple, k: tuple, s: tuple, p: tuple, ohw: tuple, include_pad: bool,
             override: int | None) -> np.ndarray:
    if override is not None:
        return np.full(ohw, float(override))
    size = []
    for i in range(2):
        start = np.arange(ohw[i]) * s[i] - p[i]
        end = np.minimum(start + k[i], hw[i] + p[i])
        if include_pad:
            size.append(end - start)
        else:
            size.append(np.minimum(end, hw[i]) - np.maximum(start, 0))
    return np.outer(size[0], size[1]).astype(np.float64)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """Mean over each (kh, kw) window (zero padding counted unless count_include_pad=False)."""
    input = as_tensor_arg(input, "avg_pool2d")
    x = input._data
    if x.ndim == 3:
        return avg_pool2d(input.unsqueeze(0), kernel_size, stride, padding, ceil_mode,
                          count_include_pad, divisor_override).squeeze(0)
    if x.ndim != 4:
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    need_float(input, "avg_pool2d")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    k, s, p, _ = _pool_args(x, kernel_size, stride, padding, 1)
    hw = x.shape[2:]
    ohw = _pool_geometry(x.shape, k, s, p, (1, 1), ceil_mode)
    div = _divisor(hw, k, s, p, ohw, count_include_pad, divisor_override)
    return _avg(input, _AvgGeo((k, s, p, ohw, hw, div.astype(x.dtype))))


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """avg_pool2d on a height-1 image."""
    one = lambda v: (1,) + ((v,) if isinstance(v, int) else tuple(v))  # noqa: E731
    return avg_pool2d(input.unsqueeze(-2), one(kernel_size),
                      one(stride) if stride is not None else None, (0,) + one(padding)[1:],
                      ceil_mode, count_include_pad).squeeze(-2)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling to a fixed output size (input sizes must be multiples of it)."""
    x = input._data
    o = _tuple(output_size, 2, "output_size")
    hw = x.shape[-2:]
    o = tuple(hw[i] if o[i] is None else o[i] for i in range(2))
    if o == (1, 1):
        return input.mean(dim=(-2, -1), keepdim=True)
    if hw[0] % o[0] or hw[1] % o[1]:
        raise NotImplementedError("feathergrad: adaptive_avg_pool2d needs input sizes that are "
                                  f"multiples of the output size, got {tuple(hw)} -> {o}")
    k = (hw[0] // o[0], hw[1] // o[1])
    return avg_pool2d(input, k, k)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    o = output_size if isinstance(output_size, int) else output_size[0]
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, o)).squeeze(-2)


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Tensor:
    """im2col of a batched image: (N, C*kh*kw, L) columns (differentiable through conv2d with
    an identity kernel)."""
    c = input.shape[1]
    k = _tuple(kernel_size, 2, "kernel_size")
    eye = np.zeros((c * k[0] * k[1], c, k[0], k[1]), dtype=input._data.dtype)
    r = np.arange(c * k[0] * k[1])
    ci, rest = np.divmod(r, k[0] * k[1])
    ki, kj = np.divmod(rest, k[1])
    eye[r, ci, ki, kj] = 1
    out = conv2d(input, _make(eye), None, stride, padding, dilation)
    return out.reshape(out.shape[0], out.shape[1], -1)

