"""Charts on small hand-made frames: titles, labels, what is drawn, empty input, same bytes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import io  # noqa: E402
import re  # noqa: E402

import matplotlib as mpl  # noqa: E402
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis import plots  # noqa: E402
from analysis.errors import InputError  # noqa: E402
from analysis.schema import NO_ACTION_LABEL  # noqa: E402

WEEKS = pd.date_range("2025-07-07", periods=4, freq="7D")
# documents and words per week; week 3 has no documents at all, week 2 only one
DOCUMENTS = [6, 1, 0, 5]
WORDS = [3000, 500, 0, 2500]
UNDATED_DOCUMENTS = 2


def make_series(
    entities: dict[str, list[int]],
    *,
    normalize: str = "count",
    undated: dict[str, int] | None = None,
    attrs: bool = True,
) -> pd.DataFrame:
    """A mentions_over_time frame: per entity, mentions per week (and in undated documents)."""
    rows = []
    undated = undated or {}
    for name, counts in entities.items():
        kind = "weapon" if name in {"Patriot", "Javelin", "F-16"} else "actor"
        for period, mentions, documents, words in zip(WEEKS, counts, DOCUMENTS, WORDS, strict=True):
            with_mention = min(mentions, documents)
            value = {
                "count": mentions,
                "per_1k_words": mentions * 1000 / words if words else 0.0,
                "share_of_docs": with_mention / documents if documents else 0.0,
            }[normalize]
            rows.append(
                dict(
                    period=period,
                    entity_id=name.lower(),
                    entity=name,
                    kind=kind,
                    category="",
                    mentions=mentions,
                    documents_with_mention=with_mention,
                    period_documents=documents,
                    period_words=words,
                    value=float(value),
                    low_volume=documents < 5,
                    undated=False,
                )
            )
        rows.append(
            dict(
                period=pd.NaT,
                entity_id=name.lower(),
                entity=name,
                kind=kind,
                category="",
                mentions=undated.get(name, 0),
                documents_with_mention=0,
                period_documents=UNDATED_DOCUMENTS,
                period_words=900,
                value=float(undated.get(name, 0)),
                low_volume=True,
                undated=True,
            )
        )
    series = pd.DataFrame(rows)
    if attrs:
        series.attrs.update(freq="W", normalize=normalize)
    return series


def make_corpus() -> pd.DataFrame:
    corpus = pd.DataFrame(
        {
            "period": [*WEEKS, pd.NaT],
            "documents": [*DOCUMENTS, UNDATED_DOCUMENTS],
            "words": [*WORDS, 900],
            "low_volume": [d < 5 for d in DOCUMENTS] + [True],
            "undated": [False] * len(WEEKS) + [True],
        }
    )
    corpus.attrs.update(freq="W", min_documents=5)
    return corpus


TEN_ENTITIES = {
    name: [10 - i, 5, 0, 9 - i]
    for i, name in enumerate(
        [
            "Donald Trump",
            "Ukraine",
            "Russia",
            "NATO",
            "Patriot",
            "Javelin",
            "F-16",
            "Volodymyr Zelensky",
            "Vladimir Putin",
            "European Union",
        ]
    )
}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(autouse=True)
def hand_made_classes(monkeypatch):
    """The class entities of these frames: the unit tests do not read the default gazetteer."""
    monkeypatch.setattr(plots, "_default_class_ids", lambda: frozenset({"weapons", "drone"}))


def texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


def legend_labels(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend else []


# --- mentions over time -------------------------------------------------------------------


def test_mentions_over_time_draws_top_n_lines_and_other_never_dominates():
    series = make_series(TEN_ENTITIES, normalize="per_1k_words")
    ax = plots.plot_mentions_over_time(series, top_n=3)
    assert isinstance(ax, Axes)
    assert ax.get_title("left") == "Mentions per 1,000 words, by week"
    assert ax.get_ylabel() == "mentions per 1,000 words"
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["Donald Trump", "Ukraine", "Russia"]
    # Week 2: the other 7 have 5 mentions each, 35 over 500 words = 70.0 per 1,000, against
    # 10.0 for each drawn line: "other" would flatten the lines, so a note counts it instead.
    assert "other (7 entities)" not in legend_labels(ax)
    note = "other (7 entities) not drawn: together they would dwarf the lines (highest 70.0)"
    assert any(note in text for text in texts(ax))


def test_other_is_the_sum_of_the_rest_for_counts():
    series = make_series(TEN_ENTITIES)
    ax = plots.plot_mentions_over_time(series, top_n=8)
    other = ax.get_lines()[-1]
    # Vladimir Putin (index 8) and European Union (index 9) in week 1: 2 + 1
    assert other.get_ydata()[0] == 3
    assert ax.get_title("left") == "Mentions, by week"
    assert ax.get_ylabel() == "mentions"


def test_shares_of_documents_are_never_summed_into_other():
    series = make_series(TEN_ENTITIES, normalize="share_of_docs")
    ax = plots.plot_mentions_over_time(series, top_n=2)
    assert len(ax.get_lines()) == 2
    assert any("8 more entities not drawn (shares of documents" in t for t in texts(ax))
    assert ax.get_title("left") == "Share of documents mentioning each entity, by week"


def test_a_rate_over_a_period_without_documents_is_a_gap_not_zero():
    series = make_series({"Ukraine": [3, 1, 0, 2]}, normalize="per_1k_words")
    ax = plots.plot_mentions_over_time(series)
    values = ax.get_lines()[0].get_ydata()
    assert values[0] == pytest.approx(1.0)  # 3 mentions in 3,000 words
    assert np.isnan(values[2])  # week 3 has no documents


def test_counts_are_a_gap_without_documents_and_zero_with_them():
    ax = plots.plot_mentions_over_time(make_series({"Ukraine": [3, 0, 0, 2]}))
    values = ax.get_lines()[0].get_ydata()
    assert values[1] == 0  # one document, no mention
    assert np.isnan(values[2])  # no documents: no dip to zero


def test_frequency_and_normalisation_are_given_not_guessed():
    series = make_series({"Ukraine": [3, 1, 0, 2]}, normalize="per_1k_words", attrs=False)
    ax = plots.plot_mentions_over_time(series, freq="W", normalize="per_1k_words")
    assert ax.get_ylabel() == "mentions per 1,000 words"
    assert ax.get_title("left").endswith("by week")
    # Without attrs and without the parameters the chart refuses to guess.
    with pytest.raises(InputError, match="normalize: not given"):
        plots.plot_mentions_over_time(series, freq="W")
    with pytest.raises(InputError, match="freq: not given"):
        plots.plot_mentions_over_time(series, normalize="count")
    with pytest.raises(InputError, match="freq: unknown frequency 'fortnight'"):
        plots.plot_mentions_over_time(series, freq="fortnight", normalize="count")


@pytest.mark.parametrize(
    ("freq", "days", "name"), [("Q", (90, 92), "quarter"), ("Y", (365, 366), "year")]
)
def test_quarterly_and_yearly_charts_span_their_periods(freq, days, name):
    # Two years of quarters (or yearly periods): hand-made, one document per period.
    starts = pd.period_range("2024-01-01", "2025-12-31", freq=freq).start_time
    rows = [
        {"period": start, "entity_id": "ukraine", "entity": "Ukraine", "kind": "actor",
         "category": "state", "mentions": 2, "documents_with_mention": 1, "period_documents": 6,
         "period_words": 600, "value": 2.0, "low_volume": False, "undated": False}
        for start in starts
    ]  # fmt: skip
    series = pd.DataFrame(rows)
    series.attrs.update(freq=freq, normalize="count")
    ax = plots.plot_mentions_over_time(series)
    assert ax.get_title("left").endswith(f"by {name}")
    first, last = (mdates.num2date(x).replace(tzinfo=None) for x in ax.get_xlim())
    assert first == starts[0]
    assert last == pd.Timestamp("2026-01-01")  # the end of the last period, not a week after
    # Each point sits in the middle of its period, whose length is a quarter or a year.
    x = pd.DatetimeIndex(ax.get_lines()[0].get_xdata())
    for start, centre in zip(starts, x, strict=True):
        assert days[0] <= 2 * (centre - start) / pd.Timedelta(days=1) <= days[1]
    corpus = pd.DataFrame(
        {"period": starts, "documents": 6, "words": 600, "low_volume": False, "undated": False}
    )
    corpus.attrs.update(freq=freq, min_documents=5)
    bars = plots.plot_corpus_size(corpus).patches
    widths = [bar.get_width() for bar in bars]
    assert all(days[0] * 0.85 - 1 <= w <= days[1] * 0.85 + 1 for w in widths)


def test_undated_documents_are_counted_apart():
    series = make_series({"Ukraine": [3, 1, 0, 2]}, undated={"Ukraine": 4})
    ax = plots.plot_mentions_over_time(series, corpus=make_corpus())
    assert "2 undated documents: 4 mentions, not plotted on the date axis" in texts(ax)
    # the undated mentions are not on the date axis
    assert np.nansum(ax.get_lines()[0].get_ydata()) == 6


def test_low_volume_periods_are_shaded_and_named_in_the_legend():
    series = make_series({"Ukraine": [3, 1, 0, 2]})
    ax = plots.plot_mentions_over_time(series, corpus=make_corpus())
    assert len(ax.patches) == 2  # weeks 2 and 3
    assert "fewer than 5 documents" in legend_labels(ax)


def test_event_markers_inside_the_range_only():
    events = pd.DataFrame(
        {"date": pd.to_datetime(["2025-07-15", "2026-01-01"]), "label": ["Summit", "Later"]}
    )
    ax = plots.plot_mentions_over_time(make_series({"Ukraine": [3, 1, 0, 2]}), events=events)
    assert "Summit" in " ".join(texts(ax))
    assert "Later" not in " ".join(texts(ax))
    assert len([line for line in ax.get_lines() if line.get_linestyle() == ":"]) == 1


def test_long_entity_names_are_truncated():
    name = "The North Atlantic Treaty Organization Secretary General"
    ax = plots.plot_mentions_over_time(make_series({name: [1, 1, 0, 1]}))
    label = ax.get_lines()[0].get_label()
    assert label.endswith("…") and len(label) <= plots.NAME_WIDTH


def test_draws_on_a_given_axes():
    fig, ax = plt.subplots()
    assert plots.plot_mentions_over_time(make_series({"Ukraine": [1, 2, 0, 1]}), ax=ax) is ax


@pytest.mark.parametrize(
    "call",
    [
        lambda s: plots.plot_mentions_over_time(s),
        lambda s: plots.plot_heatmap(s),
    ],
)
def test_empty_series_says_so(call):
    ax = call(make_series({}).iloc[0:0])
    assert plots.EMPTY_MESSAGE in texts(ax)


def test_series_without_any_mention_says_so():
    ax = plots.plot_mentions_over_time(make_series({"Ukraine": [0, 0, 0, 0]}))
    assert plots.EMPTY_MESSAGE in texts(ax)


# --- corpus size and the two-panel figure ---------------------------------------------------


def test_corpus_size_bars_one_per_dated_period():
    ax = plots.plot_corpus_size(make_corpus())
    assert ax.get_title("left") == "Documents per week (corpus size)"
    assert ax.get_ylabel() == "documents"
    assert [bar.get_height() for bar in ax.patches] == DOCUMENTS
    assert "2 undated documents not shown on the date axis" in texts(ax)


def test_corpus_size_without_dated_documents():
    corpus = make_corpus()
    ax = plots.plot_corpus_size(corpus[corpus["undated"]])
    assert "No dated documents in this selection" in texts(ax)


def test_timeline_with_corpus_is_two_panels_sharing_the_date_axis():
    fig = plots.plot_timeline_with_corpus(
        make_series(TEN_ENTITIES, undated={"Ukraine": 4}), make_corpus(), top_n=4
    )
    assert isinstance(fig, Figure)
    top, bottom = fig.axes
    assert top.get_shared_x_axes().joined(top, bottom)
    assert len(top.get_lines()) == 4  # "other" (6 entities) would dominate: noted instead
    assert len(bottom.patches) == len(WEEKS)
    assert "2 undated documents: 4 mentions, not plotted on the date axis" in texts(bottom)


# --- heatmap -------------------------------------------------------------------------------


def test_heatmap_rows_are_the_top_entities_with_values_written_in():
    ax = plots.plot_heatmap(make_series(TEN_ENTITIES), top_n=3)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Donald Trump", "Ukraine", "Russia"]
    assert ax.get_title("left") == "Mentions, by entity and week (top 3)"
    cells = [t for t in texts(ax) if t.replace(",", "").isdigit()]
    assert len(cells) == 3 * (len(WEEKS) - 1)  # week 3 has no documents: grey, no number
    assert cells[0] == "10"
    assert any("grey: no documents" in t for t in texts(ax))


def test_heatmap_greys_out_periods_without_documents_for_rates():
    ax = plots.plot_heatmap(make_series(TEN_ENTITIES, normalize="per_1k_words"), top_n=2)
    assert any("grey: no documents" in t for t in texts(ax))
    assert ax.collections[0].get_array().mask[:, 2].all()


# --- top entities, co-occurrence, tone ----------------------------------------------------


def make_mentions() -> pd.DataFrame:
    counts = {("Donald Trump", "actor"): 5, ("Patriot", "weapon"): 3, ("Ukraine", "actor"): 4}
    rows = [
        {"entity": name, "kind": kind, "doc_id": f"d{i}"}
        for (name, kind), n in counts.items()
        for i in range(n)
    ]
    return pd.DataFrame(rows)


def test_top_entities_largest_first_coloured_by_kind():
    ax = plots.plot_top_entities(make_mentions())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Donald Trump", "Ukraine", "Patriot"]
    assert [bar.get_width() for bar in ax.patches] == [5, 4, 3]
    colours = [mpl.colors.to_hex(bar.get_facecolor()) for bar in ax.patches]
    assert colours == [
        plots.KIND_COLOURS["actor"].lower(),
        plots.KIND_COLOURS["actor"].lower(),
        plots.KIND_COLOURS["weapon"].lower(),
    ]
    assert ax.get_xlabel() == "mentions"
    assert ax.get_title("left") == "Most-mentioned actors and weapons: number of mentions"


def test_top_entities_of_one_kind():
    ax = plots.plot_top_entities(make_mentions(), kind="weapon", top_n=1)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Patriot"]
    assert ax.get_title("left").startswith("Most-mentioned weapons")


def test_top_entities_empty():
    ax = plots.plot_top_entities(make_mentions().iloc[0:0])
    assert plots.EMPTY_MESSAGE in texts(ax)


def make_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "actor": ["Ukraine", "Ukraine", "Donald Trump", "NATO"],
            "weapon": ["Patriot", "Patriot", "Patriot", "Javelin"],
            "action_class": ["request", "none", "pledge", "deliver"],
            "count": [4, 2, 3, 1],
            "documents": [2, 1, 2, 1],
        }
    )


def test_cooccurrence_stacks_actions_per_pair():
    ax = plots.plot_cooccurrence(make_summary())
    pairs = [t.get_text() for t in ax.get_yticklabels()]
    assert pairs == ["Ukraine – Patriot", "Donald Trump – Patriot", "NATO – Javelin"]
    labels = legend_labels(ax)
    assert labels[-1] == NO_ACTION_LABEL  # pairs without an action word come last, in grey
    assert set(labels) == {"request", "pledge", "deliver", NO_ACTION_LABEL}
    totals = [t for t in texts(ax) if t.strip().isdigit()]
    assert [int(t) for t in totals] == [6, 3, 1]
    assert "same sentence" in ax.get_title("left")


def test_cooccurrence_empty():
    ax = plots.plot_cooccurrence(make_summary().iloc[0:0])
    assert "No actor-weapon pairs in this selection" in texts(ax)


def make_tone(with_period: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "entity_id": ["russia", "ukraine"],
            "entity": ["Russia", "Ukraine"],
            "kind": ["actor", "actor"],
            "compound": [-0.4, 0.2],
            "positive": [0.1, 0.5],
            "negative": [0.6, 0.1],
            "n_sentences": [12, 30],
        }
    )
    if with_period:
        frame = pd.concat(
            [frame.assign(period=WEEKS[0]), frame.assign(period=WEEKS[1])], ignore_index=True
        )
        frame.attrs.update(freq="W")  # as tone(..., freq="W") sets it
    return frame


def test_tone_per_entity_on_the_full_scale_with_sentence_counts():
    ax = plots.plot_tone(make_tone())
    assert ax.get_xlim() == (-1, 1)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Ukraine", "Russia"]
    assert {"n=30", "n=12"} <= set(texts(ax))
    assert "VADER compound" in ax.get_xlabel()


def test_tone_over_time_lines_with_n_in_the_legend():
    ax = plots.plot_tone(make_tone(with_period=True))
    assert ax.get_ylim() == (-1, 1)
    assert len([line for line in ax.get_lines() if line.get_marker() == "o"]) == 2
    assert "Ukraine (n=60)" in legend_labels(ax)
    assert ax.get_title("left").endswith("by week")


def test_tone_empty():
    ax = plots.plot_tone(make_tone().iloc[0:0])
    assert "No sentences with a mention in this selection" in texts(ax)


# --- events, style, saving ----------------------------------------------------------------


def test_load_events(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("date,label\n2025-08-15,Alaska summit\n2025-07-01, Aid pause \n")
    events = plots.load_events(path)
    assert list(events["label"]) == ["Aid pause", "Alaska summit"]
    assert events["date"].iloc[0] == pd.Timestamp("2025-07-01")


def test_load_events_names_the_file_row_and_field(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("date,label\n2025-08-15,ok\nsoon,bad\n")
    with pytest.raises(InputError, match=r"events.csv: row 3: field 'date'"):
        plots.load_events(path)
    path.write_text("when,label\n2025-08-15,ok\n")
    with pytest.raises(InputError, match="missing column"):
        plots.load_events(path)


def test_use_style_as_context_restores_rc():
    before = mpl.rcParams["axes.titlelocation"]
    with plots.use_style():
        assert mpl.rcParams["axes.titlelocation"] == "left"
    assert mpl.rcParams["axes.titlelocation"] == before


def test_save_figure_writes_the_same_bytes_twice(tmp_path):
    def draw():
        return plots.plot_timeline_with_corpus(make_series(TEN_ENTITIES), make_corpus())

    first = plots.save_figure(draw(), tmp_path / "a" / "timeline")
    second = plots.save_figure(draw(), tmp_path / "b" / "timeline.png")
    assert [p.name for p in first] == ["timeline.png", "timeline.svg"]
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()
    assert b"Software" not in first[0].read_bytes()
    assert b"<dc:date>" not in first[1].read_bytes()
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary files left behind


def test_show_closes_the_figure_and_returns_an_image():
    ax = plots.plot_top_entities(make_mentions())
    image = plots.show(ax)
    assert ax.figure.number not in plt.get_fignums()
    assert image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.width == 1230  # the style's 12.3 inches: the report's page width


def test_tone_over_time_leaves_out_means_of_a_few_sentences():
    frame = make_tone(with_period=True)
    frame.loc[0, "n_sentences"] = 2  # Russia, week 1
    ax = plots.plot_tone(frame, min_sentences=5)
    russia = next(line for line in ax.get_lines() if line.get_label().startswith("Russia"))
    assert np.isnan(russia.get_ydata()[0]) and russia.get_ydata()[1] == pytest.approx(-0.4)
    assert "1 point resting on fewer than 5 sentences not drawn" in texts(ax)


@pytest.mark.parametrize(
    ("starts", "freq", "expected"),
    [
        (["2025-07-07", "2025-08-18"], "W", "week"),  # Mondays, six weeks apart
        (["2025-07-01", "2025-09-01"], "M", "month"),
        (["2025-07-01", "2025-07-02"], "D", "day"),
        (["2025-01-01", "2025-10-01"], "Q", "quarter"),
    ],
)
def test_the_given_frequency_names_and_fills_the_periods(starts, freq, expected):
    # make_tone's rows: both entities in the first period, then both in the second
    frame = make_tone(with_period=True).assign(
        period=pd.to_datetime([starts[0], starts[0], starts[1], starts[1]])
    )
    ax = plots.plot_tone(frame, min_sentences=1, freq=freq)
    assert " ".join(ax.get_title("left").split()).endswith(f"by {expected}")  # may wrap
    if expected in ("week", "quarter"):  # the periods between are gaps, not a straight line
        assert len(ax.get_lines()[0].get_xdata()) == {"week": 7, "quarter": 4}[expected]


def test_titles_say_when_one_kind_is_shown():
    weapons = make_series({"Patriot": [1, 2, 0, 3], "Javelin": [0, 1, 1, 0]})
    assert plots.plot_mentions_over_time(weapons).get_title("left") == (
        "Mentions (weapons only), by week"
    )
    assert "(weapons only)" in plots.plot_heatmap(weapons).get_title("left")
    both = make_series({"Patriot": [1, 2, 0, 3], "Ukraine": [0, 1, 1, 0]})
    assert "only" not in plots.plot_mentions_over_time(both).get_title("left")


# --- frequency from the span ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, "D"),
        (92, "D"),  # about 3 months: at most 93 daily points
        (93, "W"),
        (731, "W"),  # 2 years: at most 105 weekly points
        (732, "M"),
        (3653, "M"),  # 10 years: at most 121 monthly points
        (3654, "Q"),
        (12784, "Q"),  # 35 years: at most 141 quarterly points
        (12785, "Y"),
    ],
)
def test_auto_freq_boundaries(days, expected):
    from analysis.periods import auto_freq

    start = pd.Timestamp("2000-01-01")
    assert auto_freq(start, start + pd.Timedelta(days=days)) == expected
    assert auto_freq(start + pd.Timedelta(days=days), start) == expected  # order does not matter


def test_resolve_freq_keeps_a_given_frequency_and_picks_one_otherwise():
    from analysis.periods import resolve_freq

    dates = pd.Series(pd.to_datetime(["2021-01-15", None, "2026-08-21"]))  # 5.6 years
    assert resolve_freq("", dates) == "M"
    assert resolve_freq("auto", dates) == "M"
    assert resolve_freq(None, dates) == "M"
    assert resolve_freq("MS", dates) == "M" and resolve_freq("W", dates) == "W"
    assert resolve_freq("", dates, start="2026-01-01") == "W"  # the window decides: 8 months
    assert resolve_freq("", pd.Series([], dtype="datetime64[ns]")) == "W"
    with pytest.raises(InputError, match="freq"):
        resolve_freq("fortnight", dates)


# --- small multiples and "other" -----------------------------------------------------------


def panel_titles(fig: Figure) -> list[str]:
    return [ax.get_title("left") for ax in fig.axes if ax.get_visible() and ax.get_title("left")]


def test_more_than_eight_entities_become_small_multiples_with_an_other_panel():
    fig = plots.plot_timeline_with_corpus(make_series(TEN_ENTITIES), make_corpus(), top_n=9)
    names = list(TEN_ENTITIES)
    assert panel_titles(fig)[:9] == names[:9]
    # the tenth entity goes to "other", on its own scale; then the corpus panel
    assert panel_titles(fig)[9] == "other (1 entity), own scale"
    other = [ax for ax in fig.axes if ax.get_title("left").startswith("other")][0]
    # European Union: 1, 5, (no documents), 0 mentions
    np.testing.assert_array_equal(other.get_lines()[0].get_ydata(), [1, 5, np.nan, 0])
    panels = [ax for ax in fig.axes if ax.get_visible()][:9]
    assert len({ax.get_ylim() for ax in panels}) == 1  # one scale: heights compare
    assert fig.axes[-1].get_title("left") == "Documents per week (corpus size)"


def test_small_multiples_without_other_say_so():
    fig = plots.plot_small_multiples(make_series(TEN_ENTITIES), top_n=4, other=False)
    assert panel_titles(fig) == list(TEN_ENTITIES)[:4]
    assert "6 more entities not drawn" in fig.get_supxlabel()


def test_other_is_drawn_while_it_stays_below_the_lines():
    series = make_series({"Ukraine": [5, 5, 0, 5], "Russia": [4, 4, 0, 4], "NATO": [1, 2, 0, 1]})
    ax = plots.plot_mentions_over_time(series, top_n=2)
    assert legend_labels(ax)[:3] == ["Ukraine", "Russia", "other (1 entity)"]


# --- which entities are drawn --------------------------------------------------------------


def test_class_entities_are_left_out_of_top_lists_unless_asked_for():
    series = make_series({"Weapons (generic)": [9, 9, 0, 9], "Patriot": [1, 1, 0, 1]})
    series = series.assign(entity_id=series["entity_id"].replace({"weapons (generic)": "weapons"}))
    ax = plots.plot_mentions_over_time(series, top_n=1)
    assert [line.get_label() for line in ax.get_lines()] == ["Patriot"]
    assert any("1 class entity (e.g. Weapons (generic)) left out" in t for t in texts(ax))
    ax = plots.plot_mentions_over_time(series, top_n=1, include_classes=True)
    assert legend_labels(ax)[:2] == ["Weapons (generic)", "other (1 entity)"]
    ax = plots.plot_mentions_over_time(series, top_n=1, classes=["patriot"])
    assert [line.get_label() for line in ax.get_lines()] == ["Weapons (generic)"]

    mentions = pd.DataFrame(
        {
            "entity_id": ["weapons"] * 3 + ["patriot"],
            "entity": ["Weapons (generic)"] * 3 + ["Patriot"],
            "kind": ["weapon"] * 4,
        }
    )
    ax = plots.plot_top_entities(mentions)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Patriot"]
    ax = plots.plot_top_entities(mentions, include_classes=True)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Weapons (generic)", "Patriot"]


def test_class_entities_of_a_gazetteer():
    entities = pd.DataFrame(
        {
            "id": ["weapons", "missile", "hypersonic", "kinzhal", "patriot", "systems", "kremlin"],
            "name": [
                "Weapons (generic)",
                "Missiles",
                "Hypersonic missiles",
                "Kinzhal",
                "Patriot",
                "Weapons systems (generic)",
                "Kremlin",
            ],  # fmt: skip
            "kind": ["weapon"] * 6 + ["actor"],
            "parent": ["", "", "missile", "hypersonic", "missile", "weapons", "russia"],
        }
    )
    # no parent, a parent of another, or "(generic)": classes; actors never are
    assert plots.class_entity_ids(entities) == {"weapons", "missile", "hypersonic", "systems"}


def test_entities_mentioned_only_in_undated_documents_take_no_line():
    # Stinger has the most mentions, all of them undated: Patriot (dated) keeps its place.
    series = make_series(
        {"Stinger": [0, 0, 0, 0], "Patriot": [1, 0, 0, 1], "Javelin": [0, 1, 0, 0]},
        undated={"Stinger": 9},
    )
    ax = plots.plot_mentions_over_time(series, top_n=2)
    assert [line.get_label() for line in ax.get_lines()] == ["Patriot", "Javelin"]
    assert any("1 entity mentioned only in undated documents: not drawn" in t for t in texts(ax))
    ax = plots.plot_heatmap(series)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Patriot", "Javelin"]


# --- links ---------------------------------------------------------------------------------


def test_linked_markers_point_to_evidence_anchors_in_the_svg():
    series = make_series({"Ukraine": [3, 1, 0, 0]})
    fig = plots.plot_timeline_with_corpus(series, make_corpus(), links=True)
    svg = plots.svg_links(fig)
    hrefs = set(re.findall(r'<a xlink:href="([^"]+)"', svg))
    # weeks with mentions only: not week 3 (no documents) nor week 4 (none of Ukraine)
    assert hrefs == {"#ev-ukraine-2025-07-07", "#ev-ukraine-2025-07-14"}
    assert svg.startswith("<svg") and 'width="100%"' in svg
    again = plots.plot_timeline_with_corpus(series, make_corpus(), links=True)
    assert plots.svg_links(again) == svg  # same inputs, same bytes
    only = plots.plot_mentions_over_time(series, links={"ev-ukraine-2025-07-14"})
    hrefs = re.findall(r'<a xlink:href="([^"]+)"', plots.svg_links(only))
    assert hrefs == ["#ev-ukraine-2025-07-14"]  # a collection links only the anchors listed


def test_linked_bars_point_to_the_entity_anchor():
    mentions = make_mentions()
    mentions = mentions.assign(entity_id=mentions["entity"].map(ID_OF))
    ax = plots.plot_top_entities(mentions, links=True)
    hrefs = re.findall(r'<a xlink:href="([^"]+)"', plots.svg_links(ax))
    assert sorted(hrefs) == ["#ev-patriot", "#ev-trump", "#ev-ukraine"]
    # without ids the name is the key: reduced to safe characters and given a short hash
    ax = plots.plot_top_entities(make_mentions(), links={"ev-Ukraine"})
    hrefs = re.findall(r'<a xlink:href="([^"]+)"', plots.svg_links(ax))
    assert hrefs == ["#ev-Ukraine"]


ID_OF = {"Donald Trump": "trump", "Patriot": "patriot", "Ukraine": "ukraine"}


def test_show_with_links_is_inline_svg_as_wide_as_the_page():
    mentions = make_mentions()
    mentions = mentions.assign(entity_id=mentions["entity"].map(ID_OF))
    shown = plots.show(plots.plot_top_entities(mentions, links=True), links=True)
    markup = shown.data
    assert markup.startswith('<div class="nm nm-figure"') and "<svg" in markup
    assert 'xlink:href="#ev-ukraine"' in markup


# --- labels from data and empty windows ----------------------------------------------------


def test_plain_escapes_mathtext_once():
    assert plots.plain("$x$") == r"\$x\$"
    assert plots.plain(r"\$5") == r"\$5"  # already escaped: not twice
    assert plots.plain("_hidden") == "\u200b_hidden"  # not hidden from the legend


@pytest.mark.parametrize("name", ["$x$", "a $5 drone", "$\\frac{1}{0", "_private"])
def test_every_chart_draws_a_name_with_dollar_signs(name):
    series = make_series({name: [2, 1, 0, 3], "Ukraine": [1, 1, 0, 1]})
    mentions = pd.DataFrame({"entity_id": ["x", "x"], "entity": [name] * 2, "kind": ["actor"] * 2})
    tone_frame = make_tone().assign(entity=[name, "Ukraine"])
    summary = make_summary().assign(actor=name)
    events = pd.DataFrame({"date": [WEEKS[1]], "label": [name]})
    figures = [
        plots.plot_mentions_over_time(series, events=events).figure,
        plots.plot_timeline_with_corpus(series, make_corpus(), top_n=10),
        plots.plot_small_multiples(series),
        plots.plot_heatmap(series).figure,
        plots.plot_top_entities(mentions).figure,
        plots.plot_tone(tone_frame).figure,
        plots.plot_tone(
            make_tone(with_period=True).query("entity_id == 'russia'").assign(entity=name)
        ).figure,
        plots.plot_cooccurrence(summary).figure,
        plots.plot_mentions_over_time(series, title=name).figure,
    ]
    for fig in figures:
        fig.savefig(io.BytesIO(), format="png")  # mathtext would raise here
    legend = legend_labels(figures[0].axes[0])
    assert plots.plain(name) in legend


def empty_frames():
    series = make_series({"Ukraine": [1, 1, 0, 1]})
    return series.iloc[0:0], make_corpus().iloc[0:0]


EMPTY_CALLS = {
    "mentions_over_time": lambda s, c: plots.plot_mentions_over_time(s, corpus=c),
    "timeline_with_corpus": lambda s, c: plots.plot_timeline_with_corpus(s, c),
    "timeline_with_corpus_many": lambda s, c: plots.plot_timeline_with_corpus(s, c, top_n=12),
    "small_multiples": lambda s, c: plots.plot_small_multiples(s, corpus=c),
    "heatmap": lambda s, c: plots.plot_heatmap(s),
    "corpus_size": lambda s, c: plots.plot_corpus_size(c),
    "top_entities": lambda s, c: plots.plot_top_entities(make_mentions().iloc[0:0]),
    "tone": lambda s, c: plots.plot_tone(make_tone().iloc[0:0]),
    "tone_over_time": lambda s, c: plots.plot_tone(make_tone(with_period=True).iloc[0:0]),
    "cooccurrence": lambda s, c: plots.plot_cooccurrence(make_summary().iloc[0:0]),
}


@pytest.mark.parametrize("name", list(EMPTY_CALLS))
def test_a_window_without_documents_gives_an_empty_chart_with_a_note(name):
    series, corpus = empty_frames()
    result = EMPTY_CALLS[name](series, corpus)
    fig = result if isinstance(result, Figure) else result.figure
    fig.savefig(io.BytesIO(), format="png")
    shown = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any(t.startswith("No ") for t in shown), shown


def test_a_real_empty_window_from_the_timeline():
    from analysis.timeline import corpus_over_time, mentions_over_time

    documents = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "date": pd.to_datetime(["2025-07-01", None]),
            "title": ["", ""],
            "text": ["Ukraine", "Ukraine"],
            "n_words": [1, 1],
            "duplicate_of": ["", ""],
        }
    )
    mentions = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "entity_id": ["ukraine"] * 2,
            "entity": ["Ukraine"] * 2,
            "kind": ["actor"] * 2,
            "category": ["state"] * 2,
        }
    )
    window = dict(freq="W", start="2030-01-01", end="2030-02-01")
    try:
        series = mentions_over_time(mentions, documents, **window)
        corpus = corpus_over_time(documents, **window)
    except InputError as error:  # the timeline may refuse the frame: nothing to draw then
        pytest.skip(f"timeline refused the hand-made frame: {error}")
    fig = plots.plot_timeline_with_corpus(series, corpus)
    fig.savefig(io.BytesIO(), format="png")
    assert any(t.get_text().startswith("No ") for ax in fig.axes for t in ax.texts)


def test_tone_near_zero_reads_0_00_in_the_neutral_colour():
    frame = make_tone().assign(compound=[-0.004, 0.3])
    ax = plots.plot_tone(frame)
    labels = [t for t in ax.texts if t.get_text() in {"0.00", "-0.00", "+0.30"}]
    assert sorted(t.get_text() for t in labels) == ["+0.30", "0.00"]
    zero = next(t for t in labels if t.get_text() == "0.00")
    assert mpl.colors.to_hex(zero.get_color()) == plots.NEUTRAL_COLOUR.lower()


def test_weekly_tone_over_years_is_regrouped_by_the_span_rule():
    weeks = pd.date_range("2021-01-04", periods=150, freq="7D")  # ~2.9 years: monthly
    frame = pd.DataFrame(
        {
            "entity_id": "ukraine",
            "entity": "Ukraine",
            "kind": "actor",
            "period": weeks,
            "compound": np.where(np.arange(150) % 2 == 0, 0.5, -0.5),
            "n_sentences": np.where(np.arange(150) % 2 == 0, 3, 1),
        }
    )
    frame.attrs["freq"] = "W"
    ax = plots.plot_tone(frame, min_sentences=1)
    assert "by month (regrouped from weeks)" in ax.get_title("left").replace("\n", " ")
    # January 2021 has the weeks of 4, 11, 18 and 25: +0.5 x3, -0.5 x1, +0.5 x3, -0.5 x1
    first = ax.get_lines()[0].get_ydata()[0]
    assert first == pytest.approx((0.5 * 3 - 0.5 + 0.5 * 3 - 0.5) / 8)


def test_drawn_entities_are_the_ids_of_the_lines_in_order():
    series = make_series(
        {
            "Weapons (generic)": [9, 9, 0, 9],
            "Stinger": [0, 0, 0, 0],
            "Patriot": [1, 0, 0, 1],
            "Javelin": [3, 1, 0, 0],
        },  # fmt: skip
        undated={"Stinger": 9},
    )
    series = series.assign(entity_id=series["entity_id"].replace({"weapons (generic)": "weapons"}))
    assert plots.drawn_entities(series) == ["javelin", "patriot"]
    assert plots.drawn_entities(series, top_n=1, include_classes=True) == ["weapons"]
    assert plots.drawn_entities(series.iloc[0:0]) == []
