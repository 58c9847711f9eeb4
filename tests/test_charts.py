"""Tone small multiples, heatmap click-through and labels that fit, on hand-made frames.

Every expected value below is worked out by hand from the frames in this file.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import plots  # noqa: E402

WEEKS = pd.date_range("2025-01-06", periods=6, freq="7D")  # Mondays: weeks are labelled so


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(autouse=True)
def hand_made_classes(monkeypatch):
    """The class entities of these frames: the tests do not read the default gazetteer."""
    monkeypatch.setattr(plots, "_default_class_ids", lambda: frozenset({"weapons"}))


def hrefs(figure) -> list[str]:
    return re.findall(r'<a xlink:href="([^"]+)"', plots.svg_links(figure))


# --- tone over time as small multiples --------------------------------------------------------

# Alpha: 33 sentences over six weeks; week 4 rests on 2 sentences (below 5: not drawn).
ALPHA_SCORES = [0.5, -0.5, 0.001, 0.3, 0.2, 0.1]
ALPHA_SENTENCES = [10, 5, 6, 2, 5, 5]
# Beta: 48 sentences, -0.2 every week: the first panel. Weapons: a class entity, left out.


def make_tone(undated_sentences: int = 4) -> pd.DataFrame:
    rows = []
    for week, score, n in zip(WEEKS, ALPHA_SCORES, ALPHA_SENTENCES, strict=True):
        rows.append(("alpha", "Alpha", "actor", week, score, n))
        rows.append(("beta", "Beta", "actor", week, -0.2, 8))
        rows.append(("weapons", "Weapons (generic)", "weapon", week, 0.9, 50))
    rows.append(("alpha", "Alpha", "actor", pd.NaT, 0.4, undated_sentences))
    frame = pd.DataFrame(
        rows, columns=["entity_id", "entity", "kind", "period", "compound", "n_sentences"]
    )
    frame.attrs["freq"] = "W"  # as tone(..., freq="W") sets it
    return frame


def suptitle(fig) -> str:
    return fig.get_suptitle().replace("\n", " ")  # wrapped to the figure's width


def visible_axes(fig) -> list:
    return [ax for ax in fig.axes if ax.get_visible()]


def test_tone_panels_one_per_entity_most_sentences_first_on_one_scale():
    fig = plots.plot_tone_over_time(make_tone())
    axes = visible_axes(fig)
    # Beta has 48 dated sentences, Alpha 33 (its 4 undated ones are not on the date axis);
    # Alpha's mean over its dated sentences: (5 - 2.5 + 0.006 + 0.6 + 1 + 0.5) / 33 = +0.14
    assert [ax.get_title("left") for ax in axes] == [
        "Beta: mean -0.20, n=48",
        "Alpha: mean +0.14, n=33",
    ]
    assert all(ax.get_ylim() == (-1, 1) for ax in axes)
    assert "one panel per entity" in suptitle(fig) and "by week" in suptitle(fig)
    note = fig.get_supxlabel()
    assert "1 class entity" in note  # Weapons (generic), with 300 sentences, takes no panel
    assert "1 point resting on fewer than 5 sentences not drawn" in note
    assert "4 sentences of undated documents not placed on the date axis" in note


def test_tone_points_are_the_period_means_coloured_by_their_sign():
    fig = plots.plot_tone_over_time(make_tone())
    alpha = visible_axes(fig)[1]
    points = alpha.collections[0]
    drawn = points.get_offsets()[:, 1]
    # week 4 (2 sentences) is left out; 0.001 rounds to 0.00: grey, not blue
    assert list(drawn) == [0.5, -0.5, 0.001, 0.2, 0.1]
    colours = [mpl.colors.to_hex(c).upper() for c in points.get_facecolors()]
    blue, vermilion, grey = plots.PALETTE[0], plots.PALETTE[3], plots.NEUTRAL_COLOUR
    assert colours == [blue, vermilion, grey.upper(), blue, blue]


def test_tone_points_link_to_the_evidence_of_their_entity_and_week():
    fig = plots.plot_tone_over_time(make_tone(), links=True)
    links = hrefs(fig)
    beta = [f"#ev-beta-{week:%Y-%m-%d}" for week in WEEKS]
    alpha = [f"#ev-alpha-{week:%Y-%m-%d}" for i, week in enumerate(WEEKS) if i != 3]
    assert sorted(links) == sorted(beta + alpha)
    only = plots.plot_tone_over_time(make_tone(), links={"ev-alpha-2025-01-13", "ev-gone"})
    assert hrefs(only) == ["#ev-alpha-2025-01-13"]  # only the anchors on the page
    assert hrefs(plots.plot_tone_over_time(make_tone())) == []


def test_tone_panels_regroup_only_past_about_a_hundred_periods():
    def weekly(count: int) -> pd.DataFrame:
        weeks = pd.date_range("2021-01-04", periods=count, freq="7D")
        frame = pd.DataFrame(
            {
                "entity_id": "alpha",
                "entity": "Alpha",
                "kind": "actor",
                "period": weeks,
                "compound": np.where(np.arange(count) % 2 == 0, 0.5, -0.5),
                "n_sentences": np.where(np.arange(count) % 2 == 0, 3, 1),
            }
        )
        frame.attrs["freq"] = "W"
        return frame

    kept = plots.plot_tone_over_time(weekly(60), min_sentences=1)
    assert "by week," in suptitle(kept)
    assert len(visible_axes(kept)[0].collections[0].get_offsets()) == 60
    regrouped = plots.plot_tone_over_time(weekly(150), min_sentences=1)  # 2.9 years: months
    assert "by month (regrouped from weeks)" in suptitle(regrouped)
    first = visible_axes(regrouped)[0].collections[0].get_offsets()[0, 1]
    # January 2021 holds the weeks of the 4th, 11th, 18th, 25th: +0.5 x3, -0.5 x1 (twice)
    assert first == pytest.approx((0.5 * 3 - 0.5 + 0.5 * 3 - 0.5) / 8)


def test_tone_panel_without_a_drawn_point_says_why():
    frame = make_tone().assign(n_sentences=lambda d: d["n_sentences"].clip(upper=4))
    fig = plots.plot_tone_over_time(frame, include_classes=False)
    messages = [t.get_text() for ax in visible_axes(fig) for t in ax.texts]
    assert messages == ["no week with 5+ sentences", "no week with 5+ sentences"]


def test_tone_panels_of_an_empty_selection_say_so():
    fig = plots.plot_tone_over_time(make_tone().iloc[0:0])
    assert [t.get_text() for ax in fig.axes for t in ax.texts] == [
        "No sentences with a mention in this selection"
    ]
    per_entity = make_tone().drop(columns="period")  # tone() without freq: no panels
    fig = plots.plot_tone_over_time(per_entity)
    assert "No sentences" in fig.axes[0].texts[0].get_text()


def test_tone_panels_wrap_their_title_inside_the_figure():
    fig = plots.plot_tone_over_time(make_tone())
    fig.canvas.draw()
    box = fig._suptitle.get_window_extent()  # noqa: SLF001
    assert "\n" in fig.get_suptitle()
    assert box.x1 <= fig.bbox.x1 and box.x0 >= 0


# --- heatmap cells link to their evidence -----------------------------------------------------


def make_series() -> pd.DataFrame:
    """mentions_over_time by week: Russia 0, 2, 0, 4 and Ukraine 3, 1, 0, 0 mentions; week 3
    has no documents."""
    documents = [6, 1, 0, 5]
    rows = []
    for entity, counts in {"Russia": [0, 2, 0, 4], "Ukraine": [3, 1, 0, 0]}.items():
        for week, count, docs in zip(WEEKS[:4], counts, documents, strict=True):
            rows.append(
                dict(period=week, entity_id=entity.lower(), entity=entity, kind="actor",
                     mentions=count, value=float(count), period_documents=docs,
                     low_volume=docs < 5, undated=False)
            )  # fmt: skip
    series = pd.DataFrame(rows)
    series.attrs.update(freq="W", normalize="count")
    return series


def test_heatmap_cells_with_mentions_link_to_their_week():
    ax = plots.plot_heatmap(make_series(), links=True)
    assert sorted(hrefs(ax)) == [
        "#ev-russia-2025-01-13",
        "#ev-russia-2025-01-27",
        "#ev-ukraine-2025-01-06",
        "#ev-ukraine-2025-01-13",
    ]
    overlay = ax.collections[-1]
    # Russia is row 0 (6 mentions), Ukraine row 1 (4): Ukraine's first week spans y 1 to 2
    corners = {url: path.vertices[:, 1].min() for url, path in
               zip(overlay.get_urls(), overlay.get_paths(), strict=True)}  # fmt: skip
    assert corners["#ev-ukraine-2025-01-06"] == 1 and corners["#ev-russia-2025-01-13"] == 0
    assert hrefs(plots.plot_heatmap(make_series())) == []


def test_heatmap_links_only_the_anchors_on_the_page_and_says_which_rows():
    ax = plots.plot_heatmap(make_series(), links={"ev-russia-2025-01-27", "ev-russia-2025-01-13"})
    assert sorted(hrefs(ax)) == ["#ev-russia-2025-01-13", "#ev-russia-2025-01-27"]
    notes = "\n".join(t.get_text() for t in ax.texts)
    assert "the cells of the first 1 row link to their sentences below" in notes
    ax = plots.plot_heatmap(make_series(), links={"ev-ukraine-2025-01-13", "ev-ukraine-2025-01-06"})
    notes = "\n".join(t.get_text() for t in ax.texts)
    # Ukraine, row 1, links every cell, but the row above links none: its cells are outlined
    assert "only the 2 outlined cells link to their sentences below" in notes
    # Ukraine's week of 6 January only: a row that links some of its cells, outlined
    ax = plots.plot_heatmap(make_series(), links={"ev-ukraine-2025-01-06"})
    notes = "\n".join(t.get_text() for t in ax.texts)
    assert "only the 1 outlined cell links to its sentences below" in notes
    links = {"ev-russia-2025-01-13", "ev-russia-2025-01-27", "ev-ukraine-2025-01-06"}
    ax = plots.plot_heatmap(make_series(), links=links)
    notes = "\n".join(t.get_text() for t in ax.texts)
    assert (
        "the cells of the first 1 row link to their sentences below, and the 1 outlined cell "
        "of the other rows" in notes
    )
    overlay = ax.collections[-1]
    widths = dict(zip(overlay.get_urls(), overlay.get_linewidths(), strict=True))
    assert widths == {
        "#ev-russia-2025-01-13": 0,
        "#ev-russia-2025-01-27": 0,
        "#ev-ukraine-2025-01-06": 1.0,
    }
    ax = plots.plot_heatmap(make_series(), links=True)
    assert "link to their sentences" not in "\n".join(t.get_text() for t in ax.texts)


def test_heatmap_colour_bar_label_stays_inside_a_short_figure():
    ax = plots.plot_heatmap(make_series().assign(value=lambda d: d["value"] / 10),
                            normalize="per_1k_words")  # fmt: skip
    fig = ax.figure
    fig.canvas.draw()
    label = fig.axes[-1].yaxis.label
    assert "square-root scale" in label.get_text().replace("\n", " ")
    box = label.get_window_extent()
    assert box.y0 >= fig.bbox.y0 and box.y1 <= fig.bbox.y1


# --- counts read with thousands separators ------------------------------------------------------


def test_count_axes_write_thousands_with_commas():
    mentions = pd.DataFrame(
        {"entity_id": ["us"] * 12_000 + ["patriot"] * 10, "entity": ["US"] * 12_000 +
         ["Patriot"] * 10, "kind": ["actor"] * 12_000 + ["weapon"] * 10}
    )  # fmt: skip
    ax = plots.plot_top_entities(mentions)
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["0", "3,000", "6,000", "9,000", "12,000", "15,000"]  # five steps at most
    assert not any(re.fullmatch(r"\d{4,}", tick) for tick in ticks)


def test_svg_links_stay_in_the_page_and_heatmap_cells_take_the_click():
    svg = plots.svg_links(plots.plot_heatmap(make_series(), links=True))
    assert 'target="_blank"' not in svg  # matplotlib's default for a collection's links
    # the boxes over the cells are unfilled: without this no click would reach them
    assert svg.count('<g class="nm-cell-links" pointer-events="all">') == 1
    tone = plots.svg_links(plots.plot_tone_over_time(make_tone(), links=True))
    assert 'target="_blank"' not in tone and "#ev-beta-2025-01-06" in tone


# --- lines or small multiples -----------------------------------------------------------------


def long_series(entities: int, periods: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``entities`` entities mentioned once a week over ``periods`` weeks of 2 documents."""
    weeks = pd.date_range("2024-01-01", periods=periods, freq="7D")
    series = pd.DataFrame(
        [
            dict(period=week, entity_id=f"e{i}", entity=f"Entity {i}", kind="actor",
                 mentions=1 + i, value=float(1 + i), period_documents=2, low_volume=False,
                 undated=False)
            for i in range(entities) for week in weeks
        ]
    )  # fmt: skip
    series.attrs.update(freq="W", normalize="count")
    corpus = pd.DataFrame({"period": weeks, "documents": 2, "low_volume": False, "undated": False})
    corpus.attrs.update(freq="W")
    return series, corpus


@pytest.mark.parametrize(
    ("entities", "periods", "expected"),
    [
        (8, 24, "lines"),  # up to 8 lines on up to 24 periods
        (5, 24, "lines"),
        (4, 25, "lines"),  # up to 4 lines on more
        (5, 25, "panels"),
        (8, 60, "panels"),
    ],
)
def test_many_lines_over_many_periods_become_small_multiples(entities, periods, expected):
    series, corpus = long_series(entities, periods)
    assert plots.lines_or_panels(series, top_n=8) == expected
    fig = plots.plot_timeline_with_corpus(series, corpus, top_n=8)
    titles = [ax.get_title("left") for ax in fig.axes if ax.get_visible()]
    if expected == "lines":
        assert len(fig.axes) == 2 and len(fig.axes[0].get_lines()) == entities
    else:  # one panel per entity, most mentioned first, then the documents
        assert titles == [f"Entity {i}" for i in reversed(range(entities))] + [
            "Documents per week (corpus size)"
        ]


# --- the most-mentioned actors and weapons, each kind on its own scale ------------------------


def make_mentions() -> pd.DataFrame:
    counts = {("us", "United States", "actor"): 50, ("biden", "Joe Biden", "actor"): 30,
              ("f-16", "F-16", "weapon"): 2, ("patriot", "Patriot", "weapon"): 1}  # fmt: skip
    rows = [key for key, count in counts.items() for _ in range(count)]
    return pd.DataFrame(rows, columns=["entity_id", "entity", "kind"])


def bar_names(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def test_top_by_kind_gives_the_weapons_their_own_panel_and_scale():
    fig = plots.plot_top_by_kind(make_mentions(), links=True)
    actors, weapons = fig.axes
    assert bar_names(actors) == ["United States", "Joe Biden"]
    assert bar_names(weapons) == ["F-16", "Patriot"]  # ranked together they would come last
    assert actors.get_title("left").startswith("Most-mentioned actors")
    assert weapons.get_title("left").startswith("Most-mentioned weapons")
    assert weapons.get_xlim()[1] < 5 < actors.get_xlim()[1]  # 2 mentions are not a sliver
    assert sorted(hrefs(fig)) == ["#ev-biden", "#ev-f-16", "#ev-patriot", "#ev-us"]
    one_weapon = plots.plot_top_by_kind(make_mentions().query("entity != 'Patriot'"))
    assert one_weapon.axes[1].get_ylim() == one_weapon.axes[0].get_ylim() == (1.5, -0.5)
    only = plots.plot_top_by_kind(make_mentions().query("kind == 'weapon'"))
    assert len(only.axes) == 1 and bar_names(only.axes[0]) == ["F-16", "Patriot"]


def test_top_entities_break_ties_by_entity_id_as_the_totals_do():
    mentions = pd.DataFrame(
        {"entity_id": ["b-alpha", "a-zeta"], "entity": ["Alpha", "Zeta"], "kind": "actor"}
    )
    # one mention each: analysis.mentions.entity_totals puts a-zeta first, so the bars do too
    assert bar_names(plots.plot_top_entities(mentions)) == ["Zeta", "Alpha"]


def test_periods_without_documents_do_not_count_towards_many_periods():
    # the seeds: 42 days, documents on 2 of them; 8 entities stay lines (dots on 2 days)
    series, _ = long_series(8, 42)
    days = sorted(series["period"].unique())
    series = series.assign(
        period_documents=np.where(series["period"].isin(days[:1] + days[-1:]), 1, 0)
    )
    assert plots.lines_or_panels(series, top_n=8) == "lines"


def test_lines_show_their_markers_in_the_legend_and_notes_close_up_above_the_corpus():
    series, corpus = long_series(3, 10)
    series = series.assign(entity_id=lambda d: d["entity_id"].replace({"e0": "weapons"}))
    fig = plots.plot_timeline_with_corpus(series, corpus, links=True)
    top = fig.axes[0]
    handles = top.get_legend().legend_handles
    assert [h.get_marker() for h in handles[:2]] == ["o", "o"]  # the linked points are drawn
    links = [c for c in top.collections if c.get_urls() and c.get_urls()[0]]
    assert links and min(c.get_zorder() for c in links) > max(
        line.get_zorder() for line in top.get_lines()
    )  # the linked points lie over the lines' own markers: a click reaches them
    (note,) = [t for t in top.texts if "class entit" in t.get_text()]
    assert note.xyann == (0, -8)  # no tick labels under the top panel to clear
