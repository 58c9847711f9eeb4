"""Small, visible steps for the teaching notebooks (``notebooks/teaching/``).

The lessons call the package exactly as an analyst would (``find_mentions``,
``mentions_over_time``, ``evidence``, ``tone`` ...). What they need besides is here: functions
that make one idea of a lesson visible in one call: a corpus chosen by a single parameter, a
few sentences typed by the learner turned into documents, the mentions marked in the text,
naive token counts to compare with the gazetteer, the three normalisations side by side, the
words behind a VADER score. Nothing here is needed outside teaching, and nothing here computes a
number differently from the package: every count comes from the package's own functions.
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure

from analysis import config
from analysis.errors import InputError
from analysis.files import is_url
from analysis.periods import in_window_or_undated
from analysis.report.html import Html

TEACHING_DIR = config.NOTEBOOKS_DIR / "teaching"
EVENTS_CSV = TEACHING_DIR / "events.csv"
WHITEHOUSE = "whitehouse"
WHITEHOUSE_SLICE = ("2022-02-01", "2022-04-30")
"""The default slice of the White House corpus: the weeks around Russia's full-scale invasion
of Ukraine (24 February 2022), about 840 briefings; loads and counts in well under 15 s."""

MARK_COLOURS = {"actor": "#CFE3F5", "weapon": "#F8D9C2"}  # light tints of the plots' kinds
HIGHLIGHT_CSS = (
    ".nm-text{white-space:pre-wrap;font-family:inherit;line-height:1.6;max-width:60em}"
    ".nm-text mark{padding:0 .15em;border-radius:.2em}"
    ".nm-text mark sub{font-size:.65em;color:#555;margin-left:.2em}"
    ".nm-text del{color:#8a8a8a}"
    ".nm-doc{margin:.4em 0 1.2em 0}.nm-doc h4{margin:.2em 0;font-size:.85em;color:#555}"
    ".nm-heading{font-weight:bold;margin-bottom:.4em}"
)


# --- the corpus of a lesson ---------------------------------------------------------------------


def lesson_corpus(corpus: str = "", *, start: str = "", end: str = "") -> pd.DataFrame:
    """The documents a lesson works on, chosen by one parameter.

    Parameters
    ----------
    corpus : str
        "" for the project's seed articles (``config.SEEDS_DIR`` with its metadata.csv);
        "whitehouse" for a slice of the White House briefings corpus
        (``config.WHITEHOUSE_CORPUS``, optional); anything else is a folder or file of
        articles handed to :func:`analysis.corpus.load_corpus`.
    start, end : str
        First and last day kept (YYYY-MM-DD, inclusive); "" keeps everything, except for
        "whitehouse" with neither given, which takes :data:`WHITEHOUSE_SLICE`. Undated documents
        are always kept: they cannot be placed inside or outside a date range.

    Returns
    -------
    documents frame (DOCUMENT_COLUMNS), index 0..n-1.

    Raises
    ------
    InputError
        When "whitehouse" is asked for but the corpus file is not there, or when no document
        falls between ``start`` and ``end``.
    """
    choice = str(corpus).strip()
    if choice.lower() == WHITEHOUSE:
        if not config.WHITEHOUSE_CORPUS.exists():
            raise InputError(
                f"{config.WHITEHOUSE_CORPUS}: the White House corpus is not on this machine; "
                'set corpus = "" to use the seed articles (or NEWS_MENTIONS_CORPORA to its folder)'
            )
        source, metadata = config.WHITEHOUSE_CORPUS, None
        if not start and not end:
            start, end = WHITEHOUSE_SLICE
    elif choice:
        source = choice if is_url(choice) else Path(choice).expanduser()  # s3://, https:// kept
        metadata = None
    else:
        source = config.SEEDS_DIR
        metadata = config.SEEDS_METADATA if config.SEEDS_METADATA.exists() else None
    from analysis.corpus import load_corpus

    # The loader's one-line summary warning is for the command line; lessons show the frame.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(source, metadata=metadata)
    keep = in_window_or_undated(documents["date"], start, end)
    sliced = documents.loc[keep].reset_index(drop=True)
    if sliced.empty:
        raise InputError(f"start, end: no documents of {source} between {start!r} and {end!r}")
    sliced.attrs = dict(documents.attrs)
    return sliced


def example_documents(
    texts: str | Sequence[str], *, dates: Sequence[str] | None = None
) -> pd.DataFrame:
    """A documents frame made of a few sentences typed in a notebook.

    Parameters
    ----------
    texts : one text or a list of texts; each becomes a document ``example-1``, ``example-2``...
    dates : optional dates (YYYY-MM-DD), one per text; "" for undated.

    Returns
    -------
    documents frame (DOCUMENT_COLUMNS) loaded by :func:`analysis.corpus.load_corpus`, so it is
    matched exactly as real articles are.
    """
    from analysis.corpus import load_corpus

    texts = [texts] if isinstance(texts, str) else list(texts)
    frame = pd.DataFrame(
        {
            "id": [f"example-{number}" for number in range(1, len(texts) + 1)],
            "text": texts,
            "date": list(dates) if dates is not None else [""] * len(texts),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Typed examples may repeat each other on purpose: no duplicate detection.
        return load_corpus(frame, near_duplicates=False).pipe(_keep_all)


def _keep_all(documents: pd.DataFrame) -> pd.DataFrame:
    # Two identical example sentences are two examples here, not a duplicate story.
    return documents.assign(duplicate_of="")


def lesson_events(path: str | Path = "") -> pd.DataFrame:
    """Event markers for the lessons' timelines (date, label); default ``teaching/events.csv``.

    The markers give context for reading a chart; they do not explain a rise by themselves.
    """
    from analysis.plots import load_events

    return load_events(path or EVENTS_CSV)


# --- lesson 1: from words to mentions -----------------------------------------------------------


def tokens(text: str) -> list[str]:
    """The words and punctuation of a text as a simple tokenizer sees them.

    NLTK's ``wordpunct_tokenize`` (no downloaded data needed): runs of letters/digits and runs
    of punctuation. "Trump's" becomes "Trump", "'", "s"; "U.S." becomes "U", ".", "S", ".".
    """
    from nltk.tokenize import wordpunct_tokenize

    return wordpunct_tokenize(text)


def token_counts(documents: pd.DataFrame, words: Iterable[str]) -> pd.DataFrame:
    """How often each word (or phrase) occurs as a run of tokens, as written and in any case.

    This is the naive count a word-frequency tool gives: no aliases, no longest match, no case
    rule. Compare it with the mentions of the gazetteer entities.

    Parameters
    ----------
    documents : documents frame (title and text are both read; duplicates are skipped).
    words : the words or phrases to count; a phrase is matched as consecutive tokens.

    Returns
    -------
    frame: word, as_written (tokens equal to the word, same case), any_case (lower-cased
    tokens equal to the lower-cased word).
    """
    unique = documents.loc[documents["duplicate_of"].fillna("").eq("")]
    streams = [
        tokens(text)
        for field in ("title", "text")
        for text in unique[field].fillna("").tolist()
        if text
    ]
    lowered = [[token.lower() for token in stream] for stream in streams]
    single = Counter(chain.from_iterable(streams))
    single_lowered = Counter(chain.from_iterable(lowered))
    rows = []
    for word in words:
        wanted = tokens(word)
        if len(wanted) == 1:
            rows.append((word, single[wanted[0]], single_lowered[wanted[0].lower()]))
            continue
        size, folded_word = len(wanted), [token.lower() for token in wanted]
        exact = folded = 0
        for stream, low in zip(streams, lowered, strict=True):
            for i, token in enumerate(low):
                if token == folded_word[0] and low[i : i + size] == folded_word:
                    folded += 1
                    exact += stream[i : i + size] == wanted
        rows.append((word, exact, folded))
    return pd.DataFrame(rows, columns=["word", "as_written", "any_case"])


def highlight(
    documents: pd.DataFrame,
    mentions: pd.DataFrame,
    doc_id: str | Sequence[str] | None = None,
    *,
    excluded: pd.DataFrame | None = None,
    max_chars: int | None = 3000,
) -> Html:
    """The title and text of documents with every mention marked: what exactly was counted.

    Actors are marked in blue, weapons in orange, each followed by the entity's id in small
    print. Candidates removed by an exclusion phrase (``excluded``, from
    :func:`analysis.mentions.extract`) are struck through, with the phrase that excluded them.
    All text is escaped: an article cannot inject markup into the notebook.

    Parameters
    ----------
    documents : documents frame.
    mentions : mentions frame (doc_id, field, start, end, entity_id, kind).
    doc_id : one doc_id, several, or None for every document.
    excluded : the ``excluded`` frame of an extraction (doc_id, field, start, end, excluded_by).
    max_chars : characters of text shown per document (None: all); a note says what was cut.

    Returns
    -------
    Html
    """
    chosen = documents
    if doc_id is not None:
        wanted = [doc_id] if isinstance(doc_id, str) else list(doc_id)
        missing = sorted(set(wanted) - set(documents["doc_id"]))
        if missing:
            raise InputError(f"doc_id: no document {', '.join(map(repr, missing))}")
        chosen = documents.set_index("doc_id").loc[wanted].reset_index()
    lost = (
        excluded.rename(columns={"excluded_by": "label"})
        if excluded is not None and len(excluded)
        else None
    )
    parts = [f"<style>{HIGHLIGHT_CSS}</style>"]
    for row in chosen.itertuples(index=False):
        date = row.date.strftime("%Y-%m-%d") if pd.notna(row.date) else "undated"
        parts.append(f'<div class="nm-doc"><h4>{html.escape(str(row.doc_id))} · {date}</h4>')
        for field in ("title", "text"):
            text = str(getattr(row, field) or "")
            if not text:
                continue
            shown = text if max_chars is None or field == "title" else text[:max_chars]
            spans = [
                (start, end, "mark", entity_id, kind)
                for start, end, entity_id, kind in _spans(mentions, row.doc_id, field, len(shown))
            ]
            if lost is not None:
                spans += [
                    (start, end, "del", by, "")
                    for start, end, by, _ in _spans(
                        lost, row.doc_id, field, len(shown), label="label"
                    )
                ]
            body = _marked(shown, sorted(spans))
            css = "nm-text nm-heading" if field == "title" else "nm-text"
            parts.append(f'<div class="{css}">{body}</div>')
            if len(shown) < len(text):
                parts.append(
                    f"<p><em>… {len(text) - len(shown):,} more characters not shown</em></p>"
                )
        parts.append("</div>")
    return Html("".join(parts))


def _spans(
    frame: pd.DataFrame, doc_id: str, field: str, limit: int, label: str = "entity_id"
) -> list[tuple[int, int, str, str]]:
    rows = frame[(frame["doc_id"] == doc_id) & (frame["field"] == field) & (frame["end"] <= limit)]
    kinds = rows["kind"] if "kind" in rows.columns else pd.Series("", index=rows.index)
    return list(
        zip(
            rows["start"].tolist(),
            rows["end"].tolist(),
            rows[label].astype(str).tolist(),
            kinds.astype(str).tolist(),
            strict=True,
        )
    )


def _marked(text: str, spans: list[tuple[int, int, str, str, str]]) -> str:
    out, position = [], 0
    for start, end, tag, label, kind in spans:
        if start < position:  # an excluded candidate inside a kept mention: show the mention
            continue
        out.append(html.escape(text[position:start]))
        inner = html.escape(text[start:end])
        if tag == "mark":
            colour = MARK_COLOURS.get(kind, "#EEEEEE")
            out.append(
                f'<mark style="background:{colour}" title="{html.escape(label)} ({kind})">'
                f"{inner}<sub>{html.escape(label)}</sub></mark>"
            )
        else:
            out.append(
                f'<del title="excluded by {html.escape(label)}">{inner}</del>'
                f"<sub>excluded: {html.escape(label)}</sub>"
            )
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)


def gazetteer_with(additions: Mapping[str, Any] | Sequence[Mapping[str, Any]], *, base=None):
    """The default gazetteer with a few entities added or extended, written as in a YAML file.

    Parameters
    ----------
    additions : one entity or a list, each a mapping as in ``my_aliases.yml``: an existing
        ``id`` with more ``aliases`` (or ``exclusions``) extends that entity; a new ``id`` with
        ``name``, ``kind``, ``category`` and ``aliases`` adds one.
    base : a gazetteer file to start from (default: the one shipped with the package).

    Returns
    -------
    Gazetteer, validated exactly as :func:`analysis.gazetteer.load_gazetteer` validates a
    user's file (an alias claimed by two entities is an error).
    """
    from analysis.gazetteer import load_gazetteer

    entities = [dict(additions)] if isinstance(additions, Mapping) else [dict(a) for a in additions]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notebook_additions.yml"
        path.write_text(yaml.safe_dump({"entities": entities}, allow_unicode=True), "utf-8")
        gazetteer = load_gazetteer(base, extra=path)
    sources = (*gazetteer.sources[:-1], "additions made in the notebook")
    return dataclasses.replace(gazetteer, sources=sources)


def compare_counts(
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    labels: tuple[str, str] = ("before", "after"),
    changed_only: bool = True,
) -> pd.DataFrame:
    """Mentions per entity in two mentions frames, side by side (e.g. metonyms off and on).

    Returns
    -------
    frame: entity_id, entity, kind, <labels[0]>, <labels[1]>, change; biggest change first.
    """
    keys = ["entity_id", "entity", "kind"]
    first, second = labels
    counts = [
        frame.groupby(keys).size().rename(label)
        for frame, label in ((before, first), (after, second))
    ]
    table = (
        pd.concat(counts, axis=1)
        .fillna(0)
        .astype("int64")
        .reset_index()
        .assign(change=lambda d: d[second] - d[first])
    )
    if changed_only:
        table = table[table["change"] != 0]
    return table.sort_values(
        ["change", second, "entity_id"], ascending=[False, False, True], key=_abs_if_change
    ).reset_index(drop=True)


def _abs_if_change(column: pd.Series) -> pd.Series:
    return column.abs() if column.name == "change" else column


# --- lesson 2: counting over time honestly ------------------------------------------------------


def normalisation_table(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    entity: str,
    *,
    freq: str = "M",
    min_documents: int | None = None,
) -> pd.DataFrame:
    """One entity per period under the three normalisations, beside the corpus size.

    Every number comes from :func:`analysis.timeline.mentions_over_time`, called once per
    normalisation.

    Returns
    -------
    frame: period (NaT: the undated group), documents, words, mentions, per_1k_words,
    documents_with_mention, share_of_docs, low_volume, undated.
    """
    from analysis.timeline import MIN_DOCUMENTS, mentions_over_time

    options = {
        "freq": freq,
        "entities": entity,
        "min_documents": MIN_DOCUMENTS if min_documents is None else min_documents,
    }
    values = {
        normalize: mentions_over_time(mentions, documents, normalize=normalize, **options)
        for normalize in ("count", "per_1k_words", "share_of_docs")
    }
    base = values["count"]
    if base.empty:
        raise InputError(f"entity: no mentions of {entity!r} in these documents")
    return pd.DataFrame(
        {
            "period": base["period"],
            "documents": base["period_documents"],
            "words": base["period_words"],
            "mentions": base["mentions"],
            "per_1k_words": values["per_1k_words"]["value"].round(2),
            "documents_with_mention": base["documents_with_mention"],
            "share_of_docs": values["share_of_docs"]["value"].round(3),
            "low_volume": base["low_volume"],
            "undated": base["undated"],
        }
    )


def plot_normalisations(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    entities: str | Sequence[str] | None = None,
    freq: str = "M",
    top_n: int = 4,
) -> Figure:
    """The same mentions three ways (counts, per 1,000 words, share of documents) above the
    corpus size, on one shared date axis.

    Returns
    -------
    Figure with four Axes: counts, per 1,000 words, share of documents, documents per period.
    """
    from analysis.plots import plot_corpus_size, plot_mentions_over_time
    from analysis.timeline import corpus_over_time, mentions_over_time

    corpus = corpus_over_time(documents, freq=freq)
    with mpl.style.context(config.STYLE_SHEET):
        fig = plt.figure(layout="constrained", figsize=(9, 10))
        axes = fig.subplots(4, 1, sharex=True, height_ratios=[2, 2, 2, 1.1])
        for ax, normalize in zip(axes, ("count", "per_1k_words", "share_of_docs"), strict=False):
            series = mentions_over_time(
                mentions, documents, freq=freq, normalize=normalize, entities=entities
            )
            plot_mentions_over_time(series, corpus=corpus, top_n=top_n, note_undated=False, ax=ax)
            ax.tick_params(labelbottom=False)
        plot_corpus_size(corpus, ax=axes[3])
    return fig


def pretend_dated(documents: pd.DataFrame, date: str) -> pd.DataFrame:
    """The documents with every undated one given ``date``: the mistake lesson 2 warns about.

    This is what a crawler does when it stamps a story with the day it was collected. Use it
    only to see the false spike it makes; never in an analysis.
    """
    undated = documents["date"].isna()
    return documents.assign(
        date=documents["date"].fillna(pd.Timestamp(date)),
        date_source=documents["date_source"].where(~undated, "guessed"),
    )


# --- lesson 3: reading the evidence -------------------------------------------------------------


def value_at(series: pd.DataFrame, entity: str, period: str) -> pd.DataFrame:
    """The row(s) of a ``mentions_over_time`` series for one entity and one period.

    Parameters
    ----------
    series : from :func:`analysis.timeline.mentions_over_time` (its ``attrs["freq"]`` is used).
    entity : entity id or name (case-insensitive).
    period : any date inside the period ("2025-07" for July 2025 with monthly periods), or
        "undated".

    Returns
    -------
    frame: period, entity, mentions, documents_with_mention, period_documents, period_words,
    value, low_volume.
    """
    from analysis.periods import period_of

    key = str(entity).casefold()
    rows = series[
        series["entity_id"].str.casefold().eq(key) | series["entity"].str.casefold().eq(key)
    ]
    if rows.empty:
        names = sorted(set(series["entity"]) | set(series["entity_id"]))
        close = (
            difflib.get_close_matches(str(entity), names, n=3, cutoff=0.5)
            or [name for name in names if key in name.casefold()][:3]
        )
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise InputError(f"entity: {entity!r} is not an entity id or name in this series{hint}")
    if str(period).strip().lower() == "undated":
        rows = rows[rows["undated"]]
    else:
        rows = rows[rows["period"] == period_of(period, series.attrs.get("freq", "W"))]
    columns = [
        "period",
        "entity",
        "mentions",
        "documents_with_mention",
        "period_documents",
        "period_words",
        "value",
        "low_volume",
    ]
    return rows[columns].reset_index(drop=True)


def peak(series: pd.DataFrame) -> pd.DataFrame:
    """The dated entity x period with the highest value: the first number to check.

    Returns
    -------
    one-row frame with the columns of :func:`value_at` (empty when nothing is mentioned).
    """
    dated = series[~series["undated"] & (series["mentions"] > 0)]
    top = dated.sort_values(["value", "mentions"], ascending=False, kind="stable").head(1)
    return value_at(series, top["entity_id"].iloc[0], top["period"].iloc[0]) if len(top) else top


# --- lesson 4: tone and its limits --------------------------------------------------------------


def explain_tone(sentences: str | Sequence[str]) -> pd.DataFrame:
    """VADER's score of each sentence and the lexicon words that moved it.

    Parameters
    ----------
    sentences : one sentence or several.

    Returns
    -------
    frame: sentence, compound (-1..1, the package's own scorer), label ("positive" >= 0.05,
    "negative" <= -0.05, else "neutral"), words (each word of VADER's lexicon found in the
    sentence with its valence, e.g. "help +1.7"). Negation, "but" and intensifiers change the
    score without being listed: compare sentences that differ by one word to see them.
    """
    from analysis.sentiment import TONE_NEGATIVE, TONE_POSITIVE, sentence_tone, vader_analyzer

    sentences = [sentences] if isinstance(sentences, str) else list(sentences)
    lexicon = vader_analyzer().lexicon
    scores = sentence_tone(sentences)
    words = []
    for sentence in sentences:
        found = []
        for raw in sentence.split():
            word = raw.strip(".,;:!?\"'()[]“”‘’").lower()
            if word in lexicon:
                found.append(f"{word} {lexicon[word]:+.1f}")
        words.append(", ".join(found))
    labels = np.where(
        scores >= TONE_POSITIVE,
        "positive",
        np.where(scores <= TONE_NEGATIVE, "negative", "neutral"),
    )
    return pd.DataFrame(
        {"sentence": sentences, "compound": scores, "label": labels, "words": words}
    )


def tone_sentences(
    mentions: pd.DataFrame, documents: pd.DataFrame, entity: str | Sequence[str]
) -> pd.DataFrame:
    """The distinct sentences behind an entity's tone, each with its VADER score.

    The mean of ``compound`` here is the ``compound`` that :func:`analysis.sentiment.tone`
    reports for the entity, and the number of rows is its ``n_sentences``.

    Returns
    -------
    frame: date, doc_id, entity, compound, sentence; most negative first.
    """
    from analysis.kwic import evidence
    from analysis.sentiment import sentence_tone
    from analysis.timeline import select_entities

    chosen = select_entities(mentions, entity)
    rows = evidence(chosen, documents, width=0).merge(
        chosen[["doc_id", "field", "start", "entity", "sentence_id"]],
        on=["doc_id", "field", "start", "entity"],
    )
    distinct = rows.drop_duplicates(["doc_id", "field", "sentence_id", "entity"])
    return (
        distinct.assign(compound=sentence_tone(distinct["sentence"].tolist()))
        .sort_values(["compound", "date", "doc_id"], kind="stable", na_position="last")[
            ["date", "doc_id", "entity", "compound", "sentence"]
        ]
        .reset_index(drop=True)
    )
