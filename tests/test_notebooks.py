"""Notebook hygiene (fast) and execution of every notebook with papermill on a fixture corpus."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import NOTEBOOK_CORPUS

from analysis import config

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
IDS = [path.stem for path in NOTEBOOKS]
# Hygiene holds for every notebook, the teaching ones included.
EVERY_NOTEBOOK = sorted(config.NOTEBOOKS_DIR.rglob("*.ipynb"))
EVERY_ID = [str(path.relative_to(config.NOTEBOOKS_DIR)) for path in EVERY_NOTEBOOK]


def read(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    return notebook


def code_cells(notebook: nbformat.NotebookNode) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_there_are_notebooks():
    assert [path.stem for path in NOTEBOOKS] == [
        "01-corpus-overview",
        "02-mentions-over-time",
        "03-actors-and-weapons",
        "04-gazetteer-audit",
        "05-explore",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_one_parameters_cell_right_after_the_imports(path):
    cells = code_cells(read(path))
    tagged = [i for i, cell in enumerate(cells) if "parameters" in cell.metadata.get("tags", [])]
    assert tagged == [1], "exactly one cell tagged 'parameters', the second code cell"
    imports = ast.parse(cells[0].source)
    assert imports.body and all(
        isinstance(node, ast.Import | ast.ImportFrom) for node in imports.body
    ), "the first code cell holds only imports"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_parameters_are_typed_commented_literals(path):
    cell = code_cells(read(path))[1]
    tree = ast.parse(cell.source)
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign), ast.unparse(node)
        ast.literal_eval(node.value)  # a literal, nothing derived from another parameter
    for line in cell.source.splitlines():
        assert "  # " in line, f"uncommented parameter: {line}"
    import papermill

    # papermill must read every one of them (it cannot parse a comment holding "=")
    assert len(papermill.inspect_notebook(str(path))) == len(tree.body)


@pytest.mark.parametrize("path", EVERY_NOTEBOOK, ids=EVERY_ID)
def test_committed_without_outputs_for_the_project_kernel(path):
    notebook = read(path)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    for cell in code_cells(notebook):
        assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", EVERY_NOTEBOOK, ids=EVERY_ID)
def test_no_logic_downloads_or_magics_in_cells(path):
    for cell in code_cells(read(path)):
        tree = ast.parse(cell.source)  # also fails on shell escapes and magics
        for node in ast.walk(tree):
            assert not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            ), f"logic belongs in analysis/: {ast.unparse(node)[:60]}"
        assert "nltk.download" not in cell.source and "pip install" not in cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_after_the_parameters_is_explained(path):
    cells = read(path).cells
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and index > 0 and "import" not in cell.source:
            if "parameters" in cell.metadata.get("tags", []):
                continue
            assert cells[index - 1].cell_type == "markdown", cell.source[:60]


def test_all_notebooks_take_the_same_parameters():
    import papermill

    signatures = {path.stem: dict(papermill.inspect_notebook(str(path))) for path in NOTEBOOKS}
    names = {stem: list(parameters) for stem, parameters in signatures.items()}
    first = names[IDS[0]]
    assert all(value == first for value in names.values()), names
    assert {"corpus", "freq", "normalize", "top_n", "engine"} <= set(first)
    freq = signatures[IDS[0]]["freq"]
    assert freq["inferred_type_name"] == "str" and freq["default"] == '"auto"'


# --- execution ------------------------------------------------------------------------------


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_on_the_fixture_corpus(path, tmp_path):
    import papermill

    from analysis.report import papermill_options

    events = tmp_path / "events.csv"
    events.write_text("date,label\n2025-07-14,Aid package\n")
    output = tmp_path / path.name
    papermill.execute_notebook(
        str(path),
        str(output),
        parameters={"corpus": str(NOTEBOOK_CORPUS), "events": str(events)},
        **papermill_options(path),
    )
    executed = read(output)
    outputs = [output for cell in code_cells(executed) for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    kinds = {key for o in outputs for key in o.get("data", {})}
    assert "text/html" in kinds  # summary, tables, footer
    if path.stem == "05-explore":
        assert "application/vnd.jupyter.widget-view+json" in kinds
    html = " ".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    if path.stem in {"01-corpus-overview", "02-mentions-over-time", "03-actors-and-weapons"}:
        # charts come with their data link (ReportContext.chart); run alone, no files are written
        assert 'class="nm-chart"' in html and ("<img" in html or "<svg" in html)
        assert 'class="nm-data"' not in html  # no data folder given: no links to missing files
    assert "<script>alert(1)</script>" not in html
    assert "corpus sha256" in html  # the footer ran


# --- the explorer's callbacks (05-explore), without a kernel ----------------------------------


def test_explorer_redraws_for_every_control(capsys):
    import matplotlib.pyplot as plt

    from analysis.explore import Explorer
    from analysis.report import report_context

    explorer = Explorer(report_context(str(NOTEBOOK_CORPUS)))
    assert explorer.entities.value  # the most-mentioned entities are chosen at first
    explorer.freq.value = "M"
    explorer.normalize.value = "share_of_docs"
    explorer.kind.value = "weapon"
    explorer.entities.value = ()
    chosen = explorer.selection()
    assert (chosen["freq"], chosen["normalize"], chosen["entities"], chosen["kinds"]) == (
        "M",
        "share_of_docs",
        None,
        ["weapon"],
    )
    assert chosen["start"] == pd.Timestamp("2025-07-07")  # the first dated document
    assert plt.get_fignums() == []  # every redraw closed its figure
    shown = capsys.readouterr().out
    assert "<script>alert(1)</script>" not in shown
