"""examples/analysis.ipynb (issue 14 §5): kept without outputs in git, and run as a user runs it
(nbclient and a real IPython kernel), with the public datasets when present and without them."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_DATA

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "analysis.ipynb"


def test_outputs_are_stripped_in_git() -> None:
    doc = json.loads(NOTEBOOK.read_text())
    code = [c for c in doc["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell["outputs"] == [], "clear the outputs before committing"
        assert cell["execution_count"] is None
    assert set(doc["metadata"]) <= {"kernelspec", "language_info"}
    for cell in doc["cells"]:
        assert not cell.get("metadata"), "cell metadata (ids of runs, collapsed state) left in"


def run(monkeypatch: pytest.MonkeyPatch, shared: Path) -> list[dict[str, Any]]:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("KG_SHARED_DATA", str(shared))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    return [c for c in nb.cells if c.cell_type == "code"]


def text(cell: dict[str, Any]) -> str:
    parts = []
    for out in cell["outputs"]:
        parts.append(out.get("text", ""))
        parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def chart(cell: dict[str, Any]) -> bytes:
    images = [o["data"]["image/png"] for o in cell["outputs"] if "image/png" in o.get("data", {})]
    assert len(images) == 1
    return base64.b64decode(images[0])


def not_blank(png: bytes) -> bool:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return len(set(image.resize((80, 30)).tobytes())) > 8


@pytest.mark.slow
def test_runs_on_the_shipped_data_alone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cells = run(monkeypatch, tmp_path / "no-shared-data")
    assert "country: PRK | year: any" in text(cells[0])
    assert "Empty DataFrame" in text(cells[1])  # the essay is no tier assessor
    assert not_blank(chart(cells[2]))
    assert "North Korea" in text(cells[3])
    assert "trafficking victims" in text(cells[3])
    assert "MultiDiGraph with 5 nodes" in text(cells[4])
    assert "China" in text(cells[4])
    assert "Russia" in text(cells[4])
    assert "'locator': '¶1'" in text(cells[5])


@pytest.mark.slow
@pytest.mark.shared_data
@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")
def test_runs_on_the_import_build(monkeypatch: pytest.MonkeyPatch) -> None:
    cells = run(monkeypatch, SHARED_DATA)
    assert "country: THA | year: 2020" in text(cells[0])
    assert "2014             Tier 3" in text(cells[1])  # Thailand's downgrade
    assert not_blank(chart(cells[2]))
    assert "identified victims" in text(cells[3])
    assert "United Kingdom" in text(cells[4])
    assert "data_glotip.csv line" in text(cells[5])
