"""The public front doors: the domain's work on the engine you choose, from any source.

Each function takes ``engine=`` ("pandas", the default, in this process; "dask" on a
dask.distributed cluster, ``client`` or a default one) and, where it reads the corpus, either a
documents frame or the folder of a Parquet corpus store. The engines give identical frames
(rows, order, dtypes and attrs), so choosing one is a matter of size, never of results. The
mentions cache of a store lives here too, since a cache miss must run on the chosen engine.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import corpus as _corpus
from analysis import store as _store
from analysis.engines import check_engine, get_engine
from analysis.errors import InputError
from analysis.files import set_storage_options as set_storage_options  # re-exported
from analysis.gazetteer import Gazetteer, load_gazetteer, with_near_names
from analysis.timeline import MIN_DOCUMENTS


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
    """Load articles from folders, files, tables, a frame or a corpus store: the documents frame.

    Parameters
    ----------
    source, metadata, text_column, date_column, title_column, id_column, url_column,
    source_column, near_duplicates : as in :func:`analysis.corpus.load_corpus`.
    engine : for a Parquet corpus store (``corpus SOURCE --to-parquet DIR``), "dask" reads it
        file by file on the cluster; raw sources are always parsed in this process.
    client : a ``distributed.Client`` for engine="dask".

    Returns
    -------
    The documents frame (see :func:`analysis.corpus.load_corpus`); a store gives back the
    frame it was written from, attrs included.

    Folders, files and stores may be URLs (``s3://bucket/corpus``, ``gs://...``,
    ``https://host/folder/``), read through fsspec with its usual configuration or the options
    given to :func:`set_storage_options`.
    """
    check_engine(engine)
    if isinstance(source, str | os.PathLike) and _store.is_corpus_store(source):
        return get_engine(engine).load_store(source, client=client)
    return _corpus.load_corpus(
        source,
        metadata=metadata,
        text_column=text_column,
        date_column=date_column,
        title_column=title_column,
        id_column=id_column,
        url_column=url_column,
        source_column=source_column,
        near_duplicates=near_duplicates,
    )


def find_mentions(
    documents: pd.DataFrame | str | Path,
    gazetteer: Gazetteer | None = None,
    *,
    metonyms: bool = False,
    include_duplicates: bool = False,
    include_boilerplate: bool = False,
    fuzzy: bool = False,
    engine: str = "pandas",
    client=None,
) -> pd.DataFrame:
    """Every mention of a gazetteer entity in the documents' titles and texts.

    Parameters
    ----------
    documents : the documents frame from :func:`load_corpus`, or a corpus store folder.
    gazetteer : a loaded gazetteer; None loads the default shipped with the package.
    metonyms : also count metonym aliases (off by default; such rows have ``metonym`` True).
    include_duplicates : also scan documents flagged as duplicates.
    include_boilerplate : also count mentions in boilerplate (paragraphs repeated across a
        source, found at load time and listed in ``documents.attrs["boilerplate"]``).
    fuzzy : also count spellings near a long name (the near-name pass,
        :func:`analysis.discovery.near_names`: "Zelanski" for Zelensky); such rows have
        ``match == "fuzzy"``. Needs a documents frame (the corpus's words are read first).
    engine, client : see the module docstring; the results are identical.

    Returns
    -------
    DataFrame, one row per mention: doc_id, date, field ("title" | "text"), sentence_id (index
    into ``sentence_spans(documents[field])``), start, end (``text[start:end] == surface``),
    surface, entity_id, entity, kind, category, metonym, match.
    """
    if fuzzy:
        from analysis.discovery import near_names  # nltk's collocations: imported when asked

        if not isinstance(documents, pd.DataFrame):
            raise InputError(f"{documents}: fuzzy=True needs a documents frame (load_corpus)")
        gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
        gazetteer = with_near_names(gazetteer, near_names(documents, gazetteer))
    return get_engine(engine).find_mentions(
        documents, gazetteer, metonyms=metonyms, include_duplicates=include_duplicates,
        include_boilerplate=include_boilerplate, client=client,
    )  # fmt: skip


def corpus_over_time(
    documents: pd.DataFrame | str | Path,
    *,
    freq: str = "W",
    start: Any = None,
    end: Any = None,
    min_documents: int = MIN_DOCUMENTS,
    engine: str = "pandas",
    client=None,
) -> pd.DataFrame:
    """Size of the corpus per period (:func:`analysis.timeline.corpus_over_time`).

    ``documents`` may be a corpus store folder; ``engine``/``client`` as in the module
    docstring.
    """
    return get_engine(engine).corpus_over_time(
        documents, freq=freq, start=start, end=end, min_documents=min_documents, client=client
    )


def mentions_over_time(
    mentions: pd.DataFrame,
    documents: pd.DataFrame | str | Path,
    *,
    freq: str = "W",
    normalize: str = "count",
    entities: str | Iterable[str] | None = None,
    kinds: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    min_documents: int = MIN_DOCUMENTS,
    engine: str = "pandas",
    client=None,
) -> pd.DataFrame:
    """Mentions per entity and period (:func:`analysis.timeline.mentions_over_time`).

    ``documents`` may be a corpus store folder; ``engine``/``client`` as in the module
    docstring.
    """
    return get_engine(engine).mentions_over_time(
        mentions,
        documents,
        freq=freq,
        normalize=normalize,
        entities=entities,
        kinds=kinds,
        start=start,
        end=end,
        min_documents=min_documents,
        client=client,
    )


def cached_mentions(
    store_dir: str | Path,
    gazetteer: Gazetteer | None = None,
    *,
    metonyms: bool = False,
    include_duplicates: bool = False,
    engine: str = "pandas",
    client=None,
) -> pd.DataFrame:
    """The mentions of a stored corpus, computed once per corpus, gazetteer and options.

    Parameters
    ----------
    store_dir : a folder written by :func:`analysis.store.write_corpus_store`.
    gazetteer : a loaded gazetteer; None loads the default.
    metonyms, include_duplicates : as in :func:`find_mentions`.
    engine, client : where a cache miss is computed.

    Returns
    -------
    The mentions frame, identical to ``find_mentions(store_dir, gazetteer)``. The cache file's
    name holds the corpus hash, the gazetteer hash and the options, so a changed corpus or
    gazetteer misses and is recomputed; files of an older corpus are removed.
    """
    check_engine(engine)
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()

    def compute() -> pd.DataFrame:
        return find_mentions(
            store_dir, gazetteer, metonyms=metonyms, include_duplicates=include_duplicates,
            engine=engine, client=client,
        )  # fmt: skip

    if not gazetteer.hash:
        return compute()  # a hand-built gazetteer has no identity to key a cache on
    path = _store.mentions_cache_path(
        store_dir, gazetteer, metonyms=metonyms, include_duplicates=include_duplicates
    )
    mentions = _store.read_cached_mentions(path)
    if mentions is None:
        mentions = compute()
        _store.write_cached_mentions(mentions, path)
    return mentions


def get_client(address: str | None = None, *, n_workers: int = 2, threads_per_worker: int = 1):
    """A ``distributed.Client`` (see :func:`analysis.engines.dask.get_client`)."""
    return get_engine("dask").get_client(
        address, n_workers=n_workers, threads_per_worker=threads_per_worker
    )
