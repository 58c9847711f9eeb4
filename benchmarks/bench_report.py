"""The report set end to end, as a user runs it: time and peak memory of the whole process tree.

Measures ``python -m analysis report SOURCE`` in a fresh process (imports count), sampling the
resident memory of the command and every kernel it starts, on the seeds (target <= 15 s) and
on the 14k-document White House corpus (targets <= 45 s and <= 1.5 GB); the seeds as
``make report`` runs them (the default ``--jobs``) and with one kernel, the White House
corpus with one and two kernels. Baselines in the same run: one papermill execution of an
empty notebook (a kernel start and stop, which every report pays once) and one in-process
load + extract of the corpus (what the whole batch now pays once, before the notebooks read
the store).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from analysis import config
from analysis.report import load_registry, papermill_options
from analysis.report.render import default_jobs

BEFORE = (
    "before the batch speed work (commit b09d957, same machine, loaded by other work): "
    "White House --jobs 1 219 s wall, 188 s CPU, kernel peak 4.1 GB (the gazetteer audit), "
    "per report 10 / 28 / 65 / 40 / 23 / 3 s; the batch's load + extract 27 s and 1.45 GB. "
    "Before the shared evidence and tone scorer (commit 3f037ca, load average 6-8): 437 s "
    "wall, 151 s CPU, tree peak 2.83 GB; after, minutes later: 379 s, 148 s CPU, 2.20 GB. "
    "Round 3, before and after run together (commits c9a1361 and f201a22, load 4-6): 338 s "
    "and 314 s wall, 211 s and 198 s CPU (sampled), 2.11 GB both. Round 4, seeds (commit "
    "7ef1d69 and after, interleaved, load 4-6): 47-54 s and 24 s CPU before, 29-35 s and "
    "25-26 s CPU after (two kernels), 30-39 s and 19-22 s CPU with one"
)
"""A reference measured once, not in this run (a run's own baselines are printed beside it)."""
SEEDS_SECONDS = 15.0
CORPUS_SECONDS = 45.0
CORPUS_BYTES = 1.5 * 2**30
ROW = re.compile(r'<tr><td><a href="([^"]+)\.html".*?<td>([0-9.]+) s</td></tr>', re.DOTALL)


def _verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def _empty_kernel_seconds(workdir: Path) -> float:
    import papermill

    notebook = new_notebook(cells=[new_code_cell("1")])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    source = workdir / "empty.ipynb"
    nbformat.write(notebook, source)
    started = time.perf_counter()
    papermill.execute_notebook(
        str(source), str(workdir / "empty-out.ipynb"), **papermill_options(source)
    )
    return time.perf_counter() - started


def _load_and_extract_seconds(source: Path) -> float:
    from analysis.api import find_mentions, load_corpus
    from analysis.gazetteer import load_gazetteer

    started = time.perf_counter()
    find_mentions(load_corpus(source), load_gazetteer())
    return time.perf_counter() - started


def _tree_rss(root, cpu: dict[int, float]) -> int:
    """Resident bytes of ``root`` and its descendants now; each one's CPU seconds so far go
    into ``cpu`` (by pid)."""
    import psutil

    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for process in processes:
        try:
            total += process.memory_info().rss
            times = process.cpu_times()
            cpu[process.pid] = times.user + times.system
        except psutil.Error:
            pass
    return total


def render(source: Path, out: Path, jobs: int | None) -> tuple[float, int, int, float]:
    """(seconds, peak bytes of the process tree, exit code, CPU seconds of the tree) of one
    ``report`` command (``jobs`` None: the command's default). The CPU time (every process
    of the tree, as last sampled: the kernels are not reaped by the command, so
    ``RUSAGE_CHILDREN`` missed them) says what the run costs when the machine is busy with
    other work and the wall time says little."""
    import psutil

    cpu: dict[int, float] = {}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis", "report", str(source), "--out", str(out)]
        + (["--jobs", str(jobs)] if jobs else []),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CI": "true"},
    )
    root = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(root, cpu))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode:
        print("  " + (stderr.strip().splitlines() or ["failed"])[-1])
    return seconds, peak, process.returncode, sum(cpu.values())


def _per_report(out: Path) -> None:
    if not (out / "index.html").exists():
        print("    (no index: the command failed before rendering)")
        return
    index = (out / "index.html").read_text(encoding="utf-8")
    for name, seconds in ROW.findall(index):
        print(f"    {name:28} {seconds:>6} s")


def main() -> None:
    reports = load_registry()
    print(f"report set: {len(reports)} notebooks executed per run")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    print(f"reference: {BEFORE}")
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        kernel = _empty_kernel_seconds(workdir)
        print(f"baseline: one empty notebook through papermill (kernel start/stop): {kernel:.1f} s")
        # The seeds as `make report` renders them (the default --jobs: 2 kernels for a small
        # corpus, render.default_jobs) against the target, and one kernel beside it.
        runs = [("seeds", config.SEEDS_DIR, SEEDS_SECONDS, None, (None, 1))]
        if config.WHITEHOUSE_CORPUS.exists():
            once = _load_and_extract_seconds(config.WHITEHOUSE_CORPUS)
            print(f"baseline: White House corpus, one in-process load + extract: {once:.1f} s")
            runs.append(
                ("White House 14k", config.WHITEHOUSE_CORPUS, CORPUS_SECONDS, CORPUS_BYTES, (1, 2))
            )
        else:
            print(f"White House corpus not at {config.WHITEHOUSE_CORPUS}: skipped")
        for label, source, target_seconds, target_bytes, job_counts in runs:
            for jobs in job_counts:
                out = workdir / f"{label.split()[0]}-jobs{jobs or 'default'}"
                seconds, peak, code, cpu = render(source, out, jobs)
                memory = f"peak {peak / 2**30:.2f} GB (process tree)"
                verdicts = f"time {_verdict(seconds <= target_seconds and code == 0)}"
                if target_bytes:
                    memory += f", target <= {target_bytes / 2**30:.1f} GB"
                    verdicts += f", memory {_verdict(peak <= target_bytes)}"
                shown = f"--jobs {jobs}" if jobs else f"default --jobs ({default_jobs(source)})"
                print(
                    f"{label}, {shown}: {seconds:5.1f} s (target <= {target_seconds:.0f} s; "
                    f"CPU {cpu:.1f} s; load average {os.getloadavg()[0]:.1f}), {memory}: "
                    f"{verdicts}"
                )
                _per_report(out)


if __name__ == "__main__":
    main()
