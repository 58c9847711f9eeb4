"""Exact and near-duplicate documents, found on word hashes and grouped with union-find.

Exact duplicates share the same normalised text (casefolded, whitespace runs collapsed).
Near-duplicates have a Jaccard similarity of at least :data:`NEAR_DUPLICATE_JACCARD` between
their sets of word :data:`SHINGLE_WORDS`-shingles: MinHash signatures and LSH banding propose
candidate pairs, and every candidate is verified with the Jaccard of the two sets of 64-bit
shingle hashes (a wrong verdict would need two different shingles to share a hash). Copies form
groups (a near-duplicate of a near-duplicate joins the group); the canonical copy of a group is
its earliest-dated document, then the smallest doc_id, so ``duplicate_of`` does not depend on
load order. Texts shorter than a shingle take part only in exact matching; empty texts in
neither. Hashing is vectorised (:mod:`analysis.corpus.words`); Python runs per candidate pair.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import progress
from analysis.corpus.words import GOLDEN, Rows, mix64, token_starts, word_hashes
from analysis.text import clean as textclean

SHINGLE_WORDS = 5
NEAR_DUPLICATE_JACCARD = 0.9
MINHASH_PERMUTATIONS = 32
LSH_BANDS = 8  # 8 bands of 4 rows: a pair at Jaccard 0.9 becomes a candidate with p > 0.9999
# Candidates whose signatures agree on fewer than this share of the 32 values are not verified:
# a pair at Jaccard 0.9 falls below it with p ~ 1e-4, a pair at 0.5 passes with p ~ 2e-3.
_MIN_SIGNATURE_AGREEMENT = 0.7
_VERIFY_PAIRS = 256  # candidate pairs whose documents' shingles are hashed at once

_SHINGLE_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD], dtype=np.uint64,
)  # fmt: skip
# Fixed seeds: the same text always gets the same signature, whatever else is loaded.
_rng = np.random.default_rng(20250711)
_PERMUTATION_A = _rng.integers(1, 2**63, MINHASH_PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_PERMUTATION_B = _rng.integers(0, 2**63, MINHASH_PERMUTATIONS, dtype=np.uint64)
del _rng


def unique_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents that are not copies of another (``duplicate_of == ""``), index reset.

    Parameters
    ----------
    documents : pandas.DataFrame
        The frame from :func:`analysis.corpus.load_corpus` (needs ``duplicate_of``).

    Returns
    -------
    pandas.DataFrame
        The same columns and attrs, canonical copies and unique documents only.
    """
    return documents[documents["duplicate_of"] == ""].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Fingerprints of one chunk of texts (word hashes of the documents, back to back)


def exact_keys(tokens: np.ndarray, n_tokens: np.ndarray) -> np.ndarray:
    """Per document, an order-sensitive uint64 hash of its casefolded words.

    Each word's hash xor its position, summed per document. Equal texts always get equal keys;
    unequal ones that collide are told apart by comparing the strings.
    """
    n = len(n_tokens)
    first_token = np.cumsum(n_tokens) - n_tokens
    nonempty = n_tokens > 0
    exact_key = np.zeros(n, dtype=np.uint64)
    if tokens.size:
        position = np.arange(tokens.size, dtype=np.uint64)
        position -= np.repeat(first_token.astype(np.uint64), n_tokens)
        position *= GOLDEN
        position ^= tokens
        exact_key[nonempty] = np.add.reduceat(position, first_token[nonempty])
        del position
    return exact_key


def _shingle_counts(n_tokens: np.ndarray) -> np.ndarray:
    """Shingles per document: none for a text shorter than :data:`SHINGLE_WORDS` words."""
    return np.maximum(n_tokens - (SHINGLE_WORDS - 1), 0)


def minhash_signatures(tokens: np.ndarray, n_tokens: np.ndarray) -> np.ndarray:
    """(documents, MINHASH_PERMUTATIONS) uint32 MinHash signatures of the documents' shingles;
    all values at their maximum for a document without shingles."""
    n = len(n_tokens)
    ends = np.cumsum(n_tokens)
    n_shingles = _shingle_counts(n_tokens)
    signature = np.full((n, MINHASH_PERMUTATIONS), np.iinfo(np.uint32).max, dtype=np.uint32)
    has = n_shingles > 0
    if has.any():
        shingles = _shingle_hashes(tokens, n_tokens, ends)
        first = (np.cumsum(n_shingles) - n_shingles)[has]
        buffer = np.empty_like(shingles)
        for k in range(MINHASH_PERMUTATIONS):
            # Multiply-add-shift (Dietzfelbinger): (a*x + b) mod 2^64, top 32 bits. The mod is
            # free in uint64 arithmetic, where a mod-prime hash would cost a division per value.
            np.multiply(shingles, _PERMUTATION_A[k], out=buffer)
            buffer += _PERMUTATION_B[k]
            buffer >>= np.uint64(32)
            signature[has, k] = np.minimum.reduceat(buffer, first)
    return signature


def _shingle_hashes(tokens: np.ndarray, n_tokens: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hashes of every run of SHINGLE_WORDS consecutive words inside one document.

    sum(word hash * odd constant_k): the word hashes are uniform 64-bit values, so the sum is
    too, and order matters; MinHash's multiply-shift then mixes it further.
    """
    span = tokens.size - (SHINGLE_WORDS - 1)
    combined = tokens[:span] * _SHINGLE_MULTIPLIERS[0]
    term = np.empty_like(combined)
    for k in range(1, SHINGLE_WORDS):
        np.multiply(tokens[k : k + span], _SHINGLE_MULTIPLIERS[k], out=term)
        combined += term
    del term
    # Drop the shingles that run over the end of a document into the next one.
    keep = np.ones(span, dtype=bool)
    keep[_crossing(ends, span)] = False
    return combined[keep]


def _crossing(ends: np.ndarray, span: int) -> np.ndarray:
    """Shingle start positions whose words belong to two or more documents."""
    starts = (ends[:-1, None] - np.arange(1, SHINGLE_WORDS)[None, :]).ravel()
    return starts[(starts >= 0) & (starts < span)]


# --------------------------------------------------------------------------------------------
# Groups of copies over the whole corpus


def find_duplicates(
    texts: pa.ChunkedArray,
    keys: np.ndarray,
    n_tokens: np.ndarray,
    signatures: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """For documents in final order: (position of the canonical copy or -1, exact copy mask).

    ``texts`` are the cleaned texts, ``keys`` their :func:`exact_keys`, ``n_tokens`` their word
    counts; near-duplicates are looked for only when ``signatures`` are given. The canonical
    copy is the group's lowest position, i.e. earliest date then smallest doc_id. An exact copy
    is a document whose normalised text equals that of an earlier one.
    """
    n = len(n_tokens)
    components = _Components(n)
    exact_copy = np.zeros(n, dtype=bool)
    groups = _exact_groups(texts, keys, n_tokens)
    for group in groups:
        exact_copy[group[1:]] = True
        for member in group[1:]:
            components.union(group[0], member)
    if signatures is not None:
        # One representative per exact group: its copies have the same shingles.
        eligible = np.flatnonzero((_shingle_counts(n_tokens) > 0) & ~exact_copy)
        _join_near_pairs(texts, signatures, eligible, components)
    canonical = np.array([components.find(x) for x in range(n)], dtype=np.int64)
    canonical[canonical == np.arange(n)] = -1
    return canonical, exact_copy


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def _exact_groups(texts: pa.ChunkedArray, keys: np.ndarray, n_tokens: np.ndarray) -> list:
    """Lists of positions (ascending) whose normalised texts are equal.

    The hash keys only propose groups; comparing the normalised strings decides.
    """
    candidates = pd.DataFrame({"key": keys, "n": n_tokens})[n_tokens > 0]
    candidates = candidates[candidates.duplicated(keep=False)]
    groups = []
    for _, members in candidates.groupby(["key", "n"], sort=False).groups.items():
        by_text: dict[str, list[int]] = {}
        for position in sorted(members.tolist()):
            by_text.setdefault(_normalised(texts[position].as_py()), []).append(position)
        groups.extend(group for group in by_text.values() if len(group) > 1)
    return groups


def _candidate_pairs(signatures: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """LSH banding over the eligible rows: pairs (i, j), i < j, sharing any whole band."""
    rows = MINHASH_PERMUTATIONS // LSH_BANDS
    found = []
    for band in range(LSH_BANDS):
        block = np.ascontiguousarray(signatures[eligible, band * rows : (band + 1) * rows])
        words = block.view(np.uint64)  # 4 uint32 -> 2 uint64 per row
        key = mix64(words[:, 0] ^ mix64(words[:, 1] + np.uint64(band)))
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        # Every pair inside each run of equal keys: element e of a run pairs with the
        # ``later[e]`` elements after it.
        run_starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        run_sizes = np.diff(np.r_[run_starts, ordered.size])
        later = np.repeat(run_starts + run_sizes, run_sizes) - np.arange(ordered.size) - 1
        first = np.repeat(np.arange(ordered.size), later)
        second = first + 1 + np.arange(first.size) - np.repeat(np.cumsum(later) - later, later)
        a, b = eligible[order[first]], eligible[order[second]]
        found.append(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found), axis=0)


class _Components:
    """Union-find over 0..n-1: each component is named by its smallest member."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _clusters(pairs: np.ndarray) -> np.ndarray:
    """For each pair, the smallest document of the connected cluster of pairs it belongs to."""
    components = _Components(int(pairs.max()) + 1)
    for i, j in pairs.tolist():
        components.union(i, j)
    return np.array([components.find(i) for i in pairs[:, 0].tolist()], dtype=np.int64)


def _join_near_pairs(
    texts, signatures: np.ndarray, eligible: np.ndarray, components: _Components
) -> None:
    """Join the components of the eligible documents that are near-duplicates.

    A candidate pair whose documents are already joined (through other verified pairs, or as
    exact copies) is not verified: the components come out the same, and a group of k
    near-copies costs about k checks instead of k * (k - 1) / 2.
    """
    pairs = _candidate_pairs(signatures, eligible)
    if not len(pairs):
        return
    agreement = (signatures[pairs[:, 0]] == signatures[pairs[:, 1]]).mean(axis=1)
    pairs = pairs[agreement >= _MIN_SIGNATURE_AGREEMENT]
    if not len(pairs):
        return  # candidates of the bands, none close enough on the whole signature
    # Cluster by cluster, so that a block of pairs shares most of its documents.
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0], _clusters(pairs)))]
    rows = Rows(texts)
    with progress.bar(len(pairs), "checking near-duplicate pairs", unit="pair") as shown:
        for first in range(0, len(pairs), _VERIFY_PAIRS):
            block = pairs[first : first + _VERIFY_PAIRS]
            shingles = _shingle_sets(rows, np.unique(block))
            for i, j in block.tolist():
                if components.find(i) == components.find(j):
                    continue
                a, b = shingles[i], shingles[j]
                shared = np.intersect1d(a, b, assume_unique=True).size
                if shared / (a.size + b.size - shared) >= NEAR_DUPLICATE_JACCARD:
                    components.union(i, j)
            shown.update(len(block))


def _shingle_sets(rows: Rows, positions: np.ndarray) -> dict[int, np.ndarray]:
    """The distinct shingle hashes (sorted) of each document at ``positions``, which all have
    at least one shingle; computed together, vectorised, as for the signatures."""
    offsets, data = textclean.utf8_parts(rows.take(positions))
    starts = token_starts(offsets, data)
    n_tokens = np.diff(np.searchsorted(starts, offsets)).astype(np.int64)
    shingles = _shingle_hashes(word_hashes(data, starts), n_tokens, np.cumsum(n_tokens))
    bounds = np.concatenate([[0], np.cumsum(n_tokens - (SHINGLE_WORDS - 1))])
    return {
        position: np.unique(shingles[bounds[k] : bounds[k + 1]])
        for k, position in enumerate(positions.tolist())
    }
