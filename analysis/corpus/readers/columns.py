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
COLUMN_NAMES = {
    "text": ("text", "body", "content", "article"),
    "date": ("date", "published", "published_at", "pubdate", "publish_date", "published_time"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "source": ("source", "outlet", "publisher"),
    "id": ("doc_id", "id"),
    "path": ("path",),
}


def scalar_text(value) -> str:
    """One table cell or front-matter value as text ("" when missing)."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    return textclean.repair_surrogates(value.strip()) if isinstance(value, str) else str(value)


def detect_columns(columns: Iterable[str], overrides: dict, where: str) -> dict[str, list[str]]:
    """Map roles (text, date, ...) to column names; raise when there is no text column.

    Columns are found by name, case-insensitively (:data:`COLUMN_NAMES`). Each role gets its
    first matching column, except the date: every date-like column is kept, in
    :data:`COLUMN_NAMES` order, and a row takes the first that is not empty (an export with an
    empty ``date`` but a ``published_time`` is still dated). A ``*_column`` override names
    exactly one column.
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
            found[role] = matches if role == "date" else matches[:1]
    if "text" not in found:
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
    return out.assign(row=row.astype(np.int64))


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
    return pd.DataFrame(
        {
            "base_id": base_id,
            "path": paths.where(paths != "", display) if "path" in roles else display,
            "row": rows,
            "title": column("title"),
            "text": column("text"),
            "date_raw": date_raw,
            "date_origin": np.where(date_raw.to_numpy() != "", "field", ""),
            "source": column("source").str.strip(),
            "url": column("url").str.strip(),
            "notes": [[note] if note else [] for _ in range(n)],
        }
    )
