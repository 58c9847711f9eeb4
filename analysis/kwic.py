"""Keyword in context: the sentence behind every count, read back through the offsets.

Every row shows exactly what was counted: the text is sliced from the documents frame at the
mention's character offsets, and the sentence is found from the offset itself. The helpers that
read text back (:class:`SentenceTexts`, :func:`located_mentions`) serve pairs and tone too.
Duplicates are left out, as in the time series; periods come from :mod:`analysis.periods`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from analysis.corpus import unique_documents
from analysis.errors import InputError
from analysis.periods import (
    canonical_freq,
    in_window,
    in_window_or_undated,
    period_label,
    period_of,
    period_start,
)
from analysis.schema import FIELDS, require_columns
from analysis.text.sentences import sentences_around
from analysis.timeline import select_entities

EVIDENCE_COLUMNS = [
    "left",
    "keyword",
    "right",
    "sentence",
    "doc_id",
    "date",
    "title",
    "url",
    "source",
    "field",
    "start",
    "end",
    "entity",
]


LOCATE_DOCUMENTS = 1_000
"""Documents whose sentences :meth:`SentenceTexts.locate` finds in one pass."""


def collapse(text: str) -> str:
    """Runs of whitespace (newlines, tabs, non-breaking spaces) as one space, edges kept.

    ``str.split`` is several times faster than a regular expression here and splits on the same
    Unicode whitespace.
    """
    words = text.split()
    if not words:
        return " " if text else ""
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return lead + " ".join(words) + trail


# --- reading text back through the offsets ------------------------------------------------------


def unique_text_documents(documents: pd.DataFrame) -> pd.DataFrame:
    require_columns(documents, ["doc_id", "date", "title", "text", "duplicate_of"], "documents")
    return unique_documents(documents)


class SentenceTexts:
    """The title and text of each document, and the sentence around any offset."""

    def __init__(self, documents: pd.DataFrame):
        ids = documents["doc_id"].tolist()
        # Plain Python strings, built once: slicing an Arrow-backed column row by row would copy
        # the whole text at every access.
        self.fields = {
            field: dict(zip(ids, documents[field].fillna("").tolist(), strict=True))
            for field in FIELDS
        }

    def text(self, doc_id: str, field: str) -> str:
        return self.fields[field][doc_id]

    def locate(self, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Character span of the sentence that contains each row's offset.

        ``rows`` has doc_id, field and start (a mention's offset). The result equals the span
        of ``sentence_spans(documents[field])`` that contains ``start``, computed for all rows at
        once: calling ``sentence_spans`` document by document pays numpy's set-up per
        document, while one pass over the joined texts pays it once. The sentence is found
        from the offset, not from ``sentence_id``, so it always holds the mention.
        """
        starts = np.zeros(len(rows), dtype=np.int64)
        ends = np.zeros(len(rows), dtype=np.int64)
        fields = rows["field"].to_numpy()
        for field in FIELDS:
            where = np.flatnonzero(fields == field)
            if len(where):
                starts[where], ends[where] = self._locate_field(field, rows.iloc[where])
        return starts, ends

    def _locate_field(self, field: str, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        names, doc = np.unique(rows["doc_id"].to_numpy(dtype=object), return_inverse=True)
        offsets = rows["start"].to_numpy(dtype=np.int64)
        if len(names) <= LOCATE_DOCUMENTS:
            texts = [self.fields[field][name] for name in names]
            return sentences_around(texts, doc, offsets)
        # Documents a block at a time: one pass over the joined texts of 14k documents holds
        # several arrays as long as all their characters (0.8 GB); sentences never span two.
        starts = np.zeros(len(rows), dtype=np.int64)
        ends = np.zeros(len(rows), dtype=np.int64)
        for first in range(0, len(names), LOCATE_DOCUMENTS):
            block = names[first : first + LOCATE_DOCUMENTS]
            where = np.flatnonzero((doc >= first) & (doc < first + len(block)))
            texts = [self.fields[field][name] for name in block]
            starts[where], ends[where] = sentences_around(texts, doc[where] - first, offsets[where])
        return starts, ends


def _check_fields(mentions: pd.DataFrame) -> None:
    unknown = sorted(set(mentions["field"].unique()) - set(FIELDS))
    if unknown:
        raise InputError(f"mentions.field: unknown value(s) {unknown}; expected title or text")


def located_mentions(
    mentions: pd.DataFrame, documents: pd.DataFrame, columns: Iterable[str] = ()
) -> pd.DataFrame:
    """Mentions of unique documents, with the document's date (and other columns) attached."""
    require_columns(
        mentions, ["doc_id", "field", "sentence_id", "start", "end", "entity_id"], "mentions"
    )
    _check_fields(mentions)
    wanted = ["doc_id", "date", *columns]
    return mentions.drop(columns=["date"], errors="ignore").merge(
        documents[wanted], on="doc_id", how="inner"
    )


# --- KWIC ---------------------------------------------------------------------------------------


def _select_period(frame: pd.DataFrame, period: Any, freq: str) -> pd.DataFrame:
    """Rows whose date falls in the period containing ``period``; "undated" selects NaT dates."""
    if period is None:
        return frame
    if isinstance(period, str) and period.strip().lower() == "undated":
        return frame.loc[frame["date"].isna()]
    wanted = period_of(period, freq)
    if pd.isna(wanted):
        return frame.loc[frame["date"].isna()]
    return frame.loc[period_start(frame["date"], freq).eq(wanted)]


def evidence(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    entity: str | Iterable[str] | None = None,
    period: Any = None,
    freq: str = "W",
    width: int = 60,
    limit: int | None = None,
) -> pd.DataFrame:
    """Keyword-in-context rows for mentions, with the whole sentence: the proof behind a count.

    Parameters
    ----------
    mentions : mentions frame (uses doc_id, field, sentence_id, start, end, entity_id, entity,
        and surface when present for entity look-up).
    documents : documents frame (uses doc_id, date, title, text, url, source, duplicate_of).
    entity : entity id, display name or surface form (case-insensitive), or several.
    period : a date (Timestamp or string such as "2025-07-07" or "2025-07") selecting the
        ``freq`` period that contains it, exactly as timeline counts it; "undated" selects the
        undated documents.
    freq : "D", "W" (weeks starting Monday), "M", "Q", "Y" (see analysis.timeline).
    width : characters of context on each side at most, counted after whitespace is collapsed;
        a word the limit would cut is left out whole.
    limit : keep the first ``limit`` rows (in date order) when given.

    Returns
    -------
    frame, one row per mention, ordered by date (undated last), doc_id, field (title first),
    start: left (at most ``width`` characters before the mention, cut between words),
    keyword (documents[field][start:end]), right (at most ``width`` characters after, cut
    between words), sentence (the whole sentence), all with whitespace collapsed; doc_id, date,
    title, url, source (the outlet), field, start, end, entity.
    """
    _check_width(width)
    unique = unique_text_documents(documents)
    frame = _select_period(_located(mentions, unique, entity), period, freq)
    if limit is not None:
        frame = frame.head(limit)
    return _with_context(frame, unique, width)[EVIDENCE_COLUMNS].reset_index(drop=True)


def _check_width(width: int) -> None:
    if width < 0:
        raise InputError(f"width: must be 0 or more, got {width}")


def _located(
    mentions: pd.DataFrame, unique: pd.DataFrame, entity: str | Iterable[str] | None
) -> pd.DataFrame:
    """The selected mentions with date, title, url and source, in evidence order."""
    extra = [column for column in ("title", "url", "source") if column in unique.columns]
    frame = located_mentions(select_entities(mentions, entity), unique, extra)
    return (
        frame.assign(**{c: "" for c in ("title", "url", "source") if c not in frame})
        .assign(_field_order=lambda d: d["field"].map({"title": 0, "text": 1}))
        .sort_values(["date", "doc_id", "_field_order", "start"], na_position="last", kind="stable")
        .drop(columns="_field_order")
    )


def _with_context(frame: pd.DataFrame, unique: pd.DataFrame, width: int) -> pd.DataFrame:
    """``frame`` with left, keyword, right and sentence read back from the documents."""
    texts = SentenceTexts(unique.loc[unique["doc_id"].isin(frame["doc_id"].unique())])
    sentence_starts, sentence_ends = texts.locate(frame)
    rows = []
    sentences: dict[tuple[str, str, int], str] = {}  # a sentence with several mentions: once
    for doc_id, field, start, end, s_start, s_end in zip(
        frame["doc_id"].tolist(),
        frame["field"].tolist(),
        frame["start"].tolist(),
        frame["end"].tolist(),
        sentence_starts.tolist(),
        sentence_ends.tolist(),
        strict=True,
    ):
        text = texts.text(doc_id, field)
        key = (doc_id, field, s_start)
        sentence = sentences.get(key)
        if sentence is None:
            sentence = sentences[key] = collapse(text[s_start:s_end]).strip()
        rows.append(
            (
                _left_context(text, start, width),
                collapse(text[start:end]),
                _right_context(text, end, width),
                sentence,
            )
        )
    context = pd.DataFrame(
        rows, columns=["left", "keyword", "right", "sentence"], index=frame.index, dtype="str"
    )
    return pd.concat([context, frame], axis=1)


# --- evidence by period: what a chart's point links to ------------------------------------------


def evidence_anchor(entity_id: str, period: Any = None, freq: str = "W") -> str:
    """The HTML id of the evidence for one entity (and one period): ``ev-<entity>[-<period>]``.

    Charts link their points and bars to ``#`` + this id, evidence tables carry it, so both
    sides agree. The entity id is kept when it is made of letters, digits, ``-`` and ``_``;
    any other id is reduced to those characters and given a short hash, so two ids never share
    an anchor. The period is written as :func:`analysis.periods.period_label` does (the start
    day of a day or week, 2025-07, 2025Q3, 2025) for the period that contains ``period``; NaT
    gives "undated".
    """
    key = str(entity_id)
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "entity"
    if slug != key:
        slug += "-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
    if period is None:
        return f"ev-{slug}"
    start = pd.NaT if pd.isna(period) else period_of(period, freq)
    return f"ev-{slug}-{period_label(start, freq)}"


SAMPLE_COLUMNS = [
    *EVIDENCE_COLUMNS,
    "entity_id",
    "period",
    "period_mentions",
    "period_rank",
    "anchor",
]


def evidence_sample(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    entities: str | Iterable[str] | None = None,
    freq: str = "W",
    start: Any = None,
    end: Any = None,
    per_period: int = 3,
    periods: int | None = None,
    undated: bool = False,
    width: int = 60,
) -> pd.DataFrame:
    """The evidence behind a chart: a few sentences for each entity and period, peaks first.

    A chart's point is one entity in one period; this gives, for each such pair with
    mentions, up to ``per_period`` rows, taken from different documents before a second row
    of the same document, so a peak can be checked from the report rather than the first
    rows by date.

    Parameters
    ----------
    mentions, documents : as in :func:`evidence`.
    entities : entity ids or names (one or several); default all.
    freq : the chart's frequency.
    start, end : the chart's date window (see :func:`analysis.periods.in_window`).
    per_period : rows kept for each entity and period.
    periods : keep only the ``periods`` periods with most mentions of each entity (its peaks);
        None keeps every period with a mention, so every linked point has its anchor.
    undated : also keep the mentions in undated documents, as one more group (period NaT,
        anchor ``...-undated``) ranked after every dated period: a bar chart of totals counts
        them, so its links need them; a time chart does not place them (the default).
    width : as in :func:`evidence`.

    Returns
    -------
    frame with the :func:`evidence` columns and entity_id, period (Timestamp, period start),
    period_mentions (mentions of the entity in that period), period_rank (1 = its peak),
    anchor (:func:`evidence_anchor`); ordered by entity (most mentions first), period_rank,
    then date. ``attrs``: freq.
    """
    _check_width(width)
    if per_period < 1:
        raise InputError(f"per_period: must be 1 or more, got {per_period}")
    if periods is not None and periods < 1:
        raise InputError(f"periods: must be 1 or more or None, got {periods}")
    unique = unique_text_documents(documents)
    frame = _located(mentions, unique, entities)
    keep = in_window_or_undated if undated else in_window
    frame = frame.loc[keep(frame["date"], start, end)]
    frame = frame.assign(
        period=period_start(frame["date"], freq), _undated=frame["date"].isna().astype(int)
    )
    group = ["entity_id", "period"]
    frame = frame.assign(
        period_mentions=frame.groupby(group, dropna=False)["doc_id"].transform("size"),
        _in_doc=frame.groupby([*group, "doc_id"], dropna=False).cumcount(),
        _order=np.arange(len(frame)),
        _entity_total=frame.groupby("entity_id")["doc_id"].transform("size"),
    )
    peaks = (
        frame.drop_duplicates(group)
        .sort_values(
            ["entity_id", "_undated", "period_mentions", "period"],
            ascending=[True, True, False, True],
        )
        .assign(period_rank=lambda d: d.groupby("entity_id").cumcount() + 1)[
            [*group, "period_rank"]
        ]
    )
    frame = frame.merge(peaks, on=group, how="left")
    if periods is not None:
        frame = frame.loc[frame["period_rank"] <= periods]
    frame = (
        frame.sort_values(
            ["_entity_total", "entity_id", "period_rank", "_in_doc", "_order"],
            ascending=[False, True, True, True, True],
            kind="stable",
        )
        .groupby(group, sort=False, dropna=False)
        .head(per_period)
        .sort_values(
            ["_entity_total", "entity_id", "period_rank", "_order"],
            ascending=[False, True, True, True],
            kind="stable",
        )
    )
    anchors = [
        evidence_anchor(entity_id, period, freq)
        for entity_id, period in zip(frame["entity_id"], frame["period"], strict=True)
    ]
    sample = (
        _with_context(frame, unique, width)
        .assign(anchor=pd.Series(anchors, index=frame.index, dtype="str"))[SAMPLE_COLUMNS]
        .reset_index(drop=True)
    )
    sample.attrs["freq"] = canonical_freq(freq)
    return sample


def _left_context(text: str, start: int, width: int) -> str:
    """At most ``width`` characters before ``start`` once whitespace is collapsed, cut between
    words: a word the cut would split is left out whole."""
    if width == 0:
        return ""
    reach = width + 8
    while True:  # widen the raw window only when long runs of whitespace ate into it
        piece = collapse(text[max(0, start - reach) : start])
        if len(piece) > width or reach >= start:
            break
        reach *= 4
    if len(piece) <= width:
        return piece
    kept = piece[-width:]
    if piece[-width - 1].isspace() or kept[0].isspace():
        return kept
    space = next((i for i, char in enumerate(kept) if char.isspace()), None)
    return "" if space is None else kept[space:]


def _right_context(text: str, end: int, width: int) -> str:
    """At most ``width`` characters after ``end`` once whitespace is collapsed, cut between
    words, as :func:`_left_context`."""
    if width == 0:
        return ""
    reach = width + 8
    while True:
        piece = collapse(text[end : end + reach])
        if len(piece) > width or end + reach >= len(text):
            break
        reach *= 4
    if len(piece) <= width:
        return piece
    kept = piece[:width]
    if piece[width].isspace() or kept[-1].isspace():
        return kept
    space = next((i for i in range(len(kept) - 1, -1, -1) if kept[i].isspace()), None)
    return "" if space is None else kept[: space + 1]
