"""Tone of the sentences that mention each entity (VADER), per entity or per period."""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

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


def sentence_tone(sentences: Iterable[str], shared: str | Path = "") -> np.ndarray:
    """VADER compound score (-1..1) of each sentence; identical sentences are scored once
    (many at once on two cores, see :data:`PARALLEL_SENTENCES`).

    ``shared``: a folder of :func:`share_sentences` (a report batch's): the sentences scored
    there, by a scorer beside the kernels, are not scored again (a score depends on the text
    only, so looked up by the text itself it is VADER's own).
    """
    sentences = list(sentences)
    distinct = list(dict.fromkeys(sentences))
    scores = _shared_scores(Path(shared), distinct) if shared else {}
    missing = [sentence for sentence in distinct if sentence not in scores]
    parallel = len(missing) >= PARALLEL_SENTENCES and (os.cpu_count() or 1) > 1
    scores.update(zip(missing, (_compounds_in_two if parallel else _compounds)(missing),
                      strict=True))  # fmt: skip
    return np.asarray([scores[sentence] for sentence in sentences], dtype="float64")


# --- a batch's sentences, scored beside the kernels ---------------------------------------------
#
# A report batch knows every sentence its tone charts may score as soon as the mentions are
# found. ``share_sentences`` writes them into a folder; a scorer process (``start_scorer``)
# scores them in chunks from the first while the kernels render other reports; a report that
# needs the scores takes the chunks not yet started from the last (``_shared_scores``), so
# both cores work until every chunk is done. Chunks are claimed under a file lock.

SHARE_CHUNK = 5_000
"""Sentences per chunk of a shared folder (about one second of VADER)."""
_SENTENCES, _CLAIMS, _LOCK, _PID = "sentences.pkl", "claims", "claims.lock", "scorer.pid"
SHARE_WAIT_SECONDS = 600.0
"""Longest wait for the scorer's last chunk before the report scores it itself."""


def shared_folder(mentions_cache: str | Path) -> Path:
    """The folder of shared sentences that goes with a batch's mentions cache file."""
    return Path(f"{mentions_cache}.tone")


def share_sentences(sentences: Iterable[str], folder: str | Path) -> Path | None:
    """Write the distinct ``sentences`` into ``folder`` for :func:`start_scorer`; not when
    there are fewer than :data:`PARALLEL_SENTENCES` (a second process would cost more than
    it saves) or only one core (None then)."""
    import pickle

    from analysis.files import write_atomic

    folder = Path(folder)
    distinct = list(dict.fromkeys(sentences))
    if len(distinct) < PARALLEL_SENTENCES or (os.cpu_count() or 1) < 2:
        return None
    chunks = -(-len(distinct) // SHARE_CHUNK)
    write_atomic(folder / _SENTENCES, pickle.dumps(distinct, protocol=pickle.HIGHEST_PROTOCOL))
    write_atomic(folder / _CLAIMS, f"0 {chunks}")
    return folder


def start_scorer(folder: str | Path) -> Any:
    """A child Python (``python -c``) scoring the chunks of ``folder`` from the first, or
    None when it cannot start (the reports then score everything themselves)."""
    import subprocess
    import sys

    code = f"import analysis.sentiment as s; s._score_shared({str(folder)!r})"
    try:
        return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL)
    except OSError:
        return None


def _claim(folder: Path, last: bool) -> int | None:
    """Take the first (or ``last``) chunk nobody took yet, or None when none is left."""
    import fcntl

    with open(folder / _LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        low, high = map(int, (folder / _CLAIMS).read_text().split())
        if low >= high:
            return None
        low, high, taken = (low, high - 1, high - 1) if last else (low + 1, high, low)
        (folder / _CLAIMS).write_text(f"{low} {high}")
        return taken


def _scorer_alive(folder: Path) -> bool:
    """Whether the scorer that claimed chunks is still running (it wrote its pid first)."""
    try:
        os.kill(int((folder / _PID).read_text()), 0)
    except (OSError, ValueError):
        return False
    return True


def _part(folder: Path, chunk: int) -> Path:
    return folder / f"part-{chunk:05d}.pkl"


def _score_shared(folder: str) -> None:
    """The scorer of :func:`start_scorer`: chunks from the first until none is left."""
    import pickle

    from analysis.files import write_atomic

    where = Path(folder)
    write_atomic(where / _PID, str(os.getpid()))  # before any claim: see _scorer_alive
    sentences = pickle.loads((where / _SENTENCES).read_bytes())
    while (chunk := _claim(where, last=False)) is not None:
        scored = _compounds(sentences[chunk * SHARE_CHUNK : (chunk + 1) * SHARE_CHUNK])
        write_atomic(_part(where, chunk), pickle.dumps(scored))


def _shared_scores(folder: Path, wanted: list[str]) -> dict[str, float]:
    """Scores of the folder's sentences (empty when there is no such folder): the chunks not
    claimed yet are scored here from the last, then the scorer's are read (a chunk whose
    scorer is gone, or late by :data:`SHARE_WAIT_SECONDS`, is scored here too)."""
    import pickle
    import time

    if not (folder / _SENTENCES).is_file():
        return {}
    sentences = pickle.loads((folder / _SENTENCES).read_bytes())
    if set(sentences).isdisjoint(wanted):
        return {}  # another selection's sentences: nothing to share
    from analysis.files import write_atomic

    scored: dict[int, list[float]] = {}
    while (chunk := _claim(folder, last=True)) is not None:
        scored[chunk] = _compounds(sentences[chunk * SHARE_CHUNK : (chunk + 1) * SHARE_CHUNK])
        write_atomic(_part(folder, chunk), pickle.dumps(scored[chunk]))  # for other reports
    chunks = -(-len(sentences) // SHARE_CHUNK)
    deadline = time.monotonic() + SHARE_WAIT_SECONDS
    for chunk in range(chunks):
        if chunk in scored:
            continue
        while not _part(folder, chunk).is_file() and time.monotonic() < deadline:
            if not _scorer_alive(folder):
                break
            time.sleep(0.05)
        try:
            scored[chunk] = pickle.loads(_part(folder, chunk).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError):
            scored[chunk] = _compounds(sentences[chunk * SHARE_CHUNK : (chunk + 1) * SHARE_CHUNK])
    return dict(zip(sentences, (score for c in range(chunks) for score in scored[c]),
                    strict=True))  # fmt: skip


SCORE_KEYS = ["doc_id", "field", "sentence_id"]


def sentence_scores(
    mentions: pd.DataFrame, documents: pd.DataFrame, *, shared: str | Path = ""
) -> pd.DataFrame:
    """VADER compound of every distinct sentence that holds a mention, scored once.

    Scoring is what :func:`tone` costs; a report that shows tone per entity and per period
    scores once and passes the result to both calls (``tone(..., scores=...)``).

    Parameters
    ----------
    mentions : mentions frame (uses doc_id, field, sentence_id, start).
    documents : documents frame (uses doc_id, date, title, text, duplicate_of).
    shared : a batch's folder of scored sentences (see :func:`sentence_tone`).

    Returns
    -------
    frame: doc_id, field, sentence_id, compound; one row per sentence of a unique document.
    """
    unique = unique_text_documents(documents)
    return _sentence_scores(located_mentions(mentions, unique), unique, shared)


def scored_sentences(mentions: pd.DataFrame, documents: pd.DataFrame) -> list[str]:
    """The texts VADER scores for :func:`sentence_scores` of these mentions, in order."""
    unique = unique_text_documents(documents)
    return _sentence_texts(located_mentions(mentions, unique), unique)[1]


def _sentence_scores(
    located: pd.DataFrame, unique: pd.DataFrame, shared: str | Path = ""
) -> pd.DataFrame:
    """:func:`sentence_scores` of mentions already located in the unique documents."""
    sentence_keys, sentences = _sentence_texts(located, unique)
    return (
        sentence_keys[SCORE_KEYS]
        .assign(compound=sentence_tone(sentences, shared))
        .reset_index(drop=True)
    )


def _sentence_texts(located: pd.DataFrame, unique: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    """One row per sentence (doc_id, field, sentence_id, start) and its text, as scored.

    The texts are read :data:`TEXT_BLOCK` documents at a time: as Python strings, all the
    texts of 14k documents at once held about 0.5 GB more than the frame (the peak of the
    batch's child). Each sentence is found from its own offset, so the blocks change nothing.
    """
    sentence_keys = located.drop_duplicates(SCORE_KEYS)[[*SCORE_KEYS, "start"]]
    sentences = np.empty(len(sentence_keys), dtype=object)
    wanted = pd.Index(sentence_keys["doc_id"].unique())
    for first in range(0, len(unique), TEXT_BLOCK):
        block = unique.iloc[first : first + TEXT_BLOCK]
        block = block.loc[block["doc_id"].isin(wanted).to_numpy()]
        where = np.flatnonzero(sentence_keys["doc_id"].isin(block["doc_id"]).to_numpy())
        if not len(where):
            continue
        texts = SentenceTexts(block)
        rows = sentence_keys.iloc[where]
        starts, ends = texts.locate(rows)
        sentences[where] = [
            collapse(texts.text(doc_id, field)[start:end])
            for doc_id, field, start, end in zip(
                rows["doc_id"].tolist(),
                rows["field"].tolist(),
                starts.tolist(),
                ends.tolist(),
                strict=True,
            )
        ]
    return sentence_keys, sentences.tolist()


TEXT_BLOCK = 2_000
"""Documents whose texts :func:`_sentence_texts` holds as Python strings at a time."""


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
