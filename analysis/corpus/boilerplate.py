"""Boilerplate: paragraphs repeated verbatim across many documents of one source.

A newsletter plug, a teaser, or the opening formula of every executive order ("By the
authority vested in me as President by the Constitution and the laws of the United States of
America") would count its names once per document. A paragraph (text between blank lines) of
at least ``MIN_CHARS`` characters found word for word in at least ``MIN_DOCUMENTS`` unique
documents of one source (the ``source`` column; documents without one form one group) is
boilerplate. It is found at load time and listed in ``documents.attrs["boilerplate"]``; its
places are in ``attrs["boilerplate_spans"]``, and the extractor does not count mentions there
unless asked (``include_boilerplate=True``). Grouping and counting run in Arrow's C++ kernels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MIN_DOCUMENTS = 10
MIN_CHARS = 40
_SHOWN = 200  # characters of a boilerplate paragraph kept in attrs


class Spans(dict):
    """``attrs["boilerplate_spans"]``: doc_id -> [start, end) spans, read-only by convention.

    pandas deep-copies a frame's attrs on nearly every operation (each column taken, each
    filter); the spans of a large corpus would cost a tenth of a second every time, so this
    mapping is shared, not copied.
    """

    def __deepcopy__(self, memo) -> Spans:
        return self

    def __reduce__(self):  # pickles (to dask workers) as a plain dict of spans, rebuilt here
        return (Spans, (dict(self),))


def find_boilerplate(documents: pd.DataFrame) -> tuple[list[dict], dict[str, list[list[int]]]]:
    """Boilerplate paragraphs and where they are.

    Parameters
    ----------
    documents : frame with doc_id, text, source, duplicate_of.

    Returns
    -------
    ``(paragraphs, spans)``: one dict per boilerplate paragraph (source, text: its first
    characters, documents: how many unique documents hold it), most repeated first; and per
    doc_id the [start, end) character spans of boilerplate in its text.
    """
    unique = documents.loc[documents["duplicate_of"] == ""]
    if len(unique) < MIN_DOCUMENTS:
        return [], Spans()
    texts = pa.array(unique["text"].fillna(""), from_pandas=True, type=pa.large_string())
    parts = pc.split_pattern(texts, "\n\n")
    lengths = pc.list_value_length(parts).to_numpy(zero_copy_only=False)
    paragraphs = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    doc = pa.array(np.repeat(np.arange(len(unique), dtype=np.int64), lengths))
    sources = pa.array(unique["source"].fillna("").to_numpy(dtype=object), pa.string())
    long = pc.greater_equal(pc.utf8_length(paragraphs), MIN_CHARS)
    table = pa.table(
        {
            "paragraph": paragraphs.filter(long),
            "doc": doc.filter(long),
            "source": sources.take(doc.filter(long)),
        }
    )
    counted = table.group_by(["source", "paragraph"]).aggregate([("doc", "count_distinct")])
    repeated = counted.filter(pc.greater_equal(counted["doc_count_distinct"], MIN_DOCUMENTS))
    if not repeated.num_rows:
        return [], Spans()
    repeated = repeated.sort_by([("doc_count_distinct", "descending"), ("paragraph", "ascending")])
    listed = [
        {"source": source, "text": paragraph[:_SHOWN], "documents": int(n)}
        for source, paragraph, n in zip(
            repeated["source"].to_pylist(),
            repeated["paragraph"].to_pylist(),
            repeated["doc_count_distinct"].to_pylist(),
            strict=True,
        )
    ]
    wanted = pa.table({"source": repeated["source"], "paragraph": repeated["paragraph"]})
    places = table.join(wanted, ["source", "paragraph"], join_type="inner")
    ids = unique["doc_id"].to_numpy(dtype=object)
    text_of = unique["text"].fillna("").to_numpy(dtype=object)
    spans: dict[str, list[list[int]]] = {}
    pairs = sorted(set(zip(places["doc"].to_pylist(), places["paragraph"].to_pylist(),
                           strict=True)))  # fmt: skip
    for row, paragraph in pairs:
        text, at = text_of[row], -1
        while (at := text.find(paragraph, at + 1)) >= 0:
            spans.setdefault(ids[row], []).append([at, at + len(paragraph)])
    return listed, Spans({doc_id: sorted(found) for doc_id, found in sorted(spans.items())})
