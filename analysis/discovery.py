"""What the gazetteer misses: new names, model numbers, misspellings, and the words that set two
groups of documents apart (:func:`discover_candidates`, :func:`near_misses`, :func:`compare_terms`).

All three read unique documents only, titles and texts, and need no downloaded NLTK data.
Words are split by numpy and pyarrow's compute kernels rather than a Python loop, so a large
corpus is counted in C++; collocation scores come from ``nltk.collocations`` fed with those counts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from nltk.collocations import BigramCollocationFinder
from nltk.metrics import BigramAssocMeasures
from nltk.probability import FreqDist
from nltk.stem import PorterStemmer

from analysis.corpus import unique_documents
from analysis.errors import InputError
from analysis.schema import FIELDS, require_columns
from analysis.text.sentences import char_positions, sentence_spans

CANDIDATE_COLUMNS = ["candidate", "pattern", "count", "documents", "example", "doc_id"]
NEAR_MISS_COLUMNS = [
    "surface",
    "count",
    "did_you_mean",
    "entity_id",
    "similarity",
    "example",
    "doc_id",
]
TERM_COLUMNS = ["term", "count_a", "count_b", "log_odds", "z"]
PATTERNS = ("name", "model", "collocation")

# English function words (NLTK's stop-word list is downloaded data, so it is written out here).
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    s t don didn doesn isn wasn weren won wouldn shouldn couldn ve ll re d m o y let us said says
    say mr mrs ms dr one two three many much may might must shall get got going go know think
    well yeah okay thank thanks""".split()
)
# Words trimmed from either end of a capitalised run: they start sentences or name dates.
_NAME_JUNK = frozenset(
    """the a an and but or so if in on at of for to from by with as this that these those there
    here it its we our us you your they their he she his her i my what when where why how who
    which while after before since during today yesterday tomorrow tonight now then also thank
    thanks yes no please mr mrs ms dr monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    last next every each all some many most more""".split()
)
# "Ukrainian", "Europeans": adjectives and peoples, not names to add.
_DEMONYM_ENDINGS = ("ian", "ians", "ean", "eans", "ican", "icans", "ese", "ish")
# Prefixes of letter-number codes that are not weapons in news and government text: diseases
# and their variants' masks, summits (G-7, COP26), highways, visas, fiscal years, executive
# orders and memoranda, fuels.
_MODEL_STOP = frozenset("COVID SARS MERS G H I K FY EO NSM PM Q W CO COP N E".split())
_LOWER_SHARE = 0.1  # a single capitalised word is a name when under 10 % of its uses are lower-case

_MID_SENTENCE_ENDS = frozenset("abcdefghijklmnopqrstuvwxyz,;")
_ALIAS_WORD = re.compile(r"[^\W\d_]+")
_LETTER = r"^\p{L}$"  # RE2 (pyarrow): a word is a run of letters, anything else separates
_CAP = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*"
# No look-behind at the start: Python's re then skips quickly to capitals; the character before
# a match is checked by hand.
_NAME = re.compile(rf"{_CAP}(?:[ \xa0](?:of (?:the )?)?{_CAP}){{0,3}}(?![\w-])")
_MODEL = re.compile(
    r"(?:[A-Z][A-Za-z]{0,4}-\d{1,4}[A-Za-z]{0,3}\d?"  # F-16, Su-35, FGM-148, S-500, AIM-120C
    r"|[A-Z]\d{1,3}[A-Z]\d{1,2}"  # M1A2, M2A3
    r"|[A-Z]{1,3}\d{2,4}[A-Z]?"  # M142, M777, T90, F16
    r")(?![\w-])"
)


# --- shared helpers -----------------------------------------------------------------------------


def _unique_documents(documents: pd.DataFrame) -> pd.DataFrame:
    require_columns(documents, ["doc_id", "title", "text", "duplicate_of"], "documents")
    if documents.index.equals(pd.RangeIndex(len(documents))) and (
        documents["duplicate_of"].eq("").all()
    ):
        return documents  # already unique (a report's selection): no copy of every text
    return unique_documents(documents)


def _entities(gazetteer) -> pd.DataFrame:
    if gazetteer is None:
        from analysis.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    entities = getattr(gazetteer, "entities", None)
    if entities is None:
        raise InputError("gazetteer: expected a Gazetteer (with an .entities frame)")
    require_columns(entities, ["id", "aliases"], "gazetteer.entities")
    return entities


def _fold(text: str) -> str:
    """The form aliases and candidates are compared in: lower case, hyphens as spaces."""
    return " ".join(text.casefold().replace("-", " ").replace("’", "'").split())


def _example(text: str, position: int) -> str:
    """The sentence of ``text`` containing ``position``, whitespace collapsed."""
    for start, end in sentence_spans(text):
        if start <= position < end:
            return " ".join(text[start:end].split())
    return " ".join(text[max(0, position - 100) : position + 100].split())


def _find(text: str, phrase: str) -> int:
    """Offset of the first case-insensitive whole-word occurrence of ``phrase`` (words separated
    by any non-letters), or -1."""
    words = [re.escape(w) for w in _ALIAS_WORD.findall(phrase)]
    if not words:
        return -1
    pattern = r"(?<![^\W\d_])" + r"[^\w]+".join(words) + r"(?![^\W\d_])"
    found = re.search(pattern, text, flags=re.IGNORECASE)
    return found.start() if found else -1


@dataclass(frozen=True)
class Tokens:
    """Every word of the unique documents' titles and texts, in order, numbered against a
    vocabulary (:func:`corpus_tokens`): what the gazetteer audit counts, split once."""

    row: np.ndarray  # int32: the document's position in the (unique) documents frame
    field: np.ndarray  # int8: 0 title, 1 text
    code: np.ndarray  # int32: index into vocabulary
    vocabulary: np.ndarray  # object: each distinct word as written, in order of first use
    key: tuple = ()  # what was split (see _key), to check a reuse

    def folded(self) -> tuple[np.ndarray, np.ndarray]:
        """Codes into a lower-cased vocabulary, and that vocabulary."""
        lower = pd.Series(self.vocabulary, dtype=object).str.lower()
        mapping, uniques = pd.factorize(lower)
        return mapping.astype(np.int32)[self.code], np.asarray(uniques, dtype=object)

    def same_segment(self) -> np.ndarray:
        """For each token but the last: is the next token in the same title or text?"""
        return (self.row[1:] == self.row[:-1]) & (self.field[1:] == self.field[:-1])


_PIECE_BYTES = 8 << 20
"""Text split at a time: bounds the memory of the word lists, and lets two threads split."""


_LETTERS: dict[int, bool] = {}
"""Whether RE2's ``\\p{L}`` matches a non-ASCII code point, for those seen so far."""


def _are_letters(points: np.ndarray) -> np.ndarray:
    """For each code point, whether it is a letter as RE2 (pyarrow's regular expressions)
    defines one: the words are those ``pc.split_pattern_regex(texts, r"[^\\p{L}]+")`` gives."""
    unique, inverse = np.unique(points, return_inverse=True)
    new = [point for point in unique.tolist() if point not in _LETTERS]
    if new:
        probe = pa.array([chr(point) for point in new], pa.string())
        found = pc.match_substring_regex(probe, _LETTER).to_pylist()
        _LETTERS.update(zip(new, map(bool, found), strict=True))
    return np.array([_LETTERS[point] for point in unique.tolist()], dtype=bool)[inverse]


def _letter_bytes(data: np.ndarray) -> np.ndarray:
    """For each byte of UTF-8 ``data``: is it (part of) a letter? ASCII letters by value; a
    longer character's bytes all take the verdict of its code point (:func:`_are_letters`)."""
    folded = data | 0x20
    np.subtract(folded, 97, out=folded)  # uint8: wraps around below "a"
    letter = folded < 26  # a-z, A-Z (a byte >= 0x80 never folds into them)
    del folded
    leads = np.flatnonzero(data >= 0xC0)
    if not len(leads):
        return letter
    padded = np.concatenate([data, np.zeros(3, np.uint8)])
    first = data[leads].astype(np.int32)
    length = np.where(first >= 0xF0, 4, np.where(first >= 0xE0, 3, 2))
    b1, b2, b3 = ((padded[leads + k] & 0x3F).astype(np.int32) for k in (1, 2, 3))
    point = np.where(
        length == 2,
        ((first & 0x1F) << 6) | b1,
        np.where(
            length == 3,
            ((first & 0x0F) << 12) | (b1 << 6) | b2,
            ((first & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3,
        ),
    )
    verdict = _are_letters(point)
    letter[leads] = verdict
    for k in (1, 2, 3):
        longer = length > k
        letter[leads[longer] + k] = verdict[longer]
    return letter


def _inside_word(positions: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """For each byte position, whether it lies strictly inside a run [start, end)."""
    run = np.searchsorted(starts, positions, side="right") - 1
    return (run >= 0) & (positions < ends[np.maximum(run, 0)])


def _split_piece(piece: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Words of letters of one slice of texts (dictionary-encoded), and each word's row in it.

    The words are the runs of letters of each text, as splitting at ``[^\\p{L}]+`` with
    pyarrow gives them, found on the UTF-8 bytes with numpy (three times faster than the
    regular expression): a run starts at a letter after a non-letter or a text's start, and
    ends before a non-letter or a text's end.
    """
    piece = piece.fill_null("") if piece.null_count else piece
    _, offsets_buffer, data_buffer = piece.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[
        piece.offset : piece.offset + len(piece) + 1
    ]
    base = int(offsets[0])
    data = np.frombuffer(data_buffer, dtype=np.uint8)[base : int(offsets[-1])]
    letter = _letter_bytes(data)
    step = np.diff(letter.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    del letter
    starts, ends = np.flatnonzero(step == 1), np.flatnonzero(step == -1)
    # A text that starts with a letter right after one that ends with a letter: one run of
    # the bytes, two words.
    inner = offsets[1:-1] - base
    joined = inner[(inner > 0) & (inner < len(data))]
    joined = joined[step[joined] == 0]  # no letter either side, or inside a run
    if len(joined) and len(starts):
        joined = np.unique(joined[_inside_word(joined, starts, ends)])  # empty texts repeat
        starts = np.insert(starts, np.searchsorted(starts, joined), joined)
        ends = np.insert(ends, np.searchsorted(ends, joined), joined)
    del step
    if not len(starts):
        return pc.dictionary_encode(pa.array([], pa.large_string())), np.zeros(0, np.int64)
    bounds = np.empty(2 * len(starts), dtype=np.int64)  # word, gap, word, gap ... word
    bounds[0::2], bounds[1::2] = starts + base, ends + base
    spans = pa.LargeStringArray.from_buffers(len(bounds) - 1, pa.py_buffer(bounds), data_buffer)
    words = spans.take(pa.array(np.arange(0, len(bounds) - 1, 2)))
    rows = np.searchsorted(offsets - base, starts, side="right") - 1
    return pc.dictionary_encode(words), rows.astype(np.int64)


def _pieces(texts: pa.Array) -> list[tuple[int, pa.Array]]:
    """(first row, slice) of ``texts``, each slice about :data:`_PIECE_BYTES` of text."""
    ends = np.cumsum(pc.binary_length(texts).fill_null(0).to_numpy(zero_copy_only=False))
    total = int(ends[-1]) if len(ends) else 0
    bounds = np.searchsorted(ends, np.arange(_PIECE_BYTES, total, _PIECE_BYTES), side="right")
    cuts = [0, *sorted(set(bounds.tolist()) - {0, len(texts)}), len(texts)]
    return [(a, texts.slice(a, b - a)) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def _tokens(documents: pd.DataFrame) -> Tokens:
    """Split titles and texts into words of letters (C++ kernels; see the module notes).

    The texts are split in slices, two at a time (pyarrow's kernels release the GIL), and the
    slices' vocabularies joined in order, so the words are numbered by first use as a single
    pass would number them.
    """
    from concurrent.futures import ThreadPoolExecutor

    n = len(documents)
    arrays = [
        pa.array(documents[field].fillna(""), from_pandas=True).cast(pa.large_string())
        for field in FIELDS
    ]
    # A frame read from a corpus store holds chunked columns: concatenate their chunks.
    chunks = [chunk for array in arrays for chunk in getattr(array, "chunks", [array])]
    texts = pa.concat_arrays(chunks) if chunks else pa.array([], pa.large_string())
    pieces = _pieces(texts)
    with ThreadPoolExecutor(max_workers=2) as pool:
        split = list(pool.map(lambda piece: _split_piece(piece[1]), pieces))
    dictionaries = [encoded.dictionary.to_numpy(zero_copy_only=False) for encoded, _ in split]
    joined = np.concatenate(dictionaries) if dictionaries else np.array([], dtype=object)
    numbering, vocabulary = pd.factorize(joined)
    numbering = numbering.astype(np.int32)
    offsets = np.cumsum([0, *map(len, dictionaries)])
    # Each slice's arrays in their final (small) types at once: 21 M tokens in int64 are
    # 170 MB an array.
    codes, rows, fields = [], [], []
    for k, ((first, _), (encoded, found)) in enumerate(zip(pieces, split, strict=True)):
        codes.append(numbering[offsets[k] : offsets[k + 1]][encoded.indices.to_numpy()])
        parent = found + first
        rows.append((parent % max(n, 1)).astype(np.int32))
        fields.append((parent // max(n, 1)).astype(np.int8))
    split.clear()
    return Tokens(
        row=np.concatenate(rows or [np.zeros(0, np.int32)]),
        field=np.concatenate(fields or [np.zeros(0, np.int8)]),
        code=np.concatenate(codes or [np.zeros(0, np.int32)]),
        vocabulary=np.asarray(vocabulary, dtype=object),
        key=_key(documents),
    )


def _key(documents: pd.DataFrame) -> tuple:
    """The documents' ids and the length of each title and text: tokens split from other
    documents are never reused."""
    if "doc_id" not in documents.columns:
        return ()
    lengths = [tuple(documents[field].fillna("").str.len().tolist()) for field in FIELDS]
    return (tuple(documents["doc_id"].tolist()), *lengths)


def corpus_tokens(documents: pd.DataFrame) -> Tokens:
    """The words of the unique documents, split once for several audits of the same frame.

    :func:`near_misses` and :func:`discover_candidates` each split the whole corpus into
    words; a report that shows both passes this to them (``tokens=``) and splits once.
    """
    return _tokens(_unique_documents(documents))


def _tokens_for(unique: pd.DataFrame, tokens: Tokens | None) -> Tokens:
    """``tokens`` when they were split from these unique documents, else a fresh split."""
    if tokens is not None and tokens.key == _key(unique):
        return tokens
    return _tokens(unique)


def _alias_index(entities: pd.DataFrame) -> tuple[set[str], set[str]]:
    """Folded aliases (with and without spaces), and every run of words inside an alias or an
    exclusion phrase (a candidate inside "Patriot Act" was already judged by a person)."""
    grams: set[str] = set()
    parts: set[str] = set()
    for column in [c for c in ("aliases", "metonyms", "exclusions") if c in entities.columns]:
        for aliases in entities[column]:
            for alias in aliases or ():
                folded = _fold(alias)
                if column != "exclusions":
                    grams.update({folded, folded.replace(" ", "")})
                words = folded.split()
                parts.update(
                    " ".join(words[i : i + n])
                    for n in range(1, len(words) + 1)
                    for i in range(len(words) - n + 1)
                )
    return grams, parts


def _covered(candidate: str, grams: set[str], parts: set[str]) -> bool:
    """True when an alias occurs in the candidate, or the candidate is part of an alias."""
    folded = _fold(candidate)
    if folded in parts or folded.replace(" ", "") in grams:
        return True
    words = folded.split()
    return any(
        " ".join(words[i : i + n]) in grams
        for n in range(1, len(words) + 1)
        for i in range(len(words) - n + 1)
    )


# --- candidates ---------------------------------------------------------------------------------


class _Tally:
    """Occurrences, documents and first place seen (row, field, offset) of each string."""

    def __init__(self):
        self.count: Counter[str] = Counter()
        self.documents: Counter[str] = Counter()
        self.first: dict[str, tuple[int, str, int]] = {}

    def add(self, row: int, found: list[tuple[str, list[tuple[str, int]]]]) -> None:
        """Record one document: ``found`` holds (field, [(term, offset), ...]) per field."""
        seen: set[str] = set()
        for field, hits in found:
            self.count.update(term for term, _ in hits)
            for term, position in hits:
                if term not in self.first:
                    self.first[term] = (row, field, position)
                seen.add(term)
        self.documents.update(seen)

    def frame(self, pattern: str) -> pd.DataFrame:
        return pd.DataFrame(
            [
                (term, pattern, count, self.documents[term], *self.first[term])
                for term, count in self.count.items()
            ],
            columns=["candidate", "pattern", "count", "documents", "_row", "_field", "_at"],
        )


def _names(text: str) -> list[tuple[str, int]]:
    """Capitalised runs of 1-4 words, junk words trimmed from the ends, with offsets.

    A single word is kept only mid-sentence (after a lower-case letter or a comma and a space):
    at the start of a sentence or a heading every word is capitalised. This loop runs for
    every capitalised word of the corpus, hence the plain string tests.
    """
    found = []
    junk = _NAME_JUNK
    for match in _NAME.finditer(text):
        start = match.start()
        before = text[start - 1] if start else " "
        if before.isalnum() or before in "-_":
            continue
        name = match.group()
        if " " not in name and "\xa0" not in name:  # one word: the common case
            if (
                start < 2
                or before not in " \xa0"
                or text[start - 2] not in _MID_SENTENCE_ENDS
                or name.casefold() in junk
            ):
                continue
            if name.endswith(("'s", "’s")):
                name = name[:-2]
            found.append((name, start))
            continue
        words = name.split()
        while words and words[0].casefold() in junk:
            start += len(words[0]) + 1
            words = words[1:]
        while words and (words[-1].casefold() in junk or words[-1] in ("of", "the")):
            words = words[:-1]
        if not words:
            continue
        if words[-1].endswith(("'s", "’s")):
            words[-1] = words[-1][:-2]
        if len(words) == 1 and not (
            start >= 2 and text[start - 1] in " \xa0" and text[start - 2] in _MID_SENTENCE_ENDS
        ):
            continue
        found.append((" ".join(words), start))
    return found


def _models(documents: pd.DataFrame) -> _Tally:
    """Letter-number codes, plural "s" dropped ("F-16s" -> "F-16"), stop-listed prefixes out.

    A regular expression over the whole corpus would be slow, so numpy first finds the few
    places where a digit follows a capital letter or a letter and a hyphen, and the expression
    only reads a few characters around each. Documents go :data:`_MODEL_BLOCK` at a time, so
    the byte masks stay small.
    """
    tally = _Tally()
    found: dict[int, list[tuple[str, list[tuple[str, int]]]]] = {}
    for field in FIELDS:
        column = documents[field].fillna("")  # taken once: see discover_candidates
        for first in range(0, len(column), _MODEL_BLOCK):
            texts = column.iloc[first : first + _MODEL_BLOCK].tolist()
            _model_hits(texts, first, field, found)
    for row in sorted(found):
        tally.add(row, found[row])
    return tally


_MODEL_BLOCK = 1_000  # documents whose texts _models reads as bytes at a time


def _model_hits(texts: list[str], first: int, field: str, found: dict) -> None:
    """Add the codes of ``texts`` (rows ``first``, ``first + 1`` ...) to ``found``."""
    encoded = [text.encode("utf-8") for text in texts]
    lengths = np.array([len(chunk) for chunk in encoded], dtype=np.int64)
    begin = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64)
    buffer = np.frombuffer(b"\n".join(encoded), dtype=np.uint8)
    if len(buffer) < 3:
        return
    digit = (buffer >= 48) & (buffer <= 57)
    upper = (buffer >= 65) & (buffer <= 90)
    letter = upper | ((buffer >= 97) & (buffer <= 122))
    hint = np.zeros(len(buffer), dtype=bool)
    hint[1:] = digit[1:] & upper[:-1]
    hint[2:] |= digit[2:] & (buffer[1:-1] == 45) & letter[:-2]
    positions = np.flatnonzero(hint)
    if not len(positions):
        return
    rows = np.searchsorted(begin, positions, side="right") - 1
    to_chars = char_positions(buffer)
    chars = to_chars(positions) - to_chars(begin)[rows]
    last_row, last_end = -1, -1
    for row, at in zip(rows.tolist(), chars.tolist(), strict=True):
        if row == last_row and at < last_end:
            continue  # inside the code found just before ("M1A2" has two hints)
        text = texts[row]
        window_start = max(0, at - 7)
        for match in _MODEL.finditer(text, window_start, min(len(text), at + 12)):
            if not match.start() <= at < match.end():
                continue
            start = match.start()
            if start and (text[start - 1].isalnum() or text[start - 1] in "-_"):
                break
            code = re.sub(r"(?<=\d)s$", "", match.group())
            prefix = re.match(r"[A-Za-z]+", code).group().upper()
            if prefix not in _MODEL_STOP:
                found.setdefault(first + row, []).append((field, [(code, start)]))
            last_row, last_end = row, match.end()
            break


def _single_word_names(candidates: pd.DataFrame, tokens: Tokens) -> pd.Series:
    """For single-word names, True when the word is rarely written in lower case ("Congress",
    "Pentagon"; not "Federal" or "Administration", common words capitalised in titles)."""
    single = ~candidates["candidate"].str.contains(" ")
    if not single.any():
        return pd.Series(True, index=candidates.index)
    counts = np.bincount(tokens.code, minlength=len(tokens.vocabulary))
    words = pd.DataFrame({"written": tokens.vocabulary, "count": counts}).assign(
        folded=lambda d: d["written"].str.lower(),
        lower=lambda d: np.where(d["written"] == d["folded"], d["count"], 0),
    )
    by_word = words.groupby("folded")[["count", "lower"]].sum()
    share = (by_word["lower"] / by_word["count"]).reindex(
        candidates["candidate"].str.lower().to_numpy()
    )
    return pd.Series(
        ~single.to_numpy() | (share.fillna(0).to_numpy() < _LOWER_SHARE), index=candidates.index
    )


def _collocations(tokens: Tokens, heads: set[str], min_count: int, top: int) -> pd.DataFrame:
    """Bigrams of content words whose second word's stem is in ``heads``, scored by NLTK's
    likelihood ratio.

    Counting is done with numpy (NLTK's finder counts in pure Python); NLTK scores the bigrams
    seen ``min_count`` times or more.
    """
    columns = ["candidate", "count", "documents", "_row"]
    code, vocabulary = tokens.folded()
    if len(code) < 2:
        return pd.DataFrame(columns=columns)
    size = len(vocabulary)
    content = np.array([len(w) > 2 and w not in STOPWORDS for w in vocabulary.tolist()], dtype=bool)
    # Only a few hundred head stems: test words that share their first three letters first, so
    # the Porter stemmer (pure Python) runs on thousands of words, not the whole vocabulary.
    prefixes = {head[:3] for head in heads}
    stem = PorterStemmer().stem
    head_word = np.array(
        [w[:3] in prefixes and stem(w) in heads for w in vocabulary.tolist()], dtype=bool
    )
    first, second = code[:-1], code[1:]
    valid = tokens.same_segment() & content[first] & content[second] & head_word[second]
    pair = first[valid].astype(np.int64) * size + second[valid]
    row = tokens.row[:-1][valid]
    values, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
    frequent = np.flatnonzero(counts >= min_count)
    if not len(frequent):
        return pd.DataFrame(columns=columns)
    unigrams = np.bincount(code, minlength=size)
    word_fd = FreqDist(dict(zip(vocabulary.tolist(), unigrams.tolist(), strict=True)))
    bigram_fd = FreqDist(
        {
            (vocabulary[v // size], vocabulary[v % size]): int(c)
            for v, c in zip(values[frequent].tolist(), counts[frequent].tolist(), strict=True)
        }
    )
    finder = BigramCollocationFinder(word_fd, bigram_fd)
    scored = finder.score_ngrams(BigramAssocMeasures.likelihood_ratio)[:top]
    if not scored:
        return pd.DataFrame(columns=columns)
    index = {(vocabulary[v // size], vocabulary[v % size]): i for i, v in enumerate(values)}
    slots = np.array([index[pair] for pair, _ in scored])
    mask = np.isin(inverse, slots)
    per_slot = (
        pd.DataFrame({"slot": inverse[mask], "row": row[mask]})
        .groupby("slot")
        .agg(documents=("row", "nunique"), first=("row", "min"))
    )
    return pd.DataFrame(
        {
            "candidate": [f"{a} {b}" for (a, b), _ in scored],
            "count": counts[slots],
            "documents": per_slot.loc[slots, "documents"].to_numpy(),
            "_row": per_slot.loc[slots, "first"].to_numpy(),
        }
    )


def _ranked(frame: pd.DataFrame, top_n: int) -> pd.DataFrame:
    return frame.sort_values(
        ["count", "documents", "candidate"], ascending=[False, False, True], kind="stable"
    ).head(top_n)


def discover_candidates(
    documents: pd.DataFrame,
    gazetteer=None,
    *,
    top_n: int = 50,
    min_count: int = 2,
    tokens: Tokens | None = None,
) -> pd.DataFrame:
    """Names, model numbers and collocations that no alias of the gazetteer covers.

    Three patterns, each ranked by count then documents, ``top_n`` kept per pattern:

    - "name": 1-4 capitalised words from the texts ("Boris Pistorius", "Coalition of the
      Willing"), with sentence-initial and calendar words trimmed off the ends. Headlines are
      skipped (they capitalise every word). A single word counts only mid-sentence, is never a
      demonym ("Ukrainian"), and must be written in lower case in under 10 % of its uses
      ("Pentagon" yes, "Federal" no).
    - "model": letter-number codes in titles and texts ("FGM-148", "Su-35", "M1A2", "S-500",
      "M777"; "F-16s" counted as "F-16"), except prefixes that are not weapons in this kind of
      text (COVID-19, G-7, H-1B, FY2024, COP26, N95, ...).
    - "collocation": two content words that occur together far more often than chance (NLTK's
      likelihood ratio, lower case) and whose second word shares a Porter stem with the last
      word of a weapon alias ("cruise missiles" beside "ballistic missiles"), which keeps the
      list to things like the gazetteer's own weapons.

    A candidate is dropped when an alias (or metonym) occurs inside it, or when it is part of
    an alias or of an exclusion phrase; comparisons ignore case and hyphens.

    Parameters
    ----------
    documents : documents frame (uses doc_id, title, text, duplicate_of).
    gazetteer : Gazetteer (its ``entities`` frame has ``aliases`` tuples); None for the default.
    top_n : candidates kept per pattern.
    min_count : fewest occurrences for a candidate (collocations: at least 2).
    tokens : :func:`corpus_tokens` of ``documents``, when already split (same result).

    Returns
    -------
    frame: candidate (as first written; collocations in lower case), pattern ("name" |
    "model" | "collocation"), count (occurrences), documents (distinct documents), example (the
    first sentence it occurs in, whitespace collapsed), doc_id (of that sentence); patterns in
    the order above, each ranked by count and documents, descending.
    """
    entities = _entities(gazetteer)
    unique = _unique_documents(documents)
    grams, parts = _alias_index(entities)
    names = _Tally()
    column = unique["text"].fillna("")
    for first in range(0, len(column), _MODEL_BLOCK):  # a block of texts as str at a time
        for row, text in enumerate(column.iloc[first : first + _MODEL_BLOCK].tolist(), first):
            # Headlines capitalise every word ("Europe Prepares Ground Deployment"): names
            # come from the texts only.
            names.add(row, [("text", _names(text))])
    models = _models(unique)
    tokens = _tokens_for(unique, tokens)

    frames = []
    for tally, pattern in ((names, "name"), (models, "model")):
        frame = tally.frame(pattern).loc[lambda d: d["count"] >= min_count]
        frame = frame.loc[[not _covered(c, grams, parts) for c in frame["candidate"]]]
        if pattern == "name":
            frame = frame.loc[
                ~frame["candidate"].str.endswith(_DEMONYM_ENDINGS)
                | frame["candidate"].str.contains(" ")
            ]
            frame = frame.loc[_single_word_names(frame, tokens)]
        frames.append(_ranked(frame, top_n))

    kinds = entities["kind"] if "kind" in entities.columns else pd.Series("weapon", entities.index)
    stem = PorterStemmer().stem
    heads = {
        stem(words[-1])
        for aliases in entities.loc[kinds.eq("weapon"), "aliases"]
        for alias in aliases or ()
        if (words := _fold(alias).split()) and words[-1].isalpha()
    }
    collocations = _collocations(tokens, heads, max(min_count, 2), top=10 * top_n)
    collocations = _ranked(
        collocations.loc[[not _covered(c, grams, parts) for c in collocations["candidate"]]],
        top_n,
    )
    # Each column taken once: a frame's column access copies its attrs (the boilerplate spans).
    columns = {field: unique[field] for field in FIELDS}
    places = []
    for term, row in zip(collocations["candidate"], collocations["_row"], strict=True):
        for field in FIELDS:
            at = _find(columns[field].iloc[row], term)
            if at >= 0:
                places.append((field, at))
                break
        else:  # pragma: no cover - the bigram was counted in this document
            places.append(("text", 0))
    frames.append(
        collocations.assign(
            pattern="collocation",
            _field=[field for field, _ in places],
            _at=[at for _, at in places],
        )
    )

    found = pd.concat([frame.astype({"_row": "int64"}) for frame in frames], ignore_index=True)
    return (
        found.assign(
            example=[
                _example(columns[field].iloc[int(row)], int(at))
                for row, field, at in zip(found["_row"], found["_field"], found["_at"], strict=True)
            ],
            doc_id=unique["doc_id"].to_numpy()[found["_row"].to_numpy(dtype=np.int64)],
        )
        .astype({"candidate": "str", "count": "int64", "documents": "int64", "doc_id": "str"})[
            CANDIDATE_COLUMNS
        ]
        .reset_index(drop=True)
    )


# --- near misses --------------------------------------------------------------------------------


def _levenshtein(a: np.ndarray, a_len: np.ndarray, b: np.ndarray, b_len: np.ndarray) -> np.ndarray:
    """Edit distance (insertions, deletions, substitutions) of many word pairs at once.

    ``a`` and ``b`` are (pairs x width) arrays of character codes, zero-padded; ``a_len`` and
    ``b_len`` the true lengths. The dynamic programme runs cell by cell for all pairs together,
    the distance of pair k being read at row a_len[k], column b_len[k]: half a million pairs
    take about a second, where ``nltk.edit_distance`` in a Python loop takes minutes.
    """
    pairs, width_b = b.shape
    result = np.array(b_len, dtype=np.int64)  # distance when a is empty
    previous = np.tile(np.arange(width_b + 1, dtype=np.int64), (pairs, 1))
    for i in range(1, a.shape[1] + 1):
        current = np.empty_like(previous)
        current[:, 0] = i
        for j in range(1, width_b + 1):
            substitute = previous[:, j - 1] + (a[:, i - 1] != b[:, j - 1])
            current[:, j] = np.minimum(
                np.minimum(previous[:, j], current[:, j - 1]) + 1, substitute
            )
        finished = a_len == i
        if finished.any():
            result[finished] = current[finished, b_len[finished]]
        previous = current
    return result


def _char_codes(words: list[str], width: int) -> np.ndarray:
    """Words as a (words x width) array of code points, zero-padded (and cut at ``width``)."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    flat = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    columns = np.arange(max(width, 1))
    inside = columns < lengths[:, None]
    index = np.minimum(starts[:, None] + columns, max(len(flat) - 1, 0))
    return np.where(inside, flat[index] if len(flat) else 0, 0)


def _letter_counts(words: list[str]) -> np.ndarray:
    """How often each letter a-z (and anything else, column 26) occurs in each word."""
    codes = _char_codes(words, max(map(len, words), default=1))
    letters = np.where((codes >= 97) & (codes <= 122), codes - 97, 26)
    index = (np.arange(len(words))[:, None] * 27 + letters)[codes > 0]
    return np.bincount(index, minlength=len(words) * 27).reshape(len(words), 27)


def _bag_distance(words: pd.Series, others: pd.Series) -> np.ndarray:
    """A lower bound of the edit distance from letter counts (Bartolini et al. 2002).

    The larger of "letters of a missing from b" and "letters of b missing from a" (counted with
    multiplicity) never exceeds the edit distance, and costs one vectorised pass: it discards
    most pairs before the dynamic programme. The second equals the first minus the difference
    in length, so one sum is enough; pairs go in blocks, so memory stays small.
    """
    if len(words) == 0:
        return np.zeros(0, dtype=np.int64)
    word_index, word_values = pd.factorize(words)
    other_index, other_values = pd.factorize(others)
    word_counts = _letter_counts(list(word_values)).astype(np.int16)
    other_counts = _letter_counts(list(other_values)).astype(np.int16)
    word_length = word_counts.sum(1, dtype=np.int64)[word_index]
    other_length = other_counts.sum(1, dtype=np.int64)[other_index]
    missing = np.empty(len(words), dtype=np.int64)
    for begin in range(0, len(words), _BAG_BLOCK):
        block = slice(begin, begin + _BAG_BLOCK)
        difference = word_counts[word_index[block]] - other_counts[other_index[block]]
        missing[block] = np.maximum(difference, 0).sum(1, dtype=np.int64)
    return np.maximum(missing, missing - (word_length - other_length))


_BAG_BLOCK = 1 << 18  # word pairs compared at a time by _bag_distance


def _member(codes: np.ndarray, wanted: np.ndarray, size: int) -> np.ndarray:
    """``np.isin(codes, wanted)`` for codes below ``size``, by a look-up table (no sort of the
    corpus's tokens)."""
    table = np.zeros(max(size, 1), dtype=bool)
    table[np.asarray(wanted, dtype=np.int64)] = True
    return table[codes]


_INFLECTIONS = frozenset("s es n ns an ans ian ians ese i is".split())


def _variant(word: str, alias: str) -> bool:
    """Forms the matcher or the gazetteer already handle: plurals, demonyms ("Russian")."""
    for longer, shorter in ((word, alias), (alias, word)):
        if longer.startswith(shorter) and longer[len(shorter) :] in _INFLECTIONS:
            return True
    return (alias.endswith("y") and word == alias[:-1] + "ies") or (
        word.endswith("y") and alias == word[:-1] + "ies"
    )


def _alias_words(
    entities: pd.DataFrame,
) -> tuple[dict[str, tuple[str, str, frozenset | None]], set[str], set[str]]:
    """Alias words to compare with, every alias word, and words of exclusion phrases.

    Each target word maps to (as written, entity_id, context). Context is None for a one-word
    alias; for a word of a longer alias it is the set of ("left" | "right", neighbour) pairs
    the word has in its aliases: a misspelling of "State" only matters inside "Department of
    Stat", so "Stat" must be found after "of" to be reported (alone it is noise).
    """
    targets: dict[str, tuple[str, str, frozenset | None]] = {}
    context: dict[str, set[tuple[str, str]] | None] = {}
    every: set[str] = set()
    excluded: set[str] = set()
    exclusions = entities["exclusions"] if "exclusions" in entities.columns else None
    for position, (entity_id, aliases) in enumerate(
        zip(entities["id"], entities["aliases"], strict=True)
    ):
        for alias in aliases or ():
            words = _ALIAS_WORD.findall(alias)
            folded = [w.casefold() for w in words]
            every.update(folded)
            for k, (word, key) in enumerate(zip(words, folded, strict=True)):
                if len(words) == 1 and context.get(key, ()) is not None:
                    # The entity whose whole alias this word is owns it ("Trump": Donald
                    # Trump, not Barron Trump).
                    targets[key] = (word, entity_id, None)
                    context[key] = None
                    continue
                targets.setdefault(key, (word, entity_id, None))
                if context.get(key, set()) is not None:
                    sides = context.setdefault(key, set())
                    if k > 0:
                        sides.add(("left", folded[k - 1]))
                    if k + 1 < len(words):
                        sides.add(("right", folded[k + 1]))
        if exclusions is not None:
            for phrase in exclusions.iloc[position] or ():
                excluded.update(w.casefold() for w in _ALIAS_WORD.findall(phrase))
    targets = {
        key: (word, entity_id, None if context.get(key) is None else frozenset(context[key]))
        for key, (word, entity_id, _) in targets.items()
    }
    return targets, every, excluded


def _in_context(
    found: pd.DataFrame, tokens: Tokens, code: np.ndarray, words: np.ndarray, targets
) -> np.ndarray:
    """For each (word, alias word) row: True when the alias word needs no context, or the word
    occurs in the corpus beside one of the alias word's neighbours."""
    needs = [targets[alias][2] for alias in found["alias"]]
    if all(context is None for context in needs):
        return np.ones(len(found), dtype=bool)
    code_of = {word: index for index, word in enumerate(words.tolist())}
    wanted = np.array([code_of[word] for word in found["folded"]], dtype=code.dtype)
    positions = np.flatnonzero(_member(code, wanted, len(words)))
    same = tokens.same_segment()
    observed: set[tuple[int, str, int]] = set()
    for p in positions.tolist():
        if p > 0 and same[p - 1]:
            observed.add((int(code[p]), "left", int(code[p - 1])))
        if p + 1 < len(code) and same[p]:
            observed.add((int(code[p]), "right", int(code[p + 1])))
    return np.array(
        [
            context is None
            or any(
                (int(word_code), side, code_of.get(neighbour, -1)) in observed
                for side, neighbour in context
            )
            for word_code, context in zip(wanted.tolist(), needs, strict=True)
        ],
        dtype=bool,
    )


def near_misses(
    documents: pd.DataFrame,
    gazetteer=None,
    *,
    max_ratio: float = 0.01,
    min_length: int = 6,
    tokens: Tokens | None = None,
) -> pd.DataFrame:
    """Words a small edit away from an alias word: misspellings the matcher does not count.

    Each word of the corpus is compared (ignoring case) with the alias words that start with
    the same letter, allowing one edit for alias words of up to 7 letters and two from 8
    ("Zelenskky" -> "Zelenskyy", "ammunication" -> "ammunition"). Without a dictionary (NLTK's
    word lists are downloaded data) real words near an alias word are the risk ("done" near
    "drone", "stages" near "States"), so:

    - alias words shorter than ``min_length`` letters are skipped (capitalised names: from one
      letter fewer), and a capitalised alias word only matches capitalised spellings;
    - a misspelt word of a multi-word alias is reported only where it stands beside a
      neighbour it has in that alias ("Department of Stat"; "Stat" alone is noise);
    - a near miss must appear in at most ``max_ratio`` times as many documents as its alias
      word (2 documents are always allowed): a misspelling is rare beside the correct form,
      a real word ("stated" beside "States") is common;
    - alias words themselves, words of exclusion phrases ("Zelenska") and plurals or demonyms
      ("drones", "Russian") are never reported.

    Parameters
    ----------
    documents : documents frame (uses doc_id, title, text, duplicate_of).
    gazetteer : Gazetteer; None for the default.
    max_ratio : see above.
    min_length : shortest lower-case alias word compared.
    tokens : :func:`corpus_tokens` of ``documents``, when already split (same result).

    Returns
    -------
    frame: surface (as most often written), count (occurrences, all spellings of that word),
    did_you_mean (the alias word as written in the gazetteer), entity_id, similarity (1 -
    edits / length of the longer word), example (first sentence containing it), doc_id; ordered
    by count, similarity and surface.
    """
    entities = _entities(gazetteer)
    unique = _unique_documents(documents)
    empty = pd.DataFrame({column: pd.Series(dtype="object") for column in NEAR_MISS_COLUMNS})
    alias_words, every_alias_word, excluded = _alias_words(entities)
    targets = {
        w: v
        for w, v in alias_words.items()
        if w.isalpha() and len(w) >= (min_length - 1 if v[0][:1].isupper() else min_length)
    }
    table_rows = [(word, written, entity_id) for word, (written, entity_id, _) in targets.items()]
    if not targets or unique.empty:
        return empty
    tokens = _tokens_for(unique, tokens)
    folded_code, folded = tokens.folded()
    counts = np.bincount(tokens.code, minlength=len(tokens.vocabulary))
    spellings = (
        pd.DataFrame({"written": tokens.vocabulary, "count": counts})
        .assign(folded=lambda d: d["written"].str.lower())
        .sort_values(["count", "written"], ascending=[False, True], kind="stable")
    )
    words = (
        spellings.groupby("folded", sort=False)
        .agg(surface=("written", "first"), count=("count", "sum"))
        .reset_index()
        .assign(length=lambda d: d["folded"].str.len(), initial=lambda d: d["folded"].str[0])
    )
    alias_table = pd.DataFrame(table_rows, columns=["alias", "did_you_mean", "entity_id"]).assign(
        alias_length=lambda d: d["alias"].str.len(),
        initial=lambda d: d["alias"].str[0],
        max_edits=lambda d: np.where(d["alias_length"] >= 8, 2, 1),
    )
    # Candidate pairs share the first letter and a length within max_edits: joining on both
    # keeps the table to the pairs worth a look (joining on the letter alone makes millions).
    lengths = alias_table.loc[alias_table.index.repeat(5)].assign(
        length=lambda d: d["alias_length"] + np.tile(np.arange(-2, 3), len(alias_table))
    )
    lengths = lengths.loc[
        (lengths["length"] - lengths["alias_length"]).abs() <= lengths["max_edits"]
    ]
    words = words.loc[~words["folded"].isin(every_alias_word | excluded)]
    # One initial letter at a time: the join makes millions of pairs at 14k documents, and
    # only those within the letter-count bound are kept.
    kept = []
    for initial, group in words.groupby("initial", sort=False):
        pairs = group.merge(lengths.loc[lengths["initial"] == initial], on=["initial", "length"])
        pairs = pairs.loc[
            ~pairs["did_you_mean"].str[0].str.isupper() | pairs["surface"].str[0].str.isupper()
        ]
        kept.append(pairs.loc[_bag_distance(pairs["folded"], pairs["alias"]) <= pairs["max_edits"]])
    pairs = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()
    if pairs.empty:
        return empty

    # Documents per word, for the words in play only (a sort of all 21 M tokens costs seconds).
    in_play = pd.Index(folded).get_indexer(pd.unique(pd.concat([pairs["folded"], pairs["alias"]])))
    in_play = in_play[in_play >= 0]
    mask = _member(folded_code, in_play, len(folded))
    # Distinct (word, document) pairs as one integer each: no frame of millions of strings.
    seen = np.unique(folded_code[mask].astype(np.int64) * (len(unique) + 1) + tokens.row[mask])
    per_code = np.bincount(seen // (len(unique) + 1), minlength=len(folded))
    documents_per_word = pd.Series(per_code[in_play], index=folded[in_play])
    pairs = pairs.assign(
        documents=pairs["folded"].map(documents_per_word).fillna(0).astype("int64"),
        alias_documents=pairs["alias"].map(documents_per_word).fillna(0).astype("int64"),
    ).loc[lambda d: d["documents"] <= np.maximum(2, max_ratio * d["alias_documents"])]
    if pairs.empty:
        return empty
    width = int(max(pairs["length"].max(), pairs["alias_length"].max()))
    edits = _levenshtein(
        _char_codes(pairs["alias"].tolist(), width),
        pairs["alias_length"].to_numpy(dtype=np.int64),
        _char_codes(pairs["folded"].tolist(), width),
        pairs["length"].to_numpy(dtype=np.int64),
    )
    found = pairs.assign(edits=edits).loc[
        lambda d: (d["edits"] > 0) & (d["edits"] <= d["max_edits"])
    ]
    found = found.loc[
        [not _variant(w, a) for w, a in zip(found["folded"], found["alias"], strict=True)]
    ]
    found = found.loc[_in_context(found, tokens, folded_code, folded, targets)]
    if found.empty:
        return empty
    found = (
        found.assign(
            similarity=lambda d: 1 - d["edits"] / np.maximum(d["length"], d["alias_length"])
        )
        # One suggestion per word: the closest alias word, then the best attested.
        .sort_values(["similarity", "alias_documents", "alias"], ascending=[False, False, True])
        .drop_duplicates("folded")
        .sort_values(["count", "similarity", "surface"], ascending=[False, False, True])
    )
    # The first occurrence of each reported word, in one pass over the tokens.
    code_of = {word: code for code, word in enumerate(folded.tolist())}
    wanted = np.array([code_of[word] for word in found["folded"]], dtype=folded_code.dtype)
    positions = np.flatnonzero(_member(folded_code, wanted, len(folded)))
    codes, first_index = np.unique(folded_code[positions], return_index=True)
    first_of = dict(zip(codes.tolist(), positions[first_index].tolist(), strict=True))
    columns = {field: unique[field] for field in FIELDS}  # once: see discover_candidates
    doc_ids = unique["doc_id"]
    places = []
    for code, word in zip(wanted.tolist(), found["folded"], strict=True):
        index = first_of[code]
        row, field = int(tokens.row[index]), FIELDS[int(tokens.field[index])]
        text = columns[field].iloc[row]
        places.append((row, _example(text, max(0, _find(text, word)))))
    return (
        found.assign(
            example=[example for _, example in places],
            doc_id=[doc_ids.iloc[row] for row, _ in places],
        )
        .astype({"surface": "str", "count": "int64", "similarity": "float64"})[NEAR_MISS_COLUMNS]
        .reset_index(drop=True)
    )


NEAR_NAME_LENGTH = 8
"""Letters a name must have before a near-name pass may count a spelling near it."""


def near_names(documents: pd.DataFrame, gazetteer=None) -> list[tuple[str, str]]:
    """Spellings to count as mentions of a long name: the near-name pass.

    Of the :func:`near_misses`, only a capitalised spelling one edit from a one-word alias of
    at least :data:`NEAR_NAME_LENGTH` letters that the entity has as a whole, or two edits from
    one of ten letters or more ("Zelanski", "Zelnski" for Zelensky; "Stoltenbreg"); never a
    short name, where a real word is too close, nor a demonym of a place ("Mauritian"). Names
    sit near other names ("Radcliffe", "Dominic"), so the extractor counts such a spelling only
    in a document that names the entity exactly too (:mod:`analysis.senses`).
    Returns (entity_id, spelling) pairs for :func:`analysis.gazetteer.with_near_names`.
    """
    entities = _entities(gazetteer)
    misses = near_misses(documents, gazetteer)
    if misses.empty:
        return []
    whole = {
        (entity_id, alias)
        for entity_id, aliases in zip(entities["id"], entities["aliases"], strict=True)
        for alias in aliases or ()
        if " " not in alias and len(alias) >= NEAR_NAME_LENGTH and alias[:1].isupper()
    }
    places = set(entities.loc[entities["category"].isin(["state", "region"]), "id"])
    longer = np.maximum(misses["surface"].str.len(), misses["did_you_mean"].str.len())
    edits = np.rint((1 - misses["similarity"]) * longer).astype(int)
    chosen = misses.loc[
        [
            (entity_id, alias) in whole
            and surface[:1].isupper()
            and (n == 1 or (n == 2 and len(alias) >= 2 + NEAR_NAME_LENGTH))
            and not (entity_id in places and surface.lower().endswith(_DEMONYM_ENDINGS))
            for entity_id, alias, surface, n in zip(
                misses["entity_id"], misses["did_you_mean"], misses["surface"], edits,
                strict=True,
            )
        ]
    ]
    return sorted(zip(chosen["entity_id"], chosen["surface"], strict=True))


_DEMONYM_ENDINGS = ("ian", "ians", "ean", "eans", "an", "ans", "ine", "ines", "ese", "ish", "i")


# --- comparing two groups -----------------------------------------------------------------------


def _group_mask(documents: pd.DataFrame, group: Any, name: str) -> np.ndarray:
    """A boolean mask over ``documents`` from a mask (aligned Series or positional) or doc_ids."""
    if isinstance(group, pd.Series) and pd.api.types.is_bool_dtype(group):
        return group.reindex(documents.index, fill_value=False).to_numpy(dtype=bool)
    values = np.asarray(group if isinstance(group, np.ndarray) else list(group))
    if values.dtype == bool:
        if len(values) != len(documents):
            raise InputError(
                f"{name}: boolean mask has {len(values)} values for {len(documents)} documents"
            )
        return values
    wanted = {str(v) for v in values}
    unknown = wanted - set(documents["doc_id"])
    if unknown:
        example = ", ".join(sorted(unknown)[:3])
        raise InputError(f"{name}: {len(unknown)} doc_id(s) not in documents (e.g. {example})")
    return documents["doc_id"].isin(wanted).to_numpy()


def compare_terms(
    documents: pd.DataFrame,
    group_a: Any,
    group_b: Any,
    *,
    top_n: int = 30,
    min_count: int = 3,
    prior_size: float | None = None,
) -> pd.DataFrame:
    """Words that set group A apart from group B: weighted log-odds, informative Dirichlet prior.

    Monroe, Colaresi & Quinn (2008), "Fightin' Words", section 3.5: for word w with counts y_a,
    y_b in groups of n_a, n_b words and prior alpha_w = alpha_0 * (y_a + y_b) / (n_a + n_b),

        delta_w = log((y_a + alpha_w) / (n_a + alpha_0 - y_a - alpha_w))
                - log((y_b + alpha_w) / (n_b + alpha_0 - y_b - alpha_w)),
        var(delta_w) ~ 1 / (y_a + alpha_w) + 1 / (y_b + alpha_w),   z_w = delta_w / sqrt(var).

    The prior (the two groups together are the background) shrinks rare words towards zero, so
    the list is not topped by words seen twice; rank by z, not by log_odds. Words are lower-case
    runs of letters from titles and texts, without English function words.

    Parameters
    ----------
    documents : documents frame (uses doc_id, title, text, duplicate_of); duplicates dropped.
    group_a, group_b : boolean masks over ``documents`` (a Series aligned on its index, or an
        array in its order) or iterables of doc_ids. A document in both groups counts in both.
    top_n : words kept at each end: the top_n most typical of A and of B.
    min_count : fewest occurrences in both groups together.
    prior_size : alpha_0; default n_a + n_b, so the prior weighs as much as the data.

    Returns
    -------
    frame: term, count_a, count_b, log_odds (delta_w; > 0: more typical of A), z; ordered by z
    descending (A's words first, B's last).
    """
    require_columns(documents, ["doc_id", "title", "text", "duplicate_of"], "documents")
    # The masks are positional over ``documents``, so the unique_documents rule is applied as a
    # mask here rather than by filtering first.
    unique = documents["duplicate_of"].eq("").to_numpy()
    mask_a = _group_mask(documents, group_a, "group_a") & unique
    mask_b = _group_mask(documents, group_b, "group_b") & unique
    if not mask_a.any() or not mask_b.any():
        raise InputError("compare_terms: each group needs at least one (unique) document")
    chosen = documents.loc[mask_a | mask_b].reset_index(drop=True)
    in_a, in_b = mask_a[mask_a | mask_b], mask_b[mask_a | mask_b]
    tokens = _tokens(chosen)
    code, vocabulary = tokens.folded()
    size = len(vocabulary)
    counts = pd.DataFrame(
        {
            "term": vocabulary,
            "count_a": np.bincount(code[in_a[tokens.row]], minlength=size),
            "count_b": np.bincount(code[in_b[tokens.row]], minlength=size),
        }
    )
    counts = counts.loc[
        [len(term) > 1 and term not in STOPWORDS for term in counts["term"].tolist()]
    ]
    n_a, n_b = int(counts["count_a"].sum()), int(counts["count_b"].sum())
    if n_a == 0 or n_b == 0:
        raise InputError("compare_terms: each group needs at least one word")
    y_a, y_b = counts["count_a"], counts["count_b"]
    alpha_0 = float(n_a + n_b) if prior_size is None else float(prior_size)
    alpha = alpha_0 * (y_a + y_b) / (n_a + n_b)
    delta = np.log((y_a + alpha) / (n_a + alpha_0 - y_a - alpha)) - np.log(
        (y_b + alpha) / (n_b + alpha_0 - y_b - alpha)
    )
    scored = (
        counts.assign(log_odds=delta, z=delta / np.sqrt(1 / (y_a + alpha) + 1 / (y_b + alpha)))
        .loc[lambda d: d["count_a"] + d["count_b"] >= min_count]
        .sort_values(["z", "term"], ascending=[False, True], kind="stable")
    )
    ends = pd.concat([scored.head(top_n), scored.tail(top_n)]).drop_duplicates("term")
    return (
        ends.sort_values(["z", "term"], ascending=[False, True], kind="stable")
        .astype({"term": "str", "count_a": "int64", "count_b": "int64"})[TERM_COLUMNS]
        .reset_index(drop=True)
    )
