"""PyTorch's named result tuples (``torch.return_types.max`` and friends): tuples whose
fields also have names, printed the way PyTorch prints them.

>>> r = max(tensor([[1., 3.], [2., 0.]]), 1)    # feathergrad.max
>>> r.values, r.indices
(tensor([3., 2.]), tensor([1, 0]))
"""

from __future__ import annotations

import operator
from typing import Any


class _StructSeq(tuple):
    __slots__ = ()
    _fields: tuple[str, ...] = ()
    n_fields = n_sequence_fields = n_unnamed_fields = 0

    def __new__(cls, values: Any) -> _StructSeq:
        values = tuple(values)
        if len(values) != len(cls._fields):
            raise TypeError(f"torch.return_types.{cls.__name__} takes a {len(cls._fields)}-"
                            f"sequence ({len(values)}-sequence given)")
        return tuple.__new__(cls, values)

    def __repr__(self) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{type(self).__name__}(\n{body})"

    __str__ = __repr__

    def __reduce__(self):
        return (type(self), (tuple(self),))


def _make_type(name: str, fields: tuple[str, ...]) -> type:
    ns: dict[str, Any] = {"__slots__": (), "_fields": fields, "n_fields": len(fields),
                          "n_sequence_fields": len(fields), "__module__": __name__,
                          "__qualname__": name}
    for i, f in enumerate(fields):
        ns[f] = property(operator.itemgetter(i), doc=f"Field {i}: {f}")
    return type(name, (_StructSeq,), ns)


max = _make_type("max", ("values", "indices"))  # noqa: A001
min = _make_type("min", ("values", "indices"))  # noqa: A001
slogdet = _make_type("slogdet", ("sign", "logabsdet"))
linalg_slogdet = _make_type("linalg_slogdet", ("sign", "logabsdet"))

sort = _make_type("sort", ("values", "indices"))
topk = _make_type("topk", ("values", "indices"))
kthvalue = _make_type("kthvalue", ("values", "indices"))
median = _make_type("median", ("values", "indices"))
nanmedian = _make_type("nanmedian", ("values", "indices"))
mode = _make_type("mode", ("values", "indices"))
cummax = _make_type("cummax", ("values", "indices"))
cummin = _make_type("cummin", ("values", "indices"))
aminmax = _make_type("aminmax", ("min", "max"))
linalg_eigh = _make_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_eig = _make_type("linalg_eig", ("eigenvalues", "eigenvectors"))
linalg_svd = _make_type("linalg_svd", ("U", "S", "Vh"))
svd = _make_type("svd", ("U", "S", "V"))
linalg_qr = _make_type("linalg_qr", ("Q", "R"))
qr = _make_type("qr", ("Q", "R"))
linalg_cholesky_ex = _make_type("linalg_cholesky_ex", ("L", "info"))
linalg_inv_ex = _make_type("linalg_inv_ex", ("inverse", "info"))
linalg_lstsq = _make_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
triangular_solve = _make_type("triangular_solve", ("solution", "cloned_coefficient"))
histogram = _make_type("histogram", ("hist", "bin_edges"))

__all__ = ["max", "min", "slogdet", "linalg_slogdet", "sort", "topk", "kthvalue", "median",
           "nanmedian", "mode", "cummax", "cummin", "aminmax", "linalg_eigh", "linalg_eig",
           "linalg_svd", "svd", "linalg_qr", "qr", "linalg_cholesky_ex", "linalg_inv_ex",
           "linalg_lstsq", "triangular_solve", "histogram"]
