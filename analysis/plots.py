"""Charts of the analysis frames: each function takes a tidy frame and returns a matplotlib Axes.

Every chart says in its title what is counted and how it is normalised, draws with the package's
one style sheet (``analysis/report.mplstyle``, colour-blind-safe Okabe-Ito colours), and stays
readable from 3 documents to 100k: at most ``top_n`` series plus an "other" line, concise date
ticks, long names truncated. An empty selection gives an Axes that says so instead of an error.

Only the object-oriented matplotlib API is used: ``plt.subplots``/``plt.figure`` create a figure
when the caller gives no ``ax``; nothing touches pyplot's current-figure state.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import textwrap
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter, StrMethodFormatter

from analysis import config
from analysis.errors import InputError
from analysis.files import write_atomic
from analysis.kwic import evidence_anchor
from analysis.periods import (
    FREQUENCIES,
    auto_freq,
    canonical_freq,
    freq_name,
    next_period_start,
    period_range,
    period_start,
)
from analysis.schema import NO_ACTION, NO_ACTION_LABEL
from analysis.timeline import check_normalize

__all__ = [
    "EMPTY_MESSAGE",
    "KIND_COLOURS",
    "PALETTE",
    "lines_or_panels",
    "load_events",
    "plot_cooccurrence",
    "class_entity_ids",
    "drawn_entities",
    "plain",
    "plot_corpus_size",
    "plot_small_multiples",
    "svg_links",
    "plot_heatmap",
    "plot_mentions_over_time",
    "plot_timeline_with_corpus",
    "plot_tone",
    "plot_tone_over_time",
    "plot_top_by_kind",
    "plot_top_entities",
    "save_figure",
    "show",
    "use_style",
]

# Okabe & Ito (2008); the same order as the style sheet's colour cycle.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
OTHER_COLOUR = "#999999"
CORPUS_COLOUR = "#8C8C8C"
LOW_VOLUME_COLOUR = "#F2E4C4"
KIND_COLOURS = {"actor": "#0072B2", "weapon": "#D55E00"}
EMPTY_MESSAGE = "No mentions in this selection"
NAME_WIDTH = 28
SAVE_DPI = 150

VALUE_LABELS = {
    "count": "mentions",
    "per_1k_words": "mentions per 1,000 words",
    "share_of_docs": "share of documents mentioning it",
}
TITLE_LEADS = {
    "count": "Mentions",
    "per_1k_words": "Mentions per 1,000 words",
    "share_of_docs": "Share of documents mentioning each entity",
}


# ---------------------------------------------------------------------------------------------
# Style and saving


class _StyleApplied:
    """Applies the style sheet at once; used in ``with`` it restores the previous rc on exit."""

    def __init__(self) -> None:
        self._previous = mpl.rcParams.copy()
        mpl.style.use(config.STYLE_SHEET)

    def __enter__(self) -> _StyleApplied:
        return self

    def __exit__(self, *exc_info: object) -> None:
        # dict.update skips rcParams' validation, as matplotlib's own rc_context does.
        dict.update(mpl.rcParams, self._previous)


def use_style() -> _StyleApplied:
    """Apply the package's style sheet (``analysis/report.mplstyle``).

    Called bare (``use_style()``, e.g. in a notebook's first cell) it changes matplotlib's rc
    for the session; used as ``with use_style(): ...`` it restores the previous rc afterwards.
    The plot functions apply the style themselves, so this matters only for other charts.
    """
    return _StyleApplied()


@contextlib.contextmanager
def _styled() -> Iterator[None]:
    with mpl.style.context(config.STYLE_SHEET):
        yield


def save_figure(fig: Figure, path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write ``fig`` as PNG and SVG with reproducible bytes.

    Parameters
    ----------
    fig : Figure
    path : str or path-like
        The destination without suffix (a ``.png``/``.svg`` suffix is dropped); missing folders
        are created.

    Returns
    -------
    (png_path, svg_path)

    Notes
    -----
    Same figure, same bytes: fixed dpi, no creation date or software version in the metadata,
    and a fixed ``svg.hashsalt`` for the SVG's element ids. Each file is written to a temporary
    file beside it and moved into place, so a reader never sees half a file.
    """
    base = Path(path)
    if base.suffix.lower() in {".png", ".svg"}:
        base = base.with_suffix("")
    written = []
    with mpl.rc_context({"svg.hashsalt": "news-mentions-analysis", "svg.fonttype": "path"}):
        for suffix, metadata in ((".png", {"Software": None}), (".svg", {"Date": None})):
            buffer = io.BytesIO()
            fig.savefig(
                buffer, format=suffix[1:], dpi=SAVE_DPI, metadata=metadata, facecolor="white"
            )
            written.append(write_atomic(base.with_suffix(suffix), buffer.getvalue()))
    return written[0], written[1]


def show(figure: Figure | Axes, *, dpi: int = 200, links: bool = False):
    """The figure for Jupyter to display once: PNG, or inline SVG whose links work.

    The figure is closed (so the inline backend does not show it a second time).

    Parameters
    ----------
    figure : Figure or Axes
        What a ``plot_*`` function returned.
    dpi : int
        PNG: rendered at ``dpi`` (sharp on high-density screens), displayed at the style's size
        (the report's CSS shrinks it to the page when the page is narrower).
    links : bool
        Inline SVG as wide as the page (:func:`svg_links`), for a chart drawn with
        ``links=...``: its points and bars are links to the evidence anchors in the same page.

    Returns
    -------
    IPython.display.Image, or IPython.display.HTML when ``links``
    """
    from IPython.display import HTML, Image

    fig = figure.figure if isinstance(figure, Axes) else figure
    fig = fig.figure if not isinstance(fig, Figure) else fig  # a SubFigure's parent
    if links:
        markup = svg_links(fig)
        plt.close(fig)
        return HTML(
            '<div class="nm nm-figure" style="width:100%;max-width:100%">' + markup + "</div>"
        )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
    plt.close(fig)
    width, height = (int(round(size * 100)) for size in fig.get_size_inches())
    return Image(data=buffer.getvalue(), format="png", width=width, height=height)


# ---------------------------------------------------------------------------------------------
# Events


def load_events(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read event markers from a CSV with the columns ``date`` and ``label``.

    Parameters
    ----------
    path : str or path-like
        A CSV file; dates as YYYY-MM-DD (or anything ISO 8601).

    Returns
    -------
    DataFrame
        date (datetime64), label (str), sorted by date.

    Raises
    ------
    InputError
        When a column is missing or a date cannot be read (naming the file and row).
    """
    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in ("date", "label") if column not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (want date,label)")
    dates = pd.to_datetime(frame["date"].str.strip(), errors="coerce", format="ISO8601")
    bad = dates.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{path}: row {row + 2}: field 'date': cannot read {frame['date'].iloc[row]!r} "
            "as a date (want YYYY-MM-DD)"
        )
    return (
        pd.DataFrame({"date": dates, "label": frame["label"].str.strip()})
        .sort_values("date", kind="stable")
        .reset_index(drop=True)
    )


# ---------------------------------------------------------------------------------------------
# Shared helpers


def _new_axes(ax: Axes | None, *, height: float | None = None) -> Axes:
    if ax is not None:
        return ax
    width = mpl.rcParams["figure.figsize"][0]
    figsize = None if height is None else (width, height)
    _, ax = plt.subplots(layout="constrained", figsize=figsize)
    return ax


def plain(text: object) -> str:
    """``text`` as matplotlib must draw it: literally, never as mathtext.

    Every label drawn from data goes through here: an entity named "$x$" or a title with two
    dollar signs would otherwise be parsed as TeX (and may fail to draw at all). A label
    beginning with "_" would be hidden from legends, so it gets a zero-width space in front.
    """
    value = str(text).replace("\\$", "$").replace("$", "\\$")
    return "\u200b" + value if value.startswith("_") else value


def _truncate(name: object, width: int = NAME_WIDTH) -> str:
    """``name`` shortened to ``width`` characters (with "…") and escaped by :func:`plain`."""
    text = str(name)
    return plain(text if len(text) <= width else text[: width - 1].rstrip() + "…")


def _kind_note(series: pd.DataFrame) -> str:
    """ " (weapons only)" or " (actors only)" when the series holds one kind: titles say so."""
    kinds = set(series["kind"].dropna()) if "kind" in series.columns else set()
    return f" ({next(iter(kinds))}s only)" if len(kinds) == 1 else ""


def _set_title(ax: Axes, title: str) -> None:
    # Titles are sentences; wrap them to the figure's width rather than let them run off it.
    width_inches = ax.get_figure(root=True).get_figwidth() * ax.get_position().width / 0.75
    points = FontProperties(size=mpl.rcParams["axes.titlesize"]).get_size_in_points()
    # A left-aligned title starts where the Axes does, after the tick labels: ~3/4 of the width.
    characters = max(30, int(width_inches * 0.75 * 72 / (points * 0.65)))
    ax.set_title(plain(textwrap.fill(title, characters)))


def _set_suptitle(fig: Figure, title: str) -> None:
    # A figure title wraps to the figure's width as _set_title does for one Axes.
    points = FontProperties(size=mpl.rcParams["axes.titlesize"]).get_size_in_points()
    characters = max(30, int(fig.get_figwidth() * 0.97 * 72 / (points * 0.66)))
    fig.suptitle(
        plain(textwrap.fill(title, characters)),
        x=0.01,
        ha="left",
        fontsize=mpl.rcParams["axes.titlesize"],
    )


def _show_empty(ax: Axes, title: str, message: str = EMPTY_MESSAGE) -> Axes:
    _set_title(ax, title)
    ax.text(
        0.5,
        0.5,
        plain(message),
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize="large",
        color="#555555",
    )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return ax


def _freq_of(frame: pd.DataFrame, freq: str | None) -> str | None:
    """The frequency of a period frame: as given, else ``attrs["freq"]`` (set by the timeline).

    A frame with dated periods and neither is refused: guessing days from weeks from months off
    the spacing of the periods is how a quarterly chart came to span weeks.
    """
    freq = freq or frame.attrs.get("freq")
    if freq:
        canonical_freq(str(freq))  # an unknown frequency fails here, with the accepted ones
        return str(freq)
    if "period" in frame.columns and frame["period"].notna().any():
        raise InputError("freq: not given and the frame has no attrs['freq']; pass freq='W' ...")
    return None


def _all_periods(periods: pd.Series | pd.Index, freq: str | None) -> pd.DatetimeIndex:
    """Every period from the first to the last, so that a missing one shows as a gap."""
    present = pd.DatetimeIndex(pd.Series(periods).dropna().unique()).sort_values()
    if len(present) < 2 or not freq:
        return present
    return period_range(present[0], present[-1], freq).rename(None).union(present)


def _period_ends(starts, freq: str | None) -> pd.DatetimeIndex:
    """Where each period ends (the next one starts); a week when the frequency is unknown."""
    starts = pd.DatetimeIndex(starts)
    if not freq:
        return starts + pd.Timedelta(days=7)
    return next_period_start(starts, freq)


def _normalisation(series: pd.DataFrame, normalize: str | None) -> str:
    """How ``value`` was computed: as given, else ``attrs["normalize"]`` (set by the timeline)."""
    normalize = normalize or series.attrs.get("normalize")
    if normalize:
        return check_normalize(str(normalize))
    if series.empty:
        return "count"
    raise InputError(
        "normalize: not given and the series has no attrs['normalize']; pass normalize='count' ..."
    )


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    keep = frame["period"].notna()
    if "undated" in frame.columns:
        keep &= ~frame["undated"].astype(bool)
    return frame[keep]


def _undated(frame: pd.DataFrame) -> pd.DataFrame:
    undated = frame["period"].isna()
    if "undated" in frame.columns:
        undated |= frame["undated"].astype(bool)
    return frame[undated]


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _undated_note(series: pd.DataFrame | None, corpus: pd.DataFrame | None) -> str | None:
    documents = 0
    if corpus is not None and not corpus.empty:
        documents = int(_undated(corpus)["documents"].sum())
    elif series is not None and not series.empty:
        undated = _undated(series)
        documents = int(undated["period_documents"].max()) if not undated.empty else 0
    mentions = 0
    if series is not None and not series.empty:
        mentions = int(_undated(series)["mentions"].sum())
    if not documents and not mentions:
        return None
    if series is None:
        return f"{_plural(documents, 'undated document')} not shown on the date axis"
    return (
        f"{_plural(documents, 'undated document')}: {_plural(mentions, 'mention')}, "
        "not plotted on the date axis"
    )


def _add_note(ax: Axes, text: str) -> None:
    # Below the x tick labels, left-aligned; constrained layout makes room for it. Each line
    # is wrapped to the Axes' width (a panel half the page wide would cut it off).
    inches = ax.get_figure(root=True).get_figwidth() * ax.get_position().width
    points = FontProperties(size="small").get_size_in_points()
    characters = max(40, int(inches * 72 / (points * 0.6)))
    text = "\n".join(textwrap.fill(line, characters) for line in text.split("\n"))
    ax.annotate(
        plain(text),
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -34),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize="small",
        color="#555555",
        annotation_clip=False,
    )


def _format_date_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _date_limits(ax: Axes, starts: pd.Series, freq: str | None) -> None:
    first, last = pd.Timestamp(starts.min()), pd.Timestamp(starts.max())
    ax.set_xlim(first, _period_ends([last], freq)[0])


def _centres(starts: pd.Series | pd.Index, freq: str | None) -> pd.DatetimeIndex:
    starts = pd.DatetimeIndex(starts)
    return starts + (_period_ends(starts, freq) - starts) / 2


def _shade_low_volume(ax: Axes, periods: pd.Series, freq: str | None) -> bool:
    starts = pd.DatetimeIndex(periods.dropna().unique())
    for start, stop in zip(starts, _period_ends(starts, freq), strict=True):
        ax.axvspan(start, stop, color=LOW_VOLUME_COLOUR, zorder=0, linewidth=0)
    return len(periods.dropna()) > 0


def _low_volume_periods(series: pd.DataFrame, corpus: pd.DataFrame | None) -> pd.Series:
    frame = corpus if corpus is not None and "low_volume" in corpus.columns else series
    if "low_volume" not in frame.columns:
        return pd.Series([], dtype="datetime64[ns]")
    dated = _dated(frame)
    return dated.loc[dated["low_volume"].astype(bool), "period"]


def _draw_events(ax: Axes, events: pd.DataFrame | None, first, last) -> None:
    if events is None or events.empty:
        return
    inside = events[(events["date"] >= first) & (events["date"] <= last)]
    for date, label in zip(inside["date"], inside["label"], strict=True):
        ax.axvline(date, color="#444444", linestyle=":", linewidth=1, zorder=1)
        ax.text(
            date,
            0.98,
            " " + _truncate(label, 32),
            transform=ax.get_xaxis_transform(),
            rotation=90,
            ha="right",
            va="top",
            fontsize="x-small",
            color="#444444",
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "alpha": 0.8, "linewidth": 0},
        )


def _few_documents(frame: pd.DataFrame) -> str:
    """The legend's name for a low-volume period, with the threshold when the frame knows it."""
    threshold = frame.attrs.get("min_documents")
    return f"fewer than {threshold} documents" if threshold else "few documents"


def _period_documents(series: pd.DataFrame, corpus: pd.DataFrame | None) -> pd.Series:
    """Documents per dated period, from the corpus frame when given, else from the series."""
    if corpus is not None and not corpus.empty:
        dated = _dated(corpus)
        return dated.groupby("period")["documents"].sum()
    return _dated(series).groupby("period")["period_documents"].max()


def _ranked(frame: pd.DataFrame, weight: str, label: str = "entity") -> pd.Index:
    """Labels by total ``weight``, largest first; ties broken by name so output is stable."""
    totals = frame.groupby(label, sort=True)[weight].sum()
    order = sorted(totals.index, key=lambda name: (-totals[name], str(name)))
    return pd.Index(order)


# ---------------------------------------------------------------------------------------------
# Which entities a chart draws, and where its points link to


def class_entity_ids(entities: pd.DataFrame) -> frozenset[str]:
    """The ids of a gazetteer's class entities: "Weapons (generic)", "Drones", "Missiles" ...

    The gazetteer's convention (``data/gazetteer/60-weapons.yml``): a class has no parent and
    specific systems name their class as parent; a sub-class (glide bombs, MANPADS) names its
    broader class and is itself a parent. So a weapon is a class when it has no parent, when
    another entity names it as parent, or when its name says "(generic)" ("Weapons systems
    (generic)" sits under "Weapons"). Actors' parents are institutions (the Pentagon under
    the United States), not classes: no actor is a class.

    Parameters
    ----------
    entities : DataFrame
        ``Gazetteer.entities`` (uses id, kind, parent).
    """
    weapons = entities[entities["kind"] == "weapon"]
    parents = set(entities["parent"]) - {""}
    is_class = (
        (weapons["parent"] == "")
        | weapons["id"].isin(parents)
        | weapons["name"].str.contains("(generic)", regex=False)
    )
    return frozenset(weapons.loc[is_class, "id"])


@functools.lru_cache(maxsize=1)
def _default_class_ids() -> frozenset[str]:
    from analysis.gazetteer import load_gazetteer

    return class_entity_ids(load_gazetteer().entities)


def _entity_key(frame: pd.DataFrame) -> pd.Series:
    return frame["entity_id"] if "entity_id" in frame.columns else frame["entity"]


def _without_classes(
    frame: pd.DataFrame, include_classes: bool, classes: Iterable[str] | None
) -> tuple[pd.DataFrame, int]:
    """``frame`` without the rows of class entities (unless ``include_classes``), and how many
    entities were left out. ``classes`` are ids or names; default the default gazetteer's."""
    if include_classes or frame.empty:
        return frame, 0
    wanted = _default_class_ids() if classes is None else frozenset(map(str, classes))
    drop = _entity_key(frame).astype(str).isin(wanted) | frame["entity"].astype(str).isin(wanted)
    return frame[~drop], int(frame.loc[drop, "entity"].nunique())


def _class_note(count: int) -> str | None:
    if not count:
        return None
    return (
        f"{_plural(count, 'class entity').replace('entitys', 'entities')} "
        "(e.g. Weapons (generic)) left out: include_classes=True brings them back"
    )


def _dated_ranking(series: pd.DataFrame) -> tuple[pd.Index, int]:
    """Entities by their mentions in dated documents; those with none are left out (a flat line
    at zero says nothing), with how many they were."""
    dated = _dated(series)
    ranked = _ranked(dated, "mentions") if not dated.empty else pd.Index([])
    totals = dated.groupby("entity")["mentions"].sum() if not dated.empty else pd.Series()
    kept = pd.Index([name for name in ranked if totals.get(name, 0) > 0])
    undated_only = series.loc[~series["entity"].isin(kept)]
    undated_only = undated_only.loc[undated_only["mentions"] > 0, "entity"].nunique()
    return kept, int(undated_only)


def drawn_entities(
    series: pd.DataFrame,
    *,
    top_n: int = 8,
    include_classes: bool = False,
    classes: Iterable[str] | None = None,
) -> list[str]:
    """The ids of the entities a time chart of ``series`` draws on their own, in its order.

    What to pass to ``analysis.kwic.evidence_sample(entities=...)`` so that the evidence
    below a chart covers exactly its lines or panels (classes and undated-only entities are
    left out as the chart leaves them out).
    """
    if series.empty:
        return []
    kept, _ = _without_classes(series, include_classes, classes)
    ranked, _ = _dated_ranking(kept) if not kept.empty else (pd.Index([]), 0)
    ids = _entity_ids(kept)
    return [str(ids.get(name, name)) for name in ranked[:top_n]]


def _undated_only_note(count: int) -> str | None:
    if not count:
        return None
    return (
        f"{_plural(count, 'entity').replace('entitys', 'entities')} mentioned only in undated "
        "documents: not drawn"
    )


def _anchor_of(entity_id: object, period: object, freq: str | None) -> str:
    return evidence_anchor(str(entity_id), period, freq or "W")


def _linked(anchor: str, links: bool | Collection[str]) -> str | None:
    """``#anchor`` when the chart links there: every anchor for True, else those listed."""
    if links is True or (not isinstance(links, bool) and anchor in links):
        return "#" + anchor
    return None


def _point_linker(
    x: pd.DatetimeIndex,
    wide: pd.DataFrame,
    counts: pd.DataFrame,
    ids: dict[str, object],
    freq: str | None,
    links: bool | Collection[str],
):
    """A function ``(ax, name, colour, size)`` that puts linked markers on ``name``'s points
    with mentions, each an SVG link to its evidence; nothing when ``links`` is False."""

    def link(ax: Axes, name: str, colour: str, size: float) -> None:
        if links is False:
            return
        y = wide[name].to_numpy()
        urls = [
            _linked(_anchor_of(ids.get(name, name), period, freq), links) if count > 0 else None
            for period, count in zip(wide.index, counts[name].to_numpy(), strict=True)
        ]
        keep = np.array([u is not None and np.isfinite(v) for u, v in zip(urls, y, strict=True)])
        if not keep.any():
            return
        points = ax.scatter(
            np.asarray(x)[keep], y[keep], s=size, color=colour, zorder=30, clip_on=False,
            linewidths=0,
        )  # fmt: skip
        # zorder 30: above every line and its markers (up to 3 + 8), so the links take the click
        points.set_urls([url for url, k in zip(urls, keep, strict=True) if k])

    return link


def svg_links(figure: Figure | Axes) -> str:
    """The figure as inline SVG markup whose linked markers and bars are ``<a>`` elements.

    Draw with ``links=True`` first; embed the result in the page that holds the evidence
    anchors (``analysis.report.html.figure_html`` does, at the page's width). No XML prolog,
    width 100% of the container, height from the aspect ratio; reproducible bytes as in
    :func:`save_figure`.
    """
    fig = figure.figure if isinstance(figure, Axes) else figure
    buffer = io.BytesIO()
    with mpl.rc_context({"svg.hashsalt": "news-mentions-analysis", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, facecolor="white")
    markup = buffer.getvalue().decode("utf-8")
    markup = markup[markup.index("<svg") :]
    # matplotlib opens a collection's links in a new window: an anchor in the page must not
    markup = re.sub(r'(<a xlink:href="#[^"]*") target="_blank"', r"\1", markup)
    # the heatmap's cell links are unfilled boxes over the colours: they take the clicks
    markup = markup.replace(
        f'<g id="{CELL_LINKS}">', f'<g class="{CELL_LINKS}" pointer-events="all">'
    )
    return re.sub(
        r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
        r'<svg\1 width="100%" preserveAspectRatio="xMinYMin meet"',
        markup,
        count=1,
    )


# ---------------------------------------------------------------------------------------------
# Charts


MAX_LINES = 8
"""More entities than this on one chart become small multiples (one panel each)."""
LINES_OVER_MANY_PERIODS = 4
"""Over more than ``MANY_PERIODS`` periods, more entities than this become small multiples:
eight spiky lines over five years of months cross so often that none can be followed."""
MANY_PERIODS = 24


def lines_or_panels(series: pd.DataFrame, top_n: int, **options) -> str:
    """ "lines" or "panels": how :func:`plot_timeline_with_corpus` draws ``series``.

    Lines while there are at most ``MAX_LINES`` entities to draw on at most ``MANY_PERIODS``
    periods, or at most ``LINES_OVER_MANY_PERIODS`` on more; small multiples otherwise.
    ``options``: include_classes, classes (as the chart takes them).
    """
    if top_n > MAX_LINES:
        return "panels"
    drawn = len(drawn_entities(series, top_n=top_n, **options)) if not series.empty else 0
    dated = _dated(series) if not series.empty else series
    if "period_documents" in dated.columns:  # days without documents draw nothing to cross
        dated = dated[dated["period_documents"] > 0]
    periods = dated["period"].nunique() if not dated.empty else 0
    many = periods > MANY_PERIODS and drawn > LINES_OVER_MANY_PERIODS
    return "panels" if many else "lines"


def _series_frame(series, corpus, normalize, freq, include_classes, classes):
    """What every time chart needs: normalisation, frequency, the entities to draw and notes."""
    normalize = _normalisation(series, normalize)
    freq = _freq_of(series, freq)
    if corpus is not None and freq is None:
        freq = _freq_of(corpus, None)
    kept, classes_out = (
        _without_classes(series, include_classes, classes) if not series.empty else (series, 0)
    )
    ranked, undated_only = _dated_ranking(kept) if not kept.empty else (pd.Index([]), 0)
    notes = [_class_note(classes_out), _undated_only_note(undated_only)]
    return kept, normalize, freq, ranked, [note for note in notes if note]


def _wide_values(dated, ranked, corpus, column="value"):
    """period x entity values; periods without documents are NaN (a gap, not a false dip)."""
    wide = dated.pivot_table(
        index="period", columns="entity", values=column, aggfunc="sum", fill_value=0
    ).reindex(columns=ranked, fill_value=0)
    if corpus is not None and not corpus.empty:
        wide = wide.reindex(wide.index.union(_dated(corpus)["period"]), fill_value=0)
    wide = wide.sort_index()
    empty = _period_documents(dated, corpus).reindex(wide.index, fill_value=0) == 0
    return wide.mask(empty, np.nan)


def _entity_ids(series: pd.DataFrame) -> dict[str, object]:
    return dict(zip(series["entity"], _entity_key(series), strict=False))


def plot_mentions_over_time(
    series: pd.DataFrame,
    *,
    corpus: pd.DataFrame | None = None,
    top_n: int = 8,
    events: pd.DataFrame | None = None,
    title: str | None = None,
    note_undated: bool = True,
    freq: str | None = None,
    normalize: str | None = None,
    include_classes: bool = False,
    classes: Iterable[str] | None = None,
    links: bool | Collection[str] = False,
    ax: Axes | None = None,
) -> Axes:
    """Line chart of mentions per period for the ``top_n`` entities (at most about 8 lines).

    Parameters
    ----------
    series : DataFrame
        From ``mentions_over_time``: period, entity_id, entity, mentions, value,
        period_documents, period_words, low_volume, undated (``attrs["normalize"]``/
        ``attrs["freq"]`` when set).
    corpus : DataFrame, optional
        From ``corpus_over_time`` (period, documents, low_volume, undated): used for the shaded
        low-volume periods and the undated-document note.
    top_n : int
        Entities drawn as their own line, by mentions in dated documents. The rest are summed
        into a dotted "other" line only while it stays below the highest of them; otherwise
        (and for shares of documents, which do not add up) a note counts them instead, so
        "other" never dominates. For more than 8 lines use ``plot_small_multiples``.
    events : DataFrame, optional
        date, label (see ``load_events``): dotted vertical markers.
    title : str, optional
        Replaces the generated title.
    note_undated : bool
        Write below the axis how many undated documents and mentions are left off it.
    freq, normalize : str, optional
        The series' frequency and normalisation; default its ``attrs`` (the timeline sets them).
    include_classes : bool
        Keep class entities ("Weapons (generic)", "Drones", ...); left out by default, with a
        note, since a class word outnumbers the systems it stands for.
    classes : iterable of str, optional
        The class entities' ids (:func:`class_entity_ids` of your gazetteer); default those
        of the default gazetteer.
    links : bool or collection of str
        True: each point with mentions links (in SVG output, see :func:`svg_links`) to
        ``#`` + ``analysis.kwic.evidence_anchor(entity_id, period, freq)``; a collection of
        anchors links only those.
    ax : Axes, optional
        Draw here; a new figure otherwise.

    Returns
    -------
    Axes

    Notes
    -----
    Entities with no mention in a dated document are not drawn (a flat line at zero would
    take a place from a dated one); a note says how many.
    """
    with _styled():
        ax = _new_axes(ax)
        kept, normalize, freq, ranked, notes = _series_frame(
            series, corpus, normalize, freq, include_classes, classes
        )
        title = title or (
            f"{TITLE_LEADS.get(normalize, 'Mentions')}{_kind_note(series)}, by {freq_name(freq)}"
        )
        dated = _dated(kept) if not kept.empty else kept
        if dated.empty or not len(ranked):
            _show_empty(ax, title)
            note = _undated_note(series if not series.empty else None, corpus)
            notes = [*notes, note] if note and note_undated else notes
            if notes:
                _add_note(ax, "\n".join(notes))
            return ax

        top, rest = ranked[:top_n], ranked[top_n:]
        wide = _wide_values(dated, ranked, corpus)
        counts = _wide_values(dated, ranked, corpus, "mentions").fillna(0)
        x = _centres(wide.index, freq)
        link = _point_linker(x, wide, counts, _entity_ids(kept), freq, links)
        # markers on the lines too when linked: the legend then shows what the points are
        marker = "o" if len(wide) <= 60 else None

        low = _low_volume_periods(series, corpus)
        # When every period is thin, shading them all says nothing: the legend says it instead.
        all_low = len(wide) > 0 and set(pd.DatetimeIndex(low)) >= set(wide.index)
        shaded = _shade_low_volume(ax, low, freq) if len(wide) and not all_low else False
        handles, labels = [], []
        for index, name in enumerate(top):
            colour = PALETTE[index % len(PALETTE)]
            (line,) = ax.plot(
                x,
                wide[name].to_numpy(),
                label=_truncate(name),
                color=colour,
                linestyle="-" if index < 4 else "--",
                marker=marker,
                markersize=4,
                clip_on=False,  # a zero sits on the axis: show the whole marker
                zorder=3 + len(top) - index,  # where lines meet, the most mentioned is on top
            )
            link(ax, name, colour, 16 if len(wide) <= 60 else 12)
            handles.append(line)
            labels.append(_truncate(name))
        if len(rest) and normalize != "share_of_docs":
            other = wide[list(rest)].sum(axis=1, min_count=1)
            highest = np.nanmax(wide[list(top)].to_numpy()) if len(top) else 0
            label = f"other ({_plural(len(rest), 'entity').replace('entitys', 'entities')})"
            if np.nanmax(other.to_numpy()) <= highest:
                (line,) = ax.plot(
                    x,
                    other.to_numpy(),
                    color=OTHER_COLOUR,
                    linestyle=":",
                    marker=marker,
                    markersize=3,
                )
                handles.append(line)
                labels.append(label)
            else:
                notes.append(
                    f"{label} not drawn: together they would dwarf the lines "
                    f"(highest {_format_value(float(np.nanmax(other.to_numpy())), normalize)})"
                )
        elif len(rest):
            notes.append(
                f"{len(rest):,} more entities not drawn (shares of documents do not add up)"
            )
        if shaded:
            handles.append(Patch(facecolor=LOW_VOLUME_COLOUR))
            labels.append(_few_documents(corpus if corpus is not None else series))
        elif all_low:
            handles.append(Patch(visible=False))
            labels.append("every period has few\ndocuments: read with care")
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0))

        ax.set_ylabel(VALUE_LABELS.get(normalize, "value"))
        ax.set_ylim(bottom=0)
        if normalize == "share_of_docs":
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        elif normalize == "count":
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # 10,000
        _format_date_axis(ax)
        if len(wide):
            _date_limits(ax, wide.index.to_series(), freq)
            _draw_events(ax, events, wide.index.min(), _period_ends([wide.index.max()], freq)[0])
        _set_title(ax, title)
        note = _undated_note(series, corpus)
        if note and note_undated:
            notes.append(note)
        if notes:
            _add_note(ax, "\n".join(notes))
        return ax


def plot_small_multiples(
    series: pd.DataFrame,
    *,
    corpus: pd.DataFrame | None = None,
    top_n: int = 12,
    columns: int = 4,
    other: bool = True,
    title: str | None = None,
    freq: str | None = None,
    normalize: str | None = None,
    include_classes: bool = False,
    classes: Iterable[str] | None = None,
    links: bool | Collection[str] = False,
    _corpus_row: bool = False,
) -> Figure:
    """One small panel per entity on a shared scale: many entities without spaghetti.

    Parameters
    ----------
    series, corpus, freq, normalize, include_classes, classes, links
        As in :func:`plot_mentions_over_time`.
    top_n : int
        Panels, one per entity, by mentions in dated documents.
    columns : int
        Panels per row.
    other : bool
        Add a last, grey panel with the sum of the remaining entities on its own scale (said
        in its title), so it never flattens the others; False leaves it out with a note.
    title : str, optional

    Returns
    -------
    Figure
        The panels share both axes: heights compare across entities.
    """
    with _styled():
        kept, normalize, freq, ranked, notes = _series_frame(
            series, corpus, normalize, freq, include_classes, classes
        )
        top, rest = ranked[:top_n], ranked[top_n:]
        other_panel = bool(other and len(rest) and normalize != "share_of_docs")
        panels = max(1, len(top) + other_panel)
        columns = max(1, min(columns, panels))
        rows = -(-panels // columns)
        width = mpl.rcParams["figure.figsize"][0]
        extra = 2.0 if _corpus_row else 0.0  # plot_timeline_with_corpus's documents panel
        fig = plt.figure(layout="constrained", figsize=(width, 1.0 + 1.9 * rows + extra))
        fig._nm_notes = notes  # noqa: SLF001  (for plot_timeline_with_corpus)
        title = title or (
            f"{TITLE_LEADS.get(normalize, 'Mentions')}{_kind_note(series)}, by {freq_name(freq)}"
            f": one panel per entity, same scale"
            + (f" (top {top_n})" if len(ranked) > top_n else "")
        )
        _set_suptitle(fig, title)
        dated = _dated(kept) if not kept.empty else kept
        grid = fig.add_gridspec(
            rows + _corpus_row, columns, height_ratios=[1.9] * rows + [extra] * _corpus_row
        )
        if dated.empty or not len(ranked):
            ax = fig.add_subplot(grid[:rows, :])
            _show_empty(ax, "")
            if notes and not _corpus_row:
                _add_note(ax, "\n".join(notes))
            if _corpus_row:
                fig.add_subplot(grid[rows, :])
            return fig
        first = fig.add_subplot(grid[0, 0])
        axes = np.array(
            [first]
            + [
                fig.add_subplot(grid[index // columns, index % columns], sharex=first)
                for index in range(1, rows * columns)
            ]
        )
        wide = _wide_values(dated, ranked, corpus)
        counts = _wide_values(dated, ranked, corpus, "mentions").fillna(0)
        x = _centres(wide.index, freq)
        link = _point_linker(x, wide, counts, _entity_ids(kept), freq, links)
        top_value = float(np.nanmax(wide[list(top)].to_numpy())) if len(top) else 1.0
        for ax, name in zip(axes, top, strict=False):
            values = wide[name].to_numpy()
            ax.fill_between(x, values, color=PALETTE[0], alpha=0.25, linewidth=0)
            ax.plot(x, values, color=PALETTE[0], linewidth=1.4)
            _mark_isolated(ax, x, values, PALETTE[0])
            link(ax, name, PALETTE[0], 10 if len(wide) <= 60 else 5)
            ax.set_ylim(0, top_value * 1.08 or 1)
            ax.set_title(_truncate(name, 34), fontsize="medium")
        if other_panel:
            ax = axes[len(top)]
            values = wide[list(rest)].sum(axis=1, min_count=1).to_numpy()
            ax.fill_between(x, values, color=OTHER_COLOUR, alpha=0.3, linewidth=0)
            ax.plot(x, values, color=OTHER_COLOUR, linewidth=1.4)
            _mark_isolated(ax, x, values, OTHER_COLOUR)
            ax.set_ylim(0, (np.nanmax(values) if np.isfinite(values).any() else 1) * 1.08 or 1)
            count = _plural(len(rest), "entity").replace("entitys", "entities")
            ax.set_title(f"other ({count}), own scale", fontsize="medium", color="#555555")
        elif len(rest):
            notes.append(f"{len(rest):,} more entities not drawn")
        for ax in axes[panels:]:
            ax.set_visible(False)
        for index, ax in enumerate(axes[:panels]):
            ax.grid(axis="y", visible=True)
            if normalize == "share_of_docs":
                ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            ax.yaxis.set_major_locator(MaxNLocator(3, integer=normalize == "count"))
            if index % columns == 0:
                ax.set_ylabel(VALUE_LABELS.get(normalize, "value"), fontsize="small")
            _format_date_axis(ax)
            ax.tick_params(labelsize="small")
            if len(wide):
                _date_limits(ax, wide.index.to_series(), freq)
        # tick labels only on the lowest visible panel of each column
        for index, ax in enumerate(axes[:panels]):
            ax.tick_params(labelbottom=index + columns >= panels)
        if _corpus_row:
            fig.add_subplot(grid[rows, :])
            return fig
        note = _undated_note(series, corpus)
        if note:
            notes.append(note)
        if notes:
            _figure_note(fig, "\n".join(notes))
        return fig


def _mark_isolated(ax: Axes, x, values: np.ndarray, colour: str) -> None:
    """A dot where a value has a gap on both sides: a line or an area alone would not show it."""
    known = np.isfinite(values)
    before = np.concatenate([[False], known[:-1]])
    after = np.concatenate([known[1:], [False]])
    alone = known & ~before & ~after
    if alone.any():
        ax.plot(np.asarray(x)[alone], values[alone], "o", color=colour, markersize=3.5)


def _figure_note(fig: Figure, text: str) -> None:
    # A supxlabel: constrained layout makes room for it under the panels.
    fig.supxlabel(plain(text), x=0.01, ha="left", fontsize="small", color="#555555")


def plot_corpus_size(
    corpus: pd.DataFrame,
    *,
    note_undated: bool = True,
    title: str | None = None,
    freq: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Bar chart of documents per period: the denominator beside every timeline.

    Parameters
    ----------
    corpus : DataFrame
        From ``corpus_over_time``: period, documents, words, low_volume, undated.
    note_undated : bool
        Write how many undated documents are left off the date axis.
    title : str, optional
        Replaces the generated title.
    freq : str, optional
        The periods' frequency; default ``corpus.attrs["freq"]`` (set by the timeline).
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    with _styled():
        ax = _new_axes(ax, height=3.0)
        freq = _freq_of(corpus, freq)
        title = title or f"Documents per {freq_name(freq)} (corpus size)"
        dated = _dated(corpus) if not corpus.empty else corpus
        if dated.empty or dated["documents"].sum() == 0:
            _show_empty(ax, title, "No dated documents in this selection")
            note = _undated_note(None, corpus) if note_undated and not corpus.empty else None
            if note:
                _add_note(ax, note)
            return ax
        dated = dated.sort_values("period")
        starts = pd.DatetimeIndex(dated["period"])
        widths = (_period_ends(starts, freq) - starts) / pd.Timedelta(days=1) * 0.85
        low = (
            dated["low_volume"].astype(bool).to_numpy()
            if "low_volume" in dated.columns
            else np.zeros(len(dated), dtype=bool)
        )
        colours = np.where(low, LOW_VOLUME_COLOUR, CORPUS_COLOUR)
        ax.bar(
            _centres(starts, freq),
            dated["documents"].to_numpy(),
            width=widths.to_numpy(),
            color=colours,
            edgecolor=np.where(low, "#B8A27A", CORPUS_COLOUR),
            linewidth=0.6,
        )
        if low.any():
            ax.legend(
                [
                    Patch(facecolor=CORPUS_COLOUR),
                    Patch(facecolor=LOW_VOLUME_COLOUR, edgecolor="#B8A27A"),
                ],
                ["documents", f"{_few_documents(corpus)} (read with care)"],
                loc="upper left",
                bbox_to_anchor=(1.01, 1.0),
            )
        ax.set_ylabel("documents")
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        _format_date_axis(ax)
        _date_limits(ax, dated["period"], freq)
        _set_title(ax, title)
        note = _undated_note(None, corpus) if note_undated else None
        if note:
            _add_note(ax, note)
        return ax


def plot_timeline_with_corpus(
    series: pd.DataFrame,
    corpus: pd.DataFrame,
    *,
    top_n: int = 8,
    events: pd.DataFrame | None = None,
    title: str | None = None,
    freq: str | None = None,
    normalize: str | None = None,
    include_classes: bool = False,
    classes: Iterable[str] | None = None,
    links: bool | Collection[str] = False,
) -> Figure:
    """Mentions over time above the corpus size over the same periods (shared date axis).

    Parameters
    ----------
    series : DataFrame
        From ``mentions_over_time`` (see ``plot_mentions_over_time``).
    corpus : DataFrame
        From ``corpus_over_time`` with the same ``freq``, start and end.
    top_n : int
        Up to 8 entities (up to 4 over more than 24 periods, see :func:`lines_or_panels`):
        lines on one chart; more: small multiples (one panel per entity and an "other" panel
        on its own scale, see ``plot_small_multiples``).
    events : DataFrame, optional
        date, label (drawn on the line chart).
    title : str, optional
        Replaces the mentions panel's title.
    freq, normalize, include_classes, classes, links : optional
        As in ``plot_mentions_over_time``.

    Returns
    -------
    Figure
        Lines: ``fig.axes[0]`` the mentions, ``fig.axes[1]`` the documents per period. Small
        multiples: the panels first, the documents per period last.
    """
    with _styled():
        width = mpl.rcParams["figure.figsize"][0]
        options = dict(
            freq=freq,
            normalize=normalize,
            include_classes=include_classes,
            classes=classes,
            links=links,
            title=title,
        )
        kinds = dict(include_classes=include_classes, classes=classes)
        if lines_or_panels(series, top_n, **kinds) == "panels":
            fig = plot_small_multiples(
                series, corpus=corpus, top_n=top_n, _corpus_row=True, **options
            )
            notes = list(fig._nm_notes)  # noqa: SLF001
            bottom = fig.axes[-1]
            panels = [ax for ax in fig.axes[:-1] if ax.get_visible()]
        else:
            fig = plt.figure(layout="constrained", figsize=(width, 6.4))
            top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.2])
            plot_mentions_over_time(
                series,
                corpus=corpus,
                top_n=top_n,
                events=events,
                note_undated=False,
                ax=top,
                **options,
            )
            top.tick_params(labelbottom=False)
            for note in top.texts:  # no tick labels to clear under the top panel: close up
                if isinstance(note, mpl.text.Annotation) and note.xycoords == "axes fraction":
                    note.xyann = (0, -8)
            notes, panels = [], [top]
        plot_corpus_size(corpus, note_undated=False, freq=freq, ax=bottom)
        legend = bottom.get_legend()
        if legend is not None and len(panels) > 1:
            # beside the title, not to the right: a legend there would narrow every panel
            legend.set_bbox_to_anchor((1.0, 1.0), transform=bottom.transAxes)
            legend.set_loc("lower right")
            legend.set_ncols(2)
        if panels and bottom.get_xticks().size and not corpus.empty:
            limits = panels[0].get_xlim()
            if _dated(corpus)["documents"].sum() and panels[0].has_data():
                bottom.set_xlim(limits)
        note = _undated_note(series if not series.empty else None, corpus)
        notes = [*notes, note] if note else notes
        if notes:
            _add_note(bottom, "\n".join(notes))
        return fig


def plot_heatmap(
    series: pd.DataFrame,
    *,
    top_n: int = 25,
    title: str | None = None,
    freq: str | None = None,
    normalize: str | None = None,
    include_classes: bool = False,
    classes: Iterable[str] | None = None,
    links: bool | Collection[str] = False,
    ax: Axes | None = None,
) -> Axes:
    """Entity x period heatmap of ``value`` for the ``top_n`` entities by total mentions.

    Parameters
    ----------
    series : DataFrame
        From ``mentions_over_time``: period, entity, mentions, value, undated.
    top_n : int
    title : str, optional
    freq, normalize, include_classes, classes : optional
        As in ``plot_mentions_over_time`` (class entities and entities with no dated mention
        take no row).
    links : bool or collection of str
        True: each cell with mentions links (in SVG output, see :func:`svg_links`) to ``#`` +
        ``analysis.kwic.evidence_anchor(entity_id, period, freq)``; a collection of anchors
        links only those (the evidence on the page), and a note says which rows link.
    ax : Axes, optional

    Returns
    -------
    Axes
        Cells carry their value as text when the grid is small enough to read.
    """
    with _styled():
        kept, classes_out = _without_classes(series, include_classes, classes)
        ranked, undated_only = _dated_ranking(kept) if not kept.empty else (pd.Index([]), 0)
        dated = _dated(kept) if not kept.empty else kept
        names = ranked[:top_n]
        ax = _new_axes(ax, height=max(3.0, 0.32 * len(names) + 1.8))
        normalize = _normalisation(series, normalize)
        freq = _freq_of(series, freq)
        title = title or (
            f"{TITLE_LEADS.get(normalize, 'Mentions')}{_kind_note(series)}, "
            f"by entity and {freq_name(freq)}" + (f" (top {top_n})" if len(ranked) > top_n else "")
        )
        if dated.empty or dated["mentions"].sum() == 0:
            return _show_empty(ax, title)
        grid = (
            dated[dated["entity"].isin(names)]
            .pivot_table(
                index="entity", columns="period", values="value", aggfunc="sum", fill_value=0
            )
            .reindex(index=names, fill_value=0)
            .sort_index(axis=1)
        )
        documents = _period_documents(dated, None).reindex(grid.columns, fill_value=0)
        no_documents = np.broadcast_to((documents == 0).to_numpy(), grid.shape)
        starts = pd.DatetimeIndex(grid.columns)
        last_end = _period_ends([starts[-1]], freq)
        edges = mdates.date2num(starts.append(last_end))
        values = grid.to_numpy(dtype=float)
        colours = mpl.colormaps["Blues"].with_extremes(bad="#D9D9D9")
        top = _colour_limit(values[~no_documents])
        mesh = ax.pcolormesh(
            edges,
            np.arange(len(names) + 1),
            np.ma.masked_array(values, no_documents),
            cmap=colours,
            # Square-root scale: the most-mentioned entity does not wash out all the others.
            norm=mpl.colors.PowerNorm(gamma=0.5, vmin=0, vmax=top),
            # Cell borders only while cells are wide enough to keep their colour visible.
            edgecolors="white" if values.shape[1] <= 60 else "face",
            linewidth=0.5 if values.shape[1] <= 60 else 0,
        )
        linked = _link_cells(ax, dated, names, edges, ~no_documents, freq, links)
        ax.set_ylim(len(names), 0)  # the most-mentioned entity at the top
        ax.set_yticks(np.arange(len(names)) + 0.5, [_truncate(name) for name in names])
        ax.tick_params(axis="y", length=0)
        ax.grid(False)
        ax.xaxis_date()
        _format_date_axis(ax)
        clipped = values.max() > top
        colourbar = ax.figure.colorbar(
            mesh, ax=ax, shrink=0.9, pad=0.02, extend="max" if clipped else "neither"
        )
        # Wrapped to the colour bar's height: a vertical label longer than the figure is cut.
        label = f"{VALUE_LABELS.get(normalize, 'value')} (square-root scale)"
        points = FontProperties(size=mpl.rcParams["axes.labelsize"]).get_size_in_points()
        fits = max(12, int(ax.figure.get_figheight() * 0.6 * 72 / (points * 0.6)))
        colourbar.set_label(textwrap.fill(label, fits))
        if normalize == "share_of_docs":
            colourbar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        if values.shape[1] <= 20 and values.shape[0] <= 30:
            centres = (edges[:-1] + edges[1:]) / 2
            threshold = top * 0.35  # white text where the square-root colour is dark
            for row, column in np.ndindex(values.shape):
                value = values[row, column]
                if no_documents[row, column]:
                    continue
                ax.text(
                    centres[column],
                    row + 0.5,
                    _format_value(value, normalize),
                    ha="center",
                    va="center",
                    fontsize="x-small",
                    color="white" if value > threshold else ("#333333" if value else "#AAAAAA"),
                )
        _set_title(ax, title)
        notes = [_class_note(classes_out), _undated_only_note(undated_only)]
        notes.append(_undated_note(series, None))
        if no_documents.any():
            notes.append("grey: no documents in that period")
        if links is not False:
            notes.append(_linked_rows_note(*linked, len(names)))
        if clipped:
            notes.append(
                f"colour capped at {_format_value(top, normalize)} (99th percentile); "
                f"the highest cell is {_format_value(values.max(), normalize)}"
            )
        notes = [note for note in notes if note]
        if notes:
            _add_note(ax, "\n".join(notes))
        return ax


def _cell_links(dated, names, freq, links) -> pd.DataFrame:
    """The heatmap's cells with mentions and the anchor each links to (None: not linked)."""
    ids = _entity_ids(dated)
    cells = (
        dated[dated["entity"].isin(names) & (dated["mentions"] > 0)]
        .groupby(["entity", "period"], as_index=False)["mentions"]
        .sum()
    )
    anchors = [
        _linked(_anchor_of(ids.get(name, name), period, freq), links)
        for name, period in zip(cells["entity"], cells["period"], strict=True)
    ]
    return cells.assign(url=anchors)


CELL_LINKS = "nm-cell-links"


def _linked_rows_note(first: int, outlined: int, rows: int) -> str | None:
    """What the heatmap's links reach: every cell of its ``first`` rows, and the ``outlined``
    cells of the other rows (their busiest periods, say); None when every cell links."""
    if first == rows:
        return None
    cells = _plural(outlined, "outlined cell")
    if not first:
        if not outlined:
            return "no cell links to sentences on this page"
        verb = "links to its" if outlined == 1 else "link to their"
        return f"only the {cells} {verb} sentences below"
    also = f", and the {cells} of the other rows" if outlined else ""
    return f"the cells of the first {_plural(first, 'row')} link to their sentences below{also}"


def _link_cells(ax, dated, names, edges, has_documents, freq, links) -> tuple[int, int]:
    """Transparent rectangles over the cells with mentions, each an SVG link to its evidence
    (a QuadMesh cannot carry links). Returns how many rows from the top link every cell with
    mentions, and how many cells of the rows below link (those are outlined)."""
    if links is False:
        return 0, 0
    cells = _cell_links(dated, names, freq, links)
    row = pd.Series(np.arange(len(names)), index=names)[cells["entity"]].to_numpy()
    column = np.searchsorted(edges[:-1], mdates.date2num(pd.DatetimeIndex(cells["period"])))
    shown = has_documents[row, column]
    linked = shown & cells["url"].notna().to_numpy()
    missing = set(row[shown & ~linked].tolist())
    first = next((r for r in range(len(names)) if r in missing), len(names))
    if not linked.any():
        return first, 0
    row, column, urls = row[linked], column[linked], cells["url"].to_numpy()[linked]
    boxes = [
        [(edges[c], r), (edges[c + 1], r), (edges[c + 1], r + 1), (edges[c], r + 1)]
        for r, c in zip(row, column, strict=True)
    ]
    outlined = row >= first
    overlay = mpl.collections.PolyCollection(
        boxes,
        facecolors=(0, 0, 0, 0),
        edgecolors=[OUTLINE_COLOUR if o else "none" for o in outlined],
        linewidths=[1.0 if o else 0 for o in outlined],
        zorder=5,
    )
    overlay.set_urls(list(urls))
    overlay.set_gid(CELL_LINKS)  # svg_links makes these boxes clickable
    ax.add_collection(overlay, autolim=False)
    return first, int(outlined.sum())


OUTLINE_COLOUR = "#333333"


def _colour_limit(values: np.ndarray) -> float:
    """Top of the colour scale: the maximum, unless a few cells would wash out all the rest.

    With hundreds of cells, one outlier week makes every other cell look empty; the scale then
    stops at the 99th percentile of the non-zero cells and the colour bar shows an arrow.
    """
    positive = values[values > 0]
    if positive.size == 0:
        return 1e-9
    highest = float(positive.max())
    if positive.size < 100:
        return highest
    percentile = float(np.percentile(positive, 99))
    return percentile if highest > 2 * percentile else highest


def _format_value(value: float, normalize: str) -> str:
    if normalize == "count":
        return f"{value:,.0f}"
    if normalize == "share_of_docs":
        return f"{value:.0%}"
    return f"{value:.1f}" if value else "0"


def plot_top_entities(
    mentions: pd.DataFrame,
    *,
    kind: str | None = None,
    top_n: int = 15,
    title: str | None = None,
    include_classes: bool = False,
    classes: Iterable[str] | None = None,
    links: bool | Collection[str] = False,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of the most-mentioned entities, coloured by kind.

    Parameters
    ----------
    mentions : DataFrame
        The mentions frame (entity, kind, ...), one row per mention.
    kind : {"actor", "weapon"}, optional
        Only this kind.
    top_n : int
    title : str, optional
    include_classes, classes : optional
        Class entities ("Weapons (generic)") are left out unless ``include_classes``; see
        ``plot_mentions_over_time``.
    links : bool or collection of str
        Each bar links (SVG) to ``#`` + ``analysis.kwic.evidence_anchor(entity_id)``.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    with _styled():
        frame = mentions if kind is None else mentions[mentions["kind"] == kind]
        frame, classes_out = _without_classes(frame, include_classes, classes)
        ids = _entity_ids(frame) if not frame.empty else {}
        counts = frame.groupby(["entity", "kind"]).size().rename("mentions").reset_index()
        # ties broken by entity id, as analysis.mentions.entity_totals does: the evidence
        # taken from its head is then the evidence of these bars
        totals = counts.groupby("entity")["mentions"].sum()
        ranked = pd.Index(
            sorted(totals.index, key=lambda name: (-totals[name], str(ids.get(name, name))))
        )[:top_n]
        ax = _new_axes(ax, height=max(2.6, 0.3 * len(ranked) + 1.4))
        what = {"actor": "actors", "weapon": "weapons"}.get(kind or "", "actors and weapons")
        title = title or (
            f"Most-mentioned {what}: number of mentions"
            + (f" (top {top_n})" if counts["entity"].nunique() > top_n else "")
        )
        if counts.empty:
            return _show_empty(ax, title)
        counts = counts.set_index("entity").loc[ranked].reset_index()
        bars = ax.barh(
            np.arange(len(counts)),
            counts["mentions"].to_numpy(),
            color=[KIND_COLOURS.get(k, OTHER_COLOUR) for k in counts["kind"]],
            height=0.7,
        )
        ax.bar_label(
            bars, labels=[f"{n:,}" for n in counts["mentions"]], padding=3, fontsize="small"
        )
        if links is not False:
            for bar, name in zip(bars, counts["entity"], strict=True):
                bar.set_url(_linked(evidence_anchor(str(ids.get(name, name))), links))
        ax.set_yticks(np.arange(len(counts)), [_truncate(name) for name in counts["entity"]])
        ax.set_ylim(len(counts) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.set_xlabel("mentions")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))  # room for "90,000"
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # 10,000
        ax.margins(x=0.12)
        kinds = [k for k in KIND_COLOURS if k in set(counts["kind"])]
        if kind is None and kinds:
            ax.legend(
                [Patch(facecolor=KIND_COLOURS[k]) for k in kinds],
                kinds,
                loc="lower right",
                title="kind",
            )
        _set_title(ax, title)
        note = _class_note(classes_out)
        if note:
            _add_note(ax, note)
        return ax


def plot_top_by_kind(
    mentions: pd.DataFrame,
    *,
    top_n: int = 10,
    include_classes: bool = False,
    classes: Iterable[str] | None = None,
    links: bool | Collection[str] = False,
) -> Figure:
    """The most-mentioned actors and the most-mentioned weapons, side by side, each kind on
    its own scale: ranked together, the actors take every place (at 14k White House
    documents the 15th actor has more mentions than the first weapon).

    Parameters
    ----------
    mentions : DataFrame
        As in :func:`plot_top_entities` (entity_id, entity, kind).
    top_n : int
        Bars per kind.
    include_classes, classes, links
        As in :func:`plot_top_entities`.

    Returns
    -------
    Figure
        One Axes per kind present (actors first), each drawn by :func:`plot_top_entities`.
    """
    with _styled():
        kinds = [kind for kind in KIND_COLOURS if kind in set(mentions["kind"])] or [None]
        counts = mentions.groupby("kind")["entity"].nunique() if not mentions.empty else {}
        rows = max(min(top_n, int(counts.get(kind, 0))) for kind in kinds) if kinds[0] else 0
        width = mpl.rcParams["figure.figsize"][0]
        fig = plt.figure(layout="constrained", figsize=(width, max(2.6, 0.3 * rows + 1.4)))
        axes = fig.subplots(1, len(kinds), squeeze=False)[0]
        for ax, kind in zip(axes, kinds, strict=True):
            plot_top_entities(mentions, kind=kind, top_n=top_n, include_classes=include_classes,
                              classes=classes, links=links, ax=ax)  # fmt: skip
            if rows and ax.patches:
                ax.set_ylim(rows - 0.5, -0.5)  # bars as thick in both panels, from the top
        return fig


def _count_column(summary: pd.DataFrame) -> str:
    for name in ("count", "pairs", "n", "sentences", "mentions"):
        if name in summary.columns:
            return name
    numeric = summary.select_dtypes("number").columns
    if len(numeric):
        return str(numeric[-1])
    raise InputError("co-occurrence summary: no count column (want 'count')")


ROLE_METHOD = (
    "How: roles from rules over each sentence (subject before the verb, passive 'by', "
    "to/for/from/at, 'X's delivery of', 'X-supplied'); {resolved} of {pairs} actor-weapon "
    "pairs resolved, the other {unknown} are 'role unknown' and not drawn; ? = agent not "
    "stated; hatched = denied ('did not send', 'refused to supply')."
)


def _role_statements(frame: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    """Bars of the action chart: label, action, negated, count; pairs resolved and all pairs."""
    from analysis.pairs import action_statements

    statements = action_statements(frame) if "actor_role" in frame.columns else frame
    agent = statements["agent"].where(statements["agent"].ne(""), "?")
    negated = statements["negated"].astype(bool)
    label = (
        agent.map(lambda a: _truncate(a, 22))
        + " → "
        + np.where(negated, "NOT ", "")
        + statements["action"]
        + " → "
        + statements["weapon"].map(lambda w: _truncate(w, 22))
        + np.where(
            statements["recipient"].ne(""), " → " + statements["recipient"].map(_truncate), ""
        )
        + np.where(
            statements["source"].ne("") & statements["agent"].eq(""),
            " (from " + statements["source"].map(_truncate) + ")",
            "",
        )
    )
    from analysis.pairs import statement_anchor

    anchors = [statement_anchor(row) for row in statements.to_dict("records")]
    bars = pd.DataFrame(
        {"label": label, "action": statements["action"], "negated": negated,
         "count": statements["count"], "anchor": anchors}
    )  # fmt: skip
    attrs = statements.attrs
    return bars, int(attrs.get("resolved", len(bars))), int(attrs.get("pairs", len(bars)))


def _finish_action_bars(ax, labels: list[str], totals, scope: str) -> None:
    """The horizontal action bars' labels, totals, axes and legend (both action charts)."""
    for row, total in enumerate(totals):
        ax.text(total, row, f" {total:,.0f}", va="center", fontsize="small")
    ax.set_yticks(np.arange(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # 10,000
    ax.margins(x=0.1)
    ax.set_xlabel(f"{scope}s")
    ax.legend(title="action", loc="upper left", bbox_to_anchor=(1.01, 1.0))


def _plot_action_roles(
    pairs: pd.DataFrame, top_n: int, title: str | None, ax, links: bool | Collection[str]
) -> Axes:
    scope = pairs.attrs.get("scope", "sentence")
    statements, resolved, total = _role_statements(pairs)
    title = title or f"Who does what with which weapon: number of {scope}s stating it"
    note = ROLE_METHOD.format(
        resolved=f"{resolved:,}", pairs=f"{total:,}", unknown=f"{total - resolved:,}"
    )
    if statements.empty:
        ax = _new_axes(ax, height=3.0)
        _show_empty(ax, title, "No actor-weapon pair with a resolved role in this selection")
        _add_note(ax, textwrap.fill(note, 100))
        return ax
    shown = statements.head(top_n)
    ax = _new_axes(ax, height=max(2.8, 0.32 * len(shown) + 1.9))
    classes = list(dict.fromkeys(statements["action"]))
    colours = {action: PALETTE[i % len(PALETTE)] for i, action in enumerate(classes)}
    y = np.arange(len(shown))
    for action in dict.fromkeys(shown["action"]):
        for negated in (False, True):
            rows = shown["action"].eq(action) & shown["negated"].eq(negated)
            if rows.any():
                bars = ax.barh(
                    y[rows.to_numpy()], shown.loc[rows, "count"], height=0.7,
                    color="white" if negated else colours[action],
                    edgecolor=colours[action], hatch="///" if negated else None,
                    label=f"not {action}" if negated else action,
                )  # fmt: skip
                if links is not False:
                    for bar, anchor in zip(bars, shown.loc[rows, "anchor"], strict=True):
                        bar.set_url(_linked(anchor, links))
    _finish_action_bars(ax, list(shown["label"]), shown["count"], scope)
    _set_title(
        ax, title + (f" (top {top_n} of {len(statements)})" if len(statements) > top_n else "")
    )
    _add_note(ax, textwrap.fill(note, 100))
    return ax


def plot_cooccurrence(
    summary: pd.DataFrame,
    *,
    top_n: int = 15,
    title: str | None = None,
    links: bool | Collection[str] = False,
    ax: Axes | None = None,
) -> Axes:
    """Who does what with which weapon: agent -> action -> weapon (-> recipient), as bars.

    Given the pairs of ``cooccurrence`` (with their roles: actor_role, agent, action,
    recipient, source, negated) or their ``action_statements``, each bar is a statement
    "agent -> action -> weapon (-> recipient)" resolved by the rules of
    :func:`analysis.actions.pair_roles`, counted once per sentence; denied actions ("did not
    send") are hatched and read "NOT"; pairs whose role the rules cannot resolve are not
    drawn, and a line under the chart says how many and how it was computed. Given a
    ``cooccurrence_summary`` without roles, the older chart: pairs split by the nearest
    action word, which does not say who acts.

    Parameters
    ----------
    summary : DataFrame
        The pairs of ``cooccurrence`` or their ``action_statements`` (preferred), or a
        ``cooccurrence_summary``: actor, weapon, action_class and a count column.
    top_n : int
        Bars shown, by count.
    title : str, optional
    links : bool or collection of str
        Each bar of a statement links (SVG, see :func:`svg_links`) to ``#`` +
        ``analysis.pairs.statement_anchor(statement)``, where
        ``analysis.report.html.evidence_by_statement`` shows its sentences; a collection of
        anchors links only those.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    with _styled():
        if "actor_role" in summary.columns or "agent" in summary.columns:
            return _plot_action_roles(summary, top_n, title, ax, links)
        scope = summary.attrs.get("scope", "sentence")
        if summary.empty:
            ax = _new_axes(ax, height=3.0)
            return _show_empty(
                ax,
                title or f"Actor-weapon pairs in the same {scope}, by action",
                "No actor-weapon pairs in this selection",
            )
        count = _count_column(summary)
        frame = summary.assign(
            pair=summary["actor"].map(lambda a: _truncate(a, 18))
            + " – "
            + summary["weapon"].map(lambda w: _truncate(w, 18)),
            action_class=summary["action_class"]
            .fillna(NO_ACTION_LABEL)
            .replace({"": NO_ACTION_LABEL, NO_ACTION: NO_ACTION_LABEL})
            if "action_class" in summary.columns
            else "all",
        )
        ranked = _ranked(frame, count, label="pair")
        pairs = ranked[:top_n]
        title = title or (
            f"Actor-weapon pairs in the same {scope}, by action: number of {scope}s"
            + (f" (top {top_n})" if len(ranked) > top_n else "")
        )
        ax = _new_axes(ax, height=max(2.8, 0.32 * len(pairs) + 1.6))
        wide = (
            frame[frame["pair"].isin(pairs)]
            .pivot_table(
                index="pair", columns="action_class", values=count, aggfunc="sum", fill_value=0
            )
            .reindex(index=pairs, fill_value=0)
        )
        classes = list(_ranked(frame, count, label="action_class"))
        classes = [c for c in classes if c in wide.columns and c != NO_ACTION_LABEL]
        classes += [NO_ACTION_LABEL] if NO_ACTION_LABEL in wide.columns else []
        left = np.zeros(len(wide))
        y = np.arange(len(wide))
        for index, action in enumerate(classes):
            values = wide[action].to_numpy(dtype=float)
            colour = OTHER_COLOUR if action == NO_ACTION_LABEL else PALETTE[index % len(PALETTE)]
            ax.barh(y, values, left=left, height=0.7, color=colour, label=action)
            left += values
        _finish_action_bars(ax, list(wide.index), left, scope)
        _set_title(ax, title)
        return ax


NEUTRAL_COLOUR = "#777777"
TONE_TICKS = 40
"""Tone over time with more periods than this is regrouped to a coarser frequency."""


def _tone_colour(score: float) -> str:
    """Blue above zero, vermilion below, grey at 0.00 (a rounded -0.004 is not negative)."""
    score = round(float(score), 2)
    return PALETTE[0] if score > 0 else PALETTE[3] if score < 0 else NEUTRAL_COLOUR


def _tone_text(score: float) -> str:
    score = round(float(score), 2) + 0.0  # -0.0 + 0.0 is 0.0: never "-0.00"
    return "0.00" if score == 0 else f"{score:+.2f}"


def _coarser_tone(
    frame: pd.DataFrame, freq: str | None, limit: int = TONE_TICKS
) -> tuple[pd.DataFrame, str | None]:
    """Tone per period regrouped to the frequency ``auto_freq`` picks for the span when there
    are more than ``limit`` periods: a sentence-weighted mean, so it equals the mean of the
    sentences of the longer period."""
    periods = frame["period"].dropna().unique()
    if not freq or len(periods) <= limit:
        return frame, freq
    coarser = auto_freq(min(periods), max(periods))
    order = list(FREQUENCIES)
    if order.index(coarser) <= order.index(canonical_freq(freq)):
        coarser = order[min(order.index(canonical_freq(freq)) + 1, len(order) - 1)]
    regrouped = (
        frame.assign(
            period=period_start(frame["period"], coarser),
            _weighted=frame["compound"] * frame["n_sentences"],
        )
        .groupby([*_tone_keys(frame), "period"], as_index=False)
        .agg(_weighted=("_weighted", "sum"), n_sentences=("n_sentences", "sum"))
        .assign(compound=lambda d: d["_weighted"] / d["n_sentences"])
        .drop(columns="_weighted")
    )
    return regrouped, coarser


def _tone_keys(frame: pd.DataFrame) -> list[str]:
    return [column for column in ("entity_id", "entity") if column in frame.columns]


def plot_tone(
    tone_frame: pd.DataFrame,
    *,
    top_n: int = 8,
    min_sentences: int = 5,
    title: str | None = None,
    freq: str | None = None,
    include_classes: bool = False,
    classes: Iterable[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Mean VADER compound score per entity (bars), or per entity over time (lines).

    Parameters
    ----------
    tone_frame : DataFrame
        From ``tone``: entity, compound, n_sentences and optionally period.
    top_n : int
        Entities with the most sentences.
    min_sentences : int
        Over time, a period's mean resting on fewer sentences is not drawn (a note says how
        many were left out).
    title : str, optional
    freq : str, optional
        Over time, the periods' frequency; default ``tone_frame.attrs["freq"]``. More than
        ``TONE_TICKS`` periods (five years of weeks) are regrouped to the frequency
        ``analysis.periods.auto_freq`` picks for the span, as a sentence-weighted mean; the
        title says so.
    include_classes, classes : optional
        Class entities are left out unless ``include_classes`` (see
        ``plot_mentions_over_time``).
    ax : Axes, optional

    Returns
    -------
    Axes
        The score axis always spans -1 to 1 so small differences are not blown up; each entity
        shows how many sentences its mean rests on (n=...).
    """
    with _styled():
        over_time = "period" in tone_frame.columns and tone_frame["period"].notna().any()
        frame = _dated(tone_frame) if over_time else tone_frame
        frame = frame[frame["n_sentences"] > 0] if not frame.empty else frame
        frame, _ = _without_classes(frame, include_classes, classes)
        ranked = _ranked(frame, "n_sentences")[:top_n] if not frame.empty else pd.Index([])
        freq = _freq_of(tone_frame, freq) if over_time else None
        given = freq
        if over_time and not frame.empty:
            frame, freq = _coarser_tone(frame, freq)
        lead = "Tone of the sentences mentioning each entity"
        regrouped = f" (regrouped from {freq_name(given)}s)" if freq != given else ""
        title = title or (
            f"{lead}: mean VADER score by {freq_name(freq)}{regrouped}"
            if over_time
            else f"{lead}: mean VADER compound score, weighted by sentences"
        )
        ax = _new_axes(ax, height=None if over_time else max(2.6, 0.32 * len(ranked) + 1.5))
        if frame.empty:
            return _show_empty(ax, title, "No sentences with a mention in this selection")
        score_label = "mean VADER compound (−1 to +1)"
        if over_time:
            # Every period on the axis, so that a period without sentences is a gap, not a
            # straight line to the next one; a mean over a handful of sentences is left out.
            periods = _all_periods(frame["period"], freq)
            hidden = 0
            for index, name in enumerate(ranked):
                rows = frame[frame["entity"] == name].set_index("period").reindex(periods)
                n = int(rows["n_sentences"].sum())
                few = rows["n_sentences"].fillna(0) < min_sentences
                hidden += int((few & rows["n_sentences"].notna()).sum())
                ax.plot(
                    _centres(periods, freq),
                    rows["compound"].mask(few).to_numpy(),
                    color=PALETTE[index % len(PALETTE)],
                    linestyle="-" if index < 4 else "--",
                    marker="o",
                    markersize=4,
                    label=f"{_truncate(name, 22)} (n={n:,})",
                )
            ax.set_ylim(-1, 1)
            ax.axhline(0, color="#777777", linewidth=0.8)
            ax.set_ylabel(score_label)
            _format_date_axis(ax)
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="sentences")
            if hidden:
                _add_note(
                    ax,
                    f"{_plural(hidden, 'point')} resting on fewer than {min_sentences} "
                    "sentences not drawn",
                )
        else:
            rows = (
                frame.groupby("entity")
                .apply(
                    lambda g: pd.Series(
                        {
                            "compound": np.average(g["compound"], weights=g["n_sentences"]),
                            "n_sentences": g["n_sentences"].sum(),
                        }
                    ),
                    include_groups=False,
                )
                .loc[ranked]
            )
            y = np.arange(len(rows))
            # Rounded first, so that -0.004 is shown (and coloured) as the 0.00 it reads as.
            scores = np.round(rows["compound"].to_numpy(dtype=float), 2) + 0.0
            ax.barh(y, scores, height=0.6, color=[_tone_colour(score) for score in scores])
            ax.axvline(0, color="#777777", linewidth=0.8)
            ax.set_xlim(-1, 1)
            ax.set_yticks(y, [_truncate(name) for name in rows.index])
            ax.set_ylim(len(rows) - 0.5, -0.5)
            ax.grid(axis="y", visible=False)
            ax.grid(axis="x", visible=True)
            ax.set_xlabel(score_label)
            for row, (score, n) in enumerate(zip(scores, rows["n_sentences"], strict=True)):
                ax.text(
                    1.02,
                    row,
                    f"n={int(n):,}",
                    transform=ax.get_yaxis_transform(),
                    va="center",
                    ha="left",
                    fontsize="small",
                    color="#555555",
                )
                ax.text(
                    score + (0.02 if score >= 0 else -0.02),
                    row,
                    _tone_text(score),
                    va="center",
                    ha="left" if score >= 0 else "right",
                    fontsize="x-small",
                    color=_tone_colour(score) if score == 0 else "#222222",
                )
        _set_title(ax, title)
        return ax


TONE_PANEL_TICKS = 100
"""Tone panels with more periods than this are regrouped (as ``TONE_TICKS`` for one chart):
a panel half the page wide still shows about 100 points apart."""


def _tone_note(tone_frame: pd.DataFrame, hidden: int, min_sentences: int, classes_out: int):
    notes = [_class_note(classes_out)]
    if hidden:
        notes.append(
            f"{_plural(hidden, 'point')} resting on fewer than {min_sentences} sentences not drawn"
        )
    if "period" in tone_frame.columns and not tone_frame.empty:
        undated = int(tone_frame.loc[tone_frame["period"].isna(), "n_sentences"].sum())
        if undated:
            notes.append(
                f"{_plural(undated, 'sentence')} of undated documents not placed on the date axis"
            )
    return [note for note in notes if note]


def plot_tone_over_time(
    tone_frame: pd.DataFrame,
    *,
    top_n: int = 8,
    columns: int = 2,
    min_sentences: int = 5,
    title: str | None = None,
    freq: str | None = None,
    include_classes: bool = False,
    classes: Iterable[str] | None = None,
    links: bool | Collection[str] = False,
) -> Figure:
    """Tone over time as small multiples: one panel per entity, all on the -1 to +1 scale.

    Parameters
    ----------
    tone_frame : DataFrame
        From ``tone(..., freq=...)``: entity_id, entity, period, compound, n_sentences
        (``attrs["freq"]``); rows with no period (undated documents) are counted in a note.
    top_n : int
        Panels: the entities with the most sentences in dated documents.
    columns : int
        Panels per row; two keep a month of five years a few pixels wide.
    min_sentences : int
        A period's mean resting on fewer sentences is not drawn (a note counts them).
    title : str, optional
    freq : str, optional
        The periods' frequency; default ``tone_frame.attrs["freq"]``. More than
        ``TONE_PANEL_TICKS`` periods are regrouped to the frequency of the span rule
        (a sentence-weighted mean), and the title says so.
    include_classes, classes : optional
        As in :func:`plot_mentions_over_time`.
    links : bool or collection of str
        Each drawn point links (SVG) to ``#`` + ``evidence_anchor(entity_id, period, freq)``;
        pass the anchors of the evidence on the page so that no link is dead.

    Returns
    -------
    Figure
        One Axes per entity (most sentences first), sharing both axes; each point is coloured
        by its sign (grey when it rounds to 0.00) and the panel's title gives the entity's
        mean over all its dated sentences and how many there are.
    """
    with _styled():
        dated = _dated(tone_frame) if "period" in tone_frame.columns else tone_frame.iloc[0:0]
        dated = dated[dated["n_sentences"] > 0]
        dated, classes_out = _without_classes(dated, include_classes, classes)
        given = _freq_of(tone_frame, freq) if not dated.empty else freq
        ranked = _ranked(dated, "n_sentences")[:top_n] if not dated.empty else pd.Index([])
        frame, freq = (
            _coarser_tone(dated, given, TONE_PANEL_TICKS) if len(ranked) else (dated, given)
        )
        regrouped = f" (regrouped from {freq_name(given)}s)" if freq != given else ""
        title = title or (
            "Tone of the sentences mentioning each entity: mean VADER compound score (−1 to +1)"
            f" by {freq_name(freq)}{regrouped}, one panel per entity"
        )
        panels = max(1, len(ranked))
        columns = max(1, min(columns, panels))
        rows = -(-panels // columns)
        width = mpl.rcParams["figure.figsize"][0]
        fig = plt.figure(layout="constrained", figsize=(width, 1.0 + 2.0 * rows))
        _set_suptitle(fig, title)
        if not len(ranked):
            _show_empty(fig.add_subplot(), "", "No sentences with a mention in this selection")
            notes = _tone_note(tone_frame, 0, min_sentences, classes_out)
            if notes:
                _figure_note(fig, "\n".join(notes))
            return fig
        axes = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
        periods = _all_periods(frame["period"], freq)
        x = _centres(periods, freq)
        ids = _entity_ids(frame)
        hidden = 0
        for ax, name in zip(axes, ranked, strict=False):
            hidden += _tone_panel(ax, frame[frame["entity"] == name], name, periods, x,
                                  min_sentences, ids.get(name, name), freq, links)  # fmt: skip
        for ax in axes[panels:]:
            ax.set_visible(False)
        for index, ax in enumerate(axes[:panels]):
            ax.set_ylim(-1, 1)
            ax.set_yticks([-1, -0.5, 0, 0.5, 1])
            ax.grid(axis="y", visible=True)
            if index % columns == 0:
                ax.set_ylabel("mean compound", fontsize="small")
            _format_date_axis(ax)
            ax.tick_params(labelsize="small", labelbottom=index + columns >= panels)
        _date_limits(axes[0], periods.to_series(), freq)
        notes = _tone_note(tone_frame, hidden, min_sentences, classes_out)
        if notes:
            _figure_note(fig, "\n".join(notes))
        return fig


def _tone_panel(ax, rows, name, periods, x, min_sentences, entity_id, freq, links) -> int:
    """One entity's panel of :func:`plot_tone_over_time`; returns the points left out."""
    rows = rows.set_index("period").reindex(periods)
    n = rows["n_sentences"].fillna(0).to_numpy()
    few = n < min_sentences
    scores = rows["compound"].mask(few).to_numpy(dtype=float)
    mean = float(np.average(rows["compound"].fillna(0), weights=n)) if n.sum() else 0.0
    ax.axhline(0, color=NEUTRAL_COLOUR, linewidth=0.8, zorder=1)
    ax.plot(x, scores, color="#BBBBBB", linewidth=1.0, zorder=2)
    shown = np.isfinite(scores)
    colours = [_tone_colour(score) for score in scores[shown]]
    size = 14 if len(periods) <= 60 else 8
    points = ax.scatter(np.asarray(x)[shown], scores[shown], s=size, c=colours, zorder=3,
                        linewidths=0, clip_on=False)  # fmt: skip
    if links is not False:
        anchors = [_anchor_of(entity_id, period, freq) for period in periods[shown]]
        points.set_urls([_linked(anchor, links) for anchor in anchors])
    if not shown.any():
        ax.text(0.5, 0.72, f"no {freq_name(freq)} with {min_sentences}+ sentences",
                transform=ax.transAxes, ha="center", fontsize="small", color="#555555")  # fmt: skip
    ax.set_title(
        f"{_truncate(name, 34)}: mean {_tone_text(mean)}, n={int(n.sum()):,}",
        fontsize="medium",
        color=_tone_colour(mean) if round(mean, 2) else "#222222",
    )
    return int((few & (n > 0)).sum())
