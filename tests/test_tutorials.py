"""PyTorch tutorial-style scripts (examples/tutorials) run unchanged with feathergrad standing
in for torch (through the shim module named ``torch``) and print what PyTorch prints: the same
lines, numbers equal up to float32 rounding (summation order differs between the libraries)."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = ROOT / "examples" / "tutorials"
SHIM = TUTORIALS / "shim"
SCRIPTS = sorted(p.name for p in TUTORIALS.glob("*.py"))
_NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[-+]?\d+)?")


def _env() -> dict:
    return dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=os.pathsep.join([str(SHIM), str(ROOT)]))


@functools.cache
def _run_feathergrad(name: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as tmp:
        return subprocess.run([sys.executable, str(TUTORIALS / name)], cwd=tmp, env=_env(),
                              capture_output=True, text=True, timeout=300)


def _run_torch(name: str) -> str:
    """The script under real PyTorch, in this process (torch is imported once per session)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(str(TUTORIALS / name), run_name="__main__")
    return out.getvalue()


def _normalise(line: str) -> str:
    line = re.sub(r"0x[0-9a-fA-F]+", "0x", line)
    return line.replace("feathergrad.autograd.function.", "torch.autograd.function.")


def _same_line(got: str, want: str) -> bool:
    got, want = _normalise(got), _normalise(want)
    if _NUMBER.split(got) != _NUMBER.split(want):
        return False
    gn, wn = _NUMBER.findall(got), _NUMBER.findall(want)
    return len(gn) == len(wn) and all(
        abs(float(g) - float(w)) <= 1e-4 * abs(float(w)) + 1e-6 for g, w in zip(gn, wn))


def test_there_are_three_tutorials():
    assert len(SCRIPTS) >= 3, SCRIPTS


@pytest.mark.parametrize("name", SCRIPTS)
def test_tutorial_prints_what_pytorch_prints(name):
    pytest.importorskip("torch")
    r = _run_feathergrad(name)
    assert r.returncode == 0, r.stderr
    got, want = r.stdout.splitlines(), _run_torch(name).splitlines()
    assert len(got) == len(want), (got, want)
    for g, w in zip(got, want):
        assert _same_line(g, w), f"\n got: {g}\nwant: {w}"


@pytest.mark.parametrize("name", ["polynomial_autograd.py", "legendre_function.py"])
def test_polynomial_fits_converge(name):
    r = _run_feathergrad(name)
    assert r.returncode == 0, r.stderr
    losses = [float(line.split()[1]) for line in r.stdout.splitlines()
              if re.fullmatch(r"\d+ \S+", line)]
    assert len(losses) == 20
    assert all(b < a for a, b in zip(losses, losses[1:]))   # gradient descent keeps improving
    assert losses[-1] < 10   # sum of squared errors of a cubic fit of sin on [-pi, pi]


def test_autograd_tour_gradients():
    r = _run_feathergrad("autograd_tour.py")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0].startswith("Using cpu device; cuda available: False, 0 GPUs")
    assert out.count("tensor([True, True])") == 2   # dQ/da = 9a^2, dQ/db = -2b
    assert out[-1] == "True True"                   # d/dz z^4 = 4z^3, d2/dz2 = 12z^2


def test_shim_resolves_submodules_to_feathergrad():
    code = ("import torch, feathergrad\n"
            "import torch.autograd\n"
            "from torch.autograd import Function\n"
            "import torch.testing as tt\n"
            "assert torch is feathergrad and torch.autograd is feathergrad.autograd\n"
            "assert Function is feathergrad.autograd.Function and tt is feathergrad.testing\n"
            "assert feathergrad.autograd.__spec__.name == 'feathergrad.autograd'\n"
            "print(torch.device('cuda' if torch.cuda.is_available() else 'cpu'))\n")
    r = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "cpu\n"
