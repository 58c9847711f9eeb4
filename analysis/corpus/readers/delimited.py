"""Delimited tables: CSV and TSV, every cell read as text (no type guessing, no NA values).

Read with the standard csv module rather than pandas, because a row with more or fewer cells
than the header must be one exclusion naming its line, not a failed table (pandas refuses the
whole file for a long row and pads a short one without a word).
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from analysis.corpus.readers.base import Source, decoded_text, stem
from analysis.corpus.readers.columns import as_roles, table_records
from analysis.errors import InputError

_FIELD_LIMIT = 2**31 - 1  # the largest the csv module accepts on every platform


def read_csv(source: Source) -> pd.DataFrame:
    """A ``.csv`` file: one document per data row (row counting from 1)."""
    return _read_delimited(source, ",")


def read_tsv(source: Source) -> pd.DataFrame:
    """A ``.tsv`` file: one document per data row (row counting from 1)."""
    return _read_delimited(source, "\t")


def _read_delimited(source: Source, separator: str) -> pd.DataFrame:
    text, note = decoded_text(source)
    display = source.display
    csv.field_size_limit(_FIELD_LIMIT)  # an article's text is one cell: far over csv's 128 KB
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False)
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)  # blank lines before the header
        if header is None:
            raise InputError(f"{display}: not a readable table (empty)")
        width = len(header)
        cells, rows = [], []
        line = reader.line_num
        for record in reader:
            start, line = line + 1, reader.line_num
            if not record or (len(record) == 1 and not record[0].strip() and width > 1):
                continue  # a blank line
            if len(record) != width:
                source.exclude(
                    display,
                    len(rows) + 1,
                    f"line {start}: {len(record)} cells where the header has {width}",
                )
                rows.append(None)
                continue
            cells.append(record)
            rows.append(len(rows) + 1)
    except csv.Error as error:
        raise InputError(f"{display}: not a readable table ({error})") from None
    kept = [row for row in rows if row is not None]
    frame = pd.DataFrame(cells, columns=_unique(header), dtype="str")
    roles = as_roles(frame, source.overrides, display, kept)
    return table_records(roles, display=display, stem=stem(source.path.name), note=note)


def _unique(header: list[str]) -> list[str]:
    """Header cells made unique as pandas does ("date", "date.1")."""
    seen: dict[str, int] = {}
    out = []
    for name in header:
        name = name.strip()
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if not count else f"{name}.{count}")
    return out
