"""Mentions over time, beside the size of the corpus over the same periods.

Periods are calendar periods labelled by their START date: a day, a week starting on Monday
("W" is pandas' ``W-SUN`` period, the week that *ends* on Sunday, so it starts on Monday), a
calendar month, quarter or year. Between the first and the last dated document every period is
present, with zeros where nothing was published or nothing was mentioned: a gap in a chart must
mean "no documents", never "no row". Documents without a date are never dropped; they form
their own group, reported with ``period = NaT`` and ``undated = True`` (Media Cloud's false
spikes come from stories that were silently given the crawl date instead).

Duplicates (``documents.duplicate_of != ""``) are left out everywhere, so a story saved twice is
counted once. A period with fewer than ``min_documents`` documents is flagged ``low_volume``: one
article more or less can move its normalised value a lot, and a chart should say so.

The period logic (:func:`parse_freq`, :func:`period_start`) lives here and only here; evidence
and tone reuse it so that "the week of 7 July" selects the same documents everywhere.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from analysis.corpus import unique_documents
from analysis.errors import InputError

# User-facing frequency -> pandas *period* alias. pandas 3 renamed the month-end offset to "ME"
# (and "M" for offsets is gone), but Periods still use "M"; we label every period by its start,
# so "M", "MS" and "ME" all mean the calendar month here.
FREQ_ALIASES = {
    "D": "D",
    "W": "W-SUN",
    "W-MON": "W-SUN",  # weeks starting Monday == pandas' weeks ending Sunday
    "M": "M",
    "MS": "M",
    "ME": "M",
    "Q": "Q",
    "QS": "Q",
    "Y": "Y",
    "YS": "Y",
}
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


# --- the period logic (shared with analysis.evidence) -------------------------------------------


def parse_freq(freq: str) -> str:
    """The pandas period alias for a user frequency ("D", "W", "M"; also "MS", "ME", "Q", "Y").

    Raises
    ------
    InputError
        For any other value, with the accepted ones listed.
    """
    key = str(freq).strip().upper()
    if key not in FREQ_ALIASES:
        accepted = ", ".join(FREQ_ALIASES)
        raise InputError(f"freq: unknown frequency {freq!r}; use one of {accepted}")
    return FREQ_ALIASES[key]


def _as_datetimes(dates: pd.Series, name: str = "documents.date") -> pd.Series:
    """Dates as naive datetime64; time zones are dropped (local wall time), strings parsed."""
    if not pd.api.types.is_datetime64_any_dtype(dates):
        try:
            dates = pd.to_datetime(dates, format="mixed")
        except (ValueError, TypeError) as error:
            raise InputError(f"{name}: cannot read as dates ({error})") from None
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates


def period_start(dates: pd.Series, freq: str = "W") -> pd.Series:
    """The start of the period that contains each date (NaT stays NaT).

    Parameters
    ----------
    dates : datetime-like Series (naive or time-zone aware; aware dates use their wall time).
    freq : "D", "W" (weeks starting Monday), "M" (calendar month), "Q" or "Y".

    Returns
    -------
    Series of Timestamps at midnight on the first day of each period, same index as ``dates``.
    """
    alias = parse_freq(freq)
    return _as_datetimes(dates).dt.to_period(alias).dt.start_time


def period_of(value: Any, freq: str = "W") -> pd.Timestamp:
    """The start of the period containing one date (a Timestamp or a string such as "2025-07")."""
    try:
        timestamp = pd.Timestamp(value)
    except (ValueError, TypeError) as error:
        raise InputError(f"period: cannot read {value!r} as a date ({error})") from None
    if pd.isna(timestamp):
        return pd.NaT
    if timestamp.tzinfo is not None:
        timestamp = timestamp.tz_localize(None)
    return timestamp.to_period(parse_freq(freq)).start_time


def _bound(value: Any, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        timestamp = pd.Timestamp(value)
    except (ValueError, TypeError) as error:
        raise InputError(f"{name}: cannot read {value!r} as a date ({error})") from None
    if timestamp.tzinfo is not None:
        timestamp = timestamp.tz_localize(None)
    return timestamp


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(f"{name}: missing column(s) {', '.join(missing)}")


def dated_documents(
    documents: pd.DataFrame, *, freq: str = "W", start: Any = None, end: Any = None
) -> pd.DataFrame:
    """Unique documents with their period, inside ``[start, end]``; undated ones always kept.

    Parameters
    ----------
    documents : frame with at least doc_id, date, n_words, duplicate_of.
    freq : see :func:`parse_freq`.
    start, end : first and last day included (inclusive; a date without a time includes the
        whole day). Undated documents cannot be placed, so they are kept whatever the bounds.

    Returns
    -------
    frame: doc_id, date, n_words, period (NaT when undated), undated (bool). Duplicates
    (duplicate_of != "") are left out.
    """
    _require_columns(documents, ["doc_id", "date", "n_words", "duplicate_of"], "documents")
    first, last = _bound(start, "start"), _bound(end, "end")
    unique = unique_documents(documents)[["doc_id", "date", "n_words"]]
    frame = unique.assign(
        date=lambda d: _as_datetimes(d["date"]),
        n_words=lambda d: pd.to_numeric(d["n_words"]).fillna(0).astype("int64"),
    ).assign(period=lambda d: period_start(d["date"], freq), undated=lambda d: d["date"].isna())
    keep = frame["undated"]
    inside = pd.Series(True, index=frame.index)
    if first is not None:
        inside &= frame["date"] >= first
    if last is not None:
        # An end given as a bare date means "up to the end of that day".
        stop = last + pd.Timedelta(days=1) if last == last.normalize() else last
        inside &= frame["date"] < stop
    return frame.loc[keep | inside].reset_index(drop=True)


def _period_index(dated: pd.DataFrame, freq: str, start: Any, end: Any) -> pd.DatetimeIndex:
    """Every period from ``start`` (or the first dated document) to ``end`` (or the last)."""
    alias = parse_freq(freq)
    periods = dated.loc[~dated["undated"], "period"]
    first = period_of(start, freq) if start is not None else periods.min()
    last = period_of(end, freq) if end is not None else periods.max()
    if pd.isna(first) or pd.isna(last) or first > last:
        return pd.DatetimeIndex([], name="period")
    index = pd.period_range(first, last, freq=alias).start_time
    return pd.DatetimeIndex(index, name="period")


def _corpus_slots(
    dated: pd.DataFrame, periods: pd.DatetimeIndex, min_documents: int
) -> pd.DataFrame:
    """Corpus size per slot: one slot per period, then one for the undated group if any."""
    counted = (
        dated.loc[~dated["undated"]]
        .groupby("period")
        .agg(documents=("doc_id", "size"), words=("n_words", "sum"))
    )
    frame = (
        counted.reindex(periods, fill_value=0)
        .rename_axis("period")
        .reset_index()
        .assign(undated=False)
    )
    undated = dated.loc[dated["undated"]]
    if len(undated):
        row = pd.DataFrame(
            {
                "period": pd.Series([pd.NaT], dtype=frame["period"].dtype),
                "documents": [len(undated)],
                "words": [int(undated["n_words"].sum())],
                "undated": [True],
            }
        )
        frame = pd.concat([frame, row], ignore_index=True)
    return frame.assign(
        documents=lambda d: d["documents"].astype("int64"),
        words=lambda d: d["words"].astype("int64"),
        low_volume=lambda d: d["documents"] < min_documents,
    )[CORPUS_COLUMNS]


def _check_min_documents(min_documents: int) -> int:
    if isinstance(min_documents, bool) or not isinstance(min_documents, (int, np.integer)):
        raise InputError(f"min_documents: expected a whole number, got {min_documents!r}")
    if min_documents < 0:
        raise InputError(f"min_documents: must be 0 or more, got {min_documents}")
    return int(min_documents)


def corpus_over_time(
    documents: pd.DataFrame,
    *,
    freq: str = "W",
    start: Any = None,
    end: Any = None,
    min_documents: int = MIN_DOCUMENTS,
    engine: str = "pandas",
    client=None,
) -> pd.DataFrame:
    """Size of the corpus per period: the denominator of every normalised chart.

    Parameters
    ----------
    documents : documents frame (DOCUMENT_COLUMNS; uses doc_id, date, n_words, duplicate_of).
    freq : "D", "W" (weeks starting Monday), "M" (calendar month; "MS"/"ME" accepted), "Q", "Y".
    start, end : first and last day included; the period range runs from the period of
        ``start`` (default: of the first dated document) to that of ``end`` (default: the last).
    min_documents : periods with fewer unique documents than this are flagged ``low_volume``.
    engine, client : "dask" counts per partition on a Dask cluster (``documents`` may then be
        a Parquet corpus store path); the result is identical.

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
    if engine != "pandas":
        from analysis.distributed import check_engine, corpus_over_time_dask

        check_engine(engine)
        return corpus_over_time_dask(
            documents, freq=freq, start=start, end=end, min_documents=min_documents, client=client
        )
    min_documents = _check_min_documents(min_documents)
    dated = dated_documents(documents, freq=freq, start=start, end=end)
    periods = _period_index(dated, freq, start, end)
    corpus = _corpus_slots(dated, periods, min_documents)
    corpus.attrs.update(freq=freq, min_documents=min_documents)
    return corpus


def _as_list(value: str | Iterable[str] | None) -> list[str] | None:
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
    wanted = _as_list(entities)
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
        warnings.warn(
            f"entities: no mentions of {', '.join(map(repr, missing))}", UserWarning, stacklevel=3
        )
    ids = mentions.loc[hit, "entity_id"].unique()
    return mentions.loc[mentions["entity_id"].isin(ids)]


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
    engine: str = "pandas",
    client=None,
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
    engine, client : "dask" aggregates per partition on a Dask cluster (``documents`` may then
        be a Parquet corpus store path); the result is identical.

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
    if engine != "pandas":
        from analysis.distributed import check_engine, mentions_over_time_dask

        check_engine(engine)
        return mentions_over_time_dask(
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
    if normalize not in NORMALIZATIONS:
        raise InputError(
            f"normalize: unknown value {normalize!r}; use one of {', '.join(NORMALIZATIONS)}"
        )
    parse_freq(freq)
    min_documents = _check_min_documents(min_documents)
    _require_columns(mentions, ["doc_id", "entity_id", "entity", "kind", "category"], "mentions")

    selected = select_entities(mentions, entities)
    kind_list = _as_list(kinds)
    if kind_list is not None:
        selected = selected.loc[selected["kind"].isin(kind_list)]

    dated = dated_documents(documents, freq=freq, start=start, end=end)
    periods = _period_index(dated, freq, start, end)
    corpus = _corpus_slots(dated, periods, min_documents)

    # Slots are integers (period position; the undated group last) so that NaT never has to be
    # matched as a join key.
    slot_of_doc = dated.assign(
        slot=lambda d: np.where(d["undated"], len(periods), periods.get_indexer(d["period"]))
    ).loc[lambda d: d["slot"] >= 0, ["doc_id", "slot"]]
    located = selected[["doc_id", "entity_id"]].merge(slot_of_doc, on="doc_id", how="inner")
    counts = located.groupby(["entity_id", "slot"]).agg(
        mentions=("doc_id", "size"), documents_with_mention=("doc_id", "nunique")
    )

    series = assemble_series(selected, counts.reset_index(), corpus, normalize)
    series.attrs.update(freq=freq, normalize=normalize, min_documents=min_documents)
    return series


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
    )
    return series[SERIES_COLUMNS]


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


# --- command line -------------------------------------------------------------------------------


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """SOURCE, --metadata, --gazetteer, --metonyms and -o: shared by timeline/evidence/discover."""
    parser.add_argument("source", metavar="SOURCE", help="folder, file or table of articles")
    parser.add_argument("--metadata", help="sidecar CSV keyed by doc_id")
    parser.add_argument("--gazetteer", action="append", help="your YAML/CSV (repeatable)")
    parser.add_argument("--metonyms", action="store_true", help="count Washington, Kyiv, ...")
    parser.add_argument(
        "-o", "--output", default="-", metavar="CSV", help="CSV file, or - for stdout"
    )


def load_inputs(args: argparse.Namespace, *, with_mentions: bool = True):
    """Documents, gazetteer and (optionally) mentions for a command, loaded on demand.

    The imports are local so that ``python -m analysis --help`` stays fast.
    """
    from analysis.corpus import load_corpus
    from analysis.gazetteer import load_gazetteer

    documents = load_corpus(args.source, metadata=args.metadata)
    gazetteer = load_gazetteer(extra=args.gazetteer)
    if not with_mentions:
        return documents, gazetteer, None
    from analysis.mentions import find_mentions

    mentions = find_mentions(documents, gazetteer, metonyms=args.metonyms)
    return documents, gazetteer, mentions


def write_frame(frame: pd.DataFrame, output: str) -> None:
    """Write ``frame`` as CSV to stdout ("-") or atomically to a file; same frame, same bytes."""
    if output == "-":
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        from analysis.io import write_frame as write_file

        write_file(frame, output)


def _run(args: argparse.Namespace) -> int:
    parse_freq(args.freq)  # a typo fails before the corpus is read
    documents, _, mentions = load_inputs(args)
    series = mentions_over_time(
        mentions,
        documents,
        freq=args.freq,
        normalize=args.normalize,
        entities=args.entity,
        kinds=args.kind,
        start=args.start,
        end=args.end,
        min_documents=args.min_documents,
    )
    write_frame(series, args.output)
    return 0


def add_command(subparsers) -> None:
    """``timeline SOURCE [--freq W] [--normalize count] [-o CSV|-]``."""
    parser = subparsers.add_parser(
        "timeline",
        help="mentions per entity and period, with the corpus size beside them (CSV)",
        description="Mentions per entity and period (periods labelled by their start date), "
        "with the corpus size per period, low-volume flags and the undated group.",
    )
    add_source_arguments(parser)
    parser.add_argument("--freq", default="W", help="D, W (weeks from Monday) or M (default W)")
    parser.add_argument(
        "--normalize", default="count", choices=NORMALIZATIONS, help="what the value column holds"
    )
    parser.add_argument("--entity", action="append", help="entity id or name (repeatable)")
    parser.add_argument("--kind", action="append", choices=("actor", "weapon"))
    parser.add_argument("--start", help="first day included (YYYY-MM-DD)")
    parser.add_argument("--end", help="last day included (YYYY-MM-DD)")
    parser.add_argument(
        "--min-documents",
        type=int,
        default=MIN_DOCUMENTS,
        help=f"flag periods with fewer documents as low volume (default {MIN_DOCUMENTS})",
    )
    parser.set_defaults(func=_run)
