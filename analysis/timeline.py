"""Mentions over time, beside the size of the corpus over the same periods.

Between the first and the last dated document every period is present, with zeros where
nothing was published or mentioned: a gap in a chart must mean "no documents", never "no row".
Undated documents are never dropped; they form their own group (``period`` NaT, ``undated``
True), because silently dating them is what makes false spikes. Duplicates are counted once.
A period with fewer than ``min_documents`` documents is flagged ``low_volume``. Periods and the
date window come from :mod:`analysis.periods`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from analysis.corpus import unique_documents
from analysis.errors import InputError, warn
from analysis.periods import (
    as_datetimes,
    bound,
    in_window_or_undated,
    parse_freq,
    period_range,
    period_start,
)
from analysis.schema import require_columns

NORMALIZATIONS = ("count", "per_1k_words", "share_of_docs")
MIN_DOCUMENTS = 5
"""Default low-volume threshold: below 5 documents one article moves a share by 20+ points."""

CORPUS_COLUMNS = ["period", "documents", "words", "low_volume", "undated"]
SERIES_COLUMNS = [
    "period",
    "entity_id",
    "entity",
    "kind",
    "category",
    "mentions",
    "documents_with_mention",
    "period_documents",
    "period_words",
    "value",
    "low_volume",
    "undated",
]


def dated_documents(
    documents: pd.DataFrame, *, freq: str = "W", start: Any = None, end: Any = None
) -> pd.DataFrame:
    """Unique documents with their period, inside ``[start, end]``; undated ones always kept.

    Parameters
    ----------
    documents : frame with at least doc_id, date, n_words, duplicate_of.
    freq : see :func:`analysis.periods.parse_freq`.
    start, end : first and last day included (see :func:`analysis.periods.in_window`).
        Undated documents cannot be placed, so they are kept whatever the bounds.

    Returns
    -------
    frame: doc_id, date, n_words, period (NaT when undated), undated (bool). Duplicates
    (duplicate_of != "") are left out.
    """
    require_columns(documents, ["doc_id", "date", "n_words", "duplicate_of"], "documents")
    unique = unique_documents(documents)[["doc_id", "date", "n_words"]]
    frame = unique.assign(
        date=lambda d: as_datetimes(d["date"]),
        n_words=lambda d: pd.to_numeric(d["n_words"]).fillna(0).astype("int64"),
    ).assign(period=lambda d: period_start(d["date"], freq), undated=lambda d: d["date"].isna())
    return frame.loc[in_window_or_undated(frame["date"], start, end)].reset_index(drop=True)


def period_index(dated_periods: pd.Series, freq: str, start: Any, end: Any) -> pd.DatetimeIndex:
    """Every period from ``start`` (or the first of ``dated_periods``) to ``end`` (or the last)."""
    first, last = bound(start, "start"), bound(end, "end")
    first = first if first is not None else dated_periods.min()
    last = last if last is not None else dated_periods.max()
    return period_range(first, last, freq)


def count_documents(dated: pd.DataFrame) -> pd.DataFrame:
    """Documents and words per period of dated documents (index: period; NaT: the undated)."""
    return dated.groupby("period", dropna=False).agg(
        documents=("doc_id", "size"), words=("n_words", "sum")
    )


def corpus_frame(
    counted: pd.DataFrame, periods: pd.DatetimeIndex, *, freq: str, min_documents: int
) -> pd.DataFrame:
    """The corpus_over_time frame from per-period counts (:func:`count_documents`, or their sum
    over partitions): one row per period of ``periods``, then the undated group if any."""
    is_undated = counted.index.isna()
    frame = (
        counted.loc[~is_undated]
        .reindex(periods, fill_value=0)
        .rename_axis("period")
        .reset_index()
        .assign(undated=False)
    )
    undated_documents = int(counted.loc[is_undated, "documents"].sum())
    if undated_documents:
        row = pd.DataFrame(
            {
                "period": pd.Series([pd.NaT], dtype=frame["period"].dtype),
                "documents": [undated_documents],
                "words": [int(counted.loc[is_undated, "words"].sum())],
                "undated": [True],
            }
        )
        frame = pd.concat([frame, row], ignore_index=True)
    corpus = frame.assign(
        documents=lambda d: d["documents"].astype("int64"),
        words=lambda d: d["words"].astype("int64"),
        low_volume=lambda d: d["documents"] < min_documents,
    )[CORPUS_COLUMNS]
    corpus.attrs.update(freq=freq, min_documents=min_documents)
    return corpus


def check_min_documents(min_documents: int) -> int:
    """``min_documents`` as an int, or an InputError for anything but a whole number >= 0."""
    if isinstance(min_documents, bool) or not isinstance(min_documents, (int, np.integer)):
        raise InputError(f"min_documents: expected a whole number, got {min_documents!r}")
    if min_documents < 0:
        raise InputError(f"min_documents: must be 0 or more, got {min_documents}")
    return int(min_documents)


def check_normalize(normalize: str) -> str:
    """``normalize`` if it is one of :data:`NORMALIZATIONS`; otherwise an InputError."""
    if normalize not in NORMALIZATIONS:
        raise InputError(
            f"normalize: unknown value {normalize!r}; use one of {', '.join(NORMALIZATIONS)}"
        )
    return normalize


def corpus_over_time(
    documents: pd.DataFrame,
    *,
    freq: str = "W",
    start: Any = None,
    end: Any = None,
    min_documents: int = MIN_DOCUMENTS,
) -> pd.DataFrame:
    """Size of the corpus per period: the denominator of every normalised chart.

    Parameters
    ----------
    documents : documents frame (DOCUMENT_COLUMNS; uses doc_id, date, n_words, duplicate_of).
    freq : "D", "W" (weeks starting Monday), "M" (calendar month; "MS"/"ME" accepted), "Q", "Y".
    start, end : first and last day included; the period range runs from the period of
        ``start`` (default: of the first dated document) to that of ``end`` (default: the last).
    min_documents : periods with fewer unique documents than this are flagged ``low_volume``.

    Returns
    -------
    frame (``attrs``: freq, min_documents), one row per period in order, then one row for the
    undated documents if any:

    - period : Timestamp, START of the period (NaT for the undated group)
    - documents : int, unique documents in the period (0 for empty periods)
    - words : int, sum of n_words
    - low_volume : bool, documents < min_documents
    - undated : bool, True only on the undated group's row
    """
    min_documents = check_min_documents(min_documents)
    dated = dated_documents(documents, freq=freq, start=start, end=end)
    periods = period_index(dated.loc[~dated["undated"], "period"], freq, start, end)
    return corpus_frame(count_documents(dated), periods, freq=freq, min_documents=min_documents)


def as_list(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


def select_entities(mentions: pd.DataFrame, entities: str | Iterable[str] | None) -> pd.DataFrame:
    """Mentions of the given entities, each named by entity_id, name or a surface form seen.

    Matching is case-insensitive, so "patriot", "Patriot" and "Zelenskyy" (a surface of the
    entity ``zelensky``) all work. A requested entity with no mention at all is reported with a
    warning and skipped: a report over a corpus that never mentions it should still render.
    """
    wanted = as_list(entities)
    if wanted is None:
        return mentions
    keys = {item.casefold() for item in wanted}
    columns = [c for c in ("entity_id", "entity", "surface") if c in mentions.columns]
    hit = pd.Series(False, index=mentions.index)
    found: set[str] = set()
    for column in columns:
        folded = mentions[column].astype("str").str.casefold()
        match = folded.isin(keys)
        hit |= match
        found |= set(folded[match])
    missing = sorted(item for item in wanted if item.casefold() not in found)
    if missing:
        warn(f"entities: no mentions of {', '.join(map(repr, missing))}")
    ids = mentions.loc[hit, "entity_id"].unique()
    return mentions.loc[mentions["entity_id"].isin(ids)]


def check_series_request(
    mentions: pd.DataFrame,
    freq: str,
    normalize: str,
    entities: str | Iterable[str] | None,
    kinds: str | Iterable[str] | None,
    min_documents: int,
) -> tuple[pd.DataFrame, int]:
    """The checks of a mentions_over_time request, in order, and the mentions it selects.

    Every engine makes them first, so the same bad input gives the same error everywhere.
    """
    check_normalize(normalize)
    parse_freq(freq)
    min_documents = check_min_documents(min_documents)
    require_columns(mentions, ["doc_id", "entity_id", "entity", "kind", "category"], "mentions")
    selected = select_entities(mentions, entities)
    kind_list = as_list(kinds)
    if kind_list is not None:
        selected = selected.loc[selected["kind"].isin(kind_list)]
    return selected, min_documents


def mentions_over_time(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    freq: str = "W",
    normalize: str = "count",
    entities: str | Iterable[str] | None = None,
    kinds: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    min_documents: int = MIN_DOCUMENTS,
) -> pd.DataFrame:
    """Mentions per entity and period, with the corpus size beside each row.

    Parameters
    ----------
    mentions : mentions frame (MENTION_COLUMNS; uses doc_id, entity_id, entity, kind, category).
        Mentions of documents that are not in ``documents``, or are duplicates there, are not
        counted: pass a subset of documents to restrict the series.
    documents : documents frame; supplies the dates and the corpus size (see corpus_over_time).
    freq : "D", "W" (weeks starting Monday), "M" (calendar month), "Q", "Y".
    normalize : what ``value`` holds:
        "count" -> mentions; "per_1k_words" -> mentions / period_words * 1000;
        "share_of_docs" -> documents_with_mention / period_documents (0..1).
        Periods without documents have value 0 (and are low_volume).
    entities : entity ids or names (one or several) to keep; default all.
    kinds : "actor" and/or "weapon"; default both.
    start, end : first and last day included (see corpus_over_time).
    min_documents : low_volume threshold on period_documents.

    Returns
    -------
    long frame (``attrs``: freq, normalize, min_documents), one row per entity x period
    (every period between the first and last dated document, zeros included, then the undated
    group when the corpus has undated documents):
    period (Timestamp, period start; NaT when undated), entity_id, entity, kind, category,
    mentions (int), documents_with_mention (int), period_documents (int), period_words (int),
    value (float), low_volume (bool), undated (bool). Rows are ordered by entity (most mentioned
    first, then entity_id) and period.
    """
    selected, min_documents = check_series_request(
        mentions, freq, normalize, entities, kinds, min_documents
    )
    dated = dated_documents(documents, freq=freq, start=start, end=end)
    periods = period_index(dated.loc[~dated["undated"], "period"], freq, start, end)
    corpus = corpus_frame(count_documents(dated), periods, freq=freq, min_documents=min_documents)

    # Slots are integers (period position; the undated group last) so that NaT never has to be
    # matched as a join key.
    slot_of_doc = dated.assign(
        slot=lambda d: np.where(d["undated"], len(periods), periods.get_indexer(d["period"]))
    ).loc[lambda d: d["slot"] >= 0, ["doc_id", "slot"]]
    located = selected[["doc_id", "entity_id"]].merge(slot_of_doc, on="doc_id", how="inner")
    counts = located.groupby(["entity_id", "slot"]).agg(
        mentions=("doc_id", "size"), documents_with_mention=("doc_id", "nunique")
    )

    return assemble_series(selected, counts.reset_index(), corpus, normalize)


def assemble_series(
    selected: pd.DataFrame, counts: pd.DataFrame, corpus: pd.DataFrame, normalize: str
) -> pd.DataFrame:
    """The long series from per-slot counts: shared by the pandas and the Dask paths.

    ``selected`` are the selected mentions (entity_id, entity, kind, category), ``counts`` has
    entity_id, slot (period position; the undated group last), mentions and
    documents_with_mention, ``corpus`` is the corpus_over_time frame whose row i is slot i.
    Every selected entity gets its full row of periods, even with no mention in the range.
    """
    totals = counts.groupby("entity_id")["mentions"].sum().rename("total").reset_index()
    entity_table = (
        selected.drop_duplicates("entity_id")[["entity_id", "entity", "kind", "category"]]
        .merge(totals, on="entity_id", how="left")
        .assign(total=lambda d: d["total"].fillna(0))
        .sort_values(["total", "entity_id"], ascending=[False, True], kind="stable")
        .assign(order=lambda d: np.arange(len(d)))
    )
    slots = corpus.assign(slot=np.arange(len(corpus))).rename(
        columns={"documents": "period_documents", "words": "period_words"}
    )
    series = (
        entity_table.merge(slots, how="cross")
        .merge(counts, on=["entity_id", "slot"], how="left")
        .assign(
            mentions=lambda d: d["mentions"].fillna(0).astype("int64"),
            documents_with_mention=lambda d: d["documents_with_mention"].fillna(0).astype("int64"),
        )
        .sort_values(["order", "slot"], kind="stable")
        .pipe(_with_value, normalize)
        .reset_index(drop=True)
    )[SERIES_COLUMNS]
    series.attrs.update(
        freq=corpus.attrs["freq"],
        normalize=normalize,
        min_documents=corpus.attrs["min_documents"],
    )
    return series


def _with_value(series: pd.DataFrame, normalize: str) -> pd.DataFrame:
    """Add ``value`` per the normalisation; an empty denominator gives 0, not a division error."""
    if normalize == "count":
        value = series["mentions"].astype("float64")
    elif normalize == "per_1k_words":
        words = series["period_words"].where(series["period_words"] > 0)
        value = (series["mentions"] / words * 1000).fillna(0.0)
    else:
        docs = series["period_documents"].where(series["period_documents"] > 0)
        value = (series["documents_with_mention"] / docs).fillna(0.0)
    return series.assign(value=value.astype("float64"))
