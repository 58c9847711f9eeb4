"""The mention extractor: every matching rule of MISSION.md, offsets, sentences, properties."""

from __future__ import annotations

import string
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.gazetteer import load_gazetteer
from analysis.mentions import extract, find_mentions
from analysis.schema import MENTION_COLUMNS, MENTION_FLAGS
from analysis.text.sentences import sentence_spans

SMALL = load_gazetteer(Path(__file__).parent / "fixtures" / "gazetteer_small.yml")


def documents(*texts: str, titles=None, dates=None) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(n)],
            "date": pd.to_datetime(dates or ["2025-07-01"] * n),
            "title": titles or [""] * n,
            "text": list(texts),
            "duplicate_of": [""] * n,
        }
    )


def found(text: str, **options) -> list[tuple[str, str]]:
    """(surface, entity_id) pairs found in one text with the small gazetteer."""
    mentions = find_mentions(documents(text), SMALL, **options)
    return list(zip(mentions["surface"], mentions["entity_id"], strict=True))


def assert_offsets_round_trip(docs: pd.DataFrame, mentions: pd.DataFrame) -> None:
    by_id = docs.set_index("doc_id")
    for row in mentions.itertuples(index=False):
        assert by_id.loc[row.doc_id, row.field][row.start : row.end] == row.surface


def test_columns_follow_the_contract():
    mentions = find_mentions(documents("Trump spoke."), SMALL)
    assert list(mentions.columns) == [*MENTION_COLUMNS, *MENTION_FLAGS]
    assert mentions["start"].dtype == "int64"
    assert str(mentions["date"].dtype).startswith("datetime64")


def test_longest_match_wins():
    assert found("President Donald Trump said") == [("President Donald Trump", "donald-trump")]
    assert found("Volodymyr Zelenskyy and Zelensky") == [
        ("Volodymyr Zelenskyy", "zelensky"),
        ("Zelensky", "zelensky"),
    ]


def test_bracketed_insertion_and_line_breaks_are_one_mention():
    assert found("President [Donald] Trump has spoken") == [
        ("President [Donald] Trump", "donald-trump")
    ]
    assert found("the air\n  defense systems") == [("air\n  defense", "air-defence")]


def test_whole_words_only():
    assert found("Trumpet players and antiRussia") == []
    assert found("NATOs? no: NATO-led, pro-Russia") == [("NATO", "nato"), ("Russia", "russia")]


def test_possessives_straight_and_curly():
    assert found("Trump's plan, Russia’s war") == [
        ("Trump", "donald-trump"),
        ("Russia", "russia"),
    ]


def test_weapon_plurals_but_not_actor_plurals():
    assert found("two Javelins, three drones, F-16s") == [
        ("Javelins", "javelin"),
        ("drones", "drone"),
        ("F-16s", "f-16"),
    ]
    assert found("the Trumps") == []


def test_model_numbers_and_hyphen_variants():
    assert found("FGM-148 Javelin; FGM-148; F16; F 16; F‑16") == [
        ("FGM-148 Javelin", "javelin"),
        ("FGM-148", "javelin"),
        ("F16", "f-16"),
        ("F 16", "f-16"),
        ("F‑16", "f-16"),  # non-breaking hyphen
    ]


def test_spelling_variants():
    assert [e for _, e in found("aerial defense, air defence, AIR DEFENSE")] == [
        "air-defence"
    ] * 3


def test_case_rules():
    # "Patriot" is a proper name: not "patriot", not "patriotic"; ALL CAPS is accepted.
    assert found("a patriot, patriotic, PATRIOT, Patriot") == [
        ("PATRIOT", "patriot"),
        ("Patriot", "patriot"),
    ]
    assert found("tell us; the US; trump card; TRUMP") == [
        ("US", "united-states"),
        ("TRUMP", "donald-trump"),
    ]


def test_exclusions_are_not_mentions_but_are_listed():
    docs = documents("The Patriot Act, Patriot Day, New England Patriots and a Patriot battery.")
    result = extract(docs, SMALL)
    assert list(result.mentions["surface"]) == ["Patriot"]
    assert result.mentions["start"].tolist() == [docs["text"][0].rindex("Patriot")]
    assert sorted(result.excluded["excluded_by"]) == [
        "New England Patriots",
        "Patriot Act",
        "Patriot Day",
    ]
    assert set(result.excluded["entity_id"]) == {"patriot"}


def test_metonyms_only_when_switched_on():
    text = "Washington and Moscow talked; the U.S. agreed."
    assert found(text) == [("U.S.", "united-states")]
    mentions = find_mentions(documents(text), SMALL, metonyms=True)
    assert mentions[["surface", "entity_id", "metonym"]].values.tolist() == [
        ["Washington", "united-states", True],
        ["Moscow", "russia", True],
        ["U.S.", "united-states", False],
    ]


def test_titles_and_texts_and_sentence_ids():
    docs = documents(
        "Trump spoke. Then NATO met Gen. Dan Caine in the U.S. Army. Russia's drones.",
        "No mentions here.",
        titles=["Zelensky meets Trump", ""],
    )
    result = extract(docs, SMALL)
    mentions = result.mentions
    # "U.S. Army" is the army's name, not a mention of the United States (tests/test_senses.py);
    # "Gen." and "U.S." end no sentence, so Russia is in the third. "Gen. Dan Caine" is a
    # ranked person this small gazetteer does not list (analysis.unlisted).
    assert mentions[["field", "sentence_id", "surface"]].values.tolist() == [
        ["title", 0, "Zelensky"],
        ["title", 0, "Trump"],
        ["text", 0, "Trump"],
        ["text", 1, "NATO"],
        ["text", 1, "Gen. Dan Caine"],
        ["text", 2, "Russia"],
        ["text", 2, "drones"],
    ]
    assert result.excluded["excluded_by"].tolist() == ["inside the name of an institution"]
    assert_offsets_round_trip(docs, mentions)
    spans = sentence_spans(docs["text"][0])
    for row in mentions[mentions["field"] == "text"].itertuples():
        start, end = spans[row.sentence_id]
        assert start <= row.start and row.end <= end


def test_no_match_across_documents_and_edges():
    # A document ending in "Donald" and the next starting with "Trump" must not join.
    docs = documents("Donald", "Trump", "NATO")
    mentions = find_mentions(docs, SMALL)
    assert mentions[["doc_id", "surface"]].values.tolist() == [["d1", "Trump"], ["d2", "NATO"]]


def test_non_ascii_offsets_are_characters():
    docs = documents("Ü — “Zelenskyy” said: ‘Trump’s’ “NATO”…  Russia", titles=["é Trump"])
    mentions = find_mentions(docs, SMALL)
    assert mentions["surface"].tolist() == ["Trump", "Zelenskyy", "Trump", "NATO", "Russia"]
    assert_offsets_round_trip(docs, mentions)


def test_duplicates_skipped_by_default():
    docs = documents("Trump.", "Trump.").assign(duplicate_of=["", "d0"])
    assert find_mentions(docs, SMALL)["doc_id"].tolist() == ["d0"]
    assert find_mentions(docs, SMALL, include_duplicates=True)["doc_id"].tolist() == ["d0", "d1"]


@pytest.mark.parametrize("chunk_bytes", [16, 3200, None], ids=["tiny", "mixed", "default"])
def test_copies_are_skipped_without_changing_anything_else(chunk_bytes):
    # Long runs of copies are left out of the slices, short ones scanned and dropped: either
    # way the result is that of the frame without its copies.
    texts = [  # transcripts (two turns each), so the label is a speaker label
        f"PRESIDENT TRUMP: Doc {i}.\nMR. KIRBY: NATO, the Patriot Act and a Patriot battery."
        for i in range(60)
    ]
    copies = [3, *range(10, 26), 40, 41, 59]
    docs = documents(*texts, titles=[f"Trump {i}" for i in range(60)])
    docs.loc[copies, "duplicate_of"] = "d0"
    options = {"chunk_bytes": chunk_bytes} if chunk_bytes else {}
    skipped = extract(docs, SMALL, **options)
    unique = docs[docs["duplicate_of"] == ""]
    expected = extract(unique, SMALL, include_duplicates=True, **options)
    pd.testing.assert_frame_equal(skipped.mentions, expected.mentions)
    pd.testing.assert_frame_equal(skipped.excluded, expected.excluded)
    assert set(skipped.mentions["doc_id"]) == set(unique["doc_id"])
    assert len(skipped.mentions) == 3 * len(unique)  # title Trump, NATO, Patriot
    assert set(skipped.excluded["excluded_by"]) == {"speaker label", "Patriot Act"}


def test_result_columns_have_their_types_even_when_empty():
    result = extract(documents("Nothing to see."), SMALL)
    assert result.mentions.empty and result.excluded.empty
    for frame in (result.mentions, result.excluded):
        text_columns = ["doc_id", "field", "surface", "entity_id"]
        assert (frame[text_columns].dtypes == "str").all()
        assert (frame[["start", "end"]].dtypes == "int64").all()
    assert result.excluded["excluded_by"].dtype == "str"


def test_empty_and_missing_text():
    docs = documents("", "   ", "Trump").assign(title=[None, "", "NATO"])
    mentions = find_mentions(docs, SMALL)
    assert mentions[["doc_id", "field", "surface"]].values.tolist() == [
        ["d2", "title", "NATO"],
        ["d2", "text", "Trump"],
    ]
    assert find_mentions(documents(), SMALL).empty


def test_chunking_does_not_change_results():
    texts = [f"Doc {i}: President Trump and NATO discuss Patriot systems." for i in range(200)]
    docs = documents(*texts)
    whole = extract(docs, SMALL).mentions
    chunked = extract(docs, SMALL, chunk_bytes=100).mentions
    threaded = extract(docs, SMALL, chunk_bytes=100, workers=2).mentions
    pd.testing.assert_frame_equal(whole, chunked)
    pd.testing.assert_frame_equal(whole, threaded)
    assert len(whole) == 600


# --- properties -----------------------------------------------------------------------------

ALIASES = {
    "Trump": "donald-trump",
    "President Donald Trump": "donald-trump",
    "NATO": "nato",
    "Zelenskyy": "zelensky",
    "Russia": "russia",
    "air defense": "air-defence",
    "Javelin": "javelin",
    "F-16": "f-16",
}
FILLER = st.text(alphabet=string.ascii_lowercase + "é", min_size=1, max_size=12).filter(
    lambda word: word not in {"drone", "drones", "us", "air", "defense", "defence"}
)
SEPARATORS = st.sampled_from([" ", "  ", "\n", ", ", ". ", " — ", " (", ") ", "’s ", "; "])


@st.composite
def text_with_aliases(draw):
    parts, expected, position = [], [], 0
    previous = None  # (entity, separator after it) of the piece before, when an alias
    pending = None  # an alias in brackets after an alias of its own entity, until ")" follows
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        if draw(st.booleans()):
            piece = draw(st.sampled_from(sorted(ALIASES)))
            item = (position, position + len(piece), piece, ALIASES[piece])
            bracketed = previous is not None and previous == (ALIASES[piece], " (")
            pending = item if bracketed else None
            if not bracketed:
                expected.append(item)
        else:
            piece = draw(FILLER)
            pending = None
        parts.append(piece)
        position += len(piece)
        separator = draw(SEPARATORS)
        if pending is not None and not separator.startswith(")"):
            expected.append(pending)  # not closed: not an abbreviation in brackets
        pending = None
        previous = (ALIASES[piece], separator) if piece in ALIASES else None
        parts.append(separator)
        position += len(separator)
    return "".join(parts), expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_with_aliases())
def test_property_inserted_aliases_are_found_exactly(case):
    # Every alias inserted is found where it was put, but for "Name (ABBR)" of one entity,
    # which is one mention (tests/test_senses.py).
    text, expected = case
    mentions = find_mentions(documents(text), SMALL)
    got = list(
        zip(mentions["start"], mentions["end"], mentions["surface"], mentions["entity_id"],
            strict=True)
    )
    assert got == expected


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(ALIASES)), FILLER, FILLER)
def test_property_no_mention_inside_a_longer_word(alias, before, after):
    # Letters glued to either side make it part of a longer word: never a mention.
    assert found(f"{before}{alias}x") == []
    assert found(f"x{alias}{after}") == []


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_property_offsets_round_trip_on_any_text(noise):
    text = noise + " President Trump " + noise + " NATO"
    docs = documents(text, titles=[noise])
    mentions = find_mentions(docs, SMALL)
    assert_offsets_round_trip(docs, mentions)
    assert (mentions["start"] < mentions["end"]).all()


@pytest.mark.parametrize("chunk", [1, 64, 1 << 20])
def test_sentence_ids_agree_with_sentence_spans(chunk):
    texts = [
        "Mr. Trump met Gen. Caine. NATO agreed!\n\nRussia’s drones hit Kyiv. “Zelenskyy?” Yes.",
        "- Trump said.\n- NATO said. The U.S. Army and Javelin.",
    ]
    docs = documents(*texts)
    mentions = extract(docs, SMALL, chunk_bytes=chunk).mentions
    for row in mentions.itertuples():
        text = docs.set_index("doc_id").loc[row.doc_id, "text"]
        start, end = sentence_spans(text)[row.sentence_id]
        assert start <= row.start < row.end <= end, (row.surface, row.sentence_id)


def test_transcript_speaker_labels_are_listed_not_counted():
    text = "PRESIDENT TRUMP:  Thank you.\n  TRUMP : again\nQ  Did Trump say TRUMP: no?"
    result = extract(documents(text), SMALL)
    assert result.mentions["surface"].tolist() == ["Trump", "TRUMP"]
    assert result.mentions["start"].tolist() == [text.index("Did Trump") + 4, text.rindex("TRUMP")]
    assert result.excluded[["surface", "excluded_by"]].values.tolist() == [
        ["PRESIDENT TRUMP", "speaker label"],
        ["TRUMP", "speaker label"],
    ]


def test_sentence_ids_do_not_depend_on_the_previous_document():
    # "...EST" + "MS. Kallas" joined would read "ESTMS." and break after it; alone, "MS." is
    # an abbreviation. Each document must split exactly as it does alone.
    docs = documents("Briefing at 10 a.m. EST", "MS. Smith said NATO agreed. Trump left.")
    mentions = find_mentions(docs, SMALL)
    assert mentions[["doc_id", "surface", "sentence_id"]].values.tolist() == [
        ["d1", "NATO", 0],
        ["d1", "Trump", 1],
    ]


def test_arrow_chunked_columns_are_read_in_place_with_the_same_results():
    import pyarrow as pa

    texts = [f"Doc {i}: Trump’s NATO and Patriot systems." for i in range(30)]
    single = documents(*texts)
    chunked_text = pd.Series(
        pd.arrays.ArrowExtensionArray(pa.chunked_array([texts[:7], [], texts[7:20], texts[20:]]))
    ).astype("str")
    chunked = single.assign(text=chunked_text)
    pd.testing.assert_frame_equal(
        find_mentions(chunked, SMALL), find_mentions(single, SMALL), check_dtype=False
    )
    assert len(find_mentions(chunked, SMALL)) == 90
