"""What a reader is, and the registry that finds the reader of a file by its type.

A reader turns one file into raw records (:data:`RAW_COLUMNS`, with their provenance: path, row
and notes) and reports the inputs it could not use through ``source.exclude``. It knows nothing
of ids, dates, the sidecar or duplicates: those are decided later, once, for every format. The
registry maps a file type to its reader, so a new format is one reader plus one
:func:`register_reader` call, and the list of known types comes from here alone (modelled on
papermill's I/O handler registry).
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.text import clean as textclean

RAW_COLUMNS = [
    "base_id", "path", "row", "title", "text", "date_raw", "date_origin", "source", "url", "notes"
]  # fmt: skip
"""A raw record: ``base_id`` (the id before collisions are resolved), ``path`` and ``row``
(0 for a one-document file, from 1 in tables), ``title``, ``text``, ``date_raw`` (as written,
"" when none) and ``date_origin`` ("header" or "field", "" when no date), ``source``, ``url``
and ``notes`` (a list of warnings for the document)."""


@dataclass(frozen=True)
class Source:
    """One file handed to a reader.

    ``display`` names the file in messages and in the ``path`` column; ``overrides`` maps a role
    (text, date, title, id, url, source) to the column name given to ``load_corpus``, or None;
    ``exclude(path, row, reason)`` records an input that does not become a document.
    """

    path: Path
    display: str
    overrides: dict[str, str | None]
    exclude: Callable[[str, int | None, str], None]


Reader = Callable[[Source], "pd.DataFrame | list[dict]"]
"""A reader returns a frame of raw records (tables) or a list of record dicts with the same keys
(one-document files, which the collector batches into frames). A file it cannot read at all
raises :class:`analysis.errors.InputError` naming it: an error when the file was named, an
exclusion when it was found in a folder."""

_READERS: dict[str, Reader] = {}  # file type -> reader, in registration order


def register_reader(suffixes: Iterable[str], reader: Reader) -> None:
    """Read files of these types (``".csv"``; case-insensitive; ``.gz`` is looked through) with
    ``reader``. Registering a type again replaces its reader."""
    for suffix in suffixes:
        if not suffix.startswith(".") or suffix.lower().endswith(".gz"):
            raise ValueError(f"register_reader: {suffix!r} is not a file type such as '.csv'")
        _READERS[suffix.lower()] = reader


def reader_for(path: Path) -> Reader | None:
    """The reader registered for the file's type (:func:`file_type`), None when there is none."""
    return _READERS.get(file_type(path))


def known_types() -> str:
    """The registered types, for messages about a file that has none of them."""
    return "expected " + ", ".join(_READERS) + ", optionally gzipped"


def file_type(path: Path) -> str:
    """The file's type: its last suffix, looking through a final ``.gz``."""
    name = path.name.lower().removesuffix(".gz")
    return Path(name).suffix


def stem(name: str) -> str:
    """``"a/b/2025-01-01-note.md"`` -> ``"2025-01-01-note"``; a ``.gz`` is looked through.

    String operations rather than pathlib: this runs once per row of a table's path column.
    """
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    if name.lower().endswith(".gz"):
        name = name[:-3]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when its name ends in ``.gz``."""
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    return data


def decoded_text(source: Source) -> tuple[str, str]:
    """A table file's text and its decoding note ("" when it was UTF-8); an InputError naming
    the file when it cannot be read or decoded."""
    try:
        return textclean.decode_bytes(read_bytes(source.path))
    except (OSError, EOFError, gzip.BadGzipFile, textclean.UndecodableError) as error:
        raise InputError(f"{source.display}: {error}") from None
