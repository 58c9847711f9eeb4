"""The shortcuts that make the sense rules fast give the answers of the plain computation:
the neighbour hints read from the view, lookup tables instead of ``np.isin``, the first word
of a rule found leftmost-longest (and in a document's bytes), the most named state, the order
of the fields' mentions. Every expectation is worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.mentions import (
    APOSTROPHE,
    INSTITUTION_AFTER,
    NAME_AFTER,
    NEXT_CAPITAL,
    OF_BEFORE,
    _in_order,
    _neighbour_hints,
    matching_view,
)
from analysis.senses import _in, _most_named_state, _patterns_table, _Text, _Words


def hints_of(text: str, word: str) -> int:
    view, _ = matching_view(np.frombuffer(text.encode("utf-8"), dtype=np.uint8))
    start = view.index(word.encode("utf-8"))
    array = np.frombuffer(view, dtype=np.uint8)
    return int(_neighbour_hints(array, np.array([start]), np.array([start + len(word)]))[0])


@pytest.mark.parametrize(
    ("text", "word", "present", "absent"),
    [
        # the possessive, with either apostrophe
        ("Ukraine's forces", "Ukraine", APOSTROPHE, NAME_AFTER),
        ("Russia’s troops", "Russia", APOSTROPHE, 0),
        ("Ukraine is here", "Ukraine", 0, APOSTROPHE),
        # a capital after the space: the name may go on; a lower-case word: it may not
        ("the Ukraine Recovery Conference", "Ukraine", NEXT_CAPITAL | NAME_AFTER, 0),
        ("Arctic-class vessels", "Arctic", NAME_AFTER, NEXT_CAPITAL),
        ("NATO Summit", "NATO", NAME_AFTER, INSTITUTION_AFTER),
        # an institution's words after a state ("U.S. government", "U.S. and the EU")
        ("the US government said", "US", INSTITUTION_AFTER, NAME_AFTER),
        ("Ministry of Justice of Ukraine", "Ukraine", OF_BEFORE, APOSTROPHE),
        ("the Gulf of the Mexico Coast", "Mexico", OF_BEFORE | NAME_AFTER, APOSTROPHE),
    ],
)
def test_neighbour_hints(text, word, present, absent):
    hints = hints_of(text, word)
    assert hints & present == present
    assert hints & absent == 0


def test_name_hints_only_where_a_rule_may_read_them():
    # " - Recovery": no hint of the first four (NEXT_CAPITAL needs the capital right after one
    # space or hyphen), so the name rules never read this span and its name bits stay unset.
    assert hints_of("Ukraine - Recovery", "Ukraine") == 0


def test_in_by_lookup_table():
    values = np.array([3, 0, 7, 3, 12], dtype=np.int64)
    assert _in(values, {3, 12}).tolist() == [True, False, False, True, True]
    assert _in(values, set()).tolist() == [False] * 5
    assert _in(values, {99}).tolist() == [False] * 5  # wanted beyond the values
    assert _in(np.array([-1, 2]), {2}).tolist() == [False, True]  # negatives: np.isin
    assert _in(np.zeros(0, dtype=np.int64), {1}).tolist() == []


def test_patterns_table():
    patterns_of = {"patriot": [0, 4], "patriots": [2]}
    table = _patterns_table(patterns_of, frozenset({"patriot", "pac-3"}), 5)
    assert table.tolist() == [True, False, False, False, True]


def test_most_named_state():
    rows = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    entity = np.array([5, 7, 5, 5, 7, 3, 3, 3])
    mentions = np.arange(8)
    # document 0: state 5 twice, 7 once; document 1: a tie; document 2: only 3
    assert _most_named_state(mentions, entity, rows) == {0: 5, 1: -1, 2: 3}
    assert _most_named_state(np.zeros(0, dtype=np.int64), entity, rows) == {}


@pytest.mark.parametrize("make", [str, _Text], ids=["sentence", "document"])
@pytest.mark.parametrize(
    ("words", "text", "expected"),
    [
        # the leftmost occurrence is inside "harms": the first whole word comes later
        (("arms",), "The harms of arms", (13, 17)),
        (("arms",), "No weapons here", None),
        # longest first at the same start
        (("gun", "gun violence"), "End GUN VIOLENCE now", (4, 16)),
        # a no-break space inside a phrase reads as a space
        (("gun violence",), "No gun\xa0violence here", (3, 15)),
        # characters before the hit count once each, whatever their bytes
        (("arms",), "Zełenski’s arms", (11, 15)),
        # "İ" lower-cases to two characters: the regular expression decides
        (("arms",), "İstanbul ARMS", (9, 13)),
        # the Kelvin sign lower-cases to "k"
        (("kit",), "a \u212ait", (2, 5)),
    ],
)
def test_first_word_of_a_rule(make, words, text, expected):
    assert _Words(words).first(make(text)) == expected


def test_document_bytes_only_where_they_read_as_the_text():
    assert _Text("NATO\nSummit\xa0here").ascii_lowered == b"nato summit here"
    assert _Text("İstanbul").ascii_lowered is None
    assert _Text("\u212a").ascii_lowered is None
    assert _Text("a\ud800b").ascii_lowered is None  # a lone surrogate cannot be encoded


def test_fields_in_order():
    def part(rows, starts):
        import pyarrow as pa

        return {
            "row": np.array(rows),
            "start": np.array(starts),
            "surface": pa.array([f"{r}:{s}" for r, s in zip(rows, starts, strict=True)]),
        }

    title, text = part([0, 1], [5, 2]), part([0, 1], [1, 0])
    merged = _in_order([title, text])
    assert merged["surface"].to_pylist() == ["0:5", "0:1", "1:2", "1:0"]
    assert merged["field"].tolist() == [0, 1, 0, 1]
    unsorted = _in_order([part([1, 0, 0], [3, 9, 2])])  # exclusions may come unsorted
    assert unsorted["surface"].to_pylist() == ["0:2", "0:9", "1:3"]
