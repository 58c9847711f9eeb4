"""Sentence boundaries, fast and without downloaded data (NLTK's Punkt needs its model and is
too slow to run on every document).

Rules, vectorised with numpy over UTF-8 bytes: a sentence ends at ``.``, ``!`` or ``?`` (with
closing quotes or brackets), whitespace, then anything but a lower-case ASCII letter; not after
a known abbreviation (``Mr.``, ``Gen.``) or a single letter (``J.``, ``U.S.``); a blank line
or a bulleted line always starts one. The extractor and :func:`sentence_spans` share the same
primitive, so a mention's ``sentence_id`` always indexes ``sentence_spans(documents[field])``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# Abbreviations that end with a period but rarely end a sentence in news text.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr gen lt col sgt sen rep reps gov prof st jr sr no nos vs adm capt maj cmdr
    amb hon rev ft mt jan feb mar apr jun jul aug sep sept oct nov dec corp inc co ltd dept
    approx est fig""".split()
)
_MAX_ABBREVIATION = max(len(word) for word in ABBREVIATIONS)

_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 11, 12, 13, 32]] = True
_HSPACE = np.zeros(256, dtype=bool)
_HSPACE[[9, 11, 12, 13, 32]] = True
_LETTER = np.zeros(256, dtype=bool)
_LETTER[ord("a") : ord("z") + 1] = True
_LETTER[ord("A") : ord("Z") + 1] = True
_LOWER = np.zeros(256, dtype=bool)
_LOWER[ord("a") : ord("z") + 1] = True
_CLOSERS = np.zeros(256, dtype=bool)
_CLOSERS[[ord(c) for c in "\"')]"]] = True
_PAD = 8  # bytes of padding so that look-ahead never runs off the end
_CONTINUATION_BYTES = np.zeros(256, dtype=np.int64)  # after a lead byte of UTF-8
_CONTINUATION_BYTES[0xC0:0xE0], _CONTINUATION_BYTES[0xE0:0xF0], _CONTINUATION_BYTES[0xF0:] = 1, 2, 3


def _key(words: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Pack up to 8 lower-cased ASCII letters starting at ``starts`` into one uint64 each."""
    key = np.zeros(len(starts), dtype=np.uint64)
    for j in range(int(lengths.max(initial=0))):
        has = lengths > j
        byte = words[np.where(has, starts + j, 0)].astype(np.uint64) | np.uint64(0x20)
        key |= np.where(has, byte << np.uint64(8 * j), np.uint64(0))
    return key


_ABBREVIATION_KEYS = np.sort(
    _key(
        np.frombuffer(" ".join(sorted(ABBREVIATIONS)).encode(), dtype=np.uint8),
        np.array(np.cumsum([0] + [len(w) + 1 for w in sorted(ABBREVIATIONS)][:-1]), dtype=np.int64),
        np.array([len(w) for w in sorted(ABBREVIATIONS)], dtype=np.int64),
    )
)


def _skip(buffer: np.ndarray, positions: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Advance each position past a run of bytes for which ``table`` is true."""
    positions = positions.copy()
    last = len(buffer) - 1
    active = np.flatnonzero(table[buffer[np.minimum(positions, last)]] & (positions < last))
    while active.size:
        positions[active] += 1
        active = active[(positions[active] < last) & table[buffer[positions[active]]]]
    return positions


def boundaries(
    buffer: np.ndarray, doc_starts: np.ndarray | None = None, newlines: np.ndarray | None = None
) -> np.ndarray:
    """Byte positions where a new sentence starts, sorted and unique.

    Parameters
    ----------
    buffer : uint8 array of UTF-8 text (one text, or many texts joined end to end).
    doc_starts : sorted byte offsets where each joined text begins; the look-back for an
        abbreviation never crosses into the previous text, so each text splits as it would
        alone.
    newlines : the offsets of the newlines in ``buffer``, when the caller has them.

    Returns
    -------
    int64 array of positions of the first byte of each sentence after a boundary. The start of
    the buffer itself is not included.
    """
    n = len(buffer)
    padded = np.concatenate([buffer, np.full(_PAD, 32, dtype=np.uint8)])

    # 1. Terminal punctuation followed (after closers) by whitespace and a non-lower-case start.
    terminal = np.flatnonzero((buffer == 46) | (buffer == 33) | (buffer == 63))
    after = terminal + 1
    closing = np.arange(len(after))  # the terminals that may still have closers after them
    for _ in range(3):  # up to three closing quotes/brackets, ASCII or curly (’ ” = e2 80 99/9d)
        at = after[closing]
        ascii_closer = _CLOSERS[padded[at]]
        curly = (
            (padded[at] == 0xE2)
            & (padded[np.minimum(at + 1, n + _PAD - 1)] == 0x80)
            & ((padded[np.minimum(at + 2, n + _PAD - 1)] | 0x04) == 0x9D)  # 99 or 9d
        )
        step = ascii_closer + 3 * curly
        after[closing] = np.minimum(at + step, n)
        closing = closing[step > 0]
        if not closing.size:
            break
    spaced = _SPACE[padded[after]] & (after < n)
    terminal, after = terminal[spaced], after[spaced]
    start = _skip(padded, after, _SPACE)
    keep = (start < n) & ~_LOWER[padded[np.minimum(start, n)]]
    terminal, start = terminal[keep], start[keep]

    # 2. Not after an abbreviation or a single letter (initials, U.S.).
    word_start = terminal.copy()
    floor = np.zeros(len(terminal), dtype=np.int64)
    if doc_starts is not None and len(doc_starts):
        slot = np.searchsorted(doc_starts, terminal, side="right") - 1
        floor = np.where(slot >= 0, doc_starts[np.maximum(slot, 0)], 0)
    for _ in range(_MAX_ABBREVIATION + 1):
        letter = (word_start > floor) & _LETTER[padded[np.maximum(word_start - 1, 0)]]
        if not letter.any():
            break
        word_start = word_start - letter
    length = terminal - word_start
    single = length == 1
    short = (length >= 2) & (length <= _MAX_ABBREVIATION)
    abbreviation = np.zeros(len(terminal), dtype=bool)
    if short.any():
        keys = _key(padded, word_start[short], length[short])
        found = np.searchsorted(_ABBREVIATION_KEYS, keys)
        found = np.minimum(found, len(_ABBREVIATION_KEYS) - 1)
        abbreviation[short] = _ABBREVIATION_KEYS[found] == keys
    sentence_starts = start[~(single | abbreviation)]

    # 3. Paragraph breaks and bulleted lines.
    newline = np.flatnonzero(buffer == 10) if newlines is None else newlines
    line_start = np.minimum(_skip(padded, newline + 1, _HSPACE), n)
    blank = (line_start < n) & (padded[line_start] == 10)
    paragraph = np.minimum(_skip(padded, line_start[blank], _SPACE), n)
    bullet = (
        ((padded[line_start] == 45) | (padded[line_start] == 42)) & (padded[line_start + 1] == 32)
        | (padded[line_start] == 0xE2)
        & (padded[line_start + 1] == 0x80)
        & (padded[line_start + 2] == 0xA2)
    ) & (line_start < n)
    starts = np.concatenate([sentence_starts, paragraph[paragraph < n], line_start[bullet]])
    starts.sort()
    return starts[np.concatenate([[True], starts[1:] != starts[:-1]])] if starts.size else starts


def first_non_space(buffer: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """For each position, the first byte at or after it that is not whitespace."""
    padded = np.concatenate([buffer, np.full(_PAD, 0, dtype=np.uint8)])
    return _skip(padded, np.asarray(positions, dtype=np.int64), _SPACE)


def char_positions(
    buffer: np.ndarray, non_ascii: np.ndarray | None = None
) -> Callable[[np.ndarray], np.ndarray]:
    """A function turning byte offsets into ``buffer`` into character offsets (str indices).

    The UTF-8 continuation bytes are located once; each call is then a binary search. A
    caller that has the offsets of the lead bytes of the non-ASCII characters (``non_ascii``,
    the bytes >= 0xC2) passes them, and then converts only offsets on character edges.
    """
    if non_ascii is not None:
        if not len(non_ascii):
            return lambda positions: positions
        # Before a character edge lie all the continuation bytes of the characters before it.
        before = np.zeros(len(non_ascii) + 1, dtype=np.int64)
        np.cumsum(_CONTINUATION_BYTES[buffer[non_ascii]], out=before[1:])
        return lambda positions: positions - before[np.searchsorted(non_ascii, positions)]
    if buffer.max(initial=0) < 0x80:
        return lambda positions: positions
    continuation = np.flatnonzero((buffer & 0xC0) == 0x80)
    return lambda positions: positions - np.searchsorted(continuation, positions)


def sentence_starts(text: str) -> list[int]:
    """The character offsets where the sentences of ``text`` start (those of
    :func:`sentence_spans`, without cutting each sentence out); [] for a blank text."""
    if not text or text.isspace():
        return []
    raw = text.encode("utf-8")
    buffer = np.frombuffer(raw, dtype=np.uint8)
    first = int(first_non_space(buffer, np.array([0]))[0])
    starts = boundaries(buffer)
    return char_positions(buffer)(np.concatenate([[first], starts[starts > first]])).tolist()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences.

    Parameters
    ----------
    text : the title or body of one document.

    Returns
    -------
    list of (start, end) character offsets, one per sentence, in order; ``text[start:end]`` is the
    sentence without surrounding whitespace. A mention's ``sentence_id`` indexes this list.
    """
    starts = sentence_starts(text)
    ends = [*starts[1:], len(text)]
    return [
        (start, start + len(text[start:end].rstrip()))
        for start, end in zip(starts, ends, strict=True)
    ]


def sentence_ids(
    boundary_positions: np.ndarray, field_first: np.ndarray, positions: np.ndarray
) -> np.ndarray:
    """Sentence number of each byte position within its field.

    ``field_first`` is, for each position, the first non-space byte of its field; boundaries at or
    before it do not count, exactly as in :func:`sentence_spans`.
    """
    return np.searchsorted(boundary_positions, positions, side="right") - np.searchsorted(
        boundary_positions, field_first, side="right"
    )


def sentences_around(
    texts: list[str], which: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Character span of the sentence of ``texts[which[i]]`` that holds offset ``offsets[i]``.

    The result equals the span of ``sentence_spans(texts[which[i]])`` that contains the
    offset, computed for all offsets in one pass over the joined texts (calling
    ``sentence_spans`` text by text pays numpy's set-up each time).
    """
    encoded = [text.encode("utf-8") for text in texts]
    # A blank line between texts stops every rule at a text's edge (an abbreviation look-back
    # would otherwise read the end of the previous text as part of "MS." at the start of this
    # one), so each text splits exactly as on its own.
    separator = b"\n\n"
    lengths = np.array([len(chunk) for chunk in encoded], dtype=np.int64)
    doc_begin = np.concatenate([[0], np.cumsum(lengths + len(separator))[:-1]]).astype(np.int64)
    doc_end = doc_begin + lengths
    buffer = np.frombuffer(separator.join(encoded), dtype=np.uint8)
    first = np.minimum(first_non_space(buffer, doc_begin), doc_end)
    # In characters of the joined text from here on: a sentence starts at the text's first
    # non-space character or at the last boundary before the offset, and ends at the next
    # boundary or the text's end.
    to_chars = char_positions(buffer)
    begin_c = to_chars(doc_begin)
    end_c = to_chars(doc_end)[which]
    first_c = to_chars(first)[which]
    bounds_c = np.concatenate([to_chars(boundaries(buffer)), [np.iinfo(np.int64).max]])
    at = begin_c[which] + offsets
    after = np.searchsorted(bounds_c, at, side="right")
    start = np.maximum(np.where(after > 0, bounds_c[np.maximum(after - 1, 0)], 0), first_c)
    stop = np.minimum(bounds_c[after], end_c)
    start, stop = start - begin_c[which], stop - begin_c[which]
    # As sentence_spans: no trailing whitespace (Python's notion of it, NBSP included).
    trimmed: dict[tuple[int, int, int], int] = {}
    result_end = np.empty(len(stop), dtype=np.int64)
    for i, key in enumerate(zip(which.tolist(), start.tolist(), stop.tolist(), strict=True)):
        if key not in trimmed:
            trimmed[key] = key[1] + len(texts[key[0]][key[1] : key[2]].rstrip())
        result_end[i] = trimmed[key]
    return start, result_end
