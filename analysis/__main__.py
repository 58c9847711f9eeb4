"""Command line: ``python -m analysis COMMAND ...`` (also installed as ``news-mentions``).

Each module that offers a command owns it: it defines ``add_command(subparsers)`` which adds
its sub-parser and sets ``func`` to a callable taking the parsed arguments and returning an
exit code. This file only lists the modules, in the order the help shows them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = (
    "analysis.corpus",
    "analysis.gazetteer",
    "analysis.mentions",
    "analysis.timeline",
    "analysis.evidence",
    "analysis.discovery",
    "analysis.report",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Mentions of actors and weapons in news articles, over time, with evidence.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue  # module not written yet
        module.add_command(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (FileNotFoundError, ValueError) as error:
        # Bad input: one clear line, no traceback.
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
