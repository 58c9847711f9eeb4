"""Interactive exploration in JupyterLab: widgets that redraw the timeline and its evidence.

The notebook ``05-explore`` only calls :func:`explorer`; every callback lives here, so the
notebook stays free of logic and the behaviour is tested like the rest of the package.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.periods import in_window_or_undated
from analysis.plots import plot_timeline_with_corpus, show
from analysis.report.context import ReportContext
from analysis.report.html import kwic_table
from analysis.timeline import corpus_over_time, mentions_over_time

FREQUENCIES = (("day", "D"), ("week", "W"), ("month", "M"))
NORMALIZATIONS = (
    ("mentions per 1,000 words", "per_1k_words"),
    ("raw counts", "count"),
    ("share of documents", "share_of_docs"),
)
KINDS = (("actors and weapons", ""), ("actors", "actor"), ("weapons", "weapon"))
CHOICES = 40  # entities offered in the picker, most mentioned first


class Explorer:
    """Widgets over one :class:`~analysis.report.ReportContext`.

    Attributes
    ----------
    entities, kind, freq, normalize, start, end : ipywidgets controls
    chart, table : ipywidgets.Output
        Where the timeline and the KWIC table are drawn.
    widget : ipywidgets.VBox
        Everything, laid out; display it.
    """

    def __init__(self, context: ReportContext, *, evidence_rows: int = 25) -> None:
        import ipywidgets as widgets

        self.context = context
        self.evidence_rows = evidence_rows
        names = context.top_entities(CHOICES)
        dates = pd.to_datetime(context.selection["date"]).dropna()
        self.entities = widgets.SelectMultiple(
            options=names, value=tuple(names[:5]), rows=8, description="entities"
        )
        self.kind = widgets.Dropdown(options=KINDS, value="", description="kind")
        self.freq = widgets.Dropdown(
            options=FREQUENCIES,
            value=context.freq if context.freq in "DWM" else "W",
            description="per",
        )
        self.normalize = widgets.Dropdown(
            options=NORMALIZATIONS, value=context.normalize, description="value"
        )
        self.start = widgets.DatePicker(
            value=dates.min().date() if len(dates) else None, description="from"
        )
        self.end = widgets.DatePicker(
            value=dates.max().date() if len(dates) else None, description="to"
        )
        self.chart = widgets.Output()
        self.table = widgets.Output()
        controls = (self.entities, self.kind, self.freq, self.normalize, self.start, self.end)
        for control in controls:
            control.observe(self.redraw, names="value")
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.entities, widgets.VBox(list(controls[1:]))]),
                self.chart,
                self.table,
            ]
        )
        self.redraw()

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
        """Recompute the series for the current choices and redraw chart and table."""
        from IPython.display import display

        from analysis.kwic import evidence

        chosen = self.selection()
        context = self.context
        series = mentions_over_time(context.mentions, context.selection, **chosen)
        corpus = corpus_over_time(
            context.selection, freq=chosen["freq"], start=chosen["start"], end=chosen["end"]
        )
        chosen_mentions = context.mentions
        if chosen["entities"]:
            chosen_mentions = chosen_mentions[chosen_mentions["entity"].isin(chosen["entities"])]
        if chosen["kinds"]:
            chosen_mentions = chosen_mentions[chosen_mentions["kind"].isin(chosen["kinds"])]
        rows = evidence(chosen_mentions, context.selection, freq=chosen["freq"])
        rows = rows[in_window_or_undated(rows["date"], chosen["start"], chosen["end"])]
        with self.chart:
            self.chart.clear_output(wait=True)
            display(show(plot_timeline_with_corpus(series, corpus, top_n=8, events=context.events)))
        with self.table:
            self.table.clear_output(wait=True)
            display(
                kwic_table(
                    rows,
                    limit=self.evidence_rows,
                    caption=f"{len(rows):,} mentions behind the chart",
                )
            )


def explorer(context: ReportContext, *, evidence_rows: int = 25):
    """The explorer's widgets for a report context, ready to display.

    Parameters
    ----------
    context : ReportContext
        From :func:`analysis.report.report_context`.
    evidence_rows : int
        Rows of the KWIC table.

    Returns
    -------
    ipywidgets.VBox
    """
    return Explorer(context, evidence_rows=evidence_rows).widget
