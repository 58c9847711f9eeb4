"""File formats of the corpus: the reader registry and the built-in readers, one line each.

Any of the types may be gzipped (``.jsonl.gz``). Adding a format is one module with a reader
(see :mod:`analysis.corpus.readers.base` for what it takes and returns) and one
:func:`register_reader` line below; the order of the lines is the order messages list the types.
"""

from __future__ import annotations

from analysis.corpus.readers import (
    delimited,
    docx,
    feeds,
    html,
    jsonfiles,
    parquet,
    rtf,
    text,
    warc,
)
from analysis.corpus.readers.base import (
    RAW_COLUMNS,
    Reader,
    Source,
    file_type,
    known_types,
    read_bytes,
    reader_for,
    register_reader,
)
from analysis.corpus.readers.columns import COLUMN_NAMES

__all__ = [
    "COLUMN_NAMES",
    "RAW_COLUMNS",
    "Reader",
    "Source",
    "file_type",
    "known_types",
    "read_bytes",
    "reader_for",
    "register_reader",
]

register_reader([".txt"], text.read_plain)
register_reader([".md", ".markdown"], text.read_markdown)
register_reader([".csv"], delimited.read_csv)
register_reader([".tsv"], delimited.read_tsv)
register_reader([".jsonl", ".ndjson"], jsonfiles.read_json_lines)
register_reader([".json"], jsonfiles.read_json_list)
register_reader([".parquet"], parquet.read_parquet)
register_reader([".html", ".htm"], html.read_html)
register_reader([".rss", ".atom", ".xml"], feeds.read_feed)
register_reader([".warc", ".arc"], warc.read_warc)
register_reader([".docx"], docx.read_docx)
register_reader([".rtf"], rtf.read_rtf)
