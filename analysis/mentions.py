"""Mentions of gazetteer entities in documents: the fast, exact extractor.

A normalised byte view of each field (whitespace and ``[brackets]`` as one space, curly
punctuation as ASCII; every byte keeps its original offset) is searched by Aho-Corasick automata
(ahocorasick-rs): one for aliases in any case, one for case-sensitive forms. Candidates must be
whole words, fit their case rule (weapons may take a plural), and win leftmost-longest against
overlapping aliases and exclusion phrases; what an exclusion wins is listed, not counted.
``text[start:end] == surface`` for every mention; sentence ids come from :mod:`analysis.text`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import ahocorasick_rs
import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import progress
from analysis.errors import InputError
from analysis.gazetteer import (
    Gazetteer,
    alias_variants,
    load_gazetteer,
    normalise_alias,
    title_case_form,
    transliteration_variants,
)
from analysis.memory import bulk_memory, release
from analysis.schema import FIELDS, MATCH_KINDS, MENTION_COLUMNS, MENTION_FLAGS
from analysis.senses import decide
from analysis.text.clean import from_utf8_parts
from analysis.text.sentences import boundaries, char_positions, first_non_space, sentence_ids

# Documents are scanned in slices of about this many bytes: small enough that the per-byte
# temporaries stay small (peak memory), large enough that per-slice overhead does not show.
CHUNK_BYTES = 1 << 20

# --- the matching view -------------------------------------------------------------------------

# bytes.translate runs at memory speed, several times faster than a numpy lookup table.
_VIEW = bytes.maketrans(b"\t\n\x0b\x0c\r[]", b"       ")
# Third byte of U+2000..U+203F (UTF-8 e2 80 xx): hyphens -> "-", single quotes -> "'",
# double quotes -> '"', everything else there (dashes, spaces, bullets, ellipsis) -> " ".
_GENERAL_PUNCTUATION = np.full(256, 32, dtype=np.uint8)
_GENERAL_PUNCTUATION[[0x90, 0x91]] = ord("-")
_GENERAL_PUNCTUATION[[0x98, 0x99, 0x9B]] = ord("'")
_GENERAL_PUNCTUATION[[0x9C, 0x9D, 0x9F]] = ord('"')
_WORD = np.zeros(256, dtype=bool)
_WORD[ord("a") : ord("z") + 1] = True
_WORD[ord("A") : ord("Z") + 1] = True
_WORD[ord("0") : ord("9") + 1] = True
_WORD[0x80:] = True  # the bytes of other non-ASCII characters (letters in other scripts)


def _fold_table() -> np.ndarray:
    """ASCII letter for each two-byte UTF-8 letter that folds to one (0 where none does).

    Latin letters with diacritics fold to their base ("Erdoğan" -> "Erdogan", "Zełenski" ->
    "Zelenski"), and the Cyrillic letters that look Latin fold to it ("Т-90М" typed with
    Cyrillic Т and М -> "T-90M"), so one alias matches every spelling of that kind.
    """
    table = np.zeros((256, 256), dtype=np.uint8)
    special = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ı": "i"}
    for code in range(0xC0, 0x180):
        char = chr(code)
        base = special.get(char) or unicodedata.normalize("NFD", char)[0]
        if base.isascii() and base.isalpha():
            lead, cont = char.encode("utf-8")
            table[lead, cont] = ord(base)
    for cyrillic, latin in zip("АВЕКМНОРСТХаеорсху", "ABEKMHOPCTXaeopcxy", strict=True):
        lead, cont = cyrillic.encode("utf-8")
        table[lead, cont] = ord(latin)
    return table


_FOLD = _fold_table()


def matching_view(buffer: np.ndarray) -> tuple[bytes, np.ndarray]:
    """The normalised view of UTF-8 bytes, and for each view byte its original byte index."""
    mapped = np.frombuffer(bytearray(buffer.tobytes().translate(_VIEW)), dtype=np.uint8)
    drop = np.zeros(len(buffer), dtype=bool)
    lead = np.flatnonzero(buffer[:-2] == 0xE2)
    if lead.size:
        lead = lead[(buffer[lead + 1] == 0x80) | (buffer[lead + 1] == 0x81)]
        punctuation = np.where(buffer[lead + 1] == 0x80, _GENERAL_PUNCTUATION[buffer[lead + 2]], 32)
        # The two continuation bytes take the lead's value, so that space runs still collapse.
        for offset in (0, 1, 2):
            mapped[lead + offset] = punctuation
        drop[lead + 1] = drop[lead + 2] = True
    nbsp = np.flatnonzero(buffer[:-1] == 0xC2)
    if nbsp.size:
        nbsp = nbsp[buffer[nbsp + 1] == 0xA0]
        mapped[nbsp] = mapped[nbsp + 1] = 32
        drop[nbsp + 1] = True
    # Two-byte letters that fold to ASCII (lead bytes C3-C5 Latin, D0-D1 Cyrillic).
    two = np.flatnonzero((buffer[:-1] >= 0xC3) & (buffer[:-1] <= 0xD1))
    if two.size:
        folded = _FOLD[buffer[two], buffer[two + 1]]
        two, folded = two[folded > 0], folded[folded > 0]
        mapped[two] = folded
        drop[two + 1] = True
    space = mapped == 32
    drop[1:] |= space[1:] & space[:-1]
    # int32 halves the largest temporary; slices are far below 2 GiB (CHUNK_BYTES).
    index = np.flatnonzero(~drop).astype(np.int32)
    return mapped[index].tobytes(), index


# Bytes of a UTF-8 character, by its lead byte.
_CHAR_BYTES = np.ones(256, dtype=np.int64)
_CHAR_BYTES[0xC0:0xE0], _CHAR_BYTES[0xE0:0xF0], _CHAR_BYTES[0xF0:] = 2, 3, 4


def _char_stop(buffer: np.ndarray, last: np.ndarray) -> np.ndarray:
    """The byte after the character that starts at ``last``: a view byte may stand for several
    (a folded "ł", a curly quote), and a match must end on a character's edge."""
    return last + _CHAR_BYTES[buffer[last]]


def _view_of(text: str) -> bytes:
    buffer = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    return matching_view(buffer)[0].strip(b" ")


# --- the compiled gazetteer -------------------------------------------------------------------


@dataclass(frozen=True)
class Matcher:
    """A gazetteer compiled for matching.

    Patterns matched in any case are searched in the lower-cased view (``any_case``, whose
    i-th pattern is pattern ``any_case_ids[i]``); patterns with case rules are searched, in
    each allowed form, in the view as written (``exact``, ``exact_ids``): a case-sensitive
    "US" then never produces candidates for every "us" inside "house" or "because".
    ``any_case_variant``/``exact_variant`` say whether each automaton entry is a generated form
    (a mention's ``match`` is then "variant"). ``entity[p]`` is the row of ``entities`` for
    pattern p, or -1 for an exclusion phrase; ``plural[p]`` whether "-s"/"-es" may follow;
    ``metonym[p]`` whether it is a metonym alias; ``alias[p]`` the alias it comes from (the
    exclusion phrase for an exclusion, listed in the excluded table).
    """

    any_case: ahocorasick_rs.BytesAhoCorasick | None
    any_case_ids: np.ndarray
    any_case_variant: np.ndarray
    exact: ahocorasick_rs.BytesAhoCorasick | None
    exact_ids: np.ndarray
    exact_variant: np.ndarray
    entity: np.ndarray
    plural: np.ndarray
    metonym: np.ndarray
    alias: tuple
    entities: pd.DataFrame


def _case_forms(view: bytes, case: str, generated: bool) -> dict[bytes, bool] | None:
    """The forms searched as written, each marked generated or not; None: any case."""
    if case == "insensitive" or (case == "auto" and view == view.lower()):
        return None
    if case == "sensitive":
        return {view: generated}
    return {view: generated, view.upper(): generated or view.upper() != view}


def compile_gazetteer(gazetteer: Gazetteer, *, metonyms: bool = False) -> Matcher:
    """Compile aliases, their generated variants, metonyms (when switched on) and exclusions
    into two automata."""
    return _compile(gazetteer, metonyms)


def _alias_forms(alias: str, entity) -> list[tuple[str, bool]]:
    """An alias and the forms generated from it, each with whether it is generated."""
    forms = [(alias, False)]
    if entity.transliterated:
        forms += [(form, True) for form in transliteration_variants(alias)[1:]]
    return [
        (variant, generated or variant != form)
        for form, generated in forms
        for variant in alias_variants(form)
    ]


@lru_cache(maxsize=8)
def _compile(gazetteer: Gazetteer, metonyms: bool) -> Matcher:
    patterns: dict[bytes, dict] = {}
    entities = gazetteer.entities.reset_index(drop=True)

    def add(alias, row, entity, *, plural, metonym, label=""):
        for form, generated in _alias_forms(normalise_alias(alias), entity):
            view = _view_of(form)
            if not view:
                continue
            key = view.lower()
            entry = patterns.get(key)
            if entry is None or (entry["entity"] == -1 and row != -1):
                entry = patterns[key] = {
                    "entity": row,
                    "forms": {},
                    "any_case": None,  # None: not searched in any case; else generated or not
                    "plural": plural,
                    "metonym": metonym,
                    "alias": label or alias,
                }
            elif row == -1 and entry["entity"] != -1:
                continue  # an exclusion that is also an alias: the alias takes the span
            forms = _case_forms(view, entity.case, generated)
            if forms is None:
                entry["any_case"] = generated and entry["any_case"] is not False
            else:
                if entity.title_case and row != -1 and (title := title_case_form(form)):
                    forms.setdefault(_view_of(title), True)
                for written, is_generated in forms.items():
                    entry["forms"][written] = entry["forms"].get(written, True) and is_generated

    for row, entity in enumerate(entities.itertuples(index=False)):
        plural = entity.kind == "weapon"
        for alias in entity.aliases:
            add(alias, row, entity, plural=plural, metonym=False)
        if metonyms:
            for alias in entity.metonyms:
                add(alias, row, entity, plural=False, metonym=True)
    for entity in entities.itertuples(index=False):
        plain = entity._replace(transliterated=False, title_case=False)
        for phrase in entity.exclusions:
            add(phrase, -1, plain, plural=False, metonym=False, label=phrase)

    keys = list(patterns)
    values = [patterns[k] for k in keys]
    any_case = [
        (key, p, v["any_case"])
        for p, (key, v) in enumerate(zip(keys, values, strict=True))
        if v["any_case"] is not None
    ]
    exact = [
        (form, p, generated)
        for p, v in enumerate(values)
        if v["any_case"] is None
        for form, generated in sorted(v["forms"].items())
    ]

    def automaton(entries):
        if not entries:
            return None
        # A DFA searches ~1.6x faster than the default NFA here, at a one-off build cost.
        return ahocorasick_rs.BytesAhoCorasick(
            [k for k, _, _ in entries], implementation=ahocorasick_rs.Implementation.DFA
        )

    return Matcher(
        any_case=automaton(any_case),
        any_case_ids=np.array([p for _, p, _ in any_case], dtype=np.int64),
        any_case_variant=np.array([g for _, _, g in any_case], dtype=bool),
        exact=automaton(exact),
        exact_ids=np.array([p for _, p, _ in exact], dtype=np.int64),
        exact_variant=np.array([g for _, _, g in exact], dtype=bool),
        entity=np.array([v["entity"] for v in values], dtype=np.int64),
        plural=np.array([v["plural"] for v in values], dtype=bool),
        metonym=np.array([v["metonym"] for v in values], dtype=bool),
        alias=tuple(v["alias"] for v in values),
        entities=entities,
    )


# --- scanning ----------------------------------------------------------------------------------


def _utf8_chunks(values: pd.Series) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """The strings of a column as UTF-8 byte buffers with offsets, one per Arrow chunk.

    With pandas' Arrow-backed strings nothing is copied: each chunk's own buffers are used.
    Returns (data, offsets, first row of the chunk) triples.
    """
    array = pa.array(values.fillna(""), from_pandas=True)
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    result, row = [], 0
    for chunk in chunks:
        if chunk.type != pa.large_string():
            chunk = chunk.cast(pa.large_string())
        _, offsets_buffer, data_buffer = chunk.buffers()
        if offsets_buffer is None:  # an empty chunk
            continue
        offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[
            chunk.offset : chunk.offset + len(chunk) + 1
        ]
        data = (
            np.frombuffer(data_buffer, dtype=np.uint8)
            if data_buffer is not None
            else np.zeros(0, dtype=np.uint8)
        )
        result.append((data, offsets, row))
        row += len(chunk)
    return result


def _scan(buffer: np.ndarray, doc_starts: np.ndarray, matcher: Matcher) -> dict[str, np.ndarray]:
    """Mentions in one slice of documents.

    ``doc_starts`` holds the byte offset of each document in ``buffer`` plus the end offset.
    Returns byte offsets, pattern ids, document numbers (into ``doc_starts``) and exclusions.
    """
    view, index = matching_view(buffer)
    parts = []
    for automaton, ids, generated, haystack in (
        (matcher.any_case, matcher.any_case_ids, matcher.any_case_variant, view.lower()),
        (matcher.exact, matcher.exact_ids, matcher.exact_variant, view),
    ):
        if automaton is None:
            continue
        found = automaton.find_matches_as_indexes(haystack, overlapping=True)
        hits = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=3 * len(found))
        hits = hits.reshape(-1, 3)
        parts.append(
            np.column_stack([ids[hits[:, 0]], hits[:, 1], hits[:, 2], generated[hits[:, 0]]])
        )
    empty = np.zeros(0, dtype=np.int64)
    hits = np.concatenate(parts) if parts else np.zeros((0, 4), dtype=np.int64)
    if not len(hits):
        return {
            "pattern": empty, "begin": empty, "stop": empty, "doc": empty, "variant": empty,
            "hints": empty,
        }  # fmt: skip
    pattern, start, end, variant = hits[:, 0], hits[:, 1], hits[:, 2].copy(), hits[:, 3]
    view_array = np.frombuffer(view, dtype=np.uint8)
    n = len(view_array)
    first_byte = index[start]
    doc = np.searchsorted(doc_starts, first_byte, side="right") - 1
    doc_begin, doc_end = doc_starts[doc], doc_starts[doc + 1]

    inside = index[end - 1] < doc_end  # a match may not run from one document into the next
    before = np.maximum(start - 1, 0)
    left_ok = (start == 0) | ~_WORD[view_array[before]] | (index[before] < doc_begin)

    def right_ok(stop: np.ndarray, limit: np.ndarray) -> np.ndarray:
        after = np.minimum(stop, n - 1)
        return (stop >= n) | ~_WORD[view_array[after]] | (index[after] >= limit)

    ok = right_ok(end, doc_end)
    # Weapons take a plural: "Javelins", "drones", "HIMARSes" is rare but harmless.
    for suffix in (b"s", b"es"):
        try_plural = ~ok & matcher.plural[pattern]
        if not try_plural.any():
            break
        k = len(suffix)
        positions = np.flatnonzero(try_plural)
        stop = end[positions] + k
        fits = stop <= n
        positions, stop = positions[fits], stop[fits]
        letters = np.ones(len(positions), dtype=bool)
        for j, byte in enumerate(suffix):
            letters &= (view_array[end[positions] + j] | 0x20) == byte
        limit = doc_end[positions]
        good = letters & right_ok(stop, limit) & (index[stop - 1] < limit)
        end[positions[good]] = stop[good]
        ok[positions[good]] = True
    _designation_suffixes(view_array, index, pattern, end, ok, variant, doc_end, matcher, right_ok)
    keep = np.flatnonzero(inside & left_ok & ok)
    pattern, start, end, doc = pattern[keep], start[keep], end[keep], doc[keep]
    variant = variant[keep]

    # Leftmost-longest: sort by start, longest first, a form as written before a generated one
    # of the same span; keep what does not overlap a kept span.
    order = np.lexsort((variant, start - end, start))
    pattern, start, end, doc = pattern[order], start[order], end[order], doc[order]
    variant = variant[order]
    kept = np.zeros(len(pattern), dtype=bool)
    reach = -1
    for i, (s, e) in enumerate(zip(start.tolist(), end.tolist(), strict=True)):
        if s >= reach:
            kept[i] = True
            reach = e
    blocker = matcher.entity[pattern] < 0
    winners = kept & ~blocker
    speakers = _speaker_labels(buffer, index, start, end, doc, doc_starts, winners)
    winners[speakers] = False
    # Candidates that lost to an exclusion phrase are listed, never silently gone.
    excluded = np.zeros(0, dtype=np.int64)
    if (kept & blocker).any():
        block_start, block_end = start[kept & blocker], end[kept & blocker]
        losers = np.flatnonzero(~kept & ~blocker)
        slot = np.searchsorted(block_start, start[losers], side="right") - 1
        inside_block = (slot >= 0) & (end[losers] <= block_end[np.maximum(slot, 0)])
        excluded = losers[inside_block]
        excluded_block = slot[inside_block]
    result = {
        "pattern": pattern[winners],
        "begin": index[start[winners]],
        "stop": _char_stop(buffer, index[end[winners] - 1]),
        "doc": doc[winners],
        "variant": variant[winners],
        "hints": _neighbour_hints(view_array, start[winners], end[winners]),
    }
    if excluded.size or speakers.size:
        by = np.concatenate(
            [
                pattern[np.flatnonzero(kept & blocker)[excluded_block]]
                if excluded.size
                else np.zeros(0, dtype=np.int64),
                np.full(speakers.size, SPEAKER_LABEL),
            ]
        )
        excluded = np.concatenate([excluded, speakers])
        result.update(
            excluded_pattern=pattern[excluded],
            excluded_begin=index[start[excluded]],
            excluded_stop=_char_stop(buffer, index[end[excluded] - 1]),
            excluded_doc=doc[excluded],
            excluded_by_pattern=by,
        )
    return result


def _designation_suffixes(view, index, pattern, end, ok, variant, doc_end, matcher, right_ok):
    """Model suffixes on weapon designations: "T-72" also matches "T-72B3M", "MiG-31" "MiG-31K",
    "Buk" "Buk-M3" (up to four capitals or digits, after a digit or after a hyphen). Such
    mentions are variants; an alias that spells the suffix out still wins (it is exact)."""
    n = len(view)
    hyphen_next = view[np.minimum(end, n - 1)] == 45
    positions = np.flatnonzero((~ok | hyphen_next) & (end < n) & matcher.plural[pattern])
    if not positions.size:
        return
    stop = end[positions].copy()
    hyphen = hyphen_next[positions]
    last = view[end[positions] - 1]
    after_digit = (last >= 48) & (last <= 57)
    stop = np.where(hyphen, stop + 1, stop)
    length = np.zeros(len(positions), dtype=np.int64)
    active = hyphen | after_digit
    for step in range(4):
        at = stop + length
        byte = view[np.minimum(at, n - 1)]
        capital = (byte >= 65) & (byte <= 90)
        digit = (byte >= 48) & (byte <= 57)
        # After a hyphen the suffix starts with a capital ("Buk-M3", not "Buk-1").
        good = active & (at < n) & (capital | (digit & ((step > 0) | ~hyphen)))
        length += good
        active = good
    stop = stop + length
    limit = doc_end[positions]
    good = (length > 0) & right_ok(stop, limit) & (index[np.minimum(stop, n) - 1] < limit)
    end[positions[good]] = stop[good]
    ok[positions[good]] = True
    variant[positions[good]] = 1


# What lies around a mention, as bits (so that the sense rules read the text only where they
# may apply): the next word starts with a capital, with a lower-case letter, or "of " precedes.
NEXT_CAPITAL, NEXT_LOWER, AFTER_OF = 1, 2, 4


def _neighbour_hints(view: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    n = len(view)
    gap = view[np.minimum(end, n - 1)]
    following = view[np.minimum(end + 1, n - 1)]
    spaced = ((gap == 32) | (gap == 45)) & (end + 1 < n)
    hints = np.where(spaced & (following >= 65) & (following <= 90), NEXT_CAPITAL, 0)
    hints |= np.where(spaced & (following >= 97) & (following <= 122), NEXT_LOWER, 0)
    of = (start >= 3) & (view[np.maximum(start - 3, 0)] | 0x20 == 111)
    of &= (view[np.maximum(start - 2, 0)] | 0x20 == 102) & (view[np.maximum(start - 1, 0)] == 32)
    hints |= np.where(of, AFTER_OF, 0)
    # "of the " before: the article sits between, so look four bytes further back too.
    the = (start >= 7) & (view[np.maximum(start - 4, 0)] | 0x20 == 101)
    the &= view[np.maximum(start - 7, 0)] | 0x20 == 111
    return hints | np.where(the, AFTER_OF, 0)


SPEAKER_LABEL = -1  # "excluded_by" code of a transcript speaker label


# A speaker's label in a transcript: "MS. JEAN-PIERRE:", "PRESIDENT ZELENSKYY:", "Vladimir
# Putin:", "President of Russia Vladimir Putin:" (capitalised words, then a colon).
_LABEL_WORD = rb"(?:[A-Z][^\s:]*|of|the|and|de|von|van|al|bin)"
# A turn opens a line, or follows the end of a sentence where a transcript was flattened into
# one paragraph ("... will be maintained. Dmitry Peskov: If Buryatia ..."). Read backwards
# from each colon that could close a label, so the text between labels is never scanned.
_LABEL_BEFORE_COLON = (
    rb"[ \t]*(" + _LABEL_WORD + rb"(?:[ \t]+" + _LABEL_WORD + rb"){0,7})[ \t]*$"
)
_AFTER_A_BREAK = re.compile(rb"(?:\n|[.?!\xa6\x9d\"] )" + _LABEL_BEFORE_COLON)
_AT_THE_START = re.compile(rb"^" + _LABEL_BEFORE_COLON)  # of a document: no newline before
_LABEL_REACH = 90  # bytes before a colon that a label may take
TURNS_OF_A_TRANSCRIPT = 2
"""A document is a transcript when at least this many lines open with a speaker's label."""


def _speaker_labels(
    buffer: np.ndarray,
    index: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    doc: np.ndarray,
    doc_starts: np.ndarray,
    candidates: np.ndarray,
) -> np.ndarray:
    """Candidates inside a transcript's speaker labels ("PRESIDENT BIDEN:", "Vladimir Putin:").

    A label says who speaks, not who is talked about, so it is not counted as a mention (it is
    listed in ``excluded`` as "speaker label"). A label opens a line with capitalised words and
    a colon, in a document shaped like a transcript (at least two such lines): a headline
    "UKRAINE: ..." in an article is a mention.
    """
    found = np.flatnonzero(candidates)
    if not found.size:
        return found
    data = buffer.tobytes()
    colons = np.flatnonzero(buffer == 58)
    if not colons.size:
        return np.zeros(0, dtype=np.int64)
    # A label's colon follows a letter, a full stop or a space and comes before a space or a
    # line end (not "10:30", not "https://").
    before = buffer[np.maximum(colons - 1, 0)]
    after = buffer[np.minimum(colons + 1, len(buffer) - 1)]
    letter = ((before | 0x20) >= 97) & ((before | 0x20) <= 122)
    letter |= (before == 46) | (before == 32) | (before >= 128)
    spaced = (after == 32) | (after == 10) | (after == 9) | (colons + 1 == len(buffer))
    turns = []
    starts = doc_starts[:-1]
    for colon in colons[letter & spaced].tolist():
        begin = int(starts[np.searchsorted(starts, colon, side="right") - 1])
        low = max(begin, colon - _LABEL_REACH)
        window = data[low:colon]
        m = _AFTER_A_BREAK.search(window)
        if m is None and low == begin:
            m = _AT_THE_START.match(window)
        if m is not None:
            turns.append((low + m.start(1), low + m.end(1)))
    if len(turns) < TURNS_OF_A_TRANSCRIPT:
        return np.zeros(0, dtype=np.int64)
    spans = np.array(sorted(turns), dtype=np.int64)
    owner = np.searchsorted(doc_starts, spans[:, 0], side="right") - 1
    per_doc = np.bincount(owner, minlength=len(doc_starts))
    spans = spans[per_doc[owner] >= TURNS_OF_A_TRANSCRIPT]
    if not len(spans):
        return np.zeros(0, dtype=np.int64)
    first, last = index[start[found]], index[end[found] - 1]
    slot = np.searchsorted(spans[:, 0], first, side="right") - 1
    inside = (slot >= 0) & (last < spans[np.maximum(slot, 0), 1])
    return found[inside]


# Mention columns looked up in the gazetteer: column -> entities column.
_ENTITY_COLUMNS = {"entity_id": "id", "entity": "name", "kind": "kind", "category": "category"}


@dataclass(frozen=True)
class Extraction:
    """Result of :func:`extract`.

    mentions : the mentions frame (MENTION_COLUMNS + ``metonym``).
    excluded : candidates that matched an alias but are not counted: inside an exclusion
        phrase (excluded_by is the phrase) or a transcript speaker label such as
        "PRESIDENT BIDEN:" at a line start (excluded_by is "speaker label"). Columns doc_id,
        field, start, end, surface, entity_id, excluded_by.
    """

    mentions: pd.DataFrame
    excluded: pd.DataFrame


def _slices(
    offsets: np.ndarray, chunk_bytes: int, skip: np.ndarray | None = None
) -> list[tuple[int, int]]:
    """Split documents into consecutive runs of about ``chunk_bytes`` bytes.

    Runs of skipped documents (``skip[i]`` True) longer than a sixteenth of a slice are left
    out; shorter ones are scanned with their neighbours and their mentions dropped afterwards,
    so many scattered copies never turn into many tiny slices.
    """
    n = len(offsets) - 1
    segments = [(0, n)]
    if skip is not None and skip.any():
        edges = np.diff(np.concatenate([[0], skip.view(np.int8), [0]]))
        run_starts, run_stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        long = offsets[run_stops] - offsets[run_starts] > chunk_bytes // 16
        cuts = zip(run_starts[long].tolist(), run_stops[long].tolist(), strict=True)
        bounds = [0, *chain.from_iterable(cuts), n]
        segments = [(a, b) for a, b in zip(bounds[::2], bounds[1::2], strict=True) if a < b]
    slices = []
    for first, end in segments:
        while first < end:
            last = int(np.searchsorted(offsets, offsets[first] + chunk_bytes, side="right")) - 1
            last = min(max(last, first + 1), end)
            slices.append((first, last))
            first = last
    return slices


def _substrings(buffer: np.ndarray, begin: np.ndarray, stop: np.ndarray) -> pa.Array:
    """``buffer[begin[i]:stop[i]]`` for every i, as an Arrow string array (no Python strings)."""
    lengths = stop - begin
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    positions = np.arange(offsets[-1], dtype=np.int64)
    positions += np.repeat(begin - offsets[:-1], lengths)
    return from_utf8_parts(offsets, buffer[positions])


def _scan_slice(
    data: np.ndarray, offsets: np.ndarray, first: int, last: int, row: int, matcher: Matcher
) -> tuple[dict, dict]:
    """Mentions and exclusions of documents ``first:last`` of a chunk whose first row is
    ``row``, in character offsets."""
    base = int(offsets[first])
    buffer = data[base : int(offsets[last])]
    doc_starts = offsets[first : last + 1] - base
    found: dict = {}
    lost: dict = {}
    if len(buffer) == 0:
        return found, lost
    result = _scan(buffer, doc_starts, matcher)
    to_chars = char_positions(buffer)
    for prefix, sink in (("", found), ("excluded_", lost)):
        begin = result.get(f"{prefix}begin")
        if begin is None or not len(begin):
            continue
        doc = result[f"{prefix}doc"]
        stop = result[f"{prefix}stop"]
        doc_char = to_chars(doc_starts[doc])
        sink.update(
            row=doc + first + row,
            pattern=result[f"{prefix}pattern"],
            start=to_chars(begin) - doc_char,
            end=to_chars(stop) - doc_char,
            surface=_substrings(buffer, begin, stop),
        )
        if prefix:
            sink["excluded_by"] = result["excluded_by_pattern"]
        else:
            field_first = first_non_space(buffer, doc_starts[:-1])[doc]
            sink["sentence_id"] = sentence_ids(
                boundaries(buffer, doc_starts[:-1]), field_first, begin
            )
            sink["variant"] = result["variant"]
            sink["hints"] = result["hints"]
    return found, lost


def _scan_field(
    values: pd.Series,
    matcher: Matcher,
    chunk_bytes: int,
    workers: int,
    skip: np.ndarray | None,
    label: str = "finding mentions",
) -> tuple[dict, dict]:
    """Mentions and exclusions in one text column, as concatenated arrays (rows of ``skip``
    left out)."""
    tasks = [
        (data, offsets, first, last, row)
        for data, offsets, row in _utf8_chunks(values)
        for first, last in _slices(
            offsets, chunk_bytes, None if skip is None else skip[row : row + len(offsets) - 1]
        )
    ]
    # numpy and the automaton release the GIL for most of the work, so threads overlap.
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    sizes = [int(offsets[last] - offsets[first]) for _, offsets, first, last, _ in tasks]
    parts = []
    with (
        ThreadPoolExecutor(max_workers=max(1, workers)) as pool,
        progress.bar(sum(sizes), label) as shown,
    ):
        scanned = pool.map(lambda task: _scan_slice(*task, matcher), tasks)
        for size, part in zip(sizes, scanned, strict=True):
            parts.append(part)
            shown.update(size)
    results = []
    for position, extras in ((0, ("sentence_id", "variant", "hints")), (1, ("excluded_by",))):
        chunks = [part[position] for part in parts if part[position]]
        columns = {
            c: np.concatenate([chunk[c] for chunk in chunks])
            if chunks
            else np.zeros(0, dtype=np.int64)
            for c in ("row", "pattern", "start", "end", *extras)
        }
        columns["surface"] = pa.concat_arrays(
            [chunk["surface"] for chunk in chunks] or [pa.array([], pa.large_string())]
        )
        if skip is not None:
            kept = ~skip[columns["row"]]
            columns = {c: v.filter(kept) if c == "surface" else v[kept] for c, v in columns.items()}
        results.append(columns)
    return results[0], results[1]


def _in_order(parts: list[dict]) -> dict:
    """Per-field results as one set of columns in document, field, start order; ``field`` is
    the position of the field's results in ``parts``."""
    field = np.concatenate([np.full(len(part["row"]), i, np.int64) for i, part in enumerate(parts)])
    merged = {c: np.concatenate([part[c] for part in parts]) for c in parts[0] if c != "surface"}
    order = np.lexsort((merged["start"], field, merged["row"]))
    merged = {c: values[order] for c, values in merged.items()}
    merged["field"] = field[order]
    merged["surface"] = pa.concat_arrays([part["surface"] for part in parts]).take(order)
    return merged


def _take_strings(values, positions: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values[positions]`` as a pandas "str" array, taken in Arrow (no Python object per
    mention)."""
    array = values if isinstance(values, pa.Array) else pa.array(values, from_pandas=True)
    return pd.array(array.cast(pa.large_string()).take(positions), dtype="str")


@bulk_memory()
def extract(
    documents: pd.DataFrame,
    gazetteer: Gazetteer | None = None,
    *,
    metonyms: bool = False,
    include_duplicates: bool = False,
    include_boilerplate: bool = False,
    fields: tuple[str, ...] = FIELDS,
    chunk_bytes: int = CHUNK_BYTES,
    workers: int | None = None,
) -> Extraction:
    """Find all mentions and list the candidates removed by exclusions.

    Parameters
    ----------
    documents : the documents frame (needs doc_id, date, title, text; duplicate_of is honoured).
    gazetteer : a loaded gazetteer; None loads the default.
    metonyms : also count metonym aliases (Washington = United States, Kyiv = Ukraine ...);
        such mentions have ``metonym == True``.
    include_duplicates : also scan documents flagged as duplicates (duplicate_of != "").
    include_boilerplate : also count mentions inside boilerplate (paragraphs repeated across a
        source, ``documents.attrs["boilerplate_spans"]``); by default they are listed in
        ``excluded`` as "boilerplate".
    fields : which text columns to scan.
    chunk_bytes : documents are scanned in slices of about this size (bounds memory).
    workers : threads scanning slices at once; None uses the machine's cores (up to 4).
        Results are identical for any number.

    Returns
    -------
    Extraction with ``mentions`` (one row per mention; columns doc_id, date, field, sentence_id,
    start, end, surface, entity_id, entity, kind, category, metonym; ordered by document, field,
    start) and ``excluded``.
    """
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    matcher = compile_gazetteer(gazetteer, metonyms=metonyms)
    docs = documents.reset_index(drop=True)
    # Copies are skipped while scanning: filtering the frame first would copy every text.
    skip = None
    if not include_duplicates and "duplicate_of" in docs.columns:
        skip = (docs["duplicate_of"].fillna("") != "").to_numpy()
    names = [name for name in fields if name in docs.columns]
    if not names:
        raise InputError(f"documents: no column to scan (looked for {', '.join(fields)})")
    scanned = [
        _scan_field(docs[name], matcher, chunk_bytes, workers, skip, f"finding mentions ({name})")
        for name in names
    ]
    release()  # the threads' scratch space, before the frames are built
    found = _in_order([mentions for mentions, _ in scanned])
    lost = _in_order([excluded for _, excluded in scanned])
    del scanned
    entities = matcher.entities
    found, refused = _decide_senses(found, docs, names, matcher)
    entity_row = matcher.entity[found["pattern"]]
    if "date" in docs.columns:
        dates = docs["date"].astype("datetime64[ns]").to_numpy()
    else:
        dates = np.full(len(docs), np.datetime64("NaT"), dtype="datetime64[ns]")
    mentions = pd.DataFrame(
        {
            "doc_id": _take_strings(docs["doc_id"], found["row"]),
            "date": dates[found["row"]],
            "field": _take_strings(names, found["field"]),
            "sentence_id": found["sentence_id"],
            "start": found["start"],
            "end": found["end"],
            "surface": pd.array(found["surface"], dtype="str"),
            **{
                column: _take_strings(entities[source], entity_row)
                for column, source in _ENTITY_COLUMNS.items()
            },
            "metonym": matcher.metonym[found["pattern"]],
            "match": _take_strings(list(MATCH_KINDS), found["match"]),
        },
        columns=[*MENTION_COLUMNS, *MENTION_FLAGS],
    )
    by = lost["excluded_by"]
    excluded = pd.DataFrame(
        {
            "doc_id": _take_strings(docs["doc_id"], lost["row"]),
            "field": _take_strings(names, lost["field"]),
            "start": lost["start"],
            "end": lost["end"],
            "surface": pd.array(lost["surface"], dtype="str"),
            "entity_id": _take_strings(entities["id"], matcher.entity[lost["pattern"]]),
            "excluded_by": _take_strings(
                [*matcher.alias, "speaker label"],
                np.where(by == SPEAKER_LABEL, len(matcher.alias), by),
            ),
        }
    )
    if len(refused["row"]):
        by_rule = pd.DataFrame(
            {
                "doc_id": _take_strings(docs["doc_id"], refused["row"]),
                "field": _take_strings(names, refused["field"]),
                "start": refused["start"],
                "end": refused["end"],
                "surface": pd.array(refused["surface"], dtype="str"),
                "entity_id": _take_strings(entities["id"], matcher.entity[refused["pattern"]]),
                "excluded_by": pd.array(refused["reason"], dtype="str"),
            }
        )
        excluded = (
            pd.concat([excluded, by_rule], ignore_index=True)
            .sort_values(["doc_id", "field", "start"], kind="stable", ignore_index=True)
        )
    result = Extraction(mentions=mentions, excluded=excluded)
    spans = documents.attrs.get("boilerplate_spans")
    return result if include_boilerplate or not spans else drop_boilerplate(result, spans)


def drop_boilerplate(result: Extraction, spans: dict[str, list[list[int]]]) -> Extraction:
    """Mentions of a document's text inside its boilerplate spans, moved to ``excluded``.

    The engines apply it to the whole corpus's mentions alike, so partitions need no attrs.
    """
    mentions = result.mentions
    inside = np.zeros(len(mentions), dtype=bool)
    candidates = np.flatnonzero(
        mentions["doc_id"].isin(list(spans)).to_numpy() & (mentions["field"] == "text").to_numpy()
    )
    for i, doc_id, start, end in zip(
        candidates.tolist(),
        mentions["doc_id"].to_numpy()[candidates].tolist(),
        mentions["start"].to_numpy()[candidates].tolist(),
        mentions["end"].to_numpy()[candidates].tolist(),
        strict=True,
    ):
        inside[i] = any(a <= start and end <= b for a, b in spans[doc_id])
    if not inside.any():
        return result
    moved = mentions.loc[inside, ["doc_id", "field", "start", "end", "surface", "entity_id"]]
    excluded = pd.concat(
        [result.excluded, moved.assign(excluded_by="boilerplate")], ignore_index=True
    ).sort_values(["doc_id", "field", "start"], kind="stable", ignore_index=True)
    return Extraction(mentions=mentions.loc[~inside].reset_index(drop=True), excluded=excluded)


def _decide_senses(
    found: dict, docs: pd.DataFrame, names: list[str], matcher: Matcher
) -> tuple[dict, dict]:
    """The found mentions the sense rules keep (spans grown where a system took its class
    noun), and those they refuse with their reasons."""
    found["match"] = found.pop("variant").astype(np.int64)
    cache: dict[tuple[int, int], str] = {}

    def text(row: int, field: int) -> str:
        key = (row, field)
        if key not in cache:
            value = docs[names[field]].iloc[row]
            cache[key] = value if isinstance(value, str) else ""
        return cache[key]

    entity = matcher.entity[found["pattern"]]
    decisions = decide(found, entity, matcher.alias, matcher.entities, text, len(names))
    refused_at = np.array([i for i, _ in decisions.excluded], dtype=np.int64)
    refused = {c: v[refused_at] for c, v in found.items() if c != "surface"}
    refused["surface"] = found["surface"].take(pa.array(refused_at, pa.int64()))
    refused["reason"] = [reason for _, reason in decisions.excluded]
    if decisions.surfaces:
        surfaces = found["surface"].to_pylist()
        for index, surface in decisions.surfaces.items():
            surfaces[index] = surface
        found["surface"] = pa.array(surfaces, pa.large_string())
    found["end"] = decisions.end
    keep = np.flatnonzero(decisions.keep)
    kept = {c: v[keep] for c, v in found.items() if c != "surface"}
    kept["surface"] = found["surface"].take(pa.array(keep, pa.int64()))
    return kept, refused


def find_mentions(
    documents: pd.DataFrame,
    gazetteer: Gazetteer | None = None,
    *,
    metonyms: bool = False,
    include_duplicates: bool = False,
    include_boilerplate: bool = False,
) -> pd.DataFrame:
    """Every mention of a gazetteer entity in the documents' titles and texts.

    Parameters
    ----------
    documents : the documents frame from :func:`analysis.load_corpus`.
    gazetteer : a loaded gazetteer; None loads the default shipped with the package.
    metonyms : also count metonym aliases (off by default; such rows have ``metonym`` True).
    include_duplicates : also scan documents flagged as duplicates.
    include_boilerplate : also count mentions inside boilerplate (see :func:`extract`).

    Returns
    -------
    DataFrame, one row per mention: doc_id, date, field ("title" | "text"), sentence_id (index
    into ``sentence_spans(documents[field])``), start, end (``text[start:end] == surface``),
    surface, entity_id, entity, kind, category, metonym, match.
    """
    return extract(
        documents,
        gazetteer,
        metonyms=metonyms,
        include_duplicates=include_duplicates,
        include_boilerplate=include_boilerplate,
    ).mentions


def entity_totals(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions and documents per entity, most mentioned first."""
    return (
        mentions.groupby(["entity_id", "entity", "kind", "category"], as_index=False)
        .agg(mentions=("doc_id", "size"), documents=("doc_id", "nunique"))
        .sort_values(["mentions", "entity_id"], ascending=[False, True], ignore_index=True)
    )


def entity_table(mentions: pd.DataFrame, gazetteer: Gazetteer) -> pd.DataFrame:
    """The gazetteer with how often each of its entities was found in ``mentions``.

    Parameters
    ----------
    mentions : DataFrame
        Mentions (MENTION_COLUMNS), e.g. from :func:`find_mentions`.
    gazetteer : Gazetteer
        Every entity is listed, found or not.

    Returns
    -------
    DataFrame, one row per entity: id, name, kind, category, aliases ("; "-joined), exclusions
    ("; "-joined), mentions, documents (int64, 0 when never found); most mentioned first, then
    by id.
    """
    found = entity_totals(mentions).set_index("entity_id")[["mentions", "documents"]]
    entities = gazetteer.entities
    return (
        entities.assign(
            aliases=entities["aliases"].map("; ".join),
            exclusions=entities["exclusions"].map("; ".join),
        )
        .merge(found, left_on="id", right_index=True, how="left")
        .assign(
            mentions=lambda d: d["mentions"].fillna(0).astype("int64"),
            documents=lambda d: d["documents"].fillna(0).astype("int64"),
        )
        .sort_values(["mentions", "id"], ascending=[False, True], kind="stable")[
            ["id", "name", "kind", "category", "aliases", "exclusions", "mentions", "documents"]
        ]
        .reset_index(drop=True)
    )


def surface_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """Which written forms matched each entity, and how often.

    Parameters
    ----------
    mentions : DataFrame
        Mentions with at least the columns entity and surface.

    Returns
    -------
    DataFrame, one row per (entity, surface): entity, surface, mentions; most mentions first,
    then by entity and surface.
    """
    return (
        mentions.groupby(["entity", "surface"])
        .size()
        .rename("mentions")
        .reset_index()
        .sort_values(
            ["mentions", "entity", "surface"], ascending=[False, True, True], kind="stable"
        )
        .reset_index(drop=True)
    )


def top_entities(mentions: pd.DataFrame, n: int = 1, *, kind: str | None = None) -> list[str]:
    """The names of the ``n`` most-mentioned entities.

    Parameters
    ----------
    mentions : DataFrame
        Mentions with at least the columns entity and kind.
    n : int
        How many names.
    kind : str, optional
        Only entities of this kind ("actor" or "weapon").

    Returns
    -------
    list of str, entity names, most mentions first; ties in alphabetical order.
    """
    frame = mentions if kind is None else mentions[mentions["kind"] == kind]
    counts = frame.groupby("entity").size()
    return sorted(counts.index, key=lambda name: (-counts[name], name))[:n]
