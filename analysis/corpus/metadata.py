"""The metadata sidecar: a CSV keyed by doc_id that fills or overrides documents' fields.

A sidecar corrects what the sources got wrong or lack (a date, an outlet) without editing the
sources. It is keyed by the final ids ("~2" suffixes included), so it is applied after ids are
made unique, and its dates go through the same checks as the documents' own.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.corpus.dates import check_dates, date_notes, parse_dates
from analysis.corpus.languages import language_codes
from analysis.corpus.readers import COLUMN_NAMES, read_bytes
from analysis.errors import InputError
from analysis.files import is_url, join, name_of, url_is_file
from analysis.text import clean as textclean

METADATA_FILE = "metadata.csv"
"""The sidecar's name at the top of a folder source (never read as a table)."""


def sidecar_path(metadata, sources: list) -> Path | None:
    """The sidecar to apply: ``metadata`` itself; none when it is False; when it is None, a
    ``metadata.csv`` at the top of a single folder source if there is one."""
    if metadata is False:
        return None
    if metadata is not None:
        return metadata if is_url(metadata) else Path(os.fspath(metadata)).expanduser()
    if len(sources) == 1 and is_url(sources[0]):  # a folder by URL (s3://...): its sidecar
        candidate = join(sources[0], METADATA_FILE)
        return candidate if url_is_file(candidate) else None
    if len(sources) == 1 and not isinstance(sources[0], pd.DataFrame):
        candidate = Path(os.fspath(sources[0])).expanduser() / METADATA_FILE
        if candidate.is_file():
            return candidate
    return None


def read_metadata(path: Path) -> pd.DataFrame:
    """The sidecar CSV: doc_id plus the date/source/url/title columns it has, all text.

    Columns are found by name as in tables (``doc_id`` or ``id``; other columns, such as
    ``note``, are ignored), plus ``row``, the line number in the file. An unreadable file, a
    missing doc_id column, or an empty or repeated doc_id is an InputError naming the line.
    """
    try:
        text, _ = textclean.decode_bytes(read_bytes(path))
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except FileNotFoundError:
        raise InputError(f"{path}: no such metadata file") from None
    except (
        OSError,
        textclean.UndecodableError,
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
    ) as error:
        raise InputError(f"{path}: not a readable metadata CSV ({error})") from None
    by_lower = {column.strip().lower(): column for column in frame.columns}
    id_column = by_lower.get("doc_id") or by_lower.get("id")
    if id_column is None:
        raise InputError(
            f"{path}: metadata needs a doc_id column; columns: {', '.join(frame.columns)}"
        )
    out = pd.DataFrame({"doc_id": frame[id_column].str.strip()})
    for role in ("date", "source", "url", "title", "language"):
        column = next((by_lower[n] for n in COLUMN_NAMES[role] if n in by_lower), None)
        if column is not None:
            out[role] = frame[column].map(textclean.clean_string).str.strip()
    if "language" in out:
        out["language"] = language_codes(out["language"])
    out = out.assign(row=np.arange(2, len(out) + 2))  # line number in the file (after header)
    missing = out.index[out["doc_id"] == ""]
    if len(missing):
        raise InputError(f"{path} line {out.loc[missing[0], 'row']}: doc_id is empty")
    repeated = out.index[out["doc_id"].duplicated()]
    if len(repeated):
        first = repeated[0]
        raise InputError(
            f"{path} line {out.loc[first, 'row']}: doc_id {out.loc[first, 'doc_id']!r} "
            "appears more than once"
        )
    return out


def apply_metadata(
    frame: pd.DataFrame, sidecar: pd.DataFrame, path: Path, notes: list[list[str]]
) -> tuple[pd.DataFrame, list[str]]:
    """Fill or override date/source/url/title/language from the sidecar; returns the unmatched ids.

    Non-empty values win over the document's own, and a sidecar date sets ``date_source`` to
    "metadata" and ``date_note`` to the notes of its own value; a bad or future sidecar date is
    a warning on the document and changes nothing.
    Sidecar ids that match no document are returned, sorted.
    """
    position_of = {doc_id: i for i, doc_id in enumerate(frame["doc_id"].tolist())}
    matched = sidecar["doc_id"].isin(position_of.keys())
    unmatched = sorted(sidecar.loc[~matched, "doc_id"].tolist())
    sidecar = sidecar[matched]
    positions = np.array([position_of[d] for d in sidecar["doc_id"]], dtype=np.int64)
    columns = {
        name: frame[name].to_numpy(dtype=object).copy()
        for name in ("title", "source", "url", "language", "date_source", "date_note")
    }
    dates = frame["date"].to_numpy().copy()
    for role in ("title", "source", "url", "language"):
        if role in sidecar:
            values = sidecar[role].to_numpy(dtype=object)
            given = values != ""
            columns[role][positions[given]] = values[given]
    if "date" in sidecar:
        parsed, bad = parse_dates(sidecar["date"])
        local_notes = [[] for _ in range(len(sidecar))]
        where = [f"{name_of(path)} line {row}" for row in sidecar["row"]]
        values = sidecar["date"].reset_index(drop=True)
        parsed = check_dates(parsed, bad, values, where, local_notes, "metadata date", "ignored")
        for position, extra in zip(positions.tolist(), local_notes, strict=True):
            notes[position].extend(extra)
        good = ~np.isnat(parsed)
        dates[positions[good]] = parsed[good]
        columns["date_source"][positions[good]] = "metadata"
        sidecar_notes = np.asarray(date_notes(values, parsed), dtype=object)
        columns["date_note"][positions[good]] = sidecar_notes[good]
    frame = frame.assign(
        date=dates, **{name: pd.array(values, dtype="str") for name, values in columns.items()}
    )
    return frame, unmatched
