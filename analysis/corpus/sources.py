"""Sources -> raw records: folders are walked, files go to the reader of their type, frames are
read as tables; every input that does not become a document is recorded with its reason.

This is the one place that knows what a source can be, so readers see only single files and the
rules below hold for every format.
"""

from __future__ import annotations

import errno
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import progress
from analysis.corpus.metadata import METADATA_FILE
from analysis.corpus.readers import RAW_COLUMNS, Source, file_type, known_types, reader_for
from analysis.corpus.readers.columns import as_roles, table_records
from analysis.errors import InputError
from analysis.files import filesystem, is_url

_FILE_BATCH_CHARS = 4_000_000  # one-document files are turned into a frame every this many chars


@dataclass
class Collector:
    """Raw records from every source, and the inputs that did not become documents.

    - A folder is walked recursively in sorted order; hidden files and folders (``.git``,
      ``.DS_Store``) are skipped; a top-level ``metadata.csv`` is the metadata sidecar, never a
      table. Every other file becomes documents or an exclusion with its reason (unsupported
      type, binary, undecodable, a table without a text column ...).
    - A file named directly (or in a list) must be loadable: there the same problems raise
      :class:`analysis.errors.InputError`.
    - A DataFrame is a table whose ``path`` is "" and whose fallback ids are ``"frame:<row>"``.
    """

    overrides: dict[str, str | None]
    frames: list[pd.DataFrame] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)  # one-document records not yet in ``frames``
    file_chars: int = 0  # characters of text in ``files``
    excluded: list[dict] = field(default_factory=list)

    def exclude(self, path: str, row: int | None, reason: str) -> None:
        self.excluded.append({"path": path, "row": row, "reason": reason})

    def add(self, source, *, explicit: bool = True) -> None:
        if isinstance(source, pd.DataFrame):
            self.frames.append(
                table_records(
                    as_roles(source, self.overrides, "DataFrame"),
                    display="",
                    stem="frame",
                    note="",
                )
            )
            return
        try:
            name = os.fspath(source)
        except TypeError:
            raise InputError(
                f"load_corpus: cannot load a {type(source).__name__}; give a folder, a file, "
                "a list of them or a DataFrame"
            ) from None
        if not str(name).strip():
            raise InputError(
                "load_corpus: the source is an empty path; give a folder or file "
                "('.' for the working folder)"
            )
        if is_url(name):
            self._add_url(name, explicit=explicit)
            return
        path = Path(name).expanduser()
        if path.is_dir():
            self._add_folder(path)
        elif path.is_file():
            self._add_file(path, explicit=explicit)
        elif os.path.lexists(path):
            raise InputError(f"{path}: cannot be read (a broken link, or not a file or folder)")
        else:
            try:
                path.stat()
            except PermissionError:
                raise InputError(f"{path}: cannot be read (permission denied)") from None
            except OSError:
                pass
            raise InputError(f"{path}: no such file or folder")

    def _add_folder(self, folder: Path) -> None:
        before = len(self.excluded)
        paths = self._walk(folder)
        if not paths:
            skipped = self.excluded[before:]
            raise InputError(
                f"{folder}: no files to load ({known_types()}; hidden files are skipped)"
                + (
                    f"; {len(skipped)} excluded, first {skipped[0]['path']}: {skipped[0]['reason']}"
                    if skipped
                    else ""
                )
            )
        with progress.bar(len(paths), f"reading {folder.name}", unit="file") as shown:
            for path in paths:
                self._add_file(path, explicit=False)
                shown.update(1)

    def _walk(self, folder: Path) -> list[Path]:
        """The files to read under ``folder``: per folder its files, then its subfolders, each
        in sorted order.

        Symbolic links are followed, each folder and file once: the real tree is walked first,
        then the links, so that a link to something already found, a link back to a folder
        being walked (a loop), a broken link and an entry that cannot be listed or read are
        exclusions with their reason, never skipped without a word.
        """
        paths: list[Path] = []
        folders = {os.path.realpath(folder): folder}
        files: dict[str, Path] = {}
        links: list[tuple[Path, frozenset[str]]] = []  # followed once the real tree is known

        def add_file(path: Path) -> None:
            real = os.path.realpath(path)
            if real in files:
                self.exclude(str(path), None, f"same file as {files[real]} (link)")
            else:
                files[real] = path
                paths.append(path)

        def add_folder(path: Path, ancestors: frozenset[str]) -> None:
            real = os.path.realpath(path)
            if real in ancestors:
                self.exclude(str(path), None, f"symbolic link loop (back to {real})")
            elif real in folders:
                self.exclude(str(path), None, f"same folder as {folders[real]} (link)")
            else:
                folders[real] = path
                visit(path, ancestors | {real})

        def visit(directory: Path, ancestors: frozenset[str]) -> None:
            try:
                with os.scandir(directory) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as error:
                self.exclude(str(directory), None, f"unreadable folder: {_reason(error)}")
                return
            subfolders = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if directory == folder and entry.name == METADATA_FILE:
                    continue  # the sidecar, read by load_corpus
                path = Path(entry.path)
                try:
                    if entry.is_symlink():
                        links.append((path, ancestors))
                    elif entry.is_dir(follow_symlinks=False):
                        subfolders.append(path)
                    elif entry.is_file(follow_symlinks=False):
                        add_file(path)
                    else:
                        self.exclude(str(path), None, "not a regular file or folder")
                except OSError as error:
                    self.exclude(str(path), None, f"unreadable: {_reason(error)}")
            for path in subfolders:
                add_folder(path, ancestors)

        visit(folder, frozenset({os.path.realpath(folder)}))
        while links:
            path, ancestors = links.pop(0)
            if path.is_dir():
                add_folder(path, ancestors)
            elif path.is_file():
                add_file(path)
            else:
                reason = "symbolic link loop" if _is_link_loop(path) else "broken link"
                self.exclude(str(path), None, f"{reason} (to {os.readlink(path)})")
        return paths

    def _add_url(self, url: str, *, explicit: bool) -> None:
        """A file or folder by URL (``s3://``, ``gs://``, ``https://`` ...): each file is
        downloaded to a temporary file, read as a local one (its ``path`` is the URL), and
        deleted, so a remote folder needs local room for its largest file only."""
        try:
            fs, root = filesystem(url)
            kind = _url_kind(fs, root, url)
        except InputError:
            raise
        except (OSError, ValueError, ImportError) as error:
            raise InputError(f"{url}: cannot be reached ({_reason(error)})") from None
        if kind is None:
            raise InputError(f"{url}: no such file or folder")
        if kind == "file":
            with tempfile.TemporaryDirectory(prefix="news-mentions-") as scratch:
                self._add_remote_file(fs, root, url, Path(scratch), explicit=explicit)
            return
        base = url.rstrip("/")
        names = []
        for found in sorted(fs.find(root, withdirs=False)):
            relative = found[len(root.rstrip("/")) :].lstrip("/")
            if not relative or any(part.startswith(".") for part in relative.split("/")):
                continue
            if relative == METADATA_FILE:
                continue  # the sidecar, read by load_corpus
            names.append((found, f"{base}/{relative}"))
        if not names:
            raise InputError(f"{url}: no files to load ({known_types()}; hidden files are skipped)")
        with (
            tempfile.TemporaryDirectory(prefix="news-mentions-") as scratch,
            progress.bar(len(names), f"reading {base.rsplit('/', 1)[-1]}", unit="file") as shown,
        ):
            for found, display in names:
                self._add_remote_file(fs, found, display, Path(scratch), explicit=False)
                shown.update(1)

    def _add_remote_file(self, fs, remote: str, display: str, scratch: Path, *, explicit) -> None:
        local = scratch / display.rstrip("/").rsplit("/", 1)[-1]
        if reader_for(local) is None:  # not downloaded: refused by its name alone
            self._add_file(local, explicit=explicit, display=display)
            return
        try:
            fs.get_file(remote, str(local))
        except (OSError, ValueError) as error:
            if explicit:
                raise InputError(f"{display}: cannot be downloaded ({_reason(error)})") from None
            self.exclude(display, None, f"unreadable: {_reason(error)}")
            return
        try:
            self._add_file(local, explicit=explicit, display=display)
        finally:
            local.unlink(missing_ok=True)

    def _add_file(self, path: Path, *, explicit: bool, display: str | None = None) -> None:
        display = str(path) if display is None else display
        reader = reader_for(path)
        if reader is None:
            suffix = file_type(path)
            if explicit:
                raise InputError(f"{display}: unsupported file type {suffix!r} ({known_types()})")
            self.exclude(display, None, f"unsupported file type {suffix or '(none)'!r}")
            return
        before = len(self.excluded)
        try:
            records = reader(Source(path, display, self.overrides, self.exclude))
        except InputError as error:
            if explicit:
                raise
            self.exclude(display, None, str(error).removeprefix(f"{display}: "))
            return
        if explicit and hasattr(records, "__len__") and not len(records):
            # A file named directly must be loadable: what a folder lists, it refuses.
            whole = [e for e in self.excluded[before:] if e["path"] == display and not e["row"]]
            if whole:
                del self.excluded[before:]
                raise InputError(f"{display}: {whole[0]['reason']}")
        if isinstance(records, pd.DataFrame):
            self.frames.append(_without_nuls(records))
            return
        for record in records:
            _record_without_nuls(record)
            self.files.append(record)
            self.file_chars += len(record["text"])
            if self.file_chars >= _FILE_BATCH_CHARS:
                self._flush_files()

    def _flush_files(self) -> None:
        """Turn the one-document records so far into a frame: Arrow holds their texts in UTF-8,
        where Python strings of curly-quoted English take two bytes a character, plus objects."""
        if self.files:
            self.frames.append(pd.DataFrame(self.files, columns=RAW_COLUMNS))
        self.files, self.file_chars = [], 0

    def frame(self) -> pd.DataFrame:
        """Every raw record collected (:data:`RAW_COLUMNS`), in the order they were read."""
        self._flush_files()
        parts = [part for part in self.frames if len(part)]
        if not parts:
            return pd.DataFrame({name: pd.Series(dtype=object) for name in RAW_COLUMNS})
        self.frames = []  # the raw frame is now the only copy
        raw = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        return raw.reset_index(drop=True)


_NUL = "\x00"


def _record_without_nuls(record: dict) -> None:
    """NUL characters (a JSON ``\\u0000``, a stray byte) removed from the title and text, with
    a note: no text tool or file format downstream expects them."""
    for name in ("title", "text"):
        value = record[name]
        if isinstance(value, str) and _NUL in value:
            record[name] = value.replace(_NUL, "")
            record["notes"] = [
                *record["notes"],
                f"{value.count(_NUL)} NUL character(s) removed from the {name}",
            ]


def _without_nuls(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`_record_without_nuls` for a table's records (a scan of the texts, copies only
    of the rare rows that hold a NUL)."""
    rows = [
        row
        for name in ("title", "text")
        if name in frame.columns
        for row, value in enumerate(frame[name].tolist())
        if isinstance(value, str) and _NUL in value
    ]
    if not rows:
        return frame
    columns = {name: frame[name].tolist() for name in ("title", "text", "notes")}
    for row in sorted(set(rows)):
        record = {name: values[row] for name, values in columns.items()}
        _record_without_nuls(record)
        for name, values in columns.items():
            values[row] = record[name]
    frame = frame.assign(
        **{
            name: pd.Series(v, index=frame.index, dtype=frame[name].dtype)
            for name, v in columns.items()
        }
    )
    return frame


def _reason(error: BaseException) -> str:
    """An OSError's reason without the path the message names anyway."""
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def _is_link_loop(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:
        return True  # "Symlink loop" (Python < 3.13)
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def _url_kind(fs, root: str, url: str) -> str | None:
    """The URL names a "file", a "folder" or nothing (None).

    Over HTTP a URL ending in "/" is a folder (its index page lists the files) and any other
    URL a file: a page's links do not make it a folder."""
    protocols = {fs.protocol} if isinstance(fs.protocol, str) else set(fs.protocol)
    if protocols & {"http", "https"}:
        if url.endswith("/"):
            return "folder"
        return "file" if fs.exists(root) else None
    fs.invalidate_cache(root)  # listings cached earlier in this process may be stale
    if fs.isfile(root):
        return "file"
    if fs.isdir(root):
        return "folder"
    return None
