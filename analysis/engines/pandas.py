"""The pandas engine: the domain functions, in this process. The reference for every engine.

A corpus store folder is read into memory first (only the columns the step needs), so every
function accepts what the other engines accept; ``client`` is accepted and ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import mentions as _mentions
from analysis import store as _store
from analysis import timeline as _timeline
from analysis.gazetteer import Gazetteer
from analysis.schema import MENTION_INPUTS

_TIMELINE_INPUTS = ("doc_id", "date", "n_words", "duplicate_of")


def _documents(documents_or_store: pd.DataFrame | str | Path, columns: Iterable[str]):
    if isinstance(documents_or_store, pd.DataFrame):
        return documents_or_store
    manifest = _store.read_manifest(documents_or_store)
    wanted = [c for c in columns if c in manifest["columns"]]
    return _store.read_corpus_store(documents_or_store, columns=wanted)


def load_store(store_dir: str | Path, *, columns: list[str] | None = None, client=None):
    """The documents frame of a corpus store (:func:`analysis.store.read_corpus_store`)."""
    return _store.read_corpus_store(store_dir, columns=columns)


def find_mentions(
    documents_or_store: pd.DataFrame | str | Path,
    gazetteer: Gazetteer | None = None,
    *,
    metonyms: bool = False,
    include_duplicates: bool = False,
    include_boilerplate: bool = False,
    client=None,
) -> pd.DataFrame:
    """:func:`analysis.mentions.find_mentions` of a frame or of a corpus store."""
    return _mentions.find_mentions(
        _documents(documents_or_store, MENTION_INPUTS),
        gazetteer,
        metonyms=metonyms,
        include_duplicates=include_duplicates,
        include_boilerplate=include_boilerplate,
    )


def corpus_over_time(
    documents_or_store: pd.DataFrame | str | Path,
    *,
    freq: str = "W",
    start: Any = None,
    end: Any = None,
    min_documents: int | None = None,
    client=None,
) -> pd.DataFrame:
    """:func:`analysis.timeline.corpus_over_time` of a frame or of a corpus store."""
    return _timeline.corpus_over_time(
        _documents(documents_or_store, _TIMELINE_INPUTS),
        freq=freq,
        start=start,
        end=end,
        min_documents=_timeline.MIN_DOCUMENTS if min_documents is None else min_documents,
    )


def mentions_over_time(
    mentions: pd.DataFrame,
    documents_or_store: pd.DataFrame | str | Path,
    *,
    freq: str = "W",
    normalize: str = "count",
    entities: str | Iterable[str] | None = None,
    kinds: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    min_documents: int | None = None,
    client=None,
) -> pd.DataFrame:
    """:func:`analysis.timeline.mentions_over_time` against a frame or a corpus store."""
    return _timeline.mentions_over_time(
        mentions,
        _documents(documents_or_store, _TIMELINE_INPUTS),
        freq=freq,
        normalize=normalize,
        entities=entities,
        kinds=kinds,
        start=start,
        end=end,
        min_documents=_timeline.MIN_DOCUMENTS if min_documents is None else min_documents,
    )
