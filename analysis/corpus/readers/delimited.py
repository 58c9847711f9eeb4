"""Delimited tables: CSV and TSV, every cell read as text (no type guessing, no NA values)."""

from __future__ import annotations

import io

import pandas as pd

from analysis.corpus.readers.base import Source, decoded_text, stem
from analysis.corpus.readers.columns import as_roles, table_records
from analysis.errors import InputError


def read_csv(source: Source) -> pd.DataFrame:
    """A ``.csv`` file: one document per data row (row counting from 1)."""
    return _read_delimited(source, ",")


def read_tsv(source: Source) -> pd.DataFrame:
    """A ``.tsv`` file: one document per data row (row counting from 1)."""
    return _read_delimited(source, "\t")


def _read_delimited(source: Source, separator: str) -> pd.DataFrame:
    text, note = decoded_text(source)
    display = source.display
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, na_filter=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        problem = str(error).strip().splitlines()[0] if str(error).strip() else "empty"
        raise InputError(f"{display}: not a readable table ({problem})") from None
    roles = as_roles(frame, source.overrides, display)
    return table_records(roles, display=display, stem=stem(source.path.name), note=note)
