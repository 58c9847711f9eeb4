"""Reports: notebooks run headlessly with papermill and exported to self-contained HTML.

One registry (``analysis/data/reports.yml``, or the user's own) lists the reports: which
notebook, under which name, with which parameters; an entry may fan out into a batch (one
report per entity group, say). :func:`render_reports` runs each notebook with papermill in a
temporary folder, exports it with nbconvert's ``HTMLExporter`` (code hidden unless asked for,
no prompts, no script or style fetched from the network), writes ``<out>/<name>.html``
atomically and then ``<out>/index.html`` with every report's parameters and status.

A notebook that fails still gets its HTML (papermill saves the notebook up to the failing
cell, error included); the other reports render; the index marks it failed and the command
exits non-zero.

The notebooks themselves stay thin: :func:`report_context` loads the corpus, the gazetteer and
the mentions once and hands the notebook everything it displays, including the reproducibility
footer (parameters, corpus and gazetteer hashes, versions, time of rendering).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import html
import importlib.metadata
import json
import numbers
import os
import platform
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis import config, progress
from analysis.errors import InputError
from analysis.io import write_atomic
from analysis.store import corpus_hash  # the store's hash: the same corpus, the same digest

DEFAULT_REGISTRY = config.DATA_DIR / "reports.yml"
KERNEL_NAME = "python3"
PACKAGE_NAME = "news-mentions-analysis"
FOOTER_LIBRARIES = ("pandas", "numpy", "matplotlib", "nltk", "papermill", "nbconvert")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
KWIC_WIDTH = 40  # characters of context each side: a KWIC row stays on one screen line

# Notebook parameters the command line sets for every report (the registry sets the others).
SOURCE_PARAMETERS = ("corpus", "metadata", "gazetteer")

# Shared by the reports (via the nbconvert template) and by the tables shown in JupyterLab.
TABLE_CSS = """
div.nm table.nm-table { border-collapse: collapse; font-size: 0.85rem; margin: 0.4rem 0 1rem;
  table-layout: auto; }
div.nm table.nm-table th, div.nm table.nm-table td { border: none;
  border-bottom: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left;
  vertical-align: top; max-width: 40rem; }
div.nm table.nm-table th { background: #f4f4f4; font-weight: bold; }
div.nm table.nm-table td.nm-num { text-align: right; font-variant-numeric: tabular-nums; }
div.nm table.nm-table td.nm-date { white-space: nowrap; }
div.nm table.nm-kwic td.nm-left { text-align: right; white-space: nowrap; color: #444; }
div.nm table.nm-kwic td.nm-keyword { font-weight: bold; white-space: nowrap; color: #0b4f8a; }
div.nm table.nm-kwic td.nm-right { text-align: left; white-space: nowrap; color: #444; }
div.nm table.nm-kwic td.nm-title { min-width: 14rem; }
div.nm p.nm-caption { color: #555; font-size: 0.85rem; margin: 0.2rem 0; }
.nm-footer, .nm-failed { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.nm-footer { margin: 2rem 1rem 1rem; padding-top: 0.5rem; border-top: 2px solid #0072B2;
  font-size: 0.8rem; color: #333; }
div.nm .nm-footer table { border-collapse: collapse; }
div.nm .nm-footer th { text-align: left; padding: 0.1rem 1rem 0.1rem 0; vertical-align: top;
  white-space: nowrap; border: none; background: none; }
div.nm .nm-footer td { text-align: left; padding: 0.1rem 0; font-family: monospace;
  word-break: break-all; border: none; }
.nm-failed { background: #fde8e0; border-left: 6px solid #D55E00; padding: 0.6rem 1rem;
  margin: 1rem; font-size: 1rem; }
"""

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


# ---------------------------------------------------------------------------------------------
# HTML pieces shown in notebooks


class Html:
    """A piece of HTML that Jupyter displays as such (``_repr_html_``) and prints as text."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return f"Html({self.markup[:60]!r}...)"


def _escape(value: Any) -> str:
    """Text for HTML: every value is escaped; article text and titles are untrusted."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        return html.escape(value.strftime("%Y-%m-%d") if value == value.normalize() else str(value))
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        value = float(value)
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return html.escape(str(value))


def html_table(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    limit: int | None = 50,
    caption: str = "",
    css_class: str = "",
    cell_classes: Mapping[str, str] | None = None,
) -> Html:
    """An HTML table of ``frame`` with every cell escaped (text from articles is untrusted).

    Parameters
    ----------
    frame : DataFrame
    columns : list of str, optional
        The columns to show, in order (default: all).
    limit : int or None
        Rows shown; a caption says how many were left out.
    caption : str
        A line above the table.
    css_class : str
        Extra class on the ``<table>``.
    cell_classes : mapping, optional
        Column -> CSS class of its cells.

    Returns
    -------
    Html
    """
    columns = list(columns) if columns is not None else list(frame.columns)
    shown = frame if limit is None else frame.head(limit)
    cell_classes = dict(cell_classes or {})
    for column in columns:
        if column not in cell_classes and pd.api.types.is_datetime64_any_dtype(frame[column]):
            cell_classes[column] = "nm-date"
        if column not in cell_classes and pd.api.types.is_numeric_dtype(frame[column].dtype):
            if not pd.api.types.is_bool_dtype(frame[column].dtype):
                cell_classes[column] = "nm-num"
    head = "".join(f"<th>{_escape(column)}</th>" for column in columns)
    rows = []
    for record in shown[columns].itertuples(index=False, name=None):
        cells = "".join(
            f'<td class="{cell_classes[column]}">{_escape(value)}</td>'
            if column in cell_classes
            else f"<td>{_escape(value)}</td>"
            for column, value in zip(columns, record, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    notes = [caption] if caption else []
    if limit is not None and len(frame) > limit:
        notes.append(f"showing {limit:,} of {len(frame):,} rows")
    if not len(frame):
        notes.append("no rows")
    caption_html = f'<p class="nm-caption">{_escape("; ".join(notes))}</p>' if notes else ""
    return Html(
        f'<div class="nm"><style>{TABLE_CSS}</style>{caption_html}'
        f'<table class="nm-table {_escape(css_class)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def kwic_table(evidence: pd.DataFrame, *, limit: int | None = 25, caption: str = "") -> Html:
    """Key-word-in-context table of an ``evidence`` frame: date, left | keyword | right, title.

    Parameters
    ----------
    evidence : DataFrame
        From ``analysis.evidence.evidence``: left, keyword, right, date, title, doc_id, ...
    limit : int or None
    caption : str

    Returns
    -------
    Html
        Escaped: a title such as ``<script>`` shows as text and never runs.
    """
    columns = [c for c in ("date", "left", "keyword", "right", "title") if c in evidence]
    return html_table(
        evidence,
        columns=columns,
        limit=limit,
        caption=caption,
        css_class="nm-kwic",
        cell_classes={
            "left": "nm-left",
            "keyword": "nm-keyword",
            "right": "nm-right",
            "title": "nm-title",
            "date": "nm-date",
        },
    )


# ---------------------------------------------------------------------------------------------
# Reproducibility


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def library_versions() -> dict[str, str]:
    """The versions a report depends on: this package, its main libraries and Python."""
    versions = {PACKAGE_NAME: _version(PACKAGE_NAME)}
    versions.update({name: _version(name) for name in FOOTER_LIBRARIES})
    versions["python"] = platform.python_version()
    return versions


def footer(
    parameters: Mapping[str, Any],
    *,
    corpus: str = "",
    documents: int | None = None,
    corpus_sha256: str = "",
    gazetteer_hash: str = "",
    gazetteer_sources: Sequence[str] = (),
    status: str = "",
) -> Html:
    """The reproducibility footer: parameters, hashes, versions and time of rendering.

    Parameters
    ----------
    parameters : mapping
        The notebook's parameters as run.
    corpus : str
        Where the documents came from.
    documents : int, optional
        How many documents were loaded.
    corpus_sha256 : str
        :func:`corpus_hash` of the loaded documents.
    gazetteer_hash, gazetteer_sources : str, sequence of str
        ``Gazetteer.hash`` and the files it was merged from.
    status : str
        Shown when not empty (e.g. the failure of a report).

    Returns
    -------
    Html
    """
    rows = [("rendered at", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))]
    if status:
        rows.append(("status", status))
    rows.append(("parameters", json.dumps(dict(parameters), default=str, ensure_ascii=False)))
    if corpus:
        rows.append(("corpus", corpus))
    if documents is not None:
        rows.append(("documents loaded", f"{documents:,}"))
    if corpus_sha256:
        rows.append(("corpus sha256 (doc_id, date, title, text)", corpus_sha256))
    if gazetteer_hash:
        rows.append(("gazetteer hash", gazetteer_hash))
    if gazetteer_sources:
        rows.append(("gazetteer files", ", ".join(gazetteer_sources)))
    rows.append(
        ("versions", ", ".join(f"{name} {version}" for name, version in library_versions().items()))
    )
    body = "".join(f"<tr><th>{_escape(k)}</th><td>{_escape(v)}</td></tr>" for k, v in rows)
    return Html(
        f'<div class="nm"><style>{TABLE_CSS}</style><footer class="nm-footer">'
        f"<strong>Reproducibility</strong><table>{body}</table></footer></div>"
    )


# ---------------------------------------------------------------------------------------------
# The context a notebook works from


def _text_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(item) for item in value]


class ReportContext:
    """Everything a report notebook shows, loaded once from its parameters.

    Attributes
    ----------
    parameters : dict
        The notebook's parameters as given.
    source : Path
        The corpus location.
    documents : DataFrame
        Every loaded document (DOCUMENT_COLUMNS), duplicates included.
    selection : DataFrame
        Unique documents inside [start, end], and the undated ones (counted apart).
    gazetteer : Gazetteer
    mentions : DataFrame
        Mentions (MENTION_COLUMNS) in ``selection``, of the chosen entities and kinds.
    events : DataFrame or None
        date, label (see ``analysis.plots.load_events``).
    notes : list of str
        Warnings raised while loading (shown by :meth:`summary`).
    """

    def __init__(
        self,
        *,
        parameters: dict[str, Any],
        source: Path,
        documents: pd.DataFrame,
        gazetteer: Any,
        all_mentions: pd.DataFrame,
        events: pd.DataFrame | None,
    ) -> None:
        self.parameters = parameters
        self.source = source
        self.documents = documents
        self.gazetteer = gazetteer
        self.events = events
        self.freq = str(parameters.get("freq") or "W")
        self.normalize = str(parameters.get("normalize") or "count")
        self.start = parameters.get("start") or None
        self.end = parameters.get("end") or None
        self.entities = _text_list(parameters.get("entities"))
        self.kinds = _text_list(parameters.get("kinds"))
        self.selection = self._select_documents(documents)
        self.mentions = self._select_mentions(all_mentions)
        self.notes: list[str] = []

    def _select_documents(self, documents: pd.DataFrame) -> pd.DataFrame:
        from analysis.corpus import unique_documents

        unique = unique_documents(documents)
        if self.start is None and self.end is None:
            return unique
        dates = pd.to_datetime(unique["date"])
        # Undated documents cannot be placed inside or outside the range: kept, as the
        # timeline keeps them, in their own group.
        inside = dates.isna()
        dated = pd.Series(True, index=unique.index)
        if self.start is not None:
            dated &= dates >= pd.Timestamp(self.start)
        if self.end is not None:
            dated &= dates < pd.Timestamp(self.end) + pd.Timedelta(days=1)
        return unique[inside | dated]

    def _select_mentions(self, mentions: pd.DataFrame) -> pd.DataFrame:
        from analysis.timeline import select_entities

        selected = mentions[mentions["doc_id"].isin(self.selection["doc_id"])]
        if self.entities:
            selected = select_entities(selected, self.entities)
        if self.kinds:
            selected = selected[selected["kind"].isin(self.kinds)]
        return selected.reset_index(drop=True)

    @cached_property
    def corpus_sha256(self) -> str:
        """:func:`corpus_hash` of every loaded document."""
        return corpus_hash(self.documents)

    @cached_property
    def series(self) -> pd.DataFrame:
        """``mentions_over_time`` of the selection (``attrs``: freq, normalize, min_documents)."""
        from analysis.timeline import mentions_over_time

        return mentions_over_time(
            self.mentions,
            self.selection,
            freq=self.freq,
            normalize=self.normalize,
            start=self.start,
            end=self.end,
        )

    @cached_property
    def corpus_size(self) -> pd.DataFrame:
        """``corpus_over_time`` of the selection (documents per period, undated last)."""
        from analysis.timeline import corpus_over_time

        return corpus_over_time(self.selection, freq=self.freq, start=self.start, end=self.end)

    @property
    def excluded(self) -> pd.DataFrame:
        """Inputs that did not become documents: path, row, reason."""
        rows = self.documents.attrs.get("excluded") or []
        return pd.DataFrame(rows, columns=["path", "row", "reason"])

    def entity_table(self) -> pd.DataFrame:
        """The gazetteer with how often each entity was found in the selection.

        Returns
        -------
        DataFrame
            id, name, kind, category, aliases ("; "-joined), exclusions, mentions, documents;
            most mentioned first.
        """
        from analysis.mentions import entity_totals

        found = entity_totals(self.mentions).set_index("entity_id")[["mentions", "documents"]]
        entities = self.gazetteer.entities
        return (
            entities.assign(
                aliases=entities["aliases"].map("; ".join),
                exclusions=entities["exclusions"].map("; ".join),
            )
            .merge(found, left_on="id", right_index=True, how="left")
            .assign(
                mentions=lambda d: d["mentions"].fillna(0).astype("int64"),
                documents=lambda d: d["documents"].fillna(0).astype("int64"),
            )
            .sort_values(["mentions", "id"], ascending=[False, True], kind="stable")[
                ["id", "name", "kind", "category", "aliases", "exclusions", "mentions", "documents"]
            ]
            .reset_index(drop=True)
        )

    def surface_table(self) -> pd.DataFrame:
        """Which written forms matched each entity: entity, surface, mentions (most first)."""
        return (
            self.mentions.groupby(["entity", "surface"])
            .size()
            .rename("mentions")
            .reset_index()
            .sort_values(
                ["mentions", "entity", "surface"], ascending=[False, True, True], kind="stable"
            )
            .reset_index(drop=True)
        )

    def top_entities(self, n: int = 1, *, kind: str | None = None) -> list[str]:
        """Names of the ``n`` most-mentioned entities of the selection (of one kind if given)."""
        frame = self.mentions if kind is None else self.mentions[self.mentions["kind"] == kind]
        counts = frame.groupby("entity").size()
        return sorted(counts.index, key=lambda name: (-counts[name], name))[:n]

    def summary(self) -> Html:
        """One paragraph: what was loaded and selected, and what the charts below count."""
        documents = self.documents
        unique = int((documents["duplicate_of"] == "").sum())
        undated = int(self.selection["date"].isna().sum())
        dated = pd.to_datetime(self.selection["date"]).dropna()
        span = (
            f"{len(dated):,} dated from {dated.min():%Y-%m-%d} to {dated.max():%Y-%m-%d}"
            if len(dated)
            else "none dated"
        )
        kinds = self.mentions.groupby("kind")["entity_id"].nunique()
        parts = [
            f"<p><strong>{len(documents):,}</strong> documents loaded from "
            f"<code>{_escape(self.source)}</code> ({unique:,} unique); "
            f"<strong>{len(self.selection):,}</strong> selected ({span}"
            f"{f', {undated:,} undated' if undated else ''}).</p>",
            f"<p><strong>{len(self.mentions):,}</strong> mentions of "
            f"{int(kinds.get('actor', 0)):,} actors and {int(kinds.get('weapon', 0)):,} weapons "
            f"(gazetteer <code>{_escape(self.gazetteer.hash)}</code>, "
            f"{len(self.gazetteer):,} entities). Duplicates are counted once.</p>",
        ]
        excluded = documents.attrs.get("excluded") or []
        if excluded:
            parts.append(
                f"<p>{len(excluded):,} inputs did not become documents (listed in the "
                "corpus overview).</p>"
            )
        if self.notes:
            items = "".join(f"<li>{_escape(note)}</li>" for note in self.notes)
            parts.append(f"<p>Notes from loading:</p><ul>{items}</ul>")
        return Html("".join(parts))

    def evidence(self, entity: str | None = None, *, limit: int | None = 25) -> pd.DataFrame:
        """KWIC rows (``analysis.evidence.evidence``) for ``entity`` or the whole selection."""
        from analysis.evidence import evidence

        return evidence(
            self.mentions,
            self.selection,
            entity=entity,
            freq=self.freq,
            width=KWIC_WIDTH,
            limit=limit,
        )

    def evidence_table(self, entity: str | Sequence[str] | None = None, *, limit: int = 25) -> Html:
        """The evidence behind a chart as an escaped KWIC table (one entity, several or all)."""
        names = _text_list(entity) if entity is not None else []
        rows = self.evidence(names or None, limit=None)
        what = f"mentions of {', '.join(names)}" if names else "mentions in this selection"
        return kwic_table(rows, limit=limit, caption=f"{len(rows):,} {what}")

    def footer(self) -> Html:
        """The reproducibility footer of this report."""
        return footer(
            self.parameters,
            corpus=str(self.source),
            documents=len(self.documents),
            corpus_sha256=self.corpus_sha256,
            gazetteer_hash=self.gazetteer.hash,
            gazetteer_sources=self.gazetteer.sources,
        )


def report_context(
    corpus: str = "",
    *,
    metadata: str = "",
    gazetteer: str = "",
    freq: str = "W",
    start: str = "",
    end: str = "",
    entities: str | Sequence[str] = (),
    kinds: str | Sequence[str] = (),
    normalize: str = "per_1k_words",
    top_n: int = 8,
    events: str = "",
    engine: str = "pandas",
) -> ReportContext:
    """Load the corpus, the gazetteer and the mentions once for a report notebook.

    Parameters
    ----------
    corpus : str
        Folder, file or export of articles; "" for the project's seeds (``config.SEEDS_DIR``).
    metadata : str
        Optional metadata CSV; "" uses ``config.SEEDS_METADATA`` for the seeds when it exists.
    gazetteer : str
        A user YAML/CSV merged on top of the packaged gazetteer; "" for the default alone.
    freq, start, end, entities, kinds, normalize, top_n, events, engine
        The notebook's parameters (see the parameters cell of each notebook); ``events`` is
        a CSV of date,label markers.

    Returns
    -------
    ReportContext
    """
    from analysis.corpus import load_corpus
    from analysis.gazetteer import load_gazetteer
    from analysis.mentions import find_mentions
    from analysis.plots import load_events

    if engine != "pandas":
        from analysis.distributed import check_engine

        check_engine(engine)
    parameters = {
        "corpus": corpus,
        "metadata": metadata,
        "gazetteer": gazetteer,
        "freq": freq,
        "start": start,
        "end": end,
        "entities": list(_text_list(entities)),
        "kinds": list(_text_list(kinds)),
        "normalize": normalize,
        "top_n": top_n,
        "events": events,
        "engine": engine,
    }
    source = Path(corpus).expanduser() if corpus else config.SEEDS_DIR
    if not metadata and source.resolve() == config.SEEDS_DIR.resolve():
        metadata = str(config.SEEDS_METADATA) if config.SEEDS_METADATA.exists() else ""
    # Loading warnings belong in the report's text, not in a red stderr box above it.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        documents = load_corpus(source, metadata=metadata or None)
        entity_list = load_gazetteer(extra=gazetteer or None)
        if engine == "dask":
            from analysis.distributed import find_mentions_dask

            mentions = find_mentions_dask(documents, entity_list)
        else:
            mentions = find_mentions(documents, entity_list)
        context = ReportContext(
            parameters=parameters,
            source=source,
            documents=documents,
            gazetteer=entity_list,
            all_mentions=mentions,
            events=load_events(events) if events else None,
        )
    context.notes.extend(dict.fromkeys(str(warning.message) for warning in caught))
    return context


# ---------------------------------------------------------------------------------------------
# The registry


@dataclass(frozen=True)
class ReportSpec:
    """One report: a notebook, the HTML file name it renders to, and its parameters."""

    name: str
    notebook: str
    title: str
    parameters: dict[str, Any] = field(default_factory=dict)


def load_registry(path: str | os.PathLike[str] | None = None) -> list[ReportSpec]:
    """Read a report registry (YAML).

    Parameters
    ----------
    path : path-like, optional
        Default: ``analysis/data/reports.yml``. The file holds ``defaults`` (parameters given
        to every report) and ``reports``: a list of ``{name, notebook, title, parameters}``;
        an entry with ``batch`` (a list of ``{name, title, parameters}``) becomes one report per
        item, named ``<entry name>-<item name>``, its parameters merged over the entry's.

    Returns
    -------
    list of ReportSpec, in file order.

    Raises
    ------
    InputError
        Naming the file, the entry and the field, for anything malformed or a repeated name.
    """
    path = Path(path) if path else DEFAULT_REGISTRY
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise InputError(f"{path}: not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("reports"), list):
        raise InputError(f"{path}: field 'reports': expected a list of reports")
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise InputError(f"{path}: field 'defaults': expected a mapping of parameters")
    specs: list[ReportSpec] = []
    for number, entry in enumerate(raw["reports"], start=1):
        where = f"{path}: report {number}"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: expected a mapping with name, notebook and parameters")
        unknown = set(entry) - {"name", "notebook", "title", "parameters", "batch"}
        if unknown:
            raise InputError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        for required in ("name", "notebook"):
            if not entry.get(required):
                raise InputError(f"{where}: field '{required}' is missing")
        parameters = {**defaults, **_mapping(entry.get("parameters"), f"{where}: 'parameters'")}
        items = entry.get("batch")
        if items is None:
            specs.append(_spec(entry, entry["name"], parameters, where))
            continue
        if not isinstance(items, list) or not items:
            raise InputError(f"{where}: field 'batch': expected a non-empty list")
        for item_number, item in enumerate(items, start=1):
            item_where = f"{where}, batch item {item_number}"
            if not isinstance(item, dict) or not item.get("name"):
                raise InputError(f"{item_where}: field 'name' is missing")
            extra = _mapping(item.get("parameters"), f"{item_where}: 'parameters'")
            merged = {**parameters, **extra}
            title = item.get("title") or f"{entry.get('title') or entry['name']}: {item['name']}"
            specs.append(
                _spec(
                    {**entry, "title": title}, f"{entry['name']}-{item['name']}", merged, item_where
                )
            )
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise InputError(f"{path}: report name {spec.name!r} is used twice")
        seen.add(spec.name)
    return specs


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected a mapping of parameter: value")
    return dict(value)


def _spec(entry: dict, name: str, parameters: dict[str, Any], where: str) -> ReportSpec:
    name = str(name)
    if not NAME_PATTERN.match(name):
        raise InputError(
            f"{where}: field 'name': {name!r} is not a file name (letters, digits, . _ -)"
        )
    return ReportSpec(
        name=name,
        notebook=str(entry["notebook"]),
        title=str(entry.get("title") or name),
        parameters=parameters,
    )


# ---------------------------------------------------------------------------------------------
# Rendering


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
        f"{_escape(spec.title)}</title><style>{TABLE_CSS}</style></head><body>"
        f"<main><h1>{_escape(spec.title)}</h1>{banner}{footer_html}</main></body></html>"
    )


CELL_TIMEOUT_SECONDS = 600


def papermill_options(notebook: Path) -> dict[str, Any]:
    """Keyword arguments for ``papermill.execute_notebook`` of a report notebook.

    The kernel starts in the notebook's folder; not with papermill's ``cwd=``, which changes
    the working directory of this whole process under every other thread. Its channels are
    encrypted (the kernel warns on every start otherwise) and it is shut down at once when the
    notebook is done.
    """
    from traitlets.config import Config

    from analysis.kernels import PatientKernelManager

    return {
        "kernel_name": KERNEL_NAME,
        "kernel_manager_class": PatientKernelManager,  # no ten-minute sleeps (analysis/kernels.py)
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
            f"{_escape(error)}<br>The output below stops where the notebook stopped.</div>"
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
                spec, banner or f'<div class="nm-failed">{_escape(error)}</div>', footer_html
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
    config: str | os.PathLike[str] | None = None,
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
    config : path-like, optional
        The registry (default ``analysis/data/reports.yml``).
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
    from analysis import config as paths

    source_path = Path(source).expanduser() if source else paths.SEEDS_DIR
    if not source_path.exists():
        raise FileNotFoundError(f"{source_path}: corpus not found")
    if metadata is None and source_path.resolve() == paths.SEEDS_DIR.resolve():
        metadata = paths.SEEDS_METADATA if paths.SEEDS_METADATA.exists() else None
    for name, value in (("metadata", metadata), ("gazetteer", gazetteer)):
        if value and not Path(value).exists():
            raise FileNotFoundError(f"{value}: {name} file not found")
    notebooks = Path(notebooks_dir) if notebooks_dir else paths.NOTEBOOKS_DIR
    out_dir = (Path(out) if out else paths.REPORTS_DIR).resolve()
    specs = load_registry(config)
    given = {
        "corpus": str(source_path.resolve()),
        "metadata": str(Path(metadata).resolve()) if metadata else None,
        "gazetteer": str(Path(gazetteer).resolve()) if gazetteer else None,
    }
    registry_dir = Path(config).resolve().parent if config else DEFAULT_REGISTRY.parent
    located = {spec.name: _locate_notebook(spec, notebooks, registry_dir) for spec in specs}
    _check_parameters(specs, located)
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


def _locate_notebook(spec: ReportSpec, notebooks: Path, registry_dir: Path) -> Path:
    """The notebook of a report: in the notebooks folder, else beside the registry file."""
    for folder in (notebooks, registry_dir):
        path = (folder / spec.notebook).resolve()
        if path.exists():
            return path
    raise FileNotFoundError(
        f"{notebooks / spec.notebook}: notebook of report {spec.name!r} not found"
    )


def _check_parameters(specs: Sequence[ReportSpec], located: Mapping[str, Path]) -> None:
    """Every report's parameters are in its notebook's parameters cell (typos fail early)."""
    import papermill

    known: dict[Path, set[str]] = {}
    for spec in specs:
        path = located[spec.name]
        if path not in known:
            known[path] = set(papermill.inspect_notebook(str(path)))
        unknown = set(spec.parameters) - known[path] - set(SOURCE_PARAMETERS)
        if unknown:
            raise InputError(
                f"report {spec.name!r}: parameter(s) {', '.join(sorted(unknown))} are not in "
                f"{spec.notebook}'s parameters cell"
            )


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


def write_index(results: Sequence[ReportResult], out: Path, *, source: str = "") -> Path:
    """Write ``<out>/index.html``: every report with its parameters, status and a link."""
    rows = []
    for result in results:
        shown = {k: v for k, v in result.parameters.items() if k not in SOURCE_PARAMETERS}
        parameters = "<br>".join(
            f"{_escape(k)} = {_escape(json.dumps(v, default=str, ensure_ascii=False))}"
            for k, v in shown.items()
        )
        status = (
            '<span class="status-ok">ok</span>'
            if result.ok
            else f'<span class="status-failed">failed<span class="error">{_escape(result.error)}'
            "</span></span>"
        )
        rows.append(
            f'<tr><td><a href="{_escape(result.path.name)}">{_escape(result.spec.title)}</a>'
            f"<br><small>{_escape(result.path.name)}</small></td>"
            f'<td>{_escape(result.spec.notebook)}</td><td class="params">{parameters}</td>'
            f"<td>{status}</td><td>{result.seconds:.1f} s</td></tr>"
        )
    failed = sum(not result.ok for result in results)
    summary = (
        f"{len(results)} reports, {failed} failed" if failed else f"{len(results)} reports, all ok"
    )
    if source:
        summary += f" &middot; corpus <code>{_escape(source)}</code>"
    page = INDEX_TEMPLATE.format(
        summary=summary, rows="\n".join(rows), footer=footer({"source": source}).markup
    )
    return write_atomic(out / "index.html", page)


# ---------------------------------------------------------------------------------------------
# Command line


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """``python -m analysis report [SOURCE] ...``: render the registry's reports to HTML."""
    parser = subparsers.add_parser(
        "report",
        help="render the HTML reports (papermill + nbconvert) and their index",
        description="Run every notebook of the report registry headlessly and export HTML.",
    )
    parser.add_argument(
        "source",
        nargs="?",
        default=None,
        help=f"corpus folder or file (default: the seeds, {config.SEEDS_DIR})",
    )
    parser.add_argument("--metadata", help="metadata CSV (default: the seeds' metadata.csv)")
    parser.add_argument("--gazetteer", help="your YAML/CSV gazetteer, merged on the default")
    parser.add_argument(
        "--config", help=f"report registry YAML (default: {DEFAULT_REGISTRY.name} in the package)"
    )
    parser.add_argument("--out", help=f"output folder (default: {config.REPORTS_DIR})")
    parser.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: 2)")
    parser.set_defaults(func=_run_command)


def _run_command(args: argparse.Namespace) -> int:
    results = render_reports(
        args.source,
        metadata=args.metadata,
        gazetteer=args.gazetteer,
        config=args.config,
        out=args.out,
        show_code=args.show_code,
        jobs=args.jobs,
    )
    for result in results:
        if not result.ok:
            print(f"FAILED {result.spec.name}: {result.error}", file=sys.stderr)
    failed = sum(not result.ok for result in results)
    index = (Path(args.out) if args.out else config.REPORTS_DIR).resolve() / "index.html"
    print(f"{len(results) - failed} of {len(results)} reports rendered; open {index.as_uri()}")
    return 1 if failed else 0
