"""save/load: round trips of tensors, state dicts and optimizer states; hostile and malformed
files raise SerializationError and execute nothing."""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import feathergrad as fg
from feathergrad import nn, optim
from feathergrad.serialization import SerializationError


def _roundtrip(obj):
    buf = io.BytesIO()
    fg.save(obj, buf)
    buf.seek(0)
    return fg.load(buf)


def test_tensors_of_every_dtype_round_trip():
    for t in [fg.tensor(3.5), fg.arange(6).reshape(2, 3), fg.tensor([True, False]),
              fg.randn(2, 2, dtype=fg.float64), fg.ones(3, dtype=fg.float16),
              fg.tensor([1 + 2j]), fg.zeros(0, 4)]:
        r = _roundtrip(t)
        assert r.dtype == t.dtype and r.shape == t.shape
        assert np.array_equal(r.numpy(), t.numpy())
    p = nn.Parameter(fg.ones(2))
    r = _roundtrip({"p": p, "g": fg.ones(2, requires_grad=True)})
    assert isinstance(r["p"], nn.Parameter) and r["g"].requires_grad and r["g"].is_leaf


def test_nested_structures_and_sharing():
    t = fg.randn(3)
    obj = {"a": [1, 2.5, None, True, "x", (t, t)], 3: {"inf": float("inf"), "nan": float("nan")},
           "od": OrderedDict(b=1), "dt": fg.float64, "np": np.arange(3)}
    r = _roundtrip(obj)
    assert r["a"][:5] == [1, 2.5, None, True, "x"] and isinstance(r["a"][5], tuple)
    assert r["a"][5][0] is r["a"][5][1]                    # one tensor saved once
    assert r[3]["inf"] == float("inf") and np.isnan(r[3]["nan"])
    assert isinstance(r["od"], OrderedDict) and r["dt"] is fg.float64
    assert isinstance(r["np"], np.ndarray) and r["np"].tolist() == [0, 1, 2]
    assert type(r["a"][0]) is int and type(r["a"][1]) is float and type(r["a"][3]) is bool


def test_model_and_optimizer_checkpoint(tmp_path):
    fg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 1))
    opt = optim.Adam(model.parameters(), lr=0.01)
    sched = optim.lr_scheduler.StepLR(opt, 2)
    for _ in range(3):
        opt.zero_grad()
        model(fg.randn(8, 3)).pow(2).mean().backward()
        opt.step()
        sched.step()
    path = tmp_path / "ckpt.pt"
    fg.save({"model": model.state_dict(), "opt": opt.state_dict(),
             "sched": sched.state_dict(), "epoch": 3}, path)
    assert os.path.exists(path)                    # exactly the given name, no ".npz" added
    ck = fg.load(str(path), map_location="cpu", weights_only=True)
    m2 = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 1))
    m2.load_state_dict(ck["model"])
    o2 = optim.Adam(m2.parameters(), lr=0.5)
    o2.load_state_dict(ck["opt"])
    s2 = optim.lr_scheduler.StepLR(o2, 2)
    s2.load_state_dict(ck["sched"])
    assert ck["epoch"] == 3 and s2.last_epoch == sched.last_epoch
    assert o2.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
    x = fg.randn(5, 3)
    model.eval()
    m2.eval()
    assert np.array_equal(model(x).detach().numpy(), m2(x).detach().numpy())


def test_unsupported_objects_are_refused_on_save():
    with pytest.raises(TypeError, match="save model.state_dict"):
        _roundtrip(nn.Linear(2, 2))
    with pytest.raises(TypeError, match="cannot save"):
        _roundtrip({"f": lambda: 0})


class Boom:
    def __reduce__(self):
        return (os.system, ("touch /tmp/feathergrad_pwned",))


def _archive(members: dict) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    buf.seek(0)
    return buf


def _npy(arr) -> bytes:
    b = io.BytesIO()
    np.save(b, arr, allow_pickle=True)
    return b.getvalue()


def _meta(obj) -> bytes:
    return _npy(np.frombuffer(json.dumps(obj).encode(), dtype=np.uint8))


HOSTILE = {
    "pickle file": io.BytesIO(pickle.dumps(Boom())),
    "torch-style zip": _archive({"archive/data.pkl": pickle.dumps(Boom()),
                                 "archive/version": b"3"}),
    "object array": _archive({"__feathergrad__.npy": _meta(
        {"format": "feathergrad-npz", "version": 1, "obj": {"A": "t0"}}),
        "t0.npy": _npy(np.array([Boom()], dtype=object))}),
    "pickled meta": _archive({"__feathergrad__.npy": _npy(np.array([Boom()], dtype=object))}),
    "not json": _archive({"__feathergrad__.npy": _npy(np.frombuffer(b"{nope", np.uint8))}),
    "wrong format": _archive({"__feathergrad__.npy": _meta({"format": "x", "version": 1})}),
    "future version": _archive({"__feathergrad__.npy": _meta(
        {"format": "feathergrad-npz", "version": 99, "obj": {"v": 1}})}),
    "missing array": _archive({"__feathergrad__.npy": _meta(
        {"format": "feathergrad-npz", "version": 1, "obj": {"T": "t7"}})}),
    "unknown node": _archive({"__feathergrad__.npy": _meta(
        {"format": "feathergrad-npz", "version": 1, "obj": {"__reduce__": "os.system"}})}),
    "bad dtype name": _archive({"__feathergrad__.npy": _meta(
        {"format": "feathergrad-npz", "version": 1, "obj": {"dt": "__class__"}})}),
    "deep nesting": _archive({"__feathergrad__.npy": _meta(
        {"format": "feathergrad-npz", "version": 1,
         "obj": json.loads('{"L": [' * 400 + "]}" * 400)})}),
    "truncated": io.BytesIO(b"PK\x03\x04garbage"),
    "empty": io.BytesIO(b""),
    "text": io.BytesIO(b"hello world"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_raise_and_execute_nothing(name):
    if os.path.exists("/tmp/feathergrad_pwned"):
        os.remove("/tmp/feathergrad_pwned")
    f = HOSTILE[name]
    f.seek(0)
    with pytest.raises(SerializationError) as e:
        fg.load(f)
    assert str(e.value).startswith("feathergrad.load: ")
    assert not os.path.exists("/tmp/feathergrad_pwned")
    if name == "torch-style zip":
        assert "PyTorch checkpoint" in str(e.value)


def test_missing_file():
    with pytest.raises(FileNotFoundError):
        fg.load("/nonexistent/ckpt.pt")


def test_reads_a_pytorch_state_dict_converted_to_numpy(tmp_path):
    torch = pytest.importorskip("torch")
    tm = torch.nn.Linear(3, 2)
    fg.save({k: fg.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()},
            tmp_path / "w.pt")
    fm = nn.Linear(3, 2)
    fm.load_state_dict(fg.load(tmp_path / "w.pt"))
    x = np.ones((1, 3), dtype=np.float32)
    np.testing.assert_allclose(fm(fg.tensor(x)).detach().numpy(),
                               tm(torch.tensor(x)).detach().numpy(), rtol=1e-6)
