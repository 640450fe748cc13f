"""einsum and tensordot. The gradient of an einsum is an einsum: for operand k, contract the
output's gradient with the other operands into k's subscripts. Two details make that exact
for every equation:

- a subscript repeated within operand k (``'ii->i'``, a diagonal) is renamed, and an identity
  matrix joining the two names is added as an extra operand, so the gradient lands on the
  diagonal only;
- a subscript that appears only in operand k (summed away, ``'ij->i'``) cannot be produced by
  an einsum, so the gradient is broadcast along it.

The backward runs through the same op, so derivatives of every order are einsums too.
"""

from __future__ import annotations

import string
from collections import Counter
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._core import HANDLED, _as_tensor_arg
from ._multi import jointop
from .reduce import type_name

__all__ = [
    "einsum",
    "tensordot",
]

_LETTERS = string.ascii_uppercase + string.ascii_lowercase
_OPTIMIZE_FROM = 4096   # elements: below this, NumPy's path search costs more than it saves


def _forward(arrays: list, terms: tuple, rhs: str, *rest: Any) -> np.ndarray:
    eq = ",".join(terms) + "->" + rhs
    if len(arrays) > 1 and max(a.size for a in arrays) >= _OPTIMIZE_FROM:
        try:
            return np.einsum(eq, *arrays, optimize=True)
        except ValueError:   # NumPy's optimizer refuses some broadcasts; the plain loop won't
            pass
    return np.einsum(eq, *arrays)


def _tensordot_fwd(arrays: list, terms: tuple, rhs: str, axes: tuple) -> np.ndarray:
    return np.tensordot(arrays[0], arrays[1], axes)


def _einsum_rule(g, out, needs, ins, terms, rhs, *rest):
    return [_operand_grad(g, ins, terms, rhs, k) if need else None
            for k, need in enumerate(needs)]


def _operand_grad(g: Any, ins: list, terms: tuple, rhs: str, k: int) -> Any:
    """d(sum(g * einsum))/d(operand k), as an einsum of g and the other operands."""
    term, shape = terms[k], tuple(ins[k].shape)
    taken = set(rhs).union(*terms)
    fresh = (c for c in _LETTERS if c not in taken)
    dt = g._data.dtype if type(g) is Tensor else g.dtype
    seen: set = set()
    letters: list[str] = []
    ops, subs = [g], [rhs]
    for j, t in enumerate(terms):
        if j != k:
            ops.append(ins[j])
            subs.append(t)
    for pos, c in enumerate(term):
        if c in seen:
            # NOTE: a repeated subscript is a diagonal: the gradient goes onto it only
            new = next(fresh)
            ops.append(np.eye(shape[pos], dtype=dt))
            subs.append(c + new)
            c = new
        seen.add(c)
        letters.append(c)
    avail = set("".join(subs))
    present = "".join(c for c in letters if c in avail)
    r = _einsum_any(ops, tuple(subs), present)
    if len(present) == len(letters):
        return r
    # NOTE: subscripts only in operand k were summed away: their gradient is a broadcast
    it = iter(r.shape)
    kept = tuple(next(it) if c in avail else 1 for c in letters)
    full = tuple(s if c in avail else shape[i] for i, (c, s) in enumerate(zip(letters, kept)))
    return np.broadcast_to(r.reshape(kept), full)


def _einsum_any(ops: list, terms: tuple, rhs: str) -> Any:
    if any(type(o) is Tensor for o in ops):
        return _einsum_node(terms, rhs)(ops, terms, rhs)
    return _forward(ops, terms, rhs)


# NOTE: PyTorch's einsum has no node of its own: its result comes from the last op of its
# decomposition, which depends only on the operand count and on whether some subscript is
# summed away. We give each case that op's name.
_einsum_ops = {
    (False, False): jointop("einsum_permute", "PermuteBackward0", _forward, _einsum_rule,
                            save_out=False),
    (False, True): jointop("einsum_sum", "SumBackward1", _forward, _einsum_rule, save_out=False),
    (True, False): jointop("einsum_mul", "MulBackward0", _forward, _einsum_rule, save_out=False),
    (True, True): jointop("einsum", "ViewBackward0", _forward, _einsum_rule, save_out=False),
}


def _einsum_node(terms: tuple, rhs: str) -> Any:
    summed = not set("".join(terms)) <= set(rhs)
    return _einsum_ops[(len(terms) > 1, summed)]


# NOTE: PyTorch computes tensordot as mm of reshaped operands, then a view: its node name
_tensordot_op = jointop("tensordot", "ViewBackward0", _tensordot_fwd, _einsum_rule,
                        save_out=False)


# ---- parsing --------------------------------------------------------------------------
def _parse(eq: str, shapes: list) -> tuple[tuple, str]:
    """One explicit subscript string per operand (ellipses replaced by letters), and the
    output's, with PyTorch's checks and messages."""
    for i, c in enumerate(eq):
        if c not in _LETTERS and c not in ".,->" and not c.isspace():
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation "
                               "string, subscripts must be in [a-zA-Z]")
    eq = "".join(eq.split())
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    used = set(eq) & set(_LETTERS)
    free = [c for c in _LETTERS if c not in used]
    ell_dims = []
    for i, (t, s) in enumerate(zip(terms, shapes)):
        n = len(t.replace("...", ""))
        if "..." in t:
            if t.count("...") > 1 or n + 3 != len(t):
                raise RuntimeError(f"einsum(): found '.' for operand {i} that is not part of any "
                                   "ellipsis")
            if n > len(s):
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) is "
                                   f"more than the number of dimensions ({len(s)}) for operand {i}")
            ell_dims.append(len(s) - n)
        else:
            if "." in t:
                raise RuntimeError(f"einsum(): found '.' for operand {i} that is not part of any "
                                   "ellipsis")
            if n != len(s):
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) does "
                                   f"not match the number of dimensions ({len(s)}) for operand "
                                   f"{i} and no ellipsis was given")
            ell_dims.append(0)
    ne = max(ell_dims, default=0)
    ell = "".join(free[:ne])
    terms = tuple(t.replace("...", ell[ne - k:]) for t, k in zip(terms, ell_dims))
    if not arrow:
        counts = Counter("".join(t for t in lhs.split(",")).replace(".", ""))
        rhs = ell + "".join(sorted(c for c, n in counts.items() if n == 1))
    else:
        rhs = rhs.replace("...", ell)
        if "." in rhs:
            raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already "
                               "found")
        for c in rhs:
            if rhs.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the "
                                   "output")
            if not any(c in t for t in terms):
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   "equation for any input operand")
    _check_sizes(terms, shapes)
    return terms, rhs


def _check_sizes(terms: tuple, shapes: list) -> None:
    seen: dict = {}
    for i, (t, s) in enumerate(zip(terms, shapes)):
        mine: dict = {}
        for c, n in zip(t, s):
            if c in mine and mine[c] != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {i} but the "
                                   f"sizes don't match, {n} != {mine[c]}")
            mine[c] = n
        for c, n in mine.items():
            m = seen.get(c, 1)
            if n != 1 and m != 1 and n != m:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} which "
                                   f"does not broadcast with previously seen size {m}")
            if n != 1:
                seen[c] = n


def _sublists(args: tuple) -> tuple[str, list]:
    """torch.einsum(op1, [0, 1], op2, [1, 2], [0, 2]): the sublist format, as an equation."""
    ops, subs = list(args[0::2]), list(args[1::2])
    out = ops.pop() if len(ops) > len(subs) else None   # a trailing output sublist

    def letters(sub: Any) -> str:
        return "".join("..." if v is Ellipsis else _LETTERS[int(v)] for v in sub)
    eq = ",".join(letters(s) for s in subs)
    if out is not None:
        eq += "->" + letters(out)
    return eq, ops


def einsum(equation: Any, *operands: Any) -> Tensor:
    """Einstein summation, e.g. ``einsum('ij,jk->ik', a, b)`` (a matrix product),
    ``einsum('ii->i', a)`` (a diagonal), ``einsum('...ij->...ji', a)``, implicit outputs
    (``'ij,jk'``) and PyTorch's sublist format. Differentiable to every order: each gradient
    is itself an einsum (see the module docstring). The node is named after the last op of
    PyTorch's decomposition (ViewBackward0, MulBackward0, PermuteBackward0 or SumBackward1).

    >>> einsum('i,i->', tensor([1., 2.]), tensor([3., 4.]))
    tensor(11.)
    """
    if not isinstance(equation, str):
        equation, operands = _sublists((equation,) + operands)
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ops = [o if type(o) is Tensor else _as_tensor_arg(o, "einsum") for o in operands]
    if not ops:
        raise RuntimeError("einsum(): must provide at least one operand")
    dt = ops[0]._data.dtype
    for o in ops[1:]:
        if o._data.dtype != dt:
            raise RuntimeError(f"expected scalar type {type_name(dt)} but found "
                               f"{type_name(o._data.dtype)}")
    terms, rhs = _parse(equation, [o._data.shape for o in ops])
    return _einsum_node(terms, rhs)(ops, terms, rhs)


def tensordot(a: Tensor, b: Tensor, dims: Any = 2, out: Any = None) -> Tensor:
    """Contract the last `dims` dims of `a` with the first `dims` of `b`, or the dims listed in
    ``dims=([a dims], [b dims])``.

    >>> tensordot(ones(2, 3), ones(3, 4), 1).shape
    torch.Size([2, 4])
    """
    a, b = _as_tensor_arg(a, "tensordot"), _as_tensor_arg(b, "tensordot")
    na, nb = a._data.ndim, b._data.ndim
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > na or dims > nb:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(na - dims, na)), list(range(dims))
        shown = [(i - dims, i) for i in range(dims)]
    else:
        da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
        if len(da) != len(db):
            raise RuntimeError("both dimension lists should have same length")
        shown = list(zip(da, db))
        da, db = [d % na for d in da], [d % nb for d in db]
    for (i, j), (sa, sb) in zip(zip(da, db), shown):
        if a._data.shape[i] != b._data.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a._data.shape[i]} in dim {sa} and second has size "
                               f"{b._data.shape[j]} in dim {sb}")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected scalar type {type_name(a._data.dtype)} but found "
                           f"{type_name(b._data.dtype)}")
    ta = _LETTERS[:na]
    tb = list(_LETTERS[na:na + nb])
    for i, j in zip(da, db):
        tb[j] = ta[i]
    tb = "".join(tb)
    rhs = "".join(c for i, c in enumerate(ta) if i not in da) + "".join(
        c for j, c in enumerate(tb) if j not in db)
    return _tensordot_op([a, b], (ta, tb), rhs, (da, db))


def _np_einsum(*args, out=None, optimize=False, **kw):
    return einsum(*args)


HANDLED.update({
    np.einsum: _np_einsum,
    np.tensordot: lambda a, b, axes=2: tensordot(a, b, axes),
})
