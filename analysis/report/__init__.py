"""Reports: notebooks run headlessly with papermill and exported to self-contained HTML.

The layout follows the job: :mod:`~analysis.report.html` (escaped tables, CSS, the footer),
:mod:`~analysis.report.context` (what a notebook loads and shows), :mod:`~analysis.report.registry`
(which notebook renders to which page), :mod:`~analysis.report.render` (papermill, nbconvert,
the index) and :mod:`~analysis.report.kernels` (the kernel manager the renderer starts).
"""

from analysis.report.context import ReportContext, report_context
from analysis.report.html import (
    PACKAGE_NAME,
    Html,
    footer,
    html_table,
    kwic_table,
    library_versions,
)
from analysis.report.registry import ReportSpec, load_registry
from analysis.report.render import (
    ReportResult,
    export_html,
    papermill_options,
    render_one,
    render_reports,
    write_index,
)
from analysis.store import corpus_hash  # the digest the footer shows

__all__ = [
    "PACKAGE_NAME",
    "Html",
    "ReportContext",
    "ReportResult",
    "ReportSpec",
    "corpus_hash",
    "export_html",
    "footer",
    "html_table",
    "kwic_table",
    "library_versions",
    "load_registry",
    "papermill_options",
    "render_one",
    "render_reports",
    "report_context",
    "write_index",
]
