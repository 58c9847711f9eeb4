"""Keyword in context: the sentence behind every count, read back through the offsets.

Every row shows exactly what was counted: the text is sliced from the documents frame at the
mention's character offsets, and the sentence is found from the offset itself. Markup in the
text (HTML tags, entities, Markdown) is left out of what is shown, the offsets mapped across it
(:class:`ShownText`), so the words shown as the mention are the mention. The helpers that
read text back (:class:`SentenceTexts`, :func:`located_mentions`) serve pairs and tone too.
Duplicates are left out, as in the time series; periods come from :mod:`analysis.periods`.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

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


# --- markup shown as text -----------------------------------------------------------------------

# Article text keeps what its source wrote: HTML tags and entities (web archives, CMS exports),
# Markdown emphasis, links and escapes (the White House briefings). Counting reads the text as
# it is; a reader of the evidence should see the words, so the contexts are read through
# :class:`ShownText`, which drops the markup and maps every offset of the raw text onto what is
# shown: the highlighted words are always the mention.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br caption col colgroup dd div dl dt figcaption figure "
    "footer h1 h2 h3 h4 h5 h6 header hr img li main nav ol p pre section table tbody td tfoot "
    "th thead tr ul".split()
)


def _tag(match: re.Match[str]) -> str:
    name = match["name"]
    return " " if name and name.lower() in _BLOCK_TAGS else ""


_ADDRESS = r"\((?:[^()\s]|\([^()\s]*\))*\)"
"""A Markdown link's ``(address)``; addresses hold parentheses too: ``(...%20(PWG),...)``."""

# One pattern per kind of markup, each written to start with a literal character: Python's
# regular expressions skip ahead to a literal quickly (about 1 GB/s) but try every branch of an
# alternation, or a repeat such as ``#{1,6}``, at every character (2 and 90 MB/s).
_MARKUP_PATTERNS = (
    (
        "<",
        re.compile(r"<(?:!--.*?-->|/?(?P<name>[A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>)", re.S),
        _tag,
    ),
    (
        "&",
        re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"),
        lambda match: html.unescape(match[0]),
    ),
    ("![", re.compile(rf"!\[[^\[\]]{{0,400}}\]{_ADDRESS}"), lambda match: " "),  # an image
    # a Markdown link: its "[" and its "](address)" go, its words stay (lines wrap inside)
    ("](", re.compile(r"\[(?=[^\[\]]{0,400}\]\()"), lambda match: ""),
    ("](", re.compile(rf"\]{_ADDRESS}"), lambda match: ""),
    ("\\", re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])"), lambda match: match[1]),  # escapes
    ("*", re.compile(r"\*\**"), lambda match: "" if _emphasis(match) else None),  # bold, italic
    ("__", re.compile(r"__+"), lambda match: ""),
    ("#", re.compile(r"##{0,5}[ \t]+"), lambda match: "" if _line_start(match) else None),
)


def _emphasis(match: re.Match[str]) -> bool:
    """Whether asterisks mark emphasis: two or more (``**bold**``, even alone on a line), or
    one touching a word (``*italic*``); a lone ``*`` between spaces (a * b) stays."""
    text, start, end = match.string, match.start(), match.end()
    if end - start > 1:
        return True
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isspace() and after.isspace())


def _line_start(match: re.Match[str]) -> bool:
    """Whether only spaces stand between the line's start and ``match`` (a heading's marks)."""
    text, at = match.string, match.start()
    return not text[text.rfind("\n", 0, at) + 1 : at].strip(" \t")


def markup_spans(text: str) -> list[tuple[int, int, str]]:
    """The markup of ``text``: (start, end, what it shows as), in order, never overlapping
    (of two that overlap, the one that starts first wins, then the longer)."""
    found = sorted(
        (match.start(), -match.end(), replace(match))
        for lead, pattern, replace in _MARKUP_PATTERNS
        if lead in text  # a quick look first: most texts have no markup of most kinds
        for match in pattern.finditer(text)
    )
    spans: list[tuple[int, int, str]] = []
    reached = 0
    for start, negative_end, shown in found:
        if shown is not None and start >= reached:
            spans.append((start, -negative_end, shown))
            reached = -negative_end
    return spans


class ShownText:
    """``text[start:end]`` as a reader sees it, and where each raw offset lands in it.

    ``shown`` is the raw text without HTML tags and comments (block tags such as ``<td>`` or
    ``<br>`` become a space, so words do not run together), with entities decoded and without
    Markdown emphasis, link addresses, images, heading marks and backslash escapes. Everything
    else is kept character for character. ``spans``: :func:`markup_spans` of ``text``, when
    already known; markup that crosses ``start`` or ``end`` is kept as written.
    """

    def __init__(
        self,
        text: str,
        start: int = 0,
        end: int | None = None,
        spans: list[tuple[int, int, str]] | None = None,
    ) -> None:
        end = len(text) if end is None else end
        spans = markup_spans(text) if spans is None else spans
        first = bisect.bisect_left(spans, (start,))
        pieces: list[str] = []
        self.raw_starts: list[int] = []  # each segment's start in the raw text
        self.shown_starts: list[int] = []  # and in the shown text
        self.kept: list[bool] = []  # copied as is, or markup replaced
        at, shown = start, 0
        for span_start, span_end, replacement in spans[first:]:
            if span_end > end:
                break
            if span_start > at:
                self._segment(at, shown, True)
                pieces.append(text[at:span_start])
                shown += span_start - at
            self._segment(span_start, shown, False)
            pieces.append(replacement)
            shown += len(replacement)
            at = span_end
        if at < end or not pieces:
            self._segment(at, shown, True)
            pieces.append(text[at:end])
        self.shown = "".join(pieces)

    def _segment(self, raw_start: int, shown_start: int, kept: bool) -> None:
        self.raw_starts.append(raw_start)
        self.shown_starts.append(shown_start)
        self.kept.append(kept)

    def offset(self, raw_offset: int, *, end: bool = False) -> int:
        """Where ``raw_offset`` lands in ``shown``. An offset inside markup lands after its
        replacement (a start) or before it (``end=True``), so markup never joins a mention."""
        index = max(0, bisect.bisect_right(self.raw_starts, raw_offset) - 1)
        base = self.shown_starts[index]
        if self.kept[index]:
            return base + raw_offset - self.raw_starts[index]
        if raw_offset == self.raw_starts[index] or end:
            return base
        following = index + 1 < len(self.shown_starts)
        return self.shown_starts[index + 1] if following else len(self.shown)


def _markup_between(spans: list[tuple[int, int, str]], start: int, end: int) -> bool:
    """Whether markup of ``spans`` starts in ``[start, end)``."""
    first = bisect.bisect_left(spans, (start,))
    return first < len(spans) and spans[first][0] < end


def _whole_markup(spans: list[tuple[int, int, str]], start: int, end: int) -> tuple[int, int]:
    """``start`` and ``end`` moved out of any markup they cut (a sentence splitter reads the
    full stop inside ``<img src="a.jpg">`` as the end of a sentence)."""
    before = bisect.bisect_left(spans, (start,)) - 1
    if before >= 0 and spans[before][1] > start:
        start = spans[before][0]
    last = bisect.bisect_left(spans, (end,)) - 1
    if last >= 0 and spans[last][1] > end:
        end = spans[last][1]
    return start, end


def shown_sentence(
    text: str, start: int, end: int, spans: list[tuple[int, int, str]] | None = None
) -> str:
    """The sentence ``text[start:end]`` as shown: markup out, whitespace collapsed."""
    spans = markup_spans(text) if spans is None else spans
    start, end = _whole_markup(spans, start, end)
    if not _markup_between(spans, start, end):
        return collapse(text[start:end]).strip()
    return collapse(ShownText(text, start, end, spans).shown).strip()


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
    between words), sentence (the whole sentence), all with whitespace collapsed and markup
    left out as :func:`context_of` does (start and end stay offsets of the raw text); doc_id, date,
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
    markup: dict[tuple[str, str], list[tuple[int, int, str]]] = {}  # each text's, found once
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
        spans = markup.get((doc_id, field))
        if spans is None:
            spans = markup[(doc_id, field)] = markup_spans(text)
        key = (doc_id, field, s_start)
        sentence = sentences.get(key)
        if sentence is None:
            sentence = sentences[key] = shown_sentence(text, s_start, s_end, spans)
        rows.append((*context_of(text, start, end, width, spans), sentence))
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
    "outlet",
]


def outlet_of(source: Any, url: Any) -> str:
    """The outlet to show for a document: its ``source``, else the host of its http(s) ``url``
    without "www." (``https://bidenwhitehouse.archives.gov/...`` -> bidenwhitehouse.archives.gov),
    else ""."""
    text = "" if source is None or pd.isna(source) else str(source).strip()
    if text:
        return text
    address = "" if url is None or pd.isna(url) else str(url).strip()
    if not address.lower().startswith(("http://", "https://")):
        return ""
    host = (urlsplit(address).hostname or "").lower()
    return host.removeprefix("www.")


def spread_over_documents(frame: pd.DataFrame, group: list[str], per_group: int) -> np.ndarray:
    """0 for the first mention of ``per_group`` documents spread evenly over each group's
    documents in date order, 1 for every other row.

    A group (one entity in one period) with n documents keeps those at positions
    ``floor((i + 1/2) n / k)``, i < k: its start, middle and end for k = 3, never its first k
    days only; with k or fewer documents, all of them. ``frame`` is in evidence order (date,
    document, title first) and has ``_in_doc`` (the row's rank among the document's rows).
    """
    first = frame["_in_doc"].to_numpy() == 0
    keys = frame.loc[first, group]
    rank = keys.groupby(group, dropna=False, sort=False).cumcount().to_numpy()
    size = keys.groupby(group, dropna=False, sort=False)[group[0]].transform("size").to_numpy()
    k = per_group
    picked = np.zeros(len(rank), dtype=bool)
    nearest = np.floor((2 * rank * k - size) / (2 * size)).astype(np.int64)
    for i in (nearest, nearest + 1):  # the one position that can fall on each rank
        picked |= (i >= 0) & (i < k) & (((2 * i + 1) * size) // (2 * k) == rank)
    spread = np.ones(len(frame), dtype=np.int8)
    spread[np.flatnonzero(first)[picked]] = 0
    return spread


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
    mentions, up to ``per_period`` rows, taken from different documents spread over the
    period before a second row of the same document, so a peak can be checked from the report
    rather than from its first days.

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
    anchor (:func:`evidence_anchor`), outlet (:func:`outlet_of`); ordered by entity (most
    mentions first), period_rank, then date. A period's rows come from its documents spread
    over it (:func:`spread_over_documents`). ``attrs``: freq.
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
    frame = frame.assign(_spread=spread_over_documents(frame, group, per_period))
    frame = (
        frame.sort_values(
            ["_entity_total", "entity_id", "period_rank", "_in_doc", "_spread", "_order"],
            ascending=[False, True, True, True, True, True],
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
    outlets = [
        outlet_of(source, url) for source, url in zip(frame["source"], frame["url"], strict=True)
    ]
    sample = (
        _with_context(frame, unique, width)
        .assign(
            anchor=pd.Series(anchors, index=frame.index, dtype="str"),
            outlet=pd.Series(outlets, index=frame.index, dtype="str"),
        )[SAMPLE_COLUMNS]
        .reset_index(drop=True)
    )
    sample.attrs["freq"] = canonical_freq(freq)
    return sample


def context_of(
    text: str,
    start: int,
    end: int,
    width: int,
    spans: list[tuple[int, int, str]] | None = None,
) -> tuple[str, str, str]:
    """Left context, mention and right context of ``text[start:end]``, as shown to a reader.

    Without markup nearby: the raw characters, whitespace collapsed, cut between words
    (:func:`_left_context`, :func:`_right_context`). With markup: the same read from the
    :class:`ShownText` of a window around the mention, widened until each side holds
    ``width`` shown characters or reaches the edge of the text. A mention inside markup (an
    attribute) is shown as written. ``spans``: :func:`markup_spans` of ``text`` when known.
    """
    spans = markup_spans(text) if spans is None else spans
    reach = 2 * width + 40  # raw characters; widened while markup eats into it
    while spans:
        first, last = _whole_markup(spans, max(0, start - reach), min(len(text), end + reach))
        if not _markup_between(spans, first, last):
            break
        shown = ShownText(text, first, last, spans)
        at, to = shown.offset(start), shown.offset(end, end=True)
        if to <= at:
            break
        left, right = _left_piece(shown.shown, at, width), _right_piece(shown.shown, to, width)
        enough_left = first == 0 or len(left) > width or width == 0
        enough_right = last == len(text) or len(right) > width or width == 0
        if enough_left and enough_right:
            return _cut_left(left, width), collapse(shown.shown[at:to]), _cut_right(right, width)
        reach *= 4
    return (
        _left_context(text, start, width),
        collapse(text[start:end]),
        _right_context(text, end, width),
    )


def marked_context(
    text: str, marks: Iterable[tuple[int, int]], width: int
) -> tuple[str, tuple[tuple[str, bool], ...], str]:
    """The words around several mentions of one sentence (an actor and a weapon), as shown.

    Returns the left context of the first mention, the pieces from the first mention's start
    to the last one's end as (text, is a mention) in reading order, and the right context of
    the last; overlapping marks are merged, markup is left out as in :func:`context_of`.
    """
    merged: list[list[int]] = []
    for start, end in sorted(marks):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if not merged:
        return "", (), ""
    spans = markup_spans(text)
    left = context_of(text, merged[0][0], merged[0][1], width, spans)[0]
    right = context_of(text, merged[-1][0], merged[-1][1], width, spans)[2]
    pieces: list[tuple[str, bool]] = []
    for number, (start, end) in enumerate(merged):
        if number:
            between = ShownText(text, merged[number - 1][1], start, spans).shown
            pieces.append((collapse(between), False))
        pieces.append((collapse(ShownText(text, start, end, spans).shown), True))
    return left, tuple(pieces), right


def _left_context(text: str, start: int, width: int) -> str:
    """At most ``width`` characters before ``start`` once whitespace is collapsed, cut between
    words: a word the cut would split is left out whole."""
    return _cut_left(_left_piece(text, start, width), width)


def _left_piece(text: str, start: int, width: int) -> str:
    """The text before ``start``, whitespace collapsed: more than ``width`` characters of it,
    or all of it."""
    if width == 0:
        return ""
    reach = width + 8
    while True:  # widen the raw window only when long runs of whitespace ate into it
        piece = collapse(text[max(0, start - reach) : start])
        if len(piece) > width or reach >= start:
            return piece
        reach *= 4


def _cut_left(piece: str, width: int) -> str:
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
    return _cut_right(_right_piece(text, end, width), width)


def _right_piece(text: str, end: int, width: int) -> str:
    if width == 0:
        return ""
    reach = width + 8
    while True:
        piece = collapse(text[end : end + reach])
        if len(piece) > width or end + reach >= len(text):
            return piece
        reach *= 4


def _cut_right(piece: str, width: int) -> str:
    if len(piece) <= width:
        return piece
    kept = piece[:width]
    if piece[width].isspace() or kept[-1].isspace():
        return kept
    space = next((i for i in range(len(kept) - 1, -1, -1) if kept[i].isspace()), None)
    return "" if space is None else kept[: space + 1]
