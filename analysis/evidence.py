"""The sentences behind every count: KWIC evidence, actor x weapon co-occurrence, tone.

Everything here starts from the mentions frame and reads the matching text back from the
documents frame through the mentions' character offsets, so a row of evidence always shows
exactly what was counted. Duplicates (``documents.duplicate_of != ""``) are left out, as in the
time series; periods are those of :mod:`analysis.timeline` (labelled by their start date).

Only sentences that contain a mention are ever split, tokenised or scored, which keeps
co-occurrence and tone to seconds on a corpus of 14,000 briefings.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import yaml
from nltk.stem import PorterStemmer

from analysis import config
from analysis.corpus import unique_documents
from analysis.errors import InputError
from analysis.sentences import boundaries, char_positions, first_non_space
from analysis.timeline import (
    _require_columns,
    add_source_arguments,
    load_inputs,
    parse_freq,
    period_of,
    period_start,
    select_entities,
    write_frame,
)

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
PAIR_COLUMNS = [
    "doc_id",
    "date",
    "field",
    "sentence_id",
    "actor_id",
    "actor",
    "weapon_id",
    "weapon",
    "verb",
    "action_class",
    "sentence",
]
TONE_POSITIVE = 0.05  # VADER's own thresholds for a positive / negative sentence
TONE_NEGATIVE = -0.05
ACTION_VERBS = config.DATA_DIR / "action_verbs.yml"
NO_ACTION = "none"
FIELDS = ("title", "text")

# Words of letters with inner apostrophes and hyphens; a hyphenated compound is one word, so
# "much-needed" or "long-promised" are adjectives, not the verbs "need" and "promise".
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


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


def _unique_documents(documents: pd.DataFrame) -> pd.DataFrame:
    _require_columns(documents, ["doc_id", "date", "title", "text", "duplicate_of"], "documents")
    return unique_documents(documents)


class _Texts:
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
        once: calling ``sentence_spans`` document by document costs ~0.5 ms each (numpy set-up
        dominates), 7 s on 14k briefings; one pass over the joined texts with the same
        primitives takes a fraction of a second. The sentence is found from the offset, not
        from ``sentence_id``, so it always holds the mention.
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
        encoded = [text.encode("utf-8") for text in texts]
        # A blank line between documents stops every rule at the document's edge (an
        # abbreviation look-back would otherwise read the end of the previous text as part of
        # "MS." at the start of this one), so each text splits exactly as on its own.
        separator = b"\n\n"
        lengths = np.array([len(chunk) for chunk in encoded], dtype=np.int64)
        doc_begin = np.concatenate([[0], np.cumsum(lengths + len(separator))[:-1]])
        doc_end = doc_begin + lengths
        buffer = np.frombuffer(separator.join(encoded), dtype=np.uint8)
        first = np.minimum(first_non_space(buffer, doc_begin), doc_end)
        # In characters of the joined text from here on: a sentence starts at the document's
        # first non-space character or at the last boundary before the offset, and ends at the
        # next boundary or the document's end.
        to_chars = char_positions(buffer)
        begin_c = to_chars(doc_begin)
        end_c = to_chars(doc_end)[doc]
        first_c = to_chars(first)[doc]
        bounds_c = np.concatenate([to_chars(boundaries(buffer)), [np.iinfo(np.int64).max]])
        at = begin_c[doc] + rows["start"].to_numpy(dtype=np.int64)
        after = np.searchsorted(bounds_c, at, side="right")
        start = np.maximum(np.where(after > 0, bounds_c[np.maximum(after - 1, 0)], 0), first_c)
        stop = np.minimum(bounds_c[after], end_c)
        start, stop = start - begin_c[doc], stop - begin_c[doc]
        # As sentence_spans: no trailing whitespace (Python's notion of it, NBSP included).
        trimmed: dict[tuple[int, int, int], int] = {}
        result_end = np.empty(len(stop), dtype=np.int64)
        for i, key in enumerate(zip(doc.tolist(), start.tolist(), stop.tolist(), strict=True)):
            if key not in trimmed:
                trimmed[key] = key[1] + len(texts[key[0]][key[1] : key[2]].rstrip())
            result_end[i] = trimmed[key]
        return start, result_end


def _check_fields(mentions: pd.DataFrame) -> None:
    unknown = sorted(set(mentions["field"].unique()) - set(FIELDS))
    if unknown:
        raise InputError(f"mentions.field: unknown value(s) {unknown}; expected title or text")


def _located_mentions(
    mentions: pd.DataFrame, documents: pd.DataFrame, columns: Iterable[str] = ()
) -> pd.DataFrame:
    """Mentions of unique documents, with the document's date (and other columns) attached."""
    _require_columns(
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
    unique = _unique_documents(documents)
    frame = _located_mentions(select_entities(mentions, entity), unique, ["title", "url"])
    frame = (
        _select_period(frame, period, freq)
        .assign(_field_order=lambda d: d["field"].map({"title": 0, "text": 1}))
        .sort_values(["date", "doc_id", "_field_order", "start"], na_position="last", kind="stable")
        .drop(columns="_field_order")
    )
    if limit is not None:
        frame = frame.head(limit)
    texts = _Texts(unique.loc[unique["doc_id"].isin(frame["doc_id"].unique())])
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


# --- action verbs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionLexicon:
    """Stems, exact forms and phrases of each action class (see data/action_verbs.yml)."""

    stems: dict[str, str]  # Porter stem -> class
    forms: dict[str, str]  # lower-cased word -> class
    phrases: dict[str, list[tuple[str, str]]]  # first word -> [(last word, class)]


@cache
def _stemmer() -> PorterStemmer:
    return PorterStemmer()


@cache
def _stem(word: str) -> str:
    # Porter is ~20 µs a word in pure Python; a sentence's words repeat across a corpus.
    return _stemmer().stem(word)


@cache
def load_action_lexicon(path: str | None = None) -> ActionLexicon:
    """Read the action classes from YAML (default: the packaged data/action_verbs.yml)."""
    source = ACTION_VERBS if path is None else path
    try:
        with open(source, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise InputError(f"{source}: not valid YAML ({error})") from None
    classes = (data or {}).get("classes")
    if not isinstance(classes, dict) or not classes:
        raise InputError(f"{source}: field 'classes' must map class names to word lists")
    stems: dict[str, str] = {}
    forms: dict[str, str] = {}
    phrases: dict[str, list[tuple[str, str]]] = {}
    for name, entry in classes.items():
        entry = entry or {}
        for verb in entry.get("verbs", []):
            stems[_stem(str(verb).lower())] = str(name)
        for form in entry.get("forms", []):
            forms[str(form).lower()] = str(name)
        for phrase in entry.get("phrases", []):
            words = str(phrase).lower().split()
            if len(words) < 2:
                raise InputError(f"{source}: phrase {phrase!r} of class {name} needs two words")
            phrases.setdefault(words[0], []).append((words[-1], str(name)))
    return ActionLexicon(stems=stems, forms=forms, phrases=phrases)


# After these words an action word is a noun ("halted THE transfer of"): such hits only count
# when no verb form qualifies.
DETERMINERS = frozenset(
    "a an the this that these those its their his her our your my any no each every".split()
)


def action_words(
    sentence: str, offset: int = 0, lexicon: ActionLexicon | None = None
) -> list[tuple[int, int, str, str, bool]]:
    """Action words in a sentence: (start, end, verb, class, nominal), offsets plus ``offset``.

    Tokens are words of letters (``_WORD``); each is matched by exact form, then by phrase
    ("shot ... down", the last word within two tokens), then by Porter stem. ``nominal`` is True
    after a determiner ("the transfer"), where the word names the action as a noun.
    """
    lexicon = lexicon or load_action_lexicon()
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(sentence)]
    found = []
    for i, (start, end, word) in enumerate(tokens):
        action = lexicon.forms.get(word)
        verb_end, verb = end, word
        if word in lexicon.phrases:
            for last, name in lexicon.phrases[word]:
                for later in tokens[i + 1 : i + 4]:
                    if later[2] == last:
                        action, verb_end = name, later[1]
                        verb = sentence[start:verb_end].lower()
                        break
                if action:
                    break
        if action is None:
            action = lexicon.stems.get(_stem(word))
        if action == "request" and i + 1 < len(tokens) and tokens[i + 1][2] == "to":
            # "wants to help", "needs to decide": the wish is about the next verb, not a request
            # for the weapon ("Ukraine needs Patriots" still counts).
            action = None
        if action is not None:
            nominal = i > 0 and tokens[i - 1][2] in DETERMINERS
            found.append((start + offset, verb_end + offset, collapse(verb), action, nominal))
    return found


def _token_distance(sentence: str, a: int, b: int) -> int:
    """Words between two offsets of a sentence (its own coordinates)."""
    low, high = min(a, b), max(a, b)
    return len(_WORD.findall(sentence, low, high))


def link_verb(
    sentence: str,
    sentence_start: int,
    actor: tuple[int, int],
    weapon: tuple[int, int],
    others: list[tuple[int, int, str]],
    lexicon: ActionLexicon | None = None,
    reach: int = 5,
) -> tuple[str, str]:
    """The action verb that links an actor and a weapon mention in one sentence.

    Rules, in order (offsets are document offsets; ``sentence`` starts at ``sentence_start``):

    1. Words inside any mention of the sentence (``others``: start, end, kind) are not verbs.
    2. A verb with another actor's mention between it and our actor belongs to that actor
       ("Javelins provided by the US ... Russia's invasion": "provided" is not Russia's),
       unless the two actors are joined by "and"/"or" ("the US and NATO will provide").
    3. A verb between the two mentions wins, the one nearest the later mention: in "Trump wants
       to send Patriots" the action on the weapon is "send", not "wants".
    4. Otherwise the nearest verb outside the pair, at most ``reach`` words away from it
       ("Patriots that Germany will send").
    5. In 3 and 4, a verb form beats a noun after a determiner: "Germany halted the transfer
       of Leopards" is "halted" (pause), not "transfer".

    Returns
    -------
    (verb, action_class), or ("", "none") when no verb qualifies.
    """

    def coordinated(start: int, end: int) -> bool:
        # "United States military and NATO officials are discussing ... provide": actors joined
        # by "and"/"or" within a few words share the verb.
        low, high = min(end, actor[1]), max(start, actor[0])
        gap = _WORD.findall(sentence, low - sentence_start, high - sentence_start)
        return len(gap) <= 3 and any(word.lower() in ("and", "or") for word in gap)

    other_actors = [
        (start, end)
        for start, end, kind in others
        if kind == "actor" and (start, end) != tuple(actor) and not coordinated(start, end)
    ]

    def owned_by_other_actor(hit: tuple[int, int, str, str, bool]) -> bool:
        low, high = min(hit[0], actor[0]), max(hit[1], actor[1])
        return any(low <= start and end <= high for start, end in other_actors)

    candidates = [
        hit
        for hit in action_words(sentence, sentence_start, lexicon)
        if not any(hit[0] < end and start < hit[1] for start, end, _ in others)
        and not owned_by_other_actor(hit)
    ]
    if not candidates:
        return "", NO_ACTION
    first, second = sorted([tuple(actor), tuple(weapon)])
    between = [hit for hit in candidates if hit[0] >= first[1] and hit[1] <= second[0]]
    if between:
        best = max(between, key=lambda hit: (not hit[4], hit[0]))
        return best[2], best[3]
    scored = []
    for hit in candidates:
        if hit[1] <= first[0]:
            gap = _token_distance(sentence, hit[1] - sentence_start, first[0] - sentence_start)
        elif hit[0] >= second[1]:
            gap = _token_distance(sentence, second[1] - sentence_start, hit[0] - sentence_start)
        else:  # overlaps the span between the mentions without lying inside it: not linking
            continue
        if gap <= reach:
            scored.append((hit[4], gap, hit[0], hit))
    if not scored:
        return "", NO_ACTION
    best = min(scored)[3]
    return best[2], best[3]


# --- co-occurrence ------------------------------------------------------------------------------


def _closest_pairs(actors: pd.DataFrame, weapons: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each actor entity x weapon entity sharing ``keys``, by its two closest mentions.

    Returns the merged mentions with suffixes ``_a`` (actor) and ``_w`` (weapon) on field,
    sentence_id, start, end, entity_id and entity. Mentions in different fields (title and
    text) are never "close": their gap counts as infinite.
    """
    pairs = actors.merge(weapons.drop(columns="date"), on=keys, suffixes=("_a", "_w"))
    for column in ("field", "sentence_id"):
        if column in keys:  # merged on, so not suffixed: give both sides the shared value
            pairs = pairs.assign(**{f"{column}_a": pairs[column], f"{column}_w": pairs[column]})
    if pairs.empty:
        return pairs
    gap = np.maximum(
        np.maximum(pairs["start_a"], pairs["start_w"]) - np.minimum(pairs["end_a"], pairs["end_w"]),
        0,
    )
    same_field = pairs["field_a"].eq(pairs["field_w"])
    return (
        pairs.assign(_gap=np.where(same_field, gap, np.iinfo(np.int64).max))
        .sort_values(["_gap", "start_a", "start_w"], kind="stable")
        .drop_duplicates([*keys, "entity_id_a", "entity_id_w"])
    )


def _side(pairs: pd.DataFrame, suffix: str) -> pd.DataFrame:
    """The actor (``_a``) or weapon (``_w``) side of pairs: doc_id, field, sentence_id, start."""
    return pd.DataFrame(
        {
            "doc_id": pairs["doc_id"].to_numpy(),
            "field": pairs[f"field{suffix}"].to_numpy(),
            "sentence_id": pairs[f"sentence_id{suffix}"].to_numpy(),
            "start": pairs[f"start{suffix}"].to_numpy(),
        }
    )


def cooccurrence(
    mentions: pd.DataFrame, documents: pd.DataFrame, *, scope: str = "sentence"
) -> pd.DataFrame:
    """Actor x weapon pairs mentioned together, each labelled with the action that links them.

    A pair is one actor entity and one weapon entity in the same sentence (``scope="sentence"``)
    or the same document (``scope="document"``); it is counted once per sentence (document)
    however often either is repeated there, using the two mentions closest to each other.
    The linking verb is found by :func:`link_verb` with the action classes of
    ``data/action_verbs.yml`` (pledge, deliver, buy/sell, pause, intercept, attack, request).

    Precision, measured by hand. Sample: all 78 sentence-scope pairs of the 3 seeds, and 30 of
    the 9,221 sentence-scope pairs of the White House corpus drawn with
    ``pairs.sample(30, random_state=0)``; default gazetteer at hash 528bd7e82148e10b (474
    entities), metonyms off, action lexicon as shipped. Each pair was read in its sentence and
    judged: is it real (the sentence relates this actor and this weapon: acts on it, asks for
    it, receives it, is attacked with it ...); when a class is given, does it name the action
    that links them (the giver/receiver direction is not encoded, so a receiver counts); when
    "none", did a listed action link them all the same (a miss)?

    - real pairs: seeds 74/78 (95 %), White House 28/30 (93 %), together 102/108 (94 %);
    - class correct, among pairs given one: seeds 39/44 (89 %), White House 10/11 (91 %),
      together 49/55 (89 %);
    - misses among the "none" pairs: seeds 9 of 34, White House 4 of 19.

    Wrong pairs: two actors that only share a long sentence ("Russia's invasion" beside
    Javelins delivered to Ukraine; "the ASEAN Summit" beside air defence). Wrong classes: a noun
    read as the action ("procure key supplies from the U.S." is "deliver"), another clause's
    action ("help Ukraine with air defense, due to escalating Russian attacks" is "attack").
    Misses come mostly from rule 2 of :func:`link_verb` (a third actor between the verb and
    this actor: "provided by US to Ukraine" gives Ukraine no class) and from verbs beyond the
    reach. Negation is not handled ("will not send" is "deliver").

    Parameters
    ----------
    mentions : mentions frame (uses doc_id, field, sentence_id, start, end, entity_id, entity,
        kind).
    documents : documents frame (uses doc_id, date, title, text, duplicate_of).
    scope : "sentence" or "document". In document scope, a pair whose closest mentions are not
        in one sentence has sentence_id <NA>, both sentences joined by " … " and no verb.

    Returns
    -------
    frame (``attrs["scope"]``), one row per pair occurrence, ordered by date, doc_id, field,
    sentence_id: doc_id, date, field, sentence_id (Int64), actor_id, actor, weapon_id, weapon,
    verb (the word(s) as written, lower-cased; "" when none), action_class (a class name or
    "none"), sentence (whitespace collapsed).
    """
    if scope not in ("sentence", "document"):
        raise InputError(f"scope: unknown value {scope!r}; use sentence or document")
    unique = _unique_documents(documents)
    located = _located_mentions(mentions, unique)
    _require_columns(located, ["kind", "entity"], "mentions")
    base = ["doc_id", "date", "field", "sentence_id", "start", "end", "entity_id", "entity"]
    actors = located.loc[located["kind"].eq("actor"), base]
    weapons = located.loc[located["kind"].eq("weapon"), base]
    keys = ["doc_id", "field", "sentence_id"] if scope == "sentence" else ["doc_id"]
    pairs = _closest_pairs(actors, weapons, keys)
    if pairs.empty:
        empty = pd.DataFrame({column: pd.Series(dtype="str") for column in PAIR_COLUMNS}).astype(
            {"sentence_id": "Int64", "date": located["date"].dtype}
        )
        empty.attrs.update(scope=scope)
        return empty

    texts = _Texts(unique.loc[unique["doc_id"].isin(pairs["doc_id"].unique())])
    a_start, a_end = texts.locate(_side(pairs, "_a"))
    w_start, w_end = texts.locate(_side(pairs, "_w"))
    # Every mention of the sentences that hold a pair: their words are never verbs.
    keys = ["doc_id", "field", "sentence_id"]
    pair_keys = _side(pairs, "_a")[keys].drop_duplicates()
    around = located[[*keys, "start", "end", "kind"]].merge(pair_keys, on=keys)
    mentions_by_sentence: dict[tuple, list[tuple[int, int, str]]] = {}
    for doc_id, field, sentence_id, start, end, kind in zip(
        *(around[column].tolist() for column in around.columns), strict=True
    ):
        mentions_by_sentence.setdefault((doc_id, field, sentence_id), []).append((start, end, kind))
    lexicon = load_action_lexicon()
    rows = []
    for i, row in enumerate(pairs.itertuples(index=False)):
        sentence_a = texts.text(row.doc_id, row.field_a)[a_start[i] : a_end[i]]
        if row.field_a == row.field_w and row.sentence_id_a == row.sentence_id_w:
            verb, action = link_verb(
                sentence_a,
                int(a_start[i]),
                (row.start_a, row.end_a),
                (row.start_w, row.end_w),
                mentions_by_sentence[(row.doc_id, row.field_a, row.sentence_id_a)],
                lexicon,
            )
            rows.append((row.field_a, row.sentence_id_a, verb, action, collapse(sentence_a)))
            continue
        # Document scope, mentions in different sentences: show both, in reading order.
        sentence_w = texts.text(row.doc_id, row.field_w)[w_start[i] : w_end[i]]
        actor_first = (FIELDS.index(row.field_a), row.start_a) <= (
            FIELDS.index(row.field_w),
            row.start_w,
        )
        field, first, second = (
            (row.field_a, sentence_a, sentence_w)
            if actor_first
            else (row.field_w, sentence_w, sentence_a)
        )
        joined = collapse(first).strip() + " … " + collapse(second).strip()
        rows.append((field, pd.NA, "", NO_ACTION, joined))
    labels = pd.DataFrame(
        rows, columns=["field", "sentence_id", "verb", "action_class", "sentence"]
    ).astype({"sentence_id": "Int64"})
    return (
        pd.concat(
            [
                pairs[["doc_id", "date", "entity_id_a", "entity_a", "entity_id_w", "entity_w"]]
                .reset_index(drop=True)
                .rename(
                    columns={
                        "entity_id_a": "actor_id",
                        "entity_a": "actor",
                        "entity_id_w": "weapon_id",
                        "entity_w": "weapon",
                    }
                ),
                labels,
            ],
            axis=1,
        )
        .assign(_field_order=lambda d: d["field"].map({"title": 0, "text": 1}))
        .sort_values(
            ["date", "doc_id", "_field_order", "sentence_id", "actor_id", "weapon_id"],
            na_position="last",
            kind="stable",
        )[PAIR_COLUMNS]
        .reset_index(drop=True)
        .pipe(_with_attrs, scope=scope)
    )


def _with_attrs(frame: pd.DataFrame, **attrs: Any) -> pd.DataFrame:
    frame.attrs.update(attrs)
    return frame


def cooccurrence_summary(
    pairs: pd.DataFrame, *, by: Iterable[str] = ("actor", "weapon", "action_class")
) -> pd.DataFrame:
    """How often each actor x weapon (x action) combination occurs.

    Parameters
    ----------
    pairs : the frame returned by :func:`cooccurrence`.
    by : columns to group by; any columns of ``pairs``.

    Returns
    -------
    frame: the ``by`` columns, count (pair occurrences), documents (distinct doc_id); ordered by
    count, then documents, descending, then by the ``by`` columns.
    """
    by = list(by)
    _require_columns(pairs, [*by, "doc_id"], "pairs")
    summary = (
        pairs.groupby(by, dropna=False)
        .agg(count=("doc_id", "size"), documents=("doc_id", "nunique"))
        .reset_index()
        .sort_values(
            ["count", "documents", *by], ascending=[False, False] + [True] * len(by), kind="stable"
        )
        .reset_index(drop=True)
    )
    summary.attrs.update(scope=pairs.attrs.get("scope", "sentence"))
    return summary


# --- tone ---------------------------------------------------------------------------------------


@cache
def _vader():
    # Imported on first use: building the analyser reads its 7,500-word lexicon.
    from vaderSentiment.vaderSentiment import (
        BOOSTER_DICT,
        N_SCALAR,
        NEGATE,
        SentimentIntensityAnalyzer,
        SentiText,
    )

    negate = frozenset(NEGATE)

    class LinearVader(SentimentIntensityAnalyzer):
        """VADER with identical scores, several times faster on long sentences.

        vaderSentiment 3.3.2 (pinned) is slow in three places that do not change its results:

        - ``_negation_check`` and ``_special_idioms_check`` lower-case the WHOLE sentence again
          for every sentiment word: quadratic in the sentence length, and the run-on sentences
          of transcripts dominate. Both only read the three words before and two after
          position ``i`` (and never wrap around: VADER calls them only for i > start_i), so
          reading just those words gives the same result;
        - ``polarity_scores`` rebuilds the text character by character to replace emojis; when
          no character is an emoji that rebuild is the text itself, so we skip it;
        - it calls ``sentiment_valence`` for every word, most of which are not in the lexicon
          and get 0.

        ``tests/test_evidence.py`` checks that the scores equal the library's own.
        """

        def __init__(self):
            super().__init__()
            # Only single characters can match in VADER's per-character emoji loop.
            self._emoji = frozenset(key for key in self.emojis if len(key) == 1)

        def polarity_scores(self, text):
            if not text.isascii() and not self._emoji.isdisjoint(text):
                return super().polarity_scores(text)
            # The rest of SentimentIntensityAnalyzer.polarity_scores, unchanged except that a
            # word outside the lexicon gets its 0 here: sentiment_valence would append exactly
            # that, after a method call per word.
            text = text.strip()
            sentitext = SentiText(text)
            sentiments = []
            words = sentitext.words_and_emoticons
            lexicon = self.lexicon
            for i, item in enumerate(words):
                lower = item.lower()
                if lower in BOOSTER_DICT or lower not in lexicon:
                    sentiments.append(0)
                    continue
                if i < len(words) - 1 and lower == "kind" and words[i + 1].lower() == "of":
                    sentiments.append(0)
                    continue
                sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
            sentiments = self._but_check(words, sentiments)
            return self.score_valence(sentiments, text)

        @staticmethod
        def _negation_check(valence, words_and_emoticons, start_i, i):
            # SentimentIntensityAnalyzer._negation_check with the three words it reads lowered
            # once, and vaderSentiment.negated([word]) (which copies and scans the whole NEGATE
            # list on every call) replaced by a set look-up that gives the same answer.
            def lower(k):
                return str(words_and_emoticons[k]).lower()

            def negated(word):
                return word in negate or "n't" in word

            if start_i == 0:
                if negated(lower(i - 1)):
                    valence = valence * N_SCALAR
            if start_i == 1:
                if lower(i - 2) == "never" and (lower(i - 1) == "so" or lower(i - 1) == "this"):
                    valence = valence * 1.25
                elif lower(i - 2) == "without" and lower(i - 1) == "doubt":
                    valence = valence
                elif negated(lower(i - 2)):
                    valence = valence * N_SCALAR
            if start_i == 2:
                if (
                    lower(i - 3) == "never"
                    and (lower(i - 2) == "so" or lower(i - 2) == "this")
                    or (lower(i - 1) == "so" or lower(i - 1) == "this")
                ):
                    valence = valence * 1.25
                elif lower(i - 3) == "without" and (
                    lower(i - 2) == "doubt" or lower(i - 1) == "doubt"
                ):
                    valence = valence
                elif negated(lower(i - 3)):
                    valence = valence * N_SCALAR
            return valence

        @staticmethod
        def _special_idioms_check(valence, words_and_emoticons, i):
            low = max(0, i - 3)
            return SentimentIntensityAnalyzer._special_idioms_check(
                valence, words_and_emoticons[low : i + 3], i - low
            )

    return LinearVader()


def sentence_tone(sentences: Iterable[str]) -> np.ndarray:
    """VADER compound score (-1..1) of each sentence; identical sentences are scored once."""
    analyzer = _vader()
    scores: dict[str, float] = {}
    result = []
    for sentence in sentences:
        if sentence not in scores:
            scores[sentence] = analyzer.polarity_scores(sentence)["compound"]
        result.append(scores[sentence])
    return np.asarray(result, dtype="float64")


def tone(
    mentions: pd.DataFrame, documents: pd.DataFrame, *, freq: str | None = None
) -> pd.DataFrame:
    """Tone of the sentences that mention each entity (VADER compound), per entity or period.

    Every sentence that contains at least one mention is scored once with VADER; an entity's
    figures are over the distinct sentences that mention it (a sentence naming Trump twice
    counts once for Trump). VADER was built for social-media English; on diplomatic prose it
    mostly reads word polarity ("attack", "peace"), so compare entities and periods rather than
    reading absolute values.

    Parameters
    ----------
    mentions : mentions frame (uses doc_id, field, sentence_id, start, entity_id, entity, kind).
    documents : documents frame (uses doc_id, date, title, text, duplicate_of).
    freq : None for one row per entity; "D", "W", "M", ... for one row per entity and period
        (periods labelled by start; NaT for undated documents; periods without a sentence are
        absent, not zero: there is no tone to report).

    Returns
    -------
    frame: entity_id, entity, kind, [period], compound (mean VADER compound), positive (share
    of sentences with compound >= 0.05), negative (share <= -0.05), n_sentences; ordered by
    n_sentences descending, entity_id and period.
    """
    unique = _unique_documents(documents)
    located = _located_mentions(mentions, unique)
    _require_columns(located, ["kind", "entity"], "mentions")
    keys = ["doc_id", "field", "sentence_id"]
    sentence_keys = located.drop_duplicates(keys)[[*keys, "start"]]
    texts = _Texts(unique.loc[unique["doc_id"].isin(sentence_keys["doc_id"].unique())])
    starts, ends = texts.locate(sentence_keys)
    sentences = [
        collapse(texts.text(doc_id, field)[start:end])
        for doc_id, field, start, end in zip(
            sentence_keys["doc_id"].tolist(),
            sentence_keys["field"].tolist(),
            starts.tolist(),
            ends.tolist(),
            strict=True,
        )
    ]
    scored = sentence_keys[keys].assign(compound=sentence_tone(sentences))

    group = ["entity_id", "entity", "kind"]
    frame = located.drop_duplicates([*keys, "entity_id"])[[*keys, *group, "date"]].merge(
        scored, on=keys
    )
    if freq is not None:
        frame = frame.assign(period=period_start(frame["date"], freq))
        group = [*group, "period"]
    result = (
        frame.assign(
            positive=lambda d: d["compound"] >= TONE_POSITIVE,
            negative=lambda d: d["compound"] <= TONE_NEGATIVE,
        )
        .groupby(group, dropna=False)
        .agg(
            compound=("compound", "mean"),
            positive=("positive", "mean"),
            negative=("negative", "mean"),
            n_sentences=("compound", "size"),
        )
        .reset_index()
    )
    # Most-evidenced entities first; within an entity, periods in order (undated last).
    order = ["_total", "entity_id", *(["period"] if freq is not None else [])]
    return (
        result.assign(_total=result.groupby("entity_id")["n_sentences"].transform("sum"))
        .sort_values(
            order, ascending=[False] + [True] * (len(order) - 1), na_position="last", kind="stable"
        )
        .drop(columns="_total")
        .reset_index(drop=True)
    )


# --- command line -------------------------------------------------------------------------------


def _run_evidence(args: argparse.Namespace) -> int:
    parse_freq(args.freq)  # a typo fails before the corpus is read
    documents, _, mentions = load_inputs(args)
    frame = evidence(
        mentions,
        documents,
        entity=args.entity,
        period=args.period,
        freq=args.freq,
        width=args.width,
        limit=args.limit,
    )
    write_frame(frame, args.output)
    return 0


def _run_cooccur(args: argparse.Namespace) -> int:
    documents, _, mentions = load_inputs(args)
    pairs = cooccurrence(mentions, documents, scope=args.scope)
    write_frame(cooccurrence_summary(pairs) if args.summary else pairs, args.output)
    return 0


def add_command(subparsers) -> None:
    """``evidence SOURCE --entity X`` and ``cooccur SOURCE`` (CSV to a file or stdout)."""
    parser = subparsers.add_parser(
        "evidence",
        help="keyword-in-context rows with the whole sentence for an entity (CSV)",
        description="The sentences behind the counts: one row per mention of the entity.",
    )
    add_source_arguments(parser)
    parser.add_argument(
        "--entity", required=True, action="append", help="entity id, name or alias (repeatable)"
    )
    parser.add_argument("--period", help="a date inside the period wanted, or 'undated'")
    parser.add_argument("--freq", default="W", help="period length for --period: D, W or M")
    parser.add_argument("--width", type=int, default=60, help="context characters per side")
    parser.add_argument("--limit", type=int, help="at most this many rows")
    parser.set_defaults(func=_run_evidence)

    parser = subparsers.add_parser(
        "cooccur",
        help="actor x weapon pairs in one sentence, with the linking action (CSV)",
        description="Actor x weapon pairs mentioned together, labelled with the action verb.",
    )
    add_source_arguments(parser)
    parser.add_argument("--scope", default="sentence", choices=("sentence", "document"))
    parser.add_argument(
        "--summary", action="store_true", help="counts per actor, weapon and action instead"
    )
    parser.set_defaults(func=_run_cooccur)
