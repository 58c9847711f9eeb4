"""The report batch: one load, exports, determinism, selection flags, failures and Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import NOTEBOOK_CORPUS
from nbformat.v4 import new_code_cell, new_notebook, new_output

from analysis import config, report
from analysis.__main__ import main
from analysis.errors import InputError
from analysis.report import exports, kernels, render
from analysis.report.context import KINDS, WARNING_ATTRIBUTE
from analysis.schema import KINDS as SCHEMA_KINDS

# --- CSV injection ------------------------------------------------------------------------


def test_text_cells_that_spreadsheets_run_are_defused_and_numbers_stay_numbers():
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "+31 6", "-3 drones", "@SUM(A1)", "\tTAB", "\rCR", "plain, quoted"],
            "count": [-3, 1, 2, 3, 4, 5, 6],
            "share": [-0.5, 0.0, 1.5, 2.0, 3.0, 4.0, 5.0],
        }
    )
    assert exports.csv_bytes(frame).decode("utf-8") == (
        "text,count,share\n"
        "'=1+1,-3,-0.5\n"
        "'+31 6,1,0.0\n"
        "'-3 drones,2,1.5\n"
        "'@SUM(A1),3,2.0\n"
        "'\tTAB,4,3.0\n"
        '"\'\nCR",5,4.0\n'
        '"plain, quoted",6,5.0\n'
    )


def test_column_names_and_string_dtype_columns_are_defused_too():
    frame = pd.DataFrame({"=cmd": pd.Series(["-x", None, "y"], dtype="string"), "n": [1, 2, 3]})
    assert exports.csv_bytes(frame).decode() == "'=cmd,n\n'-x,1\n,2\ny,3\n"


def test_the_command_line_csv_is_defused(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Title\n\n=HYPERLINK(evil) NATO met.\n")
    assert main(["evidence", str(corpus), "--entity", "NATO"]) == 0
    rows = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert rows["sentence"].tolist() == ["'=HYPERLINK(evil) NATO met."]
    assert rows["start"].tolist() == [17]  # numbers stay numbers


# --- exports ------------------------------------------------------------------------------


def test_export_frame_writes_csv_and_parquet_and_links_them(tmp_path):
    folder = tmp_path / "mentions-over-time"
    frame = pd.DataFrame({"entity": ["NATO", "=evil"], "mentions": [3, 1]})
    link = exports.export_frame(frame, "top", folder, parquet=True).markup
    assert '<a href="mentions-over-time/top.csv">top.csv</a>' in link
    assert '<a href="mentions-over-time/top.parquet">top.parquet</a>' in link
    assert "(2 rows)" in link
    assert (folder / "top.csv").read_text() == "entity,mentions\nNATO,3\n'=evil,1\n"
    assert pd.read_parquet(folder / "top.parquet")["entity"].tolist() == ["NATO", "=evil"]


def test_export_frame_writes_parquet_only_for_large_frames(tmp_path):
    exports.export_frame(pd.DataFrame({"a": [1, 2]}), "small", tmp_path)
    exports.export_frame(pd.DataFrame({"a": range(exports.PARQUET_ROWS + 1)}), "large", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["large.csv", "large.parquet", "small.csv"]


def test_export_frame_without_a_folder_writes_nothing_and_refuses_bad_names(tmp_path):
    assert exports.export_frame(pd.DataFrame({"a": [1]}), "x", "").markup == ""
    with pytest.raises(ValueError, match="not a file name"):
        exports.export_frame(pd.DataFrame({"a": [1]}), "../escape", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_with_data_embeds_a_png_and_puts_the_link_under_it():
    from IPython.display import Image

    png = bytes.fromhex("89504e470d0a1a0a")  # a PNG signature is enough for the markup
    markup = exports.with_data(
        Image(data=png, format="png", width=640, height=320),
        report.Html('<p class="nm-data">data</p>'),
    ).markup
    assert markup == (
        '<div class="nm-chart"><img src="data:image/png;base64,iVBORw0KGgo=" width="640" '
        'height="320" alt="chart"><p class="nm-data">data</p></div>'
    )


# --- the selection: values that match nothing are said and marked -------------------------


def test_kinds_agree_with_the_schema():
    assert KINDS == SCHEMA_KINDS


def test_a_kind_or_entity_that_matches_nothing_is_named():
    context = report.report_context(
        str(NOTEBOOK_CORPUS), kinds=["tank", "weapon"], entities=["typo", "Patriot"]
    )
    assert context.unmatched == [
        "kinds: 'tank' is not a kind (use actor or weapon)",
        "entities: 'typo' matched nothing (no such entity or spelling in the gazetteer)",
    ]
    banner = context.warning().markup
    assert f'{WARNING_ATTRIBUTE}="kinds: &#x27;tank&#x27; is not a kind' in banner
    assert "Part of this selection matched nothing" in context.summary().markup


def test_a_known_entity_without_mentions_in_the_window_is_named():
    context = report.report_context(str(NOTEBOOK_CORPUS), entities=["Javelin"], end="2025-07-20")
    assert context.unmatched == [
        "entities: 'Javelin' matched nothing (no mentions in this selection)"
    ]


def test_a_full_selection_has_no_warning():
    context = report.report_context(str(NOTEBOOK_CORPUS))
    assert context.unmatched == [] and context.warning().markup == ""


def test_the_renderer_reads_the_marked_warning_from_the_outputs():
    cell = new_code_cell("ctx.summary()")
    cell.outputs = [
        new_output(
            "execute_result",
            data={"text/html": f'<div {WARNING_ATTRIBUTE}="kinds: &#x27;tank&#x27; is not">'},
            execution_count=1,
        )
    ]
    assert render._selection_warnings(new_notebook(cells=[cell])) == ["kinds: 'tank' is not"]


def test_class_entities_are_out_of_the_top_lists_unless_asked_for():
    # hand-made: three mentions of the class "Weapons (generic)", two of the Patriot system
    mentions = pd.DataFrame(
        {
            "doc_id": ["a"] * 5,
            "entity_id": ["weapons"] * 3 + ["patriot"] * 2,
            "entity": ["Weapons (generic)"] * 3 + ["Patriot (MIM-104)"] * 2,
            "kind": ["weapon"] * 5,
        }
    )
    context = report.report_context(str(NOTEBOOK_CORPUS))
    assert "weapons" in context.class_ids and "patriot" not in context.class_ids
    context.mentions = mentions
    assert context.top_entities(1) == ["Patriot (MIM-104)"]
    context.include_classes = True
    assert context.top_entities(1) == ["Weapons (generic)"]


# --- nothing to load: refused before anything renders -------------------------------------


@pytest.fixture
def unloadable(tmp_path) -> Path:
    folder = tmp_path / "unloadable"
    folder.mkdir()
    for name in ("a.exe", "b.exe", "c.bin"):
        (folder / name).write_bytes(b"\x00\x01binary")
    return folder


def test_require_documents_names_the_source_and_commonest_reasons():
    empty = pd.DataFrame({"doc_id": []})
    empty.attrs["excluded"] = [
        {"path": "a", "row": None, "reason": "unsupported file type '.exe'"},
        {"path": "b", "row": None, "reason": "unsupported file type '.exe'"},
        {"path": "c", "row": None, "reason": "empty file"},
    ]
    with pytest.raises(InputError) as caught:
        render.require_documents(empty, "news/")
    assert str(caught.value) == (
        "news/: no loadable documents (3 input(s) excluded; commonest reasons: "
        "unsupported file type '.exe' (2); empty file (1))"
    )
    with pytest.raises(InputError, match="no input files found"):
        render.require_documents(pd.DataFrame({"doc_id": []}), "empty/")


@pytest.mark.parametrize("command", ["mentions", "timeline", "report"])
def test_commands_refuse_a_source_with_no_loadable_document(unloadable, tmp_path, capsys, command):
    out = tmp_path / "out"
    argv = [command, str(unloadable)] + (["--out", str(out)] if command == "report" else [])
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert f"{unloadable}: no loadable documents (3 input(s) excluded" in error
    assert not out.exists()


# --- the output folder's lock ---------------------------------------------------------------


def test_a_live_lock_is_refused_and_a_stale_one_taken_over(tmp_path):
    lock = tmp_path / render.LOCK_NAME
    lock.write_text(f"{os.getpid()}\n")  # this process is alive
    with pytest.raises(InputError, match=rf"another report run \(pid {os.getpid()}\)"):
        with render.output_lock(tmp_path):
            pass
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    lock.write_text(finished.stdout)  # that process is gone: the lock is stale
    with render.output_lock(tmp_path) as held:
        assert held.read_text() == f"{os.getpid()}\n"
    assert not lock.exists()


def test_report_refuses_an_output_folder_in_use(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / render.LOCK_NAME).write_text(f"{os.getpid()}\n")
    assert main(["report", str(NOTEBOOK_CORPUS), "--out", str(out)]) == 2
    assert "is writing here" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [render.LOCK_NAME]


# --- command-line selection -----------------------------------------------------------------


def test_selection_flags_reach_every_declaring_notebook(tmp_path):
    spec = report.ReportSpec(name="r", notebook="n.ipynb", title="R", parameters={"freq": "W"})
    chosen = render._check_selection(
        {"freq": "M", "kinds": ["weapon"], "top_n": 3, "include_classes": True, "start": None}
    )
    declared = {"corpus", "freq", "kinds", "top_n", "include_classes", "store", "exports"}
    parameters = render._notebook_parameters(
        spec, declared, {"corpus": "/c", "metadata": None}, chosen, {"store": "/s"}, tmp_path
    )
    assert parameters == {
        "freq": "M",
        "corpus": "/c",
        "kinds": ["weapon"],
        "top_n": 3,
        "include_classes": True,
        "store": "/s",
        "exports": str(tmp_path / "r"),
    }
    with pytest.raises(InputError, match="top_n"):
        render._check_selection({"top_n": 0})


def test_report_help_lists_the_selection_flags(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    shown = capsys.readouterr().out
    for flag in (
        "--freq",
        "--start",
        "--end",
        "--entities",
        "--kinds",
        "--top-n",
        "--include-classes",
    ):
        assert flag in shown


# --- a real batch on the fixture corpus, rendered twice ------------------------------------

BATCH = """
defaults: {freq: W, normalize: per_1k_words, top_n: 8}
reports:
  - {name: over-time, notebook: 02-mentions-over-time.ipynb, title: Over time}
  - {name: actors-and-weapons, notebook: 03-actors-and-weapons.ipynb, title: Actors}
  - {name: tanks, notebook: 02-mentions-over-time.ipynb, title: Tanks,
     parameters: {kinds: [tank], entities: [typo]}}
"""
FOOTER_TIME = re.compile(r"rendered at</th><td>[^<]*</td>")
DURATION = re.compile(r"<td>[0-9.]+ s</td>")


@pytest.fixture(scope="module")
def batches(tmp_path_factory) -> tuple[Path, Path, list[report.ReportResult]]:
    folder = tmp_path_factory.mktemp("batch")
    registry = folder / "reports.yml"
    registry.write_text(BATCH)
    results = []
    for name in ("first", "second"):
        results = report.render_reports(
            NOTEBOOK_CORPUS,
            registry=registry,
            out=folder / name,
            jobs=2,
            notebooks_dir=config.NOTEBOOKS_DIR,
        )
    return folder / "first", folder / "second", results


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.notebooks
def test_two_renders_differ_only_in_the_footer_time_and_the_durations(batches):
    first, second, _ = batches
    one, two = _files(first), _files(second)
    assert one.keys() == two.keys()
    for name in one:
        if one[name] == two[name]:
            continue
        assert name.endswith(".html"), f"{name} differs between two renders"
        a, b = (FOOTER_TIME.sub("", DURATION.sub("", files[name].decode())) for files in (one, two))
        assert a == b, f"{name} differs beyond the footer's time and the index's durations"


@pytest.mark.notebooks
def test_every_report_has_its_data_folder_linked_from_page_and_index(batches):
    first, _, results = batches
    assert [(r.spec.name, r.status) for r in results][:2] == [
        ("over-time", "ok"),
        ("actors-and-weapons", "ok"),
    ]
    index = (first / "index.html").read_text()
    for result in results:
        folder = first / result.spec.name
        page = result.path.read_text()
        assert (folder / "mentions.csv").is_file()
        assert f'href="{result.spec.name}/"' in index
        for link in re.findall(rf'href="{result.spec.name}/([^"]+)"', page):
            assert (folder / link).is_file(), link
    over_time = (first / "over-time.html").read_text()
    for name in ("mentions-over-time.csv", "entity-by-period.csv", "evidence.csv"):
        assert f'href="over-time/{name}"' in over_time
    actors = (first / "actors-and-weapons.html").read_text()
    for name in ("top-entities.csv", "actions.csv", "pairs.csv", "tone.csv"):
        assert f'href="actors-and-weapons/{name}"' in actors
    assert not list(first.glob(".*")), "no lock or staging folder left behind"


@pytest.mark.notebooks
def test_the_exported_mentions_are_the_reports_mentions(batches):
    first, _, _ = batches
    exported = pd.read_csv(first / "over-time" / "mentions.csv")
    expected = report.report_context(str(NOTEBOOK_CORPUS)).mentions
    assert len(exported) == len(expected)
    assert sorted(exported["entity_id"]) == sorted(expected["entity_id"])


@pytest.mark.notebooks
def test_a_selection_that_matches_nothing_is_marked_not_ok(batches):
    first, _, results = batches
    tanks = results[2]
    assert tanks.status == "warning"
    assert "kinds: 'tank' is not a kind" in tanks.error
    assert "entities: 'typo' matched nothing" in tanks.error
    index = (first / "index.html").read_text()
    assert "3 reports, 1 warning" in index and 'class="status-warning"' in index
    assert "Part of this selection matched nothing" in tanks.path.read_text()


# --- Ctrl-C ---------------------------------------------------------------------------------


def _sleepy_registry(folder: Path) -> Path:
    parameters = new_code_cell('corpus: str = ""  # the corpus')
    parameters.metadata["tags"] = ["parameters"]
    notebook = new_notebook(
        cells=[new_code_cell("import time"), parameters, new_code_cell("time.sleep(120)")]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, folder / "sleepy.ipynb")
    registry = folder / "reports.yml"
    registry.write_text(
        "reports:\n" + "".join(f"  - {{name: s{i}, notebook: sleepy.ipynb}}\n" for i in range(4))
    )
    return registry


@pytest.mark.notebooks
def test_ctrl_c_kills_the_kernels_writes_the_index_and_exits_130(tmp_path):
    psutil = pytest.importorskip("psutil")
    registry = _sleepy_registry(tmp_path)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "analysis",
            "report",
            str(NOTEBOOK_CORPUS),
            "--config",
            str(registry),
            "--out",
            str(out),
            "--jobs",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CI": "true"},
    )
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 120
    kernels_seen: list = []
    while time.monotonic() < deadline and len(kernels_seen) < 2:
        kernels_seen = [
            p for p in parent.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())
        ]
        time.sleep(0.5)
    assert len(kernels_seen) == 2, "two kernels should have started"
    time.sleep(2)  # the cells are sleeping now
    interrupted_at = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert time.monotonic() - interrupted_at < 20
    assert "interrupted: 0 of 4 reports rendered" in stderr
    psutil.wait_procs(kernels_seen, timeout=10)
    assert not [p for p in kernels_seen if p.is_running()], "kernels left running"
    index = (out / "index.html").read_text()
    assert index.count('class="status-interrupted"') == 4
    assert "interrupted (Ctrl-C) before it started" in index
    assert not (out / render.LOCK_NAME).exists()


def test_no_kernel_starts_once_the_batch_is_stopped():
    import asyncio

    kernels.kill_all()
    try:
        with pytest.raises(kernels.KernelsStopped):
            asyncio.run(kernels.PatientKernelManager(kernel_name="python3").start_kernel())
    finally:
        kernels.allow_starts()


# --- an all-undated corpus ------------------------------------------------------------------


def test_an_all_undated_corpus_gives_a_summary_and_charts_not_a_traceback(tmp_path):
    from analysis.plots import plot_corpus_size, plot_timeline_with_corpus, show

    folder = tmp_path / "undated"
    folder.mkdir()
    (folder / "a.txt").write_text("Ukraine asks for Patriot systems.\n\nNATO meets.\n")
    (folder / "b.txt").write_text("NATO discusses HIMARS for Ukraine.\n")
    context = report.report_context(str(folder))
    assert "2</strong> selected (none dated, 2 undated)" in context.summary().markup
    for figure, data in (
        (plot_corpus_size(context.corpus_size), context.corpus_size),
        (plot_timeline_with_corpus(context.series, context.corpus_size), context.series),
    ):
        assert context.chart(show(figure), data, "chart").markup.startswith(
            '<div class="nm-chart">'
        )


@pytest.mark.notebooks
def test_reports_sharing_a_kernel_do_not_see_each_others_variables(tmp_path):
    def notebook(name: str, body: str) -> None:
        parameters = new_code_cell('corpus: str = ""  # the corpus')
        parameters.metadata["tags"] = ["parameters"]
        made = new_notebook(cells=[new_code_cell("import os"), parameters, new_code_cell(body)])
        made.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(made, tmp_path / name)

    notebook("set.ipynb", "leak = 'from the first report'\nprint(os.getpid())")
    notebook("look.ipynb", "print('leak' in dir(), os.getpid())")
    registry = tmp_path / "reports.yml"
    registry.write_text(
        "reports:\n"
        "  - {name: first, notebook: set.ipynb}\n"
        "  - {name: second, notebook: look.ipynb}\n"
    )
    results = report.render_reports(
        NOTEBOOK_CORPUS, registry=registry, out=tmp_path / "out", jobs=1
    )  # one kernel (a small corpus gets two by default)
    assert [result.status for result in results] == ["ok", "ok"]
    first = re.search(r"<pre>(\d+)", results[0].path.read_text()).group(1)
    assert f"False {first}" in results[1].path.read_text()  # same kernel, clean namespace
