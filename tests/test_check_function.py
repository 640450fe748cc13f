"""check_function (mistakes in custom Functions, in words), its automatic mode, and the kink
awareness of gradcheck."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import feathergrad as fg
from feathergrad.autograd import (
    Function,
    GradcheckError,
    check_function,
    gradcheck,
    set_check_functions,
)
from feathergrad.autograd.gradcheck import KinkWarning

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT.parent / "shared" / "spec" / "differentiation_lab.py"


def _lab_sq() -> type:
    """The lab's own SQ class, taken from the lab's source (its backward returns 2*i)."""
    if LAB.exists():
        tree = ast.parse(LAB.read_text())
        (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "SQ"]
        ns = {"torch": fg}
        exec(compile(ast.Module([cls], []), str(LAB), "exec"), ns)   # trusted spec code
        return ns["SQ"]

    class SQ(Function):   # the same code, for checkouts without shared/spec
        @staticmethod
        def forward(ctx, i):
            result = i ** 2
            ctx.save_for_backward(i)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            i, = ctx.saved_tensors
            grad_output = 2 * i
            return grad_output
    return SQ


def _fn(name, forward, backward):
    return type(name, (Function,), {"forward": staticmethod(forward),
                                    "backward": staticmethod(backward)})


def _sq(backward):
    def forward(ctx, i):
        ctx.save_for_backward(i)
        return i ** 2
    return _fn("Square", forward, backward)


def test_lab_sq_ignores_grad_output():
    sq = _lab_sq()
    r = check_function(sq, fg.tensor(2.0, requires_grad=True))
    assert not r and not r.ok
    assert len(r.problems) == 1 and r.problems[0].startswith("backward ignores grad_output")
    assert "backward ignores grad_output" in str(r) and "FAILED" in str(r)
    with pytest.raises(GradcheckError, match="backward ignores grad_output"):
        check_function(sq.apply, fg.tensor([1.0, 2.0]), raise_exception=True)


def test_correct_function_passes():
    good = _sq(lambda ctx, g: g * 2 * ctx.saved_tensors[0])
    r = check_function(good, fg.tensor([1.0, -2.0, 3.0]))
    assert r and r.problems == [] and r.notes == []
    assert "passed" in str(r)


@pytest.mark.parametrize("backward, words", [
    (lambda ctx, g: -g * 2 * ctx.saved_tensors[0], "wrong sign"),
    (lambda ctx, g: g * ctx.saved_tensors[0], "off by a factor of 0.5 (a factor 2 missing?)"),
    (lambda ctx, g: g * 4 * ctx.saved_tensors[0], "off by a factor of 2 (an extra factor 2?)"),
    (lambda ctx, g: None, "backward returned None for i"),
    (lambda ctx, g: g * g * 2 * ctx.saved_tensors[0], "not linear in grad_output"),
    (lambda ctx, g: g * 0, "backward returns 0 for i"),
    (lambda ctx, g: 1 / 0, "backward raised ZeroDivisionError"),
    (lambda ctx, g: (g, g), "backward raised RuntimeError: function SquareBackward returned an "
                            "incorrect number of gradients"),
])
def test_mistakes_are_named(backward, words):
    r = check_function(_sq(backward), fg.tensor([1.5, -0.5]))
    assert not r.ok and any(words in p for p in r.problems), r


def test_swapped_and_transposed_gradients():
    def fwd(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b * b

    def swapped(ctx, g):
        a, b = ctx.saved_tensors
        return g * 2 * a * b, g * b * b     # d/db first: wrong order
    r = check_function(_fn("Swap", fwd, swapped), fg.tensor(2.0), fg.tensor(3.0))
    assert not r.ok and "wrong order" in r.problems[0]
    m = fg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=fg.float64)

    def fwd2(ctx, a):
        return (a * m).sum()
    r = check_function(_fn("T", fwd2, lambda ctx, g: g * m.t()), fg.tensor([[1.0, 0.0],
                                                                            [2.0, 1.0]]))
    assert not r.ok and "transposed" in r.problems[0]


def test_forward_modifying_its_input_and_backward_modifying_grad_output():
    def fwd(ctx, i):
        i._data[...] += 1
        return i * 2
    r = check_function(_fn("Inplace", fwd, lambda ctx, g: g * 2), fg.tensor(1.0))
    assert not r.ok and "in place without ctx.mark_dirty()" in r.problems[0]

    def bwd(ctx, g):
        g.mul_(2)
        return g
    r = check_function(_fn("GradInplace", lambda ctx, i: i * 2, bwd), fg.tensor(1.0))
    assert any("modified grad_output in place" in p for p in r.problems)


def test_kinks_are_conventions_not_mistakes():
    def fwd(ctx, i):
        ctx.save_for_backward(i)
        return i.clamp(min=0)
    relu = _fn("MyRelu", fwd, lambda ctx, g: g * (ctx.saved_tensors[0] > 0))
    r = check_function(relu, fg.tensor([0.0, 1.0, -1.0]))
    assert r.ok and len(r.notes) == 1
    assert r.notes[0].startswith("i[0]: the function is not differentiable here (left "
                                 "derivative 0, right derivative 1); backward uses 0")
    absf = _fn("MyAbs", lambda ctx, i: (ctx.save_for_backward(i), i.abs())[1],
               lambda ctx, g: g * ctx.saved_tensors[0].sign())
    r = check_function(absf, fg.tensor([0.0, 2.0]))
    assert r.ok and "(the average of the two sides)" in r.notes[0]
    wrong = _fn("BadRelu", fwd, lambda ctx, g: g * 5 * (ctx.saved_tensors[0] >= 0))
    r = check_function(wrong, fg.tensor([0.0, 1.0]))
    assert not r.ok   # 5 is outside [0, 1]: no convention excuses it


def test_argument_checks():
    with pytest.raises(TypeError, match="custom autograd Function"):
        check_function(fg.relu, fg.tensor(1.0))
    r = check_function(_lab_sq(), fg.tensor(1))   # nothing floating point
    assert not r.ok and "no floating point Tensor" in r.problems[0]


def test_automatic_checks_on_first_use():
    sq = _lab_sq()
    calls = []
    good = _sq(lambda ctx, g: (calls.append(1), g * 2 * ctx.saved_tensors[0])[1])
    set_check_functions(True)
    try:
        with pytest.raises(GradcheckError, match="backward ignores grad_output"):
            sq.apply(fg.tensor(2.0, requires_grad=True))
        y = good.apply(fg.tensor(2.0, requires_grad=True))
        n = len(calls)
        assert n > 0 and y.item() == 4
        good.apply(fg.tensor(3.0, requires_grad=True))
        assert len(calls) == n                            # checked once, on first use
        sq.apply(fg.tensor(2.0))                          # no grad: nothing to check
    finally:
        set_check_functions(False)
    sq.apply(fg.tensor(2.0, requires_grad=True))          # off again


def test_environment_variable_turns_automatic_checks_on():
    code = ("import feathergrad as fg\n"
            "class SQ(fg.autograd.Function):\n"
            "    @staticmethod\n"
            "    def forward(ctx, i):\n"
            "        ctx.save_for_backward(i)\n"
            "        return i ** 2\n"
            "    @staticmethod\n"
            "    def backward(ctx, g):\n"
            "        return 2 * ctx.saved_tensors[0]\n"
            "SQ.apply(fg.tensor(2., requires_grad=True))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT), FEATHERGRAD_CHECK_FUNCTIONS="1")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 1 and "backward ignores grad_output" in r.stderr


# ---- gradcheck at kinks -------------------------------------------------------------------------
def test_gradcheck_accepts_relu_at_zero_with_a_warning():
    x = fg.tensor([0.0, 1.0, -2.0], dtype=fg.float64, requires_grad=True)
    with pytest.warns(KinkWarning, match=r"input 0 element \(0,\).*left derivative 0, right "
                                         r"derivative 1\); backward uses 0 \(the left"):
        assert gradcheck(fg.relu, (x,))
    with pytest.warns(KinkWarning):
        assert gradcheck(fg.relu, (x,), fast_mode=True)


def test_gradcheck_ties_of_max_and_near_kinks():
    if not hasattr(fg, "max"):
        pytest.skip("no max in this build")
    x = fg.tensor([1.0, 1.0, 0.5], dtype=fg.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KinkWarning)
        assert gradcheck(lambda t: fg.max(t, 0)[0], (x,))    # the tie goes to one index
    near = fg.tensor([1e-7], dtype=fg.float64, requires_grad=True)
    with pytest.warns(KinkWarning, match="within eps"):
        assert gradcheck(fg.relu, (near,))


def test_gradcheck_still_fails_real_mistakes_at_and_off_kinks():
    bad = _fn("Bad", lambda ctx, i: (ctx.save_for_backward(i), i.clamp(min=0))[1],
              lambda ctx, g: g * 3 * (ctx.saved_tensors[0] > 0))
    x = fg.tensor([0.0, 1.0], dtype=fg.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KinkWarning)
        with pytest.raises(GradcheckError, match=r"d\(output 0\[1\]\)/d\(input 0\[1\]\)"):
            gradcheck(bad.apply, (x,))
        assert not gradcheck(bad.apply, (x,), raise_exception=False, fast_mode=True)
