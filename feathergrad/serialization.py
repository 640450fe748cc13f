"""feathergrad.save / feathergrad.load: tensors and (nested) state dicts in a NumPy ``.npz``
archive that cannot run code when loaded.

The archive holds one array per tensor plus ``__feathergrad__``: a JSON description of the
saved object (dicts, lists, tuples, numbers, strings, None, dtypes, and references to the
arrays). Loading uses ``np.load(allow_pickle=False)`` and a strict JSON decoder: nothing in
the file is ever executed or imported, and anything unexpected raises ``SerializationError``.
PyTorch's own ``.pt`` files are pickles and are refused with an explanation.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections import OrderedDict
from typing import Any

import numpy as np

from . import _dtype
from .tensor import Tensor

__all__ = ["save", "load", "SerializationError"]

_META = "__feathergrad__"
_FORMAT = "feathergrad-npz"
_VERSION = 1
_MAX_DEPTH = 200


class SerializationError(RuntimeError):
    """A file given to feathergrad.load is not a valid feathergrad archive."""


# ---- save ----------------------------------------------------------------------------------
class _Encoder:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self.memo: dict[int, str] = {}

    def array(self, a: np.ndarray, owner: Any) -> str:
        key = self.memo.get(id(owner))
        if key is None:
            key = f"t{len(self.arrays)}"
            self.arrays[key] = a if a.flags.c_contiguous else a.copy()   # (keeps 0-d)
            self.memo[id(owner)] = key
        return key

    def enc(self, obj: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise ValueError("feathergrad.save: the object is nested too deeply")
        if obj is None or isinstance(obj, (bool, str)):
            return {"v": obj}
        if isinstance(obj, int):
            return {"v": int(obj)}
        if isinstance(obj, float):
            return {"f": repr(float(obj))}
        if isinstance(obj, Tensor):
            from .nn.parameter import is_parameter
            return {"T": self.array(obj._data, obj), "rg": bool(obj._requires_grad),
                    "p": is_parameter(obj)}
        if isinstance(obj, np.ndarray):
            if obj.dtype.kind not in "biufc":
                raise TypeError(f"feathergrad.save: cannot save arrays of dtype {obj.dtype}")
            return {"A": self.array(obj, obj)}
        if isinstance(obj, np.generic):
            return self.enc(obj.item(), depth + 1)
        if isinstance(obj, _dtype.dtype):
            return {"dt": obj.name}
        if isinstance(obj, dict):
            return {"D": [[self.enc(k, depth + 1), self.enc(v, depth + 1)]
                          for k, v in obj.items()],
                    "od": isinstance(obj, OrderedDict)}
        if isinstance(obj, list):
            return {"L": [self.enc(v, depth + 1) for v in obj]}
        if isinstance(obj, tuple):
            return {"U": [self.enc(v, depth + 1) for v in obj]}
        raise TypeError(
            f"feathergrad.save: cannot save an object of type {type(obj).__name__}. Only tensors, "
            "arrays, numbers, strings, None and lists/tuples/dicts of them are saved (a format "
            "that cannot run code on load); save model.state_dict() rather than the model.")


def save(obj: Any, f: Any, pickle_module: Any = None, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True) -> None:
    """Save tensors / state dicts (nested dicts, lists, tuples, numbers, strings) to `f`, a
    path or a binary file object.

    >>> save({"w": tensor([1., 2.])}, "ckpt.pt")      # doctest: +SKIP
    >>> load("ckpt.pt")["w"]                         # doctest: +SKIP
    tensor([1., 2.])
    """
    e = _Encoder()
    meta = {"format": _FORMAT, "version": _VERSION, "obj": e.enc(obj)}
    blob = json.dumps(meta, separators=(",", ":")).encode("utf-8")
    arrays = {_META: np.frombuffer(blob, dtype=np.uint8), **e.arrays}
    if isinstance(f, (str, os.PathLike)):
        # NOTE: through a file object, so NumPy does not append ".npz" to the name
        with open(f, "wb") as fh:
            np.savez(fh, **arrays)
    else:
        np.savez(f, **arrays)


# ---- load ----------------------------------------------------------------------------------
def _fail(msg: str) -> SerializationError:
    return SerializationError(f"feathergrad.load: {msg}")


class _Decoder:
    def __init__(self, npz: Any) -> None:
        self.npz = npz
        self.memo: dict[str, Any] = {}

    def array(self, key: Any) -> np.ndarray:
        if not isinstance(key, str) or key == _META or key not in self.npz.files:
            raise _fail(f"the description refers to a missing array {key!r}")
        try:
            a = self.npz[key]
        except ValueError as err:   # object arrays: refused by allow_pickle=False
            raise _fail(f"array {key!r} cannot be loaded without pickle ({err}); refused") \
                from None
        except Exception as err:  # noqa: BLE001 - any damage in the archive
            raise _fail(f"array {key!r} is damaged ({type(err).__name__}: {err})") from None
        if not isinstance(a, np.ndarray) or a.dtype.kind not in "biufc" or \
                a.dtype not in _dtype._FROM_NP:
            raise _fail(f"array {key!r} has unsupported dtype {getattr(a, 'dtype', '?')}")
        return a

    def dec(self, node: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise _fail("the description is nested too deeply")
        if not isinstance(node, dict) or len(node) == 0:
            raise _fail(f"malformed description entry {str(node)[:80]!r}")
        if "v" in node and len(node) == 1:
            v = node["v"]
            if v is None or isinstance(v, (bool, int, str)):
                return v
            raise _fail(f"unexpected value {str(v)[:80]!r}")
        if "f" in node and len(node) == 1:
            try:
                return float(node["f"])
            except (TypeError, ValueError):
                raise _fail(f"bad float {str(node['f'])[:40]!r}") from None
        if "T" in node and set(node) <= {"T", "rg", "p"}:
            key = node["T"]
            if key in self.memo:
                return self.memo[key]
            a = self.array(key)
            rg, is_p = node.get("rg", False), node.get("p", False)
            if not isinstance(rg, bool) or not isinstance(is_p, bool):
                raise _fail("bad tensor flags")
            if rg and a.dtype.kind not in "fc":
                raise _fail("an integer tensor cannot require grad")
            t = Tensor._make(a)
            if is_p:
                from .nn.parameter import Parameter
                t = Parameter(t, requires_grad=rg)
            elif rg:
                t.requires_grad_(True)
            self.memo[key] = t
            return t
        if "A" in node and len(node) == 1:
            return self.array(node["A"])
        if "dt" in node and len(node) == 1:
            name = node["dt"]
            d = getattr(_dtype, name, None) if isinstance(name, str) else None
            if not isinstance(d, _dtype.dtype):
                raise _fail(f"unknown dtype {str(name)[:40]!r}")
            return d
        if "D" in node and set(node) <= {"D", "od"}:
            items = node["D"]
            if not isinstance(items, list):
                raise _fail("malformed dict entry")
            out = OrderedDict() if node.get("od") else {}
            for kv in items:
                if not isinstance(kv, list) or len(kv) != 2:
                    raise _fail("malformed dict item")
                k = self.dec(kv[0], depth + 1)
                if isinstance(k, (dict, list, Tensor, np.ndarray)):
                    raise _fail("unhashable dict key")
                out[k] = self.dec(kv[1], depth + 1)
            return out
        if ("L" in node or "U" in node) and len(node) == 1:
            seq = node.get("L", node.get("U"))
            if not isinstance(seq, list):
                raise _fail("malformed list entry")
            vals = [self.dec(v, depth + 1) for v in seq]
            return vals if "L" in node else tuple(vals)
        raise _fail(f"unknown description entry with keys {sorted(node)[:5]}")


def _no_pickle_hint(names: list[str]) -> str:
    if any(n.endswith("data.pkl") for n in names):
        return (" It looks like a PyTorch checkpoint: torch.save writes pickles, which can run "
                "code when loaded, so feathergrad refuses them. In PyTorch, re-save the tensors "
                "as NumPy arrays: np.savez(path, **{k: v.numpy() for k, v in "
                "state_dict.items()}), and load those with np.load.")
    return ""


def load(f: Any, map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = None, mmap: Any = None, **pickle_load_args: Any) -> Any:
    """Load what ``feathergrad.save`` wrote. Never executes code from the file: a malformed
    or hostile file raises ``SerializationError`` (a RuntimeError) saying what is wrong."""
    name = os.fspath(f) if isinstance(f, (str, os.PathLike)) else getattr(f, "name", "<file>")
    try:
        npz = np.load(f, allow_pickle=False)
    except FileNotFoundError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as err:
        raise _fail(f"{name} is not a feathergrad archive (expected an .npz file written by "
                    f"feathergrad.save): {err}") from None
    if not hasattr(npz, "files"):
        raise _fail(f"{name} holds a single NumPy array, not a feathergrad archive; load it "
                    "with np.load and wrap it with torch.from_numpy")
    with npz:
        if _META not in npz.files:
            raise _fail(f"{name} has no '{_META}' entry, so it was not written by "
                        "feathergrad.save." + _no_pickle_hint(list(npz.zip.namelist())))
        try:
            raw = npz[_META]
            text = raw.tobytes().decode("utf-8") if raw.dtype == np.uint8 else None
            meta = json.loads(text) if text is not None else None
        except (ValueError, UnicodeDecodeError, RecursionError) as err:
            raise _fail(f"the description in {name} is not valid JSON ({err})") from None
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
            raise _fail(f"{name} has an unknown format marker")
        if meta.get("version") != _VERSION:
            raise _fail(f"{name} uses format version {meta.get('version')!r}; this feathergrad "
                        f"reads version {_VERSION}")
        if "obj" not in meta:
            raise _fail(f"{name} describes no object")
        try:
            return _Decoder(npz).dec(meta["obj"])
        except RecursionError:
            raise _fail("the description is nested too deeply") from None

