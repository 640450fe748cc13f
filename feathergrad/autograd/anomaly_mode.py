"""Anomaly detection: remember where each node was created, and stop at the first NaN."""

from __future__ import annotations

from typing import Any

from . import engine as _engine
from .grad_mode import _DecoratorContextManager


def is_anomaly_enabled() -> bool:
    return _engine._anomaly[0]


def is_anomaly_check_nan_enabled() -> bool:
    return _engine._anomaly[1]


class set_detect_anomaly(_DecoratorContextManager):
    """Turn anomaly detection on or off; takes effect immediately (and restores on exit when
    used as a context manager)."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = tuple(_engine._anomaly)
        self.mode, self.check_nan = bool(mode), bool(check_nan)
        _engine._anomaly[:] = [self.mode, self.check_nan]

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        _engine._anomaly[:] = list(self.prev)

    def clone(self) -> set_detect_anomaly:
        return self.__class__(self.mode, self.check_nan)


class detect_anomaly(_DecoratorContextManager):
    """Context manager/decorator: nodes remember the traceback of the forward line that made
    them, and a backward that produces NaN raises an error naming the node and that line.

    >>> with detect_anomaly():
    ...     y = (x * 0).sqrt()      # doctest: +SKIP
    ...     y.backward()            # RuntimeError: Function 'SqrtBackward0' returned nan ...
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> None:
        self.prev = tuple(_engine._anomaly)
        _engine._anomaly[:] = [True, self.check_nan]

    def __exit__(self, *exc: Any) -> None:
        _engine._anomaly[:] = list(self.prev)

    def clone(self) -> detect_anomaly:
        return self.__class__(self.check_nan)
