"""Sources -> the documents frame (:data:`analysis.schema.DOCUMENT_COLUMNS`), one row per article.

Reading is split from deciding: a reader per file format turns a file into raw records with
their provenance (:mod:`~analysis.corpus.readers`, a registry, so a new format is one module and
one registration), and the rest of the package applies the same rules to every format: ids and
the frame (``build``), dates, the metadata sidecar, duplicates and the summary. Nothing here
knows of stores or engines; :mod:`analysis.api` routes those.
"""

from __future__ import annotations

from analysis.corpus.build import load_corpus
from analysis.corpus.duplicates import unique_documents
from analysis.corpus.readers import COLUMN_NAMES, reader_for, register_reader
from analysis.corpus.summary import CorpusWarning, summarize_corpus

__all__ = [
    "COLUMN_NAMES",
    "CorpusWarning",
    "load_corpus",
    "reader_for",
    "register_reader",
    "summarize_corpus",
    "unique_documents",
]
