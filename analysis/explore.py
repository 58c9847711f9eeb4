"""Interactive exploration in JupyterLab: widgets that redraw the timeline, its evidence and
the footer.

The notebook ``05-explore`` only calls :func:`explorer`; every callback lives here, so the
notebook stays free of logic and the behaviour is tested like the rest of the package. The
picker offers every entity with a mention (a search box narrows it; a top-N list would hide
Patriot in a large corpus), the kind filter rebuilds its choices, and the evidence and the
footer are recomputed from the widgets on every change, so none of them can disagree.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.plots import plot_timeline_with_corpus, show
from analysis.report.context import ReportContext
from analysis.report.html import Html, evidence_by_period
from analysis.timeline import corpus_over_time, mentions_over_time

FREQUENCIES = (("day", "D"), ("week", "W"), ("month", "M"))
NORMALIZATIONS = (
    ("mentions per 1,000 words", "per_1k_words"),
    ("raw counts", "count"),
    ("share of documents", "share_of_docs"),
)
KINDS = (("actors and weapons", ""), ("actors", "actor"), ("weapons", "weapon"))
PRESELECTED = 5  # entities chosen at first, and after a kind change leaves none chosen
PEAKS = 3  # busiest periods of each entity whose sentences the evidence shows


def entity_catalogue(mentions: pd.DataFrame, entities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every entity with a mention, most mentioned first, with the text the search looks in.

    Parameters
    ----------
    mentions : DataFrame
        Mentions with entity, entity_id and kind.
    entities : DataFrame, optional
        The gazetteer's entities (id, aliases): aliases become searchable too.

    Returns
    -------
    DataFrame with entity, entity_id, kind, mentions and search (name, id and aliases,
    case-folded, joined by "|"); ordered by mentions (descending), then name.
    """
    counts = (
        mentions.groupby(["entity", "entity_id", "kind"], observed=True)
        .size()
        .rename("mentions")
        .reset_index()
        .sort_values(["mentions", "entity"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    aliases: dict[str, tuple[str, ...]] = {}
    if entities is not None and len(entities):
        aliases = dict(zip(entities["id"], entities["aliases"], strict=True))
    search = [
        "|".join((name, entity_id, *aliases.get(entity_id, ()))).casefold()
        for name, entity_id in zip(counts["entity"], counts["entity_id"], strict=True)
    ]
    return counts.assign(search=search)


def matching(catalogue: pd.DataFrame, *, kind: str = "", search: str = "") -> pd.DataFrame:
    """The catalogue's rows of ``kind`` ("" for both) whose name, id or an alias contains
    ``search`` (case-insensitive; "" matches all)."""
    rows = catalogue if not kind else catalogue[catalogue["kind"] == kind]
    text = " ".join(search.split()).casefold()
    if text:
        rows = rows[rows["search"].str.contains(text, regex=False)]
    return rows


class Explorer:
    """Widgets over one :class:`~analysis.report.ReportContext`.

    Attributes
    ----------
    search, entities, kind, freq, normalize, start, end : ipywidgets controls
    found : ipywidgets.HTML
        How many entities the search and the kind leave.
    chart, table, footer : ipywidgets.Output
        Where the timeline, its evidence and the reproducibility footer are drawn.
    series, evidence : DataFrame
        What the last redraw drew (the chart's series, the evidence sample).
    parameters : dict
        The context's parameters with the widgets' current values (what the footer shows).
    widget : ipywidgets.VBox
        Everything, laid out; display it.
    """

    def __init__(self, context: ReportContext, *, evidence_rows: int = 25) -> None:
        import ipywidgets as widgets

        self.context = context
        self.evidence_rows = evidence_rows
        self.catalogue = entity_catalogue(context.mentions, context.gazetteer.entities)
        dates = pd.to_datetime(context.selection["date"]).dropna()
        self._quiet = True  # no redraw while the controls are being set up or refilled
        self.search = widgets.Text(
            placeholder="name or alias", description="search", continuous_update=True
        )
        self.found = widgets.HTML()
        self.entities = widgets.SelectMultiple(
            options=[], rows=10, description="entities", layout=widgets.Layout(width="26rem")
        )
        kinds = [value for _, value in KINDS]
        only = context.kinds[0] if len(context.kinds) == 1 and context.kinds[0] in kinds else ""
        self.kind = widgets.Dropdown(options=KINDS, value=only, description="kind")
        self.freq = widgets.Dropdown(
            options=FREQUENCIES,
            value=context.freq if context.freq in ("D", "W", "M") else "W",
            description="per",
        )
        normalizations = [value for _, value in NORMALIZATIONS]
        self.normalize = widgets.Dropdown(
            options=NORMALIZATIONS,
            value=context.normalize if context.normalize in normalizations else "count",
            description="value",
        )
        self.start = widgets.DatePicker(
            value=dates.min().date() if len(dates) else None, description="from"
        )
        self.end = widgets.DatePicker(
            value=dates.max().date() if len(dates) else None, description="to"
        )
        # The evidence table is as wide as the page and wraps its sentences (no side scrolling).
        full_width = widgets.Layout(width="100%")
        self.chart = widgets.Output(layout=full_width)
        self.table = widgets.Output(layout=full_width)
        self.footer = widgets.Output(layout=full_width)
        self.series = pd.DataFrame()
        self.evidence = pd.DataFrame()
        self.parameters: dict[str, Any] = {}
        self._refill(keep=self._preselection(only))
        self.search.observe(self._on_filter, names="value")
        self.kind.observe(self._on_filter, names="value")
        for control in (self.entities, self.freq, self.normalize, self.start, self.end):
            control.observe(self.redraw, names="value")
        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [
                        widgets.VBox([self.search, self.entities, self.found]),
                        widgets.VBox([self.kind, self.freq, self.normalize, self.start, self.end]),
                    ]
                ),
                self.chart,
                self.table,
                self.footer,
            ],
            layout=full_width,
        )
        self._quiet = False
        self.redraw()

    # --- choices ----------------------------------------------------------------------------

    def _preselection(self, kind: str) -> list[str]:
        """The entities chosen when none is: the context's top ones of this kind."""
        names = self.context.top_entities(PRESELECTED, kind=kind or None)
        return names or matching(self.catalogue, kind=kind)["entity"].head(PRESELECTED).tolist()

    def _refill(self, *, keep: list[str]) -> None:
        """Options for the current kind and search; ``keep`` stays chosen (and offered, even
        when the search does not match it, so typing never drops a choice)."""
        rows = matching(self.catalogue, kind=self.kind.value, search=self.search.value)
        of_kind = matching(self.catalogue, kind=self.kind.value)
        kept = of_kind[of_kind["entity"].isin(keep)]
        shown = pd.concat([kept, rows[~rows["entity"].isin(keep)]])
        was_quiet, self._quiet = self._quiet, True
        try:
            self.entities.options = [
                (f"{name} ({count:,})", name)
                for name, count in zip(shown["entity"], shown["mentions"], strict=True)
            ]
            self.entities.value = tuple(kept["entity"])
        finally:
            self._quiet = was_quiet
        self.found.value = self._found_note(rows, of_kind)

    def _found_note(self, rows: pd.DataFrame, of_kind: pd.DataFrame) -> str:
        from html import escape

        text = " ".join(self.search.value.split())
        if not text:
            return f"{len(of_kind):,} entities with mentions"
        note = f"{len(rows):,} of {len(of_kind):,} entities match {text!r}"
        silent = self._unmentioned(text)
        if silent:
            note += f"; no mention of {', '.join(silent[:5])}{' ...' if len(silent) > 5 else ''}"
        return escape(note)

    def _unmentioned(self, text: str) -> list[str]:
        """Gazetteer entities the search matches that have no mention here (so a user knows
        the name was looked for, not missed)."""
        entities = self.context.gazetteer.entities
        if self.kind.value:
            entities = entities[entities["kind"] == self.kind.value]
        entities = entities[~entities["id"].isin(self.catalogue["entity_id"])]
        folded = text.casefold()
        hits = [
            name
            for name, entity_id, aliases in zip(
                entities["name"], entities["id"], entities["aliases"], strict=True
            )
            if folded in "|".join((name, entity_id, *aliases)).casefold()
        ]
        return sorted(hits)

    def _on_filter(self, change: Any) -> None:
        chosen = list(self.entities.value)
        if change["owner"] is self.kind:
            # A kind change keeps only the chosen entities of that kind; when none is left the
            # kind's own top entities are chosen, so the chart never empties silently.
            of_kind = set(matching(self.catalogue, kind=self.kind.value)["entity"])
            chosen = [name for name in chosen if name in of_kind] or self._preselection(
                self.kind.value
            )
        self._refill(keep=chosen)
        if change["owner"] is self.kind:  # a search changes the offer, not what is drawn
            self.redraw()

    # --- drawing ----------------------------------------------------------------------------

    def selection(self) -> dict[str, Any]:
        """The current choices as keyword arguments of ``mentions_over_time``."""
        return {
            "freq": self.freq.value,
            "normalize": self.normalize.value,
            "entities": list(self.entities.value) or None,
            "kinds": [self.kind.value] if self.kind.value else None,
            "start": pd.Timestamp(self.start.value) if self.start.value else None,
            "end": pd.Timestamp(self.end.value) if self.end.value else None,
        }

    def redraw(self, change: Any = None) -> None:
        """Recompute the series, the evidence and the footer for the current choices."""
        if self._quiet:
            return
        from IPython.display import display

        chosen = self.selection()
        context = self.context
        self.series = mentions_over_time(context.mentions, context.selection, **chosen)
        corpus = corpus_over_time(
            context.selection, freq=chosen["freq"], start=chosen["start"], end=chosen["end"]
        )
        self.evidence = self._evidence(chosen)
        self.parameters = self._parameters(chosen)
        figure = plot_timeline_with_corpus(
            self.series,
            corpus,
            top_n=max(context.top_n, len(chosen["entities"] or ())),
            events=context.events,
            freq=chosen["freq"],
            normalize=chosen["normalize"],
            include_classes=True,  # what the user picked is drawn, classes included
        )
        for output, shown in (
            (self.chart, show(figure)),
            (self.table, self.evidence_html()),
            (self.footer, self.footer_html()),
        ):
            with output:
                output.clear_output(wait=True)
                display(shown)

    def _evidence(self, chosen: dict[str, Any]) -> pd.DataFrame:
        """The sentences behind the chart: each chosen entity's busiest periods, in the
        chart's frequency and window, at most ``evidence_rows`` in all."""
        from analysis.kwic import evidence_sample

        mentions = self.context.mentions
        if chosen["kinds"]:
            mentions = mentions[mentions["kind"].isin(chosen["kinds"])]
        names = chosen["entities"] or sorted(
            set(self.series["entity"]) - {"other"} if "entity" in self.series else set()
        )
        sample = evidence_sample(
            mentions,
            self.context.selection,
            entities=names or None,
            freq=chosen["freq"],
            start=chosen["start"],
            end=chosen["end"],
            periods=PEAKS,
        )
        per_entity = max(1, self.evidence_rows // max(1, sample["entity_id"].nunique()))
        kept = sample.groupby("entity_id", sort=False).head(per_entity)
        kept.attrs = dict(sample.attrs)
        return kept

    def evidence_html(self) -> Html:
        """The evidence table of the last redraw."""
        freq_name = dict((value, name) for name, value in FREQUENCIES).get(self.freq.value, "")
        return evidence_by_period(
            self.evidence,
            caption=(
                f"{len(self.evidence):,} sentences behind the chart: the busiest {PEAKS} "
                f"{freq_name or 'period'}s of each entity"
            ),
            freq=self.freq.value,
        )

    def _parameters(self, chosen: dict[str, Any]) -> dict[str, Any]:
        day = lambda value: value.date().isoformat() if value is not None else ""  # noqa: E731
        return {
            **self.context.parameters,
            "freq": chosen["freq"],
            "normalize": chosen["normalize"],
            "entities": list(chosen["entities"] or []),
            "kinds": list(chosen["kinds"] or []),
            "start": day(chosen["start"]),
            "end": day(chosen["end"]),
        }

    def footer_html(self) -> Html:
        """The reproducibility footer with the widgets' current values as parameters."""
        return self.context.footer(
            self.parameters,
            status="interactive view: the parameters are the controls' current values",
        )


def explorer(context: ReportContext, *, evidence_rows: int = 25):
    """The explorer's widgets for a report context, ready to display.

    Parameters
    ----------
    context : ReportContext
        From :func:`analysis.report.report_context`.
    evidence_rows : int
        Sentences of the evidence table at most.

    Returns
    -------
    ipywidgets.VBox
    """
    return Explorer(context, evidence_rows=evidence_rows).widget
