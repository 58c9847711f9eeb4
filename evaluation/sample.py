"""Draw the evaluation sentences from the shared corpora (run once; the result is committed).

``python -m evaluation.sample`` writes ``evaluation/sentences.csv``: one row per sentence to be
read by hand, with where it comes from (corpus, doc_id, field, character span), why it was
drawn (its strata) and which part of the set it belongs to (``tune`` or ``heldout``, decided
by a hash of the document, so every sentence of a document falls in the same part).

Strata (seed 20261201; the baseline extractor is the default gazetteer at the hash printed):

- ``random``: sentences drawn uniformly from all sentences of 20-600 characters of the unique
  documents, per corpus: the recall sample (what a reader of the corpus meets).
- ``weapon``, ``actor``: sentences holding a random mention of that kind found by the baseline
  extractor, per corpus: the precision sample of each kind.
- ``top``: two sentences for each of the 30 entities the baseline finds most often.
- ``weapon-entity``: one sentence for every weapon entity the baseline finds at least once.
- ``war-context`` (drawn second, ``--war-context``): sentences drawn uniformly from those
  with a word of war or defence in them (``WAR_WORDS``, none of them an alias of a weapon),
  per corpus: a recall sample that owes nothing to the gazetteer, since a random sentence of
  the White House corpus rarely names a weapon.
- ``arms-context`` (drawn third, ``--arms-context``): the same from sentences with a word of
  supplying, firing or intercepting (``ARMS_WORDS``, none an alias either): where weapons are
  named, so that weapon recall rests on enough mentions.
- ``weapon-words`` (drawn fourth, ``--weapon-words``): the same from sentences with a word of a
  weapon class or a common designation pattern (``WEAPON_WORDS``, a broad regex written
  without the gazetteer: tanks, missiles, drones, artillery, shells, rifles, "F-16", "S-300",
  "T-72" ...): the weapon recall sample, so that it rests on enough weapon mentions and is not
  limited to what the gazetteer already knows.

A sentence drawn by several strata is one row listing them all.

Later readings of the tune half (``--round 2`` ... ``--round 9``; ``ROUNDS``): new sentences of the
``tune`` documents only, for the same strata, with ``split`` = ``tune-2``, ``tune-3`` so that
their figures are read once before any tuning on them (the held-out half is never drawn from
again).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.api import find_mentions, load_corpus
from analysis.corpus import unique_documents
from analysis.gazetteer import load_gazetteer
from analysis.text.sentences import sentence_spans

HERE = Path(__file__).resolve().parent
SEED = 20261201
CORPORA = {
    "whitehouse": config.WHITEHOUSE_CORPUS,
    "kremlin": config.CORPORA_DIR / "kremlin_press_releases_2021-2022.csv.gz",
    "ukraine": config.CORPORA_DIR / "president_ua_press_releases_2021-2022.csv.gz",
}
RANDOM_PER_CORPUS = {"whitehouse": 80, "kremlin": 60, "ukraine": 60}
KIND_PER_CORPUS = {"weapon": {"whitehouse": 80, "kremlin": 30, "ukraine": 40},
                   "actor": {"whitehouse": 40, "kremlin": 20, "ukraine": 20}}  # fmt: skip
TOP_ENTITIES, PER_TOP_ENTITY = 30, 2
WAR_PER_CORPUS = {"whitehouse": 60, "kremlin": 45, "ukraine": 45}
ARMS_PER_CORPUS = {"whitehouse": 50, "kremlin": 40, "ukraine": 60}
ARMS_WORDS = re.compile(
    r"\b(?:launch(?:ed|es|ing)?|fired|firing|shot down|intercept(?:ed|ing|s)?|deliver(?:ed|ies|y)|"
    r"suppl(?:y|ied|ies|ying)|arsenal|equipped|hardware|stockpiles?|procure(?:d|ment))\b",
    re.IGNORECASE,
)
WAR_WORDS = re.compile(
    r"\b(?:war|wartime|military|defen[cs]e|attacks?|strikes?|shelling|army|troops|front ?line|"
    r"offensive|combat|battlefield|invasion|ceasefire|security assistance|frontline|occupied)\b",
    re.IGNORECASE,
)
WEAPON_WORDS_PER_CORPUS = {"whitehouse": 60, "kremlin": 40, "ukraine": 60}
WEAPON_WORDS = re.compile(
    r"\b(?:tanks?|missiles?|rockets?|drones?|UAVs?|artillery|howitzers?|mortars?|shells?|"
    r"ammunition|munitions?|bombs?|bombers?|air[- ]defen[cs]e|anti-(?:aircraft|tank|ship)|"
    r"interceptors?|fighter(?: jet)?s?|jets|aircraft|helicopters?|warships?|submarines?|"
    r"frigates?|cruisers?|destroyers?|rifles?|grenades?|guns?|firearms|weapons?|weaponry|"
    r"arms|armou?red|launchers?|MLRS|nuclear|warheads?|mines|"
    r"[A-Z]{1,4}-\d{1,3}[A-Z]?\d?s?)\b",
    re.IGNORECASE,
)
MIN_CHARS, MAX_CHARS = 20, 600


def split_of(corpus: str, doc_id: str) -> str:
    """``tune`` or ``heldout``: half the documents each, fixed by a hash of corpus and doc_id."""
    digest = hashlib.sha256(f"{corpus}\0{doc_id}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "heldout"


def _sentences(documents: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"].fillna(""), strict=True):
        for number, (start, end) in enumerate(sentence_spans(text)):
            if MIN_CHARS <= end - start <= MAX_CHARS:
                rows.append((doc_id, number, start, end))
    return pd.DataFrame(rows, columns=["doc_id", "sentence_id", "start", "end"])


def draw(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gazetteer = load_gazetteer()
    drawn: list[dict] = []
    all_mentions = []
    texts: dict[tuple[str, str], str] = {}
    for corpus, path in CORPORA.items():
        if not path.exists():
            raise SystemExit(f"{path}: the shared corpus is needed to draw the sample")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            documents = unique_documents(load_corpus(path))
        texts.update(
            {(corpus, d): t for d, t in zip(documents["doc_id"], documents["text"], strict=True)}
        )
        sentences = _sentences(documents)
        mentions = find_mentions(documents, gazetteer)
        mentions = mentions.loc[mentions["field"] == "text"].merge(
            sentences, on=["doc_id", "sentence_id"], how="inner", suffixes=("", "_sentence")
        )
        all_mentions.append(mentions.assign(corpus=corpus))
        for index in rng.choice(len(sentences), RANDOM_PER_CORPUS[corpus], replace=False):
            drawn.append({"corpus": corpus, **sentences.iloc[index].to_dict(), "stratum": "random"})
        for kind, sizes in KIND_PER_CORPUS.items():
            pool = mentions.loc[mentions["kind"] == kind]
            for index in rng.choice(len(pool), min(sizes[corpus], len(pool)), replace=False):
                drawn.append(_sentence_row(corpus, pool.iloc[index], kind))
    found = pd.concat(all_mentions, ignore_index=True)
    top = found["entity_id"].value_counts().index[:TOP_ENTITIES]
    for entity in top:
        pool = found.loc[found["entity_id"] == entity]
        for index in rng.choice(len(pool), min(PER_TOP_ENTITY, len(pool)), replace=False):
            drawn.append(_sentence_row(pool.iloc[index]["corpus"], pool.iloc[index], "top"))
    for entity in sorted(found.loc[found["kind"] == "weapon", "entity_id"].unique()):
        pool = found.loc[found["entity_id"] == entity]
        row = pool.iloc[int(rng.integers(len(pool)))]
        drawn.append(_sentence_row(row["corpus"], row, "weapon-entity"))
    frame = pd.DataFrame(drawn)
    keys = ["corpus", "doc_id", "sentence_id"]
    merged = (
        frame.groupby(keys, sort=False)
        .agg(start=("start", "first"), end=("end", "first"),
             strata=("stratum", lambda s: " ".join(dict.fromkeys(s))))
        .reset_index()
    )  # fmt: skip
    merged = merged.assign(
        field="text",
        split=[split_of(c, d) for c, d in zip(merged["corpus"], merged["doc_id"], strict=True)],
        text=[
            texts[(c, d)][s:e]
            for c, d, s, e in zip(
                merged["corpus"], merged["doc_id"], merged["start"], merged["end"], strict=True
            )
        ],
    )
    merged = merged.sample(frac=1, random_state=seed).reset_index(drop=True)  # reading order
    merged.insert(0, "sentence", [f"s{number:04d}" for number in range(1, len(merged) + 1)])
    merged.attrs["gazetteer"] = gazetteer.hash
    return merged[
        ["sentence", "corpus", "doc_id", "field", "sentence_id", "start", "end", "split",
         "strata", "text"]
    ]  # fmt: skip


def draw_war_context(
    existing: pd.DataFrame,
    seed: int = SEED + 1,
    words: re.Pattern = WAR_WORDS,
    sizes: dict[str, int] = WAR_PER_CORPUS,
    stratum: str = "war-context",
) -> pd.DataFrame:
    """A context stratum (``war-context``, ``arms-context``): new sentences only, numbered after
    ``existing``."""
    rng = np.random.default_rng(seed)
    taken = set(zip(existing["corpus"], existing["doc_id"], existing["sentence_id"], strict=True))
    rows = []
    for corpus, path in CORPORA.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            documents = unique_documents(load_corpus(path))
        texts = dict(zip(documents["doc_id"], documents["text"], strict=True))
        sentences = _sentences(documents)
        text = [texts[d][a:b] for d, a, b in zip(sentences["doc_id"], sentences["start"],
                                                 sentences["end"], strict=True)]  # fmt: skip
        warlike = sentences.assign(text=text).loc[lambda d: d["text"].str.contains(words)]
        warlike = warlike.loc[
            [(corpus, d, n) not in taken for d, n in zip(warlike["doc_id"], warlike["sentence_id"],
                                                         strict=True)]  # fmt: skip
        ]
        for index in rng.choice(len(warlike), sizes[corpus], replace=False):
            row = warlike.iloc[index]
            rows.append({"corpus": corpus, **row.to_dict(), "strata": stratum})
    extra = pd.DataFrame(rows).sample(frac=1, random_state=seed).reset_index(drop=True)
    extra = extra.assign(
        field="text",
        split=[split_of(c, d) for c, d in zip(extra["corpus"], extra["doc_id"], strict=True)],
    )
    first = len(existing) + 1
    extra.insert(0, "sentence", [f"s{n:04d}" for n in range(first, first + len(extra))])
    return extra[existing.columns]


ROUNDS = {  # later readings of the tune half: round -> stratum -> corpus -> sentences
    2: {
        "random": {"whitehouse": 15, "kremlin": 10, "ukraine": 10},
        "war-context": {"whitehouse": 10, "kremlin": 10, "ukraine": 10},
        "arms-context": {"whitehouse": 10, "kremlin": 15, "ukraine": 15},
        "weapon-words": {"whitehouse": 25, "kremlin": 20, "ukraine": 25},
        "weapon": {"whitehouse": 20, "kremlin": 10, "ukraine": 10},
        "actor": {"whitehouse": 10, "kremlin": 5, "ukraine": 5},
    },
    # The third leans to recall, weapon recall above all (the held-out half's largest gap).
    3: {
        "random": {"whitehouse": 15, "kremlin": 10, "ukraine": 10},
        "war-context": {"whitehouse": 10, "kremlin": 10, "ukraine": 10},
        "arms-context": {"whitehouse": 15, "kremlin": 15, "ukraine": 15},
        "weapon-words": {"whitehouse": 30, "kremlin": 25, "ukraine": 30},
        "weapon": {"whitehouse": 20, "kremlin": 5, "ukraine": 5},
    },
    4: {
        "random": {"whitehouse": 15, "kremlin": 10, "ukraine": 10},
        "war-context": {"whitehouse": 10, "kremlin": 10, "ukraine": 10},
        "arms-context": {"whitehouse": 10, "kremlin": 15, "ukraine": 15},
        "weapon-words": {"whitehouse": 25, "kremlin": 20, "ukraine": 25},
        "weapon": {"whitehouse": 20, "kremlin": 10, "ukraine": 10},
        "actor": {"whitehouse": 15, "kremlin": 10, "ukraine": 10},
    },
    **dict.fromkeys((5, 6, 7, 8, 9), {
        "random": {"whitehouse": 15, "kremlin": 10, "ukraine": 10},
        "war-context": {"whitehouse": 10, "kremlin": 10, "ukraine": 10},
        "arms-context": {"whitehouse": 10, "kremlin": 15, "ukraine": 15},
        "weapon-words": {"whitehouse": 25, "kremlin": 20, "ukraine": 25},
        "weapon": {"whitehouse": 20, "kremlin": 10, "ukraine": 10},
        "actor": {"whitehouse": 10, "kremlin": 10, "ukraine": 10},
    }),  # fmt: skip
}
_ROUND_WORDS = {"war-context": WAR_WORDS, "arms-context": ARMS_WORDS, "weapon-words": WEAPON_WORDS}


def draw_round(existing: pd.DataFrame, number: int = 2) -> pd.DataFrame:
    """New sentences of the ``tune`` documents only (the held-out half is never drawn from),
    for every stratum of ``ROUNDS[number]``, labelled ``tune-<number>`` in ``split`` so their
    figures can be read once before any tuning on them; numbered after ``existing``."""
    rng = np.random.default_rng(SEED + 8 + number)
    label = f"tune-{number}"
    taken = set(zip(existing["corpus"], existing["doc_id"], existing["sentence_id"], strict=True))
    gazetteer = load_gazetteer()
    rows = []
    for corpus, path in CORPORA.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            documents = unique_documents(load_corpus(path))
        documents = documents.loc[[split_of(corpus, d) == "tune" for d in documents["doc_id"]]]
        texts = dict(zip(documents["doc_id"], documents["text"], strict=True))
        sentences = _sentences(documents)
        sentences = sentences.assign(
            text=[texts[d][a:b] for d, a, b in zip(sentences["doc_id"], sentences["start"],
                                                   sentences["end"], strict=True)]  # fmt: skip
        )
        mentions = find_mentions(documents, gazetteer)
        mentions = mentions.loc[mentions["field"] == "text"]
        for stratum, sizes in ROUNDS[number].items():
            if stratum in _ROUND_WORDS:
                pool = sentences.loc[sentences["text"].str.contains(_ROUND_WORDS[stratum])]
            elif stratum == "random":
                pool = sentences
            else:
                keys = mentions.loc[mentions["kind"] == stratum, ["doc_id", "sentence_id"]]
                pool = sentences.merge(keys.drop_duplicates(), on=["doc_id", "sentence_id"])
            pool = pool.loc[[(corpus, d, n) not in taken for d, n in
                             zip(pool["doc_id"], pool["sentence_id"], strict=True)]]  # fmt: skip
            for index in rng.choice(len(pool), min(sizes[corpus], len(pool)), replace=False):
                row = pool.iloc[index]
                taken.add((corpus, row["doc_id"], row["sentence_id"]))
                rows.append({"corpus": corpus, **row.to_dict(), "strata": stratum})
    extra = pd.DataFrame(rows).sample(frac=1, random_state=SEED + 8 + number)
    extra = extra.reset_index(drop=True).assign(field="text", split=label)
    first = len(existing) + 1
    extra.insert(0, "sentence", [f"s{n:04d}" for n in range(first, first + len(extra))])
    return extra[existing.columns]


def _sentence_row(corpus: str, mention: pd.Series, stratum: str) -> dict:
    return {
        "corpus": corpus,
        "doc_id": mention["doc_id"],
        "sentence_id": int(mention["sentence_id"]),
        "start": int(mention["start_sentence"]),
        "end": int(mention["end_sentence"]),
        "stratum": stratum,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.sample")
    parser.add_argument("-o", "--output", default=str(HERE / "sentences.csv"))
    parser.add_argument(
        "--war-context", action="store_true", help="append the war-context stratum to the file"
    )
    parser.add_argument(
        "--arms-context", action="store_true", help="append the arms-context stratum to the file"
    )
    parser.add_argument(
        "--weapon-words", action="store_true", help="append the weapon-words stratum to the file"
    )
    parser.add_argument(
        "--round", type=int, choices=sorted(ROUNDS), help="append a later reading of the tune half"
    )
    args = parser.parse_args(argv)
    if args.round:
        existing = pd.read_csv(args.output, dtype={"doc_id": str})
        if (existing["split"] == f"tune-{args.round}").any():
            raise SystemExit(f"{args.output}: tune round {args.round} is there already")
        extra = draw_round(existing, args.round)
        pd.concat([existing, extra], ignore_index=True).to_csv(
            args.output, index=False, lineterminator="\n"
        )
        strata = extra["strata"].value_counts().to_dict()
        print(f"{len(extra)} tune-{args.round} sentences appended ({strata})")
        return 0
    if args.war_context or args.arms_context or args.weapon_words:
        stratum = ("war-context" if args.war_context
                   else "arms-context" if args.arms_context else "weapon-words")  # fmt: skip
        existing = pd.read_csv(args.output, dtype={"doc_id": str})
        if existing["strata"].str.contains(stratum).any():
            raise SystemExit(f"{args.output}: the {stratum} stratum is there already")
        if args.war_context:
            extra = draw_war_context(existing)
        elif args.weapon_words:
            extra = draw_war_context(
                existing, SEED + 3, WEAPON_WORDS, WEAPON_WORDS_PER_CORPUS, stratum
            )
        else:
            extra = draw_war_context(existing, SEED + 2, ARMS_WORDS, ARMS_PER_CORPUS, stratum)
        pd.concat([existing, extra], ignore_index=True).to_csv(
            args.output, index=False, lineterminator="\n"
        )
        halves = extra["split"].value_counts().to_dict()
        print(f"{len(extra)} {stratum} sentences appended ({halves})")
        return 0
    sample = draw()
    sample.to_csv(args.output, index=False, lineterminator="\n")
    counts = sample.groupby("split").size().to_dict()
    print(f"{len(sample)} sentences ({counts}); baseline gazetteer {sample.attrs['gazetteer']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
