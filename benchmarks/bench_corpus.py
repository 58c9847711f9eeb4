"""Corpus loading: throughput and peak memory against a named baseline measured in the same run.

Target (MISSION.md, 2-core machine): the 14,396-document White House corpus loaded, with exact
and near-duplicate flags, in <= 10 s. Baseline: ``pandas.read_json(path, lines=True)`` of the
same file, the plain read a user would write (no hygiene, ids, dates or duplicates). The same
corpus is also written to a temporary folder as one Markdown file per article and loaded from
there, the other common shape of a corpus (the folder is deleted afterwards).

Each measurement runs in a fresh process, so that its peak resident memory (VmHWM) is its own;
"over imports" subtracts the process's memory after importing pandas, pyarrow and the package.

Run with ``python -m benchmarks bench_corpus`` (or ``python -m benchmarks.bench_corpus``).
"""

from __future__ import annotations

import gzip
import json
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from analysis import config
from benchmarks.common import peak_mb, reset_peak, rss_mb, text_megabytes

TARGET_SECONDS = 10.0


def _measure(kind: str, path: str | None = None) -> dict:
    """Load the corpus one way in this (fresh) process; timings, counts and memory."""
    import pandas as pd
    import pyarrow as pa

    from analysis.corpus import CorpusWarning, load_corpus

    path = path or config.WHITEHOUSE_CORPUS
    before = rss_mb()
    reset_peak()
    started = time.perf_counter()
    cpu_started = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        if kind == "baseline":
            frame = pd.read_json(path, lines=True)
        else:
            frame = load_corpus(path, near_duplicates=(kind == "load_corpus"))
    seconds = time.perf_counter() - started
    result = {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu_started,
        "documents": len(frame),
        "text_mb": text_megabytes(frame),
        "peak_mb": peak_mb(),
        "imports_mb": before,
        # load_corpus allocates from the system pool (analysis.memory), pandas from the default.
        "arrow_peak_mb": max(
            p.max_memory() for p in (pa.default_memory_pool(), pa.system_memory_pool())
        )
        / 2**20,
    }
    if kind != "baseline":
        result["duplicates"] = dict(frame.attrs["duplicates"])
        result["copies"] = int((frame["duplicate_of"] != "").sum())
        result["excluded"] = len(frame.attrs["excluded"])
    return result


def _in_fresh_process(kind: str, path: str | None = None) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_measure, kind, path).result()


def write_markdown_folder(folder: Path) -> Path:
    """The corpus as one Markdown file per article (YAML front matter: title, date)."""
    with gzip.open(config.WHITEHOUSE_CORPUS, "rt", encoding="utf-8") as stream:
        for number, line in enumerate(stream):
            record = json.loads(line)
            front = {"title": record.get("title") or "", "date": record.get("date") or ""}
            header = "".join(
                f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in front.items()
            )
            text = f"---\n{header}---\n\n{record.get('text') or ''}\n"
            (folder / f"{number:05d}.md").write_text(text, encoding="utf-8")
    return folder


def _report(label: str, result: dict) -> str:
    over = result["peak_mb"] - result["imports_mb"]
    return (
        f"{label}\n"
        f"    wall {result['seconds']:.2f} s (cpu {result['cpu_seconds']:.2f} s)"
        f"  {result['documents'] / result['seconds']:,.0f} documents/s"
        f"  {result['text_mb'] / result['seconds']:.1f} MB/s of text\n"
        f"    peak RSS {result['peak_mb']:.0f} MB: +{over:.0f} MB over imports"
        f" = {over / result['text_mb']:.1f}x the text"
        f" (Arrow pool peak {result['arrow_peak_mb']:.0f} MB)"
    )


def main() -> None:
    path = config.WHITEHOUSE_CORPUS
    if not path.exists():
        print(f"SKIPPED: the White House corpus is not at {path}")
        return
    print(f"corpus: {path} ({path.stat().st_size / 1e6:.1f} MB gzipped JSON Lines)")
    ours = _in_fresh_process("load_corpus")
    exact_only = _in_fresh_process("exact_only")
    baseline = _in_fresh_process("baseline")
    print(f"{ours['documents']:,} documents, {ours['text_mb']:.1f} MB of text (titles included)")
    print(_report("load_corpus (hygiene, ids, dates, exact and near duplicates)", ours))
    print(_report("load_corpus(near_duplicates=False)", exact_only))
    print(_report("baseline: pandas.read_json(path, lines=True)", baseline))
    counts = ours["duplicates"]
    print(
        f"duplicates found: {ours['copies']:,} copies ({counts['exact']:,} exact, "
        f"{counts['near']:,} near); excluded inputs: {ours['excluded']}"
    )
    ratio = ours["seconds"] / baseline["seconds"]
    print(
        f"ratio load_corpus / baseline wall time: {ratio:.2f} (memory "
        f"{ours['peak_mb'] / baseline['peak_mb']:.2f}); the baseline only parses the JSON, "
        "load_corpus also cleans, dates, ids and flags duplicates"
    )
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as folder:
        folder = str(write_markdown_folder(Path(folder)))
        markdown = _in_fresh_process("load_corpus", folder)
    print(_report(f"load_corpus of the same as {markdown['documents']:,} Markdown files", markdown))
    verdict = "PASS" if ours["seconds"] <= TARGET_SECONDS else "FAIL"
    print(f"target: <= {TARGET_SECONDS:.0f} s for the whole corpus with duplicate flags: {verdict}")


if __name__ == "__main__":
    main()
