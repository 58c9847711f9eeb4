"""JSON tables: a JSON list of objects, and JSON Lines (one object per line).

JSON Lines is how big exports come, so it is read by pyarrow's multi-threaded reader with only
the fields that play a role; a file that reader refuses is read again line by line, so that one
bad line is one exclusion rather than a failed file.
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
    first_non_empty,
    scalar_text,
    table_records,
)
from analysis.errors import InputError
from analysis.text import clean as textclean


def read_json_list(source: Source) -> pd.DataFrame:
    """A ``.json`` file holding a list of objects: one document per object; an item that is not
    an object is an exclusion (row counting items from 1)."""
    text, note = decoded_text(source)
    display = source.display
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{display}: not valid JSON ({error})") from None
    if not isinstance(loaded, list):
        raise InputError(f"{display}: expected a JSON list of objects (or use JSON Lines)")
    records, rows = [], []
    for row, item in enumerate(loaded, start=1):
        if isinstance(item, dict):
            records.append(
                {
                    k: textclean.repair_surrogates(v) if isinstance(v, str) else v
                    for k, v in item.items()
                }
            )
            rows.append(row)
        else:
            source.exclude(display, row, f"not a JSON object ({type(item).__name__})")
    roles = as_roles(pd.DataFrame.from_records(records), source.overrides, display, rows)
    return table_records(roles, display=display, stem=stem(source.path.name), note=note)


def read_json_lines(source: Source) -> pd.DataFrame:
    """A ``.jsonl``/``.ndjson`` file: one document per object, row counting non-blank lines
    from 1. The role fields are read as text, so a timestamp keeps its local date."""
    roles = _read_jsonl(source)
    return table_records(roles, display=source.display, stem=stem(source.path.name), note="")


def _read_jsonl(source: Source) -> pd.DataFrame:
    """JSON Lines with pyarrow's multi-threaded reader; line by line when that cannot cope."""
    import pyarrow.json as pajson

    path = source.path
    compression = "gzip" if path.name.lower().endswith(".gz") else None
    keys = _sample_keys(path, compression)
    roles = detect_columns(keys, source.overrides, source.display)
    # Every used field read as a string: type inference would turn "2024-10-29 23:59:00-04:00"
    # into a UTC timestamp and lose the local date. Unused fields are ignored.
    used = dict.fromkeys(name for names in roles.values() for name in names)
    schema = pa.schema([(column, pa.large_string()) for column in used])
    options = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    try:
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
    except (pa.ArrowInvalid, OSError):
        return _read_jsonl_slowly(source, roles)
    frame = pd.DataFrame(
        {
            role: first_non_empty([table.column(n).to_pandas().fillna("") for n in names])
            for role, names in roles.items()
        }
    )
    return frame.astype("str").assign(row=np.arange(1, len(frame) + 1, dtype=np.int64))


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


def _sample_keys(path: Path, compression: str | None, lines: int = 200) -> list[str]:
    """Field names of the first ``lines`` records (read in 1 MB blocks, at most 64 MB)."""
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
    keys: dict[str, None] = {}
    for line in head.decode("utf-8-sig", errors="replace").split("\n")[:lines]:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # blank, cut off at the end of the block, or bad: read later
        if isinstance(record, dict):
            keys.update(dict.fromkeys(map(str, record)))
    return list(keys)


def _read_jsonl_slowly(source: Source, roles: dict) -> pd.DataFrame:
    """Line by line, so that one bad line is one exclusion rather than a failed file."""
    text, note = decoded_text(source)
    display, exclude = source.display, source.exclude
    columns = {role: [] for role in roles}
    rows = []
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
        for role, names in roles.items():
            values = (scalar_text(record.get(name)) for name in names)
            columns[role].append(next((v for v in values if v.strip()), ""))
    frame = pd.DataFrame(columns, dtype="str")
    frame = frame.assign(row=np.asarray(rows, dtype=np.int64))
    if note:  # carried to every row's notes by table_records through attrs
        frame.attrs["note"] = note
    return frame
