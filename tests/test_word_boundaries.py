"""Word edges by Unicode category, invisible characters matched through, paragraph breaks.

Hand-counted: each expectation is the surface a reader sees in the sentence, with its offsets
into the text as written (the invisible characters inside included).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.gazetteer import load_gazetteer
from analysis.mentions import find_mentions

SMALL = load_gazetteer(Path(__file__).parent / "fixtures" / "gazetteer_small.yml")


def mentions_of(text: str) -> list[tuple[int, int, str, str]]:
    docs = pd.DataFrame(
        {"doc_id": ["d"], "date": pd.to_datetime(["2025-07-01"]), "title": [""], "text": [text]}
    )
    found = find_mentions(docs, SMALL)
    return list(
        zip(found["start"], found["end"], found["surface"], found["entity_id"], strict=True)
    )


@pytest.mark.parametrize(
    "text, start",
    [
        ("«NATO» said", 1),  # guillemets (Pi/Pf)
        ("©NATO 2025", 1),  # copyright sign (So)
        ("see §NATO", 5),  # section sign (Po)
        ("NATO° and", 0),  # degree sign (So)
        ("„NATO“", 1),  # low-9 and high quotes
        ("【NATO】", 1),  # CJK brackets (Ps/Pe)
        ("🇺🇦NATO🙂", 2),  # a flag (two regional indicators) and an emoji, beyond the BMP
        ("±NATO×", 1),  # math symbols (Sm)
        ("NATO\u3000summit", 0),  # ideographic space (Zs)
    ],
)
def test_any_punctuation_symbol_or_space_ends_a_word(text, start):
    assert mentions_of(text) == [(start, start + 4, "NATO", "nato")]


@pytest.mark.parametrize("text", ["NATOé", "éNATO", "NATOж", "ЖNATO", "NATO\u0663", "中NATO"])
def test_letters_and_digits_of_any_script_still_join_a_word(text):
    assert mentions_of(text) == []


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u200e", "\u202c"],
    ids=["zwsp", "zwnj", "zwj", "word-joiner", "soft-hyphen", "bom", "lrm", "pdf"],
)
def test_invisible_characters_inside_or_before_a_name_are_matched_through(invisible):
    assert unicodedata.category(invisible) == "Cf"
    inside = f"the NA{invisible}TO summit"
    assert mentions_of(inside) == [(4, 9, f"NA{invisible}TO", "nato")]
    before = f"{invisible}NATO"
    assert mentions_of(before) == [(1, 5, "NATO", "nato")]
    phrase = f"President{invisible} Trump"
    assert mentions_of(phrase) == [(0, 16, phrase, "donald-trump")]


def test_combining_accents_are_read_as_the_letter_they_decorate():
    decomposed = unicodedata.normalize("NFD", "Zelénsky")  # e + U+0301
    assert len(decomposed) == 9
    assert mentions_of(f"{decomposed} spoke") == [(0, 9, decomposed, "zelensky")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the United\n\nStates", []),
        ("the United\r\n\r\nStates", []),
        ("the United\n \t\nStates", []),
        ("the United\u2029States", []),  # the paragraph separator
        ("the United\nStates", [(4, 17, "United\nStates", "united-states")]),  # a wrapped line
        ("President\n\nTrump", [(11, 16, "Trump", "donald-trump")]),
    ],
)
def test_no_mention_spans_a_paragraph_break(text, expected):
    assert mentions_of(text) == expected


INVISIBLE = st.sampled_from(["\u200b", "\u200d", "\u2060", "\u00ad", "\ufeff"])


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["NATO", "Zelensky", "Russia", "United States", "Javelin"]),
    st.data(),
)
def test_property_invisible_characters_anywhere_in_an_alias_keep_the_mention(alias, data):
    cuts = data.draw(st.lists(st.integers(1, len(alias) - 1), max_size=3, unique=True))
    marks = [data.draw(INVISIBLE) for _ in cuts]
    written = alias
    for cut, mark in sorted(zip(cuts, marks, strict=True), reverse=True):
        written = written[:cut] + mark + written[cut:]
    text = f"Said {written}, then left."
    found = mentions_of(text)
    assert len(found) == 1
    start, end, surface, _ = found[0]
    assert (start, end) == (5, 5 + len(written))
    assert text[start:end] == surface == written
