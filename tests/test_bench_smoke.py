"""Smoke test of the benchmark suite (bench/): every workload's correctness check at a small
size, the checker's ability to fail, the table and a memory probe. No timing is asserted."""

from __future__ import annotations

import json

import pytest

from bench import harness, run
from bench.workloads import Case, deep_chain, elementwise, lab, memory, mlp, scalar_chain

# the chains' gradients decay geometrically: float32 underflow there is expected, not an error
pytestmark = pytest.mark.filterwarnings("ignore:underflow:RuntimeWarning")


@pytest.mark.parametrize("case", [
    Case("lab", lab.make),
    Case("scalar-chain", scalar_chain.make, size=1000),
    Case("scalar-chain short", scalar_chain.make, size=15),   # a partial last cycle
    Case("elementwise", elementwise.make, size=1000),
    Case("mlp", mlp.make, size=4, rtol=1e-3),
], ids=lambda c: c.name)
def test_workload_gradients_match_the_numpy_limit(case):
    case.check()


def test_deep_chain_case_checks_at_a_small_size():
    (case,) = deep_chain.cases(quick=True)
    assert case.check_size < case.size
    case.check()


def test_mlp_nn_variant_on_torch():
    """The nn.Linear + cross_entropy + amax branch, run on torch (which has all of it)."""
    pytest.importorskip("torch")
    v = {"linear": True, "cross_entropy": True, "amax": True, "inplace_sub": True}
    want = mlp.make("numpy", 4)()
    got = mlp.make("torch", 4, v)()
    for i, (g, w) in enumerate(zip(got, want)):
        harness.assert_close(f"output {i}", g, w, rtol=1e-3)


def test_check_catches_a_wrong_gradient(monkeypatch):
    limit = elementwise.limit
    monkeypatch.setattr(elementwise, "limit", lambda x: (limit(x)[0], limit(x)[1] * 1.01))
    with pytest.raises(AssertionError, match="output 1"):
        Case("elementwise", elementwise.make, size=100).check()


def test_table_and_targets():
    row = run.measure(Case("lab", lab.make, budget_s=0.02), log=lambda s: None)
    assert row["error"] is None and row["stats"]["feathergrad"].samples
    text = run.table([row])
    assert "lab" in text and "≤ 0.2× PyTorch" in text
    doc = run.to_json([row], {"cpu": "test"}, quick=True)
    assert json.loads(json.dumps(doc))["rows"][0]["name"] == "lab"


def test_memory_probe_reports_a_peak():
    out = json.loads(harness.run_child(["-m", "bench.memprobe", "elementwise", "200000", "10",
                                        "numpy"]))
    # the input alone is 200000 float32 = 0.76 MiB, and the limit holds several such arrays
    assert out["peak_mib"] > 0.7
    assert set(memory.PROBES) == {"memory elementwise 1e7", "memory mlp 128"}


def test_machine_info_names_the_blas():
    info = harness.machine()
    assert info["blas_threads"] >= 1 and "numpy" in info


def test_torch_missing_reads_n_a(monkeypatch):
    monkeypatch.setattr(harness, "_torch_state", [None])
    row = run.measure(Case("lab", lab.make, budget_s=0.02), log=lambda s: None)
    assert row["stats"]["torch"] is None
    line = run.table([row]).splitlines()[-1]
    assert "n/a" in line and "FAILED" not in line
