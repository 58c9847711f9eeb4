"""Tone of the sentences that mention each entity (VADER), per entity or per period."""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache

import numpy as np
import pandas as pd

from analysis.kwic import SentenceTexts, collapse, located_mentions, unique_text_documents
from analysis.periods import period_start
from analysis.schema import require_columns

TONE_POSITIVE = 0.05  # VADER's own thresholds for a positive / negative sentence
TONE_NEGATIVE = -0.05

# --- tone ---------------------------------------------------------------------------------------


@cache
def vader_analyzer():
    # Imported on first use: building the analyser reads its 7,500-word lexicon.
    from vaderSentiment.vaderSentiment import (
        BOOSTER_DICT,
        N_SCALAR,
        NEGATE,
        SentimentIntensityAnalyzer,
        SentiText,
    )

    negate = frozenset(NEGATE)

    class LinearVader(SentimentIntensityAnalyzer):
        """VADER with identical scores, several times faster on long sentences.

        vaderSentiment 3.3.2 (pinned) is slow in three places that do not change its results:

        - ``_negation_check`` and ``_special_idioms_check`` lower-case the WHOLE sentence again
          for every sentiment word: quadratic in the sentence length, and the run-on sentences
          of transcripts dominate. Both only read the three words before and two after
          position ``i`` (and never wrap around: VADER calls them only for i > start_i), so
          reading just those words gives the same result;
        - ``polarity_scores`` rebuilds the text character by character to replace emojis; when
          no character is an emoji that rebuild is the text itself, so we skip it;
        - it calls ``sentiment_valence`` for every word, most of which are not in the lexicon
          and get 0.

        ``tests/test_evidence.py`` checks that the scores equal the library's own.
        """

        def __init__(self):
            super().__init__()
            # Only single characters can match in VADER's per-character emoji loop.
            self._emoji = frozenset(key for key in self.emojis if len(key) == 1)

        def polarity_scores(self, text):
            if not text.isascii() and not self._emoji.isdisjoint(text):
                return super().polarity_scores(text)
            # The rest of SentimentIntensityAnalyzer.polarity_scores, unchanged except that a
            # word outside the lexicon gets its 0 here: sentiment_valence would append exactly
            # that, after a method call per word.
            text = text.strip()
            sentitext = SentiText(text)
            sentiments = []
            words = sentitext.words_and_emoticons
            lexicon = self.lexicon
            for i, item in enumerate(words):
                lower = item.lower()
                if lower in BOOSTER_DICT or lower not in lexicon:
                    sentiments.append(0)
                    continue
                if i < len(words) - 1 and lower == "kind" and words[i + 1].lower() == "of":
                    sentiments.append(0)
                    continue
                sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
            sentiments = self._but_check(words, sentiments)
            return self.score_valence(sentiments, text)

        @staticmethod
        def _negation_check(valence, words_and_emoticons, start_i, i):
            # SentimentIntensityAnalyzer._negation_check with the three words it reads lowered
            # once, and vaderSentiment.negated([word]) (which copies and scans the whole NEGATE
            # list on every call) replaced by a set look-up that gives the same answer.
            def lower(k):
                return str(words_and_emoticons[k]).lower()

            def negated(word):
                return word in negate or "n't" in word

            if start_i == 0:
                if negated(lower(i - 1)):
                    valence = valence * N_SCALAR
            if start_i == 1:
                if lower(i - 2) == "never" and (lower(i - 1) == "so" or lower(i - 1) == "this"):
                    valence = valence * 1.25
                elif lower(i - 2) == "without" and lower(i - 1) == "doubt":
                    valence = valence
                elif negated(lower(i - 2)):
                    valence = valence * N_SCALAR
            if start_i == 2:
                if (
                    lower(i - 3) == "never"
                    and (lower(i - 2) == "so" or lower(i - 2) == "this")
                    or (lower(i - 1) == "so" or lower(i - 1) == "this")
                ):
                    valence = valence * 1.25
                elif lower(i - 3) == "without" and (
                    lower(i - 2) == "doubt" or lower(i - 1) == "doubt"
                ):
                    valence = valence
                elif negated(lower(i - 3)):
                    valence = valence * N_SCALAR
            return valence

        @staticmethod
        def _special_idioms_check(valence, words_and_emoticons, i):
            low = max(0, i - 3)
            return SentimentIntensityAnalyzer._special_idioms_check(
                valence, words_and_emoticons[low : i + 3], i - low
            )

    return LinearVader()


PARALLEL_SENTENCES = 20_000
"""From this many distinct sentences, a second process scores half of them (VADER is pure
Python: one core per process), when the machine has a second core."""


def _compounds(sentences: list[str]) -> list[float]:
    analyzer = vader_analyzer()
    return [analyzer.polarity_scores(sentence)["compound"] for sentence in sentences]


def _compounds_in_two(sentences: list[str]) -> list[float]:
    """:func:`_compounds`, the second half in a child Python (``python -c``: it never imports
    the caller's main script, as multiprocessing's spawn would), the first half here
    meanwhile; all here if the child cannot start or fails."""
    import pickle
    import subprocess
    import sys
    import threading

    half = len(sentences) // 2
    code = "import analysis.sentiment as s; s._compounds_of_stdin()"
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
    except OSError:  # no processes here (a sandbox): one core it is
        return _compounds(sentences)
    answer: dict[str, bytes] = {}

    def talk() -> None:
        try:
            answer["out"], _ = child.communicate(pickle.dumps(sentences[half:]), timeout=3600)
        except (OSError, subprocess.TimeoutExpired):
            child.kill()

    thread = threading.Thread(target=talk, daemon=True)
    thread.start()
    first = _compounds(sentences[:half])
    thread.join()
    if child.wait() != 0 or "out" not in answer:
        return first + _compounds(sentences[half:])
    return first + pickle.loads(answer["out"])


def _compounds_of_stdin() -> None:
    """The child of :func:`_compounds_in_two`: pickled sentences in, pickled scores out."""
    import pickle
    import sys

    sys.stdout.buffer.write(pickle.dumps(_compounds(pickle.load(sys.stdin.buffer))))


def sentence_tone(sentences: Iterable[str]) -> np.ndarray:
    """VADER compound score (-1..1) of each sentence; identical sentences are scored once
    (many at once on two cores, see :data:`PARALLEL_SENTENCES`)."""
    sentences = list(sentences)
    distinct = list(dict.fromkeys(sentences))
    parallel = len(distinct) >= PARALLEL_SENTENCES and (os.cpu_count() or 1) > 1
    scored = (_compounds_in_two if parallel else _compounds)(distinct)
    scores = dict(zip(distinct, scored, strict=True))
    return np.asarray([scores[sentence] for sentence in sentences], dtype="float64")


SCORE_KEYS = ["doc_id", "field", "sentence_id"]


def sentence_scores(mentions: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """VADER compound of every distinct sentence that holds a mention, scored once.

    Scoring is what :func:`tone` costs; a report that shows tone per entity and per period
    scores once and passes the result to both calls (``tone(..., scores=...)``).

    Parameters
    ----------
    mentions : mentions frame (uses doc_id, field, sentence_id, start).
    documents : documents frame (uses doc_id, date, title, text, duplicate_of).

    Returns
    -------
    frame: doc_id, field, sentence_id, compound; one row per sentence of a unique document.
    """
    unique = unique_text_documents(documents)
    return _sentence_scores(located_mentions(mentions, unique), unique)


def _sentence_scores(located: pd.DataFrame, unique: pd.DataFrame) -> pd.DataFrame:
    """:func:`sentence_scores` of mentions already located in the unique documents."""
    sentence_keys = located.drop_duplicates(SCORE_KEYS)[[*SCORE_KEYS, "start"]]
    texts = SentenceTexts(unique.loc[unique["doc_id"].isin(sentence_keys["doc_id"].unique())])
    starts, ends = texts.locate(sentence_keys)
    sentences = [
        collapse(texts.text(doc_id, field)[start:end])
        for doc_id, field, start, end in zip(
            sentence_keys["doc_id"].tolist(),
            sentence_keys["field"].tolist(),
            starts.tolist(),
            ends.tolist(),
            strict=True,
        )
    ]
    return sentence_keys[SCORE_KEYS].assign(compound=sentence_tone(sentences)).reset_index(
        drop=True
    )


def tone(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    freq: str | None = None,
    scores: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Tone of the sentences that mention each entity (VADER compound), per entity or period.

    Every sentence that contains at least one mention is scored once with VADER; an entity's
    figures are over the distinct sentences that mention it (a sentence naming Trump twice
    counts once for Trump). VADER was built for social-media English; on diplomatic prose it
    mostly reads word polarity ("attack", "peace"), so compare entities and periods rather than
    reading absolute values.

    Parameters
    ----------
    mentions : mentions frame (uses doc_id, field, sentence_id, start, entity_id, entity, kind).
    documents : documents frame (uses doc_id, date, title, text, duplicate_of).
    freq : None for one row per entity; "D", "W", "M", ... for one row per entity and period
        (periods labelled by start; NaT for undated documents; periods without a sentence are
        absent, not zero: there is no tone to report).
    scores : :func:`sentence_scores` of the same mentions and documents, when already
        computed (the result is the same; only the scoring is skipped).

    Returns
    -------
    frame (``attrs["freq"]`` when ``freq`` is given): entity_id, entity, kind, [period],
    compound (mean VADER compound), positive (share
    of sentences with compound >= 0.05), negative (share <= -0.05), n_sentences; ordered by
    n_sentences descending, entity_id and period.
    """
    unique = unique_text_documents(documents)
    located = located_mentions(mentions, unique)
    require_columns(located, ["kind", "entity"], "mentions")
    keys = SCORE_KEYS
    scored = _sentence_scores(located, unique) if scores is None else scores
    require_columns(scored, [*keys, "compound"], "scores")

    group = ["entity_id", "entity", "kind"]
    frame = located.drop_duplicates([*keys, "entity_id"])[[*keys, *group, "date"]].merge(
        scored, on=keys
    )
    if freq is not None:
        frame = frame.assign(period=period_start(frame["date"], freq))
        group = [*group, "period"]
    result = (
        frame.assign(
            positive=lambda d: d["compound"] >= TONE_POSITIVE,
            negative=lambda d: d["compound"] <= TONE_NEGATIVE,
        )
        .groupby(group, dropna=False)
        .agg(
            compound=("compound", "mean"),
            positive=("positive", "mean"),
            negative=("negative", "mean"),
            n_sentences=("compound", "size"),
        )
        .reset_index()
    )
    # Most-evidenced entities first; within an entity, periods in order (undated last).
    order = ["_total", "entity_id", *(["period"] if freq is not None else [])]
    ordered = (
        result.assign(_total=result.groupby("entity_id")["n_sentences"].transform("sum"))
        .sort_values(
            order, ascending=[False] + [True] * (len(order) - 1), na_position="last", kind="stable"
        )
        .drop(columns="_total")
        .reset_index(drop=True)
    )
    if freq is not None:
        ordered.attrs.update(freq=freq)  # the charts' time axis
    return ordered
