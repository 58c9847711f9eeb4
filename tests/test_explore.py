"""The explorer (05-explore) driven from code: set a widget's value, check what the choices, the
chart's series, the evidence and the footer become (issue 14, item 6).

Expected values are counted by hand in tests/fixtures/notebook_corpus: 18 entities have a
mention, 9 of them weapons; Ukraine 9, Donald Trump 7, NATO 6, Russia 5, Volodymyr Zelensky 5,
Patriot 5 (title and two sentences of 000, one in 003 and one in 004), FGM-148 Javelin 3 (all in
002: "Javelins" in the title, "FGM-148 Javelin missiles", "Javelins"), IRIS-T 1 (004).
"""

from __future__ import annotations

import html

import pandas as pd
import pytest
from conftest import NOTEBOOK_CORPUS

from analysis.explore import Explorer, entity_catalogue, matching


@pytest.fixture(scope="module")
def context():
    from analysis.report import report_context

    return report_context(str(NOTEBOOK_CORPUS))


@pytest.fixture
def explorer(context, capsys):
    made = Explorer(context)
    yield made
    capsys.readouterr()  # without a kernel the outputs print; nothing to keep


def names(options) -> list[str]:
    return [value for _, value in options]


def test_the_catalogue_holds_every_entity_not_a_top_list():
    # 45 entities, e00 with 45 mentions down to e44 with 1: a top-40 list would lose five.
    mentions = pd.DataFrame(
        [
            {"entity": f"e{i:02d}", "entity_id": f"id{i:02d}", "kind": "weapon"}
            for i in range(45)
            for _ in range(45 - i)
        ]
    )
    entities = pd.DataFrame({"id": ["id44"], "aliases": [("Rare Launcher",)]})
    catalogue = entity_catalogue(mentions, entities)
    assert len(catalogue) == 45
    assert catalogue["entity"].iloc[[0, -1]].tolist() == ["e00", "e44"]
    assert catalogue["mentions"].iloc[[0, -1]].tolist() == [45, 1]
    assert matching(catalogue, search="  rare   LAUNCHER ")["entity"].tolist() == ["e44"]
    assert matching(catalogue, search="id4")["entity"].tolist() == [f"e{i}" for i in range(40, 45)]
    assert matching(catalogue, kind="actor").empty


def test_the_picker_offers_all_entities_and_the_search_narrows_them(explorer):
    assert len(explorer.entities.options) == 18
    assert explorer.found.value == "18 entities with mentions"
    explorer.kind.value = "weapon"
    explorer.search.value = "iris"
    # The chosen Patriot stays offered (typing never drops a choice), then the matches.
    assert explorer.entities.options == (("Patriot (MIM-104) (5)", "Patriot (MIM-104)"),
                                         ("IRIS-T (1)", "IRIS-T"))  # fmt: skip
    assert explorer.found.value.startswith("1 of 9 entities match &#x27;iris&#x27;")
    explorer.search.value = "fgm-148"
    assert names(explorer.entities.options) == ["Patriot (MIM-104)", "FGM-148 Javelin"]
    explorer.entities.value = ("FGM-148 Javelin",)
    assert explorer.selection()["entities"] == ["FGM-148 Javelin"]
    assert set(explorer.series["entity"]) == {"FGM-148 Javelin"}


def test_an_alias_finds_its_entity(explorer):
    explorer.entities.value = ("NATO",)
    explorer.search.value = "President Trump"  # an alias of Donald Trump, not his name
    assert names(explorer.entities.options) == ["NATO", "Donald Trump"]
    explorer.search.value = "Zelenskyy"
    assert names(explorer.entities.options) == ["NATO", "Volodymyr Zelensky"]


def test_the_kind_filter_refreshes_the_choices(explorer):
    assert explorer.entities.value == (
        "Ukraine", "Donald Trump", "NATO", "Patriot (MIM-104)", "Russia",
    )  # fmt: skip
    explorer.kind.value = "weapon"
    assert explorer.entities.value == ("Patriot (MIM-104)",)  # the actors are dropped
    assert len(explorer.entities.options) == 9
    assert set(explorer.series["entity"]) == {"Patriot (MIM-104)"}
    assert explorer.series["value"].sum() > 0  # the chart is not empty
    explorer.kind.value = "actor"  # no chosen actor is left: the top five actors are chosen
    assert explorer.entities.value == (
        "Ukraine", "Donald Trump", "NATO", "Russia", "Volodymyr Zelensky",
    )  # fmt: skip
    assert set(explorer.series["entity"]) == set(explorer.entities.value)
    assert set(explorer.evidence["entity"]) == set(explorer.entities.value)


def test_the_evidence_and_the_footer_follow_the_widgets(explorer):
    assert explorer.parameters["freq"] == "W"
    explorer.freq.value = "M"
    assert explorer.parameters["freq"] == "M"
    assert explorer.evidence.attrs["freq"] == "M"
    assert set(explorer.evidence["period"]) == {pd.Timestamp("2025-07-01"),
                                                pd.Timestamp("2025-08-01")}  # fmt: skip
    assert '"freq": "M"' in html.unescape(str(explorer.footer_html()))
    explorer.normalize.value = "share_of_docs"
    explorer.start.value = pd.Timestamp("2025-07-20").date()
    assert explorer.parameters["start"] == "2025-07-20"
    assert explorer.parameters["normalize"] == "share_of_docs"
    assert (explorer.evidence["date"] >= pd.Timestamp("2025-07-20")).all()
    footer = html.unescape(str(explorer.footer_html()))
    assert '"normalize": "share_of_docs"' in footer and '"start": "2025-07-20"' in footer
    explorer.entities.value = ("FGM-148 Javelin",)
    assert explorer.parameters["entities"] == ["FGM-148 Javelin"]
    assert len(explorer.evidence) == 3
    assert set(explorer.evidence["doc_id"]) == {"002_untrusted_markup"}


def test_the_evidence_table_wraps_to_the_width(explorer):
    markup = str(explorer.evidence_html())
    assert '<table class="nm-table nm-evidence">' in markup
    assert 'class="nm-table nm-kwic"' not in markup  # not the nowrap key-word-in-context table
    assert "<script>alert(1)</script>" not in markup  # the untrusted title stays text
    assert explorer.table.layout.width == "100%"
    assert explorer.chart.layout.width == "100%"
