"""The seed report set, end to end: `make report`'s target is <= 20 s after install.

Measures ``python -m analysis report seeds`` as a user runs it (a fresh process, so imports
count), with one and two notebooks at a time, and prints each report's own time from the
index. Baseline for comparison, in the same run: one papermill execution of an empty notebook
(a kernel start and stop), which every report pays once.
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

TARGET_SECONDS = 20.0
ROW = re.compile(r'<tr><td><a href="([^"]+)\.html".*?<td>([0-9.]+) s</td></tr>', re.DOTALL)


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


def _render_seconds(out: Path, jobs: int) -> tuple[float, int]:
    started = time.perf_counter()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "report",
            str(config.SEEDS_DIR),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
    )
    seconds = time.perf_counter() - started
    if completed.returncode:
        print(completed.stderr.strip().splitlines()[-1] if completed.stderr else "failed")
    return seconds, completed.returncode


def main() -> None:
    reports = load_registry()
    print(f"seed report set: {len(reports)} notebooks executed, target <= {TARGET_SECONDS:.0f} s")
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        kernel = _empty_kernel_seconds(workdir)
        print(f"baseline: one empty notebook through papermill (kernel start/stop): {kernel:.1f} s")
        for jobs in (1, 2):
            out = workdir / f"jobs{jobs}"
            seconds, code = _render_seconds(out, jobs)
            verdict = "ok" if seconds <= TARGET_SECONDS and code == 0 else "OVER TARGET"
            print(f"--jobs {jobs}: {seconds:5.1f} s for {len(reports)} reports ({verdict})")
        index = (workdir / "jobs2" / "index.html").read_text(encoding="utf-8")
        print("each report with --jobs 2 (from the index):")
        for name, seconds in ROW.findall(index):
            print(f"  {name:28} {seconds:>5} s")


if __name__ == "__main__":
    main()
