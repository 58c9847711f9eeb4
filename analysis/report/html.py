"""HTML pieces a notebook displays: escaped tables, KWIC rows, the shared CSS and the footer.

Reports, the explorer and the lessons show the same tables, so they take them from here rather
than from the renderer. Every value is escaped on the way in: titles and article text are
untrusted, and a ``<script>`` in a headline must show as text. The footer records what a page
was made from (parameters, corpus and gazetteer hashes, library versions, time of rendering).
"""

from __future__ import annotations

import html
import importlib.metadata
import json
import numbers
import platform
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

PACKAGE_NAME = "news-mentions-analysis"
FOOTER_LIBRARIES = ("pandas", "numpy", "matplotlib", "nltk", "papermill", "nbconvert")

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
div.nm table.nm-evidence { width: 100%; table-layout: fixed; }
div.nm table.nm-evidence td, div.nm table.nm-evidence th { max-width: none;
  overflow-wrap: anywhere; }
div.nm table.nm-evidence col.nm-c-date { width: 6.5rem; }
div.nm table.nm-evidence col.nm-c-outlet { width: 9rem; }
div.nm table.nm-evidence col.nm-c-title { width: 30%; }
div.nm table.nm-evidence tbody th { background: #eef4fa; text-align: left; font-weight: normal;
  border-top: 2px solid #0072B2; }
div.nm table.nm-evidence tbody:target th { background: #fff3c4; }
div.nm table.nm-evidence tbody:target td { background: #fffbe8; }
div.nm table.nm-evidence .nm-kw { font-weight: bold; color: #0b4f8a; }
div.nm h3.nm-entity { margin: 1.2rem 0 0.2rem; font-size: 1.05rem; }
div.nm h3.nm-entity:target { background: #fff3c4; }
div.nm-figure img, div.nm-figure svg { width: 100%; height: auto; display: block; }
div.nm-figure { max-width: 100%; margin: 0.4rem 0 1rem; }
.jp-RenderedImage img, .output_png img { max-width: 100%; height: auto; }
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


def escape(value: Any) -> str:
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
    head = "".join(f"<th>{escape(column)}</th>" for column in columns)
    rows = []
    for record in shown[columns].itertuples(index=False, name=None):
        cells = "".join(
            f'<td class="{cell_classes[column]}">{escape(value)}</td>'
            if column in cell_classes
            else f"<td>{escape(value)}</td>"
            for column, value in zip(columns, record, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    notes = [caption] if caption else []
    if limit is not None and len(frame) > limit:
        notes.append(f"showing {limit:,} of {len(frame):,} rows")
    if not len(frame):
        notes.append("no rows")
    caption_html = f'<p class="nm-caption">{escape("; ".join(notes))}</p>' if notes else ""
    return Html(
        f'<div class="nm"><style>{TABLE_CSS}</style>{caption_html}'
        f'<table class="nm-table {escape(css_class)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def kwic_table(evidence: pd.DataFrame, *, limit: int | None = 25, caption: str = "") -> Html:
    """Key-word-in-context table of an ``evidence`` frame: date, left | keyword | right, title.

    Parameters
    ----------
    evidence : DataFrame
        From ``analysis.kwic.evidence``: left, keyword, right, date, title, doc_id, ...
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


# --- evidence by entity and period: where a chart's points link to ---------------------------


def safe_url(url: Any) -> str:
    """``url`` when it is an http(s) address, else "": a ``javascript:`` link must never be made."""
    text = "" if url is None or (pd.api.types.is_scalar(url) and pd.isna(url)) else str(url)
    text = text.strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


def _period_heading(period: Any, freq: str) -> str:
    from analysis.periods import freq_name, period_label

    if pd.isna(period):
        return "undated"
    label = period_label(period, freq)
    return f"the {freq_name(freq)} of {label}" if freq_name(freq) in {"day", "week"} else label


def _snippet(row: Mapping[str, Any]) -> str:
    """left <keyword> right, escaped, with "…" where the context stops inside the sentence."""
    left, keyword, right = (str(row.get(name, "") or "") for name in ("left", "keyword", "right"))
    sentence = str(row.get("sentence", "") or "")
    lead = "…" if left.strip() and not sentence.startswith(left.strip()) else ""
    tail = "…" if right.strip() and not sentence.endswith(right.strip()) else ""
    # apart from the words it stands for: "… prepare", never "…prepare"
    lead += " " if lead and not left[:1].isspace() else ""
    tail = (" " if tail and not right[-1:].isspace() else "") + tail
    return (
        f'{escape(lead)}{escape(left)}<span class="nm-kw">{escape(keyword)}</span>'
        f"{escape(right)}{escape(tail)}"
    )


def _outlet(row: Mapping[str, Any]) -> str:
    """The row's outlet: its source, else its URL's host in grey (``analysis.kwic.outlet_of``),
    else "not known" in grey."""
    from analysis.kwic import outlet_of

    source = row.get("source")
    if source is not None and not pd.isna(source) and str(source).strip():
        return escape(str(source).strip())
    host = outlet_of("", row.get("url"))
    if host:
        hint = "no outlet given: the host of the article's address"
        return f'<span class="nm-caption" title="{hint}">{escape(host)}</span>'
    return '<span class="nm-caption">not known</span>'


def evidence_by_period(
    sample: pd.DataFrame,
    *more: pd.DataFrame,
    caption: str = "",
    freq: str | None = None,
) -> Html:
    """The evidence behind a chart: one section per entity, one anchored group per period.

    Parameters
    ----------
    sample : DataFrame
        From :func:`analysis.kwic.evidence_sample`: the evidence columns (left, keyword, right,
        sentence, date, title, url, source, doc_id, entity) and entity_id, period,
        period_mentions, period_rank, anchor (and outlet).
    *more : DataFrame
        Other samples of the same frequency, shown after it (an entity already shown is not
        shown again): the peaks of a heatmap's rows below the lines' entities, say.
    caption : str
        A line above the tables.
    freq : str, optional
        The periods' frequency; default ``sample.attrs["freq"]``.

    Returns
    -------
    Html
        Each entity has the anchor ``evidence_anchor(entity_id)`` on its heading and each
        period a ``<tbody id="...">`` with ``evidence_anchor(entity_id, period, freq)``, the
        ids a chart drawn with ``links=True`` points to; the period's rows are its peaks first.
        A row shows date, outlet, title (once per document in a group, linked to the
        article's URL when it has one) and the words around the mention, cut between words.
        Everything is escaped; only http(s) URLs become links.
    """
    from analysis.kwic import evidence_anchor

    freq = freq or sample.attrs.get("freq") or "W"
    if more:
        shown = set(sample["entity_id"])
        extra = [frame.loc[~frame["entity_id"].isin(shown)] for frame in more]
        sample = pd.concat([sample, *extra], ignore_index=True)
    notes = [caption] if caption else []
    if sample.empty:
        notes.append("no mentions in this selection")
        return Html(
            f'<div class="nm"><style>{TABLE_CSS}</style>'
            f'<p class="nm-caption">{escape("; ".join(notes))}</p></div>'
        )
    parts = [f'<div class="nm"><style>{TABLE_CSS}</style>']
    if notes:
        parts.append(f'<p class="nm-caption">{escape("; ".join(notes))}</p>')
    # Rows taken out of the frame once: a to_dict per period group costs seconds at 14k
    # documents. Entities and periods keep the sample's order (peaks first).
    entities: dict[Any, dict[Any, list[dict]]] = {}
    for record in sample.to_dict("records"):
        entities.setdefault(record["entity_id"], {}).setdefault(record["anchor"], []).append(record)
    for entity_id, groups in entities.items():
        name = next(iter(groups.values()))[0]["entity"]
        parts.append(
            f'<h3 class="nm-entity" id="{escape(evidence_anchor(entity_id))}">{escape(name)}'
            f' <span class="nm-caption">({len(groups):,} period{"s" if len(groups) != 1 else ""}'
            f"{', busiest first' if len(groups) > 1 else ''})</span></h3>"
        )
        parts.append(
            '<table class="nm-table nm-evidence"><colgroup><col class="nm-c-date">'
            '<col class="nm-c-outlet"><col class="nm-c-title"><col></colgroup>'
            "<thead><tr><th>date</th><th>outlet</th><th>article</th><th>in context</th></tr>"
            "</thead>"
        )
        for anchor, group in groups.items():
            first = group[0]
            count = int(first["period_mentions"])
            shown = len(group)
            parts.append(
                f'<tbody id="{escape(anchor)}"><tr><th colspan="4">'
                f"<strong>{escape(name)}</strong>, {escape(_period_heading(first['period'], freq))}"
                f": {count:,} mention{'s' if count != 1 else ''}"
                f"{f' (showing {shown:,})' if shown < count else ''}</th></tr>"
            )
            previous = None
            for record in group:
                url = safe_url(record.get("url"))
                title = str(record.get("title", "") or "") or str(record.get("doc_id", ""))
                if record["doc_id"] == previous:
                    article = '<span class="nm-caption">same article</span>'
                elif url:
                    article = f'<a href="{escape(url)}">{escape(title)}</a>'
                else:
                    article = escape(title)
                previous = record["doc_id"]
                parts.append(
                    f'<tr><td class="nm-date">{escape(record.get("date"))}</td>'
                    f"<td>{_outlet(record)}</td><td>{article}</td>"
                    f"<td>{_snippet(record)}</td></tr>"
                )
            parts.append("</tbody>")
        parts.append("</table>")
    parts.append("</div>")
    return Html("".join(parts))


def evidence_by_statement(evidence: pd.DataFrame, *, caption: str = "") -> Html:
    """The sentences behind the bars of the action chart: one anchored group per statement.

    Parameters
    ----------
    evidence : DataFrame
        From :func:`analysis.pairs.statement_evidence`: label, anchor, sentences, date,
        doc_id, title, url, source_outlet, outlet, left, pieces, right.
    caption : str

    Returns
    -------
    Html
        Each statement is a ``<tbody id="<anchor>">`` headed by its label and the number of
        sentences stating it; a row shows date, outlet, article (linked to its http(s) URL)
        and the words around the actor and the weapon, both highlighted. Everything escaped.
    """
    notes = [caption] if caption else []
    head = f'<div class="nm"><style>{TABLE_CSS}</style>'
    if evidence.empty:
        notes.append("no statement in this selection")
        return Html(f'{head}<p class="nm-caption">{escape("; ".join(notes))}</p></div>')
    parts = [head]
    if notes:
        parts.append(f'<p class="nm-caption">{escape("; ".join(notes))}</p>')
    parts.append(
        '<table class="nm-table nm-evidence"><colgroup><col class="nm-c-date">'
        '<col class="nm-c-outlet"><col class="nm-c-title"><col></colgroup>'
        "<thead><tr><th>date</th><th>outlet</th><th>article</th><th>in context</th></tr></thead>"
    )
    groups: dict[str, list[dict]] = {}
    for record in evidence.to_dict("records"):
        groups.setdefault(record["anchor"], []).append(record)
    for anchor, group in groups.items():
        first = group[0]
        count = int(first["sentences"])
        parts.append(
            f'<tbody id="{escape(anchor)}"><tr><th colspan="4"><strong>{escape(first["label"])}'
            f"</strong>: {count:,} sentence{'s' if count != 1 else ''}"
            f"{f' (showing {len(group):,})' if len(group) < count else ''}</th></tr>"
        )
        for record in group:
            url = safe_url(record.get("url"))
            title = str(record.get("title", "") or "") or str(record.get("doc_id", ""))
            article = f'<a href="{escape(url)}">{escape(title)}</a>' if url else escape(title)
            pieces = "".join(
                f'<span class="nm-kw">{escape(text)}</span>' if marked else escape(text)
                for text, marked in record["pieces"]
            )
            outlet = _outlet({"source": record.get("source_outlet"), "url": record.get("url")})
            parts.append(
                f'<tr><td class="nm-date">{escape(record.get("date"))}</td><td>{outlet}</td>'
                f"<td>{article}</td><td>{escape(record['left'])}{pieces}"
                f"{escape(record['right'])}</td></tr>"
            )
        parts.append("</tbody>")
    parts.append("</table></div>")
    return Html("".join(parts))


def figure_html(svg: str, *, alt: str = "") -> Html:
    """An SVG figure (see ``analysis.plots.svg_links``) inline and as wide as the page.

    Inline, not in an ``<img>``: only then do its links work, without JavaScript.
    """
    label = f' role="img" aria-label="{escape(alt)}"' if alt else ""
    return Html(f'<div class="nm nm-figure"{label}><style>{TABLE_CSS}</style>{svg}</div>')


# --- reproducibility ----------------------------------------------------------------------------


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
        :func:`analysis.store.corpus_hash` of the loaded documents.
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
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return Html(
        f'<div class="nm"><style>{TABLE_CSS}</style><footer class="nm-footer">'
        f"<strong>Reproducibility</strong><table>{body}</table></footer></div>"
    )
