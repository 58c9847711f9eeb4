"""A Parquet corpus store: the documents frame on disk, by month, with a mentions cache beside it.

Layout (hive partitioning, readable by pandas, pyarrow, Dask, DuckDB, Spark)::

    store/_manifest.json                 corpus hash, rows, columns, dtypes, files in order
    store/month=2021-01/part-0000.parquet   ...   store/month=undated/part-0000.parquet
    store.mentions/mentions-<corpus>-<gazetteer>-<plain|metonyms>[-dups].parquet
    store.mentions/mentions-...gazetteer.pickle   a report batch's gazetteer (local stores only)

Parquet so that a timeline reads doc_id, date and n_words without the text; by month and in
files of about ``file_bytes`` of text so that a Dask worker holds one file at a time. Readers
follow the manifest, never a folder listing. A whole store is written atomically (a hidden
folder beside the target takes its place).

A store may also live on an object store or any fsspec file system, named by URL
(``s3://bucket/corpus``). There the manifest is the commit: the Parquet files are written
first under names no other write uses (``part-0000-<write id>.parquet``), the manifest last in
one upload, and the files of the store it replaced are deleted after that. A reader that takes
the manifest sees the old store or the new one, never a mix, and never a half-written file; one
that took the old manifest just before a replacement may find its files gone (an error, not
wrong data). The mentions cache is written one file per key, each in one upload.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import progress
from analysis.corpus.boilerplate import Spans
from analysis.errors import InputError
from analysis.files import (
    filesystem,
    is_url,
    join,
    name_of,
    read_url,
    url_is_file,
    write_atomic,
    write_frame,
)
from analysis.memory import bulk_memory
from analysis.schema import MENTION_INPUTS

SCHEMA_VERSION = 1
MANIFEST = "_manifest.json"  # leading "_": pyarrow and Dask skip it when reading the folder
FORMAT = "news-mentions corpus store"
UNDATED = "undated"
FILE_BYTES = 16 << 20
"""Text per Parquet file (about): the unit of work, and of memory, of the Dask path."""

HASHED_COLUMNS = MENTION_INPUTS
"""What the corpus hash covers: everything :func:`analysis.mentions.find_mentions` reads."""


# --- hashing -------------------------------------------------------------------------------------


def corpus_hash(documents: pd.DataFrame) -> str:
    """sha256 (hex) of the documents' content, independent of row order and of the date unit.

    Parameters
    ----------
    documents : frame with at least doc_id; date, title, text and duplicate_of are included
        when present (absent ones count as empty).

    Returns
    -------
    64 hex digits. Documents are taken in doc_id order; each field is hashed with its length
    in front, so no choice of text can make two different corpora collide by concatenation.
    Title, url and duplicate_of are included (beyond doc_id, date and text) because mentions
    depend on them (the url's web domain owns bare names such as "Navy"): the mentions cache is
    keyed by this hash.
    """
    if "doc_id" not in documents.columns:
        raise InputError("documents: missing column doc_id")
    frame = documents.sort_values("doc_id", kind="stable")
    columns = []
    for name in HASHED_COLUMNS:
        if name not in frame.columns:
            columns.append([""] * len(frame))
        elif name == "date":
            dates = pd.to_datetime(frame["date"])
            # strftime, not str(): str() of a column drops the time when every time is midnight.
            text = dates.dt.strftime("%Y-%m-%dT%H:%M:%S.%f%z")
            columns.append(text.astype(object).where(dates.notna(), "").tolist())
        else:
            columns.append(frame[name].astype(object).where(frame[name].notna(), "").tolist())
    digest = hashlib.sha256(f"{FORMAT} v{SCHEMA_VERSION}\n".encode())
    for row in zip(*columns, strict=True):
        for value in row:
            data = str(value).encode("utf-8")
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
    return digest.hexdigest()


# --- writing -------------------------------------------------------------------------------------


def canonical_order(documents: pd.DataFrame) -> pd.DataFrame:
    """Rows in load_corpus's order: date (NaT last), then doc_id; a fresh RangeIndex."""
    return documents.sort_values(
        ["date", "doc_id"], na_position="last", kind="stable", ignore_index=True
    )


def month_keys(dates: pd.Series) -> pd.Series:
    """The partition key of each date: "YYYY-MM", or "undated" for NaT."""
    return pd.to_datetime(dates).dt.strftime("%Y-%m").astype(object).fillna(UNDATED)


def _text_sizes(frame: pd.DataFrame) -> np.ndarray:
    sizes = np.zeros(len(frame), dtype=np.int64)
    for name in ("title", "text"):
        if name in frame.columns:
            sizes += frame[name].fillna("").str.len().to_numpy(dtype=np.int64)
    return sizes


def _file_chunks(months: np.ndarray, sizes: np.ndarray, file_bytes: int) -> np.ndarray:
    """Chunk number of each row within its month: at most ``file_bytes`` of text per chunk.

    Greedy, in row order: a document goes into the current chunk unless it would overflow it;
    a document larger than file_bytes is never split, it gets a chunk of its own.
    """
    chunks = np.zeros(len(sizes), dtype=np.int64)
    chunk, filled, month = 0, 0, None
    for row, (key, size) in enumerate(zip(months.tolist(), sizes.tolist(), strict=True)):
        if key != month:
            chunk, filled, month = 0, 0, key
        elif filled and filled + size > file_bytes:
            chunk, filled = chunk + 1, 0
        chunks[row] = chunk
        filled += size
    return chunks


def _json_safe(value):
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _is_store(path: Path | str) -> bool:
    if is_url(path):
        return url_is_file(join(path, MANIFEST))
    return (path / MANIFEST).is_file()


def is_corpus_store(path: str | Path) -> bool:
    """Whether ``path`` (a folder or a URL) is a store written by :func:`write_corpus_store`."""
    return _is_store(path if is_url(path) else Path(path))


def _pieces(frame: pd.DataFrame, file_bytes: int):
    """(month, number within the month, rows) of each file of the store, in row order."""
    months = month_keys(frame["date"])
    chunks = _file_chunks(months.to_numpy(), _text_sizes(frame), file_bytes)
    part_of_month: dict[str, int] = {}
    # Sorted groups: months in calendar order ("undated" sorts after every digit), and chunks
    # in row order within a month, so the file list is the row order.
    for (month, _), piece in frame.groupby([months.to_numpy(), chunks], sort=True):
        number = part_of_month.get(month, 0)
        part_of_month[month] = number + 1
        yield month, number, piece


def _file_entry(relative: str, month: str, piece: pd.DataFrame) -> dict:
    return {
        "path": relative,
        "month": month,
        "rows": len(piece),
        "text_chars": int(_text_sizes(piece).sum()),
    }


def _manifest(frame: pd.DataFrame, files: list[dict], attrs: dict) -> dict:
    columns = [str(c) for c in frame.columns]
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "corpus_hash": corpus_hash(frame),
        "rows": len(frame),
        "columns": columns,
        "dtypes": {c: str(frame[c].dtype) for c in columns},
        "order": ["date (NaT last)", "doc_id"],
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": files,
        # load_corpus's attrs (excluded inputs, metadata, duplicates ...) travel along.
        "attrs": _json_safe(dict(attrs)),
    }


def _manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"


def write_corpus_store(
    documents: pd.DataFrame, directory: str | Path, *, file_bytes: int = FILE_BYTES
) -> Path:
    """Write the documents frame as a month-partitioned Parquet store, atomically.

    Parameters
    ----------
    documents : the documents frame (DOCUMENT_COLUMNS; at least doc_id and date). doc_id must
        be unique. ``documents.attrs`` (load_corpus's ``excluded`` inputs, ``duplicates`` ...)
        are kept in the manifest (as JSON) and given back by :func:`read_corpus_store`.
    directory : the store folder. An existing store there is replaced; an existing folder that
        is not a store (and not empty) is refused, so user files are never deleted.
    file_bytes : about how much text (characters of title + text) goes into one file.

    Returns
    -------
    The store's path. Inside: ``month=YYYY-MM/part-NNNN.parquet`` (``month=undated`` for
    documents without a date) and ``_manifest.json`` with corpus_hash, rows, columns, dtypes,
    schema_version, created (UTC) and the file list in row order.
    """
    for name in ("doc_id", "date"):
        if name not in documents.columns:
            raise InputError(f"documents: missing column {name}")
    if documents["doc_id"].duplicated().any():
        first = documents.loc[documents["doc_id"].duplicated(), "doc_id"].iloc[0]
        raise InputError(f"documents: doc_id {first!r} is not unique; a store needs unique ids")
    if is_url(directory):
        return _write_url_store(documents, str(directory).rstrip("/"), file_bytes)
    target = Path(directory)
    if target.exists() and not (
        _is_store(target) or (target.is_dir() and not any(target.iterdir()))
    ):
        raise InputError(f"{target}: exists and is not a corpus store; refusing to replace it")

    frame = canonical_order(documents)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        files = []
        with progress.bar(len(frame), "writing the corpus store", unit="doc") as bar:
            for month, number, piece in _pieces(frame, file_bytes):
                relative = f"month={month}/part-{number:04d}.parquet"
                path = staging / relative
                path.parent.mkdir(exist_ok=True)
                table = pa.Table.from_pandas(piece, preserve_index=False)
                pq.write_table(table, path, compression="zstd")
                files.append(_file_entry(relative, month, piece))
                bar.update(len(piece))
        manifest = _manifest(frame, files, documents.attrs)
        write_atomic(staging / MANIFEST, _manifest_text(manifest))
        os.chmod(staging, 0o755)
        _replace_directory(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _write_url_store(documents: pd.DataFrame, url: str, file_bytes: int) -> str:
    """:func:`write_corpus_store` at a URL: files under new names, the manifest last (the
    commit), then the replaced store's files deleted (see the module docstring)."""
    import io

    fs, root = filesystem(url)
    old: list[str] = []
    if _is_store(url):
        old = [entry["path"] for entry in read_manifest(url)["files"]]
    elif fs.exists(root) and fs.find(root, maxdepth=None):
        raise InputError(f"{url}: exists and is not a corpus store; refusing to replace it")
    frame = canonical_order(documents)
    write_id = uuid.uuid4().hex[:8]
    files: list[dict] = []
    try:
        with progress.bar(len(frame), "writing the corpus store", unit="doc") as bar:
            for month, number, piece in _pieces(frame, file_bytes):
                relative = f"month={month}/part-{number:04d}-{write_id}.parquet"
                buffer = io.BytesIO()
                table = pa.Table.from_pandas(piece, preserve_index=False)
                pq.write_table(table, buffer, compression="zstd")
                write_atomic(join(url, relative), buffer.getvalue())
                files.append(_file_entry(relative, month, piece))
                bar.update(len(piece))
        write_atomic(join(url, MANIFEST), _manifest_text(_manifest(frame, files, documents.attrs)))
    except BaseException:
        _remove_quietly(fs, [f"{root}/{entry['path']}" for entry in files])
        raise
    kept = {entry["path"] for entry in files}
    _remove_quietly(fs, [f"{root}/{path}" for path in old if path not in kept])
    return url


def _remove_quietly(fs, paths: list[str]) -> None:
    for path in paths:
        try:
            fs.rm_file(path)
        except OSError:
            pass  # already gone, or no right to delete: a leftover, never part of a store


def _replace_directory(staging: Path, target: Path) -> None:
    """Put ``staging`` in ``target``'s place; on failure the old target is put back."""
    if not target.exists():
        os.rename(staging, target)
        return
    # POSIX cannot swap two folders in one step: move the old one aside, move the new one in,
    # then delete the old one. Readers may briefly find no store, never a half-written one.
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


# --- reading -------------------------------------------------------------------------------------


def read_manifest(directory: str | Path) -> dict:
    """The store's manifest (see :func:`write_corpus_store`).

    Raises
    ------
    InputError
        When the folder is not a corpus store or was written by a newer schema version.
    """
    path = join(directory, MANIFEST)
    try:
        if is_url(path):
            manifest = json.loads(read_url(path).decode("utf-8"))
        else:
            manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{directory}: not a corpus store (no {MANIFEST})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: unreadable manifest ({error})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error})") from None
    if manifest.get("format") != FORMAT:
        raise InputError(f"{path}: not a corpus store manifest")
    if int(manifest.get("schema_version", 0)) > SCHEMA_VERSION:
        raise InputError(
            f"{path}: schema_version {manifest['schema_version']} is newer than this package "
            f"reads ({SCHEMA_VERSION}); upgrade the package"
        )
    return manifest


def store_files(directory: str | Path) -> list[Path] | list[str]:
    """The store's Parquet files in row order (months in order, undated last); URLs for a
    store named by URL."""
    directory = str(directory).rstrip("/") if is_url(directory) else Path(directory)
    return [join(directory, entry["path"]) for entry in read_manifest(directory)["files"]]


def _check_columns(manifest: dict, columns: list[str] | None, directory) -> list[str]:
    if columns is None:
        return list(manifest["columns"])
    columns = [columns] if isinstance(columns, str) else list(columns)
    missing = [c for c in columns if c not in manifest["columns"]]
    if missing:
        raise InputError(f"{directory}: the store has no column(s) {', '.join(missing)}")
    return columns


def _restore(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """Give each column the dtype it had when written (Parquet keeps most, not every one)."""
    changed = {
        c: dtypes[c] for c in frame.columns if c in dtypes and str(frame[c].dtype) != dtypes[c]
    }
    return frame.astype(changed) if changed else frame


def read_store_file(
    path: str | Path,
    columns: list[str],
    dtypes: dict[str, str],
    storage_options: dict | None = None,
) -> pd.DataFrame:
    """One Parquet file of a store as a pandas frame with the written dtypes.

    Runs on Dask workers: one file is the unit of work and of memory. ``storage_options`` are
    the fsspec options of a URL (from the client, see :func:`analysis.files.storage_options`).
    """
    with bulk_memory():
        return _restore(_read_table(path, columns, storage_options).to_pandas(), dtypes)


def _read_table(path, columns, options: dict | None = None) -> pa.Table:
    if not is_url(path):
        return pq.read_table(path, columns=columns, partitioning=None)
    fs, inner = filesystem(str(path), options)
    with fs.open(inner, "rb") as stream:
        return pq.read_table(stream, columns=columns, partitioning=None)


def empty_documents(manifest: dict, columns: list[str] | None = None) -> pd.DataFrame:
    """A frame with the store's columns and dtypes and no rows."""
    columns = list(manifest["columns"]) if columns is None else columns
    dtypes = manifest["dtypes"]
    return pd.DataFrame({c: pd.Series([], dtype=dtypes[c]) for c in columns})


def read_corpus_store(directory: str | Path, *, columns: list[str] | None = None) -> pd.DataFrame:
    """The documents frame of a store: same columns, dtypes and row order as when written.

    Parameters
    ----------
    directory : a folder written by :func:`write_corpus_store`.
    columns : read only these columns (e.g. ``["doc_id", "date", "n_words"]`` for a timeline).

    Returns
    -------
    documents frame (DOCUMENT_COLUMNS, or ``columns``), rows ordered by date (NaT last) then
    doc_id, with a RangeIndex; ``attrs`` as written (e.g. ``attrs["excluded"]``).
    """
    manifest = read_manifest(directory)
    columns = _check_columns(manifest, columns, directory)
    files = store_files(directory)
    if not files:
        frame = empty_documents(manifest, columns)
    else:
        with bulk_memory():  # Parquet's decompression scratch goes back to the system
            tables = [_read_table(path, columns) for path in files]
            frame = _restore(pa.concat_tables(tables).to_pandas(), manifest["dtypes"])
    frame.attrs = dict(manifest.get("attrs", {}))
    if "boilerplate_spans" in frame.attrs:  # shared, not deep-copied by every pandas operation
        frame.attrs["boilerplate_spans"] = Spans(frame.attrs["boilerplate_spans"])
    return frame


# --- mentions cache ------------------------------------------------------------------------------


def mentions_cache_dir(store_dir: str | Path) -> Path | str:
    """The folder beside the store that holds its cached mentions (``<store>.mentions``)."""
    if is_url(store_dir):
        return str(store_dir).rstrip("/") + ".mentions"
    store_dir = Path(store_dir)
    return store_dir.parent / f"{store_dir.name}.mentions"


def mentions_cache_path(
    store_dir: str | Path, gazetteer, *, metonyms: bool = False, include_duplicates: bool = False
) -> Path:
    """Where the mentions of this store, gazetteer and options are (or would be) cached."""
    corpus = read_manifest(store_dir)["corpus_hash"][:16]
    options = ("metonyms" if metonyms else "plain") + ("-dups" if include_duplicates else "")
    name = f"mentions-{corpus}-{gazetteer.hash}-{options}.parquet"
    return join(mentions_cache_dir(store_dir), name)


def read_cached_mentions(path: Path | str) -> pd.DataFrame | None:
    """The cached mentions at ``path``, or None when absent or unreadable (then recomputed)."""
    if is_url(path):
        if not url_is_file(path):
            return None
    elif not Path(path).is_file():
        return None
    try:
        return _read_table(path, None).to_pandas() if is_url(path) else pd.read_parquet(path)
    except (OSError, pa.ArrowException):
        return None  # e.g. written by another pyarrow: recompute and overwrite


def write_cached_mentions(mentions: pd.DataFrame, path: Path | str) -> None:
    """Write the mentions cache file atomically; files of an older corpus are removed."""
    write_frame(mentions, path)
    corpus = name_of(path).split("-")[1]
    if is_url(path):
        fs, inner = filesystem(str(path))
        stale = [p for p in fs.glob(inner.rsplit("/", 1)[0] + "/mentions-*.parquet")]
        _remove_quietly(fs, [p for p in stale if p.rsplit("/", 1)[-1].split("-")[1] != corpus])
        return
    for stale in Path(path).parent.glob("mentions-*.parquet"):
        if stale.name.split("-")[1] != corpus:
            stale.unlink(missing_ok=True)  # that corpus is gone; its mentions can never hit


def _gazetteer_beside(mentions_cache: Path | str) -> Path:
    return Path(mentions_cache).with_suffix(".gazetteer.pickle")


def write_batch_gazetteer(gazetteer, mentions_cache: Path | str, extra: str | None) -> None:
    """Keep the gazetteer a batch found its mentions with beside their (local) cache, with the
    user file it merged (``extra``), so that a report kernel of the batch need not read and
    check the YAML again (about 1.5 s of CPU): :func:`read_batch_gazetteer`."""
    if is_url(mentions_cache):
        return
    data = pickle.dumps({"extra": extra, "gazetteer": gazetteer}, protocol=5)
    write_atomic(_gazetteer_beside(mentions_cache), data)


def read_batch_gazetteer(mentions_cache: Path | str, extra: str | None):
    """The gazetteer :func:`write_batch_gazetteer` kept beside ``mentions_cache`` when it
    merged the same ``extra`` file, else None (then loaded as usual). The file is the batch's
    own, in its private temporary folder: it is unpickled as the batch wrote it."""
    if not mentions_cache or is_url(mentions_cache):
        return None
    try:
        kept = pickle.loads(_gazetteer_beside(mentions_cache).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return kept["gazetteer"] if kept.get("extra") == extra else None
