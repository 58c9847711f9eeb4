"""Weapon words in the shipped gazetteer's senses (issue #12): names of documents, civil
drones and demining, counted in hand-written sentences.

Every expectation is read by hand from the sentence and the entries of
analysis/data/gazetteer/60-weapons.yml.
"""

from __future__ import annotations

import pytest
from conftest import counted
from conftest import run_texts as run

from analysis.gazetteer import load_gazetteer


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()  # the shipped one


def reasons(result) -> list[tuple[str, str]]:
    return list(zip(result.excluded["surface"], result.excluded["excluded_by"], strict=True))


def test_a_weapon_word_at_the_end_of_a_documents_name(gazetteer):
    result = run(
        gazetteer,
        "They work through the Plan to Counter Illicit Diversion of Certain Advanced "
        "Conventional Weapons. The Plan gives Ukraine Weapons and tanks.",
    )
    assert ("Weapons", "inside the name of a document or an event") in reasons(result)
    # a verb breaks the name: the second "Weapons" is a weapon
    assert counted(result) == [("Ukraine", "ukraine"), ("Weapons", "weapons"), ("tanks", "armour")]


def test_drones_of_research_institutes_and_rescue_work_are_civil(gazetteer):
    result = run(
        gazetteer,
        "The Institute of Thermophysics of the Russian Academy of Sciences designed this drone.",
        "Unlike other quadcopters, it can approach a wall so that rescue workers can see.",
        "The army received 300 attack drones.",
    )
    # a bare lowercase "army" names no state's armed forces
    assert counted(result) == [("attack drones", "drone")]
    assert [surface for surface, _ in reasons(result)] == ["drone", "quadcopters"]


def test_explosive_devices_cleared_by_deminers_are_munitions(gazetteer):
    result = run(
        gazetteer,
        "More than 85,000 explosive devices have been neutralized in demining.",
        "A roadside bomb and an explosive device hit the convoy.",
    )
    assert counted(result) == [
        ("explosive devices", "munitions"),
        ("roadside bomb", "ied"),
        ("explosive device", "ied"),
    ]


def test_space_rockets_of_the_first_flights_are_not_weapons(gazetteer):
    result = run(
        gazetteer,
        "Sixty-four years ago a brave American sat in the cockpit of the Mercury rocket.",
        "Hamas fired a rocket at Ashkelon.",
    )
    assert ("rocket", "rocket") in counted(result)
    assert [s for s, _ in reasons(result) if s == "rocket"] == ["rocket"]


def test_transports_anti_satellite_weapons_and_bomb_grade_fuel(gazetteer):
    result = run(
        gazetteer,
        "The state is building Antonov An-178 aircraft for its army. They tested "
        "anti-satellite weapons. An An-124 landed with car parts. It would ship bomb-grade fuel.",
    )
    # the maker's name and the class noun are one mention of the model; a cargo An-124 and
    # bomb-grade fuel are not weapons
    assert counted(result) == [
        ("Antonov An-178 aircraft", "an-178"),
        ("anti-satellite weapons", "anti-satellite-weapon"),
    ]
    assert ("bomb", "bomb-grade") in reasons(result)


def test_raptors_are_fighters_only_beside_aircraft_words(gazetteer):
    result = run(gazetteer, "Two Raptors landed at the air base.", "The Toronto Raptors won.")
    assert counted(result) == [("Raptors", "f-22")]
