"""Mentions over time on a hand-made corpus whose counts are worked out in the comments.

Documents (n_words):          week (Monday)   month
    d1 2025-07-01 Tue (100)    2025-06-30      2025-07
    d2 2025-07-03 Thu (300)    2025-06-30      2025-07
    d3 2025-07-16 Wed (200)    2025-07-14      2025-07
    d4 undated        (50)     -               -
    d5 copy of d2     (300)    excluded everywhere
Mentions: trump 2x in d1, 1x in d2, 1x in d4, 1x in d5 (the copy); patriot 1x in d1, 1x in d3.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from analysis import config
from analysis.errors import InputError
from analysis.periods import parse_freq, period_of, period_start
from analysis.schema import DOCUMENT_COLUMNS, MENTION_COLUMNS, MENTION_FLAGS
from analysis.timeline import corpus_over_time, mentions_over_time

T = pd.Timestamp
NaT = pd.NaT


def make_documents(rows):
    frame = pd.DataFrame(
        [
            {
                "doc_id": doc_id,
                "date": date,
                "date_source": "header" if date else "missing",
                "title": "",
                "text": "",
                "source": "",
                "url": "",
                "path": "",
                "n_words": words,
                "duplicate_of": copy_of,
                "warnings": "",
            }
            for doc_id, date, words, copy_of in rows
        ],
        columns=DOCUMENT_COLUMNS,
    )
    return frame.assign(date=pd.to_datetime(frame["date"]))


ENTITIES = {
    "trump": ("Donald Trump", "actor", "person"),
    "patriot": ("Patriot", "weapon", "air-defence system"),
}


def make_mentions(rows, documents):
    dates = documents.set_index("doc_id")["date"]
    frame = pd.DataFrame(
        [
            {
                "doc_id": doc_id,
                "date": dates[doc_id],
                "field": "text",
                "sentence_id": 0,
                "start": 0,
                "end": len(surface),
                "surface": surface,
                "entity_id": entity_id,
                "entity": ENTITIES[entity_id][0],
                "kind": ENTITIES[entity_id][1],
                "category": ENTITIES[entity_id][2],
                "metonym": False,
            }
            for doc_id, entity_id, surface in rows
        ],
        columns=[*MENTION_COLUMNS, *MENTION_FLAGS],
    )
    return frame


@pytest.fixture
def documents():
    return make_documents(
        [
            ("d1", "2025-07-01", 100, ""),
            ("d2", "2025-07-03", 300, ""),
            ("d3", "2025-07-16", 200, ""),
            ("d4", None, 50, ""),
            ("d5", "2025-07-03", 300, "d2"),
        ]
    )


@pytest.fixture
def mentions(documents):
    return make_mentions(
        [
            ("d1", "trump", "Trump"),
            ("d1", "trump", "President Trump"),
            ("d1", "patriot", "Patriot"),
            ("d2", "trump", "Trump"),
            ("d3", "patriot", "Patriots"),
            ("d4", "trump", "Trump"),
            ("d5", "trump", "Trump"),
        ],
        documents,
    )


def rows_of(series, entity_id):
    return series.loc[series["entity_id"] == entity_id].reset_index(drop=True)


def test_period_start_labels_each_period_by_its_first_day():
    dates = pd.Series(
        pd.to_datetime(["2025-07-01 15:30", "2025-07-06 00:00", "2025-07-07 00:00", None])
    )
    assert period_start(dates, "D").tolist()[:3] == [
        T("2025-07-01"),
        T("2025-07-06"),
        T("2025-07-07"),
    ]
    # Weeks start on Monday: Sunday 6 July belongs to the week of Monday 30 June.
    assert period_start(dates, "W").tolist()[:3] == [
        T("2025-06-30"),
        T("2025-06-30"),
        T("2025-07-07"),
    ]
    assert period_start(dates, "W-MON").tolist()[:3] == [T("2025-06-30")] * 2 + [T("2025-07-07")]
    for month in ("M", "MS", "ME", "m"):
        assert period_start(dates, month).tolist()[:3] == [T("2025-07-01")] * 3
    assert pd.isna(period_start(dates, "W").iloc[3])
    assert period_of("2025-07-16", "W") == T("2025-07-14")
    assert parse_freq("M") == "M" and parse_freq("W") == "W-SUN"


def test_time_zone_aware_dates_use_their_wall_time():
    dates = pd.Series(pd.to_datetime(["2025-07-06 23:30"]).tz_localize("America/New_York"))
    assert period_start(dates, "W").tolist() == [T("2025-06-30")]


def test_corpus_over_time_fills_empty_weeks_and_reports_undated(documents):
    corpus = corpus_over_time(documents, freq="W", min_documents=2)
    assert corpus["period"].tolist()[:3] == [T("2025-06-30"), T("2025-07-07"), T("2025-07-14")]
    assert pd.isna(corpus["period"].iloc[3])
    assert corpus["documents"].tolist() == [2, 0, 1, 1]  # d5 is a copy of d2: not counted
    assert corpus["words"].tolist() == [400, 0, 200, 50]
    assert corpus["low_volume"].tolist() == [False, True, True, True]
    assert corpus["undated"].tolist() == [False, False, False, True]
    assert list(corpus.columns) == ["period", "documents", "words", "low_volume", "undated"]
    assert corpus["documents"].dtype == "int64" and corpus["low_volume"].dtype == bool
    assert corpus.attrs["freq"] == "W"


def test_default_low_volume_threshold_is_five_documents(documents):
    corpus = corpus_over_time(documents, freq="M")
    assert corpus["documents"].tolist() == [3, 1]
    assert corpus["low_volume"].tolist() == [True, True]


def test_corpus_without_undated_documents_has_no_undated_row(documents):
    corpus = corpus_over_time(documents.loc[documents["doc_id"] != "d4"], freq="M")
    assert corpus["undated"].tolist() == [False]
    assert corpus["period"].tolist() == [T("2025-07-01")]


def test_daily_periods_run_from_first_to_last_dated_document(documents):
    corpus = corpus_over_time(documents, freq="D")
    dated = corpus.loc[~corpus["undated"]]
    assert len(dated) == 16  # 1 to 16 July
    assert dated["documents"].sum() == 3
    assert dated.loc[dated["period"] == T("2025-07-02"), "documents"].item() == 0


def test_counts_with_zero_weeks_and_the_undated_group(documents, mentions):
    series = mentions_over_time(mentions, documents, freq="W", min_documents=2)
    trump = rows_of(series, "trump")
    assert trump["period"].tolist()[:3] == [T("2025-06-30"), T("2025-07-07"), T("2025-07-14")]
    assert pd.isna(trump["period"].iloc[3])
    assert trump["mentions"].tolist() == [3, 0, 0, 1]  # the copy d5 is not counted
    assert trump["documents_with_mention"].tolist() == [2, 0, 0, 1]
    assert trump["period_documents"].tolist() == [2, 0, 1, 1]
    assert trump["period_words"].tolist() == [400, 0, 200, 50]
    assert trump["value"].tolist() == [3.0, 0.0, 0.0, 1.0]
    assert trump["low_volume"].tolist() == [False, True, True, True]
    assert trump["undated"].tolist() == [False, False, False, True]
    patriot = rows_of(series, "patriot")
    assert patriot["mentions"].tolist() == [1, 0, 1, 0]
    # Most mentioned entity first (trump 4, patriot 2); columns as documented.
    assert series["entity_id"].tolist() == ["trump"] * 4 + ["patriot"] * 4
    assert list(series.columns) == [
        "period",
        "entity_id",
        "entity",
        "kind",
        "category",
        "mentions",
        "documents_with_mention",
        "period_documents",
        "period_words",
        "value",
        "low_volume",
        "undated",
    ]
    assert series.attrs["normalize"] == "count"


def test_per_1k_words(documents, mentions):
    series = mentions_over_time(mentions, documents, freq="W", normalize="per_1k_words")
    # trump: 3 / 400 words, nothing in the empty week, 0 / 200, and 1 / 50 undated.
    assert rows_of(series, "trump")["value"].tolist() == [7.5, 0.0, 0.0, 20.0]
    assert rows_of(series, "patriot")["value"].tolist() == [2.5, 0.0, 5.0, 0.0]


def test_share_of_documents(documents, mentions):
    series = mentions_over_time(mentions, documents, freq="W", normalize="share_of_docs")
    assert rows_of(series, "trump")["value"].tolist() == [1.0, 0.0, 0.0, 1.0]
    assert rows_of(series, "patriot")["value"].tolist() == [0.5, 0.0, 1.0, 0.0]


def test_monthly_series(documents, mentions):
    series = mentions_over_time(mentions, documents, freq="M", normalize="share_of_docs")
    trump = rows_of(series, "trump")
    assert trump["period"].iloc[0] == T("2025-07-01")
    assert trump["mentions"].tolist() == [3, 1]
    assert trump["value"].tolist() == [pytest.approx(2 / 3), 1.0]


def test_entity_and_kind_filters(documents, mentions):
    by_name = mentions_over_time(mentions, documents, entities="Patriot")
    by_surface = mentions_over_time(mentions, documents, entities=["president trump"])
    by_kind = mentions_over_time(mentions, documents, kinds="weapon")
    assert set(by_name["entity_id"]) == {"patriot"}
    assert set(by_surface["entity_id"]) == {"trump"}
    assert set(by_kind["entity_id"]) == {"patriot"}
    assert by_surface["mentions"].sum() == 4


def test_unknown_entity_is_reported_not_silently_dropped(documents, mentions):
    with pytest.warns(UserWarning, match="no mentions of 'nobody'"):
        series = mentions_over_time(mentions, documents, entities=["patriot", "nobody"])
    assert set(series["entity_id"]) == {"patriot"}


def test_start_and_end_bound_the_periods(documents, mentions):
    series = mentions_over_time(mentions, documents, start="2025-07-10", end="2025-07-31")
    trump = rows_of(series, "trump")
    # From the week of the 7th to the week of the 28th; d1 and d2 are before the start, so
    # trump keeps its rows (zeros) and the undated group is still reported.
    assert trump["period"].tolist()[:4] == [
        T("2025-07-07"),
        T("2025-07-14"),
        T("2025-07-21"),
        T("2025-07-28"),
    ]
    assert trump["mentions"].tolist() == [0, 0, 0, 0, 1]
    assert trump["period_documents"].tolist() == [0, 1, 0, 0, 1]
    # The end day is included whole.
    upto = corpus_over_time(documents, freq="D", end="2025-07-03")
    assert upto.loc[upto["period"] == T("2025-07-03"), "documents"].item() == 1


def test_bad_parameters_raise_one_clear_line(documents, mentions):
    with pytest.raises(InputError, match=r"freq: unknown frequency 'fortnight'; use one of D, W"):
        corpus_over_time(documents, freq="fortnight")
    with pytest.raises(InputError, match=r"normalize: unknown value 'percent'"):
        mentions_over_time(mentions, documents, normalize="percent")
    with pytest.raises(InputError, match="documents: missing column"):
        corpus_over_time(documents.drop(columns="n_words"))
    with pytest.raises(InputError, match="start: cannot read"):
        corpus_over_time(documents, start="not a date")


def test_empty_mentions_give_an_empty_series(documents, mentions):
    series = mentions_over_time(mentions.iloc[0:0], documents)
    assert series.empty and "value" in series.columns


def test_timeline_command_on_the_seeds(capsys):
    from analysis.__main__ import main

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["timeline", str(config.SEEDS_DIR), "--freq", "M", "--normalize", "count"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == (
        "period,entity_id,entity,kind,category,mentions,documents_with_mention,"
        "period_documents,period_words,value,low_volume,undated"
    )
    assert len(out) > 2


def test_timeline_command_rejects_an_unknown_frequency(capsys):
    from analysis.__main__ import main

    assert main(["timeline", str(config.SEEDS_DIR), "--freq", "fortnight"]) == 2
    assert "freq: unknown frequency 'fortnight'" in capsys.readouterr().err


@pytest.fixture(scope="module")
def whitehouse():
    if not config.WHITEHOUSE_CORPUS.exists():
        pytest.skip(f"White House corpus not found at {config.WHITEHOUSE_CORPUS}")
    from analysis.corpus import load_corpus
    from analysis.mentions import find_mentions

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(config.WHITEHOUSE_CORPUS)
    return documents, find_mentions(documents)


@pytest.mark.corpus
def test_whitehouse_counts_in_equal_counts_out(whitehouse):
    documents, mentions = whitehouse
    unique = documents.loc[documents["duplicate_of"] == ""]
    for freq in ("D", "W", "M"):
        corpus = corpus_over_time(documents, freq=freq)
        assert corpus["documents"].sum() == len(unique)
        assert corpus["words"].sum() == unique["n_words"].sum()
        series = mentions_over_time(mentions, documents, freq=freq)
        counted = mentions.loc[mentions["doc_id"].isin(unique["doc_id"])]
        assert series["mentions"].sum() == len(counted)
        # Every entity has the same full row of periods.
        assert (series.groupby("entity_id").size() == len(corpus)).all()
