"""The dask engine: the pandas engine's results, computed partition by partition on a cluster.

The corpus is cut into partitions (one corpus-store file, or about ``partition_bytes`` of text
of an in-memory frame, in corpus order); each task runs a domain function on its partition and
the client combines the pieces with the same domain functions the pandas engine uses, so rows,
order, columns, dtypes and attrs agree. A worker holds one partition at a time, so its memory is
bounded by the partition size. Workers need this package installed; the gazetteer is loaded on
the client and shipped with the tasks.
"""

from __future__ import annotations

import atexit
import logging
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import progress
from analysis.errors import InputError
from analysis.files import is_url, storage_options
from analysis.gazetteer import Gazetteer, load_gazetteer
from analysis.mentions import Extraction, drop_boilerplate, extract
from analysis.mentions import find_mentions as _pandas_find_mentions
from analysis.periods import parse_freq
from analysis.schema import MENTION_COLUMNS, MENTION_FLAGS, MENTION_INPUTS, require_columns
from analysis.store import (
    FILE_BYTES,
    empty_documents,
    read_manifest,
    read_store_file,
    store_files,
)
from analysis.timeline import (
    MIN_DOCUMENTS,
    assemble_series,
    check_min_documents,
    check_series_request,
    corpus_frame,
    count_documents,
    dated_documents,
    period_index,
)

PARTITION_BYTES = FILE_BYTES
"""Text per partition of an in-memory frame (about): the unit of work and of worker memory."""

MENTION_DTYPES = {
    "doc_id": "str",
    "date": "datetime64[ns]",
    "field": "str",
    "sentence_id": "int64",
    "start": "int64",
    "end": "int64",
    "surface": "str",
    "entity_id": "str",
    "entity": "str",
    "kind": "str",
    "category": "str",
    "metonym": "bool",
    "match": "str",
}
"""The dtypes of a (non-empty) mentions frame from the pandas path: the meta of the Dask graph."""

_TIMELINE_INPUTS = ("doc_id", "date", "n_words", "duplicate_of")

# Dask turns pandas' "str" columns into "string" (pd.NA semantics) unless told not to; the
# results must keep the pandas path's dtypes.
_DASK_CONFIG = {"dataframe.convert-string": False}


# --- the cluster -------------------------------------------------------------------------------


def get_client(address: str | None = None, *, n_workers: int = 2, threads_per_worker: int = 1):
    """A ``distributed.Client``: to the scheduler at ``address``, or to a new local cluster.

    Parameters
    ----------
    address : scheduler address such as ``"tcp://scheduler:8786"``. None uses Dask's own
        setting ``scheduler-address`` (environment variable ``DASK_SCHEDULER_ADDRESS``) when
        set, and otherwise starts a LocalCluster.
    n_workers, threads_per_worker : size of the local cluster. One thread per worker process:
        the extractor releases the GIL only in parts, so processes, not threads, scale it.

    Returns
    -------
    distributed.Client, which becomes the default client of this process. Close it (or use it
    as a context manager) when done; a local cluster closes with it.
    """
    import dask
    from distributed import Client

    address = address or dask.config.get("scheduler-address", None)
    if address:
        return Client(address)
    # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536 so that freed memory goes back to
    # the OS at once; that also turns off glibc's adaptive mmap threshold, so every large numpy
    # temporary of the extractor is a fresh mmap, page-faulted in again: 1.3-1.7x slower here.
    # A worker's memory is bounded by its partition anyway, so keep glibc's default.
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        # Client() without an address starts a LocalCluster that it owns: closing the client
        # stops the worker processes too.
        return Client(
            n_workers=n_workers,
            threads_per_worker=threads_per_worker,
            processes=True,
            dashboard_address=None,  # no web server: nothing to open, no port to collide with
            silence_logs=logging.ERROR,
        )


_SHARED: dict[str, Any] = {}


def _shutdown_shared() -> None:
    client = _SHARED.pop("client", None)
    if client is not None:
        client.close()


def default_client():
    """The client to use when none is given: the current one, else a shared local cluster.

    "Current" is the most recently created ``distributed.Client`` of this process (one made by
    :func:`get_client` or by the user). The shared local cluster is started once, on first use,
    and stopped when Python exits.
    """
    from distributed import Client

    try:
        return Client.current()
    except ValueError:
        pass
    client = _SHARED.get("client")
    if client is None or client.status in ("closing", "closed"):
        client = _SHARED["client"] = get_client()
        atexit.register(_shutdown_shared)
    return client


# --- progress ----------------------------------------------------------------------------------


def _gather(futures: list, desc: str) -> list:
    """Results of ``futures`` in their order, fetched as each completes, with a progress bar.

    Each result is fetched as soon as its task finishes and the future released at once, so a
    worker never keeps finished partitions: its memory stays bounded by the partition it is
    working on, whatever the number of partitions.
    """
    from distributed import as_completed

    # Keys are unique: dask collections name each partition, and map/submit use pure=False.
    position = {future.key: number for number, future in enumerate(futures)}
    results: list = [None] * len(futures)
    with progress.bar(len(futures), desc, unit="part") as bar:
        for future, result in as_completed(futures, with_results=True):
            results[position[future.key]] = result
            future.release()
            bar.update(1)
    return results


# --- partitions --------------------------------------------------------------------------------


def _partition_count(documents: pd.DataFrame, partition_bytes: int) -> int:
    if len(documents) == 0:
        return 1
    chars = 0
    for name in ("title", "text"):
        if name in documents.columns:
            chars += int(documents[name].fillna("").str.len().sum())
    wanted = math.ceil(chars / max(int(partition_bytes), 1)) if chars else 1
    return max(1, min(len(documents), wanted))


def _source_frame(source, columns: Iterable[str], partition_bytes: int):
    """A dask DataFrame over a store (one partition per file) or an in-memory documents frame.

    Only ``columns`` (those present) are read or shipped: the timeline needs no text.
    """
    import dask
    import dask.dataframe as dd

    with dask.config.set(_DASK_CONFIG):
        if isinstance(source, str | os.PathLike):
            return store_dataframe(source, columns=list(columns), missing_ok=True)
        if not isinstance(source, pd.DataFrame):
            raise InputError(
                f"documents: expected a documents frame or a corpus store folder, got "
                f"{type(source).__name__}"
            )
        wanted = [c for c in columns if c in source.columns]
        frame = source[wanted].reset_index(drop=True)
        # Row ranges in order (sort=False keeps them consecutive): partition i holds the
        # documents after those of partition i-1, which is what keeps the mentions in order.
        npartitions = _partition_count(source, partition_bytes)
        return dd.from_pandas(frame, npartitions=npartitions, sort=False)


def store_dataframe(
    store_dir: str | Path, *, columns: list[str] | None = None, missing_ok: bool = False
):
    """A lazy dask DataFrame of a corpus store: one partition per Parquet file, in row order.

    Parameters
    ----------
    store_dir : a folder written by :func:`analysis.store.write_corpus_store`, on storage that
        every worker can read (the same path on each machine), or its URL (``s3://...``),
        which the workers read with the client's fsspec options.
    columns : read only these columns; default all.
    missing_ok : silently leave out requested columns the store does not have.

    Returns
    -------
    dask.dataframe.DataFrame with the store's dtypes; ``.compute()`` gives
    :func:`analysis.store.read_corpus_store`'s rows (index aside: each partition starts at 0).
    """
    import dask
    import dask.dataframe as dd

    manifest = read_manifest(store_dir)
    if columns is None:
        columns = list(manifest["columns"])
    missing = [c for c in columns if c not in manifest["columns"]]
    if missing and not missing_ok:
        raise InputError(f"{store_dir}: the store has no column(s) {', '.join(missing)}")
    columns = [c for c in columns if c in manifest["columns"]]
    # Absolute paths: a worker's working folder is not the client's. A URL goes with the
    # client's fsspec options (endpoint, credentials), which the workers may not have.
    remote = is_url(store_dir)
    files = [path if remote else str(path.resolve()) for path in store_files(store_dir)]
    options = storage_options(str(store_dir)) if remote else None
    meta = empty_documents(manifest, columns)
    if not files:
        with dask.config.set(_DASK_CONFIG):
            return dd.from_pandas(meta, npartitions=1)
    with dask.config.set(_DASK_CONFIG):
        return dd.from_map(
            read_store_file,
            files,
            columns=columns,
            dtypes=manifest["dtypes"],
            storage_options=options,
            meta=meta,
            label="read-corpus-store",
            enforce_metadata=False,
        )


def _compute_partitions(frame, client, desc: str) -> list:
    """Compute each partition of a dask DataFrame on the cluster; pandas frames, in order."""
    import dask

    with dask.config.set(_DASK_CONFIG):
        parts = frame.to_delayed()
        futures = client.compute(parts)
    return _gather(futures, desc)


# --- corpus ------------------------------------------------------------------------------------


def load_store(
    store_dir: str | Path, *, columns: list[str] | None = None, client=None
) -> pd.DataFrame:
    """The documents frame of a corpus store, read file by file on the cluster.

    Parameters
    ----------
    store_dir : a folder written by :func:`analysis.store.write_corpus_store`, readable by the
        workers at the same path.
    columns : read only these columns; default all (DOCUMENT_COLUMNS).
    client : a ``distributed.Client``; default :func:`default_client`.

    Returns
    -------
    documents frame identical to :func:`analysis.store.read_corpus_store` (columns, dtypes,
    rows ordered by date with NaT last then doc_id, RangeIndex, attrs).
    """
    client = client if client is not None else default_client()
    manifest = read_manifest(store_dir)
    frame = store_dataframe(store_dir, columns=columns)
    parts = _compute_partitions(frame, client, "load corpus")
    documents = pd.concat(parts, ignore_index=True) if parts else frame._meta
    documents = documents.astype({c: manifest["dtypes"][c] for c in documents.columns})
    documents.attrs = dict(manifest.get("attrs", {}))
    return documents


# --- mentions ----------------------------------------------------------------------------------


def _mentions_meta() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=MENTION_DTYPES[c]) for c in MENTION_DTYPES})[
        [*MENTION_COLUMNS, *MENTION_FLAGS]
    ]


def mentions_of_partition(
    documents: pd.DataFrame, gazetteer: Gazetteer, metonyms: bool, include_duplicates: bool
) -> pd.DataFrame:
    """find_mentions on one partition, with the dtypes of a non-empty result (runs on workers)."""
    # One thread: the worker process is the unit of parallelism here; the extractor's own
    # threads would only compete with the other workers for the same cores. (The result does
    # not depend on the number of threads.)
    mentions = extract(
        documents,
        gazetteer,
        metonyms=metonyms,
        include_duplicates=include_duplicates,
        include_boilerplate=True,  # a corpus-wide fact: decided on the client
        workers=1,
    ).mentions
    # An empty result has generic dtypes (object, float): give it the declared ones so that it
    # matches the meta. Non-empty results are left exactly as the pandas path makes them.
    return mentions if len(mentions) else mentions.astype(MENTION_DTYPES)


def find_mentions(
    documents_or_store: pd.DataFrame | str | Path,
    gazetteer: Gazetteer | None = None,
    *,
    metonyms: bool = False,
    include_duplicates: bool = False,
    include_boilerplate: bool = False,
    client=None,
    partition_bytes: int = PARTITION_BYTES,
) -> pd.DataFrame:
    """Every mention of a gazetteer entity, computed partition by partition on a Dask cluster.

    Parameters
    ----------
    documents_or_store : a documents frame (from :func:`analysis.load_corpus`), or the folder
        of a corpus store (:func:`analysis.store.write_corpus_store`) that the workers read
        file by file, so the corpus never has to fit in the client's memory.
    gazetteer : a loaded gazetteer; None loads the default (on the client, then shipped).
    metonyms, include_duplicates : as in :func:`analysis.mentions.find_mentions`.
    client : a ``distributed.Client``; default :func:`default_client`.
    partition_bytes : for an in-memory frame, about how much text each partition holds (a
        store is partitioned by its files, see ``file_bytes`` of write_corpus_store).

    Returns
    -------
    The mentions frame, identical to ``find_mentions(documents, gazetteer, ...)`` (for a store:
    to ``find_mentions(read_corpus_store(store), ...)``): doc_id, date, field, sentence_id,
    start, end, surface, entity_id, entity, kind, category, metonym; ordered by document (corpus
    order), field (title before text) and start.
    """
    import dask

    client = client if client is not None else default_client()
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    source = _source_frame(documents_or_store, MENTION_INPUTS, partition_bytes)
    with dask.config.set(_DASK_CONFIG):
        found = source.map_partitions(
            mentions_of_partition,
            gazetteer,
            metonyms,
            include_duplicates,
            meta=_mentions_meta(),
            enforce_metadata=False,
            align_dataframes=False,
        )
    parts = [part for part in _compute_partitions(found, client, "find mentions") if len(part)]
    if not parts:
        # No mention anywhere: the pandas path's own empty frame, so even its dtypes agree.
        return _pandas_find_mentions(
            source._meta, gazetteer, metonyms=metonyms, include_duplicates=include_duplicates
        )
    mentions = pd.concat(parts, ignore_index=True)
    # Boilerplate is a fact about the whole corpus: dropped here, from the corpus's attrs.
    if isinstance(documents_or_store, pd.DataFrame):
        attrs = documents_or_store.attrs
    else:
        attrs = read_manifest(documents_or_store).get("attrs", {})
    spans = attrs.get("boilerplate_spans")
    if include_boilerplate or not spans:
        return mentions
    return drop_boilerplate(Extraction(mentions, mentions.iloc[:0]), spans).mentions


# --- timeline ----------------------------------------------------------------------------------


def dated_partition(documents: pd.DataFrame, freq: str, start: Any, end: Any) -> pd.DataFrame:
    """doc_id, n_words, period, undated of one partition's unique documents (runs on workers)."""
    dated = dated_documents(documents, freq=freq, start=start, end=end)
    return dated[["doc_id", "n_words", "period", "undated"]]


def corpus_counts(dated: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Documents and words per period (NaT: the undated group), and the partition's doc_ids."""
    return count_documents(dated), dated["doc_id"].to_numpy(dtype=object)


def mention_counts(dated: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions and documents-with-mention per entity and period, for one partition.

    ``mentions`` holds the mentions of this partition's documents only, so the distinct
    documents counted here are distinct from every other partition's and the counts add up.
    """
    located = mentions.merge(dated[["doc_id", "period"]], on="doc_id", how="inner")
    return located.groupby(["entity_id", "period"], dropna=False).agg(
        mentions=("doc_id", "size"), documents_with_mention=("doc_id", "nunique")
    )


def _dated_parts(documents_or_store, freq, start, end, client, partition_bytes) -> list:
    """Futures of each partition's dated documents (kept on the workers)."""
    import dask

    parse_freq(freq)  # a bad frequency fails here, with the pandas engine's message
    source = _source_frame(documents_or_store, _TIMELINE_INPUTS, partition_bytes)
    require_columns(source._meta, _TIMELINE_INPUTS, "documents")
    meta = pd.DataFrame(
        {
            "doc_id": pd.Series([], dtype="str"),
            "n_words": pd.Series([], dtype="int64"),
            "period": pd.Series([], dtype="datetime64[ns]"),
            "undated": pd.Series([], dtype="bool"),
        }
    )
    with dask.config.set(_DASK_CONFIG):
        dated = source.map_partitions(
            dated_partition, freq, start, end, meta=meta, enforce_metadata=False
        )
        return client.compute(dated.to_delayed())


def _corpus_table(
    counted: pd.DataFrame, freq: str, start: Any, end: Any, min_documents: int
) -> tuple[pd.DataFrame, pd.DatetimeIndex]:
    """The corpus_over_time frame and its periods from counts summed over the partitions."""
    dated_periods = counted.index[~counted.index.isna()].to_series()
    periods = period_index(dated_periods, freq, start, end)
    return corpus_frame(counted, periods, freq=freq, min_documents=min_documents), periods


def _sum_counts(frames: list[pd.DataFrame], keys: list[str], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        index = pd.MultiIndex.from_arrays([[] for _ in keys], names=keys)
        empty = pd.DataFrame({c: pd.Series([], dtype="int64") for c in columns})
        return empty.set_axis(index if len(keys) > 1 else pd.Index([], name=keys[0]))
    return pd.concat(frames).groupby(level=keys, dropna=False)[columns].sum()


def corpus_over_time(
    documents_or_store: pd.DataFrame | str | Path,
    *,
    freq: str = "W",
    start: Any = None,
    end: Any = None,
    min_documents: int | None = None,
    client=None,
    partition_bytes: int = PARTITION_BYTES,
) -> pd.DataFrame:
    """:func:`analysis.timeline.corpus_over_time`, counted per partition then summed.

    Parameters
    ----------
    documents_or_store : a documents frame or a corpus store folder (only doc_id, date,
        n_words and duplicate_of are read).
    freq, start, end, min_documents : as in corpus_over_time (min_documents None: its default).
    client, partition_bytes : as in :func:`find_mentions_dask`.

    Returns
    -------
    frame identical to corpus_over_time: period, documents, words, low_volume, undated.
    """
    min_documents = check_min_documents(MIN_DOCUMENTS if min_documents is None else min_documents)
    client = client if client is not None else default_client()
    dated = _dated_parts(documents_or_store, freq, start, end, client, partition_bytes)
    summaries = _gather(client.map(corpus_counts, dated, pure=False), "count documents")
    counted = _sum_counts([s[0] for s in summaries], ["period"], ["documents", "words"])
    corpus, _ = _corpus_table(counted, freq, start, end, min_documents)
    return corpus


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
    partition_bytes: int = PARTITION_BYTES,
) -> pd.DataFrame:
    """:func:`analysis.timeline.mentions_over_time`, aggregated per partition then combined.

    Parameters
    ----------
    mentions : the mentions frame (from find_mentions or :func:`find_mentions_dask`).
    documents_or_store : a documents frame or a corpus store folder (only doc_id, date,
        n_words and duplicate_of are read).
    freq, normalize, entities, kinds, start, end, min_documents : as in mentions_over_time
        (min_documents None: its default).
    client, partition_bytes : as in :func:`find_mentions_dask`.

    Returns
    -------
    long frame identical to mentions_over_time: period, entity_id, entity, kind, category,
    mentions, documents_with_mention, period_documents, period_words, value, low_volume,
    undated; one row per entity x period (zeros included, the undated group last).
    """
    selected, min_documents = check_series_request(
        mentions, freq, normalize, entities, kinds,
        MIN_DOCUMENTS if min_documents is None else min_documents,
    )  # fmt: skip

    client = client if client is not None else default_client()
    dated = _dated_parts(documents_or_store, freq, start, end, client, partition_bytes)
    summaries = _gather(client.map(corpus_counts, dated, pure=False), "count documents")
    counted = _sum_counts([s[0] for s in summaries], ["period"], ["documents", "words"])
    corpus, periods = _corpus_table(counted, freq, start, end, min_documents)

    # Send each partition the mentions of its own documents (mentions of documents that are
    # not there, or are duplicates, belong to no partition and are not counted).
    ids = [s[1] for s in summaries]
    part_of = pd.Series(
        np.repeat(np.arange(len(ids)), [len(i) for i in ids]),
        index=pd.Index(np.concatenate(ids) if ids else [], dtype="str"),
    )
    part_of = part_of[~part_of.index.duplicated()]
    pairs = selected[["doc_id", "entity_id"]]
    where = pairs["doc_id"].map(part_of)
    chunks = {int(k): g for k, g in pairs[where.notna()].groupby(where[where.notna()])}
    futures = [
        client.submit(mention_counts, dated[k], chunk, pure=False) for k, chunk in chunks.items()
    ]
    counts = _sum_counts(
        _gather(futures, "count mentions"),
        ["entity_id", "period"],
        ["mentions", "documents_with_mention"],
    ).reset_index()
    client.cancel(dated)

    # From here on, the same assembly as the pandas engine's.
    slot = periods.get_indexer(counts["period"])
    counts = counts.assign(slot=np.where(counts["period"].isna(), len(periods), slot)).loc[
        lambda d: d["slot"] >= 0
    ]
    counts = (
        counts.groupby(["entity_id", "slot"])[["mentions", "documents_with_mention"]]
        .sum()
        .reset_index()
    )
    if counts.empty:
        # Nothing counted: keep the key dtypes of the mentions, as the pandas path's groupby does.
        counts = pd.DataFrame(
            {
                "entity_id": selected["entity_id"].iloc[:0].to_numpy(),
                "slot": np.zeros(0, dtype=np.int64),
                "mentions": np.zeros(0, dtype=np.int64),
                "documents_with_mention": np.zeros(0, dtype=np.int64),
            }
        ).astype({"entity_id": selected["entity_id"].dtype})
    return assemble_series(selected, counts, corpus, normalize)
