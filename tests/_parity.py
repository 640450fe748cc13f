"""Shared by the tests that run the same PyTorch code under torch and feathergrad."""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np


def run_code(m: Any, code: str, prelude: str = "", seed: int | None = None) -> Any:
    """exec `prelude + code` with `torch` bound to module `m`; return the variable `r`."""
    ns = {"torch": m, "np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if seed is not None:
            m.manual_seed(seed)
        exec(prelude + code, ns)
    return ns.get("r")


def norm(s: str) -> str:
    """A repr with object addresses masked, and a custom Function's module as torch's."""
    s = re.sub(r"0x[0-9a-f]+", "0x", s)
    return s.replace("feathergrad.autograd.function", "torch.autograd.function")


def first_line(e: BaseException) -> str:
    return str(e).split("\n")[0]


def assert_same_repr(fg: Any, torch: Any, run: Any, code: str) -> None:
    """`code` gives the same repr of `r` under both libraries."""
    assert norm(repr(run(fg, code))) == norm(repr(run(torch, code)))


def assert_same_error(fg: Any, torch: Any, run: Any, code: str) -> None:
    """`code` raises the same exception type under both libraries, and feathergrad's message
    starts with PyTorch's first line (people search for it); our advice may follow."""
    import pytest
    with pytest.raises(Exception) as te:
        run(torch, code)
    with pytest.raises(Exception) as fe:
        run(fg, code)
    assert type(fe.value) is type(te.value)
    tmsg = first_line(te.value)
    assert str(fe.value).startswith(tmsg[:60]), (str(fe.value), tmsg)
