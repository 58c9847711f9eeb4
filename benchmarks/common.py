"""Shared helpers for the benchmarks: the real corpus, timing and resident memory."""

from __future__ import annotations

import gzip
import json
import resource
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

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


def rss_mb() -> float:
    """Resident memory of this process now (MB)."""
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def reset_peak() -> None:
    """Start a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # not Linux, or not allowed: the peak then runs from the process start


def peak_mb() -> float:
    """Peak resident memory (MB) since the process started or the last :func:`reset_peak`.

    VmHWM belongs to this process image. ``ru_maxrss`` does not: Linux carries it across
    ``exec``, so a process spawned by a big parent would report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # Linux: kB
