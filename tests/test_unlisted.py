"""Numbered units and ranked people the gazetteer does not list (analysis.unlisted), counted
in hand-written sentences with the shipped gazetteer.

Every expectation is read by hand from the sentence: which words name a unit or a person,
which unit it is, whose it is, and what the gazetteer itself counts around it.
"""

from __future__ import annotations

import pytest
from conftest import counted
from conftest import run_texts as run

from analysis.gazetteer import load_gazetteer
from analysis.unlisted import unit_key, unit_name


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()  # the shipped one


def pattern_rows(result):
    found = result.mentions.loc[result.mentions["match"] == "pattern"]
    return list(zip(found["surface"], found["entity"], found["entity_id"], strict=True))


def test_a_unit_named_in_a_decree_is_its_owners_unit(gazetteer):
    result = run(
        gazetteer,
        "Colonel Oleksandr Okhrimenko, Commander of the 14th separate mechanized brigade of "
        "the Armed Forces of Ukraine, received the award.",
    )
    assert pattern_rows(result) == [
        ("Colonel Oleksandr Okhrimenko", "Oleksandr Okhrimenko", "person:oleksandr-okhrimenko"),
        (
            "14th separate mechanized brigade",
            "14th Mechanized Brigade (Ukraine)",
            "unit:ukraine:14th-mechanized-brigade",
        ),
    ]
    assert ("Armed Forces of Ukraine", "armed-forces-of-ukraine") in counted(result)
    found = result.mentions.set_index("surface")
    assert found.loc["14th separate mechanized brigade", "category"] == "armed-forces"
    assert found.loc["Colonel Oleksandr Okhrimenko", "kind"] == "actor"


def test_an_honour_does_not_make_another_unit(gazetteer):
    result = run(
        gazetteer,
        "The President conferred the title of Guards on the 64th Detached Motor Rifle Brigade, "
        "which will be called the 64th Guards Detached Motor Rifle Brigade.",
        url="http://en.kremlin.ru/events/president/news/68201",
    )
    rows = pattern_rows(result)
    assert [surface for surface, _, _ in rows] == [
        "64th Detached Motor Rifle Brigade",
        "64th Guards Detached Motor Rifle Brigade",
    ]
    # one unit, and Russia's: the Kremlin's site names its own units bare
    assert {entity_id for _, _, entity_id in rows} == {"unit:russia:64th-motor-rifle-brigade"}


def test_the_owner_comes_from_the_words_before_the_unit(gazetteer):
    result = run(
        gazetteer,
        "Ukrainian 57th Motorized Brigade crews fought Russia's 155th Guards Marine Brigade.",
    )
    assert [name for _, name, _ in pattern_rows(result)] == [
        "57th Motorized Brigade (Ukraine)",
        "155th Marine Brigade (Russia)",
    ]


def test_a_unit_the_gazetteer_lists_stays_the_gazetteers(gazetteer):
    # listed under these words, and under other words ("separate", lower case)
    result = run(
        gazetteer,
        "The 47th Mechanized Brigade and the 3rd Assault Brigade held; soldiers of the 47th "
        "separate mechanized brigade were decorated.",
    )
    assert counted(result) == [
        ("47th Mechanized Brigade", "47th-mechanized-brigade"),
        ("3rd Assault Brigade", "third-assault-brigade"),
        ("47th separate mechanized brigade", "47th-mechanized-brigade"),
    ]
    assert result.mentions["match"].tolist() == ["exact", "exact", "pattern"]


def test_the_owner_named_further_along_the_same_clause(gazetteer):
    result = run(
        gazetteer,
        "He commanded the 11th separate brigade of the army aviation of the Ground Forces of "
        "the Armed Forces of Ukraine. The 5th brigade of the Russian Navy sailed.",
    )
    assert [name for _, name, _ in pattern_rows(result)] == [
        "11th Army Aviation Brigade (Ukraine)",
        "5th Brigade (Russia)",
    ]


def test_a_unit_with_no_owner_is_counted_under_its_name(gazetteer):
    result = run(gazetteer, "Soldiers of the 5th Assault Brigade held the line.")
    assert pattern_rows(result) == [
        ("5th Assault Brigade", "5th Assault Brigade", "unit:5th-assault-brigade")
    ]


def test_the_service_after_of_the_is_part_of_the_units_name(gazetteer):
    result = run(gazetteer, "Pilots of the 11th separate brigade of the army aviation flew.")
    assert pattern_rows(result) == [
        (
            "11th separate brigade of the army aviation",
            "11th Army Aviation Brigade",
            "unit:11th-army-aviation-brigade",
        )
    ]


def test_ordinals_that_name_no_unit_are_not_units(gazetteer):
    result = run(
        gazetteer,
        "In the 21st century Civilian Climate Corps members met on the 5th floor for the "
        "44th Kennedy Center Honors and the 3rd quarter results.",
    )
    assert pattern_rows(result) == []


def test_a_weapon_word_in_a_units_name_is_still_a_weapon(gazetteer):
    # rule 6 of the evaluation guidelines: a weapon word as a modifier names the weapon type
    result = run(gazetteer, "The 1st Guards Tank Army moved west.")
    assert pattern_rows(result) == [("1st Guards Tank Army", "1st Tank Army", "unit:1st-tank-army")]
    weapons = result.mentions.loc[result.mentions["kind"] == "weapon", "surface"].tolist()
    assert weapons == ["Tank"]


def test_unit_names_and_keys():
    assert unit_name("64", ["Guards", "Detached", "Motor", "Rifle"], "Brigade") == (
        "64th Motor Rifle Brigade"
    )
    assert unit_name("112", [], "brigades") == "112th Brigade"
    assert unit_name("1", ["Tank"], "armies") == "1st Tank Army"
    # one key for every way of writing the same unit, with or without its owner
    assert unit_key("72nd Separate Mechanized Brigade (Ukraine)") == unit_key(
        "72nd mechanised brigade"
    )
    assert unit_key("155th Separate Guards Marine Brigade") == "155th-marine-brigade"
    assert unit_key("NATO") == ""


def test_people_after_a_rank_or_a_title(gazetteer):
    result = run(
        gazetteer,
        "Captain Korpan Oleksandr Bohdanovych and Major Stepan Ivanovych Choban were decorated; "
        "Rep. Lisa McClain and Senator Robert F. Kennedy spoke.",
    )
    assert [(surface, name) for surface, name, _ in pattern_rows(result)] == [
        ("Captain Korpan Oleksandr Bohdanovych", "Oleksandr Korpan"),  # surname first
        ("Major Stepan Ivanovych Choban", "Stepan Choban"),  # the patronymic is left out
        ("Rep. Lisa McClain", "Lisa McClain"),
        ("Senator Robert F. Kennedy", "Robert F. Kennedy"),
    ]


def test_words_after_a_rank_that_are_not_a_person(gazetteer):
    result = run(
        gazetteer,
        "General Motors, the General Assembly, Major League Baseball, the Private Sector "
        "Council, General Provisions, Captain America and General Milley were named; the "
        "Corporal Jeffrey Robert Standfest Post Office Building and the Captain Rosemary "
        "Bryant Mariner Outpatient Clinic opened.",
    )
    assert pattern_rows(result) == []


def test_a_person_the_gazetteer_knows_stays_the_gazetteers(gazetteer):
    result = run(gazetteer, "General Valerii Zaluzhnyi visited the front.")
    assert pattern_rows(result) == []
    assert [entity for _, entity in counted(result)] == ["valerii-zaluzhnyi"]


def test_offsets_and_sentences_after_non_ascii_text(gazetteer):
    text = "Міністр — “quoted”. Then Colonel Serhiy Musienko spoke of the 36th Marine Brigade."
    result = run(gazetteer, text)
    rows = result.mentions.loc[result.mentions["match"] == "pattern"]
    assert rows["surface"].tolist() == ["Colonel Serhiy Musienko", "36th Marine Brigade"]
    for row in rows.itertuples():
        assert text[row.start : row.end] == row.surface
        assert row.sentence_id == 1
    assert not rows["metonym"].any()


def test_a_ranked_person_named_again_without_the_rank(gazetteer):
    result = run(
        gazetteer,
        "The title was awarded to Colonel Serhiy Mykolayovych Musienko. Serhiy Musienko led "
        "the defence; Serhiy Musienkov is another man.",
    )
    assert [(surface, entity_id) for surface, _, entity_id in pattern_rows(result)] == [
        ("Colonel Serhiy Mykolayovych Musienko", "person:serhiy-musienko"),
        ("Serhiy Musienko", "person:serhiy-musienko"),
    ]


def test_a_speakers_label_is_not_read_as_a_shape(gazetteer):
    result = run(
        gazetteer,
        "Colonel Oleh Kit: We will. Rep. Lisa McClain: Thank you.",
    )
    assert pattern_rows(result) == []


def test_a_listed_person_named_with_an_initial_is_that_person(gazetteer):
    result = run(gazetteer, "Senator Alejandro N. Mayorkas spoke.")
    assert result.mentions[["surface", "entity_id", "match"]].values.tolist() == [
        ["Senator Alejandro N. Mayorkas", "alejandro-mayorkas", "pattern"]
    ]
