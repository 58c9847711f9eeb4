"""Sources -> the documents frame: file formats, dates, text hygiene, duplicates.

``load_corpus`` turns a folder, a file, a list of paths or a DataFrame into one tidy frame with
:data:`analysis.schema.DOCUMENT_COLUMNS`, one row per article.

Sources
-------
- Folder: walked recursively in sorted order; hidden files and folders (``.git``, ``.DS_Store``)
  are skipped; a top-level ``metadata.csv`` is the metadata sidecar (see below), never a table.
  Every other file becomes documents or an exclusion with its reason (unsupported type, binary,
  undecodable, a table without a text column ...). A file named directly (or in a list) must
  be loadable: there the same problems raise :class:`analysis.errors.InputError`.
- ``.txt``: the seed format. An optional first line `` date YYYY-MM-DD Title`` (leading spaces
  allowed); otherwise the first non-blank line is the title. The text is the rest after the
  title line, without its leading blank lines and trailing whitespace.
- ``.md``/``.markdown``: optional YAML front matter (``title``, ``date``, ``url``, ``source`` and
  the aliases below); without a front-matter title the first non-blank line (``#`` removed) is
  the title, as for ``.txt``.
- Tables: ``.csv``, ``.tsv``, ``.jsonl``/``.ndjson`` (JSON Lines), ``.json`` (a list of objects),
  ``.parquet`` (a Parquet dataset folder is a folder of them), or a pandas DataFrame. Columns
  are found by name, case-insensitively (:data:`COLUMN_NAMES`); the ``*_column`` arguments
  override. When several date columns exist (``date`` and ``published_time``) a row takes the
  first non-empty one. A table's own ``path`` column, if any, fills ``path``; otherwise
  ``path`` is the table's file ("" for a DataFrame). Any of the formats may be gzipped
  (``.jsonl.gz``).

doc_id
------
A file's stem for text files. For a table row: its id column (``doc_id``/``id``); else the stem
of its ``path`` column (tables flattened from a folder of files, such as the White House corpus,
then give every article the id it would have had if the folder had been loaded); else
``"<file stem>:<row>"`` (``"frame:<row>"`` for a DataFrame), row counting records from 1
(JSON Lines: non-blank lines; CSV: data rows). Ids that collide are made unique by a suffix
(``"~2"``, ``"~3"``, given in order of path then row, so the order of loading never changes
them) and the renamed document gets a warning.

Dates
-----
``date_source`` says where the date came from: ``"header"`` (the ``date`` line of a ``.txt``,
the front matter of a ``.md``), ``"field"`` (a table's date column), ``"metadata"`` (the
sidecar) or ``"missing"``. Dates are calendar days (datetime64[ns] at midnight): a timestamp
keeps its local date and drops its time and time zone (``2024-10-29 23:59:00-04:00`` is
2024-10-29). ISO dates are read fast; other spellings ("July 11, 2025") go through pandas'
parser, which reads ``07/11/2025`` month first. A malformed date, or one more than a day after
today, leaves the document undated (NaT, ``"missing"``) with a warning naming the file and value.

Metadata sidecar
----------------
A CSV keyed by ``doc_id`` (final ids, "~2" suffixes included) with any of ``date``, ``source``,
``url``, ``title`` (other columns, such as ``note``, are ignored). Non-empty values fill or
override the document's own (``date_source`` becomes ``"metadata"``); a bad or future sidecar
date is a warning on the document and changes nothing. Sidecar ids that match no document are
listed in a warning and in ``documents.attrs["metadata_unmatched"]``. ``metadata=None`` uses
``metadata.csv`` at the top of a folder source when there is one; ``metadata=False`` none.

Text hygiene
------------
See :mod:`analysis.textclean`: BOM removed, other encodings detected (warning), CRLF -> LF,
Unicode space separators -> " ", NFC; mojibake flagged, never rewritten. Empty texts stay as
documents with the warning "empty text". Binary files are excluded. ``n_words`` counts the
whitespace-separated tokens of title and text (what ``len(s.split())`` gives).

Duplicates
----------
Exact duplicates share the same normalised text (casefolded, whitespace runs collapsed).
Near-duplicates have a Jaccard similarity >= 0.9 between their sets of word 5-shingles: MinHash
signatures (32 hash functions) and LSH banding (8 bands of 4) propose candidate pairs, and
every candidate is verified with the Jaccard of the two sets of 64-bit shingle hashes (a wrong
verdict would need two different shingles to share a hash, odds of about 2^-64). Copies form groups
(a near-duplicate of a near-duplicate joins the group); the canonical copy of a group is its
earliest-dated document, then the smallest doc_id, so ``duplicate_of`` does not depend on load
order. Texts shorter than 5 words take part only in exact matching; empty texts in neither.

Nothing is dropped silently: every input that does not become a document is listed in
``documents.attrs["excluded"]`` as ``{"path", "row", "reason"}``, and one
:class:`CorpusWarning` summarises exclusions and per-document warnings.

Speed and memory: cleaning, word counts and fingerprints run on the UTF-8 bytes with numpy and
Arrow, in 1 MB chunks of documents on parallel threads; no step runs Python per word. The raw
texts and the cleaned, sorted ones coexist only while the cleaning runs, and Arrow allocates
from the system allocator meanwhile (:func:`analysis.memory.bulk_memory`). The White House
corpus (14,396 documents, 135 MB of text) loads with duplicate flags in about 2.5 s on two
cores, peaking at about 2.7x its text (benchmarks/bench_corpus.py, bench_scale.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import io
import json
import os
import re
import warnings
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from analysis import progress, textclean
from analysis.errors import InputError
from analysis.memory import bulk_memory, release
from analysis.schema import DOCUMENT_COLUMNS

__all__ = [
    "COLUMN_NAMES",
    "CorpusWarning",
    "add_command",
    "load_corpus",
    "summarize_corpus",
    "unique_documents",
]

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet")
METADATA_FILE = "metadata.csv"

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

SHINGLE_WORDS = 5
NEAR_DUPLICATE_JACCARD = 0.9
MINHASH_PERMUTATIONS = 32
LSH_BANDS = 8  # 8 bands of 4 rows: a pair at Jaccard 0.9 becomes a candidate with p > 0.9999
# Candidates whose signatures agree on fewer than this share of the 32 values are not verified:
# a pair at Jaccard 0.9 falls below it with p ~ 1e-4, a pair at 0.5 passes with p ~ 2e-3.
_MIN_SIGNATURE_AGREEMENT = 0.7
_VERIFY_PAIRS = 256  # candidate pairs whose documents' shingles are hashed at once
_FILE_BATCH_CHARS = 4_000_000  # text files are turned into a frame every this many characters
_CHUNK_BYTES = 1_000_000  # text per worker task: big enough for numpy, small for memory
_SUMMARY_LIST = 5  # ids or paths listed per line of the summary

_RAW_COLUMNS = [
    "base_id", "path", "row", "title", "text", "date_raw", "date_origin", "source", "url", "notes"
]  # fmt: skip


class CorpusWarning(UserWarning):
    """Recorded problems of a loaded corpus (details in the frame and its ``attrs``)."""


# --------------------------------------------------------------------------------------------
# Reading sources into raw records


@dataclass
class _Collector:
    """Raw records from every source, and the inputs that did not become documents."""

    overrides: dict[str, str | None]
    frames: list[pd.DataFrame] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)  # text files not yet in ``frames``
    file_chars: int = 0  # characters of text in ``files``
    excluded: list[dict] = field(default_factory=list)

    def exclude(self, path: str, row: int | None, reason: str) -> None:
        self.excluded.append({"path": path, "row": row, "reason": reason})

    def add(self, source, *, explicit: bool = True) -> None:
        if isinstance(source, pd.DataFrame):
            self.frames.append(
                _table_records(
                    _as_roles(source, self.overrides, "DataFrame"),
                    display="",
                    stem="frame",
                    note="",
                )
            )
            return
        try:
            path = Path(os.fspath(source)).expanduser()
        except TypeError:
            raise InputError(
                f"load_corpus: cannot load a {type(source).__name__}; give a folder, a file, "
                "a list of them or a DataFrame"
            ) from None
        if path.is_dir():
            self._add_folder(path)
        elif path.is_file():
            self._add_file(path, explicit=explicit)
        else:
            raise InputError(f"{path}: no such file or folder")

    def _add_folder(self, folder: Path) -> None:
        paths = []
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    continue
                if Path(root) == folder and name == METADATA_FILE:
                    continue  # the sidecar, read by load_corpus
                paths.append(Path(root) / name)
        if not paths:
            raise InputError(
                f"{folder}: no files to load ({_known_types()}; hidden files are skipped)"
            )
        with progress.bar(len(paths), f"reading {folder.name}", unit="file") as shown:
            for path in paths:
                self._add_file(path, explicit=False)
                shown.update(1)

    def _add_file(self, path: Path, *, explicit: bool) -> None:
        display = str(path)
        suffix = _suffix(path)
        if suffix in TEXT_SUFFIXES:
            self._add_text_file(path, display, suffix)
        elif suffix in TABLE_SUFFIXES:
            try:
                self.frames.append(self._read_table(path, display, suffix))
            except InputError as error:
                if explicit:
                    raise
                self.exclude(display, None, str(error).removeprefix(f"{display}: "))
        elif explicit:
            raise InputError(f"{display}: unsupported file type {suffix!r} ({_known_types()})")
        else:
            self.exclude(display, None, f"unsupported file type {suffix or '(none)'!r}")

    def _add_text_file(self, path: Path, display: str, suffix: str) -> None:
        try:
            text, note = textclean.decode_bytes(_read_bytes(path))
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            self.exclude(display, None, f"unreadable: {error}")
            return
        except textclean.UndecodableError as error:
            self.exclude(display, None, str(error))
            return
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes = [note] if note else []
        record = {"source": "", "url": ""}
        if suffix == ".txt":
            title, body, date_raw = _parse_plain(text)
        else:
            title, body, date_raw, meta = _parse_markdown(text, notes)
            record.update(meta)
        self.files.append(
            record
            | {
                "base_id": _stem(path.name),
                "path": display,
                "row": 0,
                "title": title,
                "text": body,
                "date_raw": date_raw,
                "date_origin": "header" if date_raw else "",
                "notes": notes,
            }
        )
        self.file_chars += len(body)
        if self.file_chars >= _FILE_BATCH_CHARS:
            self._flush_files()

    def _flush_files(self) -> None:
        """Turn the text files read so far into a frame: Arrow holds their texts in UTF-8, where
        Python strings of curly-quoted English take two bytes a character, plus the objects."""
        if self.files:
            self.frames.append(pd.DataFrame(self.files, columns=_RAW_COLUMNS))
        self.files, self.file_chars = [], 0

    def _read_table(self, path: Path, display: str, suffix: str) -> pd.DataFrame:
        note = ""
        if suffix in (".jsonl", ".ndjson"):
            roles = _read_jsonl(path, display, self.overrides, self.exclude)
        elif suffix == ".parquet":
            try:
                frame = pd.read_parquet(path)
            except (OSError, ValueError, pa.ArrowException) as error:
                raise InputError(f"{display}: not a readable Parquet file ({error})") from None
            roles = _as_roles(frame, self.overrides, display)
        else:
            try:
                text, note = textclean.decode_bytes(_read_bytes(path))
            except (OSError, EOFError, gzip.BadGzipFile, textclean.UndecodableError) as error:
                raise InputError(f"{display}: {error}") from None
            if suffix == ".json":
                roles = _read_json_list(text, display, self.overrides, self.exclude)
            else:
                roles = _read_delimited(
                    text, display, "\t" if suffix == ".tsv" else ",", self.overrides
                )
        return _table_records(roles, display=display, stem=_stem(path.name), note=note)

    def frame(self) -> pd.DataFrame:
        self._flush_files()
        parts = [part for part in self.frames if len(part)]
        if not parts:
            return pd.DataFrame({name: pd.Series(dtype=object) for name in _RAW_COLUMNS})
        self.frames = []  # the raw frame is now the only copy
        raw = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        return raw.reset_index(drop=True)


def _suffix(path: Path) -> str:
    """The file's type: its last suffix, looking through a final ``.gz``."""
    name = path.name.lower().removesuffix(".gz")
    return Path(name).suffix


def _stem(name: str) -> str:
    """``"a/b/2025-01-01-note.md"`` -> ``"2025-01-01-note"``; a ``.gz`` is looked through.

    String operations rather than pathlib: this runs once per row of a table's path column.
    """
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    if name.lower().endswith(".gz"):
        name = name[:-3]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _known_types() -> str:
    return "expected " + ", ".join(TEXT_SUFFIXES + TABLE_SUFFIXES) + ", optionally gzipped"


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    return data


_DATE_LINE = re.compile(r"[^\S\n]*date[^\S\n]+(\d\S*)[^\S\n]*(.*)")
_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)*")
_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)


def _first_line(text: str, position: int = 0) -> tuple[str, int]:
    """The first non-blank line at or after ``position``, and where the text after it starts."""
    length = len(text)
    while position < length:
        end = text.find("\n", position)
        end = length if end < 0 else end
        line = text[position:end]
        if line.strip():
            return line, min(end + 1, length)
        position = end + 1
    return "", length


def _rest(text: str, position: int) -> str:
    """The text from ``position`` on, without leading blank lines and trailing whitespace."""
    return text[_BLANK_LINES.match(text, position).end() :].rstrip()


def _parse_plain(text: str) -> tuple[str, str, str]:
    """A seed-format text -> (title, body, raw date or "")."""
    line, after = _first_line(text)
    header = _DATE_LINE.fullmatch(line)
    if header is None:
        return line.strip(), _rest(text, after), ""
    title = header.group(2).strip()
    if not title:  # a date line without a title: the next non-blank line is the title
        title, after = _first_line(text, after)
    return title.strip(), _rest(text, after), header.group(1)


def _parse_markdown(text: str, notes: list[str]) -> tuple[str, str, str, dict[str, str]]:
    """A Markdown file -> (title, body, raw date or "", {"source", "url"} from front matter)."""
    meta: dict[str, str] = {}
    body_start = 0
    first, after_first = _first_line(text)
    if text.startswith("---") and first.strip() == "---":
        closing = _CLOSING_FENCE.search(text, after_first)
        if closing is None:
            notes.append("front matter has no closing '---', so it was read as text")
        else:
            body_start = min(closing.end() + 1, len(text))
            try:
                loaded = yaml.safe_load(text[after_first : closing.start()])
            except yaml.YAMLError as error:
                problem = str(error).splitlines()[0]
                notes.append(f"front matter ignored: not valid YAML ({problem})")
                loaded = None
            if isinstance(loaded, dict):
                meta = _front_matter_roles(loaded)
            elif loaded is not None:
                notes.append("front matter ignored: not a mapping of keys to values")
    title = meta.pop("title", "")
    date_raw = meta.pop("date", "")
    if title:
        body = _rest(text, body_start)
    else:
        line, after = _first_line(text, body_start)
        title, body = line.strip().lstrip("#").strip(), _rest(text, after)
    return title, body, date_raw, {key: meta[key] for key in ("source", "url") if key in meta}


def _front_matter_roles(loaded: dict) -> dict[str, str]:
    lowered = {str(key).lower(): value for key, value in loaded.items()}
    roles = {}
    for role in ("title", "date", "url", "source"):
        for name in COLUMN_NAMES[role]:
            value = lowered.get(name)
            if value is not None and str(value).strip():
                roles[role] = _scalar_text(value)
                break
    return roles


def _scalar_text(value) -> str:
    """One table cell or front-matter value as text ("" when missing)."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    return textclean.repair_surrogates(value.strip()) if isinstance(value, str) else str(value)


# --------------------------------------------------------------------------------------------
# Tables


def _detect_columns(columns: Iterable[str], overrides: dict, where: str) -> dict[str, list[str]]:
    """Map roles (text, date, ...) to column names; raise when there is no text column.

    Each role gets its first matching column, except the date: every date-like column is
    kept, in :data:`COLUMN_NAMES` order, and a row takes the first that is not empty (an
    export with an empty ``date`` but a ``published_time`` is still dated). A ``*_column``
    override names exactly one column.
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


def _first_non_empty(columns: list[pd.Series]) -> pd.Series:
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
    return values.map(_scalar_text).astype("str")


def _as_roles(frame: pd.DataFrame, overrides: dict, where: str, rows=None) -> pd.DataFrame:
    """The role columns of a table (text, date, title, ...) as text, plus ``row`` (from 1)."""
    roles = _detect_columns(frame.columns, overrides, where)
    columns = {str(column): column for column in frame.columns}
    out = pd.DataFrame(
        {
            role: _first_non_empty([_as_text_series(frame[columns[n]]) for n in names]).to_numpy()
            for role, names in roles.items()
        }
    )
    out = out.astype("str") if len(out.columns) else out
    row = np.arange(1, len(frame) + 1) if rows is None else np.asarray(rows)
    return out.assign(row=row.astype(np.int64))


def _read_delimited(text: str, display: str, separator: str, overrides: dict) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, na_filter=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        problem = str(error).strip().splitlines()[0] if str(error).strip() else "empty"
        raise InputError(f"{display}: not a readable table ({problem})") from None
    return _as_roles(frame, overrides, display)


def _read_json_list(text: str, display: str, overrides: dict, exclude) -> pd.DataFrame:
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
            exclude(display, row, f"not a JSON object ({type(item).__name__})")
    return _as_roles(pd.DataFrame.from_records(records), overrides, display, rows)


def _read_jsonl(path: Path, display: str, overrides: dict, exclude) -> pd.DataFrame:
    """JSON Lines with pyarrow's multi-threaded reader; line by line when that cannot cope."""
    import pyarrow.json as pajson

    compression = "gzip" if path.name.lower().endswith(".gz") else None
    keys = _sample_keys(path, compression)
    roles = _detect_columns(keys, overrides, display)
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
        return _read_jsonl_slowly(path, display, roles, exclude)
    frame = pd.DataFrame(
        {
            role: _first_non_empty([table.column(n).to_pandas().fillna("") for n in names])
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


def _read_jsonl_slowly(path: Path, display: str, roles: dict, exclude) -> pd.DataFrame:
    """Line by line, so that one bad line is one exclusion rather than a failed file."""
    try:
        text, note = textclean.decode_bytes(_read_bytes(path))
    except (OSError, EOFError, gzip.BadGzipFile, textclean.UndecodableError) as error:
        raise InputError(f"{display}: {error}") from None
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
            values = (_scalar_text(record.get(name)) for name in names)
            columns[role].append(next((v for v in values if v.strip()), ""))
    frame = pd.DataFrame(columns, dtype="str")
    frame = frame.assign(row=np.asarray(rows, dtype=np.int64))
    if note:  # carried to every row's notes by _table_records through attrs
        frame.attrs["note"] = note
    return frame


def _table_records(roles: pd.DataFrame, *, display: str, stem: str, note: str) -> pd.DataFrame:
    """Role columns of one table -> raw records (see ``_RAW_COLUMNS``)."""
    note = note or roles.attrs.get("note", "")
    n = len(roles)
    empty = pd.Series([""] * n, dtype="str")

    def column(role: str) -> pd.Series:
        return roles[role].reset_index(drop=True) if role in roles else empty

    rows = roles["row"].to_numpy()
    ids = column("id").str.strip()
    paths = column("path").str.strip()
    fallback = pd.Series([f"{stem}:{row}" for row in rows.tolist()], dtype="str")
    path_stems = paths.map(_stem).astype("str") if "path" in roles else empty
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


# --------------------------------------------------------------------------------------------
# Ids, dates, metadata


def _unique_ids(raw: pd.DataFrame, notes: list[list[str]]) -> np.ndarray:
    """Base ids made unique: in each colliding group (ordered by path, row) the first keeps its
    id, the others get "~2", "~3", ... and a warning naming the document that kept it."""
    ids = raw["base_id"].to_numpy(dtype=object).copy()
    collided = raw["base_id"].duplicated(keep=False).to_numpy()
    if not collided.any():
        return ids
    taken = set(ids.tolist())
    group = raw.loc[collided, ["base_id", "path", "row"]].sort_values(["base_id", "path", "row"])
    first: dict[str, str] = {}
    counter: dict[str, int] = {}
    for position, base, path in zip(group.index, group["base_id"], group["path"], strict=True):
        if base not in first:
            first[base] = path
            continue
        number = counter.get(base, 1)
        while True:
            number += 1
            candidate = f"{base}~{number}"
            if candidate not in taken:
                break
        counter[base] = number
        taken.add(candidate)
        ids[position] = candidate
        notes[position].append(
            f"doc_id {base!r} already taken by {first[base]}, renamed {candidate!r}"
        )
    return ids


_ISO_DAY = r"^(\d{4}-\d{1,2}-\d{1,2})(?:[T ]|$)"
_YEAR_ONLY = re.compile(r"\d{4}(-\d{1,2})?")
_FIRST_DAY, _LAST_DAY = pd.Timestamp("1678-01-01"), pd.Timestamp("2262-04-01")


def _parse_dates(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Text -> (datetime64[ns] calendar days, NaT when missing or bad; True where bad)."""
    values = values.fillna("").astype("str").str.strip().reset_index(drop=True)
    present = (values != "").to_numpy()
    iso = values.str.extract(_ISO_DAY, expand=False)
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    dates = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    inside = (parsed >= _FIRST_DAY) & (parsed < _LAST_DAY)
    dates[inside.to_numpy()] = parsed[inside].to_numpy().astype("datetime64[ns]")
    for position in np.flatnonzero(present & iso.isna().to_numpy()):
        dates[position] = _parse_other_date(values.iloc[position])
    return dates, present & np.isnat(dates)


def _parse_other_date(value: str) -> np.datetime64:
    if _YEAR_ONLY.fullmatch(value):  # a year or a month is not a day: do not invent January 1
        return np.datetime64("NaT")
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return np.datetime64("NaT")
    if pd.isna(stamp) or not (_FIRST_DAY <= stamp.tz_localize(None) < _LAST_DAY):
        return np.datetime64("NaT")
    return np.datetime64(stamp.tz_localize(None).normalize().to_datetime64(), "ns")


def _check_dates(
    dates: np.ndarray,
    bad: np.ndarray,
    raw_values: pd.Series,
    where: list[str],
    notes,
    label: str,
    outcome: str = "so undated",
) -> np.ndarray:
    """Warn about bad and future dates (which become NaT); returns the kept dates."""
    latest = np.datetime64(pd.Timestamp.now().normalize() + pd.Timedelta(days=1), "ns")
    future = ~np.isnat(dates) & (dates > latest)
    for position in np.flatnonzero(bad):
        value = raw_values.iloc[position]
        notes[position].append(
            f"{label} {value!r} in {where[position]} is not a valid date, {outcome}"
        )
    for position in np.flatnonzero(future):
        day = str(dates[position])[:10]
        notes[position].append(f"{label} {day} in {where[position]} is in the future, {outcome}")
    kept = dates.copy()
    kept[future] = np.datetime64("NaT")
    return kept


def _read_metadata(path: Path) -> pd.DataFrame:
    """The sidecar CSV: doc_id plus the date/source/url/title columns it has, all text."""
    try:
        text, _ = textclean.decode_bytes(_read_bytes(path))
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
    for role in ("date", "source", "url", "title"):
        column = next((by_lower[n] for n in COLUMN_NAMES[role] if n in by_lower), None)
        if column is not None:
            out[role] = frame[column].map(textclean.clean_string).str.strip()
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


# --------------------------------------------------------------------------------------------
# Hygiene, word counts and signatures, in parallel chunks

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SHINGLE_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD], dtype=np.uint64,
)  # fmt: skip
# Fixed seeds: the same text always gets the same signature, whatever else is loaded.
_rng = np.random.default_rng(20250711)
_PERMUTATION_A = _rng.integers(1, 2**63, MINHASH_PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_PERMUTATION_B = _rng.integers(0, 2**63, MINHASH_PERMUTATIONS, dtype=np.uint64)
del _rng


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place on uint64: every input bit affects every output bit."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


# Whitespace as Python's str.split() sees it: these ASCII bytes, plus U+0085, U+2028 and U+2029
# (the Unicode space separators are plain spaces after hygiene).
_SPACE_BYTES = np.zeros(256, dtype=bool)
_SPACE_BYTES[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_OTHER_SPACES = {2: ["\x85".encode()], 3: ["\u2028".encode(), "\u2029".encode()]}


def _token_starts(offsets: np.ndarray, data: np.ndarray) -> np.ndarray:
    """Byte positions where a whitespace-separated token starts (never across two texts)."""
    space = _SPACE_BYTES[data]
    for width, encoded in _OTHER_SPACES.items():
        for start in textclean.sequences(data, encoded):
            space[start : start + width] = True
    after_space = np.empty_like(space)
    if space.size:
        after_space[0] = True
        after_space[1:] = space[:-1]
        text_starts = offsets[:-1]
        after_space[text_starts[text_starts < space.size]] = True
    after_space &= ~space
    return np.flatnonzero(after_space)


def _count_words(clean: textclean.CleanTexts) -> np.ndarray:
    """Whitespace-separated tokens per text (what ``len(text.split())`` gives)."""
    starts = _token_starts(clean.offsets, clean.data)
    return np.diff(np.searchsorted(starts, clean.offsets)).astype(np.int64)


def _word_hashes(data: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each token's casefolded form.

    Each token is read with the whitespace that follows it (``data[start_k:start_k+1]``), so the
    tokens are an Arrow string array over the same bytes, built without copying. Arrow
    dictionary-encodes it, trims and lower-cases the distinct entries; Python casefolds only the
    non-ASCII ones (for ASCII, lower-casing is casefolding); numpy hashes their bytes. No step
    runs Python per token.
    """
    if starts.size == 0:
        return np.zeros(0, dtype=np.uint64)
    tokens = textclean.from_utf8_parts(np.append(starts, data.size).astype(np.int64), data)
    encoded = pc.dictionary_encode(tokens)
    words = pc.utf8_rtrim_whitespace(encoded.dictionary)
    lowered = pc.utf8_lower(words)
    other = pc.invert(pc.string_is_ascii(words))
    if pc.any(other).as_py():
        folded = [word.casefold() for word in pc.filter(words, other).to_pylist()]
        lowered = pc.replace_with_mask(lowered, other, pa.array(folded, pa.large_string()))
    hashes = _string_hashes(lowered)
    return hashes[encoded.indices.to_numpy(zero_copy_only=False)]


def _string_hashes(strings: pa.Array) -> np.ndarray:
    """A 64-bit hash of each string's bytes: sum of (byte + 1) * mix64(position), mixed with
    the length. Vectorised over all the bytes at once. Exact duplicates are confirmed on the
    texts; near-duplicates are decided on shingle hashes built from these (see the module
    docstring)."""
    offsets, data = textclean.utf8_parts(strings.cast(pa.large_string()))
    lengths = np.diff(offsets)
    hashes = lengths.astype(np.uint64) * _GOLDEN
    nonempty = lengths > 0
    if data.size:
        position = np.arange(data.size, dtype=np.uint64)
        position -= np.repeat(offsets[:-1].astype(np.uint64), lengths)
        position += np.uint64(0x632BE59BD9B4E019)
        weights = _mix64(position)
        weights *= data.astype(np.uint64) + np.uint64(1)
        hashes[nonempty] += np.add.reduceat(weights, offsets[:-1][nonempty])
    return _mix64(hashes)


@dataclass
class _Chunk:
    text: pa.Array
    n_tokens: np.ndarray
    exact_key: np.ndarray  # uint64 per document: order-sensitive hash of its casefolded words
    signatures: np.ndarray | None  # (documents, MINHASH_PERMUTATIONS) uint32
    n_shingles: np.ndarray
    mojibake: dict[int, str]


def _process_chunk(texts: pa.Array, signatures: bool) -> _Chunk:
    clean = textclean.clean_array(texts)
    mojibake = textclean.mojibake_warnings(clean)
    starts = _token_starts(clean.offsets, clean.data)
    n_tokens = np.diff(np.searchsorted(starts, clean.offsets)).astype(np.int64)
    tokens = _word_hashes(clean.data, starts)
    del starts
    n = len(n_tokens)
    ends = np.cumsum(n_tokens)
    first_token = ends - n_tokens
    nonempty = n_tokens > 0

    # Exact duplicates: each word's hash xor its position, summed per document. Equal texts
    # always get equal keys; unequal ones that collide are told apart by comparing the strings.
    exact_key = np.zeros(n, dtype=np.uint64)
    if tokens.size:
        position = np.arange(tokens.size, dtype=np.uint64)
        position -= np.repeat(first_token.astype(np.uint64), n_tokens)
        position *= _GOLDEN
        position ^= tokens
        exact_key[nonempty] = np.add.reduceat(position, first_token[nonempty])
        del position

    n_shingles = np.maximum(n_tokens - (SHINGLE_WORDS - 1), 0)
    if not signatures:
        return _Chunk(clean.values, n_tokens, exact_key, None, n_shingles, mojibake)
    signature = np.full((n, MINHASH_PERMUTATIONS), np.iinfo(np.uint32).max, dtype=np.uint32)
    has = n_shingles > 0
    if has.any():
        shingles = _shingle_hashes(tokens, n_tokens, ends)
        first = (np.cumsum(n_shingles) - n_shingles)[has]
        buffer = np.empty_like(shingles)
        for k in range(MINHASH_PERMUTATIONS):
            # Multiply-add-shift (Dietzfelbinger): (a*x + b) mod 2^64, top 32 bits. The mod is
            # free in uint64 arithmetic, where a mod-prime hash would cost a division per value.
            np.multiply(shingles, _PERMUTATION_A[k], out=buffer)
            buffer += _PERMUTATION_B[k]
            buffer >>= np.uint64(32)
            signature[has, k] = np.minimum.reduceat(buffer, first)
    return _Chunk(clean.values, n_tokens, exact_key, signature, n_shingles, mojibake)


def _shingle_hashes(tokens: np.ndarray, n_tokens: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hashes of every run of SHINGLE_WORDS consecutive words inside one document.

    sum(word hash * odd constant_k): the word hashes are uniform 64-bit values, so the sum is
    too, and order matters; MinHash's multiply-shift then mixes it further.
    """
    span = tokens.size - (SHINGLE_WORDS - 1)
    combined = tokens[:span] * _SHINGLE_MULTIPLIERS[0]
    term = np.empty_like(combined)
    for k in range(1, SHINGLE_WORDS):
        np.multiply(tokens[k : k + span], _SHINGLE_MULTIPLIERS[k], out=term)
        combined += term
    del term
    # Drop the shingles that run over the end of a document into the next one.
    keep = np.ones(span, dtype=bool)
    keep[_crossing(ends, span)] = False
    return combined[keep]


def _crossing(ends: np.ndarray, span: int) -> np.ndarray:
    """Shingle start positions whose words belong to two or more documents."""
    starts = (ends[:-1, None] - np.arange(1, SHINGLE_WORDS)[None, :]).ravel()
    return starts[(starts >= 0) & (starts < span)]


def _chunks(sizes: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) document ranges holding about _CHUNK_BYTES of text each."""
    n = len(sizes)
    if n == 0:
        return []
    offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
    cuts = np.searchsorted(offsets, np.arange(_CHUNK_BYTES, offsets[-1], _CHUNK_BYTES))
    bounds = np.unique(np.concatenate([[0], cuts, [n]]))
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


class _Rows:
    """A chunked string array read through numpy views of its buffers, so that any rows can be
    copied out in one pass. (``ChunkedArray.take`` would concatenate every chunk first; taking
    from each chunk separately costs a call per chunk touched, ~100 per 1 MB of shuffled rows.)
    """

    def __init__(self, texts: pa.ChunkedArray):
        chunks = [pc.fill_null(chunk.cast(pa.large_string()), "") for chunk in texts.chunks]
        self.parts = [textclean.utf8_parts(chunk) for chunk in chunks]
        self.starts = np.cumsum([0] + [len(chunk) for chunk in chunks])

    def take(self, positions: np.ndarray) -> pa.LargeStringArray:
        """The rows at ``positions``, in that order, as one array in Arrow's memory."""
        chunk = np.searchsorted(self.starts, positions, side="right") - 1
        row = positions - self.starts[chunk]
        pieces = []
        for c, r in zip(chunk.tolist(), row.tolist(), strict=True):
            offsets, data = self.parts[c]
            pieces.append(data[offsets[r] : offsets[r + 1]])
        offsets_buffer, offsets = textclean.pool_array(len(pieces) + 1, np.int64)
        offsets[0] = 0
        np.cumsum([piece.size for piece in pieces], out=offsets[1:])
        data_buffer, data = textclean.pool_array(int(offsets[-1]), np.uint8)
        if pieces:
            np.concatenate(pieces, out=data)
        return pa.LargeStringArray.from_buffers(len(pieces), offsets_buffer, data_buffer)


def _analyse_texts(texts: pa.ChunkedArray, order: np.ndarray, signatures: bool) -> _Chunk:
    """Clean, count and fingerprint ``texts[order]``, in chunks on parallel threads.

    Each task takes its documents in final order straight from the raw texts, so the cleaned
    texts come out sorted without another copy of the corpus. numpy and Arrow release the GIL;
    results are concatenated in order, so threads never change them.
    """
    sizes = pc.fill_null(pc.binary_length(texts), 0).to_numpy(zero_copy_only=False)[order]
    ranges = _chunks(sizes)
    if not ranges:
        return _Chunk(
            pa.chunked_array([], pa.large_string()),
            np.zeros(0, np.int64),
            np.zeros(0, np.uint64),
            np.zeros((0, MINHASH_PERMUTATIONS), np.uint32) if signatures else None,
            np.zeros(0, np.int64),
            {},
        )

    rows = _Rows(texts)

    def process(bounds: tuple[int, int]) -> _Chunk:
        start, stop = bounds
        return _process_chunk(rows.take(order[start:stop]), signatures)

    workers = min(len(ranges), os.cpu_count() or 1, 8)
    results = []
    with (
        ThreadPoolExecutor(workers) as pool,
        progress.bar(int(sizes.sum()), "cleaning and fingerprinting texts") as shown,
    ):
        for (start, stop), result in zip(ranges, pool.map(process, ranges), strict=True):
            results.append(result)
            shown.update(int(sizes[start:stop].sum()))
    mojibake = {}
    for (start, _), result in zip(ranges, results, strict=True):
        mojibake.update({start + i: warning for i, warning in result.mojibake.items()})
    return _Chunk(
        text=pa.chunked_array([result.text for result in results], pa.large_string()),
        n_tokens=np.concatenate([r.n_tokens for r in results]),
        exact_key=np.concatenate([r.exact_key for r in results]),
        signatures=np.concatenate([r.signatures for r in results]) if signatures else None,
        n_shingles=np.concatenate([r.n_shingles for r in results]),
        mojibake=mojibake,
    )


# --------------------------------------------------------------------------------------------
# Duplicates


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def _exact_groups(texts: pa.ChunkedArray, keys: np.ndarray, n_tokens: np.ndarray) -> list:
    """Lists of positions (ascending) whose normalised texts are equal.

    The hash keys only propose groups; comparing the normalised strings decides.
    """
    candidates = pd.DataFrame({"key": keys, "n": n_tokens})[n_tokens > 0]
    candidates = candidates[candidates.duplicated(keep=False)]
    groups = []
    for _, members in candidates.groupby(["key", "n"], sort=False).groups.items():
        by_text: dict[str, list[int]] = {}
        for position in sorted(members.tolist()):
            by_text.setdefault(_normalised(texts[position].as_py()), []).append(position)
        groups.extend(group for group in by_text.values() if len(group) > 1)
    return groups


def _candidate_pairs(signatures: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """LSH banding over the eligible rows: pairs (i, j), i < j, sharing any whole band."""
    rows = MINHASH_PERMUTATIONS // LSH_BANDS
    found = []
    for band in range(LSH_BANDS):
        block = np.ascontiguousarray(signatures[eligible, band * rows : (band + 1) * rows])
        words = block.view(np.uint64)  # 4 uint32 -> 2 uint64 per row
        key = _mix64(words[:, 0] ^ _mix64(words[:, 1] + np.uint64(band)))
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        # Every pair inside each run of equal keys: element e of a run pairs with the
        # ``later[e]`` elements after it.
        run_starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        run_sizes = np.diff(np.r_[run_starts, ordered.size])
        later = np.repeat(run_starts + run_sizes, run_sizes) - np.arange(ordered.size) - 1
        first = np.repeat(np.arange(ordered.size), later)
        second = first + 1 + np.arange(first.size) - np.repeat(np.cumsum(later) - later, later)
        a, b = eligible[order[first]], eligible[order[second]]
        found.append(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found), axis=0)


class _Components:
    """Union-find over 0..n-1: each component is named by its smallest member."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _clusters(pairs: np.ndarray) -> np.ndarray:
    """For each pair, the smallest document of the connected cluster of pairs it belongs to."""
    components = _Components(int(pairs.max()) + 1)
    for i, j in pairs.tolist():
        components.union(i, j)
    return np.array([components.find(i) for i in pairs[:, 0].tolist()], dtype=np.int64)


def _join_near_pairs(
    texts, signatures: np.ndarray, eligible: np.ndarray, components: _Components
) -> None:
    """Join the components of the eligible documents that are near-duplicates.

    A candidate pair whose documents are already joined (through other verified pairs, or as
    exact copies) is not verified: the components come out the same, and a group of k
    near-copies costs about k checks instead of k * (k - 1) / 2.
    """
    pairs = _candidate_pairs(signatures, eligible)
    if not len(pairs):
        return
    agreement = (signatures[pairs[:, 0]] == signatures[pairs[:, 1]]).mean(axis=1)
    pairs = pairs[agreement >= _MIN_SIGNATURE_AGREEMENT]
    # Cluster by cluster, so that a block of pairs shares most of its documents.
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0], _clusters(pairs)))]
    rows = _Rows(texts)
    with progress.bar(len(pairs), "checking near-duplicate pairs", unit="pair") as shown:
        for first in range(0, len(pairs), _VERIFY_PAIRS):
            block = pairs[first : first + _VERIFY_PAIRS]
            shingles = _shingle_sets(rows, np.unique(block))
            for i, j in block.tolist():
                if components.find(i) == components.find(j):
                    continue
                a, b = shingles[i], shingles[j]
                shared = np.intersect1d(a, b, assume_unique=True).size
                if shared / (a.size + b.size - shared) >= NEAR_DUPLICATE_JACCARD:
                    components.union(i, j)
            shown.update(len(block))


def _shingle_sets(rows: _Rows, positions: np.ndarray) -> dict[int, np.ndarray]:
    """The distinct shingle hashes (sorted) of each document at ``positions``, which all have
    at least one shingle; computed together, vectorised, as for the signatures."""
    offsets, data = textclean.utf8_parts(rows.take(positions))
    starts = _token_starts(offsets, data)
    n_tokens = np.diff(np.searchsorted(starts, offsets)).astype(np.int64)
    shingles = _shingle_hashes(_word_hashes(data, starts), n_tokens, np.cumsum(n_tokens))
    bounds = np.concatenate([[0], np.cumsum(n_tokens - (SHINGLE_WORDS - 1))])
    return {
        position: np.unique(shingles[bounds[k] : bounds[k + 1]])
        for k, position in enumerate(positions.tolist())
    }


def _duplicates(analysis: _Chunk, near: bool) -> tuple[np.ndarray, np.ndarray]:
    """For documents in final order: (position of the canonical copy or -1, exact copy mask).

    The canonical copy is the group's lowest position, i.e. earliest date then smallest doc_id.
    An exact copy is a document whose normalised text equals that of an earlier one.
    """
    n = len(analysis.n_tokens)
    components = _Components(n)
    exact_copy = np.zeros(n, dtype=bool)
    groups = _exact_groups(analysis.text, analysis.exact_key, analysis.n_tokens)
    for group in groups:
        exact_copy[group[1:]] = True
        for member in group[1:]:
            components.union(group[0], member)
    if near and analysis.signatures is not None:
        # One representative per exact group: its copies have the same shingles.
        eligible = np.flatnonzero((analysis.n_shingles > 0) & ~exact_copy)
        _join_near_pairs(analysis.text, analysis.signatures, eligible, components)
    canonical = np.array([components.find(x) for x in range(n)], dtype=np.int64)
    canonical[canonical == np.arange(n)] = -1
    return canonical, exact_copy


# --------------------------------------------------------------------------------------------
# The public functions


def load_corpus(
    source,
    *,
    metadata=None,
    text_column: str | None = None,
    date_column: str | None = None,
    title_column: str | None = None,
    id_column: str | None = None,
    url_column: str | None = None,
    source_column: str | None = None,
    near_duplicates: bool = True,
    engine: str = "pandas",
    client=None,
) -> pd.DataFrame:
    """Load articles from a folder, file(s) or DataFrame into the documents frame.

    Parameters
    ----------
    source : str, Path, list of them, or pandas.DataFrame
        A folder (walked recursively), one file, several of these, or a frame (see the module
        docstring for formats, doc_id rules, dates and duplicates).
    metadata : str or Path, optional
        Sidecar CSV keyed by doc_id filling or overriding date, source, url, title. By default a
        ``metadata.csv`` at the top of a single folder source is used; ``False`` uses none.
    text_column, date_column, title_column, id_column, url_column, source_column : str, optional
        Column names for tables, overriding the detection of :data:`COLUMN_NAMES`.
    near_duplicates : bool
        Also flag near-duplicates (Jaccard >= 0.9 on word 5-shingles); exact ones always are.
    engine : "pandas" or "dask"
        For a Parquet corpus store (``corpus SOURCE --to-parquet DIR``), "dask" reads it
        partition by partition on a Dask cluster (``client``, or DASK_SCHEDULER_ADDRESS, or a
        local one). Raw sources are always parsed in this process.
    client : dask.distributed.Client, optional

    Returns
    -------
    pandas.DataFrame
        One row per document with columns ``doc_id`` (str, unique), ``date``
        (datetime64[ns] calendar day, NaT when unknown), ``date_source`` ("header", "metadata",
        "field" or "missing"), ``title``, ``text``, ``source``, ``url``, ``path`` (the file, or
        a table's own ``path`` column), ``n_words`` (whitespace-separated tokens of title and
        text), ``duplicate_of`` (doc_id of the canonical copy, "" when unique) and ``warnings``
        ("; "-joined, "" when none); sorted by date (NaT last) then doc_id, index 0..n-1.
        ``attrs``: ``excluded`` (list of {"path", "row", "reason"}), ``metadata`` (sidecar path
        or ""), ``metadata_unmatched`` (sidecar doc_ids with no document), ``duplicates``
        ({"exact": n, "near": n}), ``source`` (what was loaded).

    Raises
    ------
    InputError
        One line naming the file and problem: a missing path, an empty folder, a named table
        without a text column (its columns listed), an unreadable table or sidecar.
    """
    from analysis.store import is_corpus_store

    if engine != "pandas":
        from analysis.distributed import check_engine

        check_engine(engine)
    if isinstance(source, str | os.PathLike) and is_corpus_store(source):
        if engine == "dask":
            from analysis.distributed import load_corpus_dask

            return load_corpus_dask(source, client=client)
        from analysis.store import read_corpus_store

        return read_corpus_store(source)
    overrides = {
        "text": text_column, "date": date_column, "title": title_column, "id": id_column,
        "url": url_column, "source": source_column,
    }  # fmt: skip
    sources = list(source) if isinstance(source, list | tuple) else [source]
    if not sources:
        raise InputError("load_corpus: no sources given")
    with bulk_memory():
        documents = _build_documents(sources, overrides, metadata, near_duplicates)
    _warn_summary(documents)
    return documents


def _build_documents(
    sources: list, overrides: dict, metadata, near_duplicates: bool
) -> pd.DataFrame:
    """The documents frame of ``sources`` (see :func:`load_corpus`), ``attrs`` set."""
    collector = _Collector(overrides)
    for item in sources:
        collector.add(item)
    raw = collector.frame()
    release()  # the readers' scratch space
    notes: list[list[str]] = [list(n) for n in raw["notes"]]
    where = [_where(path, row) for path, row in zip(raw["path"], raw["row"], strict=True)]

    ids = _unique_ids(raw, notes)
    dates, bad = _parse_dates(raw["date_raw"])
    dates = _check_dates(dates, bad, raw["date_raw"], where, notes, "date")
    date_source = np.where(np.isnat(dates), "missing", raw["date_origin"].to_numpy(dtype=object))
    frame = pd.DataFrame(
        {
            "doc_id": pd.array(ids, dtype="str"),
            "date": dates,
            "date_source": pd.array(date_source, dtype="str"),
            "title": raw["title"].astype("str"),
            "source": raw["source"].astype("str"),
            "url": raw["url"].astype("str"),
            "path": raw["path"].astype("str"),
        }
    )

    sidecar_path = _sidecar_path(metadata, sources)
    unmatched: list[str] = []
    if sidecar_path is not None:
        frame, unmatched = _apply_metadata(frame, _read_metadata(sidecar_path), sidecar_path, notes)

    # Final order first: positions then rank documents as the canonical choice wants, and the
    # texts are cleaned straight into that order.
    order = frame.sort_values(["date", "doc_id"], na_position="last", kind="stable").index
    order = order.to_numpy()
    frame = frame.take(order).reset_index(drop=True)
    notes = [notes[i] for i in order]
    texts = pa.array(raw["text"], pa.large_string())
    del raw  # the texts now live only in ``texts``
    if isinstance(texts, pa.Array):
        texts = pa.chunked_array([texts])
    analysis = _analyse_texts(texts, order, near_duplicates)
    del texts
    release()  # the raw texts, before the last columns are built
    for position, warning in analysis.mojibake.items():
        notes[position].append(warning)
    for position in np.flatnonzero(analysis.n_tokens == 0):
        notes[position].append("empty text")
    titles = textclean.clean_array(pa.array(frame["title"], pa.large_string()))
    for position, warning in textclean.mojibake_warnings(titles).items():
        notes[position].append(f"title: {warning}")

    canonical, exact_copy = _duplicates(analysis, near_duplicates)
    doc_ids = frame["doc_id"].to_numpy(dtype=object)
    duplicate_of = np.where(canonical >= 0, doc_ids[np.maximum(canonical, 0)], "")
    documents = frame.assign(
        title=pd.Series(titles.values.to_pandas(), dtype="str"),
        text=pd.Series(analysis.text.to_pandas(), dtype="str"),
        n_words=_count_words(titles) + analysis.n_tokens,
        duplicate_of=pd.array(duplicate_of, dtype="str"),
        # Each warning is free of "; " so that the joined column splits back into warnings.
        warnings=pd.array(
            ["; ".join(w.replace("; ", ", ") for w in n) for n in notes], dtype="str"
        ),
    )[DOCUMENT_COLUMNS]
    n_copies = int((canonical >= 0).sum())
    documents.attrs = {
        "excluded": collector.excluded,
        "metadata": str(sidecar_path) if sidecar_path is not None else "",
        "metadata_unmatched": unmatched,
        "duplicates": {"exact": int(exact_copy.sum()), "near": n_copies - int(exact_copy.sum())},
        "source": _describe(sources),
    }
    return documents


def _where(path: str, row: int) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1] if path else "DataFrame"
    return f"{name} row {row}" if row else name


def _sidecar_path(metadata, sources: list) -> Path | None:
    if metadata is False:
        return None
    if metadata is not None:
        return Path(os.fspath(metadata)).expanduser()
    if len(sources) == 1 and not isinstance(sources[0], pd.DataFrame):
        candidate = Path(os.fspath(sources[0])).expanduser() / METADATA_FILE
        if candidate.is_file():
            return candidate
    return None


def _apply_metadata(
    frame: pd.DataFrame, sidecar: pd.DataFrame, path: Path, notes: list[list[str]]
) -> tuple[pd.DataFrame, list[str]]:
    """Fill or override date/source/url/title from the sidecar; returns the unmatched ids."""
    position_of = {doc_id: i for i, doc_id in enumerate(frame["doc_id"].tolist())}
    matched = sidecar["doc_id"].isin(position_of.keys())
    unmatched = sorted(sidecar.loc[~matched, "doc_id"].tolist())
    sidecar = sidecar[matched]
    positions = np.array([position_of[d] for d in sidecar["doc_id"]], dtype=np.int64)
    columns = {
        name: frame[name].to_numpy(dtype=object).copy()
        for name in ("title", "source", "url", "date_source")
    }
    dates = frame["date"].to_numpy().copy()
    for role in ("title", "source", "url"):
        if role in sidecar:
            values = sidecar[role].to_numpy(dtype=object)
            given = values != ""
            columns[role][positions[given]] = values[given]
    if "date" in sidecar:
        parsed, bad = _parse_dates(sidecar["date"])
        local_notes = [[] for _ in range(len(sidecar))]
        where = [f"{path.name} line {row}" for row in sidecar["row"]]
        values = sidecar["date"].reset_index(drop=True)
        parsed = _check_dates(parsed, bad, values, where, local_notes, "metadata date", "ignored")
        for position, extra in zip(positions.tolist(), local_notes, strict=True):
            notes[position].extend(extra)
        good = ~np.isnat(parsed)
        dates[positions[good]] = parsed[good]
        columns["date_source"][positions[good]] = "metadata"
    frame = frame.assign(
        date=dates, **{name: pd.array(values, dtype="str") for name, values in columns.items()}
    )
    return frame, unmatched


def _describe(sources: list) -> str:
    return ", ".join("DataFrame" if isinstance(s, pd.DataFrame) else str(s) for s in sources)


def _warn_summary(documents: pd.DataFrame) -> None:
    """One CorpusWarning per problem kind, attributed to the caller of load_corpus."""
    unmatched, sidecar = documents.attrs["metadata_unmatched"], documents.attrs["metadata"]
    if unmatched:
        listed = ", ".join(unmatched[:10]) + (
            f" and {len(unmatched) - 10} more" if len(unmatched) > 10 else ""
        )
        warnings.warn(
            f"{sidecar}: {len(unmatched)} doc_id(s) match no document: {listed}",
            CorpusWarning,
            stacklevel=3,
        )
    with_warnings = int((documents["warnings"] != "").sum())
    excluded = documents.attrs["excluded"]
    if with_warnings or excluded:
        example = ""
        if excluded:
            first = excluded[0]
            example = f" (first: {first['path']}: {first['reason']})"
        warnings.warn(
            f"{len(documents)} documents loaded: {with_warnings} with warnings (column "
            f"'warnings'); {len(excluded)} inputs excluded{example} "
            "(documents.attrs['excluded'])",
            CorpusWarning,
            stacklevel=3,
        )


def unique_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents that are not copies of another (``duplicate_of == ""``), index reset.

    Parameters
    ----------
    documents : pandas.DataFrame
        The frame from :func:`load_corpus` (needs ``duplicate_of``).

    Returns
    -------
    pandas.DataFrame
        The same columns and attrs, canonical copies and unique documents only.
    """
    return documents[documents["duplicate_of"] == ""].reset_index(drop=True)


def _clip(line: str, width: int = 160) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def _listing(values: list[str], limit: int = _SUMMARY_LIST) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


_WARNING_KINDS = (
    ("mojibake", "mojibake"),
    ("U+FFFD", "replacement character"),
    ("renamed", "doc_id renamed"),
    ("not a valid date", "bad date"),
    ("in the future", "future date"),
    ("not UTF-8", "not UTF-8"),
    ("empty text", "empty text"),
    ("front matter", "front matter"),
)


def _warning_kind(warning: str) -> str:
    return next((kind for marker, kind in _WARNING_KINDS if marker in warning), "other")


def summarize_corpus(documents: pd.DataFrame) -> str:
    """A one-screen text summary of a documents frame (what the ``corpus`` command prints).

    Parameters
    ----------
    documents : pandas.DataFrame
        The frame from :func:`load_corpus`: uses ``doc_id``, ``date``, ``date_source``,
        ``n_words``, ``duplicate_of``, ``warnings`` and the ``attrs`` it sets.

    Returns
    -------
    str
        Lines: documents and unique, words, date range with date sources, undated count with
        the first ids, duplicates (exact and near), documents with warnings (first few, with
        their first warning), exclusions by reason, metadata sidecar.
    """
    attrs = documents.attrs
    n = len(documents)
    unique = int((documents["duplicate_of"] == "").sum())
    lines = [
        f"documents: {n:,} ({unique:,} unique), {int(documents['n_words'].sum()):,} words"
        + (f" — from {attrs['source']}" if attrs.get("source") else "")
    ]
    dated = documents[documents["date"].notna()]
    if len(dated):
        sources = dated["date_source"].value_counts()
        how = ", ".join(f"{name} {int(sources[name]):,}" for name in sources.index)
        lines.append(
            f"dates: {dated['date'].min():%Y-%m-%d} to {dated['date'].max():%Y-%m-%d} "
            f"({len(dated):,} dated: {how})"
        )
    else:
        lines.append("dates: none")
    undated = documents.loc[documents["date"].isna(), "doc_id"].tolist()
    lines.append(f"undated: {len(undated):,}" + (f" ({_listing(undated)})" if undated else ""))
    counts = attrs.get("duplicates") or {}
    copies = documents["duplicate_of"][documents["duplicate_of"] != ""]
    kinds = f" ({counts.get('exact', 0):,} exact, {counts.get('near', 0):,} near)" if counts else ""
    lines.append(
        f"duplicates: {len(copies):,} copies of {copies.nunique():,} documents{kinds}"
        + (
            f", e.g. {documents.loc[copies.index[0], 'doc_id']} -> {copies.iloc[0]}"
            if len(copies)
            else ""
        )
    )
    warned = documents[documents["warnings"] != ""]
    by_kind: dict[str, int] = {}
    for text in warned["warnings"]:
        for warning in text.split("; "):
            kind = _warning_kind(warning)
            by_kind[kind] = by_kind.get(kind, 0) + 1
    how = ", ".join(f"{kind} {count:,}" for kind, count in sorted(by_kind.items()))
    lines.append(f"documents with warnings: {len(warned):,}" + (f" ({how})" if how else ""))
    for doc_id, text in zip(
        warned["doc_id"][:_SUMMARY_LIST], warned["warnings"][:_SUMMARY_LIST], strict=True
    ):
        lines.append(_clip(f"  {doc_id}: {text.split('; ')[0]}"))
    if len(warned) > _SUMMARY_LIST:
        lines.append(f"  ... and {len(warned) - _SUMMARY_LIST:,} more")
    excluded = attrs.get("excluded") or []
    lines.append(f"excluded inputs: {len(excluded):,}")
    reasons: dict[str, list[str]] = {}
    for item in excluded:
        label = item["path"] + (f" row {item['row']}" if item.get("row") else "")
        reasons.setdefault(item["reason"], []).append(label)
    for reason, paths in list(reasons.items())[:_SUMMARY_LIST]:
        lines.append(_clip(f"  {reason}: {_listing(paths, 3)}"))
    if len(reasons) > _SUMMARY_LIST:
        lines.append(f"  ... and {len(reasons) - _SUMMARY_LIST} more reasons")
    if attrs.get("metadata"):
        unmatched = attrs.get("metadata_unmatched") or []
        lines.append(
            f"metadata: {attrs['metadata']}"
            + (f" ({len(unmatched)} unmatched doc_ids: {_listing(unmatched)})" if unmatched else "")
        )
    return "\n".join(_clip(line, 240) for line in lines)


# --------------------------------------------------------------------------------------------
# Command line


def add_command(subparsers) -> None:
    """Add ``corpus SOURCE [--metadata F] [-o FILE.csv|FILE.parquet]`` to the CLI."""
    parser = subparsers.add_parser(
        "corpus", help="load articles, print a summary, optionally write the documents table"
    )
    parser.add_argument("source", help="folder, file or table of articles")
    parser.add_argument(
        "--metadata",
        help="sidecar CSV keyed by doc_id (default: "
        "SOURCE/metadata.csv when SOURCE is a folder that has one)",
    )
    parser.add_argument("-o", "--output", help="write the documents table (.csv or .parquet)")
    parser.add_argument(
        "--to-parquet",
        metavar="DIR",
        help="also write a month-partitioned Parquet corpus store (for engine='dask', big corpora)",
    )
    parser.set_defaults(func=_run_command)


def _run_command(args: argparse.Namespace) -> int:
    from analysis.io import write_frame

    if args.output and Path(args.output).suffix.lower() not in (".csv", ".parquet"):
        raise InputError(f"{args.output}: output must end in .csv or .parquet")
    documents = load_corpus(args.source, metadata=args.metadata)
    print(summarize_corpus(documents))
    if args.output:
        # write_frame writes a temporary file in the same folder, then os.replace: atomic.
        write_frame(documents, args.output)
        print(f"wrote {len(documents):,} documents to {args.output}")
    if args.to_parquet:
        from analysis.store import write_corpus_store

        write_corpus_store(documents, args.to_parquet)
        print(f"wrote a Parquet corpus store of {len(documents):,} documents to {args.to_parquet}")
    return 0
