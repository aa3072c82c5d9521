"""examples/dpo_sim.ipynb runs headless from top to bottom (nbclient): no front end shows the
widget, so its cells say so, and its outputs keep the HTML fallback for exported notebooks."""

import pathlib

import nbformat
from nbclient import NotebookClient

NOTEBOOK = pathlib.Path(__file__).parents[2] / "examples" / "dpo_sim.ipynb"


def test_the_example_notebook_runs_headless():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    text = "".join(out.get("text", "") for out in outputs if out.output_type == "stream")
    assert "front end: none (a headless run)" in text
    assert "no front end: sim.step(100) and sim.story() need the simulator on screen" in text
    assert "quality = '1.5' is not allowed: quality must be a number from 0 to 1" in text
    assert "'online': 1.0" in text
    shown = [out for out in outputs if out.output_type == "execute_result" and "application/vnd.jupyter.widget-view+json" in out.data]
    assert len(shown) == 1 and shown[0].data["text/html"].startswith("<iframe ")
