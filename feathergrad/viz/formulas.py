"""The derivative of each node, in words a learner reads: node class name -> formula.

``local`` maps an input name (the op table's parameter names: ``x``, ``a``, ``b``) to
d(out)/d(input) for elementwise ops, where the chain rule is a product ``g * local``; for the
other ops it is the gradient itself, written with ``g`` (the incoming gradient): ``a: g @ b.T``.
Nodes not listed here fall back to the rule's own source text from the op table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..autograd.graph import Node


@dataclass(frozen=True)
class Formula:
    forward: str                                   # what the op computed: "a * b"
    local: dict[str, str] = field(default_factory=dict)
    elementwise: bool = True                        # chain rule is g * local, element by element
    param: str | None = None                        # name of a ParamNode's constant ("n")
    note: str = ""                                  # the convention at kinks, if any


def _e(forward: str, note: str = "", param: str | None = None, **local: str) -> Formula:
    return Formula(forward, local, True, param, note)


def _v(forward: str, note: str = "", **grads: str) -> Formula:
    return Formula(forward, grads, False, None, note)


_ZERO = "0 (piecewise constant: its derivative is 0 wherever it exists)"

FORMULAS: dict[str, Formula] = {
    # arithmetic
    "AddBackward0": _e("a + b", a="1", b="1"),
    "AddBackward1": _e("x + c", x="1"),
    "SubBackward0": _e("a - b", a="1", b="-1"),
    "SubBackward1": _e("x - c", x="1"),
    "RsubBackward0": _e("b - a", a="-1", b="1"),
    "RsubBackward1": _e("c - x", x="-1"),
    "MulBackward0": _e("a * b", a="b", b="a"),
    "MulBackward1": _e("x * c", x="c"),
    "DivBackward0": _e("a / b", a="1/b", b="-a/b**2"),
    "DivBackward1": _e("x / c", x="1/c"),
    "NegBackward0": _e("-x", x="-1"),
    "PowBackward0": _e("x**n", param="n", x="n*x**(n-1)"),
    "PowBackward1": _e("a**b", a="b*a**(b-1)", b="a**b*log(a)"),
    "PowBackward2": _e("c**x", x="c**x*log(c)"),
    "ReciprocalBackward0": _e("1/x", x="-1/x**2"),
    # unary functions
    "ExpBackward0": _e("exp(x)", x="exp(x)"),
    "Exp2Backward0": _e("2**x", x="2**x*log(2)"),
    "Expm1Backward0": _e("exp(x) - 1", x="exp(x)"),
    "LogBackward0": _e("log(x)", x="1/x"),
    "Log2Backward0": _e("log2(x)", x="1/(x*log(2))"),
    "Log10Backward0": _e("log10(x)", x="1/(x*log(10))"),
    "Log1pBackward0": _e("log(1 + x)", x="1/(1 + x)"),
    "SqrtBackward0": _e("sqrt(x)", "infinite at x = 0", x="1/(2*sqrt(x))"),
    "RsqrtBackward0": _e("1/sqrt(x)", x="-1/(2*x**1.5)"),
    "SinBackward0": _e("sin(x)", x="cos(x)"),
    "CosBackward0": _e("cos(x)", x="-sin(x)"),
    "TanBackward0": _e("tan(x)", x="1 + tan(x)**2"),
    "AsinBackward0": _e("asin(x)", x="1/sqrt(1 - x**2)"),
    "AcosBackward0": _e("acos(x)", x="-1/sqrt(1 - x**2)"),
    "AtanBackward0": _e("atan(x)", x="1/(1 + x**2)"),
    "SinhBackward0": _e("sinh(x)", x="cosh(x)"),
    "CoshBackward0": _e("cosh(x)", x="sinh(x)"),
    "TanhBackward0": _e("tanh(x)", x="1 - tanh(x)**2"),
    "AsinhBackward0": _e("asinh(x)", x="1/sqrt(x**2 + 1)"),
    "AcoshBackward0": _e("acosh(x)", x="1/sqrt(x**2 - 1)"),
    "AtanhBackward0": _e("atanh(x)", x="1/(1 - x**2)"),
    "SigmoidBackward0": _e("sigmoid(x) = 1/(1 + exp(-x))", x="sigmoid(x)*(1 - sigmoid(x))"),
    "ErfBackward0": _e("erf(x)", x="2/sqrt(pi)*exp(-x**2)"),
    "ErfcBackward0": _e("erfc(x)", x="-2/sqrt(pi)*exp(-x**2)"),
    "ReluBackward0": _e("relu(x) = max(x, 0)",
                        "relu is not differentiable at 0; PyTorch uses 0 there",
                        x="1 if x > 0 else 0"),
    "AbsBackward0": _e("|x|", "|x| is not differentiable at 0; PyTorch uses sign(0) = 0",
                       x="sign(x)"),
    "SgnBackward0": _e("sign(x)", x=_ZERO),
    "SignBackward0": _e("sign(x)", x=_ZERO),
    "FloorBackward0": _e("floor(x)", x=_ZERO),
    "CeilBackward0": _e("ceil(x)", x=_ZERO),
    "RoundBackward0": _e("round(x)", x=_ZERO),
    "RoundBackward1": _e("round(x, decimals)", x=_ZERO),
    "TruncBackward0": _e("trunc(x)", x=_ZERO),
    "FracBackward0": _e("x - trunc(x)", x="1"),
    "ClampBackward1": _e("clamp(x, min, max)", "the gradient passes at the bounds themselves",
                         param="(min, max)", x="1 inside [min, max], 0 outside"),
    "ClampMinBackward0": _e("clamp(x, min=m)", x="1 if x >= m else 0"),
    "ClampMaxBackward0": _e("clamp(x, max=m)", x="1 if x <= m else 0"),
    "ClampMinBackward1": _e("clamp(x, min=m)", x="1 if x >= m else 0"),
    "ClampMaxBackward1": _e("clamp(x, max=m)", x="1 if x <= m else 0"),
    "MaximumBackward0": _e("maximum(a, b)", "at ties a == b each input gets 1/2",
                           a="1 where a > b, 0 where a < b", b="1 where b > a, 0 where b < a"),
    "MinimumBackward0": _e("minimum(a, b)", "at ties a == b each input gets 1/2",
                           a="1 where a < b, 0 where a > b", b="1 where b < a, 0 where b > a"),
    "Atan2Backward0": _e("atan2(a, b)", a="b/(a**2 + b**2)", b="-a/(a**2 + b**2)"),
    "WhereBackward0": _e("where(c, a, b)", a="1 where c, else 0", b="0 where c, else 1"),
    "SoftplusBackward0": _e("log(1 + exp(x))", x="sigmoid(x)"),
    "SiluBackward0": _e("x*sigmoid(x)", x="sigmoid(x)*(1 + x*(1 - sigmoid(x)))"),
    "GeluBackward0": _e("x*Phi(x)", x="Phi(x) + x*phi(x)"),
    "EluBackward0": _e("x if x > 0 else alpha*(exp(x) - 1)", x="1 if x > 0 else alpha*exp(x)"),
    "LeakyReluBackward0": _e("x if x > 0 else slope*x", x="1 if x > 0 else slope"),
    "HardtanhBackward0": _e("clamp(x, -1, 1)", x="1 inside (-1, 1), else 0"),
    "Log1PBackward0": _e("log(1 + x)", x="1/(1 + x)"),
    "LogSigmoidBackward0": _e("log(sigmoid(x))", x="1 - sigmoid(x)"),
    "MishBackward0": _e("x*tanh(sp), sp = softplus(x)",
                        x="tanh(sp) + x*sigmoid(x)*(1 - tanh(sp)**2)"),
    "CeluBackward0": _e("x if x > 0 else alpha*(exp(x/alpha) - 1)",
                        x="1 if x > 0 else exp(x/alpha)"),
    "HardsigmoidBackward0": _e("clamp(x/6 + 1/2, 0, 1)", x="1/6 inside (-3, 3), else 0"),
    "HardswishBackward0": _e("x*hardsigmoid(x)", x="x/3 + 1/2 inside (-3, 3), 0 below, 1 above"),
    "ThresholdBackward0": _e("x if x > threshold else value", x="1 if x > threshold else 0"),
    "LogitBackward0": _e("log(x/(1 - x))", x="1/(x*(1 - x))"),
    "ErfinvBackward0": _e("erfinv(x)", x="sqrt(pi)/2*exp(erfinv(x)**2)"),
    "SincBackward0": _e("sin(pi*x)/(pi*x)", x="(cos(pi*x) - sinc(x))/x (0 at x = 0)"),
    "Deg2RadBackward0": _e("x*pi/180", x="pi/180"),
    "Rad2DegBackward0": _e("x*180/pi", x="180/pi"),
    "HypotBackward0": _e("sqrt(a**2 + b**2)", a="a/hypot(a, b)", b="b/hypot(a, b)"),
    "XlogyBackward0": _e("a*log(b)", a="log(b) (0 where a == 0)", b="a/b"),
    "LogaddexpBackward0": _e("log(exp(a) + exp(b))", a="sigmoid(a - b)", b="sigmoid(b - a)"),
    "LerpBackward0": _e("a + w*(b - a)", a="1 - w", b="w"),
    "CopysignBackward0": _e("|a|*sign(b)", a="sign(a)*sign(b) (0 at a = 0)", b="0"),
    "DivBackward2": _e("a / b, rounded", a=_ZERO, b=_ZERO),
    "FmaxBackward0": _e("fmax(a, b)", "at ties a == b each input gets 1/2",
                        a="1 where a > b, 0 where a < b", b="1 where b > a, 0 where b < a"),
    "FminBackward0": _e("fmin(a, b)", "at ties a == b each input gets 1/2",
                        a="1 where a < b, 0 where a > b", b="1 where b < a, 0 where b > a"),
    "CloneBackward0": _e("a copy of x", x="1"),
    "ToCopyBackward0": _e("x converted to another dtype", x="1 (the gradient is cast back)"),
    "AliasBackward0": _e("x (an alias)", x="1"),
    # reductions
    "SumBackward0": _v("sum(x)", x="g copied to every element of x"),
    "SumBackward1": _v("sum(x, dim)", x="g copied back along the summed dims"),
    "MeanBackward0": _v("mean(x)", x="g / n at every element (n = number of elements)"),
    "MeanBackward1": _v("mean(x, dim)", x="g / n copied back along the reduced dims"),
    "ProdBackward0": _v("prod(x)", x="g * prod(x) / x (product of the other elements)"),
    "MaxBackward1": _v("max(x)", "ties share the gradient evenly",
                       x="g at the maximum, 0 elsewhere"),
    "MinBackward1": _v("min(x)", "ties share the gradient evenly",
                       x="g at the minimum, 0 elsewhere"),
    "MaxBackward0": _v("max(x, dim)", x="g at the index of each maximum, 0 elsewhere"),
    "MinBackward0": _v("min(x, dim)", x="g at the index of each minimum, 0 elsewhere"),
    "AmaxBackward0": _v("amax(x, dim)", "ties share the gradient evenly",
                        x="g at the maxima, 0 elsewhere"),
    "NormBackward1": _v("norm(x)", x="g * x / norm(x)"),
    "ProdBackward1": _v("prod(x, dim)", x="g * prod / x along dim (product of the others)"),
    "CumsumBackward0": _v("cumsum(x, dim)", x="reversed cumsum of g (x[i] feeds every later sum)"),
    "CumprodBackward0": _v("cumprod(x, dim)", x="sum over j >= i of g[j] * out[j] / x[i]"),
    "LogsumexpBackward0": _v("log(sum(exp(x)))", x="g * softmax(x)"),
    "SoftmaxBackward0": _v("softmax(x)", x="out * (g - sum(g * out))"),
    "LogSoftmaxBackward0": _v("log_softmax(x)", x="g - softmax(x) * sum(g)"),
    "StdBackward0": _v("std(x)", x="g * (x - mean(x)) / ((n - correction) * std(x))"),
    "VarBackward0": _v("var(x)", x="g * 2*(x - mean(x)) / (n - correction)"),
    "MseLossBackward0": _v("mean((x - t)**2)", x="g * 2*(x - t)/n", t="-g * 2*(x - t)/n"),
    "BinaryCrossEntropyBackward0": _v("-mean(t*log(x) + (1 - t)*log(1 - x))",
                                      x="g * (x - t)/(x*(1 - x))/n"),
    "TraceBackward0": _v("trace(x)", x="g on the diagonal, 0 elsewhere"),
    "LinalgDetBackward0": _v("det(A)", x="g * det(A) * inverse(A).T"),
    # linear algebra
    "MmBackward0": _v("a @ b", a="g @ b.T", b="a.T @ g"),
    "MvBackward0": _v("a @ b (matrix @ vector)", a="outer(g, b)", b="a.T @ g"),
    "DotBackward0": _v("dot(a, b)", a="g * b", b="g * a"),
    "BmmBackward0": _v("a @ b (batched)", a="g @ b.mT", b="a.mT @ g"),
    "UnsafeViewBackward0": _v("a @ b", a="g @ b.T (summed over batch dims)",
                              b="a.T @ g (summed over batch dims)"),
    # shapes and indexing: the gradient is moved, not scaled
    "ViewBackward0": _v("x.view(shape)", x="g reshaped back to x's shape"),
    "ReshapeAliasBackward0": _v("x.reshape(shape)", x="g reshaped back to x's shape"),
    "ExpandBackward0": _v("x.expand(shape)", x="g summed over the expanded dims"),
    "TransposeBackward0": _v("x.transpose(d0, d1)", x="g transposed back"),
    "TBackward0": _v("x.t()", x="g.t()"),
    "PermuteBackward0": _v("x.permute(dims)", x="g permuted back"),
    "SqueezeBackward0": _v("x.squeeze()", x="g with the size-1 dims put back"),
    "SqueezeBackward1": _v("x.squeeze(dim)", x="g with the size-1 dim put back"),
    "UnsqueezeBackward0": _v("x.unsqueeze(dim)", x="g with that dim removed"),
    "SliceBackward0": _v("x[a:b]", x="g placed at the sliced positions, 0 elsewhere"),
    "SelectBackward0": _v("x[i]", x="g placed at position i, 0 elsewhere"),
    "IndexBackward0": _v("x[index]", x="g added at the indexed positions, 0 elsewhere"),
    "CatBackward0": _v("cat(tensors)", x="g split back into the pieces"),
    "FlipBackward0": _v("x.flip(dims)", x="g flipped back"),
    "RollBackward0": _v("x.roll(shifts)", x="g rolled back"),
    "RepeatBackward0": _v("x.repeat(sizes)", x="g summed over the copies"),
    "GatherBackward0": _v("gather(x, dim, index)", x="g added at the gathered positions"),
    "IndexSelectBackward0": _v("index_select(x, dim, index)",
                               x="g added at the selected positions"),
    "TrilBackward0": _v("tril(x)", x="tril(g)"),
    "TriuBackward0": _v("triu(x)", x="triu(g)"),
    "UnbindBackward0": _v("x.unbind(dim)", x="the gradients stacked back"),
    "SplitBackward0": _v("x.split(size, dim)", x="the gradients of the pieces joined back"),
    "StackBackward0": _v("stack(tensors)", x="g unstacked"),
}


def formula(node: Node) -> Formula | None:
    """The formula of `node` (None for custom Functions and unknown nodes)."""
    return FORMULAS.get(type(node).__name__)


def rule_source(node: Node) -> str | None:
    """The backward rule's expression as written in the op table (``g * out`` for exp)."""
    rules = getattr(type(node), "_rules", ()) or ()
    rule = getattr(type(node), "_rule", None)
    fns = [rule] if rule is not None else list(rules)
    parts = []
    for fn in fns:
        text = _lambda_body(fn)
        if text is None:
            return None
        parts.append(text)
    return "; ".join(parts) if parts else None


def _lambda_body(fn: Any) -> str | None:
    fn = getattr(fn, "__func__", fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    if fn.__name__ != "<lambda>":
        return f"{fn.__name__}(g, ...)"
    if not hasattr(code, "co_positions"):   # Python < 3.11: no column information
        return None
    import linecache
    # NOTE: RESUME carries the column span (0, 0); the body's instructions carry its columns
    spans = [p for p in code.co_positions() if None not in p and p[0] == p[1] and p[3] > p[2]]
    if not spans:
        return None
    line = min(p[0] for p in spans)
    spans = [p for p in spans if p[0] == line]
    text = linecache.getline(code.co_filename, line)
    body = text[min(p[2] for p in spans):max(p[3] for p in spans)].strip()
    return body or None
