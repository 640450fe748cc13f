"""examples/differentiation_lab.ipynb runs headless (nbclient) and shows what it promises."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "differentiation_lab.ipynb"


def _outputs(nb, tag: str) -> list:
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, tag
    return cells[0].outputs


def _text(outputs: list) -> str:
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)


def test_notebook_executes_and_shows_plots_graph_and_explanation(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    from nbclient.exceptions import CellControlSignal
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:   # run from a clean state, not from the stored outputs
        if cell.cell_type == "code":
            cell.outputs = []
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    monkeypatch.setenv("PYTHONPATH", path)
    # NOTE: conftest sets MPLBACKEND=Agg, under which the kernel would show no figures
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except CellControlSignal:   # a cell failed or hung: a real failure
        raise
    except Exception as exc:    # no kernel here (not installed, cannot start)
        pytest.skip(f"no Jupyter kernel available: {type(exc).__name__}: {exc}")

    assert "The derivative at x = 2:  tensor(6.)" in _text(_outputs(nb, "backward"))
    explained = _text(_outputs(nb, "explain"))
    assert "x = 2: 2 (step 3) + 4 (step 4) = 6" in explained      # 2 from 2*x, 4 from x**2
    assert "x.grad is now None" in explained
    (graph,) = _outputs(nb, "graph")
    svg = graph["data"]["image/svg+xml"]
    assert "<svg" in svg and "PowBackward0" in svg and "x (leaf)" in svg
    assert "PowBackward0" in _text(_outputs(nb, "graph-text"))
    assert "backward ignores grad_output" in _text(_outputs(nb, "check"))
    for tag in ("lab-plot", "plot"):
        assert any("image/png" in o.get("data", {}) for o in _outputs(nb, tag)), tag
    assert "detach" in _text(_outputs(nb, "why"))
    practice = _text(_outputs(nb, "practice"))
    assert "respect to u:  tensor(5.)" in practice and "respect to v:  tensor(10.)" in practice
