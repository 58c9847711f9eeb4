"""Roles of actor-weapon pairs (agent, recipient/target, source, negation) on hand-made
sentences whose roles were read by hand; the falsehoods of issue 14 must come out right or as
"unknown"; and the action chart draws agent -> action -> weapon (-> recipient)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import plots
from analysis.actions import ROLE_UNKNOWN, clause_of, pair_roles
from analysis.errors import InputError
from analysis.pairs import action_statements


def roles_of(sentence: str, marks: list[tuple[str, str]], actor: str, weapon: str):
    """Roles of the pair (actor, weapon); ``marks`` are (surface, kind), each found once."""
    mentions = []
    for surface, kind in marks:
        at = sentence.index(surface)
        mentions.append((at, at + len(surface), kind, surface))
    spans = {m[3]: m[:2] for m in mentions}
    return pair_roles(clause_of(sentence, mentions), spans[actor], spans[weapon])


A, W = "actor", "weapon"

CASES = [
    # sentence, mentions, actor, weapon, expected actor_role, agent, recipient, source, negated
    ("Russia launched more than 500 drones at Ukraine overnight.",
     [("Russia", A), ("drones", W), ("Ukraine", A)], "Ukraine", "drones",
     "target", "Russia", "Ukraine", "", False),
    ("Russia launched more than 500 drones at Ukraine overnight.",
     [("Russia", A), ("drones", W), ("Ukraine", A)], "Russia", "drones",
     "agent", "Russia", "Ukraine", "", False),
    ("Earlier this week the Pentagon paused a weapons shipment, including air defense "
     "interceptors and ammunition, to Ukraine's army.",
     [("Pentagon", A), ("air defense interceptors", W), ("Ukraine", A)], "Ukraine",
     "air defense interceptors", "recipient", "Pentagon", "Ukraine", "", False),
    ("Ukrainian servicemen receive the delivery of FGM-148 Javelins, American anti-tank "
     "missiles provided by US to Ukraine as part of a military support.",
     [("Ukrainian servicemen", A), ("FGM-148 Javelins", W), ("anti-tank missiles", W),
      ("US", A), ("Ukraine", A)], "US", "FGM-148 Javelins",
     "agent", "US", "Ukraine", "", False),
    ("Germany did not send Taurus missiles to Ukraine.",
     [("Germany", A), ("Taurus missiles", W), ("Ukraine", A)], "Germany", "Taurus missiles",
     "agent", "Germany", "Ukraine", "", True),
    ("Berlin refused to supply Taurus missiles.", [("Berlin", A), ("Taurus missiles", W)],
     "Berlin", "Taurus missiles", "agent", "Berlin", "", "", True),
    ("The United States won't provide ATACMS to Ukraine.",
     [("United States", A), ("ATACMS", W), ("Ukraine", A)], "Ukraine", "ATACMS",
     "recipient", "United States", "Ukraine", "", True),
    ("The US and Germany sent Patriot systems to Ukraine.",
     [("US", A), ("Germany", A), ("Patriot systems", W), ("Ukraine", A)], "US",
     "Patriot systems", "agent", "US and Germany", "Ukraine", "", False),
    ("Patriot batteries were supplied by Germany.",
     [("Patriot batteries", W), ("Germany", A)], "Germany", "Patriot batteries",
     "agent", "Germany", "", "", False),
    ("Ukraine was supplied with Patriot batteries.",
     [("Ukraine", A), ("Patriot batteries", W)], "Ukraine", "Patriot batteries",
     "recipient", "", "Ukraine", "", False),
    ("US-supplied HIMARS hit a bridge.", [("US", A), ("HIMARS", W)], "US", "HIMARS",
     "agent", "US", "", "", False),
    ("Germany's delivery of Leopard tanks to Ukraine was delayed.",
     [("Germany", A), ("Leopard tanks", W), ("Ukraine", A)], "Germany", "Leopard tanks",
     "agent", "Germany", "Ukraine", "", False),
    ("NATO bought weapons from the U.S.", [("NATO", A), ("weapons", W), ("U.S.", A)],
     "U.S.", "weapons", "source", "NATO", "", "U.S.", False),
    ("Russia attacked Kyiv with drones.", [("Russia", A), ("Kyiv", A), ("drones", W)],
     "Kyiv", "drones", "target", "Russia", "Kyiv", "", False),
    ("The United States has provided Ukraine with hundreds of air defense missiles.",
     [("United States", A), ("Ukraine", A), ("air defense missiles", W)], "Ukraine",
     "air defense missiles", "recipient", "United States", "Ukraine", "", False),
    ("Ukraine received Patriot batteries from Germany.",
     [("Ukraine", A), ("Patriot batteries", W), ("Germany", A)], "Germany",
     "Patriot batteries", "source", "", "Ukraine", "Germany", False),
    ("Russia has used more cruise missiles against Ukraine.",
     [("Russia", A), ("cruise missiles", W), ("Ukraine", A)], "Ukraine", "cruise missiles",
     "target", "Russia", "Ukraine", "", False),
    ("President Biden authorized the sending of F-16s to Ukraine.",
     [("Biden", A), ("F-16s", W), ("Ukraine", A)], "Biden", "F-16s",
     "agent", "Biden", "Ukraine", "", False),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[2]}|{c[3]}|{c[0][:30]}")
def test_roles_read_by_hand(case):
    sentence, marks, actor, weapon, role, agent, recipient, source, negated = case
    roles = roles_of(sentence, marks, actor, weapon)
    assert (roles.actor_role, roles.agent, roles.recipient, roles.source, roles.negated) == (
        role, agent, recipient, source, negated
    )  # fmt: skip
    assert roles.role_rule  # every resolved role names the rule that settled it


UNKNOWN_CASES = [
    # The rules must not guess: these actors have no role they can read.
    ("Allies of Ukraine sent more drones.", [("Ukraine", A), ("drones", W)], "Ukraine",
     "drones"),
    ("Ukraine's allies sent more drones.", [("Ukraine", A), ("drones", W)], "Ukraine",
     "drones"),
    ("Zelensky said Germany will send more IRIS-T systems.",
     [("Zelensky", A), ("Germany", A), ("IRIS-T systems", W)], "Zelensky", "IRIS-T systems"),
    ("Ukrainian servicemen receive the delivery of FGM-148 Javelins, provided by US.",
     [("Ukrainian servicemen", A), ("FGM-148 Javelins", W), ("US", A)],
     "Ukrainian servicemen", "FGM-148 Javelins"),  # not the one who provides
    ("After the call, Russia escalated its strikes on Ukraine — launching hundreds of drones.",
     [("Russia", A), ("Ukraine", A), ("drones", W)], "Ukraine", "drones"),
    ("Trump tells Zelensky he wants to help Ukraine with air defense.",
     [("Trump", A), ("Zelensky", A), ("Ukraine", A), ("air defense", W)], "Ukraine",
     "air defense"),
]  # fmt: skip


@pytest.mark.parametrize("case", UNKNOWN_CASES, ids=lambda c: f"{c[2]}|{c[0][:30]}")
def test_unresolved_roles_stay_unknown(case):
    sentence, marks, actor, weapon = case
    roles = roles_of(sentence, marks, actor, weapon)
    assert roles.actor_role == ROLE_UNKNOWN and roles.role_rule == ""


def test_ukraine_is_not_the_one_who_launches_or_pauses():
    # Issue 14's falsehoods: "Ukraine - launch - drones", "Ukraine - paused".
    launched = roles_of(
        "Russia launched more than 500 drones at Ukraine.",
        [("Russia", A), ("drones", W), ("Ukraine", A)], "Ukraine", "drones",
    )  # fmt: skip
    assert launched.actor_role != "agent" and "Ukraine" not in launched.agent
    paused = roles_of(
        "The Pentagon paused shipments of Patriot interceptors to Ukraine.",
        [("Pentagon", A), ("Patriot interceptors", W), ("Ukraine", A)], "Ukraine",
        "Patriot interceptors",
    )  # fmt: skip
    assert (paused.actor_role, paused.agent, paused.action) == ("recipient", "Pentagon", "pause")


def test_not_only_is_not_a_negation():
    roles = roles_of(
        "Germany has not only sent Leopard tanks but trained crews.",
        [("Germany", A), ("Leopard tanks", W)], "Germany", "Leopard tanks",
    )  # fmt: skip
    assert (roles.actor_role, roles.negated) == ("agent", False)


def test_a_pair_outside_the_mentions_is_refused():
    with pytest.raises(InputError, match="not among the mentions"):
        pair_roles("Germany sent tanks.", (0, 7), (13, 18), [(0, 7, "actor", "Germany")])


def role_pairs() -> pd.DataFrame:
    rows = [
        # doc, sentence, actor, actor_role, agent, action, weapon, recipient, source, negated
        ("a", 0, "Germany", "agent", "Germany", "deliver", "Patriot", "Ukraine", "", False),
        ("a", 0, "Ukraine", "recipient", "Germany", "deliver", "Patriot", "Ukraine", "", False),
        ("b", 3, "Germany", "agent", "Germany", "deliver", "Patriot", "Ukraine", "", False),
        ("c", 1, "Germany", "agent", "Germany", "deliver", "Taurus", "", "", True),
        ("d", 2, "Russia", "unknown", "", "attack", "Drones", "", "", False),
        ("e", 0, "Ukraine", "target", "Russia", "attack", "Drones", "Ukraine", "", False),
    ]
    columns = ["doc_id", "sentence_id", "actor", "actor_role", "agent", "action", "weapon",
               "recipient", "source", "negated"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).assign(field="text")


def test_action_chart_reads_agent_action_weapon_recipient():
    ax = plots.plot_cooccurrence(role_pairs())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # Two sentences of Germany delivering Patriots to Ukraine (the agent's and the recipient's
    # pair of sentence a count once); the denied Taurus apart with NOT; Russia's unknown pair
    # is not drawn.
    assert labels == [
        "Germany → deliver → Patriot → Ukraine",
        "Germany → NOT deliver → Taurus",
        "Russia → attack → Drones → Ukraine",
    ]
    totals = [t.get_text().strip() for t in ax.texts if t.get_text().strip().isdigit()]
    assert totals == ["2", "1", "1"]
    note = " ".join(t.get_text() for t in ax.texts if t.get_text().startswith("How:"))
    assert "5 of 6 actor-weapon" in note.replace("\n", " ")
    assert "Who does what" in ax.get_title("left")


def test_action_chart_without_resolved_roles_says_so():
    pairs = role_pairs().assign(actor_role="unknown")
    ax = plots.plot_cooccurrence(pairs)
    shown = " ".join(t.get_text() for t in ax.texts)
    assert "No actor-weapon pair with a resolved role" in shown
    assert "0 of 6" in shown.replace("\n", " ")


def test_action_statements_count_a_sentence_once():
    statements = action_statements(role_pairs())
    first = statements.iloc[0]
    assert (first["agent"], first["action"], first["weapon"], first["recipient"]) == (
        "Germany",
        "deliver",
        "Patriot",
        "Ukraine",
    )
    assert (first["count"], first["documents"]) == (2, 2)  # sentences a (two pairs) and b
    assert len(statements) == 3 and statements.attrs["resolved"] == 5
    assert statements.attrs["pairs"] == 6
