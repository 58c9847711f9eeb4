"""What a report notebook works from: the corpus, the gazetteer and the mentions, loaded once.

A notebook stays thin: :func:`report_context` turns its parameters into a :class:`ReportContext`
(documents through :mod:`analysis.api`, so the chosen engine does the work), and each cell asks
the context for one thing to show: the summary, a series, an evidence table, the footer. The
date window and the tables come from the modules that own them (periods, timeline, mentions);
the context only selects and hands over.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config
from analysis.engines import check_engine
from analysis.files import is_url
from analysis.periods import in_window_or_undated, resolve_freq
from analysis.report.exports import export_frame, with_data
from analysis.report.html import Html, escape, footer, html_table, kwic_table
from analysis.store import corpus_hash  # the store's hash: the same corpus, the same digest

KWIC_WIDTH = 40  # characters of context each side: a KWIC row stays on one screen line
KINDS = ("actor", "weapon")  # schema.KINDS, checked by tests/test_report_pipeline.py
WARNING_ATTRIBUTE = "data-nm-warning"
"""Marks a report whose selection matched nothing; the renderer reads it from the outputs."""


def _text_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(item) for item in value]


class ReportContext:
    """Everything a report notebook shows, loaded once from its parameters.

    Attributes
    ----------
    parameters : dict
        The notebook's parameters as given.
    source : Path or str
        The corpus location (a URL stays a string).
    documents : DataFrame
        Every loaded document (DOCUMENT_COLUMNS), duplicates included.
    selection : DataFrame
        Unique documents inside [start, end], and the undated ones (counted apart).
    gazetteer : Gazetteer
    mentions : DataFrame
        Mentions (MENTION_COLUMNS) in ``selection``, of the chosen entities and kinds.
    events : DataFrame or None
        date, label (see ``analysis.plots.load_events``).
    notes : list of str
        Warnings raised while loading (shown by :meth:`summary`).
    shared_tone : str
        The batch's folder of sentences scored beside the kernels (``report`` writes it
        beside the mentions cache; see :func:`analysis.sentiment.sentence_tone`), or "".
    """

    def __init__(
        self,
        *,
        parameters: dict[str, Any],
        source: Path,
        documents: pd.DataFrame,
        gazetteer: Any,
        all_mentions: pd.DataFrame,
        events: pd.DataFrame | None,
        corpus_sha256: str = "",
        exports: str = "",
        shared_tone: str = "",
    ) -> None:
        self.parameters = parameters
        self.source = source
        self.documents = documents
        self.gazetteer = gazetteer
        self.events = events
        self.exports = exports  # not a parameter shown: a folder of this run, not an input
        self.shared_tone = shared_tone  # the batch's scored sentences (sentiment.sentence_tone)
        self.include_classes = bool(parameters.get("include_classes"))
        self.top_n = int(parameters.get("top_n") or 8)
        if corpus_sha256:
            self.__dict__["corpus_sha256"] = corpus_sha256  # the store's manifest knows it
        self.normalize = str(parameters.get("normalize") or "count")
        self.start = parameters.get("start") or None
        self.end = parameters.get("end") or None
        self.entities = _text_list(parameters.get("entities"))
        self.kinds = _text_list(parameters.get("kinds"))
        self.selection = self._select_documents(documents)
        # "auto" (or empty): the frequency the span calls for (periods.auto_freq)
        self.freq = resolve_freq(parameters.get("freq"), self.selection["date"], self.start,
                                 self.end)  # fmt: skip
        self.mentions = self._select_mentions(all_mentions)
        self.unmatched = self._unmatched()
        self.notes: list[str] = []

    def _select_documents(self, documents: pd.DataFrame) -> pd.DataFrame:
        unique = _unique_documents(documents)
        # Undated documents cannot be placed inside or outside the window: kept, as the
        # timeline keeps them, in their own group.
        inside = in_window_or_undated(unique["date"], self.start, self.end)
        return unique if inside.all() else unique[inside]  # no copy of every text for nothing

    def _select_mentions(self, mentions: pd.DataFrame) -> pd.DataFrame:
        from analysis.timeline import select_entities

        inside = mentions["doc_id"].isin(self.selection["doc_id"])
        selected = mentions if inside.all() else mentions[inside]
        if self.entities:
            selected = select_entities(selected, self.entities)
        if self.kinds:
            selected = selected[selected["kind"].isin(self.kinds)]
        if selected is mentions and mentions.index.equals(pd.RangeIndex(len(mentions))):
            # All of the batch's mentions: the same frame for every report, so that its
            # export is encoded once (analysis.report.exports).
            return mentions
        return selected.reset_index(drop=True)

    def _unmatched(self) -> list[str]:
        """Each requested entity or kind that selected nothing, said in a few words."""
        problems = [
            f"kinds: {kind!r} is not a kind (use {' or '.join(KINDS)})"
            for kind in self.kinds
            if kind not in KINDS
        ]
        problems += [
            f"kinds: no mentions of kind {kind!r} in this selection"
            for kind in self.kinds
            if kind in KINDS and not (self.mentions["kind"] == kind).any()
        ]
        seen = {
            str(value).casefold()
            for column in ("entity_id", "entity", "surface")
            if column in self.mentions.columns
            for value in self.mentions[column].unique()
        }
        table = getattr(self.gazetteer, "entities", pd.DataFrame())
        known = {
            str(value).casefold()
            for column in ("id", "name", "aliases")
            if column in table.columns
            for cell in table[column]
            for value in (cell if isinstance(cell, list | tuple) else [cell])
        }
        for entity in self.entities:
            if entity.casefold() in seen:
                continue
            why = (
                "no mentions in this selection"
                if entity.casefold() in known
                else ("no such entity or spelling in the gazetteer")
            )
            problems.append(f"entities: {entity!r} matched nothing ({why})")
        if not problems and not self.selection.empty and self.mentions.empty:
            problems.append("no mentions at all in this selection")
        return problems

    @cached_property
    def class_ids(self) -> frozenset[str]:
        """Ids of the gazetteer's class entities ("Weapons (generic)", "Drones" ...), as the
        charts define them (:func:`analysis.plots.class_entity_ids`)."""
        from analysis.plots import class_entity_ids

        return class_entity_ids(self.gazetteer.entities)

    @property
    def ranked_mentions(self) -> pd.DataFrame:
        """The mentions that compete for "top" places: class entities are left out unless the
        ``include_classes`` parameter brings them back."""
        if self.include_classes or "entity_id" not in self.mentions.columns:
            return self.mentions
        kept = self.__dict__.get("_ranked")
        if kept is None or kept[0] is not self.mentions:  # a notebook asks three times
            keep = ~self.mentions["entity_id"].isin(self.class_ids)
            kept = self.__dict__["_ranked"] = (
                self.mentions,
                self.mentions[keep].reset_index(drop=True),
            )
        return kept[1]

    @cached_property
    def corpus_sha256(self) -> str:
        """:func:`analysis.store.corpus_hash` of every loaded document."""
        return corpus_hash(self.documents)

    @cached_property
    def series(self) -> pd.DataFrame:
        """``mentions_over_time`` of the selection (``attrs``: freq, normalize, min_documents)."""
        from analysis.timeline import mentions_over_time

        return mentions_over_time(
            self.mentions,
            self.selection,
            freq=self.freq,
            normalize=self.normalize,
            start=self.start,
            end=self.end,
        )

    @cached_property
    def corpus_size(self) -> pd.DataFrame:
        """``corpus_over_time`` of the selection (documents per period, undated last)."""
        from analysis.timeline import corpus_over_time

        return corpus_over_time(self.selection, freq=self.freq, start=self.start, end=self.end)

    @property
    def excluded(self) -> pd.DataFrame:
        """Inputs that did not become documents: path, row, reason."""
        rows = self.documents.attrs.get("excluded") or []
        return pd.DataFrame(rows, columns=["path", "row", "reason"])

    def entity_table(self) -> pd.DataFrame:
        """:func:`analysis.mentions.entity_table` of the selection's mentions."""
        from analysis.mentions import entity_table

        return entity_table(self.mentions, self.gazetteer)

    def surface_table(self) -> pd.DataFrame:
        """:func:`analysis.mentions.surface_table` of the selection's mentions."""
        from analysis.mentions import surface_table

        return surface_table(self.mentions)

    def top_entities(self, n: int = 1, *, kind: str | None = None) -> list[str]:
        """:func:`analysis.mentions.top_entities` of :attr:`ranked_mentions`."""
        from analysis.mentions import top_entities

        return top_entities(self.ranked_mentions, n, kind=kind)

    @property
    def totals(self) -> pd.DataFrame:
        """:func:`analysis.mentions.entity_totals` of :attr:`ranked_mentions` (what the
        top-entities chart draws)."""
        from analysis.mentions import entity_totals

        return entity_totals(self.ranked_mentions)

    @cached_property
    def sentence_scores(self) -> pd.DataFrame:
        """:func:`analysis.sentiment.sentence_scores` of the selection: VADER runs once per
        report, however many tone tables it shows."""
        from analysis.sentiment import sentence_scores

        return sentence_scores(self.mentions, self.selection, shared=self.shared_tone)

    def tone(self, freq: str | None = None) -> pd.DataFrame:
        """:func:`analysis.sentiment.tone` of the selection, per entity or per ``freq`` period."""
        from analysis.sentiment import tone

        return tone(self.mentions, self.selection, freq=freq, scores=self.sentence_scores)

    @cached_property
    def tokens(self) -> Any:
        """:func:`analysis.discovery.corpus_tokens` of the selection: the gazetteer audit's
        near misses and candidates split the corpus into words once between them."""
        from analysis.discovery import corpus_tokens

        return corpus_tokens(self.selection)

    # --- exports: the data behind every chart and table ------------------------------------

    def export(self, frame: pd.DataFrame, name: str, *, label: str = "data") -> Html:
        """Save ``frame`` in this report's data folder and return its "data" link
        (:func:`analysis.report.exports.export_frame`; nothing when run without ``exports``)."""
        return export_frame(frame, name, self.exports, label=label)

    def table(
        self,
        frame: pd.DataFrame,
        name: str,
        *,
        columns: Sequence[str] | None = None,
        limit: int | None = 50,
    ) -> Html:
        """An escaped table of the first ``limit`` rows, with a data link to all of them."""
        # The file keeps what links a row back to its article, even where the page does not.
        keys = [c for c in ("doc_id", "url") if c in frame.columns and c not in (columns or ())]
        data = frame[[*keys, *columns]] if columns else frame
        shown = html_table(frame, columns=list(columns) if columns else None, limit=limit)
        return Html(shown.markup + self.export(data, name).markup)

    def chart(self, shown: Any, data: pd.DataFrame, name: str) -> Html:
        """A displayed chart (what ``plots.show`` returns) with a data link to ``data``."""
        return with_data(shown, self.export(data, name))

    def summary(self) -> Html:
        """One paragraph: what was loaded and selected, and what the charts below count."""
        documents = self.documents
        unique = int((documents["duplicate_of"] == "").sum())
        undated = int(self.selection["date"].isna().sum())
        dated = pd.to_datetime(self.selection["date"]).dropna()
        span = (
            f"{len(dated):,} dated from {dated.min():%Y-%m-%d} to {dated.max():%Y-%m-%d}"
            if len(dated)
            else "none dated"
        )
        kinds = self.mentions.groupby("kind")["entity_id"].nunique()
        parts = [
            f"<p><strong>{len(documents):,}</strong> documents loaded from "
            f"<code>{escape(self.source)}</code> ({unique:,} unique); "
            f"<strong>{len(self.selection):,}</strong> selected ({span}"
            f"{f', {undated:,} undated' if undated else ''}).</p>",
            f"<p><strong>{len(self.mentions):,}</strong> mentions of "
            f"{int(kinds.get('actor', 0)):,} actors and {int(kinds.get('weapon', 0)):,} weapons "
            f"(gazetteer <code>{escape(self.gazetteer.hash)}</code>, "
            f"{len(self.gazetteer):,} entities). Duplicates are counted once.</p>",
        ]
        excluded = documents.attrs.get("excluded") or []
        if excluded:
            parts.append(
                f"<p>{len(excluded):,} inputs did not become documents (listed in the "
                "corpus overview).</p>"
            )
        if self.notes:
            items = "".join(f"<li>{escape(note)}</li>" for note in self.notes)
            parts.append(f"<p>Notes from loading:</p><ul>{items}</ul>")
        parts.append(self.export(self.mentions, "mentions", label="this report's mentions").markup)
        return Html(self.warning().markup + "".join(parts))

    def warning(self) -> Html:
        """A banner naming each parameter value that matched nothing (empty when all did)."""
        if not self.unmatched:
            return Html("")
        said = "; ".join(self.unmatched)
        items = "".join(f"<li>{escape(problem)}</li>" for problem in self.unmatched)
        return Html(
            f'<div class="nm-failed" role="alert" {WARNING_ATTRIBUTE}="{escape(said)}">'
            f"<strong>Part of this selection matched nothing.</strong><ul>{items}</ul>"
            "The charts and tables below show what remains.</div>"
        )

    def evidence(self, entity: str | None = None, *, limit: int | None = 25) -> pd.DataFrame:
        """KWIC rows (``analysis.kwic.evidence``) for ``entity`` or the whole selection.

        All the rows (``limit=None``) of the same mentions of the same corpus are built once
        for the reports a kernel runs one after another (:data:`_SHARED_EVIDENCE`): the over
        time reports of all entities and of the actors draw the same top actors.
        """
        from analysis.kwic import evidence
        from analysis.timeline import select_entities

        if limit is not None:
            return evidence(self.mentions, self.selection, entity=entity, freq=self.freq,
                            width=KWIC_WIDTH, limit=limit)  # fmt: skip
        selected = select_entities(self.mentions, entity)
        key = (self.corpus_sha256, KWIC_WIDTH, _fingerprint(selected))
        if key not in _SHARED_EVIDENCE:
            _SHARED_EVIDENCE.clear()  # one at a time: it is large
            _SHARED_EVIDENCE[key] = evidence(
                selected, self.selection, freq=self.freq, width=KWIC_WIDTH
            )
        return _SHARED_EVIDENCE[key]

    def evidence_table(
        self,
        entity: str | Sequence[str] | None = None,
        *,
        limit: int = 25,
        name: str = "evidence",
    ) -> Html:
        """The evidence behind a chart as an escaped KWIC table (one entity, several or all);
        every row, not only those shown, goes to the data file ``name``."""
        names = _text_list(entity) if entity is not None else []
        rows = self.evidence(names or None, limit=None)
        what = f"mentions of {', '.join(names)}" if names else "mentions in this selection"
        shown = kwic_table(rows, limit=limit, caption=f"{len(rows):,} {what}")
        return Html(shown.markup + self.export(rows, name, label="all the evidence").markup)

    def footer(self, parameters: dict[str, Any] | None = None, **extra: Any) -> Html:
        """The reproducibility footer of this report (``parameters``: other values than the
        report's, as the explorer's controls; ``extra`` goes to :func:`html.footer`)."""
        return footer(
            self.parameters if parameters is None else parameters,
            corpus=str(self.source),
            documents=len(self.documents),
            corpus_sha256=self.corpus_sha256,
            gazetteer_hash=self.gazetteer.hash,
            gazetteer_sources=self.gazetteer.sources,
            **extra,
        )


_UNIQUE: dict[int, tuple[Any, pd.DataFrame]] = {}
"""The unique documents of the last documents frame asked for (by identity, with a weak
reference to it): the reports a kernel runs one after another select from the same batch
documents, and each selection would copy every text again (1.5-2 s at 14k documents)."""


def _unique_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """``corpus.unique_documents(documents)``, computed once for the same frame object (frames
    are never changed in place: see :data:`_BATCH_INPUTS`)."""
    import weakref

    from analysis.corpus import unique_documents

    entry = _UNIQUE.get(id(documents))
    if entry is not None and entry[0]() is documents:
        return entry[1]
    unique = unique_documents(documents)
    _UNIQUE.clear()  # one corpus at a time: the previous one's texts go
    key = id(documents)
    _UNIQUE[key] = (weakref.ref(documents, lambda _: _UNIQUE.pop(key, None)), unique)
    return unique


def _fingerprint(frame: pd.DataFrame) -> tuple[int, str]:
    """Rows and a digest of every value of ``frame`` (index left out)."""
    import hashlib

    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return len(frame), hashlib.sha1(hashed.tobytes()).hexdigest()


_SHARED_EVIDENCE: dict[tuple, pd.DataFrame] = {}
"""The last full evidence built, by corpus, width and mentions (see ReportContext.evidence).
Never changed in place: its export is encoded once too (analysis.report.exports)."""


def forget_shared() -> None:
    """Drop what reports of one notebook share (the full evidence), before another runs."""
    _SHARED_EVIDENCE.clear()


# The renderer runs a batch's notebooks one after another in the same kernel: the inputs read
# from the batch's store are kept here, so that only the first notebook reads them. Frames are
# never changed in place (every selection makes a new one), so sharing them is safe.
_BATCH_INPUTS: dict[tuple, tuple] = {}


def report_context(
    corpus: str = "",
    *,
    metadata: str = "",
    gazetteer: str = "",
    freq: str = "W",
    start: str = "",
    end: str = "",
    entities: str | Sequence[str] = (),
    kinds: str | Sequence[str] = (),
    normalize: str = "per_1k_words",
    top_n: int = 8,
    events: str = "",
    engine: str = "pandas",
    include_classes: bool = False,
    store: str = "",
    mentions_cache: str = "",
    exports: str = "",
) -> ReportContext:
    """Load the corpus, the gazetteer and the mentions once for a report notebook.

    Parameters
    ----------
    corpus : str
        Folder, file or export of articles; "" for the project's seeds (``config.SEEDS_DIR``).
    metadata : str
        Optional metadata CSV; "" uses ``config.SEEDS_METADATA`` for the seeds when it exists.
    gazetteer : str
        A user YAML/CSV merged on top of the packaged gazetteer; "" for the default alone.
    freq, start, end, entities, kinds, normalize, top_n, events, engine, include_classes
        The notebook's parameters (see the parameters cell of each notebook); ``events`` is
        a CSV of date,label markers; ``engine`` is passed to :mod:`analysis.api`.
    store : str
        A Parquet corpus store of ``corpus`` (``report`` writes one per batch, so the corpus
        is parsed once); "" parses ``corpus`` here.
    mentions_cache : str
        The store's cached mentions (``analysis.store.mentions_cache_path``); "" or a missing
        file finds the mentions here.
    exports : str
        The report's data folder (see :meth:`ReportContext.export`); "" writes no files.

    Returns
    -------
    ReportContext
    """
    from analysis import api
    from analysis.plots import load_events
    from analysis.sentiment import shared_folder
    from analysis.store import read_cached_mentions, read_manifest

    check_engine(engine)  # a typo fails before the corpus is read
    parameters = {
        "corpus": corpus,
        "metadata": metadata,
        "gazetteer": gazetteer,
        "freq": freq,
        "start": start,
        "end": end,
        "entities": list(_text_list(entities)),
        "kinds": list(_text_list(kinds)),
        "normalize": normalize,
        "top_n": top_n,
        "events": events,
        "engine": engine,
        "include_classes": include_classes,
    }
    source = _corpus_location(corpus)
    if not metadata and not is_url(source) and source.resolve() == config.SEEDS_DIR.resolve():
        metadata = str(config.SEEDS_METADATA) if config.SEEDS_METADATA.exists() else ""
    # Loading warnings belong in the report's text, not in a red stderr box above it.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        key = (store, mentions_cache, gazetteer, engine)
        if store and key in _BATCH_INPUTS:
            documents, entity_list, mentions, sha256 = _BATCH_INPUTS[key]
        else:
            if store:
                documents = api.load_corpus(store, engine=engine)
                sha256 = read_manifest(store)["corpus_hash"]
            else:
                documents = api.load_corpus(source, metadata=metadata or None, engine=engine)
                sha256 = ""
            entity_list = _gazetteer(gazetteer, mentions_cache if store else "")
            mentions = read_cached_mentions(_location(mentions_cache)) if mentions_cache else None
            if mentions is None:
                mentions = api.find_mentions(documents, entity_list, engine=engine)
            if store:
                _BATCH_INPUTS.clear()  # one batch at a time: the previous one's memory goes
                _BATCH_INPUTS[key] = (documents, entity_list, mentions, sha256)
        context = ReportContext(
            parameters=parameters,
            source=source,
            documents=documents,
            gazetteer=entity_list,
            all_mentions=mentions,
            events=load_events(events) if events else None,
            corpus_sha256=sha256,
            exports=exports,
            shared_tone=str(shared_folder(mentions_cache)) if store and mentions_cache else "",
        )
    loaded = list(documents.attrs.get("load_warnings") or [])  # the batch's, via the store
    context.notes.extend(dict.fromkeys(loaded + [str(warning.message) for warning in caught]))
    return context


def _gazetteer(extra: str, mentions_cache: str) -> Any:
    """The gazetteer the batch found its mentions with (kept beside its cache by ``report``,
    with its notes warned as ``load_gazetteer`` warns them), else ``load_gazetteer``'s."""
    from analysis.errors import warn
    from analysis.gazetteer import load_gazetteer
    from analysis.store import read_batch_gazetteer

    kept = read_batch_gazetteer(mentions_cache, extra or None) if mentions_cache else None
    if kept is None:
        return load_gazetteer(extra=extra or None)
    for note in kept.notes:
        warn(note)
    return kept


def _corpus_location(corpus: str) -> str | Path:
    """A URL (``s3://...``) stays a string (a Path makes ``s3://b/k`` ``s3:/b/k``); a local
    corpus is a Path; "" the project's seeds."""
    if not corpus:
        return config.SEEDS_DIR
    return corpus if is_url(corpus) else Path(corpus).expanduser()


def _location(path: str) -> str | Path:
    return path if is_url(path) else Path(path)
