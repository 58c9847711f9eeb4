"""The report pipeline: registry, escaping, hashes, footer, index, failures and the command."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import config, report
from analysis.__main__ import main
from analysis.errors import InputError

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "notebook_corpus"
XSS = "<script>alert(1)</script>"


# --- registry -----------------------------------------------------------------------------


def test_default_registry_names_existing_notebooks_and_expands_batches():
    specs = report.load_registry()
    names = [spec.name for spec in specs]
    assert len(names) == len(set(names))
    assert {"corpus-overview", "mentions-actors", "mentions-weapons"} <= set(names)
    for spec in specs:
        assert (config.NOTEBOOKS_DIR / spec.notebook).exists(), spec.notebook
    actors = next(spec for spec in specs if spec.name == "mentions-actors")
    assert actors.parameters["kinds"] == ["actor"]
    assert actors.parameters["freq"] == "auto"  # from defaults: chosen from the span


def write_registry(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reports.yml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reports: 3\n", "field 'reports'"),
        ("reports:\n  - name: a\n", r"report 1: field 'notebook' is missing"),
        ("reports:\n  - {name: a, notebook: x.ipynb, colour: red}\n", "unknown field"),
        ("reports:\n  - {name: 'a b', notebook: x.ipynb}\n", "not a file name"),
        (
            "reports:\n  - {name: a, notebook: x.ipynb}\n  - {name: a, notebook: y.ipynb}\n",
            "'a' is used twice",
        ),
        ("reports:\n  - {name: a, notebook: x.ipynb, batch: [{title: t}]}\n", "batch item 1"),
    ],
)
def test_registry_errors_name_the_file_and_entry(tmp_path, text, message):
    path = write_registry(tmp_path, text)
    with pytest.raises(InputError, match=message) as caught:
        report.load_registry(path)
    assert str(path) in str(caught.value)


# --- HTML pieces --------------------------------------------------------------------------


def test_html_table_escapes_every_cell():
    frame = pd.DataFrame({"title": [XSS, "<img src=x onerror=alert(1)>"], "n_words": [1200, 3]})
    markup = report.html_table(frame).markup
    assert XSS not in markup and "<img src=x" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "1,200" in markup


def test_html_table_says_how_many_rows_were_left_out():
    markup = report.html_table(pd.DataFrame({"a": range(10)}), limit=3).markup
    assert "showing 3 of 10 rows" in markup
    assert markup.count("<tr>") == 4  # header + 3


def test_kwic_table_columns_and_escaping():
    evidence = pd.DataFrame(
        {
            "left": ["said <b>"],
            "keyword": ["Patriot"],
            "right": [XSS],
            "sentence": ["s"],
            "doc_id": ["d1"],
            "date": [pd.Timestamp("2025-07-07")],
            "title": ["t"],
        }
    )
    markup = report.kwic_table(evidence).markup
    assert "<b>" not in markup.replace("<b>said", "") and XSS not in markup
    assert "2025-07-07" in markup
    assert 'class="nm-keyword">Patriot<' in markup


def test_corpus_hash_ignores_load_order_and_sees_every_change():
    documents = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "date": pd.to_datetime(["2025-07-07", None]),
            "text": ["one", "two"],
        }
    )
    digest = report.corpus_hash(documents)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert report.corpus_hash(documents.iloc[::-1]) == digest
    assert report.corpus_hash(documents.assign(text=["one", "two!"])) != digest
    changed_date = documents.assign(date=pd.to_datetime(["2025-07-08", None]))
    assert report.corpus_hash(changed_date) != digest


def test_footer_lists_parameters_hashes_and_versions():
    markup = report.footer(
        {"freq": "W", "entities": [XSS]},
        corpus="/c",
        documents=3,
        corpus_sha256="ab" * 32,
        gazetteer_hash="1234abcd",
    ).markup
    for expected in (
        "ab" * 32,
        "1234abcd",
        "pandas",
        "matplotlib",
        "nltk",
        "papermill",
        "python",
        report.PACKAGE_NAME,
        "rendered at",
        "&quot;freq&quot;",
    ):
        assert expected in markup, expected
    assert XSS not in markup


# --- rendering ----------------------------------------------------------------------------


def fake_notebook(path: Path, body: str) -> None:
    """A minimal report notebook: imports, the parameters cell, one body cell, a footer."""
    parameters = new_code_cell('corpus: str = ""  # the corpus\nword: str = "hello"  # shown')
    parameters.metadata["tags"] = ["parameters"]
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Fake report"),
            new_code_cell("from analysis.report import footer"),
            parameters,
            new_code_cell(body),
            new_code_cell('footer({"word": word})'),
        ]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)


@pytest.fixture
def fake_registry(tmp_path: Path) -> Path:
    folder = tmp_path / "registry"
    folder.mkdir()
    fake_notebook(folder / "ok.ipynb", "print(word.upper())")
    fake_notebook(folder / "boom.ipynb", 'raise RuntimeError("deliberate failure for the test")')
    return write_registry(
        folder,
        "reports:\n"
        "  - {name: first, notebook: ok.ipynb, parameters: {word: one}}\n"
        "  - {name: broken, notebook: boom.ipynb, title: Broken report}\n"
        "  - {name: last, notebook: ok.ipynb, parameters: {word: three}}\n",
    )


def test_unknown_parameters_are_refused_before_anything_runs(tmp_path, fake_registry):
    registry = fake_registry.parent / "typo.yml"
    registry.write_text("reports:\n  - {name: a, notebook: ok.ipynb, parameters: {wrod: x}}\n")
    with pytest.raises(InputError, match="wrod"):
        report.render_reports(FIXTURE_CORPUS, registry=registry, out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.notebooks
def test_a_failing_notebook_is_marked_failed_and_the_others_render(tmp_path, fake_registry):
    out = tmp_path / "out"
    results = report.render_reports(FIXTURE_CORPUS, registry=fake_registry, out=out, jobs=2)
    assert [(r.spec.name, r.status) for r in results] == [
        ("first", "ok"),
        ("broken", "failed"),
        ("last", "ok"),
    ]
    assert results[1].error == "RuntimeError: deliberate failure for the test"
    assert "THREE" in (out / "last.html").read_text()

    broken = (out / "broken.html").read_text()
    assert "This report failed" in broken
    assert "deliberate failure for the test" in broken  # the traceback is in the page

    index = (out / "index.html").read_text()
    for name in ("first.html", "broken.html", "last.html"):
        assert f'href="{name}"' in index
    assert "3 reports, 1 failed" in index
    assert index.count('class="status-ok"') == 2
    assert "RuntimeError: deliberate failure for the test" in index
    assert "word = &quot;three&quot;" in index

    # nothing half-written, no executed notebooks or temporary files left in the output
    assert sorted(p.name for p in out.iterdir()) == [
        "broken.html",
        "first.html",
        "index.html",
        "last.html",
    ]


@pytest.mark.notebooks
def test_parallel_reports_keep_the_working_directory(tmp_path, fake_registry, monkeypatch):
    # papermill's own ``cwd=`` would chdir this process under the other threads' feet and
    # scatter relative output paths into the notebooks' folder.
    monkeypatch.chdir(tmp_path)
    results = report.render_reports(FIXTURE_CORPUS, registry=fake_registry, out="out", jobs=3)
    assert Path.cwd() == tmp_path
    assert all(result.path.parent == tmp_path / "out" for result in results)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "broken.html",
        "first.html",
        "index.html",
        "last.html",
    ]
    assert sorted(p.name for p in fake_registry.parent.iterdir()) == [
        "boom.ipynb",
        "ok.ipynb",
        "reports.yml",
    ]


@pytest.mark.notebooks
def test_the_command_exits_non_zero_when_a_report_fails(tmp_path, fake_registry, capsys):
    out = tmp_path / "out"
    code = main(
        [
            "report",
            str(FIXTURE_CORPUS),
            "--config",
            str(fake_registry),
            "--out",
            str(out),
            "--jobs",
            "1",
        ]
    )
    assert code == 1
    captured = capsys.readouterr()
    assert "FAILED broken: RuntimeError" in captured.err
    assert (out / "index.html").resolve().as_uri() in captured.out


@pytest.mark.notebooks
def test_show_code_keeps_the_code_cells(tmp_path, fake_registry):
    registry = fake_registry.parent / "one.yml"
    registry.write_text("reports:\n  - {name: first, notebook: ok.ipynb}\n")
    hidden = report.render_reports(FIXTURE_CORPUS, registry=registry, out=tmp_path / "a")[0]
    shown = report.render_reports(
        FIXTURE_CORPUS, registry=registry, out=tmp_path / "b", show_code=True
    )[0]
    input_area = 'class="jp-InputArea jp-Cell-inputArea"'
    assert hidden.path.read_text().count(input_area) == 1  # the markdown cell only
    assert shown.path.read_text().count(input_area) == 6  # and the five code cells


# --- the default report set on the fixture corpus -----------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, list[report.ReportResult]]:
    out = tmp_path_factory.mktemp("reports")
    return out, report.render_reports(FIXTURE_CORPUS, out=out, jobs=2)


@pytest.mark.notebooks
def test_default_reports_render_with_index_and_footer(rendered):
    from analysis.corpus import load_corpus
    from analysis.gazetteer import load_gazetteer

    out, results = rendered
    assert [r.status for r in results] == ["ok"] * len(results), [r.error for r in results]
    index = (out / "index.html").read_text()
    for result in results:
        assert f'href="{result.path.name}"' in index
    corpus_sha256 = report.corpus_hash(load_corpus(FIXTURE_CORPUS))
    gazetteer_hash = load_gazetteer().hash
    for result in results:
        page = result.path.read_text()
        assert "Reproducibility" in page
        assert corpus_sha256 in page, result.spec.name
        assert gazetteer_hash in page, result.spec.name


@pytest.mark.notebooks
def test_reports_are_offline_and_article_text_is_inert(rendered):
    out, results = rendered
    for result in results:
        page = result.path.read_text()
        assert XSS not in page, result.spec.name
        assert "<img src=x" not in page, result.spec.name
        # nothing fetched from the network: no CDN scripts, styles or fonts
        assert not re.search(r"""(src|href)=["']?https?://""", page), result.spec.name
        assert "<script src=" not in page
    overview = (out / "corpus-overview.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in overview


# --- the context a notebook works from ------------------------------------------------------


def test_report_context_selects_dates_entities_and_kinds():
    everything = report.report_context(str(FIXTURE_CORPUS))
    assert len(everything.documents) == len(everything.selection) == 5
    later = report.report_context(str(FIXTURE_CORPUS), start="2025-07-20", kinds=["weapon"])
    # two dated documents from 20 July on, and the undated one (kept, counted apart)
    assert sorted(later.selection["doc_id"]) == [
        "002_untrusted_markup",
        "003_undated_f16",
        "004_summit",
    ]
    assert set(later.mentions["kind"]) == {"weapon"}
    assert set(later.mentions["doc_id"]) <= set(later.selection["doc_id"])
    nato = report.report_context(str(FIXTURE_CORPUS), entities="nato")
    assert set(nato.mentions["entity_id"]) == {"nato"}
    assert {"freq": "W", "normalize": "per_1k_words"}.items() <= nato.series.attrs.items()
    assert set(nato.series["entity"]) == {"NATO"}


def test_report_context_summary_tables_and_footer_are_escaped():
    context = report.report_context(str(FIXTURE_CORPUS), normalize="count")
    summary = context.summary().markup
    assert "5</strong> documents loaded" in summary and "1 undated" in summary
    evidence = context.evidence_table("javelin", limit=10).markup
    assert "mentions of javelin" in evidence
    assert "&lt;script&gt;" in evidence and XSS not in evidence
    table = context.entity_table()
    assert list(table.columns) == [
        "id",
        "name",
        "kind",
        "category",
        "aliases",
        "exclusions",
        "mentions",
        "documents",
    ]
    assert table["mentions"].is_monotonic_decreasing
    assert table["mentions"].sum() == len(context.mentions)
    assert context.surface_table()["mentions"].sum() == len(context.mentions)
    footer = context.footer().markup
    assert context.corpus_sha256 in footer and context.gazetteer.hash in footer


def test_report_context_refuses_an_unknown_engine():
    with pytest.raises(InputError, match="engine"):
        report.report_context(str(FIXTURE_CORPUS), engine="spark")


def test_kernel_shell_channel_polls_in_short_slices(monkeypatch):
    # A wake-up the event loop misses costs at most one slice, never the whole cell timeout.
    import asyncio
    from queue import Empty

    from jupyter_client.channels import AsyncZMQSocketChannel

    from analysis.report import kernels

    monkeypatch.setattr(kernels, "POLL_SECONDS", 0.01)
    waits: list[float] = []
    replies = iter([Empty, Empty, {"msg_type": "execute_reply"}])

    async def poll_once(self, timeout=None):
        waits.append(timeout)
        reply = next(replies)
        if reply is Empty:
            await asyncio.sleep(timeout)  # nothing came in this slice
            raise Empty
        return reply

    monkeypatch.setattr(AsyncZMQSocketChannel, "get_msg", poll_once)
    channel = kernels.PatientShellChannel.__new__(kernels.PatientShellChannel)
    assert asyncio.run(channel.get_msg(timeout=600)) == {"msg_type": "execute_reply"}
    assert len(waits) == 3 and max(waits) <= kernels.POLL_SECONDS

    replies = iter([Empty] * 1000)
    with pytest.raises(Empty):
        asyncio.run(channel.get_msg(timeout=0.05))  # the caller's timeout still holds


def test_notebooks_run_with_the_patient_kernel_manager():
    from analysis.report.kernels import PatientKernelManager, PatientShellChannel

    options = report.papermill_options(config.NOTEBOOKS_DIR / "01-corpus-overview.ipynb")
    manager = options["kernel_manager_class"]()
    assert manager.__class__ is PatientKernelManager
    assert manager.client().shell_channel_class is PatientShellChannel
