"""The optional near-name pass: long names misspelt count as ``match == "fuzzy"``, short ones
never, and only beside the name written exactly (hand-made corpus, hand-counted)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.api import find_mentions
from analysis.discovery import near_names
from analysis.errors import InputError
from analysis.gazetteer import load_gazetteer, with_near_names
from analysis.mentions import extract

TEXTS = [
    "Zelensky met Stoltenberg. Later Zelanski said the talks went well.",  # one edit, beside
    "President Zelnski spoke in Kyiv.",  # one edit, but Zelensky is not named here
    "Zelensky thanked Stoltenberg and Stoltenbreg answered.",  # a transposition, beside
    "Zelensky and NATO. The Mauritian delegation came.",  # a demonym: never
    "Zelensky in Lviv; Lavrob spoke for Russia.",  # Lavrov is short: never
    "Zelensky spoke again.",
]


@pytest.fixture(scope="module")
def documents() -> pd.DataFrame:
    n = len(TEXTS)
    return pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(n)],
            "date": pd.to_datetime(["2025-07-01"] * n),
            "title": [""] * n,
            "text": TEXTS,
            "duplicate_of": [""] * n,
        }
    )


def test_near_names_are_long_capitalised_spellings_one_edit_away(documents):
    found = near_names(documents)
    assert ("zelensky", "Zelanski") in found
    assert ("zelensky", "Zelnski") in found
    assert ("jens-stoltenberg", "Stoltenbreg") in found
    assert not [pair for pair in found if pair[1] in {"Lavrob", "Mauritian"}]


def test_fuzzy_mentions_are_marked_and_only_beside_the_exact_name(documents):
    mentions = find_mentions(documents, fuzzy=True)
    fuzzy = mentions.loc[mentions["match"] == "fuzzy"]
    assert list(zip(fuzzy["doc_id"], fuzzy["surface"], fuzzy["entity_id"], strict=True)) == [
        ("d0", "Zelanski", "zelensky"),
        ("d2", "Stoltenbreg", "jens-stoltenberg"),
    ]
    plain = find_mentions(documents)
    assert (plain["match"] != "fuzzy").all()
    # Everything else is the same with or without the pass.
    assert len(mentions) == len(plain) + 2


def test_a_near_name_alone_is_listed_with_its_reason(documents):
    gazetteer = load_gazetteer()
    result = extract(documents, with_near_names(gazetteer, near_names(documents, gazetteer)))
    refused = result.excluded.loc[result.excluded["excluded_by"].str.startswith("near name")]
    assert list(zip(refused["doc_id"], refused["surface"], strict=True)) == [("d1", "Zelnski")]
    assert refused["excluded_by"].iloc[0] == (
        "near name: Volodymyr Zelensky not named exactly in the document"
    )


def test_near_names_change_the_gazetteer_hash_and_nothing_else():
    gazetteer = load_gazetteer()
    more = with_near_names(gazetteer, [("zelensky", "Zelanski")])
    assert more.hash != gazetteer.hash and more.entities is gazetteer.entities
    assert with_near_names(more, [("zelensky", "Zelanski")]) is more


def test_fuzzy_needs_a_documents_frame(tmp_path):
    with pytest.raises(InputError, match="fuzzy=True needs a documents frame"):
        find_mentions(str(tmp_path), fuzzy=True)
