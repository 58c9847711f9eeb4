"""Rendering: each report notebook run headlessly with papermill and exported to one HTML page.

:func:`render_reports` checks the registry first, takes a lock on the output folder, loads the
corpus and finds the mentions once for the whole batch (into a Parquet corpus store and its
mentions cache, which every notebook reads), then runs the notebooks (a few at a time, in a
temporary folder), exports each with nbconvert's ``HTMLExporter`` while its kernel runs the
next (code hidden unless asked for, no prompts, nothing fetched from the network), writes
``<out>/<name>.html`` and the report's data folder ``<out>/<name>/`` and last
``<out>/index.html`` with every report's parameters, status and data files.

A notebook that fails still gets its page (papermill saves the notebook up to the failing cell,
error included) and the other reports render; the index marks it failed. A report whose
selection matched nothing is marked too. Same inputs, same bytes: cell ids are renumbered
(papermill's are random) and the only times are in the footer and the index. Ctrl-C kills the
kernels, writes the index marking what was interrupted and re-raises KeyboardInterrupt.
papermill, nbconvert and the kernel manager are imported only when a report is rendered.
"""

from __future__ import annotations

import collections
import concurrent.futures
import functools
import json
import os
import queue
import re
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

from analysis import config, progress
from analysis.errors import InputError
from analysis.files import is_url, storage_environment, write_atomic
from analysis.report.context import WARNING_ATTRIBUTE
from analysis.report.html import TABLE_CSS, escape, footer
from analysis.report.registry import (
    BATCH_PARAMETERS,
    SELECTION_PARAMETERS,
    SOURCE_PARAMETERS,
    ReportSpec,
    check_parameters,
    load_registry,
    locate_notebook,
)

KERNEL_NAME = "python3"
CELL_TIMEOUT_SECONDS = 600
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
LOCK_NAME = ".report.lock"
INTERRUPT_WAIT_SECONDS = 10.0  # for the reports running when Ctrl-C came, once kernels are dead
WARNING_MARK = re.compile(WARNING_ATTRIBUTE + r'="([^"]*)"')

# nbconvert's "lab" template with everything that reaches for the network taken out: require.js,
# MathJax, mermaid and the widget manager come from CDNs, and a report must open offline with
# no console errors. Our banner (for failed reports) and footer go into the page itself.
REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">{{ resources.report_css }}</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.report_banner }}
{%- endblock body_header -%}
{%- block body_footer -%}
{{ resources.report_footer }}
{{ super() }}
{%- endblock body_footer -%}
"""

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reports</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem;
  color: #222; max-width: 75rem; }}
h1 {{ margin-bottom: 0.2rem; }}
p.meta {{ color: #555; margin-top: 0; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.45rem 0.6rem; text-align: left;
  vertical-align: top; }}
th {{ background: #f4f4f4; }}
td.params {{ font-family: monospace; font-size: 0.85rem; }}
.status-ok {{ color: #00664d; font-weight: bold; }}
.status-failed, .status-interrupted {{ color: #a33a00; font-weight: bold; }}
.status-warning {{ color: #8a5a00; font-weight: bold; }}
td.data {{ font-size: 0.85rem; }}
.error {{ display: block; color: #a33a00; font-weight: normal; font-size: 0.85rem; }}
</style>
</head>
<body>
<main>
<h1>Reports</h1>
<p class="meta">{summary}</p>
<table>
<thead><tr><th>Report</th><th>Notebook</th><th>Parameters</th><th>Status</th>
<th>Data</th><th>Time</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{footer}
</main>
</body>
</html>
"""


@dataclass(frozen=True)
class ReportResult:
    """How one report went: where its HTML is; ok, warning (part of the selection matched
    nothing), failed or interrupted, with a one-line reason."""

    spec: ReportSpec
    parameters: dict[str, Any]
    path: Path
    status: str
    error: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _first_line(text: str) -> str:
    lines = [line.strip() for line in ANSI_ESCAPE.sub("", str(text)).splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def export_html(
    notebook: Any,
    *,
    title: str,
    show_code: bool = False,
    banner: str = "",
    footer_html: str = "",
) -> str:
    """Export an executed notebook as one self-contained HTML page (nothing from the network).

    Parameters
    ----------
    notebook : NotebookNode or path
    title : str
        The page title.
    show_code : bool
        Keep the code cells (hidden by default: reports show results).
    banner : str
        HTML placed at the top of the page (used to flag a failed report).
    footer_html : str
        HTML placed at the bottom of the page.
    """
    import nbformat

    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    notebook.metadata["title"] = title
    body, _ = _exporter(show_code).from_notebook_node(
        notebook,
        resources={
            "report_css": TABLE_CSS,
            "report_banner": banner,
            "report_footer": footer_html,
        },
    )
    return body


_EXPORTERS = threading.local()


def _exporter(show_code: bool) -> Any:
    """This thread's HTML exporter (its templates are found and compiled once; an exporter
    changes its filters while it exports, so threads do not share one)."""
    import jinja2
    from nbconvert import HTMLExporter

    made = _EXPORTERS.__dict__.setdefault("by_show_code", {})
    if show_code not in made:
        made[show_code] = HTMLExporter(
            template_name="lab",
            extra_loaders=[jinja2.DictLoader({"report.html.j2": REPORT_TEMPLATE})],
            template_file="report.html.j2",
            exclude_input=not show_code,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
    return made[show_code]


def _error_page(spec: ReportSpec, banner: str, footer_html: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
        f"{escape(spec.title)}</title><style>{TABLE_CSS}</style></head><body>"
        f"<main><h1>{escape(spec.title)}</h1>{banner}{footer_html}</main></body></html>"
    )


def papermill_options(notebook: Path) -> dict[str, Any]:
    """Keyword arguments for ``papermill.execute_notebook`` of a report notebook.

    The kernel starts in the notebook's folder; not with papermill's ``cwd=``, which changes
    the working directory of this whole process under every other thread. Its channels are
    encrypted (the kernel warns on every start otherwise) and it is shut down at once when the
    notebook is done.
    """
    from traitlets.config import Config

    from analysis.report.kernels import PatientKernelManager

    return {
        "kernel_name": KERNEL_NAME,
        "kernel_manager_class": PatientKernelManager,  # no ten-minute sleeps (see kernels.py)
        "resources": {"metadata": {"path": str(Path(notebook).resolve().parent)}},
        "progress_bar": False,
        "request_save_on_cell_execute": False,
        "config": Config({"KernelManager": {"transport_encryption": "auto"}}),
        "shutdown_kernel": "immediate",
        # A stuck cell or kernel fails its report instead of hanging the batch (and CI).
        "execution_timeout": CELL_TIMEOUT_SECONDS,
        "start_timeout": 120,
    }


def _executed_notebook(path: Path) -> Any:
    """The executed notebook with cell ids renumbered: papermill gives the injected
    parameters cell a random id, and the ids are in the HTML (same inputs, same bytes)."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number:02d}"
    return notebook


def _selection_warnings(notebook: Any) -> list[str]:
    """What the report said matched nothing (the context's marked banner), in order."""
    found: list[str] = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            markup = "".join(markup) if isinstance(markup, list) else str(markup)
            found += [unescape(said) for said in WARNING_MARK.findall(markup)]
    return list(dict.fromkeys(found))


def _publish(staging: Path, target: Path) -> None:
    """Put a report's freshly written data folder in place of the old one."""
    if not staging.is_dir():
        return
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def render_one(
    spec: ReportSpec,
    notebook: Path,
    parameters: dict[str, Any],
    *,
    out: Path,
    workdir: Path,
    show_code: bool = False,
    stop: threading.Event | None = None,
    kernel: Any = None,
) -> ReportResult:
    """Run one notebook with papermill and write ``<out>/<spec.name>.html``, even on failure.

    When ``parameters["exports"]`` names a staging folder, what the notebook wrote there
    becomes ``<out>/<spec.name>/``. ``stop`` set (Ctrl-C) turns a failure into "interrupted".
    ``kernel``: a started kernel manager to run in (kept running), else a new kernel.
    """
    executed = execute_report(
        spec, notebook, parameters, workdir=workdir, stop=stop, kernel=kernel
    )
    return executed.publish(out=out, show_code=show_code)


@dataclass(frozen=True)
class ExecutedReport:
    """A notebook run by :func:`execute_report`, not yet exported: :meth:`publish` writes its
    page and data folder (in a batch, while the kernel runs the next report)."""

    spec: ReportSpec
    parameters: dict[str, Any]
    executed: Path
    status: str
    error: str
    started: float

    def publish(self, *, out: Path, show_code: bool = False) -> ReportResult:
        """Export the executed notebook to ``<out>/<name>.html`` (a page saying what happened
        if it failed), put its data folder in place and say how the report went."""
        spec, parameters, status, error = self.spec, self.parameters, self.status, self.error
        node = _executed_notebook(self.executed) if self.executed.exists() else None
        if status == "ok" and node is not None and (said := _selection_warnings(node)):
            status, error = "warning", "; ".join(said)
        banner = footer_html = ""
        if status in ("failed", "interrupted"):
            banner = (
                f'<div class="nm-failed" role="alert"><strong>This report {status}.</strong> '
                f"{escape(error)}<br>The output below stops where the notebook stopped.</div>"
            )
            shown = {k: v for k, v in parameters.items() if k not in BATCH_PARAMETERS}
            footer_html = footer(
                shown, corpus=str(parameters.get("corpus", "")), status=f"{status}: {error}"
            ).markup
        if node is not None:
            try:
                page = export_html(
                    node,
                    title=spec.title,
                    show_code=show_code,
                    banner=banner,
                    footer_html=footer_html,
                )
            except Exception as failure:  # noqa: BLE001 - still write a page saying what happened
                status = "failed"
                error = error or f"export: {type(failure).__name__}: {_first_line(str(failure))}"
                page = _error_page(
                    spec, banner or f'<div class="nm-failed">{escape(error)}</div>', footer_html
                )
        else:
            page = _error_page(spec, banner, footer_html)
        path = write_atomic(out / f"{spec.name}.html", page)
        if parameters.get("exports"):
            _publish(Path(parameters["exports"]), out / spec.name)
        return ReportResult(
            spec=spec,
            parameters=parameters,
            path=path,
            status=status,
            error=error,
            seconds=time.perf_counter() - self.started,
        )


def execute_report(
    spec: ReportSpec,
    notebook: Path,
    parameters: dict[str, Any],
    *,
    workdir: Path,
    stop: threading.Event | None = None,
    kernel: Any = None,
) -> ExecutedReport:
    """Run one notebook with papermill into ``<workdir>/<spec.name>.ipynb`` (the first half of
    :func:`render_one`); a failure is caught and said, as in :func:`render_one`."""
    import papermill

    started = time.perf_counter()
    executed = workdir / f"{spec.name}.ipynb"
    status, error = "ok", ""
    try:
        options = papermill_options(notebook) | ({"km": kernel} if kernel is not None else {})
        papermill.execute_notebook(str(notebook), str(executed), parameters=parameters, **options)
    except papermill.PapermillExecutionError as failure:
        status, error = "failed", f"{failure.ename}: {_first_line(failure.evalue)}"
    except Exception as failure:  # noqa: BLE001 - a report's failure must not stop the batch
        status, error = "failed", f"{type(failure).__name__}: {_first_line(str(failure))}"
    if status != "ok" and stop is not None and stop.is_set():
        status, error = "interrupted", "interrupted (Ctrl-C) while rendering"
    return ExecutedReport(spec, parameters, executed, status, error, started)


def require_documents(documents: Any, source: Any) -> None:
    """Refuse a corpus with no loadable document, naming it and the commonest reasons.

    Raises
    ------
    InputError
        "SOURCE: no loadable documents (N inputs excluded; commonest reasons: ...)".
    """
    if len(documents):
        return
    excluded = documents.attrs.get("excluded") or []
    reasons = collections.Counter(str(row.get("reason", "")) for row in excluded)
    said = "; ".join(f"{reason} ({count:,})" for reason, count in reasons.most_common(3))
    detail = (
        f"{len(excluded):,} input(s) excluded; commonest reasons: {said}"
        if excluded
        else "no input files found"
    )
    raise InputError(f"{source}: no loadable documents ({detail})")


def prepare_batch(
    source: str | Path,
    *,
    metadata: str | os.PathLike[str] | None,
    gazetteer: str | os.PathLike[str] | None,
    workdir: Path,
) -> dict[str, str]:
    """Load the corpus and find its mentions once for a whole batch of reports.

    The documents go into a Parquet corpus store in ``workdir`` and the mentions into that
    store's mentions cache; every notebook reads both instead of parsing the corpus again.
    Loading warnings travel in the store's attrs (``load_warnings``) to each report's notes.
    The sentences the tone charts score go beside the cache (``sentiment.share_sentences``),
    for a scorer that runs while the kernels render, and so does the gazetteer
    (``store.write_batch_gazetteer``: the kernels need not read its YAML again).

    Returns
    -------
    dict : the notebook parameters ``store`` and ``mentions_cache``.

    Raises
    ------
    InputError
        When no document could be loaded (:func:`require_documents`), before any kernel starts.
    """
    from analysis import api, memory, sentiment
    from analysis import store as corpus_store
    from analysis.gazetteer import load_gazetteer

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        documents = api.load_corpus(source, metadata=metadata)
        require_documents(documents, source)
        entities = load_gazetteer(extra=gazetteer or None)
        mentions = api.find_mentions(documents, entities)
    documents.attrs["load_warnings"] = list(dict.fromkeys(str(w.message) for w in caught))
    store_dir = corpus_store.write_corpus_store(documents, workdir / "corpus-store")
    cache = corpus_store.mentions_cache_path(store_dir, entities)
    corpus_store.write_cached_mentions(mentions, cache)
    corpus_store.write_batch_gazetteer(entities, cache, _location(gazetteer))
    sentences = sentiment.scored_sentences(mentions, documents)
    sentiment.share_sentences(sentences, sentiment.shared_folder(cache))
    del documents, mentions, sentences
    memory.release()  # the kernels need the memory now
    return {"store": str(store_dir), "mentions_cache": str(cache)}


SMALL_SOURCE_BYTES = 20 << 20
"""A local corpus under this size is loaded in the renderer itself: a child process would cost
more (a Python start, its imports: about 2 s of CPU) than the memory it gives back."""


def default_jobs(source: str | Path) -> int:
    """Kernels a batch runs at once when not told: two for a local corpus under
    :data:`SMALL_SOURCE_BYTES` on two cores or more (the seeds: each kernel holds little, and
    their reports are mostly drawing charts, which one kernel does one after another), else
    one (at 14k documents a kernel holds the corpus and its mentions, about 1 GB)."""
    return 2 if (os.cpu_count() or 1) >= 2 and not _large(source) else 1


def _large(source: str | Path) -> bool:
    """Whether ``source`` is worth a child process (:data:`SMALL_SOURCE_BYTES`; anything that
    is not a local file or folder is, a URL among them)."""
    if not isinstance(source, Path):
        return True
    try:
        if source.is_file():
            return source.stat().st_size >= SMALL_SOURCE_BYTES
        total = 0
        for path in source.rglob("*"):
            total += path.stat().st_size if path.is_file() else 0
            if total >= SMALL_SOURCE_BYTES:
                return True
        return not source.is_dir()
    except OSError:
        return True


def _here(function: Any, *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def _in_child_process(function: Any, *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` in a fresh process: loading and extracting peak at a few
    times the text, and a process hands all of that back to the system only by ending."""
    import multiprocessing

    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn")
    )
    try:
        return pool.submit(function, *args, **kwargs).result()
    except KeyboardInterrupt:
        for process in list((pool._processes or {}).values()):  # no public way to stop it
            process.kill()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _lock_holder(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def output_lock(folder: Path) -> Iterator[Path]:
    """Hold ``<folder>/.report.lock`` (holding this process's pid) while a batch writes there.

    A lock whose process is gone is stale and taken over; a live one is refused with an
    InputError naming the pid, so two runs never mix their pages under one index.
    """
    path = folder / LOCK_NAME
    for _ in range(3):
        try:
            handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _lock_holder(path)
            if holder is not None and _alive(holder):
                raise InputError(
                    f"{folder}: another report run (pid {holder}) is writing here; wait for it "
                    f"to finish or choose another --out (if none is running, delete {path})"
                ) from None
            path.unlink(missing_ok=True)  # stale: its process is gone
            continue
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(f"{os.getpid()}\n")
        break
    else:
        raise InputError(f"{path}: could not take the output folder's lock")
    try:
        yield path
    finally:
        if _lock_holder(path) == os.getpid():
            path.unlink(missing_ok=True)


class ReportsInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`render_reports`; ``results`` are in the index, marked."""

    def __init__(self, results: list[ReportResult], index: Path) -> None:
        super().__init__("interrupted")
        self.results = results
        self.index = index


@contextmanager
def _no_progress_bars_in_kernels():
    """The notebooks' kernels (started inside this block, inheriting the environment) show no
    progress bars: a report is a page, and a bar would be frozen into it."""
    previous = os.environ.get(progress.ENV)
    os.environ[progress.ENV] = "0"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(progress.ENV, None)
        else:
            os.environ[progress.ENV] = previous


def _check_selection(selection: dict[str, Any] | None) -> dict[str, Any]:
    """The command line's selection parameters, checked before anything loads."""
    from analysis.periods import resolve_freq

    chosen = {k: v for k, v in (selection or {}).items() if v is not None}
    unknown = set(chosen) - set(SELECTION_PARAMETERS)
    if unknown:
        raise InputError(f"report parameters: unknown {', '.join(sorted(unknown))}")
    if chosen.get("freq"):
        resolve_freq(chosen["freq"])  # "auto" or a known frequency, else a one-line error
    if "top_n" in chosen and int(chosen["top_n"]) < 1:
        raise InputError(f"top_n: {chosen['top_n']} (expected a whole number >= 1)")
    return chosen


def _notebook_parameters(
    spec: ReportSpec,
    declared: set[str],
    given: dict[str, Any],
    selection: dict[str, Any],
    batch: dict[str, str],
    staging: Path,
) -> dict[str, Any]:
    """The registry's parameters, then the command line's selection, then the batch's inputs;
    the selection and batch parameters only where the notebook declares them."""
    extra = {**selection, **batch, "exports": str(staging / spec.name)}
    return {
        **spec.parameters,
        **{k: v for k, v in given.items() if v is not None},
        **{k: v for k, v in extra.items() if k in declared},
    }


def _not_started(spec: ReportSpec, out: Path, parameters: dict[str, Any]) -> ReportResult:
    return ReportResult(
        spec=spec,
        parameters=parameters,
        path=out / f"{spec.name}.html",
        status="interrupted",
        error="interrupted (Ctrl-C) before it started",
    )


def start_kernel(folder: Path) -> Any:
    """A started :class:`~analysis.report.kernels.PatientKernelManager` whose kernel runs in
    ``folder``, configured as :func:`papermill_options` configures papermill's own."""
    import asyncio

    from traitlets.config import Config

    from analysis.report.kernels import PatientKernelManager

    manager = PatientKernelManager(
        kernel_name=KERNEL_NAME, config=Config({"KernelManager": {"transport_encryption": "auto"}})
    )
    asyncio.run(manager.start_kernel(cwd=str(folder)))
    return manager


def stop_kernel(manager: Any) -> None:
    """Shut a kernel from :func:`start_kernel` down at once (nothing to save in it)."""
    import asyncio

    if manager is not None and manager.has_kernel:
        try:
            asyncio.run(manager.shutdown_kernel(now=True))
        except Exception:  # noqa: BLE001 - already dead (killed on Ctrl-C): nothing to stop
            manager.kill_now()


RESET_CODE = (
    "get_ipython().reset(new_session=False)\n"
    "import gc as _gc; _gc.collect()\n"
    "from analysis.memory import release as _release; _release()\n"
    "del _gc, _release\n"
)
"""Run between two reports in one kernel: the previous report's variables and output history
go (the batch's inputs, kept by :mod:`analysis.report.context`, stay), and so does their memory."""


WARM_CODE = (
    "import analysis.report.context, analysis.plots, analysis.kwic, analysis.pairs\n"
    "import analysis.sentiment, analysis.discovery, matplotlib.pyplot\n"
    + RESET_CODE
)
"""Run in a kernel started while the batch's inputs are prepared: the reports' imports are
paid then, on the other core, and leave no name behind."""


def _run_quietly(manager: Any, code: str) -> None:
    import asyncio

    async def execute() -> None:
        client = manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            await client.execute_interactive(code, store_history=False, timeout=60)
        finally:
            client.stop_channels()

    asyncio.run(execute())


FORGET_CODE = "from analysis.report.context import forget_shared; forget_shared()\n"
"""Run before a report of another notebook than the previous one: what reports of one
notebook share (the full evidence) is not kept while others run."""


def _reset_namespace(manager: Any, *, same_notebook: bool = False) -> None:
    _run_quietly(manager, RESET_CODE if same_notebook else FORGET_CODE + RESET_CODE)


def _by_notebook(
    share: Sequence[ReportSpec], late: frozenset[str] = frozenset()
) -> list[ReportSpec]:
    """``share`` with the reports of one notebook one after another (in the order each
    notebook first appears): they share the most (see :data:`FORGET_CODE`); the notebooks in
    ``late`` after all others (:func:`_late_notebooks`). Results are still listed in
    registry order."""
    first: dict[str, int] = {}
    for position, spec in enumerate(share):
        first.setdefault(spec.notebook, position)
    return sorted(share, key=lambda spec: (spec.notebook in late, first[spec.notebook]))


LATE_CALLS = ("ctx.tone(",)
"""Code that reads what the batch's scorer computes while the other reports render (the tone
of the batch's sentences, ``sentiment.start_scorer``): a notebook calling it runs last in
its kernel, so that the scorer is done or nearly done by then. Only the order changes."""


def _late_notebooks(located: dict[str, Path], specs: Sequence[ReportSpec]) -> frozenset[str]:
    """The registry's notebooks whose code holds one of :data:`LATE_CALLS`."""
    late = set()
    for spec in specs:
        try:
            code = located[spec.name].read_text(encoding="utf-8")
        except (OSError, KeyError, UnicodeDecodeError):
            continue
        if any(call in code for call in LATE_CALLS):
            late.add(spec.notebook)
    return frozenset(late)


class _EarlyKernels:
    """Kernels started (and their imports run, all at once) in a thread while the batch's
    inputs are prepared; each worker of :func:`_run_batch` takes one."""

    def __init__(self, count: int, folder: Path, code: str = WARM_CODE) -> None:
        self.managers: list[Any] = []
        self._thread = threading.Thread(
            target=self._start, args=(count, folder, code), daemon=True
        )
        self._thread.start()

    def _start(self, count: int, folder: Path, code: str) -> None:
        for _ in range(count):
            try:
                self.managers.append(start_kernel(folder))
            except Exception:  # noqa: BLE001 - the worker starts its own, and says why
                break
        warming = [  # daemon threads: an interrupted batch does not wait for them
            threading.Thread(target=_warm, args=(manager, code), daemon=True)
            for manager in self.managers
        ]
        for thread in warming:
            thread.start()
        for thread in warming:
            thread.join()

    def take(self) -> list[Any]:
        """The kernels started (waiting for the thread), handed over to the caller."""
        self._thread.join()
        managers, self.managers = self.managers, []
        return managers

    def stop(self) -> None:
        """Shut down any kernel not handed over (the batch failed before rendering)."""
        for manager in self.take():
            stop_kernel(manager)


def _warm(manager: Any, code: str) -> None:
    try:
        _run_quietly(manager, code)
    except Exception:  # noqa: BLE001 - only a head start: the report imports anyway
        pass


def _worker(
    share: Sequence[ReportSpec],
    run: Any,
    folder: Path,
    stop: threading.Event,
    done: queue.Queue,
    manager: Any = None,
    late: frozenset[str] = frozenset(),
) -> None:
    """Run a share of the reports one after another in one kernel (``manager``, started
    early, or started here and again if a report kills it), so that imports and the batch's
    inputs are loaded once per kernel. ``run(spec, manager)`` executes a report and returns
    what exports it, which a thread of this worker does while the kernel runs the next one."""
    previous = None
    exports: queue.Queue = queue.Queue()
    exporter = threading.Thread(
        target=_export_all, args=(exports, done), daemon=True, name="report-export"
    )
    exporter.start()
    try:
        for spec in _by_notebook(share, late):
            if stop.is_set():
                return
            try:
                if manager is None or not _kernel_alive(manager):
                    stop_kernel(manager)
                    manager = start_kernel(folder)
                elif previous is not None:
                    _reset_namespace(manager, same_notebook=previous.notebook == spec.notebook)
                previous = spec
                exports.put(run(spec, manager))
            except Exception as failure:  # noqa: BLE001 - e.g. no kernel could start
                done.put(failure)
    finally:
        stop_kernel(manager)
        exports.put(None)
        exporter.join()


def _export_all(exports: queue.Queue, done: queue.Queue) -> None:
    """Call each ``finish`` taken from ``exports`` (a report's export) until None, and put
    what it returns, or the exception it raised, into ``done``."""
    while (finish := exports.get()) is not None:
        try:
            done.put(finish())
        except Exception as failure:  # noqa: BLE001 - the batch raises it (see _run_batch)
            done.put(failure)


def _kernel_alive(manager: Any) -> bool:
    import asyncio

    try:
        return bool(asyncio.run(manager.is_alive()))
    except Exception:  # noqa: BLE001 - a broken manager is a dead kernel
        return False


def _run_batch(
    specs: Sequence[ReportSpec],
    jobs: int,
    run: Any,
    stop: threading.Event,
    folder: Path,
    started: Sequence[Any] = (),
    late: frozenset[str] = frozenset(),
) -> tuple[dict[str, ReportResult], bool]:
    """Run ``run(spec, kernel)`` for every report on ``jobs`` kernels, each taking every
    ``jobs``-th report in registry order (the same share every time: same inputs, same pages);
    ``run`` returns what exports the report (see :func:`_worker`).
    ``started``: kernels already running, one per worker in turn (the others start their own).
    ``late``: notebooks each kernel runs after its others (:func:`_by_notebook`).
    On Ctrl-C kill the kernels, wait briefly for the running reports to notice, and say so."""
    from analysis.report import kernels

    results: dict[str, ReportResult] = {}
    done: queue.Queue = queue.Queue()
    count = min(jobs, len(specs))
    for manager in started[count:]:
        stop_kernel(manager)
    early = [*started[:count], *[None] * (count - len(started[:count]))]
    workers = [
        threading.Thread(
            target=_worker,
            args=(specs[k::jobs], run, folder, stop, done, early[k], late),
            daemon=True,
        )
        for k in range(count)
    ]
    for worker in workers:
        worker.start()
    interrupted = False
    try:
        with progress.bar(len(specs), "rendering reports", unit="report") as shown:
            while len(results) < len(specs) and any(w.is_alive() for w in workers):
                try:
                    result = done.get(timeout=0.2)
                except queue.Empty:
                    continue
                if isinstance(result, Exception):
                    raise result
                results[result.spec.name] = result
                shown.update(1)
            while not done.empty():
                result = done.get()
                if isinstance(result, Exception):
                    raise result
                results[result.spec.name] = result
    except KeyboardInterrupt:
        interrupted = True
        stop.set()
        kernels.kill_all()
        deadline = time.monotonic() + INTERRUPT_WAIT_SECONDS
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        while not done.empty():
            result = done.get()
            if isinstance(result, ReportResult):
                results[result.spec.name] = result
    return results, interrupted


def render_reports(
    source: str | os.PathLike[str] | None = None,
    *,
    metadata: str | os.PathLike[str] | None = None,
    gazetteer: str | os.PathLike[str] | None = None,
    registry: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    show_code: bool = False,
    jobs: int | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    selection: dict[str, Any] | None = None,
) -> list[ReportResult]:
    """Render every report of a registry to HTML, with its data folder, then the index.

    Parameters
    ----------
    source : path-like or URL, optional
        The corpus; default the project's seeds (``config.SEEDS_DIR``). A URL (``s3://``,
        ``gs://``, ``https://`` ...) is read through fsspec with this process's options,
        which the batch's child process and kernels are given (``FSSPEC_<PROTOCOL>``).
    metadata : path-like, optional
        Metadata CSV; for the seeds, ``config.SEEDS_METADATA`` when it exists.
    gazetteer : path-like, optional
        A user gazetteer merged on top of the default.
    registry : path-like, optional
        The report registry YAML (default ``config.REPORT_REGISTRY``).
    out : path-like, optional
        Output folder (default ``config.REPORTS_DIR``), locked while the batch writes.
    show_code : bool
        Keep code cells in the HTML.
    jobs : int, optional
        Kernels run at once (default :func:`default_jobs`: 2 for a small local corpus, else
        1), each rendering its share of the reports one after another: a kernel's imports and
        the batch's inputs are then loaded once per kernel.
    notebooks_dir : path-like, optional
        Where the registry's notebooks are (default ``config.NOTEBOOKS_DIR``).
    selection : dict, optional
        freq, start, end, entities, kinds, top_n, include_classes: given to every notebook
        that declares them, over the registry's values (``report --freq ...``).

    Returns
    -------
    list of ReportResult, in registry order. ``<out>/index.html`` lists them all.

    Raises
    ------
    InputError
        Before anything renders: a bad registry or parameter, a locked output folder, or a
        corpus with no loadable document.
    ReportsInterrupted
        On Ctrl-C, after the kernels are killed and the index is written.
    """
    from analysis.report import kernels

    _import_jsonschema_lean()  # before papermill and nbformat import it
    source_path = _corpus_location(source)
    if metadata is None and source_path == config.SEEDS_DIR.resolve():
        metadata = config.SEEDS_METADATA if config.SEEDS_METADATA.exists() else None
    for name, value in (("metadata", metadata), ("gazetteer", gazetteer)):
        if value and not is_url(os.fspath(value)) and not Path(value).exists():
            raise FileNotFoundError(f"{value}: {name} file not found")
    chosen = _check_selection(selection)
    notebooks = Path(notebooks_dir) if notebooks_dir else config.NOTEBOOKS_DIR
    out_dir = (Path(out) if out else config.REPORTS_DIR).resolve()
    specs = load_registry(registry)
    given = {
        "corpus": str(source_path),
        "metadata": _location(metadata),
        "gazetteer": _location(gazetteer),
    }
    registry_dir = Path(registry).resolve().parent if registry else config.REPORT_REGISTRY.parent
    located = {spec.name: locate_notebook(spec, notebooks, registry_dir) for spec in specs}
    declared = check_parameters(specs, located)
    jobs = max(1, jobs or default_jobs(source_path))
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    kernels.allow_starts()
    try:
        return _render_locked(
            specs, located, declared, given, chosen, source_path, metadata, gazetteer,
            out_dir, jobs, show_code,
        )  # fmt: skip
    except InputError:
        if created and not any(out_dir.iterdir()):
            out_dir.rmdir()  # refused before anything rendered: leave no empty folder behind
        raise


def _import_jsonschema_lean() -> None:
    """Import jsonschema (nbformat's, papermill's and nbconvert's) without rfc3987_syntax.

    When rfc3987_syntax is installed (jupyterlab's jupyter_events asks for it), importing
    jsonschema compiles its 39 grammars, 1.5 s of CPU before a batch can start, only to check
    the "iri" string format, which validating a notebook never asks for. An import of
    rfc3987_syntax itself afterwards works as usual.
    """
    import sys

    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # "not installed"
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        pass
    finally:
        del sys.modules["rfc3987_syntax"]


def _corpus_location(source: str | os.PathLike[str] | None) -> str | Path:
    """The corpus as the batch passes it on: a URL (``s3://``, ``https://`` ...) unchanged,
    as a string (a Path would turn ``s3://b/k`` into ``s3:/b/k``); a local one resolved and
    checked; none, the project's seeds."""
    if not source:
        return config.SEEDS_DIR.resolve()
    if is_url(os.fspath(source)):
        return os.fspath(source)  # reached (or refused) by the loader, before anything renders
    path = Path(source).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"{path}: corpus not found")
    return path.resolve()


def _location(value: str | os.PathLike[str] | None) -> str | None:
    """A metadata or gazetteer file for the notebooks: a URL unchanged, a local path resolved."""
    if not value:
        return None
    return os.fspath(value) if is_url(os.fspath(value)) else str(Path(value).resolve())


@contextmanager
def _storage_options_in_children(*locations: Any) -> Iterator[None]:
    """The batch's child process and the notebooks' kernels (started inside this block,
    inheriting the environment) get this process's fsspec options for the URLs among
    ``locations``, also those given to :func:`analysis.files.set_storage_options`."""
    variables = storage_environment(*(os.fspath(value) for value in locations if value))
    previous = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _render_locked(
    specs: Sequence[ReportSpec],
    located: dict[str, Path],
    declared: dict[str, set[str]],
    given: dict[str, Any],
    chosen: dict[str, Any],
    source_path: str | Path,
    metadata: Any,
    gazetteer: Any,
    out_dir: Path,
    jobs: int,
    show_code: bool,
) -> list[ReportResult]:
    """:func:`render_reports` once its inputs are checked: lock, load once, run, index."""
    stop = threading.Event()
    with (
        output_lock(out_dir),
        tempfile.TemporaryDirectory(prefix="news-mentions-report-") as workdir,
        _no_progress_bars_in_kernels(),
        _storage_options_in_children(source_path, metadata),
    ):
        staging = Path(tempfile.mkdtemp(dir=out_dir, prefix=".staging-"))
        parameters: dict[str, dict[str, Any]] = {}
        results: dict[str, ReportResult] = {}
        interrupted = False
        folder = located[specs[0].name].parent
        early = _EarlyKernels(min(jobs, len(specs)), folder)
        scorer = None
        try:
            batch = (
                (_in_child_process if _large(source_path) else _here)(
                    prepare_batch,
                    source_path,
                    metadata=metadata,
                    gazetteer=gazetteer,
                    workdir=Path(workdir),
                )
                if any(BATCH_PARAMETERS[0] in declared[spec.name] for spec in specs)
                else {}
            )
            scorer = _start_scorer(batch)
            parameters = {
                spec.name: _notebook_parameters(
                    spec, declared[spec.name], given, chosen, batch, staging
                )
                for spec in specs
            }

            def run(spec: ReportSpec, kernel: Any) -> Any:
                executed = execute_report(
                    spec,
                    located[spec.name],
                    parameters[spec.name],
                    workdir=Path(workdir),
                    stop=stop,
                    kernel=kernel,
                )
                return functools.partial(executed.publish, out=out_dir, show_code=show_code)

            late = _late_notebooks(located, specs) if scorer is not None else frozenset()
            results, interrupted = _run_batch(specs, jobs, run, stop, folder, early.take(), late)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            early.stop()  # kernels never handed over (the load failed or was interrupted)
            _stop_scorer(scorer)
            shutil.rmtree(staging, ignore_errors=True)
        ordered = [
            results.get(spec.name)
            or _not_started(spec, out_dir, parameters.get(spec.name, spec.parameters))
            for spec in specs
        ]
        index = write_index(ordered, out_dir, source=given["corpus"])
    if interrupted:
        raise ReportsInterrupted(ordered, index)
    return ordered


def _start_scorer(batch: dict[str, str]) -> Any:
    """The batch's tone scorer (``sentiment.start_scorer``), when the batch shared sentences."""
    from analysis import sentiment

    folder = sentiment.shared_folder(batch["mentions_cache"]) if batch else None
    return sentiment.start_scorer(folder) if folder and folder.is_dir() else None


def _stop_scorer(scorer: Any) -> None:
    """Stop the scorer if it is still running (the batch is over or was interrupted)."""
    if scorer is not None and scorer.poll() is None:
        scorer.kill()
    if scorer is not None:
        scorer.wait(timeout=10)


def _data_cell(result: ReportResult, out: Path) -> str:
    folder = out / result.spec.name
    if not folder.is_dir():
        return "&ndash;"
    files = sorted(path.name for path in folder.iterdir() if path.is_file())
    listed = ", ".join(
        f'<a href="{escape(folder.name)}/{escape(name)}">{escape(name)}</a>' for name in files
    )
    return f'<a href="{escape(folder.name)}/">{escape(folder.name)}/</a><br><small>{listed}</small>'


def write_index(results: Sequence[ReportResult], out: Path, *, source: str = "") -> Path:
    """Write ``<out>/index.html``: every report with its parameters, status, data folder and
    a link (none for a report that never started)."""
    rows = []
    for result in results:
        shown = {
            k: v
            for k, v in result.parameters.items()
            if k not in SOURCE_PARAMETERS and k not in BATCH_PARAMETERS
        }
        parameters = "<br>".join(
            f"{escape(k)} = {escape(json.dumps(v, default=str, ensure_ascii=False))}"
            for k, v in shown.items()
        )
        status = (
            '<span class="status-ok">ok</span>'
            if result.ok
            else f'<span class="status-{escape(result.status)}">{escape(result.status)}'
            f'<span class="error">{escape(result.error)}</span></span>'
        )
        title = escape(result.spec.title)
        link = (
            f'<a href="{escape(result.path.name)}">{title}</a>' if result.path.exists() else title
        )
        rows.append(
            f"<tr><td>{link}<br><small>{escape(result.path.name)}</small></td>"
            f'<td>{escape(result.spec.notebook)}</td><td class="params">{parameters}</td>'
            f'<td>{status}</td><td class="data">{_data_cell(result, out)}</td>'
            f"<td>{result.seconds:.1f} s</td></tr>"
        )
    counts = collections.Counter(result.status for result in results)
    not_ok = [f"{counts[s]} {s}" for s in ("warning", "failed", "interrupted") if counts[s]]
    summary = f"{len(results)} reports, " + (", ".join(not_ok) if not_ok else "all ok")
    if source:
        summary += f" &middot; corpus <code>{escape(source)}</code>"
    page = INDEX_TEMPLATE.format(
        summary=summary, rows="\n".join(rows), footer=footer({"source": source}).markup
    )
    return write_atomic(out / "index.html", page)
