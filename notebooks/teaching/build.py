"""Write the teaching notebooks of notebooks/teaching/ from their jupytext sources in src/.

Each lesson is one py:percent file, ``src/NN-name.py``, written to ``NN-name.ipynb``. Each exercise
set is one py:percent file, ``src/NN-name-exercises.py``, written twice, so that an exercise and
its solution share every word of the task:

- ``exercises/NN-name-exercises.ipynb`` without the cells tagged ``solution``;
- ``solutions/NN-name-solutions.ipynb`` without the cells tagged ``exercise``.

The tags ``exercise`` and ``solution`` are then dropped (as nbconvert's TagRemovePreprocessor
would remove the cells); ``parameters`` and ``answer`` are kept. The front matter of a source
(its ``# ---`` header, a raw cell for jupytext) stays in the .py. The notebooks get fixed cell ids,
no outputs and the project's kernel, so that the same sources give the same files. After editing
a source, run

    .venv/bin/python notebooks/teaching/build.py          # writes the notebooks
    .venv/bin/python notebooks/teaching/build.py --check  # exit 1 naming any stale notebook

tests/test_teaching.py fails when a committed notebook and its source disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
KERNELSPEC = {"display_name": "Python 3 (news-mentions)", "language": "python", "name": "python3"}
VARIANT_TAGS = {"exercise", "solution"}  # which notebook of an exercise set shows the cell


def build(source: Path, variant: str = "") -> nbformat.NotebookNode:
    """The notebook written from one source; ``variant`` "exercise" or "solution" for a set."""
    cells = []
    for cell in jupytext.read(source, fmt="py:percent").cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "raw" or any(t in VARIANT_TAGS and t != variant for t in tags):
            continue
        kept = [tag for tag in tags if tag not in VARIANT_TAGS]
        metadata = {"tags": kept} if kept else {}
        if cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(cell.source, metadata=metadata)
        else:
            new = nbformat.v4.new_code_cell(cell.source, metadata=metadata)
        new.id = f"cell-{len(cells):02d}"
        cells.append(new)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    return nb


def notebooks() -> dict[Path, nbformat.NotebookNode]:
    """Every teaching notebook, by its path."""
    out = {}
    for source in sorted(SOURCES.glob("[0-9][0-9]-*.py")):
        if source.stem.endswith("-exercises"):
            name = source.stem.removesuffix("-exercises")
            out[HERE / "exercises" / f"{name}-exercises.ipynb"] = build(source, "exercise")
            out[HERE / "solutions" / f"{name}-solutions.ipynb"] = build(source, "solution")
        else:
            out[HERE / f"{source.stem}.ipynb"] = build(source)
    return out


def text(nb: nbformat.NotebookNode) -> str:
    """The file's content, exactly as nbformat.write writes it."""
    nbformat.validate(nb)
    written = nbformat.writes(nb)
    return written if written.endswith("\n") else written + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    generated = notebooks()
    stale = [path for path, nb in generated.items() if not _same(path, text(nb))]
    for path in stale:
        if check:
            print(f"{path.relative_to(HERE)} differs from its source: run build.py")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text(generated[path]), encoding="utf-8")
            print(f"wrote {path.relative_to(HERE)}")
    committed = [*HERE.glob("[0-9][0-9]-*.ipynb"), *HERE.glob("exercises/*.ipynb")]
    committed += HERE.glob("solutions/*.ipynb")
    orphans = sorted(set(committed) - set(generated))
    for path in orphans:
        print(f"{path.relative_to(HERE)} has no source in src/: delete it or add its source")
    return 1 if orphans or (check and stale) else 0


def _same(path: Path, wanted: str) -> bool:
    return path.exists() and path.read_text(encoding="utf-8") == wanted


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
