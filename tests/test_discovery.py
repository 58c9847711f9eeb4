"""Discovery on crafted documents: unknown names and model numbers, misspellings, log-odds."""

from __future__ import annotations

import random
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from nltk.metrics.distance import edit_distance

from analysis import config
from analysis.discovery import (
    _char_codes,
    _levenshtein,
    compare_terms,
    discover_candidates,
    near_misses,
)
from analysis.errors import InputError
from analysis.schema import DOCUMENT_COLUMNS, ENTITY_COLUMNS


def make_documents(texts, duplicates=None):
    duplicates = duplicates or {}
    return pd.DataFrame(
        [
            {
                "doc_id": doc_id,
                "date": pd.Timestamp("2025-07-01"),
                "date_source": "header",
                "title": title,
                "text": text,
                "source": "",
                "url": "",
                "path": "",
                "n_words": len(text.split()),
                "duplicate_of": duplicates.get(doc_id, ""),
                "warnings": "",
            }
            for doc_id, (title, text) in texts.items()
        ],
        columns=DOCUMENT_COLUMNS,
    )


def make_gazetteer(rows):
    """A stand-in for analysis.gazetteer.Gazetteer: only ``.entities`` is read."""
    entities = pd.DataFrame(
        [
            {
                "id": entity_id,
                "name": aliases[0],
                "kind": kind,
                "category": "",
                "parent": "",
                "aliases": tuple(aliases),
                "case": "auto",
                "exclusions": tuple(exclusions),
                "metonyms": (),
            }
            for entity_id, kind, aliases, exclusions in rows
        ],
        columns=ENTITY_COLUMNS,
    )
    return SimpleNamespace(entities=entities)


GAZETTEER = make_gazetteer(
    [
        ("zelensky", "actor", ["Zelensky", "Zelenskyy", "Volodymyr Zelensky"], ["Zelenska"]),
        ("russia", "actor", ["Russia"], []),
        ("javelin", "weapon", ["Javelin", "FGM-148"], []),
        ("ballistic-missile", "weapon", ["ballistic missiles"], []),
        ("munitions", "weapon", ["ammunition", "munitions"], []),
        ("drone", "weapon", ["drone"], []),
    ]
)

TEXTS = {
    "d1": (
        "Talks In Brussels",
        "Officials met on Monday. The talks included Boris Pistorius and the Su-35 question. "
        "Later, officials said Boris Pistorius would visit. Russia fired cruise missiles and "
        "more cruise missiles at the city. COVID-19 was discussed. The FGM-148 arrived. "
        "More ammunication was sent.",
    ),
    "d2": (
        "",
        "Kyiv said cruise missiles hit power plants. Zelenskky spoke. Zelenska visited a school. "
        "The Su-35s flew over. Russian drones attacked.",
    ),
    "d3": (
        "",
        "Zelenskyy thanked allies for ammunition, more ammunition and still more ammunition. "
        "Zelensky said so. Zelensky agreed. The M1A2 tanks and an F-16s squadron arrived.",
    ),
    # A copy of d1: never counted twice.
    "d4": ("", "Boris Pistorius visited. Boris Pistorius left. The Su-35 again."),
}


@pytest.fixture
def documents():
    return make_documents(TEXTS, duplicates={"d4": "d1"})


def test_discovery_finds_an_unknown_name_a_model_number_and_a_collocation(documents):
    found = discover_candidates(documents, GAZETTEER, min_count=2)
    rows = {(r.candidate, r.pattern): r for r in found.itertuples(index=False)}
    pistorius = rows[("Boris Pistorius", "name")]
    assert (pistorius.count, pistorius.documents, pistorius.doc_id) == (2, 1, "d1")
    assert pistorius.example == ("The talks included Boris Pistorius and the Su-35 question.")
    su35 = rows[("Su-35", "model")]  # "Su-35s" counts as "Su-35"
    assert (su35.count, su35.documents) == (2, 2)
    cruise = rows[("cruise missiles", "collocation")]  # head word shared with "ballistic missiles"
    assert (cruise.count, cruise.documents) == (3, 2)
    assert cruise.example == "Russia fired cruise missiles and more cruise missiles at the city."
    candidates = set(found["candidate"])
    # Covered by an alias, stop-listed, or seen once: not candidates.
    assert not {"FGM-148", "COVID-19", "Zelensky", "Russia", "M1A2", "Monday"} & candidates
    assert list(found.columns) == [
        "candidate",
        "pattern",
        "count",
        "documents",
        "example",
        "doc_id",
    ]
    assert found["pattern"].tolist() == sorted(
        found["pattern"], key=["name", "model", "collocation"].index
    )


def test_model_numbers_seen_once_appear_with_min_count_one(documents):
    found = discover_candidates(documents, GAZETTEER, min_count=1)
    models = set(found.loc[found["pattern"] == "model", "candidate"])
    # F-16s is F-16: not in this gazetteer, so a candidate; FGM-148 is an alias.
    assert models == {"Su-35", "M1A2", "F-16"}
    names = set(found.loc[found["pattern"] == "name", "candidate"])
    # Headlines are not read for names; sentence starts alone are not names.
    assert "Talks In Brussels" not in names and "Brussels" not in names
    assert "Officials" not in names and "Later" not in names


def test_near_misses_suggest_the_alias(documents):
    misses = near_misses(documents, GAZETTEER)
    table = misses.set_index("surface")
    assert table.loc["ammunication", "did_you_mean"] == "ammunition"
    assert table.loc["ammunication", "entity_id"] == "munitions"
    assert table.loc["ammunication", "similarity"] == pytest.approx(1 - 2 / 12)
    assert table.loc["ammunication", "example"] == "More ammunication was sent."
    assert table.loc["ammunication", "doc_id"] == "d1"
    assert table.loc["Zelenskky", "entity_id"] == "zelensky"
    assert table.loc["Zelenskky", "did_you_mean"] in {"Zelensky", "Zelenskyy"}
    # An exclusion (the First Lady), a demonym and the aliases themselves are not misses.
    assert set(misses["surface"]) == {"ammunication", "Zelenskky"}
    assert list(misses.columns) == [
        "surface",
        "count",
        "did_you_mean",
        "entity_id",
        "similarity",
        "example",
        "doc_id",
    ]


def test_common_words_near_an_alias_are_not_misses():
    texts = {f"d{i}": ("", "The drone was done. The stages of the plan.") for i in range(5)}
    gazetteer = make_gazetteer(
        [("us", "actor", ["United States"], []), ("drone", "weapon", ["drone"], [])]
    )
    assert near_misses(make_documents(texts), gazetteer).empty


def test_vectorised_levenshtein_equals_nltk():
    rng = random.Random(4)
    words = ["".join(rng.choice("abcz") for _ in range(rng.randint(0, 9))) for _ in range(300)]
    pairs = [(rng.choice(words), rng.choice(words)) for _ in range(600)]
    width = max(len(w) for pair in pairs for w in pair) or 1
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    got = _levenshtein(
        _char_codes(a, width),
        np.array([len(w) for w in a]),
        _char_codes(b, width),
        np.array([len(w) for w in b]),
    )
    assert got.tolist() == [edit_distance(x, y) for x, y in pairs]


def test_log_odds_sign_and_order():
    texts = {
        "a1": ("", "missile missile missile strike. The missile launch."),
        "a2": ("", "A missile strike and another strike on the farm."),
        "b1": ("", "The tractor and the harvest. A tractor on the farm."),
        "b2": ("", "Harvest time: tractor, tractor, harvest on the farm."),
    }
    documents = make_documents(texts)
    result = compare_terms(documents, ["a1", "a2"], ["b1", "b2"], min_count=1)
    counts = result.set_index("term")[["count_a", "count_b"]]
    assert counts.loc["missile"].tolist() == [5, 0]
    assert counts.loc["tractor"].tolist() == [0, 4]
    assert counts.loc["farm"].tolist() == [1, 2]
    # A's words have positive log-odds and z, B's negative, ordered by z.
    assert result["term"].iloc[0] == "missile" and result["term"].iloc[-1] == "tractor"
    z = result.set_index("term")["z"]
    assert z["missile"] > z["strike"] > 0 > z["farm"] > z["harvest"] > z["tractor"]
    assert (np.sign(result["log_odds"]) == np.sign(result["z"])).all()
    assert z.is_monotonic_decreasing
    # Function words are not terms.
    assert "the" not in set(result["term"])
    # The same groups as boolean masks give the same result.
    mask_a = documents["doc_id"].isin(["a1", "a2"])
    pd.testing.assert_frame_equal(compare_terms(documents, mask_a, ~mask_a, min_count=1), result)


def test_log_odds_matches_the_formula_by_hand():
    texts = {"a": ("", "alpha alpha beta"), "b": ("", "beta beta beta gamma")}
    result = compare_terms(make_documents(texts), ["a"], ["b"], min_count=1, prior_size=7)
    row = result.set_index("term").loc["alpha"]
    # y_a = 2, y_b = 0, n_a = 3, n_b = 4, alpha_0 = 7, alpha_w = 7 * 2 / 7 = 2.
    delta = np.log((2 + 2) / (3 + 7 - 2 - 2)) - np.log((0 + 2) / (4 + 7 - 0 - 2))
    assert row["log_odds"] == pytest.approx(delta)
    assert row["z"] == pytest.approx(delta / np.sqrt(1 / 4 + 1 / 2))


def test_compare_terms_rejects_bad_groups():
    documents = make_documents({"a": ("", "one word"), "b": ("", "other word")})
    with pytest.raises(InputError, match=r"group_b: 1 doc_id\(s\) not in documents \(e.g. zz\)"):
        compare_terms(documents, ["a"], ["zz"])
    with pytest.raises(InputError, match="each group needs at least one"):
        compare_terms(documents, ["a"], [])
    with pytest.raises(InputError, match="group_a: boolean mask has 3 values for 2"):
        compare_terms(documents, [True, False, True], ["b"])


def test_discover_command_on_the_seeds(capsys):
    from analysis.__main__ import main

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The small gazetteer leaves names to discover, whatever the shipped one covers.
        small = Path(__file__).parent / "fixtures" / "gazetteer_small.yml"
        assert main(["discover", str(config.SEEDS_DIR), "--top", "3", "--base", str(small)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "candidate,pattern,count,documents,example,doc_id"
    assert len(out) > 1


def test_a_word_of_a_longer_alias_is_a_miss_only_beside_its_neighbour():
    gazetteer = make_gazetteer(
        [("state-department", "actor", ["Department of State", "State Department"], [])]
    )
    texts = {
        "d1": ("", "The Department of Statte said no."),
        "d2": ("", "The Statue stood there. The Statue fell."),
        "d3": ("", "The State Department and the Department of State met."),
    }
    misses = near_misses(make_documents(texts), gazetteer)
    assert misses["surface"].tolist() == ["Statte"]
    assert misses["did_you_mean"].tolist() == ["State"]
    assert misses["example"].tolist() == ["The Department of Statte said no."]
