"""Mentions of gazetteer entities in documents: the fast, exact extractor.

A normalised byte view of each field (whitespace and ``[brackets]`` as one space, a blank line
as a paragraph mark that no alias spans, non-ASCII characters by Unicode category: punctuation,
symbols and spaces of any script end a word, invisible characters are read through, letters with
diacritics fold; every byte keeps its original offset) is searched by Aho-Corasick automata
(ahocorasick-rs): one for aliases in any case, one for case-sensitive forms. Candidates must be
whole words, fit their case rule (weapons may take a plural), and win leftmost-longest against
overlapping aliases and exclusion phrases; what an exclusion wins is listed, not counted.
``text[start:end] == surface`` for every mention; sentence ids come from :mod:`analysis.text`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from types import SimpleNamespace

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
    surnames,
    title_case_form,
    transliteration_variants,
)
from analysis.memory import bulk_memory, release
from analysis.schema import FIELDS, MATCH_KINDS, MENTION_COLUMNS, MENTION_FLAGS
from analysis.senses import compile_rules, decide
from analysis.text.clean import from_utf8_parts
from analysis.text.sentences import (
    boundaries,
    char_positions,
    first_non_space,
    sentence_ids,
    sentence_starts,
)
from analysis.unlisted import anchors, find_unlisted, named_again, unlisted_shapes

# Documents are scanned in slices of about this many bytes: small enough that the per-byte
# temporaries stay small (peak memory), large enough that per-slice overhead does not show.
CHUNK_BYTES = 1 << 20

# --- the matching view -------------------------------------------------------------------------

# Bytes of a UTF-8 character, by its lead byte.
_CHAR_BYTES = np.ones(256, dtype=np.int64)
_CHAR_BYTES[0xC0:0xE0], _CHAR_BYTES[0xE0:0xF0], _CHAR_BYTES[0xF0:] = 2, 3, 4


# bytes.translate runs at memory speed, several times faster than a numpy lookup table.
_VIEW = bytes.maketrans(b"\t\n\x0b\x0c\r[]", b"       ")
PARAGRAPH_BREAK = 0x1E
"""View byte of a paragraph break (a blank line): no alias spans it and it ends a word."""
_WORD = np.zeros(256, dtype=bool)
_WORD[ord("a") : ord("z") + 1] = True
_WORD[ord("A") : ord("Z") + 1] = True
_WORD[ord("0") : ord("9") + 1] = True
_WORD[0x80:] = True  # the bytes of letters and digits of other scripts, kept as written

# What the view makes of each non-ASCII character, by code point (``_character_actions``).
_KEEP, _DROP = 0, 1  # otherwise: the ASCII byte that stands for the whole character


@lru_cache(maxsize=1)
def _character_actions() -> np.ndarray:
    """One byte per code point of the Basic Multilingual Plane, by Unicode category.

    Letters, digits and marks of other scripts are kept as written (word bytes). Letters with
    diacritics fold to their Latin base ("Erdoğan" -> "Erdogan", "Zełenski" -> "Zelenski"), and
    Cyrillic letters that look Latin fold to it ("Т-90М" typed with Cyrillic Т and М), so one
    alias matches every spelling of that kind. Invisible characters (format characters: zero
    width space and joiners, soft hyphen, byte order mark, direction marks; combining accents)
    are dropped, so "NA\u200bTO" and a decomposed "é" match. Hyphens read "-", quotes "'" and
    '"'; every other punctuation mark, symbol or space ("«NATO»", "©NATO", "NATO°") is a space,
    so a word ends there whatever the character.
    """
    actions = np.full(0x10000, 32, dtype=np.uint8)
    special = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ı": "i"}
    special.update(zip("АВЕКМНОРСТХаеорсху", "ABEKMHOPCTXaeopcxy", strict=True))
    for code in range(0x80, 0x10000):
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Cf" or 0x300 <= code < 0x370 or 0xFE00 <= code < 0xFE10:
            actions[code] = _DROP
        elif category[0] in "LNM":
            base = special.get(char)
            if base is None and code < 0x250:
                base = unicodedata.normalize("NFD", char)[0]
            folds = base is not None and base.isascii() and base.isalpha()
            actions[code] = ord(base) if folds else _KEEP
        elif category in ("Pi", "Pf"):
            actions[code] = ord('"')
        elif category == "Zp":
            actions[code] = PARAGRAPH_BREAK
    actions[[0x2010, 0x2011]] = ord("-")
    actions[[0x2018, 0x2019, 0x201B, 0x2039, 0x203A]] = ord("'")
    actions[[0x201C, 0x201D, 0x201F]] = ord('"')
    return actions


def _supplementary_actions(code: np.ndarray) -> np.ndarray:
    """Characters beyond the BMP: emoji and symbols are spaces, tags and variation selectors
    are dropped, letters of other planes kept."""
    actions = np.zeros(len(code), dtype=np.uint8)
    actions[(code >= 0x1F000) & (code < 0x20000)] = 32
    actions[(code >= 0xE0000) & (code < 0xE1000)] = _DROP
    return actions


def _paragraph_breaks(buffer: np.ndarray, mapped: np.ndarray, newlines: np.ndarray) -> None:
    """Mark the second newline of each blank line ("\\n\\n", "\\r\\n\\r\\n", "\\n  \\n")."""
    if len(newlines) < 2:
        return
    first, second = newlines[:-1], newlines[1:]
    gap = second - first - 1
    blank = gap == 0
    for width in (1, 2, 3, 4):
        candidates = np.flatnonzero(gap == width)
        if not candidates.size:
            continue
        only_space = np.ones(len(candidates), dtype=bool)
        for k in range(1, width + 1):
            byte = buffer[first[candidates] + k]
            only_space &= (byte == 32) | (byte == 9) | (byte == 13)
        blank[candidates[only_space]] = True
    mapped[second[blank]] = PARAGRAPH_BREAK


class ViewPositions:
    """Where the bytes of a matching view come from: ``positions[v]`` is the original byte
    offset of view byte ``v`` (for an array of view positions).

    Only the sorted offsets of the bytes the view leaves out are kept (a few per cent of a
    text), not one offset per byte: a lookup is a binary search over them, and callers look up
    only the positions of candidate matches.
    """

    __slots__ = ("_dropped", "_shift")

    def __init__(self, dropped: np.ndarray) -> None:
        self._dropped = dropped
        # How many kept bytes come before each dropped one: view position v lies after the
        # dropped bytes whose count is at most v.
        self._shift = dropped - np.arange(len(dropped), dtype=dropped.dtype)

    def __getitem__(self, positions: np.ndarray) -> np.ndarray:
        positions = np.asarray(positions, dtype=np.int64)
        return positions + np.searchsorted(self._shift, positions, side="right")

    def view_offsets(self, offsets: np.ndarray) -> np.ndarray:
        """How many view bytes come from before each original offset: view byte v comes from
        before offset o exactly when ``v < view_offsets(o)``."""
        return offsets - np.searchsorted(self._dropped, offsets)


def matching_view(
    buffer: np.ndarray, newlines: np.ndarray | None = None, non_ascii: np.ndarray | None = None
) -> tuple[bytes, ViewPositions]:
    """The normalised view of UTF-8 bytes, and where each view byte comes from.

    Whitespace runs read as one space, a blank line as :data:`PARAGRAPH_BREAK`, and each
    non-ASCII character as :func:`_character_actions` says; each view byte keeps the offset of
    the character it stands for, so matches map back to the text as written. ``newlines`` and
    ``non_ascii`` (the offsets of the newlines and of the lead bytes of non-ASCII characters)
    may be given when the caller has them.
    """
    mapped = np.frombuffer(bytearray(buffer).translate(_VIEW), dtype=np.uint8)
    newlines = np.flatnonzero(buffer == 10) if newlines is None else newlines
    _paragraph_breaks(buffer, mapped, newlines)
    n = len(buffer)
    drop = np.zeros(n, dtype=bool)
    lead = _non_ascii(buffer) if non_ascii is None else non_ascii
    if lead.size:
        first = buffer[lead].astype(np.int64)
        width = _CHAR_BYTES[first]
        whole = lead + width <= n  # a character cut at the end of the buffer is kept as is
        lead, first, width = lead[whole], first[whole], width[whole]
        c1, c2, c3 = (
            buffer[np.minimum(lead + k, n - 1)].astype(np.int64) & 0x3F for k in (1, 2, 3)
        )
        code = np.where(
            width == 2, ((first & 0x1F) << 6) | c1, ((first & 0x0F) << 12) | (c1 << 6) | c2
        )
        four = width == 4
        action = _character_actions()[np.where(four, 0, code)]
        if four.any():
            code4 = ((first[four] & 0x07) << 18) | (c1[four] << 12) | (c2[four] << 6) | c3[four]
            action[four] = _supplementary_actions(code4)
        changed = action != _KEEP
        lead, width, action = lead[changed], width[changed], action[changed]
        mapped[lead] = action
        for k in (1, 2, 3):  # continuation bytes take the lead's value, so space runs collapse
            longer = width > k
            mapped[lead[longer] + k] = action[longer]
            drop[lead[longer] + k] = True
        gone = action == _DROP
        if gone.any():
            drop[lead[gone]] = True
            _read_through(mapped, lead[gone], width[gone])
    space = mapped == 32
    drop[1:] |= space[1:] & space[:-1]
    return mapped[~drop].tobytes(), ViewPositions(np.flatnonzero(drop))


def _read_through(mapped: np.ndarray, lead: np.ndarray, width: np.ndarray) -> None:
    """Give each byte of the invisible characters (sorted ``lead`` offsets, ``width`` bytes) the
    value of the byte before them, or before a run of them: dropped with them, they then leave
    the spaces on either side to collapse as if they had never been there."""
    opens = np.ones(len(lead), dtype=bool)
    opens[1:] = lead[1:] != lead[:-1] + width[:-1]
    before = lead[opens] - 1
    value = np.where(before >= 0, mapped[np.maximum(before, 0)], _DROP)[np.cumsum(opens) - 1]
    for k in range(4):
        longer = width > k
        mapped[lead[longer] + k] = value[longer]


def _non_ascii(buffer: np.ndarray) -> np.ndarray:
    """The offsets of the lead bytes of the non-ASCII characters in UTF-8 bytes."""
    return np.flatnonzero(buffer >= 0xC2)


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
    exclusion phrase for an exclusion, listed in the excluded table). ``family[p]`` lists the
    entities sharing pattern p ("Navy": the US, Russian, Ukrainian navies), of which the sense
    rules choose one by the mention's owner state; ``surname`` holds the patterns of generated
    surnames, whose family is the people of that surname (chosen by who is named in full).
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
    family: dict[int, tuple[int, ...]]
    surname: frozenset[int]
    rules: tuple  # the entities' context rules, compiled (senses.compile_rules)


# How a form matches, by its code in the automata (the order of schema.MATCH_KINDS).
EXACT, VARIANT, FUZZY, PATTERN = (
    MATCH_KINDS.index(kind) for kind in ("exact", "variant", "fuzzy", "pattern")
)


def _case_forms(view: bytes, case: str, kind: int) -> dict[bytes, int] | None:
    """The forms searched as written, each with its match kind; None: any case."""
    if case == "insensitive" or (case == "auto" and view == view.lower()):
        return None
    if case == "sensitive":
        return {view: kind}
    return {view: kind, view.upper(): max(kind, VARIANT if view.upper() != view else EXACT)}


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

    def add(alias, row, entity, *, plural, metonym, label="", fuzzy=EXACT, shared=None):
        for form, generated in _alias_forms(normalise_alias(alias), entity):
            view = _view_of(form)
            if not view:
                continue
            key = view.lower()
            entry = patterns.get(key)
            if shared is not None:
                shared.add(key)
                members = family.setdefault(key, [])
                if row in members:
                    continue  # another form of this alias already added it
                members.append(row)
                if entry is not None:
                    continue  # the first member's pattern stands for the family
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
            kind = max(VARIANT if generated else EXACT, fuzzy)
            forms = _case_forms(view, entity.case, kind)
            if forms is None:
                known = entry["any_case"]
                entry["any_case"] = kind if known is None else min(known, kind)
            else:
                if entity.title_case and row != -1 and (title := title_case_form(form)):
                    forms.setdefault(_view_of(title), VARIANT)
                for written, kind in forms.items():
                    entry["forms"][written] = min(entry["forms"].get(written, FUZZY), kind)

    for row, entity in enumerate(entities.itertuples(index=False)):
        plural = entity.kind == "weapon"
        for alias in entity.aliases:
            add(alias, row, entity, plural=plural, metonym=False)
        if metonyms:
            for alias in entity.metonyms:
                add(alias, row, entity, plural=False, metonym=True)
    family: dict[bytes, list[int]] = {}
    for row, entity in enumerate(entities.itertuples(index=False)):
        # Shared names are capitalised: "Navy", "Senate" as written or in capitals, never
        # "navy" (whatever case rule the entity's own aliases follow).
        named = entity._replace(case="auto")
        for alias in getattr(entity, "shared", None) or ():
            add(alias, row, named, plural=False, metonym=False, shared=set())
    # Surnames standing for a person named in full in the same document ("Truss" after "Liz
    # Truss"): generated forms, as written only (never "MR. KIRBY:"), resolved by the senses.
    surname_keys: set[bytes] = set()
    for surname, rows in surnames(entities).items():
        for row in rows:
            written = SimpleNamespace(
                case="sensitive", transliterated=entities["transliterated"].iloc[row],
                title_case=False,
            )  # fmt: skip
            add(surname, row, written, plural=False, metonym=False, fuzzy=VARIANT,
                shared=surname_keys)  # fmt: skip
    for entity in entities.itertuples(index=False):
        plain = entity._replace(transliterated=False, title_case=False)
        for phrase in entity.exclusions:
            add(phrase, -1, plain, plural=False, metonym=False, label=phrase)
    # Spellings a near-name pass found: as written and in capitals, never over an alias.
    row_of = {entity_id: row for row, entity_id in enumerate(entities["id"])}
    for entity_id, spelling in gazetteer.near_names:
        if entity_id in row_of and _view_of(spelling).lower() not in patterns:
            entity = entities.iloc[row_of[entity_id]]
            near = SimpleNamespace(case="auto", transliterated=False, title_case=False)
            add(spelling, row_of[entity_id], near, plural=entity["kind"] == "weapon",
                metonym=False, fuzzy=FUZZY)  # fmt: skip

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
        any_case_variant=np.array([g for _, _, g in any_case], dtype=np.int8),
        exact=automaton(exact),
        exact_ids=np.array([p for _, p, _ in exact], dtype=np.int64),
        exact_variant=np.array([g for _, _, g in exact], dtype=np.int8),
        entity=np.array([v["entity"] for v in values], dtype=np.int64),
        plural=np.array([v["plural"] for v in values], dtype=bool),
        metonym=np.array([v["metonym"] for v in values], dtype=bool),
        alias=tuple(v["alias"] for v in values),
        entities=entities,
        family={
            p: tuple(family[key]) for p, key in enumerate(keys) if key in family
        },
        surname=frozenset(p for p, key in enumerate(keys) if key in surname_keys),
        rules=tuple(compile_rules(entities)),
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


def _scan(
    buffer: np.ndarray,
    doc_starts: np.ndarray,
    matcher: Matcher,
    newlines: np.ndarray | None = None,
    non_ascii: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Mentions in one slice of documents.

    ``doc_starts`` holds the byte offset of each document in ``buffer`` plus the end offset
    (``newlines``, ``non_ascii``: as for :func:`matching_view`). Returns byte offsets, pattern
    ids, document numbers (into ``doc_starts``) and exclusions.
    """
    view, index = matching_view(buffer, newlines, non_ascii)
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
    # Document edges in view positions: the checks below then need no offset per candidate.
    view_starts = index.view_offsets(doc_starts)
    doc = np.searchsorted(view_starts, start, side="right") - 1
    doc_begin, doc_end = view_starts[doc], view_starts[doc + 1]

    inside = end - 1 < doc_end  # a match may not run from one document into the next
    before = np.maximum(start - 1, 0)
    left_ok = (start == 0) | ~_WORD[view_array[before]] | (before < doc_begin)

    def right_ok(stop: np.ndarray, limit: np.ndarray) -> np.ndarray:
        after = np.minimum(stop, n - 1)
        return (stop >= n) | ~_WORD[view_array[after]] | (after >= limit)

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
        good = letters & right_ok(stop, limit) & (stop - 1 < limit)
        end[positions[good]] = stop[good]
        ok[positions[good]] = True
    _designation_suffixes(view_array, pattern, end, ok, variant, doc_end, matcher, right_ok)
    keep = np.flatnonzero(inside & left_ok & ok)
    pattern, start, end, doc = pattern[keep], start[keep], end[keep], doc[keep]
    variant = variant[keep]

    # Leftmost-longest: sort by start, longest first, a form as written before a generated one
    # of the same span; keep what does not overlap a kept span.
    order = np.lexsort((variant, start - end, start))
    pattern, start, end, doc = pattern[order], start[order], end[order], doc[order]
    variant = variant[order]
    kept = _leftmost_longest(start, end)
    blocker = matcher.entity[pattern] < 0
    winners = kept & ~blocker
    first, last = index[start], index[end - 1]  # of each candidate's first and last byte
    speakers = _speaker_labels(buffer, first, last, doc_starts, winners)
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
        "begin": first[winners],
        "stop": _char_stop(buffer, last[winners]),
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
            excluded_begin=first[excluded],
            excluded_stop=_char_stop(buffer, last[excluded]),
            excluded_doc=doc[excluded],
            excluded_by_pattern=by,
        )
    return result


_ROUNDS = 16  # overlapping spans decided at once, before a plain loop takes over


def _leftmost_longest(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Which spans (sorted by start, longest first) a left-to-right pass keeps: each one that
    starts at or after the end of the last one kept.

    A span that starts after every earlier span has ended is kept whatever came before; within
    a run of overlapping spans the pass is replayed in rounds over all runs at once: a span that
    starts before the end of the last kept one is dropped, then the first undecided span after
    it is kept. Runs that need more rounds (long chains of overlaps) take the plain loop.
    """
    n = len(start)
    reach = np.empty(n, dtype=np.int64)
    reach[:1] = start[:1]
    np.maximum.accumulate(end[:-1], out=reach[1:])
    kept = start >= reach
    decided = kept.copy()
    positions = np.arange(n)
    for _ in range(_ROUNDS):
        last = np.maximum.accumulate(np.where(kept, positions, 0))
        decided |= start < end[last]
        if decided.all():
            return kept
        count = np.cumsum(~decided)
        following = ~decided & (count - count[last] == 1)
        kept |= following
        decided |= following
    kept[:] = False
    reach_so_far = -1
    for i, (s, e) in enumerate(zip(start.tolist(), end.tolist(), strict=True)):
        if s >= reach_so_far:
            kept[i] = True
            reach_so_far = e
    return kept


def _designation_suffixes(view, pattern, end, ok, variant, doc_end, matcher, right_ok):
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
    good = (length > 0) & right_ok(stop, limit) & (np.minimum(stop, n) - 1 < limit)
    end[positions[good]] = stop[good]
    ok[positions[good]] = True
    variant[positions[good]] = 1


# What lies around a mention, as bits (so that the sense rules read the text only where they
# may apply): the next word starts with a capital, the next word may be a state's government
# ("government", "authorities", "administration", "regime"), or "of " precedes; an apostrophe
# follows ("Ukraine's", "Russia’s": both read "'" in the view); a hyphen follows or, after the
# spaces and hyphens that follow, a capital (a name may go on: "Ukraine Recovery Conference",
# "Arctic-class"); after them "of", "the", "and" or "for" and a space, or a government's word
# (an institution's name may go on: "U.S. Department of ...", "the U.S. government"); "of "
# or "of the " precedes, in lower case as written.
NEXT_CAPITAL, NEXT_GOVERNMENT, AFTER_OF, URL_LIKE, APOSTROPHE = 1, 2, 4, 8, 16
NAME_AFTER, INSTITUTION_AFTER, OF_BEFORE = 32, 64, 128
# View bytes that stand for whitespace or a hyphen: a space, a paragraph break, the ASCII
# separators (Python counts 0x1c-0x1f as whitespace) and "-".
_SEPARATOR = np.zeros(256, dtype=bool)
_SEPARATOR[[32, 0x1C, 0x1D, 0x1E, 0x1F, 45]] = True
_INSTITUTION_WORDS = np.array(
    [int.from_bytes(word, "little") for word in (b"of ", b"of\x1e", b"gov", b"aut", b"adm", b"reg")]
    + [
        int.from_bytes(word + space, "little")
        for word in (b"the", b"and", b"for")
        for space in (b" ", b"\x1e")
    ]
)
# "of " and "of the " before a span, read backwards (the byte right before it lowest).
_OF_SPACE = int.from_bytes(b"of "[::-1], "little")
_OF_THE_SPACE = int.from_bytes(b"of the "[::-1], "little")
# Bytes beside a mention that a web address has ("...-rocket-attack-...", "/ukraine/").
_URL_BYTES = np.frombuffer(b"/-_=+%.", dtype=np.uint8)
_GOVERNMENT_WORDS = np.array(
    [int.from_bytes(word, "little") for word in (b"gov", b"aut", b"adm", b"reg")]
)


def _neighbour_hints(view: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    n = len(view)
    gap = view[np.minimum(end, n - 1)]
    following = view[np.minimum(end + 1, n - 1)]
    spaced = ((gap == 32) | (gap == 45)) & (end + 1 < n)
    hints = np.where(spaced & (following >= 65) & (following <= 90), NEXT_CAPITAL, 0)
    three = following.astype(np.int64)
    for k in (1, 2):
        three |= view[np.minimum(end + 1 + k, n - 1)].astype(np.int64) << (8 * k)
    hints |= np.where(spaced & np.isin(three, _GOVERNMENT_WORDS), NEXT_GOVERNMENT, 0)
    of = (start >= 3) & (view[np.maximum(start - 3, 0)] | 0x20 == 111)
    of &= (view[np.maximum(start - 2, 0)] | 0x20 == 102) & (view[np.maximum(start - 1, 0)] == 32)
    hints |= np.where(of, AFTER_OF, 0)
    # "of the " before: the article sits between, so look four bytes further back too.
    the = (start >= 7) & (view[np.maximum(start - 2, 0)] | 0x20 == 101)
    the &= view[np.maximum(start - 7, 0)] | 0x20 == 111
    hints |= np.where(the, AFTER_OF, 0)
    before = np.isin(view[np.maximum(start - 1, 0)], _URL_BYTES) & (start > 0)
    hints |= np.where((gap == 39) & (end < n), APOSTROPHE, 0)
    hints |= np.where(before | (np.isin(gap, _URL_BYTES[:-1]) & (end < n)), URL_LIKE, 0)
    # The name rules read only spans with one of the four bits above.
    some = np.flatnonzero(hints & 15)
    hints[some] |= _name_hints(view, start[some], end[some])
    return hints


def _name_hints(view: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The NAME_AFTER, INSTITUTION_AFTER and OF_BEFORE bits: what comes after the separators
    that follow each span, and before it (necessary conditions of the rules for names inside
    names in :mod:`analysis.senses`)."""
    n = len(view)
    padded = np.concatenate([view, np.zeros(4, dtype=np.uint8)])
    behind = np.zeros(len(start), dtype=np.int64)  # the 7 bytes before, the nearest lowest
    for k in range(1, 8):
        behind |= np.where(start >= k, padded[np.maximum(start - k, 0)], 0).astype(np.int64) << (
            8 * (k - 1)
        )
    of = ((behind & 0xFFFFFF) == _OF_SPACE) | (behind == _OF_THE_SPACE)
    at = np.minimum(end, n)
    hints = np.where((padded[at] == 45) & (end < n), NAME_AFTER, 0)
    moving = np.flatnonzero(_SEPARATOR[padded[at]] & (end < n))
    spaced = np.zeros(len(end), dtype=bool)
    spaced[moving] = True
    while moving.size:  # past the run of separators (one byte, mostly)
        at[moving] += 1
        moving = moving[_SEPARATOR[padded[at[moving]]] & (at[moving] < n)]
    byte = padded[at]
    hints |= np.where(spaced & (byte >= 65) & (byte <= 90), NAME_AFTER, 0)
    words = [padded[at].astype(np.int64)]
    for k in (1, 2, 3):
        words.append(words[-1] | padded[at + k].astype(np.int64) << (8 * k))
    institution = np.isin(words[2], _INSTITUTION_WORDS) | np.isin(words[3], _INSTITUTION_WORDS)
    hints |= np.where(spaced & institution, INSTITUTION_AFTER, 0)
    return hints | np.where(of, OF_BEFORE, 0)


SPEAKER_LABEL = -1  # "excluded_by" code of a transcript speaker label


# A speaker's label in a transcript: "MS. JEAN-PIERRE:", "PRESIDENT ZELENSKYY:", "Vladimir
# Putin:", "President of Russia Vladimir Putin:" (capitalised words, then a colon).
_LABEL_WORD = rb"(?:[A-Z][^\s:]*|of|the|and|de|von|van|al|bin)"
# A turn opens a line, or follows the end of a sentence where a transcript was flattened into
# one paragraph ("... will be maintained. Dmitry Peskov: If Buryatia ..."). Read backwards
# from each colon that could close a label, so the text between labels is never scanned.
_LABEL = rb"(" + _LABEL_WORD + rb"(?:[ \t]+" + _LABEL_WORD + rb"){0,7})"  # up to eight words
_LABEL_BEFORE_COLON = rb"[ \t]*" + _LABEL + rb"[ \t]*$"
# A section break of asterisks ("... in full.*** President of Russia Vladimir Putin: ...")
# ends a sentence too.
_AFTER_A_BREAK = re.compile(rb"(?:\n|[.?!\xa6\x9d\"*)] )" + _LABEL_BEFORE_COLON)
_AT_THE_START = re.compile(rb"^" + _LABEL_BEFORE_COLON)  # of a document: no newline before
# A scraper may glue a label to the headline before it ("... President of Mongolia Ukhnaagiin
# Khurelsukh President of Russia Vladimir Putin: Mr President ..."): in a transcript, a colon
# closing a capitalised run too long for one label takes its last five words as the label.
_GLUED_LABEL = re.compile(
    rb"[A-Z][^\s:]*[ \t]+(" + _LABEL_WORD + rb"(?:[ \t]+" + _LABEL_WORD + rb"){1,4})[ \t]*$"
)
_LABEL_REACH = 90  # bytes before a colon that a label may take
# The Kremlin's releases open the transcript after a break of three asterisks, with a label
# or a caption glued to one ("*** President of Russia Vladimir Putin: Comrade officers",
# "*** Beginning of talks with President of Mongolia Ukhnaagiin Khurelsukh President of Russia
# Vladimir Putin: Mr President"): a label there is one even when the speaker has one turn.
_ASTERISKS = re.compile(rb"\*\*\* ([^\n.?!*:]{1,120})$")
_LABEL_ONLY = re.compile(_LABEL + rb"[ \t]*")
# A release that opens with its speaker's label ("President of Russia Vladimir Putin: Friends,
# ..."): a label there is one even when the speaker has one turn, if it is two words or more
# in title case, not a salutation or an address ("Dear Madam Speaker:", "To the Congress of
# the United States:") nor a headline (a title, under ``_SHORTEST_SPEECH`` bytes, is not read).
_OPENING_LABEL = re.compile(rb"(?!Dear |To )[A-Z][^\s:]*(?:[ \t]+[^\s:]+){1,7}")
_SHORTEST_SPEECH = 400
TURNS_OF_A_TRANSCRIPT = 2
"""A document is a transcript when at least this many lines open with a speaker's label."""


def _speaker_labels(
    buffer: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    doc_starts: np.ndarray,
    candidates: np.ndarray,
) -> np.ndarray:
    """Candidates inside a transcript's speaker labels ("PRESIDENT BIDEN:", "Vladimir Putin:").

    A label says who speaks, not who is talked about, so it is not counted as a mention (it is
    listed in ``excluded`` as "speaker label"). A label opens a line with capitalised words and
    a colon, in a document shaped like a transcript (at least two such lines): a headline
    "UKRAINE: ..." in an article is a mention. ``first``, ``last``: the byte offsets of each
    span's first and last byte (in order); ``candidates``: which spans may be labels.
    """
    found = np.flatnonzero(candidates)
    empty = np.zeros(0, dtype=np.int64)
    colons = np.flatnonzero(buffer == 58)
    if not found.size or not colons.size:
        return empty
    # A label's colon follows a letter, a full stop or a space and comes before a space or a
    # line end (not "10:30", not "https://").
    before = buffer[np.maximum(colons - 1, 0)]
    after = buffer[np.minimum(colons + 1, len(buffer) - 1)]
    letter = ((before | 0x20) >= 97) & ((before | 0x20) <= 122)
    letter |= (before == 46) | (before == 32) | (before >= 128)
    spaced = (after == 32) | (after == 10) | (after == 9) | (colons + 1 == len(buffer))
    colons = colons[letter & spaced]
    # Only a colon with a candidate in the reach before it can close a label around one, and
    # the others of its document need reading only until the document counts as a transcript.
    first, last = first[found], last[found]  # sorted: candidates are
    nearest = np.minimum(np.searchsorted(first, colons - _LABEL_REACH), len(first) - 1)
    near = first[nearest] < colons
    if not near.any():
        return empty
    data = buffer.tobytes()
    starts = doc_starts[:-1]
    colon_doc = np.searchsorted(starts, colons, side="right") - 1
    labels: dict[int, list[tuple[int, int]]] = {}  # by document with a colon near a candidate
    opening = []  # labels after a break of asterisks: labels whatever the turns
    for colon, owner in zip(colons[near].tolist(), colon_doc[near].tolist(), strict=True):
        spans = labels.setdefault(owner, [])
        span = _label_before(data, colon, int(starts[owner]))
        if span is not None:
            spans.append(span)
            if _opens_a_speech(data, span, int(starts[owner]), int(doc_starts[owner + 1])):
                opening.append(span)
        span = _after_asterisks(data, colon, int(starts[owner]))
        if span is not None:
            opening.append(span)
    turns = []
    for owner, spans in labels.items():
        lo, hi = np.searchsorted(colon_doc, [owner, owner + 1])
        glued = _glued_labels(data, colons[lo:hi], near[lo:hi], int(starts[owner]), spans)
        if not spans and not glued:
            continue  # no label near a candidate: transcript or not, nothing is excluded
        count = len(spans)
        others = colons[lo:hi][~near[lo:hi]].tolist()
        for colon in others if count < TURNS_OF_A_TRANSCRIPT else ():
            count += _label_before(data, colon, int(starts[owner])) is not None
            if count >= TURNS_OF_A_TRANSCRIPT:
                break
        if count >= TURNS_OF_A_TRANSCRIPT:
            turns += spans + glued
    turns += opening
    if not turns:
        return empty
    spans = np.array(sorted(turns), dtype=np.int64)
    slot = np.searchsorted(spans[:, 0], first, side="right") - 1
    inside = (slot >= 0) & (last < spans[np.maximum(slot, 0), 1])
    return found[inside]


def _opens_a_speech(data: bytes, span: tuple[int, int], begin: int, end: int) -> bool:
    """Whether a label opens its document's text (see ``_OPENING_LABEL``)."""
    return (
        span[0] == begin
        and end - begin >= _SHORTEST_SPEECH
        and _OPENING_LABEL.fullmatch(data, span[0], span[1]) is not None
        and any(97 <= byte <= 122 for byte in data[span[0] : span[1]])
    )


def _label_before(data: bytes, colon: int, begin: int) -> tuple[int, int] | None:
    """The span of the speaker's label that the colon at ``colon`` closes, if it closes one
    (``begin``: where the colon's document starts)."""
    low = max(begin, colon - _LABEL_REACH)
    window = data[low:colon]
    m = _AFTER_A_BREAK.search(window)
    if m is None and low == begin:
        m = _AT_THE_START.match(window)
    return None if m is None else (low + m.start(1), low + m.end(1))


def _after_asterisks(data: bytes, colon: int, begin: int) -> tuple[int, int] | None:
    """The label that the colon at ``colon`` closes right after a break of asterisks (see
    ``_ASTERISKS``): the whole caption when it is a label, else its glued last words."""
    m = _ASTERISKS.search(data, max(begin, colon - 130), colon)
    if m is None:
        return None
    whole = _LABEL_ONLY.fullmatch(data, m.start(1), colon)
    if whole is not None:
        return whole.start(1), whole.end(1)
    glued = _GLUED_LABEL.search(data, m.start(1), colon)
    return None if glued is None else (glued.start(1), glued.end(1))


def _glued_labels(data: bytes, colons: np.ndarray, near: np.ndarray, begin: int, found: list):
    """Labels glued to the text before them (``_GLUED_LABEL``), closed by the ``near`` ones of
    a document's ``colons`` (``found``: its labels near candidates): only the label of a
    speaker the document also gives a turn of its own ("President of Russia Vladimir Putin:"
    glued to a headline, where "Vladimir Putin:" opens a later turn), so that a headline
    ending in a colon ("... the Republic of Indonesia: Commemorating 75 Years") is never one."""
    closed = {stop for _, stop in found}
    candidates = []
    for colon in colons[near].tolist():
        low = max(begin, colon - _LABEL_REACH)
        m = _GLUED_LABEL.search(data, low, colon)
        if m is not None and m.end(1) not in closed:
            candidates.append((m.start(1), m.end(1)))
    if not candidates:
        return []
    turns = (_label_before(data, colon, begin) for colon in colons.tolist())
    speakers = {data[a:b].strip() for a, b in filter(None, turns)}
    return [
        (a, b) for a, b in candidates if any(data[a:b].endswith(name) for name in speakers if name)
    ]


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
    # Found once, read by the view, the sentence boundaries and the character offsets.
    newlines, non_ascii = np.flatnonzero(buffer == 10), _non_ascii(buffer)
    result = _scan(buffer, doc_starts, matcher, newlines, non_ascii)
    to_chars = char_positions(buffer, non_ascii)
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
            bounds = boundaries(buffer, doc_starts[:-1], newlines)
            sink["sentence_id"] = sentence_ids(bounds, field_first, begin)
            # The sentence's span, for the context rules: from the last boundary at or before
            # the mention (never before the field's first word) to the next or the field's end.
            after = np.searchsorted(bounds, begin, side="right")
            marks = np.concatenate([[0], bounds, [len(buffer)]])
            opening, closing = marks[after], marks[after + 1]
            sink["sentence_start"] = to_chars(np.maximum(opening, field_first)) - doc_char
            sink["sentence_end"] = to_chars(np.minimum(closing, doc_starts[doc + 1])) - doc_char
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
    sentence = ("sentence_id", "sentence_start", "sentence_end")
    for position, extras in ((0, (*sentence, "variant", "hints")), (1, ("excluded_by",))):
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
    surface = pa.concat_arrays([part["surface"] for part in parts])
    if all(_by_row_and_start(part["row"], part["start"]) for part in parts):
        # The fields' results each come in order (mentions do): a stable sort by document
        # alone gives the same order, and one field needs none.
        if len(parts) == 1:
            return {**merged, "field": field, "surface": surface}
        order = np.argsort(merged["row"], kind="stable")
    else:
        order = np.lexsort((merged["start"], field, merged["row"]))
    merged = {c: values[order] for c, values in merged.items()}
    merged["field"] = field[order]
    merged["surface"] = surface.take(order)
    return merged


def _by_row_and_start(row: np.ndarray, start: np.ndarray) -> bool:
    """Whether the spans are sorted by document, then start."""
    step = np.diff(row)
    return bool(((step > 0) | ((step == 0) & (np.diff(start) >= 0))).all())


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
    found, refused, entities = _with_unlisted(found, refused, lost, docs, names, matcher, skip)
    entity_row = found["entity"]
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
            "metonym": matcher.metonym[found["pattern"]] & (entity_row < len(matcher.entities)),
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
                "entity_id": _take_strings(entities["id"], refused["entity"]),
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
    # Columns taken once: each frame column access deep-copies the frame's attrs.
    columns = [docs[name].to_numpy(dtype=object) for name in names]

    def text(row: int, field: int) -> str:
        value = columns[field][row]
        return value if isinstance(value, str) else ""

    entity = matcher.entity[found["pattern"]]
    urls = docs["url"].to_numpy(dtype=object) if "url" in docs.columns else None
    decisions = decide(
        found, entity, matcher.alias, matcher.entities, text, len(names),
        family=matcher.family, surnames=matcher.surname, urls=urls, rules=matcher.rules,
    )  # fmt: skip
    found["entity"] = decisions.entity
    refused_at = np.array([i for i, _ in decisions.excluded], dtype=np.int64)
    refused = {c: v[refused_at] for c, v in found.items() if c != "surface"}
    refused["surface"] = found["surface"].take(pa.array(refused_at, pa.int64()))
    refused["reason"] = [reason for _, reason in decisions.excluded]
    if decisions.surfaces:
        # The changed surfaces put in by one take (not a Python string per mention).
        changed = np.fromiter(decisions.surfaces, dtype=np.int64, count=len(decisions.surfaces))
        where = np.arange(len(found["surface"]), dtype=np.int64)
        where[changed] = len(where) + np.arange(len(changed))
        new = pa.array(list(decisions.surfaces.values()), found["surface"].type)
        found["surface"] = pa.concat_arrays([found["surface"], new]).take(pa.array(where))
    found["end"] = decisions.end
    keep = np.flatnonzero(decisions.keep)
    kept = {c: v[keep] for c, v in found.items() if c != "surface"}
    kept["surface"] = found["surface"].take(pa.array(keep, pa.int64()))
    if decisions.added:
        kept = _with_added(kept, found, decisions.added, matcher, text)
    return kept, refused


def _with_added(kept: dict, found: dict, added: list, matcher: Matcher, text) -> dict:
    """The kept mentions with those a rule found beside a found one (its document, field and
    sentence; one of the new entity's own patterns, so its flags are the entity's), in order."""
    source = np.array([index for index, _, _, _ in added], dtype=np.int64)
    extra = {c: v[source] for c, v in found.items() if c != "surface"}
    extra["start"] = np.array([start for _, start, _, _ in added], dtype=extra["start"].dtype)
    extra["end"] = np.array([end for _, _, end, _ in added], dtype=extra["end"].dtype)
    extra["entity"] = np.array([e for _, _, _, e in added], dtype=extra["entity"].dtype)
    own = np.flatnonzero(~matcher.metonym)
    first = dict(zip(matcher.entity[own][::-1].tolist(), own[::-1].tolist(), strict=True))
    extra["pattern"] = np.array([first[e] for e in extra["entity"].tolist()],
                                dtype=extra["pattern"].dtype)  # fmt: skip
    extra["match"] = np.full(len(added), VARIANT, dtype=extra["match"].dtype)
    surfaces = [
        text(int(row), int(where))[start:end]
        for row, where, start, end in zip(extra["row"], extra["field"], extra["start"],
                                          extra["end"], strict=True)
    ]  # fmt: skip
    both = {c: np.concatenate([kept[c], extra[c]]) for c in extra}
    order = np.lexsort((both["start"], both["field"], both["row"]))
    merged = {c: v[order] for c, v in both.items()}
    strings = pa.concat_arrays([kept["surface"], pa.array(surfaces, kept["surface"].type)])
    merged["surface"] = strings.take(pa.array(order, pa.int64()))
    return merged


def _with_unlisted(
    found: dict, refused: dict, lost: dict, docs: pd.DataFrame, names: list[str],
    matcher: Matcher, skip,
) -> tuple[dict, dict, pd.DataFrame]:
    """The found mentions with the numbered units and ranked people the gazetteer does not
    list (:mod:`analysis.unlisted`), and the entities table with theirs appended. A span that
    overlaps a found mention is left to it, except actors inside a unit's name, which are part
    of it (refused as "inside the name of a unit")."""
    entities = matcher.entities
    shapes = unlisted_shapes(entities)
    urls = docs["url"].to_numpy(dtype=object) if "url" in docs.columns else None
    is_actor = (entities["kind"] == "actor").to_numpy()
    key = found["row"] * len(names) + found["field"]  # ascending: found is in that order
    # speaker labels and exclusion phrases: no person there ("Vladimir Putin: ...")
    refused_spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for row, where, start, end in zip(lost.get("row", ()), lost.get("field", ()),
                                      lost.get("start", ()), lost.get("end", ()),
                                      strict=True):  # fmt: skip
        refused_spans.setdefault((int(row), int(where)), []).append((int(start), int(end)))
    row_of = {entity_id: row for row, entity_id in enumerate(entities["id"].tolist())}
    has_sentences = "sentence_start" in found and "sentence_end" in found
    ids: dict[str, int] = {}
    new_entities: list[tuple[str, str, str]] = []
    extra: dict[str, list] = {
        c: [] for c in ("row", "field", "start", "end", "entity", "sentence_id")
    }
    inside: list[tuple[int, str]] = []
    for where, name in enumerate(names):
        values = docs[name]
        for row, raw, at in anchors(pa.array(values.array)):
            if skip is not None and skip[row]:
                continue
            text, hits = find_unlisted(raw, urls[row] if urls is not None else None, shapes, at)
            if not hits:
                continue
            k = row * len(names) + where
            first, last = np.searchsorted(key, [k, k + 1])
            starts, ends = found["start"][first:last], found["end"][first:last]
            if has_sentences:
                sentences_from = found["sentence_start"][first:last]
                sentences_to = found["sentence_end"][first:last]
            no_shape = refused_spans.get((row, where), [])
            hits = [
                h for h in hits if h.category != "person"
                or not any(a < h.end and h.start < b for a, b in no_shape)
            ]  # fmt: skip
            kept_people = [
                h for h in hits if h.category == "person"
                and not ((starts < h.end) & (ends > h.start)).any()
            ]  # fmt: skip
            taken = [*zip(starts.tolist(), ends.tolist(), strict=True), *no_shape]
            hits += named_again(text, kept_people, taken)
            spans = None
            for hit in hits:
                crossing = np.flatnonzero((starts < hit.end) & (ends > hit.start))
                within = (starts[crossing] >= hit.start) & (ends[crossing] <= hit.end)
                actors = is_actor[found["entity"][first + crossing]]
                if hit.category == "person" and crossing.size:
                    continue  # the gazetteer knows the person, or reads the words otherwise
                if ((starts[crossing] == hit.start) & (ends[crossing] == hit.end) & actors).any():
                    continue  # the gazetteer lists the unit ("5th Fleet")
                if not (within & (actors | (hit.category == "armed-forces"))).all():
                    continue
                reason = f"inside the name of a unit: {text[hit.start : hit.end]!r}"
                inside += [(index, reason) for index in (first + crossing[actors]).tolist()]
                if hit.entity_id not in ids:
                    listed = row_of.get(hit.entity_id)  # a unit or person listed otherwise
                    ids[hit.entity_id] = listed if listed is not None else len(entities) + len(
                        new_entities
                    )
                    if listed is None:
                        new_entities.append((hit.entity_id, hit.name, hit.category))
                # the sentence of a found mention around it, else the text's sentences
                around = np.flatnonzero(
                    (sentences_from <= hit.start) & (sentences_to > hit.start)
                ) if has_sentences else np.empty(0, dtype=np.int64)  # fmt: skip
                if around.size:
                    sentence = int(found["sentence_id"][first + around[0]])
                else:
                    spans = spans if spans is not None else sentence_starts(text) or [0]
                    sentence = max(0, bisect_right(spans, hit.start) - 1)
                extra["row"].append(row)
                extra["field"].append(where)
                extra["start"].append(hit.start)
                extra["end"].append(hit.end)
                extra["entity"].append(ids[hit.entity_id])
                extra["sentence_id"].append(sentence)
    if not extra["row"]:
        return found, refused, entities
    table = entities if not new_entities else pd.concat(
        [
            entities[["id", "name", "kind", "category"]],
            pd.DataFrame(new_entities, columns=["id", "name", "category"]).assign(kind="actor"),
        ],
        ignore_index=True,
    )
    if inside:
        moved = np.array([index for index, _ in inside], dtype=np.int64)
        refused = {
            **{c: np.concatenate([refused[c], found[c][moved]])
               for c in ("row", "field", "start", "end", "entity")},
            "surface": pa.concat_arrays([refused["surface"], found["surface"].take(moved)]),
            "reason": [*refused["reason"], *(reason for _, reason in inside)],
        }  # fmt: skip
        keep = np.ones(len(found["row"]), dtype=bool)
        keep[moved] = False
        at = np.flatnonzero(keep)
        found = {c: (v.take(at) if c == "surface" else v[at]) for c, v in found.items()}
    columns = ("row", "field", "sentence_id", "start", "end", "entity", "pattern", "match")
    added = {c: np.asarray(extra[c], dtype=found[c].dtype) for c in extra}
    added["pattern"] = np.zeros(len(added["row"]), dtype=found["pattern"].dtype)
    added["match"] = np.full(len(added["row"]), PATTERN, dtype=found["match"].dtype)
    both = {c: np.concatenate([found[c], added[c]]) for c in columns}
    order = np.lexsort((both["start"], both["field"], both["row"]))
    merged = {c: v[order] for c, v in both.items()}
    columns_ = [docs[name] for name in names]
    surfaces = [
        columns_[f].iloc[r][a:b]
        for r, f, a, b in zip(extra["row"], extra["field"], extra["start"], extra["end"],
                              strict=True)
    ]  # fmt: skip
    strings = pa.concat_arrays([found["surface"], pa.array(surfaces, found["surface"].type)])
    merged["surface"] = strings.take(pa.array(order, pa.int64()))
    return merged, refused, table


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
