"""The command line, every subcommand: ``python -m analysis COMMAND ...`` (also ``news-mentions``).

Each subcommand is an argparse parser plus one ``_run_*`` function that calls the public API
and writes its result. Parsers are built from the standard library alone and the package is
imported only inside the ``_run_*`` functions, so ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from analysis import config

DEFAULT_FREQ_HELP = "D, W (weeks from Monday), M, Q or Y (default W)"


# --- shared pieces ------------------------------------------------------------------------------


def _add_source_arguments(parser: argparse.ArgumentParser, *, output: bool = True) -> None:
    """SOURCE, --metadata, --gazetteer, --metonyms (and -o): shared by the corpus commands."""
    parser.add_argument("source", metavar="SOURCE", help="folder, file or table of articles")
    parser.add_argument(
        "--metadata",
        help="sidecar CSV keyed by doc_id (default: SOURCE/metadata.csv when SOURCE is a folder "
        "that has one)",
    )
    parser.add_argument("--gazetteer", action="append", help="your YAML/CSV (repeatable)")
    parser.add_argument("--base", help="a gazetteer to use instead of the shipped one")
    parser.add_argument("--metonyms", action="store_true", help="count Washington, Kyiv, ...")
    if output:
        parser.add_argument(
            "-o", "--output", default="-", metavar="CSV", help="CSV file, or - for stdout"
        )


def _load_inputs(args: argparse.Namespace, *, with_mentions: bool = True):
    """Documents, gazetteer and (optionally) mentions for a command."""
    from analysis.api import find_mentions, load_corpus
    from analysis.gazetteer import load_gazetteer

    documents = _loadable(load_corpus(args.source, metadata=args.metadata), args.source)
    gazetteer = load_gazetteer(args.base, extra=args.gazetteer)
    if not with_mentions:
        return documents, gazetteer, None
    return documents, gazetteer, find_mentions(documents, gazetteer, metonyms=args.metonyms)


def _loadable(documents, source):
    """``documents``, or an InputError naming the source when none could be loaded."""
    from analysis.report.render import require_documents

    require_documents(documents, source)
    return documents


def _write(frame, output: str) -> None:
    """Write ``frame`` as spreadsheet-safe CSV (see ``analysis.report.exports``) to stdout
    ("-") or atomically to a file (Parquet when it ends in .parquet); same frame, same bytes."""
    from analysis.report.exports import csv_bytes

    if output == "-":
        sys.stdout.write(csv_bytes(frame).decode("utf-8"))
    elif Path(output).suffix == ".parquet":
        from analysis.files import write_frame

        write_frame(frame, output)
    else:
        from analysis.report.exports import write_csv

        write_csv(frame, output)


def _check_freq(freq: str) -> None:
    from analysis.periods import parse_freq

    parse_freq(freq)  # a typo fails before the corpus is read


# --- corpus -------------------------------------------------------------------------------------


def _run_corpus(args: argparse.Namespace) -> int:
    from analysis.api import load_corpus
    from analysis.corpus import summarize_corpus
    from analysis.errors import InputError
    from analysis.files import write_frame

    if args.output and Path(args.output).suffix.lower() not in (".csv", ".parquet"):
        raise InputError(f"{args.output}: output must end in .csv or .parquet")
    documents = load_corpus(args.source, metadata=args.metadata)
    print(summarize_corpus(documents))
    if args.output:
        write_frame(documents, args.output)
        print(f"wrote {len(documents):,} documents to {args.output}")
    if args.to_parquet:
        from analysis.store import write_corpus_store

        write_corpus_store(documents, args.to_parquet)
        print(f"wrote a Parquet corpus store of {len(documents):,} documents to {args.to_parquet}")
    return 0


def _add_corpus(subparsers) -> None:
    parser = subparsers.add_parser(
        "corpus", help="load articles, print a summary, optionally write the documents table"
    )
    parser.add_argument("source", help="folder, file or table of articles")
    parser.add_argument(
        "--metadata",
        help="sidecar CSV keyed by doc_id (default: "
        "SOURCE/metadata.csv when SOURCE is a folder that has one)",
    )
    parser.add_argument("-o", "--output", help="write the documents table (.csv or .parquet)")
    parser.add_argument(
        "--to-parquet",
        metavar="DIR",
        help="also write a month-partitioned Parquet corpus store (for engine='dask', big corpora)",
    )
    parser.set_defaults(func=_run_corpus)


# --- gazetteer ----------------------------------------------------------------------------------


def _run_gazetteer(args: argparse.Namespace) -> int:
    from analysis.gazetteer import check_gazetteer, lint, load_gazetteer

    if args.lint:
        # Every problem at once, each with its file and line, instead of the first one only.
        problems, _ = check_gazetteer(args.base, extra=args.files or None)
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        if problems:
            print(f"{len(problems)} problem(s): not valid", file=sys.stderr)
            return 2
    with warnings.catch_warnings():
        if args.lint:  # its notes are printed below, not twice
            warnings.simplefilter("ignore")
        gazetteer = load_gazetteer(args.base, extra=args.files or None)
    table = gazetteer.entities.assign(
        **{
            column: gazetteer.entities[column].map(" | ".join)
            for column in ("aliases", "exclusions", "metonyms")
        }
    )
    counts = gazetteer.entities.groupby(["kind", "category"]).size()
    print(
        f"gazetteer {gazetteer.hash}: {len(gazetteer)} entities, "
        f"{sum(map(len, gazetteer.entities['aliases']))} aliases from "
        + ", ".join(gazetteer.sources),
        file=sys.stderr,
    )
    if args.lint:
        for (kind, category), n in counts.items():
            print(f"  {kind:7} {category or '(none)':22} {n:4}", file=sys.stderr)
        notes = lint(gazetteer)
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        print(f"ok: valid, {len(notes)} note(s)", file=sys.stderr)
    if args.output == "-":
        table.to_csv(sys.stdout, index=False)
    elif args.output:
        from analysis.files import write_atomic

        write_atomic(args.output, table.to_csv(index=False).encode("utf-8"))
    return 0


def _add_gazetteer(subparsers) -> None:
    parser = subparsers.add_parser(
        "gazetteer", help="list, check or export the gazetteer (default + your files)"
    )
    parser.add_argument("files", nargs="*", help="YAML/CSV files merged on top of the default")
    parser.add_argument("--base", help="use this file instead of the shipped default")
    parser.add_argument("--lint", action="store_true", help="validate and print notes")
    parser.add_argument("-o", "--output", help="write the entities table as CSV ('-': stdout)")
    parser.set_defaults(func=_run_gazetteer)


# --- mentions -----------------------------------------------------------------------------------


def _run_mentions(args: argparse.Namespace) -> int:
    from analysis.api import load_corpus
    from analysis.gazetteer import load_gazetteer
    from analysis.mentions import entity_totals, extract

    documents = _loadable(load_corpus(args.source, metadata=args.metadata), args.source)
    gazetteer = load_gazetteer(args.base, extra=args.gazetteer)
    result = extract(documents, gazetteer, metonyms=args.metonyms)
    mentions = result.mentions
    _write(mentions, args.output)
    totals = entity_totals(mentions)
    print(
        f"{len(mentions)} mentions of {len(totals)} entities in "
        f"{mentions['doc_id'].nunique()} of {len(documents)} documents "
        f"(gazetteer {gazetteer.hash}; {len(result.excluded)} excluded by exclusion phrases)",
        file=sys.stderr,
    )
    for row in totals.itertuples(index=False):
        print(f"{row.mentions:8d}  {row.kind:6}  {row.entity}", file=sys.stderr)
    return 0


def _add_mentions(subparsers) -> None:
    parser = subparsers.add_parser(
        "mentions", help="write the mentions table (CSV) and print per-entity totals"
    )
    _add_source_arguments(parser)
    parser.set_defaults(func=_run_mentions)


# --- timeline -----------------------------------------------------------------------------------


def _run_timeline(args: argparse.Namespace) -> int:
    from analysis.api import mentions_over_time

    _check_freq(args.freq)
    documents, _, mentions = _load_inputs(args)
    series = mentions_over_time(
        mentions,
        documents,
        freq=args.freq,
        normalize=args.normalize,
        entities=args.entity,
        kinds=args.kind,
        start=args.start,
        end=args.end,
        min_documents=args.min_documents,
    )
    _write(series, args.output)
    return 0


def _add_timeline(subparsers) -> None:
    # Literal copies of timeline.NORMALIZATIONS, timeline.MIN_DOCUMENTS and schema.KINDS keep
    # --help free of pandas; tests/test_cli.py checks that they agree.
    parser = subparsers.add_parser(
        "timeline",
        help="mentions per entity and period, with the corpus size beside them (CSV)",
        description="Mentions per entity and period (periods labelled by their start date), "
        "with the corpus size per period, low-volume flags and the undated group.",
    )
    _add_source_arguments(parser)
    parser.add_argument("--freq", default="W", help=DEFAULT_FREQ_HELP)
    parser.add_argument(
        "--normalize",
        default="count",
        choices=NORMALIZATIONS,
        help="what the value column holds",
    )
    parser.add_argument("--entity", action="append", help="entity id or name (repeatable)")
    parser.add_argument("--kind", action="append", choices=KINDS)
    parser.add_argument("--start", help="first day included (YYYY-MM-DD)")
    parser.add_argument("--end", help="last day included (YYYY-MM-DD)")
    parser.add_argument(
        "--min-documents",
        type=int,
        default=MIN_DOCUMENTS,
        help=f"flag periods with fewer documents as low volume (default {MIN_DOCUMENTS})",
    )
    parser.set_defaults(func=_run_timeline)


NORMALIZATIONS = ("count", "per_1k_words", "share_of_docs")
MIN_DOCUMENTS = 5
KINDS = ("actor", "weapon")


# --- evidence and pairs -------------------------------------------------------------------------


def _run_evidence(args: argparse.Namespace) -> int:
    from analysis.kwic import evidence

    _check_freq(args.freq)
    documents, _, mentions = _load_inputs(args)
    frame = evidence(
        mentions,
        documents,
        entity=args.entity,
        period=args.period,
        freq=args.freq,
        width=args.width,
        limit=args.limit,
    )
    _write(frame, args.output)
    return 0


def _run_cooccur(args: argparse.Namespace) -> int:
    from analysis.pairs import cooccurrence, cooccurrence_summary

    documents, _, mentions = _load_inputs(args)
    pairs = cooccurrence(mentions, documents, scope=args.scope)
    _write(cooccurrence_summary(pairs) if args.summary else pairs, args.output)
    return 0


def _add_evidence(subparsers) -> None:
    parser = subparsers.add_parser(
        "evidence",
        help="keyword-in-context rows with the whole sentence for an entity (CSV)",
        description="The sentences behind the counts: one row per mention of the entity.",
    )
    _add_source_arguments(parser)
    parser.add_argument(
        "--entity", required=True, action="append", help="entity id, name or alias (repeatable)"
    )
    parser.add_argument("--period", help="a date inside the period wanted, or 'undated'")
    parser.add_argument("--freq", default="W", help="period length for --period: D, W, M, Q or Y")
    parser.add_argument("--width", type=int, default=60, help="context characters per side")
    parser.add_argument("--limit", type=int, help="at most this many rows")
    parser.set_defaults(func=_run_evidence)

    parser = subparsers.add_parser(
        "cooccur",
        help="actor x weapon pairs in one sentence, with the linking action (CSV)",
        description="Actor x weapon pairs mentioned together, labelled with the action verb.",
    )
    _add_source_arguments(parser)
    parser.add_argument("--scope", default="sentence", choices=("sentence", "document"))
    parser.add_argument(
        "--summary", action="store_true", help="counts per actor, weapon and action instead"
    )
    parser.set_defaults(func=_run_cooccur)


# --- discovery ----------------------------------------------------------------------------------


def _run_discover(args: argparse.Namespace) -> int:
    from analysis.discovery import discover_candidates, near_misses

    documents, gazetteer, _ = _load_inputs(args, with_mentions=False)
    if args.near_misses:
        frame = near_misses(documents, gazetteer)
    else:
        frame = discover_candidates(documents, gazetteer, top_n=args.top, min_count=args.min_count)
    _write(frame, args.output)
    return 0


def _add_discover(subparsers) -> None:
    parser = subparsers.add_parser(
        "discover",
        help="names, model numbers and collocations the gazetteer misses (CSV)",
        description="Candidates for the alias list: capitalised names, model numbers and "
        "collocations that no alias covers, or (--near-misses) likely misspellings of aliases.",
    )
    _add_source_arguments(parser)
    parser.add_argument("--near-misses", action="store_true", help="list likely misspellings")
    parser.add_argument("--top", type=int, default=50, help="candidates per pattern (default 50)")
    parser.add_argument("--min-count", type=int, default=2, help="fewest occurrences (default 2)")
    parser.set_defaults(func=_run_discover)


# --- reports ------------------------------------------------------------------------------------


def _run_report(args: argparse.Namespace) -> int:
    from analysis.report import render_reports
    from analysis.report.render import ReportsInterrupted

    index = (Path(args.out) if args.out else config.REPORTS_DIR).resolve() / "index.html"
    selection = {
        "freq": args.freq,
        "start": args.start,
        "end": args.end,
        "entities": args.entities,
        "kinds": args.kinds,
        "top_n": args.top_n,
        "include_classes": True if args.include_classes else None,
    }
    try:
        results = render_reports(
            args.source,
            metadata=args.metadata,
            gazetteer=args.gazetteer,
            registry=args.config,
            out=args.out,
            show_code=args.show_code,
            jobs=args.jobs,
            selection=selection,
        )
    except ReportsInterrupted as stopped:
        done = sum(result.status in ("ok", "warning") for result in stopped.results)
        print(
            f"interrupted: {done} of {len(stopped.results)} reports rendered, the rest marked "
            f"in {stopped.index.as_uri()}",
            file=sys.stderr,
        )
        return 130
    for result in results:
        if result.status == "warning":
            print(f"WARNING {result.spec.name}: {result.error}", file=sys.stderr)
        elif not result.ok:
            print(f"FAILED {result.spec.name}: {result.error}", file=sys.stderr)
    failed = sum(result.status == "failed" for result in results)
    print(f"{len(results) - failed} of {len(results)} reports rendered; open {index.as_uri()}")
    return 1 if failed else 0


def _comma_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _add_report(subparsers) -> None:
    parser = subparsers.add_parser(
        "report",
        help="render the HTML reports (papermill + nbconvert), their data folders and the index",
        description="Load the corpus and find the mentions once, run every notebook of the "
        "report registry headlessly on them and export HTML; beside each page, a folder with "
        "the data of every chart and table (CSV, Parquet for large ones).",
    )
    parser.add_argument(
        "source",
        nargs="?",
        default=None,
        help=f"corpus folder or file (default: the seeds, {config.SEEDS_DIR})",
    )
    parser.add_argument(
        "--metadata",
        help="metadata CSV keyed by doc_id (default: for the seeds, their metadata.csv; "
        "otherwise SOURCE/metadata.csv when SOURCE is a folder that has one)",
    )
    parser.add_argument("--gazetteer", help="your YAML/CSV gazetteer, merged on the default")
    parser.add_argument(
        "--config",
        help=f"report registry YAML (default: {config.REPORT_REGISTRY.name} in the package)",
    )
    parser.add_argument("--out", help=f"output folder (default: {config.REPORTS_DIR})")
    parser.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="kernels run at once, each rendering its share of the reports in turn (default: 2 "
        "for a local corpus under 20 MB, else 1; each kernel holds the corpus in memory)",
    )
    chosen = parser.add_argument_group(
        "selection", "given to every report, over the registry's values (default: the registry's)"
    )
    chosen.add_argument("--freq", help=DEFAULT_FREQ_HELP.replace(" (default W)", ""))
    chosen.add_argument("--start", help="first day included (YYYY-MM-DD)")
    chosen.add_argument("--end", help="last day included (YYYY-MM-DD)")
    chosen.add_argument("--entities", type=_comma_list, help="entity ids or names, comma-separated")
    chosen.add_argument("--kinds", type=_comma_list, help="actor, weapon or actor,weapon")
    chosen.add_argument("--top-n", type=int, help="entities drawn on their own (default 8)")
    chosen.add_argument(
        "--include-classes",
        action="store_true",
        help='rank class entities such as "Weapons (generic)" in the top lists too',
    )
    parser.set_defaults(func=_run_report)


# --- the parser ---------------------------------------------------------------------------------

SUBCOMMANDS = (
    _add_corpus,
    _add_gazetteer,
    _add_mentions,
    _add_timeline,
    _add_evidence,
    _add_discover,
    _add_report,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Mentions of actors and weapons in news articles, over time, with evidence.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(subparsers)
    return parser


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    # A user reads "warning: ...", not the Python source line that raised it.
    print(f"warning: {message}", file=sys.stderr if file is None else file)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    warnings.showwarning = _one_line_warning
    try:
        return int(args.func(args) or 0)
    except (FileNotFoundError, ValueError) as error:
        # Bad input: one clear line, no traceback (InputError is a ValueError).
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
