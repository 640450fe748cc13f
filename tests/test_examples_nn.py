"""The nn examples train (loss falls) and follow PyTorch: each script also runs unchanged on
PyTorch, and from the same initial weights and data both give the same loss curve."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def load(name: str, use_torch: bool = False) -> types.ModuleType:
    """The example as a module, on feathergrad or (its import line swapped) on PyTorch."""
    path = EXAMPLES / f"{name}.py"
    if not use_torch:
        spec = importlib.util.spec_from_file_location(f"example_{name}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    src = path.read_text()
    assert src.count("import feathergrad as torch\n") == 1
    mod = types.ModuleType(f"example_{name}_torch")
    exec(compile(src.replace("import feathergrad as torch\n", "import torch\n"), str(path),
                 "exec"), mod.__dict__)
    return mod


def twins(name: str) -> tuple:
    """(feathergrad module, torch module, fg model, torch model) with the torch model's initial
    weights copied into the feathergrad one."""
    fmod, tmod = load(name), load(name, use_torch=True)
    tm = tmod.build_model()
    fm = fmod.build_model()
    fm.load_state_dict({k: fmod.torch.tensor(v.detach().numpy().copy())
                        for k, v in tm.state_dict().items()})
    return fmod, tmod, fm, tm


@pytest.mark.parametrize("name,kw,rtol", [
    ("linear_regression", {"epochs": 8}, 1e-4),
    ("mlp", {"epochs": 8}, 1e-4),
    ("cnn", {"epochs": 3}, 2e-3),
])
def test_example_trains_like_pytorch(name, kw, rtol):
    pytest.importorskip("torch")
    fmod, tmod, fm, tm = twins(name)
    fx, fy = fmod.make_data()
    tx, ty = tmod.make_data()
    assert np.array_equal(fx.numpy(), tx.numpy())
    with fmod.torch.no_grad():
        out = fm(fx)
        start = (fmod.nn.MSELoss()(out, fy) if name == "linear_regression"
                 else fmod.nn.CrossEntropyLoss()(out, fy)).item()
    fl = fmod.train(fm, fx, fy, shuffle=False, **kw)
    tl = tmod.train(tm, tx, ty, shuffle=False, **kw)
    assert fl[-1] < 0.7 * start and fl[-1] < fl[0], (start, fl)     # it learns
    np.testing.assert_allclose(fl, tl, rtol=rtol, atol=1e-6)
    for (k, a), (_, b) in zip(fm.state_dict().items(), tm.state_dict().items()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=20 * rtol, atol=2e-5, err_msg=k)


def test_linear_regression_by_hand_matches_pytorch():
    pytest.importorskip("torch")
    fmod, tmod = load("linear_regression"), load("linear_regression", use_torch=True)
    fl, fw, fb = fmod.train_by_hand(*fmod.make_data())
    tl, tw, tb = tmod.train_by_hand(*tmod.make_data())
    np.testing.assert_allclose(fl, tl, rtol=1e-5)
    assert abs(fw.item() - tw.item()) < 1e-5 and abs(fb.item() - tb.item()) < 1e-5
    assert fl[-1] < 1e-2 * fl[0]


def test_shuffled_training_still_converges():
    mod = load("mlp")
    mod.torch.manual_seed(0)
    x, y = mod.make_data()
    model = mod.build_model()
    losses = mod.train(model, x, y, epochs=15)
    assert losses[-1] < 0.5 * losses[0]
    assert mod.accuracy(model, x, y) > 0.8


@pytest.mark.parametrize("name,expect", [
    ("linear_regression", "nn.Linear + SGD: loss"),
    ("mlp", "reloaded from mlp_checkpoint.pt: accuracy"),
])
def test_scripts_run(tmp_path, name, expect):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py")], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert expect in r.stdout
