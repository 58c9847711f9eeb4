"""Role accuracy of the actor-weapon pairs judged by hand (``evaluation/actions/judged.csv``).

Each judged pair was read in its sentence (see :mod:`evaluation.actions.sample`) and given a
gold role for its actor: agent, recipient, target, source or none (the sentence gives the
actor no role towards the weapon), with ``gold_also`` for a second reading that is equally
right ("NATO is paying for those weapons" sent to NATO: recipient, also agent), and whether
the action is denied. The rules' roles (``analysis.cooccurrence``) are computed afresh and
compared:

- a resolved pair (role not "unknown") is right when its role is the gold role or
  ``gold_also``; a role given where the gold is "none" is wrong;
- the share resolved is over every judged pair, and over those with a gold role;
- negation is right when ``negated`` equals the gold, over the resolved pairs.

Figures for the held-out half (never looked at while writing the rules), the tune half and
both, with Wilson 95% intervals.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from evaluation.actions.sample import CORPORA, KEY, corpus_pairs

HERE = Path(__file__).resolve().parent
TARGET = 0.90


def judged(path: Path = HERE / "judged.csv") -> pd.DataFrame:
    gold = pd.read_csv(path, dtype={"doc_id": str}, keep_default_na=False)
    unknown = set(gold["gold_role"]) - {"agent", "recipient", "target", "source", "none"}
    if unknown:
        raise SystemExit(f"{path}: gold_role has unknown values {sorted(unknown)}")
    return gold


def with_rules(gold: pd.DataFrame) -> pd.DataFrame:
    """The judged pairs with the rules' roles beside them."""
    parts = []
    for corpus in CORPORA:
        wanted = set(gold.loc[gold["corpus"] == corpus, "doc_id"])
        if wanted:
            # The whole corpus, as when sampled: a subset can find other mentions (senses
            # read the corpus around a word).
            pairs = corpus_pairs(corpus)
            parts.append(pairs.loc[pairs["doc_id"].isin(wanted)])
    found = pd.concat(parts, ignore_index=True).astype({"sentence_id": int})
    found = found.drop_duplicates(KEY)
    merged = gold.merge(
        found[[*KEY, "actor_role", "negated", "role_rule", "agent", "action", "recipient"]],
        on=KEY,
        how="left",
    )
    gone = merged["actor_role"].isna()
    for row in merged.loc[gone].itertuples():  # listed, never silently dropped
        print(f"  not scored (the pair is no longer found): {row.actor} x {row.weapon}: "
              f"{row.sentence[:120]}")  # fmt: skip
    return merged.loc[~gone]


def scores(frame: pd.DataFrame) -> dict[str, tuple[int, int]]:
    resolved = frame.loc[frame["actor_role"] != "unknown"]
    right = (resolved["actor_role"] == resolved["gold_role"]) | (
        resolved["actor_role"] == resolved["gold_also"]
    )
    has_role = frame.loc[frame["gold_role"] != "none"]
    negated = resolved["negated"].astype(bool) == resolved["gold_negated"].eq("yes")
    return {
        "role accuracy, resolved pairs": (int(right.sum()), len(resolved)),
        "share resolved, every pair": (len(resolved), len(frame)),
        "share resolved, pairs with a role": (
            int((has_role["actor_role"] != "unknown").sum()),
            len(has_role),
        ),
        "negation right, resolved pairs": (int(negated.sum()), len(resolved)),
    }


def report(merged: pd.DataFrame, line) -> list[str]:
    lines = []
    for split, title in (("heldout", "HELD-OUT half (not tuned on)"), ("tune", "tune half"),
                         (None, "all judged pairs")):  # fmt: skip
        part = merged if split is None else merged.loc[merged["split"] == split]
        lines.append(f"\n{title}")
        for label, (successes, trials) in scores(part).items():
            target = TARGET if label.startswith("role accuracy") and split == "heldout" else None
            lines.append(line(label, successes, trials, target))
    return lines


def errors(merged: pd.DataFrame) -> pd.DataFrame:
    resolved = merged.loc[merged["actor_role"] != "unknown"]
    wrong = (resolved["actor_role"] != resolved["gold_role"]) & (
        resolved["actor_role"] != resolved["gold_also"]
    )
    return resolved.loc[wrong]


def main(argv: list[str] | None = None) -> int:
    from evaluation.__main__ import _line

    merged = with_rules(judged())
    print(f"Roles of actor-weapon pairs: {len(merged)} pairs judged by hand")
    print("\n".join(report(merged, _line)))
    if argv and "--errors" in argv:
        for row in errors(merged).itertuples():
            print(f"[{row.split}] {row.actor} x {row.weapon}: rules {row.actor_role} "
                  f"({row.role_rule}), gold {row.gold_role}: {row.sentence[:200]}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
