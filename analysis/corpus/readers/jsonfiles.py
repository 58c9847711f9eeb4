"""JSON tables: a JSON list of objects (or an export's envelope holding one), and JSON Lines.

JSON Lines is how big exports come, so it is read by pyarrow's multi-threaded reader; a file
that reader refuses is read again line by line, so that one bad line is one exclusion rather
than a failed file. Either way the fields are those of the whole file (a field first seen on
line 250 counts), and nested objects are flattened (``source.name``), never turned into the
text of a dict.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import progress
from analysis.corpus.readers.base import Source, decoded_text, stem
from analysis.corpus.readers.columns import (
    as_roles,
    detect_columns,
    export_shape,
    first_non_empty,
    flatten_record,
    scalar_text,
    table_records,
)
from analysis.errors import InputError
from analysis.text import clean as textclean

_ENVELOPE_KEYS = ("articles", "stories", "results", "items", "documents", "records", "data")


def read_json_list(source: Source) -> pd.DataFrame:
    """A ``.json`` file: a list of objects, one document per object; or an export's envelope,
    an object holding that list (NewsAPI's ``{"status", "totalResults", "articles"}``,
    GDELT's ``{"articles"}``); or one article object. An item that is not an object is an
    exclusion (row counting items from 1); an error envelope is an InputError quoting it."""
    text, note = decoded_text(source)
    display = source.display
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{display}: not valid JSON ({error})") from None
    items = _items(loaded, display)
    records, rows = [], []
    for row, item in enumerate(items, start=1):
        if isinstance(item, dict):
            records.append(flatten_record(_repaired(item)))
            rows.append(row)
        else:
            source.exclude(display, row, f"not a JSON object ({type(item).__name__})")
    roles = as_roles(pd.DataFrame.from_records(records), source.overrides, display, rows)
    return table_records(roles, display=display, stem=stem(source.path.name), note=note)


def _items(loaded, display: str) -> list:
    """The list of articles in a loaded ``.json`` file."""
    if isinstance(loaded, list):
        return loaded
    if not isinstance(loaded, dict):
        raise InputError(f"{display}: expected a JSON list of objects (or use JSON Lines)")
    if str(loaded.get("status", "")).lower() == "error":
        detail = loaded.get("message") or loaded.get("code") or "no message"
        raise InputError(f"{display}: the export is an error response ({detail})")
    lists = [key for key, value in loaded.items() if isinstance(value, list)]
    named = [key for key in _ENVELOPE_KEYS if key in lists]
    if named or len(lists) == 1:
        return loaded[(named or lists)[0]]
    if not lists and not any(isinstance(v, dict | list) for v in loaded.values()):
        return [loaded]  # one article as one object
    found = ", ".join(lists) if lists else "none"
    raise InputError(
        f"{display}: expected a JSON list of objects or an object holding one under "
        f"{', '.join(_ENVELOPE_KEYS)} (lists found: {found})"
    )


def _repaired(item: dict) -> dict:
    return {k: textclean.repair_surrogates(v) if isinstance(v, str) else v for k, v in item.items()}


def read_json_lines(source: Source) -> pd.DataFrame:
    """A ``.jsonl``/``.ndjson`` file: one document per object, row counting non-blank lines
    from 1. The role fields are read as text, so a timestamp keeps its local date."""
    roles = _read_jsonl(source)
    return table_records(roles, display=source.display, stem=stem(source.path.name), note="")


def _read_jsonl(source: Source) -> pd.DataFrame:
    """JSON Lines with pyarrow's multi-threaded reader; line by line when that cannot cope.

    Fields seen in the first lines are read as strings (type inference would turn
    "2024-10-29 23:59:00-04:00" into a UTC timestamp and lose the local date); fields first
    seen later are inferred, and read again as strings when they turn out to play a role as
    anything but text."""
    path = source.path
    compression = "gzip" if path.name.lower().endswith(".gz") else None
    forced = {key for key, scalar in _sample_keys(path, compression).items() if scalar}
    try:
        table = _arrow_table(path, compression, forced)
        roles = detect_columns(table.column_names, source.overrides, source.display)
        retyped = _not_text(table, roles) - forced
        if retyped:
            table = _arrow_table(path, compression, forced | retyped)
            if _not_text(table, roles) - forced - retyped:
                raise pa.ArrowInvalid("a nested field plays a role with a non-text type")
        frame = pd.DataFrame(
            {
                role: first_non_empty([_column_text(table.column(n)) for n in names])
                for role, names in roles.items()
            }
        )
    except (pa.ArrowInvalid, OSError, KeyError):
        return _read_jsonl_slowly(source)
    frame = frame.astype("str").assign(row=np.arange(1, len(frame) + 1, dtype=np.int64))
    frame.attrs["shape"] = export_shape(table.column_names)
    frame.attrs["date_columns"] = roles.get("date", [])
    return frame


def _arrow_table(path: Path, compression: str | None, forced: set[str]) -> pa.Table:
    """The file as an Arrow table, ``forced`` fields as strings, others inferred; nested
    objects flattened to dotted names."""
    import pyarrow.json as pajson

    schema = pa.schema([(column, pa.large_string()) for column in sorted(forced)])
    options = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
    with (
        open(path, "rb") as raw,
        progress.bar(path.stat().st_size, f"reading {path.name}") as shown,
    ):
        # Arrow reads through Python here only to count the bytes for the progress bar,
        # in 1 MB reads: no measurable cost (smaller reads cost ~20% of the read time).
        counted = pa.PythonFile(_Counted(raw, shown), mode="r")
        stream = pa.BufferedInputStream(counted, buffer_size=1 << 20)
        if compression:
            stream = pa.CompressedInputStream(stream, compression)
        table = pajson.read_json(stream, parse_options=options)
    while any(pa.types.is_struct(field.type) for field in table.schema):
        table = table.flatten()
    return table


def _not_text(table: pa.Table, roles: dict) -> set[str]:
    """Top-level fields of role columns that Arrow read as dates or times (which it converts
    to UTC), to be read again as strings."""
    out = set()
    for names in roles.values():
        for name in names:
            if pa.types.is_temporal(table.schema.field(name).type):
                out.add(name.split(".", 1)[0])
    return out


def _column_text(column: pa.ChunkedArray) -> pd.Series:
    """A role column as text, "" where missing; a list or other nested value raises
    ArrowInvalid (the line-by-line reader flattens those)."""
    kind = column.type
    if pa.types.is_null(kind):
        return pd.Series([""] * len(column), dtype="str")
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
        column = column.cast(pa.large_string())
    elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise pa.ArrowInvalid(f"a role field of type {kind}")
    return column.to_pandas().fillna("").astype("str")


class _Counted(io.RawIOBase):
    """A binary file that reports the bytes read from it to a progress bar."""

    def __init__(self, raw, shown):
        self.raw, self.shown = raw, shown

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        self.shown.update(count or 0)
        return count


def _sample_keys(path: Path, compression: str | None, lines: int = 200) -> dict[str, bool]:
    """Field names of the first ``lines`` records (read in 1 MB blocks, at most 64 MB), each
    with whether its values there are all scalars (those can be read as strings)."""
    head = b""
    try:
        with pa.input_stream(path, compression=compression) as stream:
            while head.count(b"\n") < lines and len(head) < 64 << 20:
                block = stream.read(1 << 20)
                if not block:
                    break
                head += block
    except (OSError, EOFError, pa.ArrowException) as error:
        raise InputError(f"{path}: unreadable ({error})") from None
    keys: dict[str, bool] = {}
    for line in head.decode("utf-8-sig", errors="replace").split("\n")[:lines]:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # blank, cut off at the end of the block, or bad: read later
        if isinstance(record, dict):
            for key, value in record.items():
                scalar = value is None or isinstance(value, str | int | float | bool)
                keys[str(key)] = keys.get(str(key), True) and scalar
    return keys


def _read_jsonl_slowly(source: Source) -> pd.DataFrame:
    """Line by line, so that one bad line is one exclusion rather than a failed file; the
    roles come from the fields of every line."""
    text, note = decoded_text(source)
    display, exclude = source.display, source.exclude
    records, rows = [], []
    row = 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        row += 1
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            exclude(display, row, f"not valid JSON ({error.msg} at column {error.colno})")
            continue
        if not isinstance(record, dict):
            exclude(display, row, f"not a JSON object ({type(record).__name__})")
            continue
        rows.append(row)
        records.append(flatten_record(record))
    keys = dict.fromkeys(key for record in records for key in record)
    roles = detect_columns(list(keys), source.overrides, display)
    columns = {role: [] for role in roles}
    for record in records:
        for role, names in roles.items():
            values = (scalar_text(record.get(name)) for name in names)
            columns[role].append(next((v for v in values if v.strip()), ""))
    frame = pd.DataFrame(columns, dtype="str")
    frame = frame.assign(row=np.asarray(rows, dtype=np.int64))
    frame.attrs["shape"] = export_shape(keys)
    frame.attrs["date_columns"] = roles.get("date", [])
    if note:  # carried to every row's notes by table_records through attrs
        frame.attrs["note"] = note
    return frame
