"""The armed forces in the shipped gazetteer (issue #12 coverage): national forces, services,
commands, fleets and districts, counted in hand-written sentences.

Every expectation is counted by hand from the sentence and the aliases in
analysis/data/gazetteer/40-government-bodies.yml and 45-armed-groups.yml.
"""

from __future__ import annotations

import pytest
from conftest import counted
from conftest import run_texts as run

from analysis.gazetteer import load_gazetteer


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()  # the shipped one


def test_israeli_troops_and_the_idf_are_two_mentions_of_the_idf(gazetteer):
    result = run(gazetteer, "Israeli troops entered Gaza; the IDF said it had struck Hamas.")
    assert counted(result) == [
        ("Israeli troops", "israel-defense-forces"),
        ("Gaza", "gaza"),
        ("IDF", "israel-defense-forces"),
        ("Hamas", "hamas"),
    ]


def test_uk_services_and_forces(gazetteer):
    result = run(
        gazetteer,
        "The British Army, the Royal Navy and the RAF joined British troops in Estonia.",
    )
    assert counted(result) == [
        ("British Army", "british-army"),
        ("Royal Navy", "royal-navy"),
        ("RAF", "royal-air-force"),
        ("British troops", "uk-armed-forces"),
        ("Estonia", "estonia"),
    ]
    assert gazetteer.entity("british-army")["parent"] == "uk-armed-forces"


def test_bare_service_names_on_a_british_site_are_the_uk_services(gazetteer):
    result = run(gazetteer, "The Armed Forces, the Army and the Navy paraded.",
                 url="https://www.gov.uk/news/parade")  # fmt: skip
    assert counted(result) == [
        ("Armed Forces", "uk-armed-forces"),
        ("Army", "british-army"),
        ("Navy", "royal-navy"),
    ]


def test_a_bare_shared_name_goes_to_the_state_its_possessive_names(gazetteer):
    result = run(gazetteer, "Poland's Armed Forces will grow to 300,000 soldiers.")
    assert counted(result) == [("Poland", "poland"), ("Armed Forces", "polish-armed-forces")]
    result = run(gazetteer, "Belarus's Armed Forces held drills with Belarusian troops.")
    assert counted(result) == [
        ("Belarus", "belarus"),
        ("Armed Forces", "belarusian-armed-forces"),
        ("Belarusian troops", "belarusian-armed-forces"),
    ]


def test_the_pla_its_services_and_its_context(gazetteer):
    result = run(
        gazetteer,
        "The PLA Navy sailed near Taiwan while the PLA and the Chinese military drilled.",
        "The union signed a PLA for the bridge project.",  # a Project Labor Agreement
    )
    assert counted(result) == [
        ("PLA Navy", "pla-navy"),
        ("Taiwan", "taiwan"),
        ("PLA", "peoples-liberation-army"),
        ("Chinese military", "peoples-liberation-army"),
    ]
    refused = result.excluded.loc[result.excluded["entity_id"] == "peoples-liberation-army"]
    assert refused["doc_id"].tolist() == ["d1"]
    assert refused["excluded_by"].str.startswith("context").all()


def test_us_combatant_commands_and_fleets(gazetteer):
    result = run(
        gazetteer,
        "U.S. Central Command said CENTCOM and Centcom staff of the Sixth Fleet and the U.S. "
        "7th Fleet met INDOPACOM and AFRICOM officers.",
    )
    assert counted(result) == [
        ("U.S. Central Command", "us-central-command"),
        ("CENTCOM", "us-central-command"),
        ("Centcom", "us-central-command"),
        ("Sixth Fleet", "us-sixth-fleet"),
        ("U.S. 7th Fleet", "us-seventh-fleet"),
        ("INDOPACOM", "us-indo-pacific-command"),
        ("AFRICOM", "us-africa-command"),
    ]
    variants = result.mentions.set_index("surface")["match"]
    assert variants["Centcom"] == "variant" and variants["CENTCOM"] == "exact"


def test_russian_districts_and_ukrainian_commands(gazetteer):
    result = run(
        gazetteer,
        "Units of the Southern Military District and Spetsnaz attacked; the Operational "
        'Command "South" and the State Border Guard Service of Ukraine held them.',
    )
    assert counted(result) == [
        ("Southern Military District", "southern-military-district"),
        ("Spetsnaz", "spetsnaz"),
        ('Operational Command "South"', "operational-command-south"),
        ("State Border Guard Service of Ukraine", "state-border-guard-service-of-ukraine"),
    ]


def test_bare_border_guard_service_needs_a_pointer_to_ukraine(gazetteer):
    pointed = run(
        gazetteer,
        "The State Border Guard Service of Ukraine reported shelling. The State Border Guard "
        "Service said two guards were hurt.",
    )
    assert [s for s, e in counted(pointed)] == [
        "State Border Guard Service of Ukraine",
        "State Border Guard Service",
    ]
    assert {e for s, e in counted(pointed)} == {"state-border-guard-service-of-ukraine"}
    # Lithuania's service of the same name is Lithuania's, never Ukraine's
    other = run(gazetteer, "Lithuania's State Border Guard Service reported migrants.")
    assert counted(other) == [
        ("Lithuania", "lithuania"),
        ("State Border Guard Service", "lithuanian-border-guard"),
    ]


def test_negative_cases_are_not_forces(gazetteer):
    result = run(
        gazetteer,
        "Reporters Without Borders (RSF) criticised the bill.",
        "The Jordanian Royal Air Force airdropped meals.",
        "German troops landed in Normandy on D-Day? No: Allied troops did, and German "
        "soldiers defended the cliffs.",
        "Imperial Japanese forces held the island.",
    )
    ids = set(result.mentions["entity_id"])
    assert not ids & {
        "rapid-support-forces",
        "royal-air-force",
        "bundeswehr",
        "japan-self-defense-forces",
    }
    vetoed = result.excluded.loc[result.excluded["entity_id"] == "bundeswehr"]
    assert vetoed["surface"].tolist() == ["German troops", "German soldiers"]
    assert set(vetoed["excluded_by"]) == {"context: 'Normandy' in its document"}


def test_rsf_counts_beside_sudan_and_sudan_has_its_armed_forces(gazetteer):
    # "Khartoum" is a metonym of Sudan: not counted by default.
    result = run(gazetteer, "In Sudan the RSF fought the Sudanese Armed Forces near Khartoum.")
    assert counted(result) == [
        ("Sudan", "sudan"),
        ("RSF", "rapid-support-forces"),
        ("Sudanese Armed Forces", "sudanese-armed-forces"),
    ]


def test_military_as_an_adjective_is_no_mention_of_a_new_force(gazetteer):
    result = run(
        gazetteer,
        "Polish military aid and Israeli military equipment arrived. The Israeli military said so.",
    )
    assert counted(result) == [("Israeli military", "israel-defense-forces")]
    assert result.excluded["surface"].tolist() == ["Polish military", "Israeli military"]
    assert result.excluded["excluded_by"].str.startswith("adjective").all()


def test_a_bare_ground_forces_is_the_owners_ground_forces(gazetteer):
    # named by the armed forces after it, or by the site it is published on
    result = run(
        gazetteer,
        "Pilots of the Ground Forces of the Armed Forces of Ukraine flew. The Ground Forces "
        "of Lithuania trained.",
    )
    assert counted(result)[:2] == [
        ("Ground Forces", "ukrainian-ground-forces"),
        ("Armed Forces of Ukraine", "armed-forces-of-ukraine"),
    ]
    assert "Ground Forces" not in [s for s, _ in counted(result)[2:]]  # Lithuania's: not listed
    kremlin = run(gazetteer, "The Ground Forces held exercises.", url="http://en.kremlin.ru/d/1")
    assert counted(kremlin) == [("Ground Forces", "russian-ground-forces")]


def test_the_border_guards_of_ukraines_neighbours(gazetteer):
    result = run(
        gazetteer,
        "Polish border guards pushed migrants back, Lithuanian border guards said, and the "
        "State Border Committee of Belarus denied it.",
    )
    assert counted(result) == [
        ("Polish border guards", "polish-border-guard"),
        ("Lithuanian border guards", "lithuanian-border-guard"),
        ("State Border Committee of Belarus", "belarusian-border-committee"),
    ]


def test_the_cstos_council_united_states_forces_and_a_game(gazetteer):
    result = run(
        gazetteer,
        "Members of the Collective Security Council met; United States forces stayed. He "
        "played in the Army-Navy Game.",
        url="https://www.whitehouse.gov/briefing-room/x",
    )
    assert counted(result) == [
        ("Collective Security Council", "csto-collective-security-council"),
        ("United States forces", "us-armed-forces"),
    ]
    assert [r for s, r in zip(result.excluded["surface"], result.excluded["excluded_by"],
                              strict=True) if s in ("Army", "Navy")] == [
        "inside the name of a document or an event"
    ] * 2  # fmt: skip


def test_the_armed_forces_of_the_united_states_are_one_mention(gazetteer):
    # "of the" before the state: the state closes the institution's name (the hint for
    # "of the " once looked at the wrong byte and let the state count too)
    result = run(
        gazetteer,
        "He is Commander in Chief of the Armed Forces of the United States.",
        url="https://www.whitehouse.gov/x",
    )
    assert counted(result) == [("Armed Forces", "us-armed-forces")]
    assert result.excluded["excluded_by"].tolist() == ["inside the name of an institution"]
