"""Shared helpers for the benchmarks: the real corpus, timing and peak memory."""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager

import pandas as pd

from analysis import config


def corpus_available() -> bool:
    if config.WHITEHOUSE_CORPUS.exists():
        return True
    print(f"SKIPPED: the White House corpus is not at {config.WHITEHOUSE_CORPUS}")
    return False


def read_whitehouse_plain(limit: int | None = None) -> pd.DataFrame:
    """The White House corpus as a plain frame (no hygiene), for extraction-only benchmarks."""
    rows = []
    with gzip.open(config.WHITEHOUSE_CORPUS, "rt", encoding="utf-8") as stream:
        for number, line in enumerate(stream):
            if limit is not None and number >= limit:
                break
            record = json.loads(line)
            rows.append((record["path"], record["date"], record["title"], record["text"]))
    frame = pd.DataFrame(rows, columns=["doc_id", "date", "title", "text"])
    return frame.assign(date=pd.to_datetime(frame["date"]), duplicate_of="")


def text_megabytes(documents: pd.DataFrame) -> float:
    return float(documents["text"].str.len().sum() + documents["title"].str.len().sum()) / 1e6


@contextmanager
def timer():
    box = {}
    started = time.perf_counter()
    yield box
    box["seconds"] = time.perf_counter() - started


def best_of(function: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """The fastest of ``repeat`` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def peak_memory(function: Callable[[], object]) -> tuple[float, object]:
    """Peak traced memory (MB) of one call; numpy and pandas report to tracemalloc."""
    tracemalloc.start()
    try:
        result = function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6, result
