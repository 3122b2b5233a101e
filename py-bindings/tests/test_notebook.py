"""The example notebook runs from top to bottom on the OULAD data."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import OULAD, REPO_ROOT

NOTEBOOK = REPO_ROOT / "examples" / "oulad.ipynb"


def data_folder() -> Path:
    return Path(os.environ.get("XUETONG_OULAD", OULAD))


@pytest.mark.skipif(
    not data_folder().is_dir(),
    reason=f"the OULAD data is not at {data_folder()}; set XUETONG_OULAD to run the notebook",
)
def test_notebook_runs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    texts = "".join(output.get("text", "") for output in outputs)
    assert "TableReport(table='enrolments'" in texts
    assert "CreditResult(rule_set='oulad_community@1'" in texts
    images = [output for output in outputs if "image/png" in output.get("data", {})]
    assert len(images) == 2, "the notebook did not draw both charts"
