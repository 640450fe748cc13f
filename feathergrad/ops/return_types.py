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

__all__ = ["max", "min", "slogdet", "linalg_slogdet"]
