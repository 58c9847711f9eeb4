"""Tables to raw records: which column plays which role, and one record per row.

Every table format (and a DataFrame given to ``load_corpus``) ends here, so column detection,
the date fallback and the doc_id rules of table rows are the same whatever the file type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.corpus.readers import base
from analysis.errors import InputError
from analysis.text import clean as textclean

# Column names recognised in tables and front matter, most specific first (case-insensitive).
# Beyond the plain names, those of the exports users hold: Media Cloud (stories_id, media_name,
# publish_date), NewsAPI (publishedAt, source.name, description), GDELT DOC (seendate, domain).
# Nested objects are flattened to dotted names first (``source.name``).
COLUMN_NAMES = {
    "text": ("text", "body", "content", "article", "description"),
    "date": (
        "date", "published", "published_at", "publishedat", "pubdate", "publish_date",
        "published_time", "date_published", "seendate",
    ),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "source": (
        "source", "outlet", "publisher", "media_name", "source.name", "publisher.name",
        "source_name", "domain",
    ),
    "language": ("language", "lang", "inlanguage", "sourcelang"),
    "id": ("doc_id", "id", "stories_id", "story_id"),
    "country": ("sourcecountry",),  # GDELT's outlet country, kept as a note (no column)
    "path": ("path",),
}  # fmt: skip

# Exports recognised by their columns: (name, columns any of which marks it, has body text).
_EXPORTS = (
    ("GDELT", ("seendate", "url_mobile", "mobileurl", "sourcecountry"), False),
    ("NewsAPI", ("publishedat", "urltoimage"), True),
    ("Media Cloud", ("stories_id", "media_name", "media_id"), True),
)
_NO_TEXT = "{} export: no article text, only the title is searched"
_GDELT_DAY = "seendate: the day GDELT first saw the article (UTC), not the outlet's own date"
_COUNTRY = "source country (GDELT sourcecountry)"
_TRUNCATED = r"\s*(?:\u2026|\.\.\.)?\s*\[\+(\d+) chars\]\s*$"  # NewsAPI's cut-off content
_TRUNCATED_REACH = 64  # characters at a text's end that may hold it


def export_shape(columns: Iterable[str]) -> str:
    """The export a table's columns come from ("GDELT", "NewsAPI", "Media Cloud"), "" if none."""
    lower = {str(column).lower() for column in columns}
    for name, marks, _ in _EXPORTS:
        if lower.intersection(marks):
            return name
    return ""


def flatten_record(record: dict, prefix: str = "") -> dict:
    """A JSON object with nested objects as dotted keys (``{"source": {"name": "BBC"}}`` ->
    ``{"source.name": "BBC"}``), a list of values as one ", "-joined text and a list of objects
    as one joined text per key (``authors.name``): no cell ever holds the repr of a dict."""
    out: dict = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten_record(value, f"{name}."))
        elif isinstance(value, list):
            if value and all(isinstance(item, dict) for item in value):
                merged: dict[str, list[str]] = {}
                for item in value:
                    for inner, text in flatten_record(item, f"{name}.").items():
                        merged.setdefault(inner, []).append(scalar_text(text))
                out.update({k: _joined(v) for k, v in merged.items()})
            else:
                out[name] = _list_text(value)
        else:
            out[name] = value
    return out


def _list_text(values: list) -> str:
    parts = []
    for value in values:
        if isinstance(value, dict):
            parts.append(_joined([scalar_text(v) for v in flatten_record(value).values()]))
        elif isinstance(value, list):
            parts.append(_list_text(value))
        else:
            parts.append(scalar_text(value))
    return _joined(parts)


def _joined(parts: list[str]) -> str:
    return ", ".join(part for part in parts if part)


def flatten_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame whose object columns hold dicts or lists, with those flattened as
    :func:`flatten_record` does; the frame itself when there are none."""
    nested = [
        column
        for column in frame.columns
        if frame[column].dtype == object
        and frame[column].map(lambda v: isinstance(v, dict | list)).any()
    ]
    if not nested:
        return frame
    records = [flatten_record(record) for record in frame.to_dict("records")]
    return pd.DataFrame.from_records(records, index=frame.index)


def scalar_text(value) -> str:
    """One table cell or front-matter value as text ("" when missing)."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    return textclean.repair_surrogates(value.strip()) if isinstance(value, str) else str(value)


def detect_columns(columns: Iterable[str], overrides: dict, where: str) -> dict[str, list[str]]:
    """Map roles (text, date, ...) to column names; raise when there is no text column.

    Columns are found by name, case-insensitively (:data:`COLUMN_NAMES`). Every matching
    column of a role is kept, in :data:`COLUMN_NAMES` order, and a row takes the first that is
    not empty (an export with an empty ``date`` but a ``published_time`` is still dated; an
    empty ``content`` falls back to the ``description``). A ``*_column`` override names exactly
    one column. An export known to carry no article text (GDELT) needs only a title.
    """
    columns = [str(column) for column in columns]
    by_lower: dict[str, str] = {}
    for column in columns:
        by_lower.setdefault(column.lower(), column)
    listing = ", ".join(columns) if columns else "(none)"
    found: dict[str, list[str]] = {}
    for role, names in COLUMN_NAMES.items():
        wanted = overrides.get(role)
        if wanted is not None:
            column = wanted if wanted in columns else by_lower.get(str(wanted).lower())
            if column is None:
                raise InputError(f"{where}: {role}_column {wanted!r} not found; columns: {listing}")
            found[role] = [column]
            continue
        matches = [by_lower[name] for name in names if name in by_lower]
        if matches:
            found[role] = matches
    shape = export_shape(columns)
    if "text" not in found and not (shape and "title" in found):
        raise InputError(
            f"{where}: no text column (looked for {', '.join(COLUMN_NAMES['text'])}; "
            f"pass text_column=...); columns: {listing}"
        )
    return found


def first_non_empty(columns: list[pd.Series]) -> pd.Series:
    """Row by row, the first of ``columns`` (text) that is not blank."""
    result = columns[0].reset_index(drop=True)
    for column in columns[1:]:
        result = result.where(result.str.strip() != "", column.reset_index(drop=True))
    return result


def _as_text_series(values: pd.Series) -> pd.Series:
    """Any column as a "str" column, "" where missing; timestamps keep their local date."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.dt.strftime("%Y-%m-%d").fillna("").astype("str")
    if isinstance(values.dtype, pd.StringDtype):
        return values.fillna("").astype("str")
    return values.map(scalar_text).astype("str")


def as_roles(frame: pd.DataFrame, overrides: dict, where: str, rows=None) -> pd.DataFrame:
    """The role columns of a table (text, date, title, ...) as text, plus ``row`` (from 1)."""
    frame = flatten_frame(frame)
    roles = detect_columns(frame.columns, overrides, where)
    columns = {str(column): column for column in frame.columns}
    out = pd.DataFrame(
        {
            role: first_non_empty([_as_text_series(frame[columns[n]]) for n in names]).to_numpy()
            for role, names in roles.items()
        }
    )
    out = out.astype("str") if len(out.columns) else out
    row = np.arange(1, len(frame) + 1) if rows is None else np.asarray(rows)
    out = out.assign(row=row.astype(np.int64))
    out.attrs["shape"] = export_shape(frame.columns)
    out.attrs["date_columns"] = roles.get("date", [])
    return out


def table_records(roles: pd.DataFrame, *, display: str, stem: str, note: str) -> pd.DataFrame:
    """Role columns of one table -> raw records (see ``RAW_COLUMNS``).

    A row's ``base_id`` is its id column (``doc_id``/``id``); else the stem of its ``path``
    column (a table flattened from a folder of files then gives every article the id it would
    have had if the folder had been loaded); else ``"<stem>:<row>"``. A ``path`` column, if any,
    fills ``path``; otherwise it is ``display``. ``note`` (or ``roles.attrs["note"]``) becomes a
    warning on every row.
    """
    note = note or roles.attrs.get("note", "")
    n = len(roles)
    empty = pd.Series([""] * n, dtype="str")

    def column(role: str) -> pd.Series:
        return roles[role].reset_index(drop=True) if role in roles else empty

    rows = roles["row"].to_numpy()
    ids = column("id").str.strip()
    paths = column("path").str.strip()
    fallback = pd.Series([f"{stem}:{row}" for row in rows.tolist()], dtype="str")
    path_stems = paths.map(base.stem).astype("str") if "path" in roles else empty
    base_id = ids.where(ids != "", path_stems.where(path_stems != "", fallback))
    date_raw = column("date").str.strip()
    text, notes = _export_rules(roles, column("text"), [[note] if note else [] for _ in range(n)])
    source = column("source").str.strip()
    shape = roles.attrs.get("shape", "")
    if shape == "GDELT":  # the CSV form may lack the domain: the url's host is the outlet
        host = column("url").str.extract(r"^[a-z]+://(?:www\.)?([^/:?#]+)", expand=False)
        source = source.where(source != "", host.fillna(""))
    for position, country in enumerate(column("country").str.strip().tolist()):
        if country:
            notes[position].append(f"{_COUNTRY}: {country}")
    gdelt_day = shape == "GDELT" and roles.attrs.get("date_columns") == ["seendate"]
    date_note = np.where((date_raw != "").to_numpy() & gdelt_day, _GDELT_DAY, "")
    return pd.DataFrame(
        {
            "base_id": base_id,
            "path": paths.where(paths != "", display) if "path" in roles else display,
            "row": rows,
            "title": column("title"),
            "text": text,
            "date_raw": date_raw,
            "date_origin": np.where(date_raw.to_numpy() != "", "field", ""),
            "source": source,
            "url": column("url").str.strip(),
            "notes": notes,
            "date_note": pd.Series(date_note, dtype="str"),
            "language": column("language").str.strip(),
        }
    )


def _export_rules(roles: pd.DataFrame, text: pd.Series, notes: list[list[str]]):
    """An export's text and notes: NewsAPI's "... [+2481 chars]" cut off the text with a note
    on the document; an export without article text gets a note saying only titles count."""
    # Only a text's last characters can hold the marker: searching whole articles for it
    # took 13 s on 14k White House texts.
    cut = text.str[-_TRUNCATED_REACH:].str.extract(_TRUNCATED, expand=False)
    marked = cut.notna().to_numpy()
    for position in np.flatnonzero(marked):
        notes[position].append(
            f"text truncated by the export: {cut.iloc[position]} more characters not included"
        )
    if marked.any():
        text = text.copy()
        text[marked] = text[marked].str.replace(_TRUNCATED, "", regex=True)
    if "text" not in roles.columns and roles.attrs.get("shape"):
        for row_notes in notes:
            row_notes.append(_NO_TEXT.format(roles.attrs["shape"]))
    return text, notes
