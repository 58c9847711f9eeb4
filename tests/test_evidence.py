"""KWIC, co-occurrence with action classes, and tone on crafted sentences.

Mentions are placed by hand: each is (document, field, surface, occurrence) and the fixture
checks that ``text[start:end] == surface`` and that its sentence_id indexes ``sentence_spans``.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

from analysis import config
from analysis.actions import action_words
from analysis.errors import InputError
from analysis.kwic import SentenceTexts, evidence
from analysis.pairs import cooccurrence, cooccurrence_summary
from analysis.schema import DOCUMENT_COLUMNS, MENTION_COLUMNS, MENTION_FLAGS
from analysis.sentiment import tone, vader_analyzer
from analysis.text.sentences import sentence_spans

T = pd.Timestamp

TEXTS = {
    # A: 2025-07-01 (week of 30 June)
    "A": (
        "Trump sends Patriot",
        "President Trump pledged to send Patriot missiles to Ukraine. "
        "Russia launched drones at Kyiv overnight.\n\nZelensky asked for more Javelins.",
    ),
    # B: 2025-07-16 (week of 14 July)
    "B": (
        "",
        "Germany halted the transfer of Leopard tanks. Ukraine shot down 20 drones near Odesa. "
        "Trump and the Patriot.",
    ),
    # C: undated
    "C": (
        "",
        "Zelensky praised the wonderful, excellent and generous support for air   defence.\n"
        "Russia launched a horrible, deadly attack that killed many civilians with drones.",
    ),
    # K: KWIC offsets across a paragraph break and runs of spaces; a copy of it is D.
    "K": ("", "Before   the\n\nsummit,  Trump said   no."),
    "D": ("", "Before   the\n\nsummit,  Trump said   no."),
}
DATES = {"A": "2025-07-01", "B": "2025-07-16", "C": None, "K": "2025-07-02", "D": "2025-07-02"}

ENTITIES = {
    "trump": ("Donald Trump", "actor", "person"),
    "zelensky": ("Volodymyr Zelensky", "actor", "person"),
    "russia": ("Russia", "actor", "state"),
    "ukraine": ("Ukraine", "actor", "state"),
    "germany": ("Germany", "actor", "state"),
    "patriot": ("Patriot", "weapon", "air-defence system"),
    "drone": ("Drone", "weapon", "drone"),
    "javelin": ("FGM-148 Javelin", "weapon", "anti-tank missile"),
    "leopard": ("Leopard 2", "weapon", "armour"),
    "air-defence": ("Air defence", "weapon", "air-defence system"),
}

PLACED = [
    ("A", "title", "Trump", "trump"),
    ("A", "title", "Patriot", "patriot"),
    ("A", "text", "Trump", "trump"),
    ("A", "text", "Patriot", "patriot"),
    ("A", "text", "Ukraine", "ukraine"),
    ("A", "text", "Russia", "russia"),
    ("A", "text", "drones", "drone"),
    ("A", "text", "Zelensky", "zelensky"),
    ("A", "text", "Javelins", "javelin"),
    ("B", "text", "Germany", "germany"),
    ("B", "text", "Leopard", "leopard"),
    ("B", "text", "Ukraine", "ukraine"),
    ("B", "text", "drones", "drone"),
    ("B", "text", "Trump", "trump"),
    ("B", "text", "Patriot", "patriot"),
    ("C", "text", "Zelensky", "zelensky"),
    ("C", "text", "air   defence", "air-defence"),
    ("C", "text", "Russia", "russia"),
    ("C", "text", "drones", "drone"),
    ("K", "text", "Trump", "trump"),
    ("D", "text", "Trump", "trump"),
]


@pytest.fixture
def documents():
    frame = pd.DataFrame(
        [
            {
                "doc_id": doc_id,
                "date": DATES[doc_id],
                "date_source": "header" if DATES[doc_id] else "missing",
                "title": title,
                "text": text,
                "source": "",
                "url": f"https://example.org/{doc_id}",
                "path": "",
                "n_words": len(text.split()),
                "duplicate_of": "K" if doc_id == "D" else "",
                "warnings": "",
            }
            for doc_id, (title, text) in TEXTS.items()
        ],
        columns=DOCUMENT_COLUMNS,
    )
    return frame.assign(date=pd.to_datetime(frame["date"]))


def place(doc_id, field, surface, entity_id, dates):
    text = TEXTS[doc_id][0 if field == "title" else 1]
    start = text.index(surface)
    spans = sentence_spans(text)
    sentence_id = next(i for i, (s, e) in enumerate(spans) if s <= start < e)
    name, kind, category = ENTITIES[entity_id]
    return {
        "doc_id": doc_id,
        "date": dates[doc_id],
        "field": field,
        "sentence_id": sentence_id,
        "start": start,
        "end": start + len(surface),
        "surface": surface,
        "entity_id": entity_id,
        "entity": name,
        "kind": kind,
        "category": category,
        "metonym": False,
    }


@pytest.fixture
def mentions(documents):
    dates = documents.set_index("doc_id")["date"]
    frame = pd.DataFrame(
        [place(*row, dates) for row in PLACED], columns=[*MENTION_COLUMNS, *MENTION_FLAGS]
    )
    assert all(
        TEXTS[d][0 if f == "title" else 1][s:e] == surface
        for d, f, s, e, surface in frame[["doc_id", "field", "start", "end", "surface"]].itertuples(
            index=False
        )
    )
    return frame


# --- KWIC ---------------------------------------------------------------------------------------


def test_kwic_offsets_whitespace_and_sentence(mentions, documents):
    rows = evidence(mentions, documents, entity="trump", width=12, freq="D", period="2025-07-02")
    assert len(rows) == 1  # D is a copy of K: left out
    row = rows.iloc[0]
    # "Before   the\n\nsummit,  " collapses to "Before the summit, "; its last 12 characters:
    assert row["left"] == "the summit, "
    assert row["keyword"] == "Trump"
    assert row["right"] == " said no."
    # The blank line starts a new sentence, as sentence_spans says.
    assert row["sentence"] == "summit, Trump said no."
    assert (row["doc_id"], row["field"], row["start"], row["end"]) == ("K", "text", 23, 28)
    assert row["url"] == "https://example.org/K" and row["entity"] == "Donald Trump"
    assert list(rows.columns) == [
        "left",
        "keyword",
        "right",
        "sentence",
        "doc_id",
        "date",
        "title",
        "url",
        "source",
        "field",
        "start",
        "end",
        "entity",
    ]


def test_evidence_filters_by_entity_and_period(mentions, documents):
    everything = evidence(mentions, documents, entity="Donald Trump")
    # Date order, title before text; K's copy D is not evidence.
    assert list(zip(everything["doc_id"], everything["field"], strict=True)) == [
        ("A", "title"),
        ("A", "text"),
        ("K", "text"),
        ("B", "text"),
    ]
    week = evidence(mentions, documents, period="2025-07-15")  # the week of Monday 14 July
    assert set(week["doc_id"]) == {"B"} and len(week) == 6
    undated = evidence(mentions, documents, period="undated")
    assert set(undated["doc_id"]) == {"C"}
    by_surface = evidence(mentions, documents, entity="Javelins")
    assert by_surface["sentence"].tolist() == ["Zelensky asked for more Javelins."]
    assert len(evidence(mentions, documents, limit=3)) == 3
    left = evidence(mentions, documents, entity="patriot", width=10)
    # "Trump sends " is 12 characters: the last 10 would cut "Trump", so it is left out whole.
    assert left.loc[left["field"] == "title", "left"].item() == " sends "


def test_a_wrong_sentence_id_still_gives_the_sentence_that_holds_the_mention(mentions, documents):
    broken = mentions.assign(sentence_id=mentions["sentence_id"] + 7)
    rows = evidence(broken, documents, entity="javelin")
    assert rows["sentence"].tolist() == ["Zelensky asked for more Javelins."]


def test_batched_sentence_lookup_equals_sentence_spans_on_the_seeds():
    texts = [p.read_text(encoding="utf-8") for p in sorted(config.SEEDS_DIR.glob("*.txt"))]
    texts.append("MS. JEAN-PIERRE:  Good afternoon.  Q  Thank you.")
    frame = pd.DataFrame({"doc_id": [f"s{i}" for i in range(len(texts))], "text": texts})
    frame = frame.assign(title="")
    rows, expected = [], []
    for doc_id, text in zip(frame["doc_id"], texts, strict=True):
        for k, span in enumerate(sentence_spans(text)):
            rows.append((doc_id, "text", k, span[0]))
            expected.append(span)
    looked_up = SentenceTexts(frame).locate(
        pd.DataFrame(rows, columns=["doc_id", "field", "sentence_id", "start"])
    )
    assert list(zip(*looked_up, strict=True)) == expected
    assert len(expected) > 40


# --- co-occurrence ------------------------------------------------------------------------------


def pairs_table(pairs):
    return {
        (r.doc_id, r.field, r.sentence_id, r.actor_id, r.weapon_id): (r.verb, r.action_class)
        for r in pairs.itertuples(index=False)
    }


def test_cooccurrence_pairs_and_action_classes(mentions, documents):
    pairs = cooccurrence(mentions, documents)
    assert pairs_table(pairs) == {
        ("A", "title", 0, "trump", "patriot"): ("sends", "deliver"),
        # "pledged to send": the verb nearest the weapon names the action on it.
        ("A", "text", 0, "trump", "patriot"): ("send", "deliver"),
        ("A", "text", 0, "ukraine", "patriot"): ("send", "deliver"),
        ("A", "text", 1, "russia", "drone"): ("launched", "attack"),
        ("A", "text", 2, "zelensky", "javelin"): ("asked", "request"),
        # "halted the transfer": a verb beats a noun after a determiner.
        ("B", "text", 0, "germany", "leopard"): ("halted", "pause"),
        ("B", "text", 1, "ukraine", "drone"): ("shot down", "intercept"),
        ("B", "text", 2, "trump", "patriot"): ("", "none"),
        ("C", "text", 0, "zelensky", "air-defence"): ("", "none"),
        ("C", "text", 1, "russia", "drone"): ("attack", "attack"),
    }
    # Ordered by date (undated last); the sentence is shown whitespace-collapsed.
    assert pairs["doc_id"].tolist() == ["A"] * 5 + ["B"] * 3 + ["C"] * 2
    last = pairs.iloc[-2]
    assert last["sentence"] == (
        "Zelensky praised the wonderful, excellent and generous support for air defence."
    )
    assert pairs["sentence_id"].dtype == "Int64" and pairs.attrs["scope"] == "sentence"


def test_document_scope_uses_the_closest_mentions(mentions, documents):
    pairs = cooccurrence(mentions, documents, scope="document")
    table = pairs_table(pairs)
    # Trump x Patriot in A: the title's pair is closer than the text's.
    assert table[("A", "title", 0, "trump", "patriot")] == ("sends", "deliver")
    # Zelensky and Patriot never share a sentence in A: both sentences, no verb.
    row = pairs.loc[(pairs["actor_id"] == "zelensky") & (pairs["weapon_id"] == "patriot")]
    assert len(row) == 1 and pd.isna(row["sentence_id"].item())
    assert row["verb"].item() == "" and row["action_class"].item() == "none"
    assert row["sentence"].item() == (
        "President Trump pledged to send Patriot missiles to Ukraine. … "
        "Zelensky asked for more Javelins."
    )
    # One row per actor x weapon per document.
    assert not pairs.duplicated(["doc_id", "actor_id", "weapon_id"]).any()
    assert len(pairs) == 4 * 3 + 3 * 3 + 2 * 2  # A: 4 actors x 3 weapons; B: 3 x 3; C: 2 x 2


def test_cooccurrence_summary_counts(mentions, documents):
    summary = cooccurrence_summary(cooccurrence(mentions, documents))
    top = summary.head(2)[["actor", "weapon", "action_class", "count", "documents"]]
    # Both occur twice; Russia x drone in two documents ranks first.
    assert top.to_records(index=False).tolist() == [
        ("Russia", "Drone", "attack", 2, 2),
        ("Donald Trump", "Patriot", "deliver", 2, 1),
    ]
    assert summary["count"].sum() == 10
    by_weapon = cooccurrence_summary(cooccurrence(mentions, documents), by=["weapon"])
    assert by_weapon.set_index("weapon")["count"].to_dict() == {
        "Patriot": 4,
        "Drone": 3,
        "Air defence": 1,
        "FGM-148 Javelin": 1,
        "Leopard 2": 1,
    }
    assert summary.attrs["scope"] == "sentence"


def test_action_words_read_forms_phrases_and_stems():
    found = action_words(
        "They pledged, then shot them down, then sold and gave; Kyiv wants to talk."
    )
    assert [(verb, action) for _, _, verb, action, _ in found] == [
        ("pledged", "pledge"),
        ("shot them down", "intercept"),
        ("sold", "buy/sell"),
        ("gave", "deliver"),
    ]
    nominal = action_words("the transfer")
    assert nominal[0][3:] == ("deliver", True)
    assert action_words("much-needed help and a stepped down leader") == []


def test_scope_must_be_known(mentions, documents):
    with pytest.raises(InputError, match="scope: unknown value 'paragraph'"):
        cooccurrence(mentions, documents, scope="paragraph")


def test_no_pairs_gives_an_empty_frame_with_the_columns(mentions, documents):
    pairs = cooccurrence(mentions.loc[mentions["kind"] == "actor"], documents)
    assert pairs.empty and "action_class" in pairs.columns


# --- tone ---------------------------------------------------------------------------------------


def test_tone_sign_on_obviously_positive_and_negative_sentences(mentions, documents):
    result = tone(mentions, documents).set_index("entity_id")
    # air defence is only in "Zelensky praised the wonderful, excellent and generous support".
    assert result.loc["air-defence", "compound"] > 0.5
    assert result.loc["air-defence", ["positive", "negative", "n_sentences"]].tolist() == [1, 0, 1]
    # Russia: "Russia launched drones at Kyiv overnight." (VADER reads "launched" as mildly
    # positive: 0.128) and the deadly attack (-0.891).
    assert result.loc["russia", "n_sentences"] == 2
    assert result.loc["russia", ["positive", "negative"]].tolist() == [0.5, 0.5]
    assert result.loc["russia", "compound"] == pytest.approx((0.128 - 0.891) / 2)
    # Trump twice in one sentence would count once; here: A title, A text, B text (K's copy D
    # is left out, K counts).
    assert result.loc["trump", "n_sentences"] == 4
    assert list(result.reset_index().columns) == [
        "entity_id",
        "entity",
        "kind",
        "compound",
        "positive",
        "negative",
        "n_sentences",
    ]


def test_tone_per_period(mentions, documents):
    weekly = tone(mentions, documents, freq="W")
    zelensky = weekly.loc[weekly["entity_id"] == "zelensky"]
    assert zelensky["period"].iloc[0] == T("2025-06-30") and pd.isna(zelensky["period"].iloc[1])
    assert zelensky["n_sentences"].tolist() == [1, 1]
    assert zelensky["compound"].iloc[1] > 0.5  # the undated praise


def test_faster_vader_gives_the_librarys_scores():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sentences = [
        "The food was good, but the service was terrible.",
        "It was not bad at all, kind of good actually!!",
        "Never so happy. Without doubt the best day :)",
        "I love it 😀 so much",
        "THE ATTACK WAS HORRIBLE and the response was not great",
        "He said the deal is sort of ok, at least for now, but no one is happy about it.",
        " ".join(["Russia attacked the city again and killed civilians, a horrible crime"] * 8),
        "not good, isn't nice, no good, nor bad and never this sad, without doubt great",
        "",
    ]
    library = SentimentIntensityAnalyzer()
    assert [vader_analyzer().polarity_scores(s) for s in sentences] == [
        library.polarity_scores(s) for s in sentences
    ]


def test_evidence_and_cooccur_commands_on_the_seeds(capsys):
    from analysis.__main__ import main

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["evidence", str(config.SEEDS_DIR), "--entity", "patriot"]) == 0
        kwic = capsys.readouterr().out.splitlines()
        assert main(["cooccur", str(config.SEEDS_DIR), "--summary"]) == 0
        summary = capsys.readouterr().out.splitlines()
    assert kwic[0].startswith("left,keyword,right,sentence,doc_id")
    assert len(kwic) >= 2 and ",Patriot" in kwic[1]
    assert summary[0] == "actor,weapon,action_class,count,documents"


@pytest.mark.corpus
def test_whitehouse_evidence_shows_what_was_counted(whitehouse_path):
    from analysis.corpus import load_corpus
    from analysis.mentions import find_mentions

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(whitehouse_path)
    mentions = find_mentions(documents)
    rows = evidence(mentions, documents, entity="zelensky")
    counted = mentions.loc[
        (mentions["entity_id"] == "zelensky")
        & mentions["doc_id"].isin(documents.loc[documents["duplicate_of"] == "", "doc_id"])
    ]
    assert len(rows) == len(counted) > 100
    surfaces = counted["surface"].map(lambda surface: " ".join(surface.split()))
    assert sorted(rows["keyword"]) == sorted(surfaces)
    assert all(k in s for k, s in zip(rows["keyword"], rows["sentence"], strict=True))
    pairs = cooccurrence(mentions, documents)
    assert len(pairs) > 0 and set(pairs["action_class"]) <= {
        "pledge",
        "deliver",
        "buy/sell",
        "pause",
        "intercept",
        "attack",
        "request",
        "receive",
        "use",
        "none",
    }


# --- word boundaries, evidence by period, anchors -----------------------------------------------


def test_context_is_cut_between_words_never_inside_one():
    from analysis.kwic import _left_context, _right_context

    text = "Trump sends Patriot missiles to Ukraine today"
    # before "Patriot" (offset 12): "Trump sends " — 10 characters would cut "Trump"
    assert _left_context(text, 12, 10) == " sends "
    assert _left_context(text, 12, 6) == "sends "  # the cut falls on the space: kept
    assert _left_context(text, 12, 30) == "Trump sends "  # shorter than the width: all of it
    # after "Patriot" (offset 19): " missiles to Ukraine today"
    assert _right_context(text, 19, 10) == " missiles "
    assert _right_context(text, 19, 13) == " missiles to "  # "to U" would cut "Ukraine"
    assert _right_context(text, 19, 5) == " "  # "missiles" does not fit: left out whole
    assert _right_context("a supercalifragilistic word", 1, 8) == " "


def test_evidence_sample_covers_each_entitys_peaks_first(mentions, documents):
    from analysis.kwic import evidence_sample

    sample = evidence_sample(mentions, documents, entities="trump", freq="W", per_period=2)
    # Trump, dated: A title + A text + K text in the week of 30 June (3), B in that of 14 July
    # (1); D is a copy of K. The peak comes first, whatever the dates; two rows of the peak,
    # from two documents (A, K) before a second row of A.
    assert sample["period"].tolist() == [T("2025-06-30"), T("2025-06-30"), T("2025-07-14")]
    assert sample["period_rank"].tolist() == [1, 1, 2]
    assert sample["period_mentions"].tolist() == [3, 3, 1]
    assert list(zip(sample["doc_id"], sample["field"], strict=True)) == [
        ("A", "title"),
        ("K", "text"),
        ("B", "text"),
    ]
    assert sample["anchor"].tolist() == ["ev-trump-2025-06-30"] * 2 + ["ev-trump-2025-07-14"]
    peaks = evidence_sample(mentions, documents, freq="W", periods=1, per_period=9)
    # one period per entity: its busiest; the undated document C is left out
    assert peaks.groupby("entity_id")["period"].nunique().max() == 1
    assert "C" not in set(peaks["doc_id"])
    # with undated=True C is one more group, after the dated periods
    russia = evidence_sample(mentions, documents, entities="russia", freq="W", undated=True)
    assert russia["anchor"].tolist() == ["ev-russia-2025-06-30", "ev-russia-undated"]
    assert russia["period_rank"].tolist() == [1, 2]
    assert set(peaks.loc[peaks["entity_id"] == "ukraine", "period"]) == {T("2025-06-30")}
    window = evidence_sample(mentions, documents, freq="W", start="2025-07-10")
    assert set(window["doc_id"]) == {"B"}
    with pytest.raises(InputError, match="per_period"):
        evidence_sample(mentions, documents, per_period=0)


def test_evidence_anchor_is_safe_and_never_shared():
    from analysis.kwic import evidence_anchor

    assert evidence_anchor("patriot") == "ev-patriot"
    assert evidence_anchor("patriot", "2025-07-09", "W") == "ev-patriot-2025-07-07"
    assert evidence_anchor("patriot", "2025-07-09", "M") == "ev-patriot-2025-07"
    assert evidence_anchor("patriot", "2025-07-09", "Q") == "ev-patriot-2025Q3"
    odd = evidence_anchor('x" onclick="y')
    assert re.fullmatch(r"ev-x-onclick-y-[0-9a-f]{6}", odd)
    assert evidence_anchor("a b") != evidence_anchor("a-b") != evidence_anchor("a/b")


def test_evidence_by_period_anchors_every_linked_point(mentions, documents):
    import matplotlib

    matplotlib.use("Agg")
    from analysis import plots
    from analysis.kwic import evidence_sample
    from analysis.report.html import evidence_by_period
    from analysis.timeline import corpus_over_time, mentions_over_time

    series = mentions_over_time(mentions, documents, freq="W")
    corpus = corpus_over_time(documents, freq="W")
    fig = plots.plot_timeline_with_corpus(series, corpus, links=True, classes=["drone"])
    hrefs = set(re.findall(r'<a xlink:href="#([^"]+)"', plots.svg_links(fig)))
    sample = evidence_sample(mentions, documents, freq="W", undated=True)  # bars count them
    markup = str(evidence_by_period(sample))
    ids = set(re.findall(r' id="([^"]+)"', markup))
    assert "ev-trump-2025-06-30" in hrefs and "ev-patriot-2025-07-14" in hrefs
    assert hrefs <= ids  # every link lands
    top = plots.plot_top_entities(mentions, links=True, classes=["drone"])
    bars = set(re.findall(r'<a xlink:href="#([^"]+)"', plots.svg_links(top)))
    assert bars and bars <= ids
    matplotlib.pyplot.close("all")


def test_evidence_rows_link_the_article_name_the_outlet_and_show_the_title_once(
    mentions, documents
):
    from analysis.kwic import evidence_sample
    from analysis.report.html import evidence_by_period

    documents = documents.assign(
        source=["Outlet <A>", "", "", "Wire", "Wire"],
        title=["<script>alert(1)</script>", "", "", "", ""],
        url=["https://example.org/A", "javascript:alert(1)", "", "", ""],
    )
    sample = evidence_sample(mentions, documents, entities="trump", freq="W", per_period=3)
    markup = str(evidence_by_period(sample))
    assert '<a href="https://example.org/A">&lt;script&gt;alert(1)&lt;/script&gt;</a>' in markup
    assert "javascript:" not in markup and "<script>" not in markup
    assert "Outlet &lt;A&gt;" in markup and "Wire" in markup
    # A's title and text mentions are in one period: the title is written once, then
    # "same article"
    assert markup.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 1
    assert "same article" in markup
    assert '<tbody id="ev-trump-2025-06-30">' in markup
    assert "the week of 2025-06-30: 3 mentions" in markup
    assert "no mentions in this selection" in str(evidence_by_period(sample.iloc[0:0]))
