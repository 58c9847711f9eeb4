"""Raw records -> the documents frame: ids, dates, the sidecar, clean texts and duplicate flags.

Readers only turn files into raw records; everything that needs the whole corpus (unique ids,
the sidecar keyed by them, the final order, duplicates) is decided here, once, so every format
gets the same rules. The raw texts and the cleaned, sorted ones coexist only while the cleaning
runs, and Arrow allocates from the system allocator meanwhile
(:func:`analysis.memory.bulk_memory`), so the memory freed goes back to the system.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.corpus.boilerplate import find_boilerplate
from analysis.corpus.dates import check_dates, date_notes, parse_dates
from analysis.corpus.duplicates import find_duplicates
from analysis.corpus.languages import language_codes
from analysis.corpus.metadata import apply_metadata, read_metadata, sidecar_path
from analysis.corpus.sources import Collector
from analysis.corpus.summary import warn_summary
from analysis.corpus.texts import analyse_texts
from analysis.corpus.words import count_words
from analysis.errors import InputError
from analysis.memory import bulk_memory, release
from analysis.schema import DOCUMENT_COLUMNS
from analysis.text import clean as textclean


def load_corpus(
    source,
    *,
    metadata=None,
    text_column: str | None = None,
    date_column: str | None = None,
    title_column: str | None = None,
    id_column: str | None = None,
    url_column: str | None = None,
    source_column: str | None = None,
    near_duplicates: bool = True,
) -> pd.DataFrame:
    """Load articles from a folder, file(s) or DataFrame into the documents frame.

    Formats are those of :mod:`analysis.corpus.readers` (plain text, Markdown, CSV, TSV, JSON,
    JSON Lines, Parquet, any of them gzipped); what a folder, a named file and a DataFrame give
    is described in :class:`analysis.corpus.sources.Collector`. A document's ``doc_id`` is a
    file's stem, or for a table row its id column, else the stem of its ``path`` column, else
    ``"<file stem>:<row>"`` (``"frame:<row>"`` for a DataFrame). Ids that collide are made
    unique by a suffix (``"~2"``, ``"~3"``, in order of path then row, so the order of loading
    never changes them) and the renamed document gets a warning. Dates: see
    :mod:`analysis.corpus.dates`; duplicates: :mod:`analysis.corpus.duplicates`. Empty texts
    stay as documents with the warning "empty text". Nothing is dropped silently: every input
    that does not become a document is in ``attrs["excluded"]``, and one :class:`CorpusWarning`
    summarises exclusions and per-document warnings.

    Parameters
    ----------
    source : str, Path, list of them, or pandas.DataFrame
        A folder (walked recursively), one file, several of these, or a frame.
    metadata : str or Path, optional
        Sidecar CSV keyed by doc_id filling or overriding date, source, url, title
        (:mod:`analysis.corpus.metadata`). By default a ``metadata.csv`` at the top of a single
        folder source is used; ``False`` uses none.
    text_column, date_column, title_column, id_column, url_column, source_column : str, optional
        Column names for tables, overriding the detection of :data:`COLUMN_NAMES`.
    near_duplicates : bool
        Also flag near-duplicates (Jaccard >= 0.9 on word 5-shingles); exact ones always are.

    Returns
    -------
    pandas.DataFrame
        One row per document with columns ``doc_id`` (str, unique), ``date``
        (datetime64[ns] calendar day, NaT when unknown), ``date_source`` ("header", "html",
        "metadata", "field" or "missing"), ``date_note`` (what to know about the date: ambiguous,
        two-digit year, its time zone, taken from a URL ...; "" when nothing), ``title``,
        ``text``, ``source``, ``url``, ``path`` (the file, or
        a table's own ``path`` column), ``n_words`` (whitespace-separated tokens of title and
        text), ``duplicate_of`` (doc_id of the canonical copy, "" when unique) and ``warnings``
        ("; "-joined, "" when none); sorted by date (NaT last) then doc_id, index 0..n-1.
        ``attrs``: ``excluded`` (list of {"path", "row", "reason"}), ``metadata`` (sidecar path
        or ""), ``metadata_unmatched`` (sidecar doc_ids with no document), ``duplicates``
        ({"exact": n, "near": n}), ``source`` (what was loaded), ``boilerplate`` and
        ``boilerplate_spans`` (paragraphs repeated across a source, see
        :mod:`analysis.corpus.boilerplate`).

    Raises
    ------
    InputError
        One line naming the file and problem: a missing path, an empty folder, a named table
        without a text column (its columns listed), an unreadable table or sidecar.
    """
    overrides = {
        "text": text_column, "date": date_column, "title": title_column, "id": id_column,
        "url": url_column, "source": source_column,
    }  # fmt: skip
    sources = list(source) if isinstance(source, list | tuple) else [source]
    if not sources:
        raise InputError("load_corpus: no sources given")
    with bulk_memory():
        documents = _build_documents(sources, overrides, metadata, near_duplicates)
    warn_summary(documents)
    return documents


def _build_documents(
    sources: list, overrides: dict, metadata, near_duplicates: bool
) -> pd.DataFrame:
    """The documents frame of ``sources`` (see :func:`load_corpus`), ``attrs`` set."""
    collector = Collector(overrides)
    for item in sources:
        collector.add(item)
    raw = collector.frame()
    release()  # the readers' scratch space
    notes: list[list[str]] = [list(n) for n in raw["notes"]]
    where = [_where(path, row) for path, row in zip(raw["path"], raw["row"], strict=True)]

    ids = _unique_ids(raw, notes)
    dates, bad = parse_dates(raw["date_raw"])
    dates = check_dates(dates, bad, raw["date_raw"], where, notes, "date")
    date_source = np.where(np.isnat(dates), "missing", raw["date_origin"].to_numpy(dtype=object))
    frame = pd.DataFrame(
        {
            "doc_id": pd.array(ids, dtype="str"),
            "date": dates,
            "date_source": pd.array(date_source, dtype="str"),
            "date_note": pd.array(_date_note(raw, dates, notes), dtype="str"),
            "title": raw["title"].astype("str"),
            "source": raw["source"].astype("str"),
            "url": raw["url"].astype("str"),
            "language": pd.array(_languages(raw), dtype="str"),
            "path": raw["path"].astype("str"),
        }
    )

    sidecar = sidecar_path(metadata, sources)
    unmatched: list[str] = []
    if sidecar is not None:
        frame, unmatched = apply_metadata(frame, read_metadata(sidecar), sidecar, notes)

    # Final order first: positions then rank documents as the canonical choice wants, and the
    # texts are cleaned straight into that order.
    order = frame.sort_values(["date", "doc_id"], na_position="last", kind="stable").index
    order = order.to_numpy()
    frame = frame.take(order).reset_index(drop=True)
    notes = [notes[i] for i in order]
    texts = pa.array(raw["text"], pa.large_string())
    del raw  # the texts now live only in ``texts``
    if isinstance(texts, pa.Array):
        texts = pa.chunked_array([texts])
    analysed = analyse_texts(texts, order, near_duplicates)
    del texts
    release()  # the raw texts, before the last columns are built
    for position, warning in analysed.mojibake.items():
        notes[position].append(warning)
    for position in np.flatnonzero(analysed.n_tokens == 0):
        notes[position].append("empty text")
    titles = textclean.clean_array(pa.array(frame["title"], pa.large_string()))
    for position, warning in textclean.mojibake_warnings(titles).items():
        notes[position].append(f"title: {warning}")

    canonical, exact_copy = find_duplicates(
        analysed.text,
        analysed.exact_key,
        analysed.n_tokens,
        analysed.signatures if near_duplicates else None,
    )
    doc_ids = frame["doc_id"].to_numpy(dtype=object)
    duplicate_of = np.where(canonical >= 0, doc_ids[np.maximum(canonical, 0)], "")
    documents = frame.assign(
        title=pd.Series(titles.values.to_pandas(), dtype="str"),
        text=pd.Series(analysed.text.to_pandas(), dtype="str"),
        n_words=count_words(titles) + analysed.n_tokens,
        duplicate_of=pd.array(duplicate_of, dtype="str"),
        # Each warning is free of "; " so that the joined column splits back into warnings.
        warnings=pd.array(
            ["; ".join(w.replace("; ", ", ") for w in n) for n in notes], dtype="str"
        ),
    )[DOCUMENT_COLUMNS]
    n_copies = int((canonical >= 0).sum())
    boilerplate, boilerplate_spans = find_boilerplate(documents)
    documents.attrs = {
        "excluded": collector.excluded,
        "metadata": str(sidecar) if sidecar is not None else "",
        "metadata_unmatched": unmatched,
        "duplicates": {"exact": int(exact_copy.sum()), "near": n_copies - int(exact_copy.sum())},
        "source": _describe(sources),
        "boilerplate": boilerplate,
        "boilerplate_spans": boilerplate_spans,
    }
    return documents


def _languages(raw: pd.DataFrame) -> list[str]:
    """Each document's declared language as an ISO 639-1 code, "" when none was declared."""
    return language_codes(raw["language"] if "language" in raw else [None] * len(raw))


_HTML_DATE_CLUES = ("date from ", "no date in the page")


def _date_note(raw: pd.DataFrame, dates: np.ndarray, notes: list[list[str]]) -> list[str]:
    """Per document, what the reader said about its date (a URL, a capture day, a GDELT
    sighting; a web page's clue from its warnings) and :func:`date_notes` of the value; ""
    for an undated document."""
    given = raw["date_note"] if "date_note" in raw else pd.Series([""] * len(raw))
    given = ["" if not isinstance(v, str) else v for v in given.tolist()]
    origins = raw["date_origin"].tolist()
    parsed = date_notes(raw["date_raw"], dates)
    out = []
    for position, (reader, found) in enumerate(zip(given, parsed, strict=True)):
        if np.isnat(dates[position]):
            out.append("")
            continue
        parts = [reader] if reader else []
        if origins[position] == "html" and not reader:
            parts += [n for n in notes[position] if n.startswith(_HTML_DATE_CLUES)]
        out.append("; ".join([*parts, found] if found else parts))
    return out


def _unique_ids(raw: pd.DataFrame, notes: list[list[str]]) -> np.ndarray:
    """Base ids made unique: in each colliding group (ordered by path, row) the first keeps its
    id, the others get "~2", "~3", ... and a warning naming the document that kept it."""
    ids = raw["base_id"].to_numpy(dtype=object).copy()
    collided = raw["base_id"].duplicated(keep=False).to_numpy()
    if not collided.any():
        return ids
    taken = set(ids.tolist())
    group = raw.loc[collided, ["base_id", "path", "row"]].sort_values(["base_id", "path", "row"])
    first: dict[str, str] = {}
    counter: dict[str, int] = {}
    for position, base, path in zip(group.index, group["base_id"], group["path"], strict=True):
        if base not in first:
            first[base] = path
            continue
        number = counter.get(base, 1)
        while True:
            number += 1
            candidate = f"{base}~{number}"
            if candidate not in taken:
                break
        counter[base] = number
        taken.add(candidate)
        ids[position] = candidate
        notes[position].append(
            f"doc_id {base!r} already taken by {first[base]}, renamed {candidate!r}"
        )
    return ids


def _where(path: str, row: int) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1] if path else "DataFrame"
    return f"{name} row {row}" if row else name


def _describe(sources: list) -> str:
    return ", ".join("DataFrame" if isinstance(s, pd.DataFrame) else str(s) for s in sources)
