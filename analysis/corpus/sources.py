"""Sources -> raw records: folders are walked, files go to the reader of their type, frames are
read as tables; every input that does not become a document is recorded with its reason.

This is the one place that knows what a source can be, so readers see only single files and the
rules below hold for every format.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import progress
from analysis.corpus.metadata import METADATA_FILE
from analysis.corpus.readers import RAW_COLUMNS, Source, file_type, known_types, reader_for
from analysis.corpus.readers.columns import as_roles, table_records
from analysis.errors import InputError

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
                f"{folder}: no files to load ({known_types()}; hidden files are skipped)"
            )
        with progress.bar(len(paths), f"reading {folder.name}", unit="file") as shown:
            for path in paths:
                self._add_file(path, explicit=False)
                shown.update(1)

    def _add_file(self, path: Path, *, explicit: bool) -> None:
        display = str(path)
        reader = reader_for(path)
        if reader is None:
            suffix = file_type(path)
            if explicit:
                raise InputError(f"{display}: unsupported file type {suffix!r} ({known_types()})")
            self.exclude(display, None, f"unsupported file type {suffix or '(none)'!r}")
            return
        try:
            records = reader(Source(path, display, self.overrides, self.exclude))
        except InputError as error:
            if explicit:
                raise
            self.exclude(display, None, str(error).removeprefix(f"{display}: "))
            return
        if isinstance(records, pd.DataFrame):
            self.frames.append(records)
            return
        for record in records:
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
