"""Actor x weapon pairs mentioned together, each labelled with the action that links them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis.actions import (
    UNRESOLVED,
    Roles,
    clause_of,
    link_verb,
    load_action_lexicon,
    pair_roles,
)
from analysis.errors import InputError
from analysis.kwic import (
    SentenceTexts,
    collapse,
    located_mentions,
    marked_context,
    outlet_of,
    spread_over_documents,
    unique_text_documents,
)
from analysis.schema import FIELDS, NO_ACTION, require_columns

# The roles of each pair in its clause (analysis.actions.pair_roles).
ROLE_COLUMNS = list(Roles._fields)
PAIR_COLUMNS = [
    "doc_id",
    "date",
    "field",
    "sentence_id",
    "actor_id",
    "actor",
    "weapon_id",
    "weapon",
    "verb",
    "action_class",
    *ROLE_COLUMNS,
    "sentence",
]

# --- co-occurrence ------------------------------------------------------------------------------


def _closest_pairs(actors: pd.DataFrame, weapons: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each actor entity x weapon entity sharing ``keys``, by its two closest mentions.

    Returns the merged mentions with suffixes ``_a`` (actor) and ``_w`` (weapon) on field,
    sentence_id, start, end, entity_id and entity. Mentions in different fields (title and
    text) are never "close": their gap counts as infinite.
    """
    pairs = actors.merge(weapons.drop(columns="date"), on=keys, suffixes=("_a", "_w"))
    for column in ("field", "sentence_id"):
        if column in keys:  # merged on, so not suffixed: give both sides the shared value
            pairs = pairs.assign(**{f"{column}_a": pairs[column], f"{column}_w": pairs[column]})
    if pairs.empty:
        return pairs
    gap = np.maximum(
        np.maximum(pairs["start_a"], pairs["start_w"]) - np.minimum(pairs["end_a"], pairs["end_w"]),
        0,
    )
    same_field = pairs["field_a"].eq(pairs["field_w"])
    return (
        pairs.assign(_gap=np.where(same_field, gap, np.iinfo(np.int64).max))
        .sort_values(["_gap", "start_a", "start_w"], kind="stable")
        .drop_duplicates([*keys, "entity_id_a", "entity_id_w"])
    )


def _side(pairs: pd.DataFrame, suffix: str) -> pd.DataFrame:
    """The actor (``_a``) or weapon (``_w``) side of pairs: doc_id, field, sentence_id, start."""
    return pd.DataFrame(
        {
            "doc_id": pairs["doc_id"].to_numpy(),
            "field": pairs[f"field{suffix}"].to_numpy(),
            "sentence_id": pairs[f"sentence_id{suffix}"].to_numpy(),
            "start": pairs[f"start{suffix}"].to_numpy(),
        }
    )


def cooccurrence(
    mentions: pd.DataFrame, documents: pd.DataFrame, *, scope: str = "sentence"
) -> pd.DataFrame:
    """Actor x weapon pairs mentioned together, each labelled with the action that links them.

    A pair is one actor entity and one weapon entity in the same sentence (``scope="sentence"``)
    or the same document (``scope="document"``); it is counted once per sentence (document)
    however often either is repeated there, using the two mentions closest to each other.
    The linking verb is found by :func:`link_verb` with the action classes of
    ``data/action_verbs.yml`` (pledge, deliver, buy/sell, pause, intercept, attack, request).

    Precision, measured by hand. Sample: all 78 sentence-scope pairs of the 3 seeds, and 30 of
    the 9,221 sentence-scope pairs of the White House corpus drawn with
    ``pairs.sample(30, random_state=0)``; default gazetteer at hash 528bd7e82148e10b (474
    entities), metonyms off, action lexicon as shipped. Each pair was read in its sentence and
    judged: is it real (the sentence relates this actor and this weapon: acts on it, asks for
    it, receives it, is attacked with it ...); when a class is given, does it name the action
    that links them (the giver/receiver direction is not encoded, so a receiver counts); when
    "none", did a listed action link them all the same (a miss)?

    - real pairs: seeds 74/78 (95 %), White House 28/30 (93 %), together 102/108 (94 %);
    - class correct, among pairs given one: seeds 39/44 (89 %), White House 10/11 (91 %),
      together 49/55 (89 %);
    - misses among the "none" pairs: seeds 9 of 34, White House 4 of 19.

    Wrong pairs: two actors that only share a long sentence ("Russia's invasion" beside
    Javelins delivered to Ukraine; "the ASEAN Summit" beside air defence). Wrong classes: a noun
    read as the action ("procure key supplies from the U.S." is "deliver"), another clause's
    action ("help Ukraine with air defense, due to escalating Russian attacks" is "attack").
    Misses come mostly from rule 2 of :func:`link_verb` (a third actor between the verb and
    this actor: "provided by US to Ukraine" gives Ukraine no class) and from verbs beyond the
    reach. Negation is not handled ("will not send" is "deliver").

    Parameters
    ----------
    mentions : mentions frame (uses doc_id, field, sentence_id, start, end, entity_id, entity,
        kind).
    documents : documents frame (uses doc_id, date, title, text, duplicate_of).
    scope : "sentence" or "document". In document scope, a pair whose closest mentions are not
        in one sentence has sentence_id <NA>, both sentences joined by " … " and no verb.

    Returns
    -------
    frame (``attrs["scope"]``), one row per pair occurrence, ordered by date, doc_id, field,
    sentence_id: doc_id, date, field, sentence_id (Int64), actor_id, actor, weapon_id, weapon,
    verb (the word(s) as written, lower-cased; "" when none), action_class (a class name or
    "none"), sentence (whitespace collapsed).
    """
    if scope not in ("sentence", "document"):
        raise InputError(f"scope: unknown value {scope!r}; use sentence or document")
    unique = unique_text_documents(documents)
    located = located_mentions(mentions, unique)
    require_columns(located, ["kind", "entity"], "mentions")
    base = ["doc_id", "date", "field", "sentence_id", "start", "end", "entity_id", "entity"]
    actors = located.loc[located["kind"].eq("actor"), base]
    weapons = located.loc[located["kind"].eq("weapon"), base]
    keys = ["doc_id", "field", "sentence_id"] if scope == "sentence" else ["doc_id"]
    pairs = _closest_pairs(actors, weapons, keys)
    if pairs.empty:
        empty = pd.DataFrame({column: pd.Series(dtype="str") for column in PAIR_COLUMNS}).astype(
            {"sentence_id": "Int64", "date": located["date"].dtype, "negated": bool}
        )
        empty.attrs.update(scope=scope)
        return empty

    texts = SentenceTexts(unique.loc[unique["doc_id"].isin(pairs["doc_id"].unique())])
    a_start, a_end = texts.locate(_side(pairs, "_a"))
    w_start, w_end = texts.locate(_side(pairs, "_w"))
    # Every mention of the sentences that hold a pair: their words are never verbs.
    keys = ["doc_id", "field", "sentence_id"]
    pair_keys = _side(pairs, "_a")[keys].drop_duplicates()
    around = located[[*keys, "start", "end", "kind", "entity"]].merge(pair_keys, on=keys)
    mentions_by_sentence: dict[tuple, list[tuple[int, int, str]]] = {}
    names: dict[tuple, list[str]] = {}
    for doc_id, field, sentence_id, start, end, kind, entity in zip(
        *(around[column].tolist() for column in around.columns), strict=True
    ):
        mentions_by_sentence.setdefault((doc_id, field, sentence_id), []).append((start, end, kind))
        names.setdefault((doc_id, field, sentence_id), []).append(entity)
    lexicon = load_action_lexicon()
    clauses: dict[tuple, Any] = {}
    rows = []
    for i, row in enumerate(pairs.itertuples(index=False)):
        sentence_a = texts.text(row.doc_id, row.field_a)[a_start[i] : a_end[i]]
        if row.field_a == row.field_w and row.sentence_id_a == row.sentence_id_w:
            verb, action = link_verb(
                sentence_a,
                int(a_start[i]),
                (row.start_a, row.end_a),
                (row.start_w, row.end_w),
                mentions_by_sentence[(row.doc_id, row.field_a, row.sentence_id_a)],
                lexicon,
            )
            key, at = (row.doc_id, row.field_a, row.sentence_id_a), int(a_start[i])
            if key not in clauses:  # one preparation per sentence, shared by its pairs
                local = [
                    (start - at, end - at, kind, name)
                    for (start, end, kind), name in zip(
                        mentions_by_sentence[key], names[key], strict=True
                    )
                ]
                clauses[key] = clause_of(sentence_a, local, lexicon)
            roles = pair_roles(
                clauses[key],
                (row.start_a - at, row.end_a - at),
                (row.start_w - at, row.end_w - at),
                lexicon=lexicon,
            )
            rows.append(
                (row.field_a, row.sentence_id_a, verb, action, *roles,
                 collapse(sentence_a))
            )  # fmt: skip
            continue
        # Document scope, mentions in different sentences: show both, in reading order.
        sentence_w = texts.text(row.doc_id, row.field_w)[w_start[i] : w_end[i]]
        actor_first = (FIELDS.index(row.field_a), row.start_a) <= (
            FIELDS.index(row.field_w),
            row.start_w,
        )
        field, first, second = (
            (row.field_a, sentence_a, sentence_w)
            if actor_first
            else (row.field_w, sentence_w, sentence_a)
        )
        joined = collapse(first).strip() + " … " + collapse(second).strip()
        rows.append((field, pd.NA, "", NO_ACTION, *UNRESOLVED, joined))
    labels = pd.DataFrame(
        rows,
        columns=["field", "sentence_id", "verb", "action_class", *ROLE_COLUMNS, "sentence"],
    ).astype({"sentence_id": "Int64", "negated": bool})
    return (
        pd.concat(
            [
                pairs[["doc_id", "date", "entity_id_a", "entity_a", "entity_id_w", "entity_w"]]
                .reset_index(drop=True)
                .rename(
                    columns={
                        "entity_id_a": "actor_id",
                        "entity_a": "actor",
                        "entity_id_w": "weapon_id",
                        "entity_w": "weapon",
                    }
                ),
                labels,
            ],
            axis=1,
        )
        .assign(_field_order=lambda d: d["field"].map({"title": 0, "text": 1}))
        .sort_values(
            ["date", "doc_id", "_field_order", "sentence_id", "actor_id", "weapon_id"],
            na_position="last",
            kind="stable",
        )[PAIR_COLUMNS]
        .reset_index(drop=True)
        .pipe(_with_attrs, scope=scope)
    )


def _with_attrs(frame: pd.DataFrame, **attrs: Any) -> pd.DataFrame:
    frame.attrs.update(attrs)
    return frame


def cooccurrence_summary(
    pairs: pd.DataFrame, *, by: Iterable[str] = ("actor", "weapon", "action_class")
) -> pd.DataFrame:
    """How often each actor x weapon (x action) combination occurs.

    Parameters
    ----------
    pairs : the frame returned by :func:`cooccurrence`.
    by : columns to group by; any columns of ``pairs``.

    Returns
    -------
    frame: the ``by`` columns, count (pair occurrences), documents (distinct doc_id); ordered by
    count, then documents, descending, then by the ``by`` columns.
    """
    by = list(by)
    require_columns(pairs, [*by, "doc_id"], "pairs")
    summary = (
        pairs.groupby(by, dropna=False)
        .agg(count=("doc_id", "size"), documents=("doc_id", "nunique"))
        .reset_index()
        .sort_values(
            ["count", "documents", *by], ascending=[False, False] + [True] * len(by), kind="stable"
        )
        .reset_index(drop=True)
    )
    summary.attrs.update(scope=pairs.attrs.get("scope", "sentence"))
    return summary


STATEMENT_COLUMNS = ["agent", "action", "weapon", "recipient", "source", "negated"]


def action_statements(pairs: pd.DataFrame) -> pd.DataFrame:
    """Who does what with which weapon: the pairs whose role was resolved, as statements.

    A statement is agent, action, weapon, recipient, source, negated (see
    :func:`analysis.actions.pair_roles`); the pairs of one sentence that resolve to the same
    statement (the agent's pair and the recipient's) count once. Pairs whose actor_role is
    "unknown" or whose action is "none" are left out and counted in ``attrs``.

    Returns
    -------
    frame: the statement columns, count (sentences), documents (distinct doc_id); ordered by
    count descending, then by the statement; ``attrs``: pairs (all), resolved (pairs with a
    role), scope.
    """
    require_columns(pairs, ["doc_id", "actor_role", *STATEMENT_COLUMNS], "pairs")
    resolved = pairs.loc[pairs["actor_role"].ne("unknown") & pairs["action"].ne(NO_ACTION)]
    keys = [c for c in ("doc_id", "field", "sentence_id") if c in resolved.columns]
    unique = resolved.astype({c: "object" for c in keys}).drop_duplicates(
        [*keys, *STATEMENT_COLUMNS]
    )
    statements = (
        unique.astype({"negated": bool})
        .groupby(STATEMENT_COLUMNS, dropna=False)
        .agg(count=("doc_id", "size"), documents=("doc_id", "nunique"))
        .reset_index()
        .sort_values(
            ["count", "documents", *STATEMENT_COLUMNS],
            ascending=[False, False] + [True] * len(STATEMENT_COLUMNS),
            kind="stable",
        )
        .reset_index(drop=True)
    )
    statements.attrs.update(
        pairs=len(pairs), resolved=len(resolved), scope=pairs.attrs.get("scope", "sentence")
    )
    return statements


# --- the sentences behind each statement: what a bar of the action chart links to --------------


def statement_label(row: Mapping[str, Any]) -> str:
    """A statement as one line: agent → action → weapon (→ recipient), "?" for an agent not
    stated, "NOT" for a denied action, "(from source)" when only the source is known."""
    agent = str(row["agent"]) or "?"
    action = ("NOT " if bool(row["negated"]) else "") + str(row["action"])
    label = f"{agent} → {action} → {row['weapon']}"
    if row["recipient"]:
        label += f" → {row['recipient']}"
    if row["source"] and not row["agent"]:
        label += f" (from {row['source']})"
    return label


def statement_anchor(row: Mapping[str, Any]) -> str:
    """The HTML id of a statement's sentences: ``ev-act-<agent>-<action>-<weapon>-<hash>``.

    The hash is of all six statement columns, so two statements never share an anchor; the
    words before it only help a reader of the address.
    """
    values = [str(row[column]) for column in STATEMENT_COLUMNS]
    digest = hashlib.sha1("\x1f".join(values).encode("utf-8")).hexdigest()[:8]
    words = re.sub(r"[^a-z0-9]+", "-", " ".join(values[:3]).lower()).strip("-")[:48]
    return f"ev-act-{words.strip('-') or 'statement'}-{digest}"


STATEMENT_EVIDENCE_COLUMNS = [
    *STATEMENT_COLUMNS,
    "label",
    "anchor",
    "sentences",
    "doc_id",
    "date",
    "title",
    "url",
    "source_outlet",
    "outlet",
    "left",
    "pieces",
    "right",
]


def statement_evidence(
    pairs: pd.DataFrame,
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    statements: pd.DataFrame,
    *,
    per_statement: int = 3,
    width: int = 60,
) -> pd.DataFrame:
    """The sentences behind each statement of ``statements`` (the bars of the action chart).

    Parameters
    ----------
    pairs : from :func:`cooccurrence` (with their roles).
    mentions, documents : the frames the pairs were found in.
    statements : rows of :func:`action_statements` (the bars drawn, say ``.head(15)``).
    per_statement : sentences kept for each statement, from documents spread over all the
        documents that state it in date order (as :func:`analysis.kwic.evidence_sample`).
    width : characters of context before the first mention and after the last.

    Returns
    -------
    frame, one row per sentence kept, in the order of ``statements`` then by date: the
    statement columns, label (:func:`statement_label`), anchor (:func:`statement_anchor`),
    sentences (the statement's count), doc_id, date, title, url, source_outlet (the document's
    source), outlet (:func:`analysis.kwic.outlet_of`), left, pieces ((text, is a mention) from
    the first mention of the sentence's actors and weapon to the last), right.
    """
    if per_statement < 1:
        raise InputError(f"per_statement: must be 1 or more, got {per_statement}")
    require_columns(statements, [*STATEMENT_COLUMNS, "count"], "statements")
    wanted = statements[[*STATEMENT_COLUMNS, "count"]].astype({"negated": bool})
    wanted = wanted.assign(
        label=[statement_label(row) for row in wanted.to_dict("records")],
        anchor=[statement_anchor(row) for row in wanted.to_dict("records")],
        bar=np.arange(len(wanted)),
    ).rename(columns={"count": "sentences"})
    if wanted.empty or pairs.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in STATEMENT_EVIDENCE_COLUMNS})
    keys = ["doc_id", "field", "sentence_id"]
    resolved = pairs.loc[
        pairs["actor_role"].ne("unknown")
        & pairs["action"].ne(NO_ACTION)
        & pairs["sentence_id"].notna()
    ].astype({"negated": bool})
    rows = resolved.merge(wanted, on=STATEMENT_COLUMNS)
    sentences = (
        rows.groupby(["bar", *keys], sort=False)
        .agg(
            date=("date", "first"),
            entities=("actor_id", lambda ids: frozenset(ids)),
            weapons=("weapon_id", lambda ids: frozenset(ids)),
        )
        .reset_index()
        .sort_values(
            ["bar", "date", "doc_id", "field", "sentence_id"], na_position="last", kind="stable"
        )  # fmt: skip
    )
    sentences = sentences.assign(_in_doc=sentences.groupby(["bar", "doc_id"]).cumcount())
    sentences = sentences.assign(
        _spread=spread_over_documents(sentences, ["bar"], per_statement),
        _order=np.arange(len(sentences)),
    )
    kept = (
        sentences.sort_values(["bar", "_in_doc", "_spread", "_order"], kind="stable")
        .groupby("bar", sort=False)
        .head(per_statement)
        .sort_values(["bar", "_order"], kind="stable")
    )
    unique = unique_text_documents(documents)
    info = unique.set_index("doc_id")
    texts = SentenceTexts(unique.loc[unique["doc_id"].isin(kept["doc_id"].unique())])
    located = mentions.merge(kept[keys].drop_duplicates(), on=keys)
    marks: dict[tuple, list[tuple[str, int, int]]] = {}
    for doc_id, field, sentence_id, entity_id, start, end in located[
        [*keys, "entity_id", "start", "end"]
    ].itertuples(index=False, name=None):
        marks.setdefault((doc_id, field, sentence_id), []).append((entity_id, start, end))
    out = []
    for row in kept.itertuples(index=False):
        named = row.entities | row.weapons
        spans = [(s, e) for entity, s, e in marks.get((row.doc_id, row.field, row.sentence_id), [])
                 if entity in named]  # fmt: skip
        left, pieces, right = marked_context(texts.text(row.doc_id, row.field), spans, width)
        document = info.loc[row.doc_id]
        source, url = document.get("source", ""), document.get("url", "")
        out.append(
            (row.bar, row.doc_id, row.date, document.get("title", ""), url, source,
             outlet_of(source, url), left, pieces, right)
        )  # fmt: skip
    found = pd.DataFrame(
        out,
        columns=["bar", "doc_id", "date", "title", "url", "source_outlet", "outlet", "left",
                 "pieces", "right"],
    )  # fmt: skip
    return wanted.merge(found, on="bar")[STATEMENT_EVIDENCE_COLUMNS].reset_index(drop=True)
