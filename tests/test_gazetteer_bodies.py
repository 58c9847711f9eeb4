"""Companies and government bodies below the ministries in the shipped gazetteer (issue #12
coverage), counted in hand-written sentences: named companies, bare names that only one
country's own site uses ("the Customs Service" on kremlin.ru), and aliases that must not fire.

Every expectation is counted by hand from the sentence and the aliases in
analysis/data/gazetteer/40-government-bodies.yml and 50-companies.yml.
"""

from __future__ import annotations

import pytest
from conftest import counted
from conftest import run_texts as run

from analysis.gazetteer import load_gazetteer

KREMLIN = "http://en.kremlin.ru/events/president/news/67000"
UKRAINE = "https://www.president.gov.ua/en/news/zayava-1234"


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()  # the shipped one


# --- companies -------------------------------------------------------------------------------


def test_russian_industry_of_the_kremlin_releases(gazetteer):
    result = run(
        gazetteer,
        "Power Machines will modernise the plant, and Severstal and AVISMA will supply parts; "
        "KAMAZ trucks and Yuzhmash were also mentioned.",
    )
    assert counted(result) == [
        ("Power Machines", "power-machines"),
        ("Severstal", "severstal"),
        ("AVISMA", "vsmpo-avisma"),
        ("KAMAZ", "kamaz"),
        ("Yuzhmash", "yuzhmash"),
    ]
    assert gazetteer.entity("kamaz")["parent"] == "rostec"


def test_vaccine_makers_and_the_firm_johnson_and_johnson(gazetteer):
    result = run(gazetteer, "Pfizer, Moderna, AstraZeneca and Johnson & Johnson shipped doses.")
    assert counted(result) == [
        ("Pfizer", "pfizer"),
        ("Moderna", "moderna"),
        ("AstraZeneca", "astrazeneca"),
        ("Johnson & Johnson", "johnson-and-johnson"),
    ]


def test_shell_the_oil_company_but_not_shell_companies(gazetteer):
    result = run(
        gazetteer,
        "Shell announced record oil profits this quarter.",
        "Kleptocrats hide their money in Shell companies.",
        "Shell said nothing.",  # no oil word in the sentence: the context rule refuses it
    )
    assert counted(result) == [("Shell", "shell")]
    assert list(result.mentions["doc_id"]) == ["d0"]


def test_amazon_the_company_but_not_the_rainforest(gazetteer):
    result = run(
        gazetteer,
        "Amazon workers in Staten Island voted to form a union.",
        "We pledged $500 million to conserve the Amazon.",
        "Fires have raged across the Amazon and Siberia.",
    )
    assert counted(result) == [("Amazon", "amazon")]
    assert list(result.mentions["doc_id"]) == ["d0"]


def test_chevron_the_company_but_not_the_doctrine(gazetteer):
    result = run(
        gazetteer,
        "Chevron took control of its joint ventures in Venezuela.",
        "Agencies must repeal rules that relied on the Chevron doctrine.",
    )
    assert counted(result) == [("Chevron", "chevron"), ("Venezuela", "venezuela")]


def test_words_that_look_like_new_aliases_are_not_companies(gazetteer):
    result = run(
        gazetteer,
        "The Army-Navy game was played at M&T Bank Stadium.",  # not T-Bank (Tinkoff)
        "Ice on the roads closed schools.",  # not ICE: the acronym has no title-case form
        "Through CASC, young people in Guatemala get jobs.",  # the Service Corps, not CASC
    )
    entities = set(result.mentions["entity_id"])
    assert entities.isdisjoint({"tinkoff", "ice", "casc"})
    assert counted(result) == [("Guatemala", "guatemala")]


# --- bare names resolved by the document's home site ------------------------------------------


def test_bare_federal_services_on_the_kremlin_site_are_russias(gazetteer):
    result = run(
        gazetteer,
        "We have worked with the Federal Security Service, the Prosecutor's Office, "
        "the Taxation Service and the Customs Service.",
        url=KREMLIN,
    )
    assert counted(result) == [
        ("Federal Security Service", "fsb"),
        ("Prosecutor's Office", "russian-prosecutor-general"),
        ("Taxation Service", "russian-federal-tax-service"),
        ("Customs Service", "russian-federal-customs-service"),
    ]


def test_the_same_bare_names_on_the_ukrainian_site_are_ukraines(gazetteer):
    result = run(
        gazetteer,
        "The Customs Service, the Security Service and the Prosecutor General's Office "
        "reported to the President.",
        url=UKRAINE,
    )
    assert counted(result) == [
        ("Customs Service", "state-customs-service-of-ukraine"),
        ("Security Service", "sbu"),
        ("Prosecutor General's Office", "prosecutor-general-of-ukraine"),
    ]


def test_a_bare_name_with_no_state_pointed_to_is_not_counted(gazetteer):
    result = run(gazetteer, "The Customs Service raised its fees.")
    assert counted(result) == []
    reasons = list(result.excluded["excluded_by"])
    assert any("owner unknown" in reason for reason in reasons), reasons


def test_a_qualified_prosecutors_office_is_not_the_national_one(gazetteer):
    result = run(gazetteer, "The Kharkiv Regional Prosecutor's Office opened a case.", url=UKRAINE)
    assert counted(result) == []


def test_customs_service_is_shared_by_exactly_russias_and_ukraines(gazetteer):
    entities = gazetteer.entities
    bearers = sorted(
        entities.loc[[("Customs Service" in (s or ())) for s in entities["shared"]], "id"]
    )
    assert bearers == ["russian-federal-customs-service", "state-customs-service-of-ukraine"]


# --- US agencies below the departments --------------------------------------------------------


def test_us_agencies_named_in_full_and_by_acronym(gazetteer):
    result = run(
        gazetteer,
        "The Defense Nuclear Facilities Safety Board, the USPTO, FEMA and ICE briefed USAID.",
    )
    assert counted(result) == [
        ("Defense Nuclear Facilities Safety Board", "dnfsb"),
        ("USPTO", "uspto"),
        ("FEMA", "fema"),
        ("ICE", "ice"),
        ("USAID", "usaid"),
    ]
    assert gazetteer.entity("fema")["parent"] == "us-homeland-security-department"


def test_the_financial_stability_board_is_not_the_fsb(gazetteer):
    result = run(
        gazetteer,
        "We welcome the FSB's report on stablecoin arrangements to the G20.",
        "The FSB detained an American citizen in Moscow.",
    )
    assert counted(result) == [("G20", "g20"), ("FSB", "fsb")]
    assert list(result.mentions["doc_id"]) == ["d0", "d1"]
