"""Time each analysis (timeline, evidence, co-occurrence, tone, discovery) on the White House
corpus: 14k documents, 21 M words. Each should take seconds, not minutes.

The documents and mentions come from the package's own loader and extractor (their time is
printed but belongs to bench_corpus / bench_mentions). Every analysis is run once, in the order
a report would call it; the printed table is what the issue's performance notes quote.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

from analysis import config
from benchmarks.common import corpus_available


def _timed(label: str, function: Callable[[], object], rows: list) -> object:
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    size = len(result) if hasattr(result, "__len__") else ""
    rows.append((label, seconds, size))
    print(f"  {label:<52} {seconds:7.2f} s  {size:>9} rows", flush=True)
    return result


def main() -> None:
    if not corpus_available():
        return
    from analysis import (
        cooccurrence,
        cooccurrence_summary,
        corpus_over_time,
        evidence,
        find_mentions,
        load_corpus,
        mentions_over_time,
        tone,
    )
    from analysis.discovery import compare_terms, discover_candidates, near_misses
    from analysis.gazetteer import load_gazetteer

    rows: list = []
    print("inputs (timed elsewhere):")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = _timed(
            "load_corpus(whitehouse_briefings.jsonl.gz)",
            lambda: load_corpus(config.WHITEHOUSE_CORPUS),
            [],
        )
    gazetteer = load_gazetteer()
    mentions = _timed("find_mentions (default gazetteer)", lambda: find_mentions(documents), [])
    busiest = mentions["entity_id"].value_counts().index[0]

    print("analyses:")
    for freq in ("D", "W", "M"):
        _timed(
            f"corpus_over_time freq={freq}",
            lambda f=freq: corpus_over_time(documents, freq=f),
            rows,
        )
    for freq, normalize in (("D", "count"), ("W", "per_1k_words"), ("M", "share_of_docs")):
        _timed(
            f"mentions_over_time freq={freq} normalize={normalize}",
            lambda f=freq, n=normalize: mentions_over_time(
                mentions, documents, freq=f, normalize=n
            ),
            rows,
        )
    _timed(
        f"evidence entity={busiest} (the most mentioned)",
        lambda: evidence(mentions, documents, entity=busiest),
        rows,
    )
    _timed("evidence, every mention", lambda: evidence(mentions, documents), rows)
    pairs = _timed("cooccurrence scope=sentence", lambda: cooccurrence(mentions, documents), rows)
    _timed(
        "cooccurrence scope=document",
        lambda: cooccurrence(mentions, documents, scope="document"),
        rows,
    )
    _timed("cooccurrence_summary", lambda: cooccurrence_summary(pairs), rows)
    _timed("tone per entity", lambda: tone(mentions, documents), rows)
    _timed("tone per entity and month", lambda: tone(mentions, documents, freq="M"), rows)
    _timed("discover_candidates", lambda: discover_candidates(documents, gazetteer), rows)
    _timed("near_misses", lambda: near_misses(documents, gazetteer), rows)
    before = documents["date"] < "2025-01-20"
    _timed(
        "compare_terms (before / after 2025-01-20)",
        lambda: compare_terms(documents, before, ~before & documents["date"].notna()),
        rows,
    )
    total = sum(seconds for _, seconds, _ in rows)
    slowest = max(rows, key=lambda row: row[1])
    print(
        f"{len(documents)} documents, {len(mentions)} mentions: analyses {total:.1f} s in all; "
        f"slowest {slowest[0]} ({slowest[1]:.1f} s)"
    )


if __name__ == "__main__":
    main()
