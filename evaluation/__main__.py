"""``make eval``: precision and recall of the extractor on hand-judged sentences, with intervals.

Reads ``evaluation/sentences.csv`` (the sample, see :mod:`evaluation.sample`) and every
``evaluation/gold/*.csv`` (each sentence read by hand, every mention listed, see
GUIDELINES.md), finds the mentions in the shared corpora with the shipped gazetteer, and
compares, sentence by sentence:

- a found mention is right when a hand-listed mention of the same kind and the same entity
  overlaps it (a unit or a person found by its shape, which the gazetteer does not list, is
  the same entity as a hand-listed free name of the same ``name_key``); every other found
  mention is wrong (a wrong entity, a double count, a false sense), and every hand-listed
  mention left without a right one is missed;
- recall is measured on the sentences drawn without the gazetteer (``random``: what a reader
  meets; ``war-context``, ``arms-context``, ``weapon-words``: sentences of war and defence and
  sentences with weapon words, where the weapons are), on the
  entities the gazetteer promises to cover (``scope`` core; every named actor is reported
  beside it); precision of a kind on the ``random`` sentences and those drawn for a mention of
  that kind; metonyms are left out (they are off by default);
- figures are given for the ``heldout`` half (never looked at while tuning), the ``tune``
  half and both, with Wilson 95% intervals.

``--errors tune`` writes the errors of the tune half to read (never those of the held-out
half unless asked by name).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import unicodedata
import warnings
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.api import find_mentions, load_corpus
from analysis.gazetteer import load_gazetteer
from analysis.unlisted import unit_key
from evaluation.sample import CORPORA, ROUNDS

HERE = Path(__file__).resolve().parent
TARGETS = {
    ("recall", "actor"): 0.95,
    ("recall", "weapon"): 0.93,
    ("precision", "actor"): 0.97,
    ("precision", "weapon"): 0.97,
    ("precision", "weapon, White House"): 0.95,
}
Z = 1.959964  # the 97.5th percentile of the normal distribution
# the parts reported: the held-out half, the tune half (every reading of it), each later reading
# of the tune half alone (drawn later, see ``evaluation.sample.draw_round``), everything
_ROUNDS = tuple(f"tune-{number}" for number in sorted(ROUNDS))
_PARTS = {
    "heldout": "HELD-OUT half (not tuned on)",
    "tune": "tune half (every reading)",
    **{r: f"tune half, reading {r.rsplit('-', 1)[1]}" for r in _ROUNDS},
    None: "all sentences",
}
_SPLITS = {"heldout": {"heldout"}, "tune": {"tune", *_ROUNDS}, **{r: {r} for r in _ROUNDS}}
# strata drawn without the gazetteer
_UNBIASED = {"random", "war-context", "arms-context", "weapon-words"}


def wilson(successes: int, trials: int) -> tuple[float, float, float]:
    """The share and its Wilson 95% interval (a small sample near 100% gets an honest lower end)."""
    if trials == 0:
        return math.nan, math.nan, math.nan
    share = successes / trials
    centre = (share + Z**2 / (2 * trials)) / (1 + Z**2 / trials)
    half = Z * math.sqrt(share * (1 - share) / trials + Z**2 / (4 * trials**2))
    half /= 1 + Z**2 / trials
    return share, max(0.0, centre - half), min(1.0, centre + half)


def read_gold(
    sentences: pd.DataFrame, folder: Path = HERE / "gold"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sentences read and their hand-listed mentions with document offsets. Every
    sentence must have been read, except a later reading of the tune half that no one has
    read yet (drawn, not judged): it is left out, and said on stderr."""
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise SystemExit(f"{folder}: no judgements yet")
    gold = pd.concat(
        [pd.read_csv(f, dtype=str, keep_default_na=False).assign(file=f.name) for f in files],
        ignore_index=True,
    )
    judged = sentences["sentence"].isin(set(gold["sentence"]))
    for split in sentences.loc[sentences["split"].isin(_ROUNDS), "split"].unique():
        part = sentences["split"] == split
        if not judged[part].any():
            print(f"{split}: {int(part.sum())} sentences drawn and not read yet, left out",
                  file=sys.stderr)  # fmt: skip
            sentences, judged = sentences.loc[~part], judged.loc[~part]
    if not judged.all():
        unread = sorted(sentences.loc[~judged, "sentence"])
        raise SystemExit(f"{len(unread)} sentences not read yet (first: {unread[0]})")
    text = sentences.set_index("sentence")
    rows = []
    for row in gold.loc[gold["surface"] != ""].itertuples():
        sentence = text.loc[row.sentence]
        at, occurrence = -1, int(row.occurrence or 1)
        for _ in range(occurrence):
            at = sentence["text"].find(row.surface, at + 1)
        if at < 0:
            raise SystemExit(f"{row.file}: {row.sentence}: {row.surface!r} not found")
        start = int(sentence["start"]) + at
        rows.append(
            {
                "sentence": row.sentence,
                "start": start,
                "end": start + len(row.surface),
                "surface": row.surface,
                "entity": row.entity.strip(),
                "kind": row.kind.strip(),
                "metonym": row.metonym.strip().lower() == "yes",
                "scope": (getattr(row, "scope", "") or "core").strip(),
                "note": row.note,
            }
        )
    return sentences, pd.DataFrame(rows)


def resolve(entities: pd.Series, gazetteer) -> pd.Series:
    """Gold entities as gazetteer ids: an id, a name or an alias of one (a plural too);
    otherwise unchanged."""
    table = gazetteer.entities
    lookup = {i.casefold(): i for i in table["id"]}
    for entity_id, name, aliases in zip(table["id"], table["name"], table["aliases"], strict=True):
        for key in (name, *aliases):
            lookup.setdefault(key.casefold(), entity_id)

    def find(entity: str) -> str:
        key = entity.casefold()
        for candidate in (key, key.removesuffix("s"), key.removesuffix("es")):
            if candidate in lookup:
                return lookup[candidate]
        return entity

    return entities.map(find)


def found_mentions(sentences: pd.DataFrame, gazetteer) -> pd.DataFrame:
    """The extractor's mentions inside the sampled sentences."""
    parts = []
    for corpus, path in CORPORA.items():
        wanted = sentences.loc[sentences["corpus"] == corpus]
        if wanted.empty:
            continue
        if not path.exists():
            raise SystemExit(f"SKIPPED: {path} is not here (the evaluation reads the corpora)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            documents = load_corpus(path)
        documents = documents.loc[documents["doc_id"].isin(wanted["doc_id"])]
        mentions = find_mentions(documents, gazetteer)
        mentions = mentions.loc[mentions["field"] == "text"].merge(
            wanted[["sentence", "doc_id", "start", "end"]].rename(
                columns={"start": "s_start", "end": "s_end"}
            ),
            on="doc_id",
        )
        inside = (mentions["start"] >= mentions["s_start"]) & (mentions["end"] <= mentions["s_end"])
        parts.append(mentions.loc[inside])
    found = pd.concat(parts, ignore_index=True)
    return found[["sentence", "start", "end", "surface", "entity_id", "entity", "kind", "match"]]


def name_key(name: str) -> str:
    """The key under which a gold free name and the name of a mention found by its shape
    (``match == "pattern"``: a unit or a person the gazetteer does not list) are the same
    entity: a unit's :func:`analysis.unlisted.unit_key`, else the name case-folded without
    accents or a bracketed qualifier ("Oleh Hehechkora", "72nd Mechanized Brigade (Ukraine)")."""
    key = unit_key(name)
    if key:
        return key
    plain = unicodedata.normalize("NFKD", re.sub(r"\s*\([^)]*\)\s*$", "", name))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold().strip()


def compare(found: pd.DataFrame, gold: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mark each found mention right or wrong and each gold mention found or missed."""
    found = found.assign(right=False, why="")
    if "match" not in found.columns:
        found = found.assign(match="exact", entity=found["entity_id"])
    gold = gold.assign(found=False)
    shaped = found["match"] == "pattern"
    found_key = pd.Series("", index=found.index).mask(shaped, found["entity"].map(name_key))
    for sentence, predicted in found.groupby("sentence"):
        listed = gold.loc[gold["sentence"] == sentence]
        for index, row in predicted.iterrows():
            overlap = listed.loc[(listed["start"] < row["end"]) & (listed["end"] > row["start"])]
            named = overlap["entity_id"] == row["entity_id"]
            if shaped[index]:  # a unit or person the gazetteer does not list: by its name
                named |= overlap["entity"].map(name_key) == found_key[index]
            same = overlap.loc[
                (overlap["kind"] == row["kind"]) & named & ~gold.loc[overlap.index, "found"]
            ]
            if len(same):
                found.loc[index, "right"] = True
                gold.loc[same.index[0], "found"] = True
            elif len(overlap):
                found.loc[index, "why"] = "wrong entity or double count: " + "; ".join(
                    f"{e} ({k})" for e, k in zip(overlap["entity"], overlap["kind"], strict=True)
                )
            else:
                found.loc[index, "why"] = "not a mention"
    return found, gold


def _line(label: str, successes: int, trials: int, target: float | None) -> str:
    share, low, high = wilson(successes, trials)
    verdict = ""
    if target is not None and trials:
        verdict = "MET" if share >= target else "NOT MET"
        verdict = f"  target {target:.0%}: {verdict}"
    if not trials:
        return f"  {label:<34} n=0"
    return f"  {label:<34} {share:7.1%}  [{low:.1%}, {high:.1%}]  ({successes}/{trials}){verdict}"


def report(found: pd.DataFrame, gold: pd.DataFrame, sentences: pd.DataFrame) -> list[str]:
    strata = sentences.set_index("sentence")["strata"].str.split()
    meta = sentences.set_index("sentence")[["corpus", "split"]]
    found = found.join(meta, on="sentence").assign(strata=lambda d: d["sentence"].map(strata))
    gold = gold.join(meta, on="sentence").assign(strata=lambda d: d["sentence"].map(strata))
    gold = gold.loc[~gold["metonym"]]
    lines = []
    for split, title in _PARTS.items():
        if split is not None and not sentences["split"].isin(_SPLITS[split]).any():
            continue
        lines.append(f"\n{title}")
        f = found if split is None else found.loc[found["split"].isin(_SPLITS[split])]
        g = gold if split is None else gold.loc[gold["split"].isin(_SPLITS[split])]
        unbiased = g.loc[g["strata"].map(lambda s: bool(_UNBIASED & set(s)))]
        for kind in ("actor", "weapon"):
            core = unbiased.loc[(unbiased["kind"] == kind) & (unbiased["scope"] == "core")]
            lines.append(
                _line(f"recall, {kind}", int(core["found"].sum()), len(core),
                      TARGETS[("recall", kind)] if split == "heldout" else None)
            )  # fmt: skip
            every = unbiased.loc[unbiased["kind"] == kind]
            lines.append(
                _line(f"recall, {kind}, every named one", int(every["found"].sum()), len(every),
                      None)
            )  # fmt: skip
        for kind in ("actor", "weapon"):
            pool = f.loc[
                (f["kind"] == kind) & f["strata"].map(lambda s, k=kind: "random" in s or k in s)
            ]
            lines.append(
                _line(f"precision, {kind}", int(pool["right"].sum()), len(pool),
                      TARGETS[("precision", kind)] if split == "heldout" else None)
            )  # fmt: skip
        wh = f.loc[
            (f["kind"] == "weapon")
            & (f["corpus"] == "whitehouse")
            & f["strata"].map(lambda s: "random" in s or "weapon" in s)
        ]
        lines.append(
            _line("precision, weapon, White House", int(wh["right"].sum()), len(wh),
                  TARGETS[("precision", "weapon, White House")] if split == "heldout" else None)
        )  # fmt: skip
        lines.append(_line("precision, every found mention", int(f["right"].sum()), len(f), None))
        lines.append(_line("recall, every listed mention", int(g["found"].sum()), len(g), None))
    lines.append("\nper entity, all sentences (precision of the found; recall of the listed)")
    top = found["entity_id"].value_counts().index[:30]
    for entity in top:
        f = found.loc[found["entity_id"] == entity]
        g = gold.loc[gold["entity_id"] == entity]
        p, pl, ph = wilson(int(f["right"].sum()), len(f))
        r, rl, rh = wilson(int(g["found"].sum()), len(g))
        lines.append(
            f"  {entity:<28} precision {p:6.1%} [{pl:.0%}, {ph:.0%}] n={len(f):<4}"
            f" recall {r:6.1%} [{rl:.0%}, {rh:.0%}] n={len(g)}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation")
    parser.add_argument(
        "--errors", choices=("tune", *_ROUNDS, "heldout"),
        help="write that part's errors to read (CSV)",
    )
    args = parser.parse_args(argv)
    sentences = pd.read_csv(HERE / "sentences.csv", dtype={"doc_id": str})
    if not config.CORPORA_DIR.exists():
        print(f"SKIPPED: the shared corpora are not at {config.CORPORA_DIR}")
        return 0
    gazetteer = load_gazetteer()
    sentences, gold = read_gold(sentences)
    gold = gold.assign(entity_id=resolve(gold["entity"], gazetteer))
    found, gold = compare(found_mentions(sentences, gazetteer), gold)
    print(
        f"{len(sentences)} sentences read by hand ({sentences['split'].value_counts().to_dict()}),"
        f" {len(gold)} mentions listed, {len(found)} found; gazetteer {gazetteer.hash}"
    )
    print("\n".join(report(found, gold, sentences)))
    from evaluation.actions.evaluate import main as action_roles  # roles of actor-weapon pairs

    print()
    action_roles()
    if args.errors:
        split = sentences.set_index("sentence")["split"]
        text = sentences.set_index("sentence")["text"]
        part = _SPLITS[args.errors]
        wrong = found.loc[~found["right"] & found["sentence"].map(split).isin(part)]
        missed = gold.loc[~gold["found"] & gold["sentence"].map(split).isin(part)]
        errors = pd.concat(
            [
                wrong.assign(error="wrong", entity=wrong["entity_id"], note=wrong["why"]),
                missed.assign(error="missed"),
            ],
            ignore_index=True,
        )[["error", "sentence", "surface", "entity", "kind", "note"]]
        errors = errors.assign(text=errors["sentence"].map(text)).sort_values(
            ["error", "kind", "entity"]
        )
        path = HERE / f"errors-{args.errors}.csv"
        errors.to_csv(path, index=False, lineterminator="\n")
        print(f"\n{len(errors)} errors of the {args.errors} half written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
