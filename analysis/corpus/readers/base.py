"""What a reader is, and the registry that finds the reader of a file by its type.

A reader turns one file into raw records (:data:`RAW_COLUMNS`, with their provenance: path, row
and notes) and reports the inputs it could not use through ``source.exclude``. It knows nothing
of ids, dates, the sidecar or duplicates: those are decided later, once, for every format. The
registry maps a file type to its reader, so a new format is one reader plus one
:func:`register_reader` call, and the list of known types comes from here alone (modelled on
papermill's I/O handler registry).
"""

from __future__ import annotations

import codecs
import gzip
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.files import is_url, read_url
from analysis.text import clean as textclean

RAW_COLUMNS = [
    "base_id", "path", "row", "title", "text", "date_raw", "date_origin", "source", "url", "notes",
    "date_note", "language",
]  # fmt: skip
"""A raw record: ``base_id`` (the id before collisions are resolved), ``path`` and ``row``
(0 for a one-document file, from 1 in tables), ``title``, ``text``, ``date_raw`` (as written,
"" when none) and ``date_origin`` ("header" or "field", "" when no date), ``source``, ``url``
and ``notes`` (a list of warnings for the document); optionally ``date_note`` (what the reader
knows about the date: "taken from the URL", ...; missing or "" when nothing) and ``language``
(as the source declares it, any spelling: "en-GB", "English"; missing or "" when none)."""


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


Reader = Callable[[Source], "pd.DataFrame | list[dict] | Iterator[dict]"]
"""A reader returns a frame of raw records (tables) or a list of record dicts with the same keys
(one-document files, which the collector batches into frames), or an iterator of them for a
file of many documents read as a stream (a web archive). A file it cannot read at all
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


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes, decompressed when its name ends in ``.gz``; ``path`` may be a URL
    (``s3://``, ``gs://``, ``https://`` ..., read through fsspec)."""
    if is_url(path):
        data = read_url(str(path))
        name = str(path)
    else:
        path = Path(path)
        data, name = path.read_bytes(), path.name
    if name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    return data


_MAX_STRAY = 8  # invalid UTF-8 sequences a text may hold and still be read as UTF-8


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode a file's bytes: the text and its decoding notes (none when it was clean UTF-8).

    On top of :func:`analysis.text.clean.decode_bytes` (UTF-8, a BOM, else detected):

    - UTF-16 without a byte-order mark is recognised by its zero bytes and decoded;
    - NUL characters in otherwise textual bytes are removed, with a note;
    - UTF-8 with UTF-8-encoded surrogates (CESU-8) has them joined, with a note;
    - UTF-8 (it holds valid multi-byte characters) with a few stray invalid bytes (at most 8)
      is decoded with U+FFFD in their place and a note naming the byte offsets, instead of the
      whole file being guessed as another encoding or refused; so is a text that no encoding
      fits only because of a few such bytes.

    Raises :class:`analysis.text.clean.UndecodableError` for bytes that are not text.
    """
    if data.startswith(_BOMS) or not data:
        return textclean.decode_bytes(data)[0], []
    notes: list[str] = []
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        nuls = data.count(b"\x00")
        if nuls * 10 > len(data):
            raise textclean.UndecodableError("binary file (contains NUL bytes)")
        data = data.replace(b"\x00", b"")
        notes.append(f"{nuls} NUL character(s) removed")
    try:
        return data.decode("utf-8"), notes
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        pass
    else:
        notes.append("UTF-8 with encoded surrogates (CESU-8): joined into characters")
        return textclean.repair_surrogates(text), notes
    stray = _invalid_utf8(data)
    if stray is not None and _has_utf8_sequences(data):
        return data.decode("utf-8", "replace"), [*notes, _stray_note(stray)]
    try:
        text, note = textclean.decode_bytes(data)
    except textclean.UndecodableError:
        if stray is None:
            raise
        return data.decode("utf-8", "replace"), [*notes, _stray_note(stray)]
    return text, [*notes, note] if note else notes


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32's start so too


def _utf16_without_bom(data: bytes) -> tuple[str, list[str]] | None:
    """UTF-16 text without a BOM: most of its characters (ASCII, Latin) have one zero byte,
    always on the same side; None when the zero bytes do not look like that."""
    units = len(data) // 2
    if units < 4:
        return None
    even, odd = data[0 : units * 2 : 2].count(0), data[1 : units * 2 : 2].count(0)
    if max(even, odd) * 10 < units * 3 or min(even, odd) * 10 > max(even, odd):
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    text = data[: units * 2].decode(encoding, "replace")
    if "\x00" in text or text.count("\ufffd") * 100 > len(text):
        return None
    notes = [f"no byte-order mark: decoded as {encoding.upper()}"]
    if len(data) % 2:
        notes.append("odd number of bytes: the last byte was dropped")
    return text, notes


def _invalid_utf8(data: bytes) -> list[int] | None:
    """Byte offsets of the invalid UTF-8 sequences, None when there are more than a few."""
    offsets: list[int] = []
    position = 0
    while True:
        try:
            data[position:].decode("utf-8")
            return offsets
        except UnicodeDecodeError as error:
            offsets.append(position + error.start)
            if len(offsets) > _MAX_STRAY:
                return None
            position += error.end


def _has_utf8_sequences(data: bytes) -> bool:
    """Whether the bytes hold at least one valid multi-byte UTF-8 character."""
    return _UTF8_SEQUENCE.search(data) is not None


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _stray_note(offsets: list[int]) -> str:
    where = ", ".join(str(o) for o in offsets)
    if len(offsets) == 1:
        return f"invalid UTF-8 byte at offset {where} replaced by U+FFFD"
    return f"{len(offsets)} invalid UTF-8 bytes at offsets {where} replaced by U+FFFD"


def decode_notes(notes: list[str]) -> str:
    """Decoding notes as one warning ("" when none)."""
    return ", ".join(notes)


def decoded_text(source: Source) -> tuple[str, str]:
    """A table file's text and its decoding note ("" when it was UTF-8); an InputError naming
    the file when it cannot be read or decoded."""
    try:
        text, notes = decode(read_bytes(source.path))
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error, textclean.UndecodableError) as error:
        raise InputError(f"{source.display}: {error}") from None
    return text, decode_notes(notes)
