"""Words of cleaned texts, found and hashed on their UTF-8 bytes with numpy and Arrow.

Word counts, exact-duplicate keys and shingles all start from the same two steps: where each
whitespace-separated token starts, and a 64-bit hash of its casefolded form. Both run over all
the bytes of many texts at once, so no step runs Python per word. :class:`Rows` copies any rows
of a chunked string array out in one pass, for work done in an order other than the stored one.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.text import clean as textclean

GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place on uint64: every input bit affects every output bit."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


# Whitespace as Python's str.split() sees it: these ASCII bytes, plus U+0085, U+2028 and U+2029
# (the Unicode space separators are plain spaces after hygiene).
_SPACE_BYTES = np.zeros(256, dtype=bool)
_SPACE_BYTES[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_OTHER_SPACES = {2: ["\x85".encode()], 3: ["\u2028".encode(), "\u2029".encode()]}


def token_starts(offsets: np.ndarray, data: np.ndarray) -> np.ndarray:
    """Byte positions where a whitespace-separated token starts (never across two texts)."""
    space = _SPACE_BYTES[data]
    for width, encoded in _OTHER_SPACES.items():
        for start in textclean.sequences(data, encoded):
            space[start : start + width] = True
    after_space = np.empty_like(space)
    if space.size:
        after_space[0] = True
        after_space[1:] = space[:-1]
        text_starts = offsets[:-1]
        after_space[text_starts[text_starts < space.size]] = True
    after_space &= ~space
    return np.flatnonzero(after_space)


def count_words(clean: textclean.CleanTexts) -> np.ndarray:
    """Whitespace-separated tokens per text (what ``len(text.split())`` gives)."""
    starts = token_starts(clean.offsets, clean.data)
    return np.diff(np.searchsorted(starts, clean.offsets)).astype(np.int64)


def word_hashes(data: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each token's casefolded form.

    Each token is read with the whitespace that follows it (``data[start_k:start_k+1]``), so the
    tokens are an Arrow string array over the same bytes, built without copying. Arrow
    dictionary-encodes it, trims and lower-cases the distinct entries; Python casefolds only the
    non-ASCII ones (for ASCII, lower-casing is casefolding); numpy hashes their bytes. No step
    runs Python per token.
    """
    if starts.size == 0:
        return np.zeros(0, dtype=np.uint64)
    tokens = textclean.from_utf8_parts(np.append(starts, data.size).astype(np.int64), data)
    encoded = pc.dictionary_encode(tokens)
    words = pc.utf8_rtrim_whitespace(encoded.dictionary)
    lowered = pc.utf8_lower(words)
    other = pc.invert(pc.string_is_ascii(words))
    if pc.any(other).as_py():
        folded = [word.casefold() for word in pc.filter(words, other).to_pylist()]
        lowered = pc.replace_with_mask(lowered, other, pa.array(folded, pa.large_string()))
    hashes = _string_hashes(lowered)
    return hashes[encoded.indices.to_numpy(zero_copy_only=False)]


def _string_hashes(strings: pa.Array) -> np.ndarray:
    """A 64-bit hash of each string's bytes: sum of (byte + 1) * mix64(position), mixed with
    the length. Vectorised over all the bytes at once. Exact duplicates are confirmed on the
    texts; near-duplicates are decided on shingle hashes built from these (see
    :mod:`analysis.corpus.duplicates`)."""
    offsets, data = textclean.utf8_parts(strings.cast(pa.large_string()))
    lengths = np.diff(offsets)
    hashes = lengths.astype(np.uint64) * GOLDEN
    nonempty = lengths > 0
    if data.size:
        position = np.arange(data.size, dtype=np.uint64)
        position -= np.repeat(offsets[:-1].astype(np.uint64), lengths)
        position += np.uint64(0x632BE59BD9B4E019)
        weights = mix64(position)
        weights *= data.astype(np.uint64) + np.uint64(1)
        hashes[nonempty] += np.add.reduceat(weights, offsets[:-1][nonempty])
    return mix64(hashes)


class Rows:
    """A chunked string array read through numpy views of its buffers, so that any rows can be
    copied out in one pass. (``ChunkedArray.take`` would concatenate every chunk first; taking
    from each chunk separately costs a call per chunk touched, and shuffled rows touch most.)
    """

    def __init__(self, texts: pa.ChunkedArray):
        chunks = [pc.fill_null(chunk.cast(pa.large_string()), "") for chunk in texts.chunks]
        self.parts = [textclean.utf8_parts(chunk) for chunk in chunks]
        self.starts = np.cumsum([0] + [len(chunk) for chunk in chunks])

    def take(self, positions: np.ndarray) -> pa.LargeStringArray:
        """The rows at ``positions``, in that order, as one array in Arrow's memory."""
        chunk = np.searchsorted(self.starts, positions, side="right") - 1
        row = positions - self.starts[chunk]
        pieces = []
        for c, r in zip(chunk.tolist(), row.tolist(), strict=True):
            offsets, data = self.parts[c]
            pieces.append(data[offsets[r] : offsets[r + 1]])
        offsets_buffer, offsets = textclean.pool_array(len(pieces) + 1, np.int64)
        offsets[0] = 0
        np.cumsum([piece.size for piece in pieces], out=offsets[1:])
        data_buffer, data = textclean.pool_array(int(offsets[-1]), np.uint8)
        if pieces:
            np.concatenate(pieces, out=data)
        return pa.LargeStringArray.from_buffers(len(pieces), offsets_buffer, data_buffer)
