"""Draw the actor-weapon pairs to judge by hand: ``python -m evaluation.actions.sample``.

Sentences that hold at least one sentence-scope pair (``analysis.cooccurrence``) are drawn
with a fixed seed from the White House corpus and the President of Ukraine releases, plus the
seeds; each drawn sentence gives up to ``PER_SENTENCE`` of its pairs. The file written,
``sample.csv``, holds only what a judge needs to read (sentence, actor, weapon), never the
rules' output, so the judgement is made from the sentence. Half the sentences, by a hash of
corpus, document and sentence, are ``heldout``: the rules are never tuned on them.
"""

from __future__ import annotations

import hashlib
import sys
import warnings
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.api import find_mentions, load_corpus
from analysis.pairs import cooccurrence

HERE = Path(__file__).resolve().parent
SEED = 20261201
CORPORA = {
    "whitehouse": config.CORPORA_DIR / "whitehouse_briefings.jsonl.gz",
    "ukraine": config.CORPORA_DIR / "president_ua_press_releases_2021-2022.csv.gz",
    "seeds": config.SEEDS_DIR,
}
SENTENCES = {"whitehouse": 40, "ukraine": 40, "seeds": 8}
PER_SENTENCE = 3
KEY = ["corpus", "doc_id", "sentence_id", "actor_id", "weapon_id"]


def split_of(corpus: str, doc_id: str, sentence_id: int) -> str:
    """``tune`` or ``heldout``, fixed by a hash of the sentence's corpus, document and number."""
    digest = hashlib.sha256(f"{corpus}\0{doc_id}\0{sentence_id}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "heldout"


def corpus_pairs(corpus: str, doc_ids: pd.Series | None = None) -> pd.DataFrame:
    """Sentence-scope pairs of one corpus (of some of its documents), with the corpus name."""
    path = CORPORA[corpus]
    if not Path(path).exists():
        raise SystemExit(f"SKIPPED: {path} is not here (the action evaluation reads it)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(path)
    if doc_ids is not None:
        documents = documents.loc[documents["doc_id"].astype(str).isin(set(doc_ids))]
    pairs = cooccurrence(find_mentions(documents), documents)
    pairs = pairs.loc[pairs["sentence_id"].notna()]
    return pairs.assign(corpus=corpus, doc_id=pairs["doc_id"].astype(str))


def draw() -> pd.DataFrame:
    parts = []
    for corpus, size in SENTENCES.items():
        pairs = corpus_pairs(corpus)
        sentences = (
            pairs[["doc_id", "sentence_id"]]
            .drop_duplicates()
            .sort_values(["doc_id", "sentence_id"])
        )
        chosen = sentences.sample(min(size, len(sentences)), random_state=SEED)
        picked = pairs.merge(chosen, on=["doc_id", "sentence_id"])
        picked = picked.sort_values(["doc_id", "sentence_id", "actor_id", "weapon_id"])
        parts.append(picked.groupby(["doc_id", "sentence_id"], sort=False).head(PER_SENTENCE))
    sample = pd.concat(parts, ignore_index=True)
    sample = sample.assign(
        split=[
            split_of(c, d, int(s))
            for c, d, s in zip(
                sample["corpus"], sample["doc_id"], sample["sentence_id"], strict=True
            )
        ]
    )
    return sample[[*KEY, "split", "actor", "weapon", "sentence"]]


def main(argv: list[str] | None = None) -> int:
    sample = draw()
    path = HERE / "sample.csv"
    sample.to_csv(path, index=False, lineterminator="\n")
    sentences = len(sample[["corpus", "doc_id", "sentence_id"]].drop_duplicates())
    print(f"{len(sample)} pairs in {sentences} sentences -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
