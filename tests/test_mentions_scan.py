"""The scan's internals that make it fast: view positions, leftmost-longest, speaker labels,
character offsets from the lead bytes. Each is checked against hand-worked values or a plain
reference written here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.gazetteer import load_gazetteer
from analysis.mentions import ViewPositions, _leftmost_longest, extract, matching_view
from analysis.text.sentences import boundaries, char_positions

SMALL = load_gazetteer(Path(__file__).parent / "fixtures" / "gazetteer_small.yml")


def documents(*texts: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(texts))],
            "date": pd.to_datetime(["2025-07-01"] * len(texts)),
            "title": [""] * len(texts),
            "text": list(texts),
            "duplicate_of": [""] * len(texts),
        }
    )


def view_of(text: str) -> tuple[bytes, list[int]]:
    """The view of a text and the original byte offset of each of its bytes."""
    view, positions = matching_view(np.frombuffer(text.encode("utf-8"), dtype=np.uint8))
    return view, positions[np.arange(len(view))].tolist()


def test_view_positions_skip_the_dropped_bytes():
    # Bytes 2, 3 and 7 of ten are dropped: the view holds 0 1 4 5 6 8 9.
    positions = ViewPositions(np.array([2, 3, 7]))
    assert positions[np.arange(7)].tolist() == [0, 1, 4, 5, 6, 8, 9]
    assert positions[np.array([6, 0, 2])].tolist() == [9, 0, 4]  # any order
    assert ViewPositions(np.zeros(0, dtype=np.int64))[np.array([0, 5])].tolist() == [0, 5]


@pytest.mark.parametrize(
    ("text", "view", "offsets"),
    [
        # a, space, zero width space (3 bytes: 2-4), space, b: one space, at byte 1.
        ("a \u200b b", b"a b", [0, 1, 6]),
        # At the start: the invisible character (0-2) goes, the space (3) stays.
        ("\u200b x", b" x", [3, 4]),
        # Two invisible characters in a row between letters: "NA" (0, 1) "TO" (8, 9).
        ("NA\u200b\u00adTO", b"NATO", [0, 1, 7, 8]),
        # No-break spaces (2 bytes each) and a space: one space at the first one's lead.
        ("A\u00a0\u00a0 B", b"A B", [0, 1, 6]),
        # Curly quotes (3 bytes) read '"'; a tab and a newline are one space.
        ("\u201cNATO\u201d\t\nok", b'"NATO" ok', [0, 3, 4, 5, 6, 7, 10, 12, 13]),
        # An invisible character between a space and a word keeps the space.
        ("a \u200bb", b"a b", [0, 1, 5]),
    ],
)
def test_view_and_its_offsets(text, view, offsets):
    assert view_of(text) == (view, offsets)


def reference_leftmost_longest(spans: list[tuple[int, int]]) -> list[bool]:
    kept, reach = [], -1
    for start, end in spans:
        kept.append(start >= reach)
        reach = end if start >= reach else reach
    return kept


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([(0, 10), (5, 20), (12, 15)], [True, False, True]),  # 12 starts after the kept end 10
        ([(0, 4), (0, 2), (2, 6), (4, 8), (6, 9)], [True, False, False, True, False]),
        ([(0, 3), (3, 5), (3, 4), (9, 12)], [True, True, False, True]),
        ([(7, 9)], [True]),
    ],
)
def test_leftmost_longest_by_hand(spans, expected):
    start, end = (np.array(values, dtype=np.int64) for values in zip(*spans, strict=True))
    assert _leftmost_longest(start, end).tolist() == expected


def test_leftmost_longest_matches_a_plain_loop():
    rng = np.random.default_rng(12)
    for _ in range(500):
        n = int(rng.integers(1, 60))
        start = np.sort(rng.integers(0, 80, n))
        end = start + rng.integers(1, 15, n)
        order = np.lexsort((start - end, start))
        start, end = start[order], end[order]
        spans = list(zip(start.tolist(), end.tolist(), strict=True))
        assert _leftmost_longest(start, end).tolist() == reference_leftmost_longest(spans)
    # A long chain of overlaps (every span overlaps the next) takes the plain loop.
    start = np.arange(0, 400, 2)
    end = start + 3
    assert _leftmost_longest(start, end).tolist() == [i % 2 == 0 for i in range(200)]


def test_a_transcript_is_one_by_its_labels_far_from_any_name():
    # The second label ("MODERATOR:") has no name within reach before it; the document is a
    # transcript all the same, so "PRESIDENT TRUMP" is a label. The next document has one
    # label only (a headline), and the third is a transcript without names: neither makes
    # the headline's TRUMP a label.
    speech = "Thank you all for coming here today; it is a great pleasure to see so many friends."
    transcript = f"PRESIDENT TRUMP: {speech}\nMODERATOR: Next question.\nQ  What about NATO?"
    headline = "TRUMP: a headline\n\nThe article goes on."
    others = "MODERATOR: Hello.\nGUEST: Hello again."
    result = extract(documents(transcript, headline, others), SMALL)
    assert result.mentions[["doc_id", "surface"]].values.tolist() == [
        ["d0", "NATO"],
        ["d1", "TRUMP"],
    ]
    assert result.excluded[["doc_id", "surface", "start", "excluded_by"]].values.tolist() == [
        ["d0", "PRESIDENT TRUMP", 0, "speaker label"]
    ]


def test_a_glued_label_counts_when_its_speaker_has_a_turn_of_their_own():
    # The label glued to the text before it ("... ministry Welcome Speaker Donald Trump:") is
    # the label of a speaker who opens a turn of their own later ("Donald Trump: ...").
    text = "MODERATOR: Good morning.\nGUEST: Good morning to you.\nsaid the ministry Welcome "
    text += "Speaker Donald Trump: Thanks.\nDonald Trump: Bye."
    result = extract(documents(text), SMALL)
    assert result.mentions.empty
    assert result.excluded[["surface", "start", "excluded_by"]].values.tolist() == [
        ["Donald Trump", text.index("Donald"), "speaker label"],
        ["Donald Trump", text.rindex("Donald"), "speaker label"],
    ]
    # Without a turn of that speaker, a capitalised run before a colon is a headline.
    headline = "MODERATOR: Good morning.\nGUEST: Hi.\nsaid the ministry Welcome Speaker "
    headline += "Donald Trump: Thanks."
    assert extract(documents(headline), SMALL).mentions["surface"].tolist() == ["Donald Trump"]


def test_offsets_after_invisible_characters_and_space_runs():
    text = "Talks \u200b\u200b with  \u00a0NATO\u00ad and\t\tTrump."
    mentions = extract(documents(text), SMALL).mentions
    assert mentions["surface"].tolist() == ["NATO", "Trump"]
    assert mentions["start"].tolist() == [16, 27]  # counted by hand, in characters
    assert [text[s:e] for s, e in zip(mentions["start"], mentions["end"], strict=True)] == [
        "NATO",
        "Trump",
    ]


def test_character_offsets_from_the_lead_bytes():
    text = "é€😀a b"  # 2, 3, 4, 1, 1, 1 bytes
    buffer = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    edges = np.array([0, 2, 5, 9, 10, 11, 12])
    expected = [0, 1, 2, 3, 4, 5, 6]
    assert char_positions(buffer, np.flatnonzero(buffer >= 0xC2))(edges).tolist() == expected
    assert char_positions(buffer)(edges).tolist() == expected
    ascii_only = np.frombuffer(b"plain", dtype=np.uint8)
    assert char_positions(ascii_only, np.zeros(0, dtype=np.int64))(np.array([3])).tolist() == [3]


def test_boundaries_take_the_newlines_found_by_the_caller():
    text = b"One. Two!\n\n- three\nfour"
    buffer = np.frombuffer(text, dtype=np.uint8)
    expected = [5, 11]  # "Two", the bullet line (the blank line starts it too)
    assert boundaries(buffer).tolist() == expected
    assert boundaries(buffer, None, np.flatnonzero(buffer == 10)).tolist() == expected
