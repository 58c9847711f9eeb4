"""Bare surnames after the full name ("Truss" after "Liz Truss"): who they are, and when not.

Every expectation is read by hand from the sentences and the small gazetteer written here.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from analysis.gazetteer import load_gazetteer, surname_of, surnames
from analysis.mentions import extract

GAZETTEER = """
entities:
  - {id: liz-truss, name: Liz Truss, kind: actor, category: person, aliases: [Liz Truss]}
  - {id: boris-johnson, name: Boris Johnson, kind: actor, category: person,
     aliases: [Boris Johnson]}
  - {id: mike-johnson, name: Mike Johnson, kind: actor, category: person,
     aliases: [Mike Johnson, Speaker Mike Johnson]}
  - {id: ursula-von-der-leyen, name: Ursula von der Leyen, kind: actor, category: person,
     aliases: [Ursula von der Leyen]}
  - {id: zelensky, name: Volodymyr Zelensky, kind: actor, category: person,
     transliterated: true, aliases: [Volodymyr Zelensky]}
  - {id: xi-jinping, name: Xi Jinping, kind: actor, category: person, aliases: [Xi Jinping]}
  - {id: jordan, name: Jordan, kind: actor, category: state, aliases: [Jordan]}
  - {id: jim-jordan, name: Jim Jordan, kind: actor, category: person, aliases: [Jim Jordan]}
"""


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    path = tmp_path_factory.mktemp("surnames") / "people.yml"
    path.write_text(textwrap.dedent(GAZETTEER), encoding="utf-8")
    return load_gazetteer(path)


def run(gazetteer, *texts: str, titles: tuple[str, ...] = ()):
    frame = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(texts))],
            "date": pd.to_datetime(["2025-07-01"] * len(texts)),
            "title": list(titles) or [""] * len(texts),
            "text": list(texts),
        }
    )
    return extract(frame, gazetteer)


def found(result, doc="d0"):
    m = result.mentions[result.mentions["doc_id"] == doc]
    return list(zip(m["surface"], m["entity_id"], m["match"], strict=True))


def refused(result, doc="d0"):
    x = result.excluded[result.excluded["doc_id"] == doc]
    return list(zip(x["surface"], x["excluded_by"], strict=True))


@pytest.mark.parametrize(
    ("name", "surname"),
    [
        ("Liz Truss", "Truss"),
        ("Ursula von der Leyen", "von der Leyen"),
        ("Marine Le Pen", "Le Pen"),
        ("Donald Trump Jr.", "Trump"),
        ("George S. Patton", "Patton"),
        ("Xi Jinping", ""),  # the family name comes first
        ("Lee Jae-myung", ""),
        ("Mohammed bin Salman", ""),  # a father's name, not a surname
        ("Pope Francis", ""),
        ("Madonna", ""),
    ],
)
def test_surname_of(name, surname):
    assert surname_of(name) == surname


def test_surnames_never_take_an_alias_and_list_every_bearer(gazetteer):
    table = surnames(gazetteer.entities)
    rows = gazetteer.entities["id"].tolist()
    assert {rows[r] for r in table["Johnson"]} == {"boris-johnson", "mike-johnson"}
    assert "Jordan" not in table  # the state's alias
    assert "Jinping" not in table and "Xi" not in table
    assert {rows[r] for r in table["von der Leyen"]} == {"ursula-von-der-leyen"}


def test_a_surname_counts_where_the_full_name_is_named(gazetteer):
    result = run(
        gazetteer,
        "Liz Truss resigned. Truss's allies said Truss had no choice.",
        "Truss bridges carry loads.",  # no Liz Truss in the document
        "Zelenskyy met Volodymyr Zelensky's team.",  # a transliterated surname
        "Liz Truss resigned today.",  # the headline's surname, the full name in the text
        titles=("", "", "", "Truss quits"),
    )
    assert found(result, "d0") == [
        ("Liz Truss", "liz-truss", "exact"),
        ("Truss", "liz-truss", "variant"),
        ("Truss", "liz-truss", "variant"),
    ]
    assert found(result, "d1") == []
    not_named = "surname: Liz Truss not named in full in the document"
    assert refused(result, "d1") == [("Truss", not_named)]
    assert found(result, "d2") == [
        ("Zelenskyy", "zelensky", "variant"),
        ("Volodymyr Zelensky", "zelensky", "exact"),
    ]
    m = result.mentions[result.mentions["doc_id"] == "d3"]
    assert list(zip(m["field"], m["surface"], m["entity_id"], strict=True)) == [
        ("title", "Truss", "liz-truss"),
        ("text", "Liz Truss", "liz-truss"),
    ]


def test_a_shared_surname_is_the_bearer_named_nearest_before(gazetteer):
    result = run(
        gazetteer,
        "Boris Johnson spoke. Johnson left. Then Speaker Mike Johnson arrived; Johnson sat.",
        "Johnson spoke first; Mike Johnson later.",  # none before: the first after
    )
    assert [(s, e) for s, e, _ in found(result, "d0")] == [
        ("Boris Johnson", "boris-johnson"),
        ("Johnson", "boris-johnson"),
        ("Speaker Mike Johnson", "mike-johnson"),
        ("Johnson", "mike-johnson"),
    ]
    assert [(s, e) for s, e, _ in found(result, "d1")] == [
        ("Johnson", "mike-johnson"),
        ("Mike Johnson", "mike-johnson"),
    ]


def test_a_surname_inside_another_name_or_in_capitals_is_not_counted(gazetteer):
    result = run(
        gazetteer,
        "Liz Truss met Andrea Truss and Truss Smith. Mr. Truss smiled. MS. TRUSS: Thank you.",
    )
    assert found(result) == [("Liz Truss", "liz-truss", "exact"), ("Truss", "liz-truss", "variant")]
    assert refused(result) == [
        ("Truss", "surname: part of another name"),
        ("Truss", "surname: part of another name"),
    ]
