"""Variants and senses: how a mention matched, generated forms, and the context rules.

Every expectation is counted by hand from the sentence and the gazetteer written here.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.gazetteer import load_gazetteer, title_case_form, transliteration_variants
from analysis.mentions import extract

GAZETTEER = """
entities:
  - id: zelensky
    name: Volodymyr Zelensky
    kind: actor
    category: person
    transliterated: true
    aliases: [Zelensky, Volodymyr Zelensky]
  - id: erdogan
    name: Recep Tayyip Erdoğan
    kind: actor
    category: person
    aliases: [Erdoğan]
  - id: nato
    name: NATO
    kind: actor
    category: alliance
    aliases: [NATO]
  - id: usaid
    name: USAID
    kind: actor
    category: government-body
    title_case: false
    aliases: [USAID]
  - id: icc
    name: International Criminal Court
    kind: actor
    category: organisation
    aliases: [International Criminal Court, ICC]
  - id: us-armed-forces
    name: US armed forces
    kind: actor
    category: armed-forces
    aliases: [US military, US troops]
    context:
      - aliases: [US military]
        veto: [aid, assistance, equipment]
        within: next
  - id: weapons
    name: Weapons (generic)
    kind: weapon
    category: generic
    aliases: [weapons, arms]
    context:
      - veto: [gun violence, firearm, shooting]
      - aliases: [weapons]
        veto: [assault]
        within: previous
  - id: missile
    name: Missiles
    kind: weapon
    category: generic
    aliases: [missile]
  - id: armour
    name: Armour
    kind: weapon
    category: armour
    aliases: [tank]
  - id: t-90
    name: T-90
    kind: weapon
    category: armour
    parent: armour
    aliases: [T-90, T-90M]
  - id: harm
    name: AGM-88 HARM
    kind: weapon
    category: cruise missile
    parent: missile
    aliases: [HARM]
    case: sensitive
  - id: patriot
    name: Patriot
    kind: weapon
    category: air-defence system
    parent: missile
    aliases: [Patriot, Patriot system]
    context:
      - aliases: [Patriot]
        require: [missile, battery, air defense, interceptor]
        within: document
"""


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    path = tmp_path_factory.mktemp("gazetteer") / "senses.yml"
    path.write_text(textwrap.dedent(GAZETTEER), encoding="utf-8")
    return load_gazetteer(path)


def run(gazetteer, *texts: str):
    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(texts))],
            "date": pd.to_datetime(["2025-07-01"] * len(texts)),
            "title": [""] * len(texts),
            "text": list(texts),
            "duplicate_of": [""] * len(texts),
        }
    )
    result = extract(docs, gazetteer)
    for row in result.mentions.itertuples(index=False):  # offsets always round-trip
        assert docs.set_index("doc_id").loc[row.doc_id, row.field][row.start : row.end] == (
            row.surface
        )
    return result


def pairs(result) -> list[tuple[str, str, str]]:
    m = result.mentions
    return list(zip(m["surface"], m["entity_id"], m["match"], strict=True))


def test_forms_as_written_are_exact_and_generated_ones_variants(gazetteer):
    result = run(gazetteer, "Zelensky met NATO; Zelenskyy, Zelenskiy and ZELENSKY, then Nato.")
    assert pairs(result) == [
        ("Zelensky", "zelensky", "exact"),
        ("NATO", "nato", "exact"),
        ("Zelenskyy", "zelensky", "variant"),
        ("Zelenskiy", "zelensky", "variant"),
        ("ZELENSKY", "zelensky", "variant"),
        ("Nato", "nato", "variant"),
    ]


def test_title_case_only_for_acronyms_that_allow_it(gazetteer):
    assert pairs(run(gazetteer, "Usaid and USAID.")) == [("USAID", "usaid", "exact")]
    assert title_case_form("NATO") == "Nato"
    assert title_case_form("US") is None  # two letters: "Us" is a word
    assert title_case_form("SWIFT") is None  # "Swift" is a name


def test_diacritics_and_cyrillic_look_alikes_fold_and_offsets_hold(gazetteer):
    # "Erdoğan" as written, "Erdogan" without the breve; "Т-90М" typed with Cyrillic Т and М.
    result = run(gazetteer, "Erdogan and Erdoğan’s aides saw a Т-90М and Zełenski.")
    assert pairs(result) == [
        ("Erdogan", "erdogan", "exact"),
        ("Erdoğan", "erdogan", "exact"),
        ("Т-90М", "t-90", "exact"),
        ("Zełenski", "zelensky", "variant"),
    ]


def test_a_system_with_its_class_noun_is_one_mention(gazetteer):
    result = run(gazetteer, "It sent T-90 tanks, HARM missiles and a tank.")
    assert pairs(result) == [
        ("T-90 tanks", "t-90", "exact"),
        ("HARM missiles", "harm", "exact"),
        ("tank", "armour", "exact"),
    ]
    reasons = result.excluded["excluded_by"].tolist()
    assert reasons == ["class noun of T-90", "class noun of AGM-88 HARM"]


def test_a_name_with_its_bracketed_abbreviation_is_one_mention(gazetteer):
    result = run(gazetteer, "The International Criminal Court (ICC) ruled; the ICC met.")
    assert pairs(result) == [
        ("International Criminal Court", "icc", "exact"),
        ("ICC", "icc", "exact"),
    ]
    assert result.excluded["excluded_by"].tolist() == [
        "abbreviation in brackets of the mention before it"
    ]


def test_require_within_the_document(gazetteer):
    with_context = run(gazetteer, "Patriot arrived.\n\nThe battery is ready.")
    assert pairs(with_context) == [("Patriot", "patriot", "exact")]
    without = run(gazetteer, "Patriot Day was marked.")
    assert without.mentions.empty
    assert without.excluded["excluded_by"].tolist() == [
        "context: no missile, battery, air defense, interceptor in its document"
    ]
    # An alias outside the rule needs no context.
    assert pairs(run(gazetteer, "The Patriot system works.")) == [
        ("Patriot system", "patriot", "exact")
    ]


def test_veto_within_the_sentence_next_and_previous(gazetteer):
    result = run(
        gazetteer,
        "They discussed gun violence and weapons. Ukraine needs weapons. "
        "A ban on assault weapons. US military aid grew; the US military moved.",
    )
    assert pairs(result) == [
        ("weapons", "weapons", "exact"),
        ("US military", "us-armed-forces", "exact"),
    ]
    assert result.mentions["start"].tolist()[1] == result.mentions.iloc[1]["start"]
    assert result.excluded["excluded_by"].tolist() == [
        "context: 'gun violence' in its sentence",
        "context: 'assault' in its previous",
        "context: 'aid' in its next",
    ]


def test_counted_in_equals_counted_out_plus_refused(gazetteer):
    text = "Patriot Day. Patriot missile. T-90 tanks. ICC (ICC). gun violence weapons."
    result = run(gazetteer, text)
    everything = run(gazetteer.__class__(gazetteer.entities.assign(context=[()] * len(gazetteer)),
                                         hash=""), text)  # fmt: skip
    # Every candidate the rules saw is either counted or listed with its reason.
    assert len(result.mentions) + len(result.excluded) == len(everything.mentions) + len(
        everything.excluded
    )


def test_context_rules_are_validated(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "entities:\n  - id: x\n    kind: weapon\n    aliases: [x]\n"
        "    context: [{aliases: [y], require: [z]}]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="context rule names 'y', which is not one of its"):
        load_gazetteer(bad)
    bad.write_text(
        "entities:\n  - id: x\n    kind: weapon\n    aliases: [x]\n"
        "    context: [{require: [z], within: paragraph}]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="'within' is 'paragraph'"):
        load_gazetteer(bad)
    bad.write_text("entities:\n  - id: x\n    knd: weapon\n    aliases: [x]\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown key 'knd'; did you mean 'kind'"):
        load_gazetteer(bad)


def test_speaker_labels_only_in_transcripts(gazetteer):
    transcript = "ZELENSKY: Thank you.\nNATO: We agree.\nQ  And weapons?"
    article = "NATO: allies meet in The Hague\n\nZelensky arrives."
    result = run(gazetteer, transcript, article)
    assert result.mentions[["doc_id", "surface"]].values.tolist() == [
        ["d0", "weapons"],
        ["d1", "NATO"],
        ["d1", "Zelensky"],
    ]
    assert result.excluded["excluded_by"].tolist() == ["speaker label", "speaker label"]


_SLAVIC = st.text(alphabet="abcdefghklmnoprstuvyz", min_size=3, max_size=8)


@settings(max_examples=60, deadline=None)
@given(stem=_SLAVIC, ending=st.sampled_from(["sky", "skyy", "skiy", "ski", "yi", "iy", "y"]))
def test_transliteration_variants_are_a_family(stem, ending):
    name = stem.capitalize() + ending
    variants = transliteration_variants(name)
    assert variants[0] == name
    assert len(set(variants)) == len(variants)
    # The family is closed: generating from any member gives the same set.
    for member in variants:
        assert set(transliteration_variants(member)) == set(variants)
    # Only the ending changes.
    assert all(v[: len(stem) - 1].lower() == name[: len(stem) - 1].lower() for v in variants)


@settings(max_examples=40, deadline=None)
@given(
    before=st.text(alphabet=" .,;\n\tabcxyzĞğłŁТМ’'", max_size=12),
    name=st.sampled_from(["Zelenskyy", "Zełenski", "ZELENSKIY", "Erdoğan", "Т-90М tanks"]),
    after=st.text(alphabet=" .,;\n\tabcxyzĞğłŁТМ’'", max_size=12),
)
def test_offsets_round_trip_through_every_variant(gazetteer, before, name, after):
    # run() asserts text[start:end] == surface for every mention found.
    run(gazetteer, f"{before} {name} {after}")


def test_boilerplate_is_found_listed_and_not_counted(tmp_path, gazetteer):
    from analysis.api import find_mentions, load_corpus
    from analysis.corpus import boilerplate

    plug = "Subscribe to our NATO newsletter for the latest news from the alliance every day."
    for number in range(boilerplate.MIN_DOCUMENTS):
        body = f"Article {number}: NATO met on day {number}.\n\n{plug}\n\nThe end of {number}."
        (tmp_path / f"a{number:02d}.txt").write_text(f"Title {number}\n\n{body}", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Other\n\nNATO again, once, without the plug.", "utf-8")
    # Ten articles sharing most of their words: near-duplicate candidates that a full
    # signature then rejects (this used to crash the near-duplicate check).
    documents = load_corpus(tmp_path)
    listed = documents.attrs["boilerplate"]
    assert listed == [{"source": "", "text": plug, "documents": boilerplate.MIN_DOCUMENTS}]
    assert len(documents.attrs["boilerplate_spans"]) == boilerplate.MIN_DOCUMENTS
    counted = find_mentions(documents, gazetteer)
    everything = find_mentions(documents, gazetteer, include_boilerplate=True)
    # Each article: NATO in its first paragraph (counted) and in the plug (not counted).
    assert len(counted) == boilerplate.MIN_DOCUMENTS + 1
    assert len(everything) == 2 * boilerplate.MIN_DOCUMENTS + 1
    result = extract(documents, gazetteer)
    assert (result.excluded["excluded_by"] == "boilerplate").sum() == boilerplate.MIN_DOCUMENTS


def test_no_boilerplate_below_the_threshold(tmp_path):
    from analysis.api import load_corpus

    for number in range(3):
        (tmp_path / f"a{number}.txt").write_text(
            f"T{number}\n\nThe same long paragraph about NATO and its members, word for word.",
            encoding="utf-8",
        )
    documents = load_corpus(tmp_path, near_duplicates=False)
    assert documents.attrs["boilerplate"] == []


def test_names_inside_names_are_not_counted():
    gazetteer = load_gazetteer()  # the shipped one: states, the UN and the US bodies
    result = run(
        gazetteer,
        "The UN Charter binds the United States Department of the Treasury and the Russia "
        "government. The Ministry of Tourism of Ukraine met the United States and Russia.",
    )
    counted = set(zip(result.mentions["surface"], result.mentions["entity_id"], strict=True))
    assert ("United States", "united-states") in counted  # before "and": the state itself
    assert ("Russia", "russia") in counted
    refused = result.excluded.loc[result.excluded["excluded_by"].str.startswith("inside")]
    assert refused["surface"].tolist() == ["UN", "United States", "Russia", "Ukraine"]
    assert refused["excluded_by"].tolist() == [
        "inside the name of a document or an event",
        "inside the name of an institution",
        "inside the name of an institution",
        "inside the name of an institution",
    ]


def test_weapon_words_opening_the_name_of_a_unit_job_or_body_are_not_counted():
    gazetteer = load_gazetteer()  # the shipped one
    result = run(
        gazetteer,
        "He served as a Submarine Officer and led the 1st Guided Missile Brigade; the Strategic "
        "Missile Forces and the Missile Defense Agency met. Two submarines and a Guided Missile "
        "sailed.",
    )
    counted = list(zip(result.mentions["surface"], result.mentions["entity_id"], strict=True))
    assert ("submarines", "submarine") in counted
    assert ("Guided Missile", "missile") in counted  # before "sailed": a weapon
    refused = result.excluded.loc[
        result.excluded["excluded_by"] == "inside the name of a unit, body, job or award"
    ]
    assert refused["surface"].tolist() == ["Submarine", "Guided Missile"]
    # "Strategic Missile Forces" and the Missile Defense Agency are actors of their own.
    assert counted[0] == ("Strategic Missile Forces", "strategic-rocket-forces")
    assert counted[1] == ("Missile Defense Agency", "missile-defense-agency")
    assert len(counted) == 4


def test_flattened_transcripts_lose_their_labels_too(gazetteer):
    flat = "It went well. Zelensky: Thank you. NATO: We agree. Zelensky met NATO."
    result = run(gazetteer, flat)
    assert pairs(result) == [("Zelensky", "zelensky", "exact"), ("NATO", "nato", "exact")]
    assert result.excluded["excluded_by"].tolist() == ["speaker label", "speaker label"]


def test_labels_glued_to_a_headline_in_a_transcript(gazetteer):
    glued = (
        "Talks went well. Zelensky: Thank you. NATO: We agree.*** Meeting with the Secretary "
        "General Of NATO President of Ukraine Volodymyr Zelensky: Welcome. We discussed NATO: "
        "its members."
    )
    result = run(gazetteer, glued)
    # The run "General Of NATO President of Ukraine Volodymyr Zelensky" is too long for one
    # label: its last five words are the label; NATO before them and after "discussed" count.
    assert pairs(result) == [("NATO", "nato", "exact"), ("NATO", "nato", "exact")]
    assert result.excluded["surface"].tolist() == ["Zelensky", "NATO", "Volodymyr Zelensky"]
    assert set(result.excluded["excluded_by"]) == {"speaker label"}
    # Not a transcript (one label at most): a glued-looking run is a mention.
    alone = run(gazetteer, "Meeting Foreign Ministers President of Ukraine Volodymyr Zelensky: ok.")
    assert pairs(alone) == [("Volodymyr Zelensky", "zelensky", "exact")]


def test_a_quoted_system_with_its_class_noun_is_one_mention():
    gazetteer = load_gazetteer()  # the shipped one
    result = run(gazetteer, 'They used "Corsair" modern anti-tank guided missiles and "Tornado-S" '
                            "rocket systems, then anti-tank guided missiles alone.")  # fmt: skip
    counted = list(zip(result.mentions["surface"], result.mentions["entity_id"], strict=True))
    assert counted == [
        ('Corsair" modern anti-tank guided missiles', "corsar"),
        ('Tornado-S" rocket systems', "tornado-s"),
        ("anti-tank guided missiles", "anti-tank-missile"),
    ]
    assert result.excluded["excluded_by"].str.startswith("class noun of").sum() == 2


def test_a_veto_phrase_broken_over_two_lines_still_vetoes():
    gazetteer = load_gazetteer()  # the shipped one: civilian drones are vetoed by "FAA" words
    result = run(gazetteer, "The Federal Aviation\nAdministration let the utility fly drones. "
                            "Russia launched drones.")  # fmt: skip
    counted = list(zip(result.mentions["surface"], result.mentions["entity_id"], strict=True))
    assert ("drones", "drone") in counted and len([c for c in counted if c[1] == "drone"]) == 1
    vetoed = result.excluded.loc[result.excluded["entity_id"] == "drone", "excluded_by"].tolist()
    assert vetoed == ["context: 'Federal Aviation\\nAdministration' in its sentence"]


def test_senses_of_the_shipped_gazetteer_fighters_seizures_and_metaphors():
    gazetteer = load_gazetteer()  # the shipped one: its context rules are what is tested
    result = run(
        gazetteer,
        "Russia launches missiles, combat helicopters, fighters, planes. Hamas fighters fled. "
        "Law enforcement agencies seized 2,300 grenades. Troops threw grenades. Fentanyl, "
        "a weapon of mass destruction, kills. Iraq had no weapons of mass destruction.",
    )
    counted = list(zip(result.mentions["surface"], result.mentions["entity_id"], strict=True))
    assert ("fighters", "aircraft") in counted  # beside helicopters and planes
    assert [s for s, e in counted if e == "aircraft"] == ["fighters", "planes"]  # not Hamas's
    assert [s for s, e in counted if e == "grenade"] == ["grenades"]  # thrown, not seized
    assert [s for s, e in counted if e == "wmd"] == ["weapons of mass destruction"]
    refused = list(zip(result.excluded["surface"], result.excluded["excluded_by"], strict=True))
    assert ("grenades", "context: 'Law enforcement' in its sentence") in refused
    assert ("weapon of mass destruction", "context: 'Fentanyl' in its sentence") in refused


def test_places_parties_and_boats_named_after_states_and_people():
    gazetteer = load_gazetteer()  # the shipped one
    result = run(
        gazetteer,
        "Ships sank in the Gulf of Finland. Finland joined NATO. United Russia won the vote "
        "in Russia. Vladimir Monomakh's retainers fought. The Vladimir Monomakh submarine "
        "sailed. The Assad regime fell. Russia's Ministry of Health met Ukraine's Health "
        "Ministry.",
    )
    counted = list(zip(result.mentions["surface"], result.mentions["entity_id"], strict=True))
    assert counted == [
        ("Finland", "finland"),  # the second: a state, not the gulf
        ("NATO", "nato"),
        ("United Russia", "united-russia"),  # the party
        ("Russia", "russia"),
        ("Vladimir Monomakh submarine", "borei"),  # the boat, with its class noun
        ("Assad regime", "syrian-government"),
        ("Russia", "russia"),
        ("Ministry of Health", "russia-health-ministry"),  # a shared name, by the possessive
        ("Ukraine", "ukraine"),
        ("Health Ministry", "ukraine-health-ministry"),
    ]
    refused = list(zip(result.excluded["surface"], result.excluded["excluded_by"], strict=True))
    assert ("Finland", "inside the name of a place") in refused
    assert ("Vladimir Monomakh", "context: no submarine, submarines, cruiser, cruisers ... in its "
            "sentence") in refused  # fmt: skip


def test_a_states_government_under_the_names_of_rule_5():
    gazetteer = load_gazetteer()  # the shipped one: 21-governments.yml
    result = run(
        gazetteer,
        "We thank the Government of Japan and talked with the government of Mexico. "
        "Japan agreed; the Sweden government did too.",
    )
    counted = list(zip(result.mentions["surface"], result.mentions["entity_id"], strict=True))
    assert counted == [
        ("Government of Japan", "japan-government"),
        ("government of Mexico", "mexico-government"),
        ("Japan", "japan"),
        ("Sweden government", "sweden-government"),
    ]
