"""Hashes of the outputs a user sees, to show that a restructuring changed no result.

``python -m benchmarks.output_hashes [--whitehouse] [--kremlin]`` prints one line per output:
its name, its row count and the SHA-256 (first 16 hex digits) of its CSV bytes and of its
``attrs``. The seeds are always hashed; the shared corpora when asked and present. Run it
before and after a change and compare the two listings (``diff``): any line that differs is a
changed result.

Only the public API (``analysis.*`` front doors) is called, so the script outlives any
re-arrangement of the modules behind it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator

import pandas as pd

import analysis
from analysis import config


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _attrs_digest(frame: pd.DataFrame) -> str:
    return _digest(json.dumps(frame.attrs, sort_keys=True, default=str).encode())


def _frame_digest(frame: pd.DataFrame) -> str:
    return _digest(frame.to_csv(index=False, lineterminator="\n").encode())


def outputs(documents: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    """Every output worth comparing, computed from one documents frame."""
    gazetteer = analysis.load_gazetteer()
    yield "documents", documents.drop(columns=["path"])
    mentions = analysis.find_mentions(documents, gazetteer)
    yield "mentions", mentions
    yield "mentions_metonyms", analysis.find_mentions(documents, gazetteer, metonyms=True)
    yield "entity_totals", analysis.entity_totals(mentions)
    for freq in ("D", "W", "M", "Q", "Y"):
        yield f"corpus_over_time[{freq}]", analysis.corpus_over_time(documents, freq=freq)
    for freq in ("W", "M"):
        for normalize in ("count", "per_1k_words", "share_of_docs"):
            yield (
                f"mentions_over_time[{freq},{normalize}]",
                analysis.mentions_over_time(mentions, documents, freq=freq, normalize=normalize),
            )
    top = analysis.entity_totals(mentions)["entity_id"].head(5).tolist()
    for entity in top:
        yield f"evidence[{entity}]", analysis.evidence(mentions, documents, entity=entity)
    yield "cooccurrence", analysis.cooccurrence(mentions, documents)
    yield "cooccurrence_summary", analysis.cooccurrence_summary(
        analysis.cooccurrence(mentions, documents)
    )
    yield "tone", analysis.tone(mentions, documents)
    yield "tone[M]", analysis.tone(mentions, documents, freq="M")
    yield "summary", pd.DataFrame({"line": analysis.summarize_corpus(documents).splitlines()})


def _corpora(args: argparse.Namespace) -> Iterator[tuple[str, pd.DataFrame]]:
    yield "seeds", analysis.load_corpus(config.SEEDS_DIR, metadata=config.SEEDS_METADATA)
    wanted = []
    if args.whitehouse:
        wanted.append(("whitehouse", config.WHITEHOUSE_CORPUS))
    if args.kremlin:
        wanted.append(("kremlin", config.CORPORA_DIR / "kremlin_press_releases_2021-2022.csv.gz"))
    for name, path in wanted:
        if not path.exists():
            print(f"# SKIPPED {name}: not at {path}")
            continue
        yield name, analysis.load_corpus(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.output_hashes")
    parser.add_argument("--whitehouse", action="store_true", help="also the White House corpus")
    parser.add_argument("--kremlin", action="store_true", help="also the Kremlin releases")
    args = parser.parse_args(argv)
    for corpus, documents in _corpora(args):
        for name, frame in outputs(documents):
            if not isinstance(frame, pd.DataFrame):
                frame = pd.DataFrame(frame)
            print(
                f"{corpus:<11} {name:<40} rows={len(frame):<8} "
                f"csv={_frame_digest(frame)} attrs={_attrs_digest(frame)}"
            )
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
