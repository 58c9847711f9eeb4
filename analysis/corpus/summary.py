"""What a loaded corpus looks like, and what went wrong, in a few lines.

``load_corpus`` records every problem in the frame (``warnings``) and its ``attrs``; this module
turns them into the one warning a caller sees and the one-screen summary the ``corpus`` command
prints, so neither the loader nor the command line formats problems.
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import warn

_SUMMARY_LIST = 5  # ids or paths listed per line of the summary


class CorpusWarning(UserWarning):
    """Recorded problems of a loaded corpus (details in the frame and its ``attrs``)."""


def warn_summary(documents: pd.DataFrame) -> None:
    """One CorpusWarning per problem kind, attributed to the caller of load_corpus.

    Unmatched sidecar ids are one warning; documents with warnings and excluded inputs are
    another, naming the first exclusion.
    """
    unmatched, sidecar = documents.attrs["metadata_unmatched"], documents.attrs["metadata"]
    if unmatched:
        listed = ", ".join(unmatched[:10]) + (
            f" and {len(unmatched) - 10} more" if len(unmatched) > 10 else ""
        )
        warn(f"{sidecar}: {len(unmatched)} doc_id(s) match no document: {listed}", CorpusWarning)
    with_warnings = int((documents["warnings"] != "").sum())
    excluded = documents.attrs["excluded"]
    if with_warnings or excluded:
        example = ""
        if excluded:
            first = excluded[0]
            example = f" (first: {first['path']}: {first['reason']})"
        warn(
            f"{len(documents)} documents loaded: {with_warnings} with warnings (column "
            f"'warnings'); {len(excluded)} inputs excluded{example} "
            "(documents.attrs['excluded'])",
            CorpusWarning,
        )


def _clip(line: str, width: int = 160) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def _listing(values: list[str], limit: int = _SUMMARY_LIST) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


_WARNING_KINDS = (
    ("mojibake", "mojibake"),
    ("U+FFFD", "replacement character"),
    ("renamed", "doc_id renamed"),
    ("not a valid date", "bad date"),
    ("in the future", "future date"),
    ("not UTF-8", "not UTF-8"),
    ("empty text", "empty text"),
    ("front matter", "front matter"),
)


def _warning_kind(warning: str) -> str:
    return next((kind for marker, kind in _WARNING_KINDS if marker in warning), "other")


def summarize_corpus(documents: pd.DataFrame) -> str:
    """A one-screen text summary of a documents frame (what the ``corpus`` command prints).

    Parameters
    ----------
    documents : pandas.DataFrame
        The frame from :func:`analysis.corpus.load_corpus`: uses ``doc_id``, ``date``,
        ``date_source``, ``n_words``, ``duplicate_of``, ``warnings`` and the ``attrs`` it sets.

    Returns
    -------
    str
        Lines: documents and unique, words, date range with date sources, undated count with
        the first ids, duplicates (exact and near), documents with warnings (first few, with
        their first warning), exclusions by reason, metadata sidecar.
    """
    attrs = documents.attrs
    n = len(documents)
    unique = int((documents["duplicate_of"] == "").sum())
    lines = [
        f"documents: {n:,} ({unique:,} unique), {int(documents['n_words'].sum()):,} words"
        + (f" — from {attrs['source']}" if attrs.get("source") else "")
    ]
    dated = documents[documents["date"].notna()]
    if len(dated):
        sources = dated["date_source"].value_counts()
        how = ", ".join(f"{name} {int(sources[name]):,}" for name in sources.index)
        lines.append(
            f"dates: {dated['date'].min():%Y-%m-%d} to {dated['date'].max():%Y-%m-%d} "
            f"({len(dated):,} dated: {how})"
        )
    else:
        lines.append("dates: none")
    undated = documents.loc[documents["date"].isna(), "doc_id"].tolist()
    lines.append(f"undated: {len(undated):,}" + (f" ({_listing(undated)})" if undated else ""))
    counts = attrs.get("duplicates") or {}
    copies = documents["duplicate_of"][documents["duplicate_of"] != ""]
    kinds = f" ({counts.get('exact', 0):,} exact, {counts.get('near', 0):,} near)" if counts else ""
    lines.append(
        f"duplicates: {len(copies):,} copies of {copies.nunique():,} documents{kinds}"
        + (
            f", e.g. {documents.loc[copies.index[0], 'doc_id']} -> {copies.iloc[0]}"
            if len(copies)
            else ""
        )
    )
    warned = documents[documents["warnings"] != ""]
    by_kind: dict[str, int] = {}
    for text in warned["warnings"]:
        for warning in text.split("; "):
            kind = _warning_kind(warning)
            by_kind[kind] = by_kind.get(kind, 0) + 1
    how = ", ".join(f"{kind} {count:,}" for kind, count in sorted(by_kind.items()))
    lines.append(f"documents with warnings: {len(warned):,}" + (f" ({how})" if how else ""))
    for doc_id, text in zip(
        warned["doc_id"][:_SUMMARY_LIST], warned["warnings"][:_SUMMARY_LIST], strict=True
    ):
        lines.append(_clip(f"  {doc_id}: {text.split('; ')[0]}"))
    if len(warned) > _SUMMARY_LIST:
        lines.append(f"  ... and {len(warned) - _SUMMARY_LIST:,} more")
    excluded = attrs.get("excluded") or []
    lines.append(f"excluded inputs: {len(excluded):,}")
    reasons: dict[str, list[str]] = {}
    for item in excluded:
        label = item["path"] + (f" row {item['row']}" if item.get("row") else "")
        reasons.setdefault(item["reason"], []).append(label)
    for reason, paths in list(reasons.items())[:_SUMMARY_LIST]:
        lines.append(_clip(f"  {reason}: {_listing(paths, 3)}"))
    if len(reasons) > _SUMMARY_LIST:
        lines.append(f"  ... and {len(reasons) - _SUMMARY_LIST} more reasons")
    if attrs.get("metadata"):
        unmatched = attrs.get("metadata_unmatched") or []
        lines.append(
            f"metadata: {attrs['metadata']}"
            + (f" ({len(unmatched)} unmatched doc_ids: {_listing(unmatched)})" if unmatched else "")
        )
    return "\n".join(_clip(line, 240) for line in lines)
