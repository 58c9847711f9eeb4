"""Text hygiene, word counts and duplicate fingerprints of every text, in parallel chunks.

All the per-text work is done in one pass over chunks of about ``_CHUNK_BYTES`` of text, in
the documents' final order, on threads (numpy and Arrow release the GIL). Hygiene is
:func:`analysis.text.clean.clean_array`: BOM removed, other encodings detected, CRLF -> LF,
Unicode space separators -> " ", NFC; mojibake is flagged, never rewritten.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis import progress
from analysis.corpus.duplicates import MINHASH_PERMUTATIONS, exact_keys, minhash_signatures
from analysis.corpus.words import Rows, token_starts, word_hashes
from analysis.text import clean as textclean

_CHUNK_BYTES = 1_000_000  # text per worker task: big enough for numpy, small for memory


@dataclass
class TextAnalysis:
    """What the pass gives, per document in the order asked for."""

    text: pa.Array  # the cleaned texts (a ChunkedArray for the whole corpus)
    n_tokens: np.ndarray
    exact_key: np.ndarray  # uint64 per document: order-sensitive hash of its casefolded words
    signatures: np.ndarray | None  # (documents, MINHASH_PERMUTATIONS) uint32
    mojibake: dict[int, str]  # position -> warning


def analyse_texts(texts: pa.ChunkedArray, order: np.ndarray, signatures: bool) -> TextAnalysis:
    """Clean, count and fingerprint ``texts[order]``, in chunks on parallel threads.

    Each task takes its documents in final order straight from the raw texts, so the cleaned
    texts come out sorted without another copy of the corpus. Results are concatenated in
    order, so threads never change them. MinHash signatures only when ``signatures``.
    """
    sizes = pc.fill_null(pc.binary_length(texts), 0).to_numpy(zero_copy_only=False)[order]
    ranges = _chunks(sizes)
    if not ranges:
        return TextAnalysis(
            pa.chunked_array([], pa.large_string()),
            np.zeros(0, np.int64),
            np.zeros(0, np.uint64),
            np.zeros((0, MINHASH_PERMUTATIONS), np.uint32) if signatures else None,
            {},
        )

    rows = Rows(texts)

    def process(bounds: tuple[int, int]) -> TextAnalysis:
        start, stop = bounds
        return _process_chunk(rows.take(order[start:stop]), signatures)

    workers = min(len(ranges), os.cpu_count() or 1, 8)
    results = []
    with (
        ThreadPoolExecutor(workers) as pool,
        progress.bar(int(sizes.sum()), "cleaning and fingerprinting texts") as shown,
    ):
        for (start, stop), result in zip(ranges, pool.map(process, ranges), strict=True):
            results.append(result)
            shown.update(int(sizes[start:stop].sum()))
    mojibake = {}
    for (start, _), result in zip(ranges, results, strict=True):
        mojibake.update({start + i: warning for i, warning in result.mojibake.items()})
    return TextAnalysis(
        text=pa.chunked_array([result.text for result in results], pa.large_string()),
        n_tokens=np.concatenate([r.n_tokens for r in results]),
        exact_key=np.concatenate([r.exact_key for r in results]),
        signatures=np.concatenate([r.signatures for r in results]) if signatures else None,
        mojibake=mojibake,
    )


def _process_chunk(texts: pa.Array, signatures: bool) -> TextAnalysis:
    clean = textclean.clean_array(texts)
    mojibake = textclean.mojibake_warnings(clean)
    starts = token_starts(clean.offsets, clean.data)
    n_tokens = np.diff(np.searchsorted(starts, clean.offsets)).astype(np.int64)
    tokens = word_hashes(clean.data, starts)
    del starts
    exact_key = exact_keys(tokens, n_tokens)
    signature = minhash_signatures(tokens, n_tokens) if signatures else None
    return TextAnalysis(clean.values, n_tokens, exact_key, signature, mojibake)


def _chunks(sizes: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) document ranges holding about _CHUNK_BYTES of text each."""
    n = len(sizes)
    if n == 0:
        return []
    offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
    cuts = np.searchsorted(offsets, np.arange(_CHUNK_BYTES, offsets[-1], _CHUNK_BYTES))
    bounds = np.unique(np.concatenate([[0], cuts, [n]]))
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
