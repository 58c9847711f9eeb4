"""Shared names ("Navy", "Senate", "the Defence Ministry"): which state's body a bare name is.

Every expectation is read by hand from the sentences and the small gazetteer written here.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.gazetteer import load_gazetteer
from analysis.mentions import extract
from analysis.senses import home_state

GAZETTEER = """
entities:
  - {id: united-states, name: United States, kind: actor, category: state,
     aliases: [United States, U.S.], domains: [gov, mil]}
  - {id: russia, name: Russia, kind: actor, category: state, aliases: [Russia], domains: [ru]}
  - {id: poland, name: Poland, kind: actor, category: state, aliases: [Poland], domains: [pl]}
  - {id: lithuania, name: Lithuania, kind: actor, category: state, aliases: [Lithuania]}
  - {id: us-armed-forces, name: US armed forces, kind: actor, category: armed-forces,
     parent: united-states, aliases: [US military]}
  - {id: us-navy, name: US Navy, kind: actor, category: armed-forces, parent: us-armed-forces,
     aliases: [U.S. Navy], shared: [Navy]}
  - {id: russian-navy, name: Russian Navy, kind: actor, category: armed-forces, parent: russia,
     aliases: [Russian Navy], case: insensitive, shared: [Navy]}
  - {id: us-senate, name: US Senate, kind: actor, category: government-body,
     parent: united-states, aliases: [Senate of the United States], shared: [Senate]}
  - {id: polish-senate, name: Polish Senate, kind: actor, category: government-body,
     parent: poland, aliases: [Polish Senate], shared: [Senate]}
"""


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    path = tmp_path_factory.mktemp("owners") / "owners.yml"
    path.write_text(textwrap.dedent(GAZETTEER), encoding="utf-8")
    return load_gazetteer(path)


def run(gazetteer, *docs: tuple[str, str]):
    frame = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(docs))],
            "date": pd.to_datetime(["2025-07-01"] * len(docs)),
            "title": [""] * len(docs),
            "text": [text for _, text in docs],
            "url": [url for url, _ in docs],
        }
    )
    return extract(frame, gazetteer)


def found(result, doc="d0"):
    m = result.mentions[result.mentions["doc_id"] == doc]
    return list(zip(m["surface"], m["entity_id"], strict=True))


def refused(result, doc="d0"):
    x = result.excluded[result.excluded["doc_id"] == doc]
    return list(zip(x["surface"], x["excluded_by"], strict=True))


def test_home_state_from_the_web_domain():
    domains = {"gov": 0, "ru": 1, "ua": 2}
    assert home_state("http://en.kremlin.ru/events/president/news/66988", domains) == 1
    assert home_state("https://www.whitehouse.gov/briefing-room/", domains) == 0
    assert home_state("https://www.president.gov.ua/en/news/x", domains) == 2
    assert home_state("https://apnews.com/article/x", domains) == -1
    assert home_state("", domains) == home_state(None, domains) == -1
    assert home_state("localhost/file.html", domains) == -1


def test_the_home_state_owns_bare_names(gazetteer):
    result = run(
        gazetteer,
        ("http://en.kremlin.ru/news/1", "Putin thanked the Navy. The US military watched."),
        ("https://www.whitehouse.gov/x", "The Senate voted and the Navy sailed."),
    )
    assert found(result, "d0") == [("Navy", "russian-navy"), ("US military", "us-armed-forces")]
    assert found(result, "d1") == [("Senate", "us-senate"), ("Navy", "us-navy")]


def test_the_body_named_in_full_before_owns_the_bare_name(gazetteer):
    result = run(
        gazetteer,
        ("", "The Polish Senate met. The Senate voted; the Senate of the United States did not."),
        ("", "The Senate voted. Then the Polish Senate did."),  # the first after
    )
    assert found(result, "d0") == [
        ("Polish Senate", "polish-senate"),
        ("Senate", "polish-senate"),
        ("Senate of the United States", "us-senate"),
    ]
    assert found(result, "d1") == [("Senate", "polish-senate"), ("Polish Senate", "polish-senate")]


def test_the_words_around_the_name_decide_first(gazetteer):
    result = run(
        gazetteer,
        ("https://www.whitehouse.gov/x", "Russia's Navy and Poland's Senate. The Royal Navy too."),
        ("", "Lithuania's Navy sailed. The Senate of Lithuania met. The Russian navy left."),
    )
    # On a .gov page the possessive still wins; "Royal" qualifies a navy not in the gazetteer.
    assert found(result, "d0") == [
        ("Russia", "russia"),
        ("Navy", "russian-navy"),
        ("Poland", "poland"),
        ("Senate", "polish-senate"),
    ]
    royal = "owner unknown: Navy of 'Royal', not in the gazetteer"
    assert refused(result, "d0") == [("Navy", royal)]
    assert found(result, "d1") == [
        ("Lithuania", "lithuania"),
        ("Lithuania", "lithuania"),
        ("Russian navy", "russian-navy"),
    ]
    assert [reason for _, reason in refused(result, "d1")] == [
        "owner unknown: Navy of 'Lithuania', not in the gazetteer",
        "owner unknown: Senate of 'Lithuania', not in the gazetteer",
    ]


def test_the_most_named_state_else_not_counted(gazetteer):
    result = run(
        gazetteer,
        ("", "Russia, Russia and the United States: the Navy left."),
        ("", "The Senate voted. Nothing else is named."),
        ("", "Russia and the United States met; the Senate voted."),  # a tie
    )
    assert found(result, "d0")[-1] == ("Navy", "russian-navy")
    assert found(result, "d1") == []
    assert refused(result, "d1") == [("Senate", "owner unknown: no state named for 'Senate'")]
    assert refused(result, "d2") == [("Senate", "owner unknown: no state named for 'Senate'")]


def test_a_state_after_the_people_of_qualifies_the_name(gazetteer):
    result = run(
        gazetteer,
        ("http://kremlin.ru/x", "He addressed the Navy and the people of Lithuania. The Navy of "
         "this country sailed. He thanked the Navy and the people of Russia."),
    )  # fmt: skip
    assert found(result) == [("Lithuania", "lithuania"), ("Navy", "russian-navy"),
                             ("Russia", "russia")]  # fmt: skip
    assert [reason for _, reason in refused(result)] == [
        "owner unknown: Navy of 'Lithuania', not in the gazetteer",
        "owner unknown: Navy of 'this country', not in the gazetteer",
    ]


def test_shared_names_are_capitalised_whatever_the_entity_case(gazetteer):
    # russian-navy matches its own aliases in any case, but "navy" is not the shared "Navy".
    result = run(gazetteer, ("http://kremlin.ru/x", "The army and navy, the Navy and the NAVY."))
    assert found(result) == [("Navy", "russian-navy"), ("NAVY", "russian-navy")]


def test_counted_in_equals_counted_out_plus_refused(gazetteer):
    result = run(gazetteer, ("", "The Senate and the Navy. The Royal Navy. The Polish Senate."))
    assert len(result.mentions) == 2  # Senate (Polish, named in full after) and Polish Senate
    assert len(result.excluded) == 2  # Navy: no state named; Royal Navy


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{id: x, kind: actor, category: armed-forces, aliases: [X], shared: [Navy]}",
         "shared aliases need an owner"),
        ("{id: y, kind: actor, category: state, aliases: [Navy]}\n"
         "  - {id: z, kind: actor, category: armed-forces, parent: y, aliases: [Z],\n"
         "     shared: [Navy]}",
         "shared alias 'Navy' is also an alias of 'y'"),
    ],
)  # fmt: skip
def test_shared_aliases_are_validated(tmp_path, entry, message):
    path = tmp_path / "bad.yml"
    path.write_text(f"entities:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_gazetteer(path)
