"""Rendering: each report notebook run headlessly with papermill and exported to one HTML page.

:func:`render_reports` checks the registry first, then runs the notebooks (a few at a time, in
a temporary folder), exports each with nbconvert's ``HTMLExporter`` (code hidden unless asked
for, no prompts, nothing fetched from the network), writes ``<out>/<name>.html`` atomically and
last ``<out>/index.html`` with every report's parameters and status.

A notebook that fails still gets its page (papermill saves the notebook up to the failing cell,
error included) and the other reports render; the index marks it failed. papermill, nbconvert
and the kernel manager are imported only when a report is rendered.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import tempfile
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import config, progress
from analysis.files import write_atomic
from analysis.report.html import TABLE_CSS, escape, footer
from analysis.report.registry import (
    SOURCE_PARAMETERS,
    ReportSpec,
    check_parameters,
    load_registry,
    locate_notebook,
)

KERNEL_NAME = "python3"
CELL_TIMEOUT_SECONDS = 600
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

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
.status-failed {{ color: #a33a00; font-weight: bold; }}
.error {{ display: block; color: #a33a00; font-weight: normal; font-size: 0.85rem; }}
</style>
</head>
<body>
<main>
<h1>Reports</h1>
<p class="meta">{summary}</p>
<table>
<thead><tr><th>Report</th><th>Notebook</th><th>Parameters</th><th>Status</th>
<th>Time</th></tr></thead>
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
    """How one report went: where its HTML is, ok or failed (with a one-line reason)."""

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
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    notebook.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"report.html.j2": REPORT_TEMPLATE})],
        template_file="report.html.j2",
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(
        notebook,
        resources={
            "report_css": TABLE_CSS,
            "report_banner": banner,
            "report_footer": footer_html,
        },
    )
    return body


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


def render_one(
    spec: ReportSpec,
    notebook: Path,
    parameters: dict[str, Any],
    *,
    out: Path,
    workdir: Path,
    show_code: bool = False,
) -> ReportResult:
    """Run one notebook with papermill and write ``<out>/<spec.name>.html``, even on failure."""
    import papermill

    started = time.perf_counter()
    executed = workdir / f"{spec.name}.ipynb"
    status, error = "ok", ""
    try:
        papermill.execute_notebook(
            str(notebook), str(executed), parameters=parameters, **papermill_options(notebook)
        )
    except papermill.PapermillExecutionError as failure:
        status, error = "failed", f"{failure.ename}: {_first_line(failure.evalue)}"
    except Exception as failure:  # noqa: BLE001 - a report's failure must not stop the batch
        status, error = "failed", f"{type(failure).__name__}: {_first_line(str(failure))}"
    banner = footer_html = ""
    if status != "ok":
        banner = (
            f'<div class="nm-failed" role="alert"><strong>This report failed.</strong> '
            f"{escape(error)}<br>The output below stops where the notebook stopped.</div>"
        )
        footer_html = footer(
            parameters, corpus=str(parameters.get("corpus", "")), status=f"failed: {error}"
        ).markup
    if executed.exists():
        try:
            page = export_html(
                executed,
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
    return ReportResult(
        spec=spec,
        parameters=parameters,
        path=path,
        status=status,
        error=error,
        seconds=time.perf_counter() - started,
    )


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
) -> list[ReportResult]:
    """Render every report of a registry to HTML, then the index.

    Parameters
    ----------
    source : path-like, optional
        The corpus; default the project's seeds (``config.SEEDS_DIR``).
    metadata : path-like, optional
        Metadata CSV; for the seeds, ``config.SEEDS_METADATA`` when it exists.
    gazetteer : path-like, optional
        A user gazetteer merged on top of the default.
    registry : path-like, optional
        The report registry YAML (default ``config.REPORT_REGISTRY``).
    out : path-like, optional
        Output folder (default ``config.REPORTS_DIR``).
    show_code : bool
        Keep code cells in the HTML.
    jobs : int, optional
        Notebooks run at once (default: 2, or 1 on a one-core machine).
    notebooks_dir : path-like, optional
        Where the registry's notebooks are (default ``config.NOTEBOOKS_DIR``).

    Returns
    -------
    list of ReportResult, in registry order. ``<out>/index.html`` lists them all.
    """
    source_path = Path(source).expanduser() if source else config.SEEDS_DIR
    if not source_path.exists():
        raise FileNotFoundError(f"{source_path}: corpus not found")
    if metadata is None and source_path.resolve() == config.SEEDS_DIR.resolve():
        metadata = config.SEEDS_METADATA if config.SEEDS_METADATA.exists() else None
    for name, value in (("metadata", metadata), ("gazetteer", gazetteer)):
        if value and not Path(value).exists():
            raise FileNotFoundError(f"{value}: {name} file not found")
    notebooks = Path(notebooks_dir) if notebooks_dir else config.NOTEBOOKS_DIR
    out_dir = (Path(out) if out else config.REPORTS_DIR).resolve()
    specs = load_registry(registry)
    given = {
        "corpus": str(source_path.resolve()),
        "metadata": str(Path(metadata).resolve()) if metadata else None,
        "gazetteer": str(Path(gazetteer).resolve()) if gazetteer else None,
    }
    registry_dir = Path(registry).resolve().parent if registry else config.REPORT_REGISTRY.parent
    located = {spec.name: locate_notebook(spec, notebooks, registry_dir) for spec in specs}
    check_parameters(specs, located)
    jobs = max(1, jobs or min(2, os.cpu_count() or 1))
    out_dir.mkdir(parents=True, exist_ok=True)

    results: dict[str, ReportResult] = {}
    with (
        tempfile.TemporaryDirectory(prefix="news-mentions-report-") as workdir,
        progress.bar(len(specs), "rendering reports", unit="report") as shown,
        _no_progress_bars_in_kernels(),
        concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool,
    ):
        futures = [
            pool.submit(
                render_one,
                spec,
                located[spec.name],
                {**spec.parameters, **{k: v for k, v in given.items() if v is not None}},
                out=out_dir,
                workdir=Path(workdir),
                show_code=show_code,
            )
            for spec in specs
        ]
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            results[result.spec.name] = result
            shown.update(1)
    ordered = [results[spec.name] for spec in specs]
    write_index(ordered, out_dir, source=given["corpus"])
    return ordered


def write_index(results: Sequence[ReportResult], out: Path, *, source: str = "") -> Path:
    """Write ``<out>/index.html``: every report with its parameters, status and a link."""
    rows = []
    for result in results:
        shown = {k: v for k, v in result.parameters.items() if k not in SOURCE_PARAMETERS}
        parameters = "<br>".join(
            f"{escape(k)} = {escape(json.dumps(v, default=str, ensure_ascii=False))}"
            for k, v in shown.items()
        )
        status = (
            '<span class="status-ok">ok</span>'
            if result.ok
            else f'<span class="status-failed">failed<span class="error">{escape(result.error)}'
            "</span></span>"
        )
        rows.append(
            f'<tr><td><a href="{escape(result.path.name)}">{escape(result.spec.title)}</a>'
            f"<br><small>{escape(result.path.name)}</small></td>"
            f'<td>{escape(result.spec.notebook)}</td><td class="params">{parameters}</td>'
            f"<td>{status}</td><td>{result.seconds:.1f} s</td></tr>"
        )
    failed = sum(not result.ok for result in results)
    summary = (
        f"{len(results)} reports, {failed} failed" if failed else f"{len(results)} reports, all ok"
    )
    if source:
        summary += f" &middot; corpus <code>{escape(source)}</code>"
    page = INDEX_TEMPLATE.format(
        summary=summary, rows="\n".join(rows), footer=footer({"source": source}).markup
    )
    return write_atomic(out / "index.html", page)
