"""The teaching notebooks (notebooks/teaching/): hygiene, shape, exercises without their answers,
execution with papermill on the seeds, and the helpers of analysis/teaching.py."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import config, teaching
from analysis.errors import InputError

FOLDER = teaching.TEACHING_DIR
LESSONS = sorted(FOLDER.glob("[0-9][0-9]-*.ipynb"))
EXERCISES = sorted((FOLDER / "exercises").glob("*.ipynb"))
SOLUTIONS = sorted((FOLDER / "solutions").glob("*.ipynb"))
NOTEBOOKS = LESSONS + EXERCISES + SOLUTIONS
IDS = [
    f"{path.parent.name}/{path.stem}" if path.parent != FOLDER else path.stem for path in NOTEBOOKS
]
EDITABLE = LESSONS + EXERCISES
EDITABLE_IDS = IDS[: len(EDITABLE)]
SOURCES = sorted((FOLDER / "src").glob("*.py"))  # the py:percent files build.py reads
TAGS = {"parameters", "answer", "exercise", "solution", "hint"}  # see notebooks/teaching/README.md


def read(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    return notebook


def code_cells(notebook: nbformat.NotebookNode) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def without_comments(source: str) -> str:
    lines = [line.split("#", 1)[0].rstrip() for line in source.splitlines()]
    return "\n".join(line for line in lines if line.strip())


def solution_of(exercise: Path) -> Path:
    return FOLDER / "solutions" / exercise.name.replace("-exercises.ipynb", "-solutions.ipynb")


# --- the set of notebooks -----------------------------------------------------------------------


def test_four_lessons_each_with_exercises_and_solutions():
    names = [path.stem for path in LESSONS]
    assert names == [
        "01-from-words-to-mentions",
        "02-counting-over-time",
        "03-reading-the-evidence",
        "04-tone-and-its-limits",
    ]
    assert [path.stem for path in EXERCISES] == [f"{name}-exercises" for name in names]
    for exercise in EXERCISES:
        assert solution_of(exercise).exists(), f"no solution notebook for {exercise.name}"
    assert len(SOLUTIONS) == len(EXERCISES)
    assert (FOLDER / "README.md").exists()


def load_build() -> types.ModuleType:
    """notebooks/teaching/build.py as a module; exec rather than import: no __pycache__ folder
    appears beside the notebooks."""
    source = FOLDER / "build.py"
    build = types.ModuleType("teaching_build")
    build.__file__ = str(source)
    exec(compile(source.read_text(encoding="utf-8"), str(source), "exec"), build.__dict__)
    return build


def test_the_notebooks_are_what_build_py_writes():
    build = load_build()
    generated = build.notebooks()
    assert sorted(generated) == sorted(NOTEBOOKS), "a notebook was added or removed by hand"
    for path, expected in generated.items():
        committed = read(path)
        shape = [(c.cell_type, c.source, tags(c), c.get("id")) for c in committed.cells]
        wanted = [(c.cell_type, c.source, tags(c), c.get("id")) for c in expected.cells]
        assert shape == wanted, (
            f"{path.name} differs from its source: run notebooks/teaching/build.py"
        )
        assert path.read_text(encoding="utf-8") == build.text(expected), (
            f"{path.name} is not written as build.py writes it: run notebooks/teaching/build.py"
        )


def test_build_py_check_names_a_stale_notebook(tmp_path):
    script = FOLDER / "build.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The same check on a copy whose lesson 1 was edited by hand, as in JupyterLab.
    copy = tmp_path / "teaching"
    (copy / "src").mkdir(parents=True)
    (copy / "build.py").write_bytes(script.read_bytes())
    for source in SOURCES:
        (copy / "src" / source.name).write_bytes(source.read_bytes())
    assert subprocess.run([sys.executable, str(copy / "build.py")], check=False).returncode == 0
    lesson = copy / LESSONS[0].name
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("Lesson 1", "Lesson one", 1))
    done = subprocess.run(
        [sys.executable, str(copy / "build.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and done.stdout.split() == [
        LESSONS[0].name,
        *"differs from its source: run build.py".split(),
    ]


# --- the py:percent sources ---------------------------------------------------------------------


def kept_for(cells: list, variant: str) -> list:
    """What a notebook holds of its source: as nbconvert's TagRemovePreprocessor would, the
    cells tagged with the other variant go; the variant tags go too, and the front matter."""
    other = {"exercise": "solution", "solution": "exercise"}.get(variant)
    return [
        (c.cell_type, c.source, [t for t in tags(c) if t not in ("exercise", "solution")])
        for c in cells
        if c.cell_type != "raw" and other not in tags(c)
    ]


def test_every_notebook_has_one_source():
    names = sorted(source.stem for source in SOURCES)
    wanted = sorted([path.stem for path in LESSONS] + [path.stem for path in EXERCISES])
    assert names == wanted, "one py:percent file per lesson and per exercise set, in src/"


@pytest.mark.parametrize("source", SOURCES, ids=[source.stem for source in SOURCES])
def test_every_source_is_a_percent_file_paired_with_its_notebooks(source):
    import jupytext

    text = source.read_text(encoding="utf-8")
    notebook = jupytext.reads(text, fmt="py:percent")
    header = notebook.metadata["jupytext"]["text_representation"]
    assert (header["extension"], header["format_name"]) == (".py", "percent")
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    # Saving it again (JupyterLab with jupytext does) writes the same text: nothing moves.
    version = re.compile(r"^#\s+jupytext_version: .*\n", flags=re.MULTILINE)
    again = jupytext.writes(notebook, fmt="py:percent")
    assert version.sub("", again) == version.sub("", text), "not as jupytext writes it"
    # The front matter (a raw cell for jupytext) comes first and is the only raw cell.
    raw = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "raw"]
    assert raw in ([], [0])
    assert all(set(tags(cell)) <= TAGS for cell in notebook.cells), "an unknown tag"
    # Reading the .py and reading its .ipynb give the same cells.
    if source.stem.endswith("-exercises"):
        name = source.stem.removesuffix("-exercises")
        paired = {
            "exercise": FOLDER / "exercises" / f"{name}-exercises.ipynb",
            "solution": FOLDER / "solutions" / f"{name}-solutions.ipynb",
        }
        for variant in ("exercise", "solution"):
            assert any(variant in tags(cell) for cell in notebook.cells)
    else:
        paired = {"": FOLDER / f"{source.stem}.ipynb"}
        assert not any({"exercise", "solution", "answer"} & set(tags(c)) for c in notebook.cells)
    for variant, path in paired.items():
        cells = jupytext.read(path).cells
        assert [(c.cell_type, c.source, tags(c)) for c in cells] == kept_for(
            notebook.cells, variant
        ), f"{source.name} and {path.name} differ: run notebooks/teaching/build.py"
    # Lines fit the project's 100 columns, except the parameters' comments (one line each).
    parameters = [cell.source for cell in notebook.cells if "parameters" in tags(cell)]
    long = [
        line
        for line in text.splitlines()
        if len(line) > 100 and not any(line in cell.splitlines() for cell in parameters)
    ]
    assert not long, f"wrap these lines at 100 characters: {long}"


# --- hygiene ------------------------------------------------------------------------------------


# No outputs, no logic in cells: tests/test_notebooks.py checks every notebook, these too.


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_at_most_one_parameters_cell_right_after_the_imports(path):
    import papermill

    cells = code_cells(read(path))
    imports = ast.parse(cells[0].source)
    assert imports.body and all(
        isinstance(node, ast.Import | ast.ImportFrom) for node in imports.body
    ), "the first code cell holds only imports"
    tagged = [i for i, cell in enumerate(cells) if "parameters" in tags(cell)]
    assert tagged in ([], [1]), "one cell tagged 'parameters', the second code cell, if any"
    if tagged:
        tree = ast.parse(cells[1].source)
        for node in tree.body:
            assert isinstance(node, ast.AnnAssign), ast.unparse(node)
            ast.literal_eval(node.value)  # literals only: papermill does not recompute anything
        assert all("  # " in line for line in cells[1].source.splitlines()), "uncommented"
        assert len(papermill.inspect_notebook(str(path))) == len(tree.body)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_is_introduced_by_a_sentence(path):
    cells = read(path).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    for index, cell in enumerate(cells):
        if cell.cell_type != "code" or index == 1 or "parameters" in tags(cell):
            continue
        before = cells[index - 1]
        assert before.cell_type == "markdown" and before.source.strip(), cell.source[:60]


@pytest.mark.parametrize("path", EDITABLE, ids=EDITABLE_IDS)
def test_learners_know_which_cells_to_edit(path):
    assert any("# CHANGE THIS" in cell.source for cell in code_cells(read(path)))


@pytest.mark.parametrize("path", LESSONS, ids=[path.stem for path in LESSONS])
def test_lessons_have_goals_numbered_sections_and_say_what_to_notice(path):
    cells = read(path).cells
    assert "**Learning goals.**" in cells[0].source
    numbers = [
        int(match)
        for cell in cells
        if cell.cell_type == "markdown"
        for match in re.findall(r"^## (\d+)\. ", cell.source, flags=re.MULTILINE)
    ]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 4
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and "show(" in cell.source:
            after = cells[index + 1]
            assert after.cell_type == "markdown" and "What to notice" in after.source, (
                f"no 'what to notice' after the chart of: {cell.source[:60]}"
            )


# --- exercises and solutions --------------------------------------------------------------------


@pytest.mark.parametrize("path", EXERCISES, ids=[path.stem for path in EXERCISES])
def test_exercises_hold_no_solution_code(path):
    exercise, solution = read(path), read(solution_of(path))
    answers = [cell for cell in code_cells(exercise) if "answer" in tags(cell)]
    solved = [cell for cell in code_cells(solution) if "answer" in tags(cell)]
    headings = [
        line
        for cell in exercise.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("### Exercise")
    ]
    assert len(headings) >= 4 and len(answers) == len(headings) == len(solved)
    for cell in answers:
        assert without_comments(cell.source) == "...", f"solution code in {path.name}"
        assert "# CHANGE THIS" in cell.source
    for cell in solved:
        code = without_comments(cell.source)
        assert code and "..." not in code, f"an unsolved exercise in {solution_of(path).name}"
    # The solution repeats every cell of the exercise except the answers, in the same order.
    exercise_rest = [c.source for c in exercise.cells[1:] if "answer" not in tags(c)]
    solution_rest = [c.source for c in solution.cells[1:] if "answer" not in tags(c)]
    remaining = iter(solution_rest)
    assert all(any(source == other for other in remaining) for source in exercise_rest)


PANDAS_METHODS = {"loc", "iloc", "value_counts", "sum", "max", "min", "groupby", "query", "isin"}


def needs_pandas(code: str) -> bool:
    """An answer that indexes a frame or calls one of its methods (not one of our functions)."""
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Subscript):
            return True
        if isinstance(node, ast.Attribute) and node.attr in PANDAS_METHODS:
            return True
    return False


def skeleton(source: str) -> str:
    """The commented-out skeleton of an exercise cell (after its "Skeleton:" note), uncommented."""
    lines = source.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("# Skeleton:")]
    if not starts:
        return ""
    body = [line for line in lines[starts[0] + 2 :] if line.startswith("#")]
    return "\n".join(line[2:] if line.startswith("# ") else line[1:] for line in body)


def compact(code: str) -> str:
    return re.sub(r",([)\]}])", r"\1", re.sub(r"\s", "", code))


@pytest.mark.parametrize("path", EXERCISES, ids=[path.stem for path in EXERCISES])
def test_every_exercise_has_a_hint_and_a_skeleton_where_it_needs_pandas(path):
    cells = read(path).cells
    solved = [c for c in code_cells(read(solution_of(path))) if "answer" in tags(c)]
    answers = [i for i, cell in enumerate(cells) if "answer" in tags(cell)]
    assert len(answers) == len(solved) >= 4
    with_skeleton = 0
    for index, solution in zip(answers, solved, strict=True):
        exercise, hint = cells[index], cells[index - 1]
        assert "hint" in tags(hint) and hint.cell_type == "markdown", exercise.source[:60]
        assert hint.source.startswith("<details><summary><b>Hint</b>")
        assert hint.source.endswith("</details>") and len(hint.source) > 80
        code = skeleton(exercise.source)
        if code:
            with_skeleton += 1
            assert "___" in code
            ast.parse(code)  # blanks are names: the skeleton is Python once uncommented
        if needs_pandas(solution.source):
            assert code, f"a skeleton with blanks for: {solution.source[:60]}"
            # Filling in the blanks gives the solution (spaces and trailing commas aside).
            pattern = ".+?".join(re.escape(part) for part in compact(code).split("___"))
            assert re.fullmatch(pattern, compact(solution.source)), code
    assert with_skeleton >= 2


# --- execution ----------------------------------------------------------------------------------


def execute(path: Path, output: Path, **parameters) -> nbformat.NotebookNode:
    import papermill

    from analysis.report import papermill_options

    papermill.execute_notebook(
        str(path), str(output), parameters=parameters, **papermill_options(path)
    )
    return read(output)


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_offline_on_the_seeds(path, tmp_path):
    executed = execute(path, tmp_path / path.name)
    outputs = [output for cell in code_cells(executed) for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    kinds = {key for o in outputs for key in o.get("data", {})}
    if path not in EXERCISES:  # an exercise shows little until the learner writes the answers
        assert "text/html" in kinds
    if path in LESSONS[1:]:
        assert "image/png" in kinds


@pytest.mark.notebooks
@pytest.mark.corpus
def test_a_lesson_runs_on_the_white_house_slice(whitehouse_path, tmp_path):
    path = FOLDER / "02-counting-over-time.ipynb"
    executed = execute(path, tmp_path / path.name, corpus="whitehouse")
    outputs = [output for cell in code_cells(executed) for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = " ".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "836 documents" in text


# --- analysis/teaching.py -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds():
    from analysis.mentions import find_mentions

    documents = teaching.lesson_corpus()
    return documents, find_mentions(documents)


def test_lesson_corpus_is_the_seeds_and_keeps_undated_documents_in_a_slice():
    documents = teaching.lesson_corpus()
    assert len(documents) == 3 and documents["date"].isna().sum() == 1
    sliced = teaching.lesson_corpus(start="2025-08-01")
    assert sorted(sliced["doc_id"]) == ["001_d3b8822e1668d5c1", "002_b5b864fe14bd4250"]


def test_lesson_corpus_says_when_the_white_house_corpus_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "WHITEHOUSE_CORPUS", tmp_path / "absent.jsonl.gz")
    with pytest.raises(InputError, match="not on this machine"):
        teaching.lesson_corpus("whitehouse")


def test_lesson_corpus_reads_other_corpora_and_refuses_an_empty_slice(tmp_path):
    table = tmp_path / "articles.csv"
    table.write_text("id,date,text\na,2025-01-02,NATO met.\nb,2025-03-04,Kyiv waited.\n")
    assert teaching.lesson_corpus(str(table), end="2025-01-31")["doc_id"].tolist() == ["a"]
    with pytest.raises(InputError, match="no documents"):
        teaching.lesson_corpus(str(table), start="2030-01-01")


def test_lesson_corpus_takes_a_corpus_by_url():
    import fsspec

    memory = fsspec.filesystem("memory")
    memory.pipe("/lesson-url/articles.csv", b"id,date,text\na,2025-01-02,NATO met.\n")
    try:
        documents = teaching.lesson_corpus("memory://lesson-url/articles.csv")
        assert documents["doc_id"].tolist() == ["a"]
        assert documents["text"].tolist() == ["NATO met."]
    finally:
        memory.rm("/lesson-url", recursive=True)


def test_token_counts_are_naive_on_purpose():
    documents = teaching.example_documents(["It helps us. The US and the U.S. said: US, us."])
    counts = teaching.token_counts(documents, ["US", "U.S.", "air defense"]).set_index("word")
    assert counts.loc["US"].tolist() == [2, 4]  # "us" twice more when case is ignored
    assert counts.loc["U.S."].tolist() == [1, 1]
    assert counts.loc["air defense"].tolist() == [0, 0]


def test_example_documents_and_highlight_escape_article_text():
    from analysis.mentions import extract

    documents = teaching.example_documents(
        ["<script>alert(1)</script> Trump backed the Patriot Act.", "Trump", "Trump"]
    )
    assert documents["doc_id"].tolist() == ["example-1", "example-2", "example-3"]
    result = extract(documents)
    markup = teaching.highlight(documents, result.mentions, excluded=result.excluded).markup
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert markup.count("<mark") == 3  # identical examples are two examples, not duplicates
    assert "excluded: Patriot Act" in markup
    with pytest.raises(InputError, match="no document"):
        teaching.highlight(documents, result.mentions, "nope")


def test_gazetteer_additions_and_compare_counts(seeds):
    from analysis.mentions import find_mentions

    documents, mentions = seeds
    fixed = teaching.gazetteer_with({"id": "munitions", "aliases": ["ammunication"]})
    table = teaching.compare_counts(mentions, find_mentions(documents, fixed))
    assert table[["entity_id", "before", "after", "change"]].values.tolist() == [
        ["munitions", 1, 2, 1]
    ]


def test_normalisation_table_matches_the_timeline(seeds):
    documents, mentions = seeds
    table = teaching.normalisation_table(mentions, documents, "Ukraine", freq="M")
    assert table["mentions"].tolist() == [7, 8, 10]
    assert table["per_1k_words"].tolist() == [
        round(7 / 468 * 1000, 2),
        round(8 / 480 * 1000, 2),
        round(10 / 389 * 1000, 2),
    ]
    assert table["undated"].tolist() == [False, False, True]
    guessed = teaching.pretend_dated(documents, "2025-08-21")
    assert guessed["date"].notna().all()
    assert guessed.loc[documents["date"].notna(), "date"].equals(
        documents.loc[documents["date"].notna(), "date"]
    )


def test_value_at_peak_and_a_helpful_error(seeds):
    from analysis.timeline import mentions_over_time

    documents, mentions = seeds
    series = mentions_over_time(mentions, documents, freq="M")
    assert teaching.value_at(series, "Donald Trump", "2025-08")["mentions"].tolist() == [6]
    assert teaching.value_at(series, "donald-trump", "undated")["mentions"].tolist() == [10]
    top = teaching.peak(series)
    assert (top["entity"].iloc[0], top["mentions"].iloc[0]) == ("United States", 12)
    with pytest.raises(InputError, match="did you mean"):
        teaching.value_at(series, "Donald Trum", "2025-08")


def test_tone_sentences_are_the_sentences_behind_tone(seeds):
    from analysis import tone

    documents, mentions = seeds
    by_entity = tone(mentions, documents).set_index("entity_id")
    for entity_id in ["ukraine", "donald-trump", "zelensky", "vladimir-putin", "patriot"]:
        rows = teaching.tone_sentences(mentions, documents, entity_id)
        assert len(rows) == by_entity.loc[entity_id, "n_sentences"]
        assert rows["compound"].mean() == pytest.approx(by_entity.loc[entity_id, "compound"])


def test_explain_tone_lists_the_lexicon_words():
    table = teaching.explain_tone(["NATO will send weapons to Ukraine.", "Ukraine is here."])
    assert table["label"].tolist() == ["negative", "neutral"]
    assert table["words"].tolist() == ["weapons -1.9", ""]
    assert isinstance(table, pd.DataFrame)
