"""Keyword in context: the sentence behind every count, read back through the offsets.

Every row shows exactly what was counted: the text is sliced from the documents frame at the
mention's character offsets, and the sentence is found from the offset itself. The helpers that
read text back (:class:`SentenceTexts`, :func:`located_mentions`) serve pairs and tone too.
Duplicates are left out, as in the time series; periods come from :mod:`analysis.periods`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from analysis.corpus import unique_documents
from analysis.errors import InputError
from analysis.periods import period_of, period_start
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
    "field",
    "start",
    "end",
    "entity",
]


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
        texts = [self.fields[field][name] for name in names]
        return sentences_around(texts, doc, rows["start"].to_numpy(dtype=np.int64))


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
    documents : documents frame (uses doc_id, date, title, text, url, duplicate_of).
    entity : entity id, display name or surface form (case-insensitive), or several.
    period : a date (Timestamp or string such as "2025-07-07" or "2025-07") selecting the
        ``freq`` period that contains it, exactly as timeline counts it; "undated" selects the
        undated documents.
    freq : "D", "W" (weeks starting Monday), "M", "Q", "Y" (see analysis.timeline).
    width : characters of context on each side, counted after whitespace is collapsed.
    limit : keep the first ``limit`` rows (in date order) when given.

    Returns
    -------
    frame, one row per mention, ordered by date (undated last), doc_id, field (title first),
    start: left (the ``width`` characters before the mention), keyword (documents[field]
    [start:end]), right (the ``width`` characters after), sentence (the whole sentence), all
    with whitespace collapsed; doc_id, date, title, url, field, start, end, entity.
    """
    if width < 0:
        raise InputError(f"width: must be 0 or more, got {width}")
    unique = unique_text_documents(documents)
    frame = located_mentions(select_entities(mentions, entity), unique, ["title", "url"])
    frame = (
        _select_period(frame, period, freq)
        .assign(_field_order=lambda d: d["field"].map({"title": 0, "text": 1}))
        .sort_values(["date", "doc_id", "_field_order", "start"], na_position="last", kind="stable")
        .drop(columns="_field_order")
    )
    if limit is not None:
        frame = frame.head(limit)
    texts = SentenceTexts(unique.loc[unique["doc_id"].isin(frame["doc_id"].unique())])
    sentence_starts, sentence_ends = texts.locate(frame)
    rows = []
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
        rows.append(
            (
                _left_context(text, start, width),
                collapse(text[start:end]),
                _right_context(text, end, width),
                collapse(text[s_start:s_end]).strip(),
            )
        )
    context = pd.DataFrame(
        rows, columns=["left", "keyword", "right", "sentence"], index=frame.index, dtype="str"
    )
    return pd.concat([context, frame], axis=1)[EVIDENCE_COLUMNS].reset_index(drop=True)


def _left_context(text: str, start: int, width: int) -> str:
    """The ``width`` characters before ``start`` once whitespace is collapsed."""
    if width == 0:
        return ""
    reach = width + 8
    while True:  # widen the raw window only when long runs of whitespace ate into it
        piece = collapse(text[max(0, start - reach) : start])
        if len(piece) >= width or reach >= start:
            return piece[-width:]
        reach *= 4


def _right_context(text: str, end: int, width: int) -> str:
    """The ``width`` characters after ``end`` once whitespace is collapsed."""
    if width == 0:
        return ""
    reach = width + 8
    while True:
        piece = collapse(text[end : end + reach])
        if len(piece) >= width or end + reach >= len(text):
            return piece[:width]
        reach *= 4
