"""Phrases that are more, or less, than the alias found in them: "[country] military [noun]"
(an adjective), a state's possessive with its forces ("Ukraine's forces": two mentions), two
names under one plural head ("Donetsk and Luhansk regions": two mentions), a surname beside an
ampersand (a firm), a speaker's label after a section break of asterisks, a class noun before
the quoted system it introduces, names inside the long name of a document or of a holiday, and
class nouns used as verbs ("it bombs us").

Every expectation is read by hand from the sentences and the small gazetteer written here.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.gazetteer import load_gazetteer
from analysis.mentions import extract

GAZETTEER = """
entities:
  - {id: united-states, name: United States, kind: actor, category: state,
     aliases: [United States, US, America]}
  - {id: ukraine, name: Ukraine, kind: actor, category: state, aliases: [Ukraine]}
  - {id: russia, name: Russia, kind: actor, category: state, aliases: [Russia]}
  - {id: us-armed-forces, name: US armed forces, kind: actor, category: armed-forces,
     parent: united-states, aliases: [US military, United States military], shared: [Armed Forces]}
  - {id: us-navy, name: US Navy, kind: actor, category: armed-forces, parent: united-states,
     aliases: [US Navy]}
  - {id: armed-forces-of-ukraine, name: Armed Forces of Ukraine, kind: actor,
     category: armed-forces, parent: ukraine, case: insensitive,
     aliases: [Ukrainian forces, Ukrainian military], shared: [Armed Forces]}
  - {id: russian-armed-forces, name: Russian armed forces, kind: actor, category: armed-forces,
     parent: russia, case: insensitive, aliases: [Russian military, Russian troops]}
  - {id: donbas, name: Donbas, kind: actor, category: region, parent: ukraine,
     case: insensitive, aliases: [Donbas, Donetsk and Luhansk regions]}
  - {id: donetsk-oblast, name: Donetsk Oblast, kind: actor, category: region, parent: ukraine,
     case: insensitive, aliases: [Donetsk region]}
  - {id: luhansk-oblast, name: Luhansk Oblast, kind: actor, category: region, parent: ukraine,
     case: insensitive, aliases: [Luhansk region]}
  - {id: boris-johnson, name: Boris Johnson, kind: actor, category: person,
     aliases: [Boris Johnson]}
  - {id: vladimir-putin, name: Vladimir Putin, kind: actor, category: person,
     aliases: [Vladimir Putin, Putin]}
  - {id: sergei-shoigu, name: Sergei Shoigu, kind: actor, category: person,
     aliases: [Sergei Shoigu]}
  - {id: aircraft, name: Military aircraft, kind: weapon, category: aircraft,
     aliases: [aircraft]}
  - {id: air-defence, name: Air defence, kind: weapon, category: generic,
     aliases: [anti-aircraft missile, air defense system]}
  - {id: pantsir, name: Pantsir, kind: weapon, category: air-defence system, parent: air-defence,
     aliases: [Pantsir-S1, Pantsir]}
  - {id: submarine, name: Submarines, kind: weapon, category: naval, aliases: [submarine]}
  - {id: borei, name: Borei, kind: weapon, category: naval, parent: submarine,
     aliases: [Knyaz Oleg]}
  - {id: weapons, name: Weapons (generic), kind: weapon, category: generic, aliases: [weapons]}
  - {id: bomb, name: Bombs, kind: weapon, category: munitions, aliases: [bomb]}
  - {id: armour, name: Armour, kind: weapon, category: armour, aliases: [tank]}
  - {id: s-500, name: S-500, kind: weapon, category: air-defence system, parent: air-defence,
     aliases: [S-500]}
  - {id: missile-defence, name: Missile defence, kind: weapon, category: generic,
     aliases: [missile defence system]}
  - {id: usaid, name: USAID, kind: actor, category: government-body, parent: united-states,
     aliases: [U.S. Agency for International Development, USAID]}
  - {id: europe, name: Europe, kind: actor, category: region, aliases: [Europe]}
  - {id: united-nations, name: United Nations, kind: actor, category: organisation,
     aliases: [United Nations, UN]}
  - {id: un-security-council, name: UN Security Council, kind: actor, category: organisation,
     parent: united-nations, aliases: [UN Security Council], shared: [Security Council]}
  - {id: russian-security-council, name: Security Council of Russia, kind: actor,
     category: government-body, parent: russia, aliases: [Russian Security Council],
     shared: [Security Council]}
"""


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    path = tmp_path_factory.mktemp("phrases") / "phrases.yml"
    path.write_text(textwrap.dedent(GAZETTEER), encoding="utf-8")
    return load_gazetteer(path)


def run(gazetteer, *texts: str):
    frame = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(texts))],
            "date": pd.to_datetime(["2025-07-01"] * len(texts)),
            "title": [""] * len(texts),
            "text": list(texts),
        }
    )
    return extract(frame, gazetteer)


def found(result, doc="d0"):
    m = result.mentions[result.mentions["doc_id"] == doc]
    return list(zip(m["surface"], m["entity_id"], strict=True))


def refused(result, doc="d0"):
    x = result.excluded[result.excluded["doc_id"] == doc]
    return list(zip(x["surface"], x["excluded_by"], strict=True))


def test_military_before_a_noun_is_an_adjective(gazetteer):
    text = (
        "Russian military bloggers were angry. The Russian military retreated. "
        "US military aid grew. The US military has bases. US military personnel left. "
        "Russian military-industrial output rose. The Russian military and police left."
    )
    result = run(gazetteer, text)
    assert found(result) == [
        ("Russian military", "russian-armed-forces"),  # "retreated": a verb
        ("US", "united-states"),  # "US military aid": the state, not its forces
        ("US military", "us-armed-forces"),  # "has"
        ("US", "united-states"),  # "US military personnel": the state
        ("Russian military", "russian-armed-forces"),  # "and"
    ]
    assert refused(result) == [
        ("Russian military", "adjective: 'Russian military' before 'bloggers'"),
        ("Russian military", "adjective: 'Russian military' before '-'"),
    ]
    # The state keeps its own span and offsets.
    row = result.mentions.iloc[1]
    assert text[row["start"] : row["end"]] == "US"


def test_military_then_a_line_break_and_a_noun(gazetteer):
    result = run(gazetteer, "support the operation of United States military\naircraft.")
    assert found(result) == [("United States", "united-states"), ("aircraft", "aircraft")]


def test_a_states_possessive_with_its_forces_is_two_mentions(gazetteer):
    text = (
        "Ukraine's forces held. Russia’s troops advanced. America's military — the strongest. "
        "Russia's military buildup worried Ukraine's own army. Ukraine's Armed Forces rested. "
        "Russia's armed\nforces, across a line break."
    )
    result = run(gazetteer, text)
    mentions = result.mentions
    assert found(result) == [
        ("Ukraine", "ukraine"),
        ("forces", "armed-forces-of-ukraine"),
        ("Russia", "russia"),
        ("troops", "russian-armed-forces"),
        ("America", "united-states"),
        ("military", "us-armed-forces"),
        ("Russia", "russia"),  # "military buildup": an adjective, no forces
        ("Ukraine", "ukraine"),
        ("army", "armed-forces-of-ukraine"),
        ("Ukraine", "ukraine"),
        ("Armed Forces", "armed-forces-of-ukraine"),  # the shared name, counted once
        ("Russia", "russia"),
        ("armed\nforces", "russian-armed-forces"),
    ]
    # Offsets round-trip and the frame stays in document order.
    assert all(text[s:e] == w for s, e, w in zip(mentions["start"], mentions["end"],
                                                 mentions["surface"], strict=True))  # fmt: skip
    assert mentions["start"].is_monotonic_increasing
    assert set(mentions.loc[mentions["surface"] == "forces", "match"]) == {"variant"}


def test_a_state_with_two_armed_forces_gets_the_one_named_armed_forces(gazetteer):
    # The United States has two armed-forces bodies here: the one sharing "Armed Forces".
    result = run(gazetteer, "The US's forces and the Navy.")
    assert found(result) == [("US", "united-states"), ("forces", "us-armed-forces")]


def test_two_names_under_one_plural_head(gazetteer):
    text = "The occupied districts of the Donetsk and Luhansk regions. Donbas suffered."
    result = run(gazetteer, text)
    assert found(result) == [
        ("Donetsk", "donetsk-oblast"),
        ("Luhansk regions", "luhansk-oblast"),
        ("Donbas", "donbas"),
    ]
    starts = result.mentions["start"].tolist()
    assert text[starts[0] :].startswith("Donetsk and") and text[starts[1] :].startswith("Luhansk")


def test_a_surname_beside_an_ampersand_is_a_firm(gazetteer):
    result = run(gazetteer, "Boris Johnson spoke. Unilever, Johnson & Johnson. Later Johnson left.")
    assert found(result) == [("Boris Johnson", "boris-johnson"), ("Johnson", "boris-johnson")]
    assert [reason for _, reason in refused(result)] == ["surname: part of another name"] * 2


def test_a_speakers_label_after_asterisks(gazetteer):
    text = (
        "The objectives were carried out in full.*** President Vladimir Putin: Comrade "
        "officers, congratulations.\nSergei Shoigu: Thank you. Putin visited Russia."
    )
    result = run(gazetteer, text)
    assert found(result) == [("Putin", "vladimir-putin"), ("Russia", "russia")]
    assert refused(result) == [
        ("Vladimir Putin", "speaker label"),
        ("Sergei Shoigu", "speaker label"),
    ]


def test_a_class_noun_before_the_quoted_system_it_introduces(gazetteer):
    text = (
        'Exhibits: a self-propelled anti-aircraft missile and cannon complex "Pantsir-S1". '
        "Each anti-aircraft missile, Pantsir and others."
    )
    result = run(gazetteer, text)
    assert found(result) == [
        ("Pantsir-S1", "pantsir"),
        ("anti-aircraft missile", "air-defence"),  # a list: two things
        ("Pantsir", "pantsir"),
    ]
    assert refused(result) == [("anti-aircraft missile", "class noun of Pantsir")]


def test_names_inside_the_long_name_of_a_document(gazetteer):
    text = (
        "My Safer America Plan calls for it. She chairs a committee of the US Navy Submarine "
        "Arctic Science Program. America and the US Navy agreed."
    )
    result = run(gazetteer, text)
    assert found(result) == [("America", "united-states"), ("US Navy", "us-navy")]
    assert [reason for _, reason in refused(result)] == [
        "inside the name of a document or an event"
    ] * 3


def test_a_label_after_asterisks_opens_a_one_turn_transcript(gazetteer):
    texts = (
        "The launch went well.*** President Vladimir Putin: Comrade officers, well done.",
        "Relations between Russia and the United States.*** Beginning of talks with President "
        "of Mongolia Ukhnaagiin Khurelsukh President of Russia Vladimir Putin: Mr President.",
        # One label without the asterisks is not a transcript: the name counts.
        "The launch went well. Vladimir Putin: a profile of the man.",
    )
    result = run(gazetteer, *texts)
    assert found(result, "d0") == []
    assert refused(result, "d0") == [("Vladimir Putin", "speaker label")]
    assert found(result, "d1") == [("Russia", "russia"), ("United States", "united-states")]
    assert refused(result, "d1") == [
        ("Russia", "speaker label"),
        ("Vladimir Putin", "speaker label"),
    ]
    assert found(result, "d2") == [("Vladimir Putin", "vladimir-putin")]


def test_a_class_then_the_bare_word_weapons_is_the_class(gazetteer):
    result = run(
        gazetteer, "We need anti-aircraft missile weapons and weapons, not anti-aircraft missile."
    )
    assert found(result) == [
        ("anti-aircraft missile weapons", "air-defence"),
        ("weapons", "weapons"),  # "and": another thing
        ("anti-aircraft missile", "air-defence"),
    ]


def test_a_shared_name_an_international_body_bears(gazetteer):
    texts = (
        "Russia's Security Council met.",  # the possessive: Russia's
        "The permanent members of the Security Council met in Russia and Russia.",  # the UN's
        "The Security Council resolution passed. Russia and Russia voted.",  # the UN's
        # The state named most does not decide a name an international body bears.
        "The Security Council met in Russia and Russia.",
        "The Security Council met.",  # no state pointed to: the UN's
        "The Russian Security Council met. Later the Security Council spoke.",  # named in full
    )
    result = run(gazetteer, *texts)
    council = result.mentions[result.mentions["surface"] == "Security Council"]
    assert council["entity_id"].tolist() == [
        "russian-security-council",
        "un-security-council",
        "un-security-council",
        "un-security-council",
        "un-security-council",
        "russian-security-council",
    ]


def test_two_international_bearers_of_one_shared_name_are_refused(tmp_path):
    path = tmp_path / "two.yml"
    path.write_text(
        textwrap.dedent(
            """
            entities:
              - {id: un-council, name: UN Council, kind: actor, category: organisation,
                 aliases: [UN Council], shared: [Council]}
              - {id: eu-council, name: EU Council, kind: actor, category: organisation,
                 aliases: [EU Council], shared: [Council]}
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        InputError, match="two bearers without a state: 'un-council' and 'eu-council'"
    ):
        load_gazetteer(path)


def test_words_inside_a_web_address(gazetteer):
    text = (
        "Hezbollah [killed](https://www.example.com/world/russia-aircraft-attack-1/) a man "
        "in an aircraft attack. See www.example.org/Russia and x.com/ukraine/aircraft. "
        "Russia-Ukraine talks on aircraft."
    )
    result = run(gazetteer, text)
    assert found(result) == [
        ("aircraft", "aircraft"),  # "in an aircraft attack"
        ("Russia", "russia"),  # "Russia-Ukraine": a hyphen, not an address
        ("Ukraine", "ukraine"),
        ("aircraft", "aircraft"),
    ]
    assert refused(result) == [
        ("aircraft", "inside a web address"),
        ("Russia", "inside a web address"),
        ("aircraft", "inside a web address"),
    ]


def test_class_nouns_used_as_verbs(gazetteer):
    text = (
        "Russia bombs us, and it bombs our cities with a bomb. They will bomb the bridge; "
        "to tank the economy. The tank advanced, and the bombs fell."
    )
    result = run(gazetteer, text)
    assert found(result) == [
        ("Russia", "russia"),
        ("bomb", "bomb"),  # "with a bomb"
        ("tank", "armour"),  # "The tank advanced"
        ("bombs", "bomb"),  # "the bombs fell"
    ]
    assert refused(result) == [
        ("bombs", "a verb, not a weapon"),  # before "us"
        ("bombs", "a verb, not a weapon"),  # after "it"
        ("bomb", "a verb, not a weapon"),  # after "will"
        ("tank", "a verb, not a weapon"),  # after "to"
    ]


def test_names_inside_the_name_of_a_holiday(gazetteer):
    text = (
        "On Europe Day Russia attacked. Biden Meets Ukraine Leaders On Independence Day. "
        "America Recycles Day. Russia Day 100 of the war."
    )
    result = run(gazetteer, text)
    assert found(result) == [
        ("Russia", "russia"),
        ("Ukraine", "ukraine"),  # three capitalised words before "Day": a headline's words
        ("Russia", "russia"),  # "Day 100": a count of days, not a holiday
    ]
    assert refused(result) == [
        ("Europe", "inside the name of a document or an event"),
        ("America", "inside the name of a document or an event"),
    ]


def test_possessive_full_name_and_its_abbreviation_and_a_coordinated_class(gazetteer):
    text = (
        "The U.S. Agency for International Development’s (USAID) head spoke. "
        "Troops receive S-500 air and missile defence systems."
    )
    result = run(gazetteer, text)
    assert found(result) == [
        ("U.S. Agency for International Development", "usaid"),
        ("S-500 air and missile defence systems", "s-500"),
    ]
    assert refused(result) == [
        ("USAID", "abbreviation in brackets of the mention before it"),
        ("missile defence systems", "class noun of S-500"),
    ]


def test_a_sense_switch_makes_mines_at_sea_naval_mines(tmp_path):
    path = tmp_path / "mines.yml"
    path.write_text(
        textwrap.dedent(
            """
            entities:
              - {id: landmine, name: Landmines, kind: weapon, category: munitions,
                 aliases: [mines],
                 context: [{aliases: [mines], require: [sea, ports], becomes: naval-mine}]}
              - {id: naval-mine, name: Naval mines, kind: weapon, category: munitions,
                 aliases: [naval mine]}
            """
        ),
        encoding="utf-8",
    )
    result = run(load_gazetteer(path), "Mines block the ports. Sappers cleared mines in a field.")
    assert found(result) == [("Mines", "naval-mine"), ("mines", "landmine")]
    assert refused(result) == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{aliases: [mines], veto: [sea], becomes: naval-mine}", "'becomes' goes with 'require'"),
        ("{aliases: [mines], require: [sea], becomes: nowhere}", "'becomes' 'nowhere', which is"),
    ],
)
def test_a_sense_switch_is_validated(tmp_path, rule, message):
    path = tmp_path / "bad.yml"
    path.write_text(
        "entities:\n"
        "  - {id: landmine, name: Landmines, kind: weapon, category: munitions,\n"
        f"     aliases: [mines], context: [{rule}]}}\n"
        "  - {id: naval-mine, name: Naval mines, kind: weapon, category: munitions,\n"
        "     aliases: [naval mine]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=message):
        load_gazetteer(path)


def test_a_release_opening_with_its_speakers_label(gazetteer):
    body = " We discussed Ukraine at length today." * 12  # a text, not a headline
    result = run(
        gazetteer,
        "President of Russia Vladimir Putin: Friends, Russia thanks you." + body,
        "Vladimir Putin: Russia will answer",  # a headline's quote: a mention
        "To the Congress of the United States: I report on Russia." + body,
        "It went well. (Applause.) Vladimir Putin: Thank you. Sergei Shoigu: Yes." + body,
    )
    assert refused(result) == [
        ("Russia", "speaker label"),  # the label names who speaks, not who is talked about
        ("Vladimir Putin", "speaker label"),
    ]
    assert found(result)[:2] == [("Russia", "russia"), ("Ukraine", "ukraine")]
    assert found(result, "d1") == [("Vladimir Putin", "vladimir-putin"), ("Russia", "russia")]
    assert ("United States", "united-states") in found(result, "d2")  # an address, not a label
    assert refused(result, "d3") == [  # two turns: a transcript; a turn after "(Applause.)"
        ("Vladimir Putin", "speaker label"),
        ("Sergei Shoigu", "speaker label"),
    ]


def test_a_name_with_its_gloss_in_square_brackets_is_one_mention(gazetteer):
    result = run(
        gazetteer,
        "Staff of USAID[U.S. Agency for International Development] left. "
        "USAID [see below] and USAID (U.S. Agency for International Development].",
    )
    assert found(result) == [
        ("USAID", "usaid"),
        ("USAID", "usaid"),  # "[see below]": no name inside
        ("USAID", "usaid"),  # a bracket opened with "(" closes with ")", not "]"
        ("U.S. Agency for International Development", "usaid"),
    ]
    assert refused(result) == [
        (
            "U.S. Agency for International Development",
            "abbreviation in brackets of the mention before it",
        ),
    ]


def test_a_class_noun_right_before_a_systems_name_is_one_mention(gazetteer):
    result = run(gazetteer, "Flags rose on the submarine Knyaz Oleg. A submarine sailed, "
                            "and the submarine knyaz oleg too.")  # fmt: skip
    assert found(result) == [
        ("Knyaz Oleg", "borei"),
        ("submarine", "submarine"),  # alone
        ("submarine", "submarine"),  # before a word in lower case: not a name
    ]
    assert refused(result) == [("submarine", "class noun of Borei")]
