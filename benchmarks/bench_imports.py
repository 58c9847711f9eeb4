"""Start-up: ``import analysis`` and ``python -m analysis --help`` each in a fresh interpreter.

Target: under 0.3 s each, because both stay free of pandas (lazy re-exports; the command line
imports the package only inside a subcommand). The baseline, measured in the same run, is a
bare interpreter (``python -c pass``) and one that imports pandas, so the figures show what
the package itself adds and what it avoids.
"""

from __future__ import annotations

import subprocess
import sys
import time

TARGET_SECONDS = 0.3
REPEAT = 7


def _best_of(arguments: list[str]) -> float:
    best = float("inf")
    for _ in range(REPEAT):
        started = time.perf_counter()
        subprocess.run([sys.executable, *arguments], check=True, capture_output=True)
        best = min(best, time.perf_counter() - started)
    return best


def _loads_pandas(code: str) -> bool:
    probe = f"{code}; import sys; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True)
    return result.stdout.decode().strip() == "True"


def main() -> None:
    bare = _best_of(["-c", "pass"])
    with_pandas = _best_of(["-c", "import pandas"])
    print(f"  baseline: bare interpreter {bare:.3f} s; 'import pandas' {with_pandas:.3f} s")
    checks = {
        "import analysis": (["-c", "import analysis"], "import analysis"),
        "python -m analysis --help": (
            ["-m", "analysis", "--help"],
            "import analysis.cli; analysis.cli.build_parser().format_help()",
        ),
    }
    for label, (arguments, probe) in checks.items():
        seconds = _best_of(arguments)
        pandas = "imports pandas" if _loads_pandas(probe) else "no pandas"
        verdict = "MET" if seconds < TARGET_SECONDS else "NOT MET"
        print(
            f"  {label}: {seconds:.3f} s ({seconds - bare:+.3f} s over a bare interpreter; "
            f"{pandas}); target < {TARGET_SECONDS} s: {verdict}"
        )


if __name__ == "__main__":
    main()
