"""What a reader of the evidence sees: markup left out with the mention still highlighted, the
sample spread over a period's documents, and an outlet for every row.

Hand-made documents; every expected value is counted by hand from the strings below.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.kwic import (
    ShownText,
    context_of,
    evidence,
    evidence_sample,
    markup_spans,
    outlet_of,
    shown_sentence,
)
from analysis.schema import DOCUMENT_COLUMNS, MENTION_COLUMNS, MENTION_FLAGS
from analysis.text.sentences import sentence_spans

T = pd.Timestamp


# --- markup -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        # White House transcripts: a struck word and its correction, Markdown escapes
        ("who <s>insaulted</s> \\[assaulted\\] officers", "who insaulted [assaulted] officers"),
        ("**<u>Tax Plan</u>**  Republican", "Tax Plan  Republican"),
        ("A&amp;T and &#8220;us&#8221;", "A&T and \u201cus\u201d"),
        # table cells become spaces, so the words do not run together
        ("<td>Alaska</td><td>$6,400</td>", " Alaska  $6,400 "),
        ("see [the\n report](https://x.org/a_(b)?c=1) now", "see the\n report now"),
        ("an ![image](https://x.org/i.png) here", "an   here"),
        ("x\n## <span id='t'>SUMMARY</span>", "x\nSUMMARY"),
        ("*italic* and a * b and ***", "italic and a * b and "),
        ("a < b, 3 <4, and R&D; #1", "a < b, 3 <4, and R&D; #1"),  # not markup
    ],
)
def test_markup_is_left_out_of_what_is_shown(raw, shown):
    assert ShownText(raw).shown == shown


def test_offsets_land_on_the_same_words_once_markup_is_out():
    raw = 'We <span style="x">must</span> send <b>Patriot</b> missiles.'
    start = raw.index("Patriot")
    text = ShownText(raw)
    assert text.shown == "We must send Patriot missiles."
    at, to = text.offset(start), text.offset(start + len("Patriot"), end=True)
    assert text.shown[at:to] == "Patriot"
    # an offset inside a tag lands after it (a start) or before it (an end)
    inside = raw.index("style")
    assert text.offset(inside) == len("We ") and text.offset(inside, end=True) == len("We ")


def test_context_of_a_mention_between_markup():
    raw = "**The Normalization** of <u>Patriot</u> &amp; NASAMS deliveries \\[sic\\] today."
    start = raw.index("Patriot")
    left, keyword, right = context_of(raw, start, start + 7, 12)
    # shown: "The Normalization of Patriot & NASAMS deliveries [sic] today."
    assert keyword == "Patriot"
    assert left == " of "  # "Normalization of " is 17 characters: the word is left out whole
    assert right == " & NASAMS "  # the next word would pass 12 characters
    # a mention inside markup (an attribute) is shown as written, never dropped
    raw = '<img alt="Patriot battery"> in the field'
    start = raw.index("Patriot")
    assert context_of(raw, start, start + 7, 10)[1] == "Patriot"


def test_a_sentence_cut_inside_a_tag_is_shown_whole_and_clean():
    raw = 'Before. <img src="a.jpg" alt="x"> Patriot arrived. After.'
    # a splitter that stops at the full stop inside the tag leaves the sentence ' jpg" ...'
    cut = raw.index('jpg"')
    assert shown_sentence(raw, cut, raw.index(" After")) == "Patriot arrived."
    assert markup_spans("plain words") == []


# --- hand-made corpus -----------------------------------------------------------------------------

# One entity, Patriot, in June 2025: seven documents on seven days, one mention each, except
# P1 (two). A month's evidence must come from across the month, not its first three days.
TEXTS = {
    "P1": ("2025-06-02", "Patriot one. Patriot again."),
    "P2": ("2025-06-05", "Patriot two."),
    "P3": ("2025-06-09", "Patriot three."),
    "P4": ("2025-06-13", "Patriot four."),
    "P5": ("2025-06-18", "Patriot five."),
    "P6": ("2025-06-24", "Patriot six."),
    "P7": ("2025-06-30", "Patriot seven."),
    # July: a text with markup and an outlet given only by its address
    "M1": ("2025-07-03", "The <b>Patriot</b> &amp; **NASAMS** deliveries."),
}
URLS = {
    "M1": "https://www.whitehouse.gov/briefings/m1/",
    "P2": "https://bidenwhitehouse.archives.gov/x",
}
SOURCES = {"P3": "Reuters"}


@pytest.fixture
def documents():
    rows = [
        {
            "doc_id": doc_id,
            "date": date,
            "date_source": "header",
            "title": f"Title {doc_id}",
            "text": text,
            "source": SOURCES.get(doc_id, ""),
            "url": URLS.get(doc_id, ""),
            "path": "",
            "n_words": len(text.split()),
            "duplicate_of": "",
            "warnings": "",
        }
        for doc_id, (date, text) in TEXTS.items()
    ]
    frame = pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)
    return frame.assign(date=pd.to_datetime(frame["date"]))


@pytest.fixture
def mentions(documents):
    dates = documents.set_index("doc_id")["date"]
    rows = []
    for doc_id, (_, text) in TEXTS.items():
        spans = sentence_spans(text)
        at = text.find("Patriot")
        while at != -1:
            rows.append(
                {
                    "doc_id": doc_id,
                    "date": dates[doc_id],
                    "field": "text",
                    "sentence_id": next(i for i, (s, e) in enumerate(spans) if s <= at < e),
                    "start": at,
                    "end": at + 7,
                    "surface": "Patriot",
                    "entity_id": "patriot",
                    "entity": "Patriot",
                    "kind": "weapon",
                    "category": "air-defence system",
                    "metonym": False,
                }
            )
            at = text.find("Patriot", at + 1)
    return pd.DataFrame(rows, columns=[*MENTION_COLUMNS, *MENTION_FLAGS])


def test_a_periods_sample_is_spread_over_its_documents(mentions, documents):
    sample = evidence_sample(mentions, documents, freq="M", per_period=3)
    june = sample.loc[sample["period"] == T("2025-06-01")]
    # 7 documents in June: positions floor((i + 1/2) * 7 / 3) = 1, 3, 5 -> P2, P4, P6 (in date
    # order), not P1, P2, P3; P1's second mention is never taken before another document
    assert june["doc_id"].tolist() == ["P2", "P4", "P6"]
    assert june["period_mentions"].unique().tolist() == [8]
    # the same inputs give the same rows
    again = evidence_sample(mentions, documents, freq="M", per_period=3)
    assert again["doc_id"].tolist() == sample["doc_id"].tolist()
    # one row: the middle document; more rows than documents: every document, then P1 again
    assert evidence_sample(mentions, documents, freq="M", per_period=1)["doc_id"].tolist() == [
        "P4",
        "M1",
    ]
    eight = evidence_sample(mentions, documents, freq="M", per_period=8)
    assert eight.loc[eight["period"] == T("2025-06-01"), "doc_id"].tolist() == [
        "P1",
        "P1",
        "P2",
        "P3",
        "P4",
        "P5",
        "P6",
        "P7",
    ]


def test_evidence_rows_show_the_words_not_the_markup(mentions, documents):
    rows = evidence(mentions, documents, entity="patriot", period="2025-07", freq="M", width=30)
    row = rows.iloc[0]
    assert (row["left"], row["keyword"], row["right"]) == (
        "The ",
        "Patriot",
        " & NASAMS deliveries.",
    )
    assert row["sentence"] == "The Patriot & NASAMS deliveries."
    # the offsets are still those of the raw text
    assert TEXTS["M1"][1][row["start"] : row["end"]] == "Patriot"


def test_the_outlet_falls_back_to_the_host_of_the_address(mentions, documents):
    assert outlet_of("Reuters", "https://x.org") == "Reuters"
    assert outlet_of("", "https://bidenwhitehouse.archives.gov/briefing-room/") == (
        "bidenwhitehouse.archives.gov"
    )
    assert outlet_of(None, "https://www.whitehouse.gov/a") == "whitehouse.gov"
    assert outlet_of("", "javascript:alert(1)") == "" and outlet_of("", None) == ""
    sample = evidence_sample(mentions, documents, freq="M", per_period=8)
    outlets = dict(zip(sample["doc_id"], sample["outlet"], strict=True))
    assert outlets["P2"] == "bidenwhitehouse.archives.gov" and outlets["P3"] == "Reuters"
    assert outlets["M1"] == "whitehouse.gov" and outlets["P4"] == ""


def test_evidence_by_period_shows_the_fallback_outlet_and_a_clean_snippet(mentions, documents):
    from analysis.report.html import evidence_by_period

    sample = evidence_sample(mentions, documents, freq="M", per_period=8)
    markup = str(evidence_by_period(sample))
    assert ">bidenwhitehouse.archives.gov</span>" in markup and "<td>Reuters</td>" in markup
    assert '<span class="nm-caption">not known</span>' in markup  # P4: no source, no address
    # the July row: the mention highlighted, the markup gone, the ampersand escaped once
    assert 'The <span class="nm-kw">Patriot</span> &amp; NASAMS deliveries.' in markup
    assert "&lt;b&gt;" not in markup and "**" not in markup


# --- the sentences behind the action chart's bars -----------------------------------------------

# Two documents; S1 states "Russia launched drones at Ukraine" in one sentence, S2 twice in two
# sentences, S3 once more; a second statement (the US delivers Patriot) in S3 only.
STATED = {
    "S1": ("2025-05-01", "Yesterday **Russia** launched more than 500 drones at Ukraine."),
    "S2": ("2025-05-02", "Russia launched drones. Again Russia launched drones at dawn."),
    "S3": ("2025-05-03", "Russia launched drones. The US delivered Patriot to Ukraine."),
}
LAUNCH = ("Russia", "attack", "Drone", "Ukraine", "", False)
DELIVER = ("United States", "deliver", "Patriot", "Ukraine", "", False)


@pytest.fixture
def stated():
    documents = pd.DataFrame(
        [
            {"doc_id": d, "date": date, "date_source": "header", "title": f"Title {d}",
             "text": text, "source": "", "url": f"https://www.example.org/{d}", "path": "",
             "n_words": 9, "duplicate_of": "", "warnings": ""}
            for d, (date, text) in STATED.items()
        ],
        columns=DOCUMENT_COLUMNS,
    ).assign(date=lambda d: pd.to_datetime(d["date"]))  # fmt: skip
    mentions, pairs = [], []

    def mention(doc_id, surface, entity_id, kind, occurrence=0):
        text = STATED[doc_id][1]
        at = -1
        for _ in range(occurrence + 1):
            at = text.index(surface, at + 1)
        sentence = next(i for i, (s, e) in enumerate(sentence_spans(text)) if s <= at < e)
        mentions.append({"doc_id": doc_id, "field": "text", "sentence_id": sentence,
                         "start": at, "end": at + len(surface), "entity_id": entity_id,
                         "kind": kind})  # fmt: skip
        return sentence

    def pair(doc_id, sentence, actor_id, weapon_id, statement, role="agent"):
        agent, action, weapon, recipient, source, negated = statement
        pairs.append({"doc_id": doc_id, "date": documents.set_index("doc_id").loc[doc_id, "date"],
                      "field": "text", "sentence_id": sentence, "actor_id": actor_id,
                      "weapon_id": weapon_id, "weapon": weapon, "actor_role": role,
                      "agent": agent, "action": action, "recipient": recipient,
                      "source": source, "negated": negated})  # fmt: skip

    s = mention("S1", "Russia", "russia", "actor")
    mention("S1", "drones", "drone", "weapon")
    mention("S1", "Ukraine", "ukraine", "actor")
    pair("S1", s, "russia", "drone", LAUNCH)
    pair("S1", s, "ukraine", "drone", LAUNCH, role="recipient")
    for occurrence in (0, 1):
        s = mention("S2", "Russia", "russia", "actor", occurrence)
        mention("S2", "drones", "drone", "weapon", occurrence)
        pair("S2", s, "russia", "drone", LAUNCH)
    s = mention("S3", "Russia", "russia", "actor")
    mention("S3", "drones", "drone", "weapon")
    pair("S3", s, "russia", "drone", LAUNCH)
    s = mention("S3", "US", "united-states", "actor")
    mention("S3", "Patriot", "patriot", "weapon")
    pair("S3", s, "united-states", "patriot", DELIVER)
    pairs = pd.DataFrame(pairs)
    statements = pd.DataFrame(
        [(*LAUNCH, 4, 3), (*DELIVER, 1, 1)],
        columns=["agent", "action", "weapon", "recipient", "source", "negated", "count",
                 "documents"],
    )  # fmt: skip
    return pairs, pd.DataFrame(mentions), documents, statements


def test_each_statement_has_its_sentences_spread_over_its_documents(stated):
    from analysis.pairs import statement_anchor, statement_evidence

    pairs, mentions, documents, statements = stated
    rows = statement_evidence(pairs, mentions, documents, statements, per_statement=3, width=20)
    launch = rows.loc[rows["action"] == "attack"]
    # 4 sentences in 3 documents: one from each document before S2's second sentence
    assert launch["doc_id"].tolist() == ["S1", "S2", "S3"]
    assert launch["label"].unique().tolist() == ["Russia → attack → Drone → Ukraine"]
    assert launch["sentences"].unique().tolist() == [4]
    # S1: the agent, the weapon and the recipient highlighted; the ** of the text left out
    first = launch.iloc[0]
    assert first["left"] == "Yesterday "
    assert list(first["pieces"]) == [
        ("Russia", True),
        (" launched more than 500 ", False),
        ("drones", True),
        (" at ", False),
        ("Ukraine", True),
    ]
    assert first["right"] == "." and first["outlet"] == "example.org"
    deliver = rows.loc[rows["action"] == "deliver"]
    assert deliver["doc_id"].tolist() == ["S3"]
    assert [p for p, marked in deliver.iloc[0]["pieces"] if marked] == ["US", "Patriot"]
    # anchors: one per statement, never shared, the same as the chart's
    assert rows["anchor"].nunique() == 2
    assert set(rows["anchor"]) == {statement_anchor(row) for row in statements.to_dict("records")}
    assert statement_anchor(dict(zip(statements.columns, LAUNCH, strict=False))).startswith(
        "ev-act-russia-attack-drone-"
    )
    one = statement_evidence(pairs, mentions, documents, statements, per_statement=1)
    assert one.loc[one["action"] == "attack", "doc_id"].tolist() == ["S2"]  # the middle one


def test_the_action_chart_bars_link_to_their_statements_sentences(stated):
    import matplotlib

    matplotlib.use("Agg")
    import re

    from analysis import plots
    from analysis.pairs import statement_anchor, statement_evidence
    from analysis.report.html import evidence_by_statement

    pairs, mentions, documents, statements = stated
    rows = statement_evidence(pairs, mentions, documents, statements)
    launch = statement_anchor(statements.iloc[0].to_dict())
    ax = plots.plot_cooccurrence(statements, links={launch})
    hrefs = re.findall(r'<a xlink:href="#([^"]+)"', plots.svg_links(ax))
    assert hrefs == [launch]  # only the anchors on the page link
    everything = plots.plot_cooccurrence(statements, links=True)
    hrefs = set(re.findall(r'<a xlink:href="#([^"]+)"', plots.svg_links(everything)))
    markup = str(evidence_by_statement(rows))
    assert hrefs == set(re.findall(r'<tbody id="([^"]+)"', markup)) and len(hrefs) == 2
    assert "<strong>Russia → attack → Drone → Ukraine</strong>: 4 sentences (showing 3)" in markup
    assert '<span class="nm-kw">Patriot</span>' in markup and "**" not in markup
    assert "no statement in this selection" in str(evidence_by_statement(rows.iloc[0:0]))
    matplotlib.pyplot.close("all")
